import Glibc

/// Reads a process's resident memory from `/proc/<pid>/status`.
enum ServerMemory {
    /// `VmRSS` of `pid` in kilobytes, or `nil` when it cannot be read.
    static func residentKilobytes(pid: Int32) -> Int? {
        guard let file = fopen("/proc/\(pid)/status", "r") else { return nil }
        defer { fclose(file) }
        var line = [CChar](repeating: 0, count: 256)
        while fgets(&line, Int32(line.count), file) != nil {
            let text = String(decoding: line.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
            guard text.hasPrefix("VmRSS:") else { continue }
            return Int(text.dropFirst(6).filter(\.isNumber))
        }
        return nil
    }
}

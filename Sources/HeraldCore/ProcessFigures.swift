import Glibc

/// Memory and CPU figures of this process and machine, read from the kernel.
enum ProcessFigures {
    /// Resident set size of this process in bytes (0 if `/proc` cannot be read).
    static func residentBytes() -> Int {
        // /proc/self/statm: size resident shared text lib data dt, in pages.
        let fields = readFile("/proc/self/statm").split(separator: " ")
        guard fields.count > 1, let pages = Int(fields[1]) else { return 0 }
        return pages * Int(sysconf(Int32(_SC_PAGESIZE)))
    }

    /// Free and total memory of the machine in bytes.
    static func systemMemory() -> (free: Int, total: Int) {
        let page = Int(sysconf(Int32(_SC_PAGESIZE)))
        return (Int(sysconf(Int32(_SC_AVPHYS_PAGES))) * page, Int(sysconf(Int32(_SC_PHYS_PAGES))) * page)
    }

    /// One model name per online processor.
    static func cpuModels() -> [String] {
        let models = readFile("/proc/cpuinfo").split(separator: "\n").compactMap { line -> String? in
            guard line.hasPrefix("model name"), let colon = line.firstIndex(of: ":") else { return nil }
            return String(line[line.index(after: colon)...].drop { $0 == " " || $0 == "\t" })
        }
        if !models.isEmpty { return models }
        return Array(repeating: "unknown", count: max(1, Int(sysconf(Int32(_SC_NPROCESSORS_ONLN)))))
    }

    /// A small text file read whole (procfs reports a size of 0, so read until the end).
    private static func readFile(_ path: String) -> String {
        let descriptor = open(path, O_RDONLY)
        guard descriptor >= 0 else { return "" }
        defer { close(descriptor) }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 4096)
        while true {
            let count = chunk.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
            if count <= 0 { break }
            bytes.append(contentsOf: chunk[0..<count])
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}

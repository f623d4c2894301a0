internal import CHeraldBenchSys

/// Finds the few fields the benchmark needs in a Kuzzle JSON frame by byte search, without parsing it.
///
/// It looks for the first occurrence of `"key":` (optional spaces after the colon). That is sound for the
/// frames the scenarios see: response and notification envelopes put no user data before these keys
/// except documents the benchmark wrote itself, whose field names (`t`, `g`, `pad`) do not collide.
struct KuzzleFrameScanner {
    /// A key to look for, stored as the bytes `"key":`.
    struct Key {
        fileprivate let pattern: [UInt8]

        init(_ name: String) {
            pattern = Array("\"\(name)\":".utf8)
        }
    }

    static let room = Key("room")
    static let status = Key("status")
    static let errorID = Key("id")
    static let channel = Key("channel")
    static let type = Key("type")
    static let timestamp = Key("t")

    /// The raw bytes of the string value of `key` (escapes left as they are), or `nil`.
    static func string(_ key: Key, in frame: UnsafeRawBufferPointer) -> UnsafeRawBufferPointer? {
        guard var index = valueStart(key, in: frame), index < frame.count, frame[index] == UInt8(ascii: "\"") else {
            return nil
        }
        index += 1
        let start = index
        while index < frame.count {
            let byte = frame[index]
            if byte == UInt8(ascii: "\"") {
                return UnsafeRawBufferPointer(rebasing: frame[start..<index])
            }
            index += byte == UInt8(ascii: "\\") ? 2 : 1
        }
        return nil
    }

    /// The integer value of `key`, or `nil` when absent or not an integer.
    static func integer(_ key: Key, in frame: UnsafeRawBufferPointer) -> Int? {
        guard let start = valueStart(key, in: frame) else { return nil }
        return parseInteger(UnsafeRawBufferPointer(rebasing: frame[start...]), wholeValue: false)
    }

    /// The value of `key` when it is a string holding only a decimal integer (as the benchmark's request ids).
    static func integerString(_ key: Key, in frame: UnsafeRawBufferPointer) -> Int? {
        guard let value = string(key, in: frame) else { return nil }
        return parseInteger(value, wholeValue: true)
    }

    /// Parses an optional minus sign and digits at the start of `frame` (all of it when `wholeValue`).
    private static func parseInteger(_ frame: UnsafeRawBufferPointer, wholeValue: Bool) -> Int? {
        var index = 0
        guard index < frame.count else { return nil }
        var negative = false
        if frame[index] == UInt8(ascii: "-") {
            negative = true
            index += 1
        }
        var value = 0
        let digitsStart = index
        while index < frame.count {
            let digit = frame[index] &- UInt8(ascii: "0")
            guard digit < 10 else { break }
            let (times10, overflow1) = value.multipliedReportingOverflow(by: 10)
            let (sum, overflow2) = times10.addingReportingOverflow(Int(digit))
            guard !overflow1, !overflow2 else { return nil }
            value = sum
            index += 1
        }
        guard index > digitsStart, !wholeValue || index == frame.count else { return nil }
        return negative ? -value : value
    }

    /// True when the string value of `key` equals `expected`.
    static func string(_ key: Key, in frame: UnsafeRawBufferPointer, equals expected: StaticString) -> Bool {
        guard let value = string(key, in: frame), value.count == expected.utf8CodeUnitCount else { return false }
        return value.elementsEqual(UnsafeBufferPointer(start: expected.utf8Start, count: expected.utf8CodeUnitCount))
    }

    /// Offset of the first byte of the value of `key` (after the colon and any spaces).
    private static func valueStart(_ key: Key, in frame: UnsafeRawBufferPointer) -> Int? {
        guard let base = frame.baseAddress, frame.count >= key.pattern.count else { return nil }
        let found = key.pattern.withUnsafeBytes { pattern in
            chb_memmem(base, frame.count, pattern.baseAddress, pattern.count)
        }
        guard let found else { return nil }
        var index = base.distance(to: UnsafeRawPointer(found)) + key.pattern.count
        while index < frame.count, frame[index] == UInt8(ascii: " ") { index += 1 }
        return index
    }
}

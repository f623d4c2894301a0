internal import CHeraldBenchSys

/// One operation a NATS server sends (client protocol, text form).
enum NatsServerOperation {
    /// The server's `INFO {...}` greeting.
    case info
    /// `MSG <subject> <sid> [reply-to] <size>` and its payload; the pointer is valid only during the callback.
    case message(sid: Int, payload: UnsafeRawBufferPointer)
    case ping
    case pong
    case ok
    /// `-ERR '<text>'`.
    case error(String)
}

/// Server bytes that do not follow the NATS client protocol.
enum NatsProtocolError: Error, Equatable {
    case unknownOperation(String)
    case malformedMessage(String)
    case lineTooLong
}

/// Incremental parser for what a NATS server sends: WebSocket message payloads go in as one byte stream
/// (an operation may straddle two messages), operations come out. Pure value type.
struct NatsProtocolParser {
    /// Longest control line accepted (INFO is the longest the server sends).
    let maxLineBytes: Int
    private var pending: [UInt8] = []

    init(maxLineBytes: Int = 64 * 1024) {
        self.maxLineBytes = maxLineBytes
    }

    /// Bytes kept from earlier calls because they hold an incomplete operation.
    var bufferedCount: Int { pending.count }

    /// Parses `bytes` after whatever was left from earlier calls, calling `onOperation` for each complete one.
    mutating func receive(
        _ bytes: UnsafeRawBufferPointer,
        _ onOperation: (NatsServerOperation) -> Void
    ) throws(NatsProtocolError) {
        guard !bytes.isEmpty else { return }
        if pending.isEmpty {
            let consumed = try Self.parse(bytes, maxLineBytes: maxLineBytes, onOperation)
            if consumed < bytes.count {
                pending.append(contentsOf: UnsafeRawBufferPointer(rebasing: bytes[consumed...]))
            }
            return
        }
        pending.append(contentsOf: bytes)
        var buffered = pending
        pending = []
        let limit = maxLineBytes
        let result = buffered.withUnsafeBytes { all in
            Result { () throws(NatsProtocolError) -> Int in try Self.parse(all, maxLineBytes: limit, onOperation) }
        }
        buffered.removeFirst(try result.get())
        pending = buffered
    }

    /// Parses the complete operations at the start of `bytes` and returns how many bytes they took.
    private static func parse(
        _ bytes: UnsafeRawBufferPointer,
        maxLineBytes: Int,
        _ onOperation: (NatsServerOperation) -> Void
    ) throws(NatsProtocolError) -> Int {
        var offset = 0
        while offset < bytes.count {
            let rest = UnsafeRawBufferPointer(rebasing: bytes[offset...])
            guard let lineLength = lineEnd(in: rest) else {
                guard rest.count <= maxLineBytes else { throw .lineTooLong }
                break
            }
            let line = UnsafeRawBufferPointer(rebasing: rest[0..<lineLength])
            let afterLine = lineLength + 2
            if startsWith(line, "msg ") {
                guard let (sid, size) = messageHeader(line) else { throw .malformedMessage(text(line)) }
                guard rest.count >= afterLine + size + 2 else { break }
                guard rest[afterLine + size] == 13, rest[afterLine + size + 1] == 10 else {
                    throw .malformedMessage(text(line))
                }
                onOperation(.message(sid: sid, payload: UnsafeRawBufferPointer(rebasing: rest[afterLine..<(afterLine + size)])))
                offset += afterLine + size + 2
                continue
            }
            if startsWith(line, "ping") {
                onOperation(.ping)
            } else if startsWith(line, "pong") {
                onOperation(.pong)
            } else if startsWith(line, "+ok") {
                onOperation(.ok)
            } else if startsWith(line, "-err") {
                onOperation(.error(text(UnsafeRawBufferPointer(rebasing: line[4...])).trimmingSpacesAndQuotes()))
            } else if startsWith(line, "info") {
                onOperation(.info)
            } else {
                throw .unknownOperation(text(line))
            }
            offset += afterLine
        }
        return offset
    }

    /// Length of the first line (up to, not including, its `\r\n`), or `nil` when no line is complete.
    private static func lineEnd(in bytes: UnsafeRawBufferPointer) -> Int? {
        guard let base = bytes.baseAddress, bytes.count >= 2 else { return nil }
        let found = withUnsafeBytes(of: (UInt8(13), UInt8(10))) { crlf in
            chb_memmem(base, bytes.count, crlf.baseAddress, 2)
        }
        guard let found else { return nil }
        return base.distance(to: found)
    }

    /// True when `line` starts with the lower-case ASCII `prefix`, compared case-insensitively.
    private static func startsWith(_ line: UnsafeRawBufferPointer, _ prefix: StaticString) -> Bool {
        let count = prefix.utf8CodeUnitCount
        guard line.count >= count else { return false }
        for index in 0..<count {
            let byte = line[index]
            let lowered = byte >= 65 && byte <= 90 ? byte | 0x20 : byte
            guard lowered == prefix.utf8Start[index] else { return false }
        }
        return true
    }

    /// The subscription id and payload size of a `MSG` line: the second field and the last one.
    private static func messageHeader(_ line: UnsafeRawBufferPointer) -> (sid: Int, size: Int)? {
        var fields: [UnsafeRawBufferPointer] = []
        var start = 0
        for index in 0...line.count {
            let atSeparator = index == line.count || line[index] == 32 || line[index] == 9
            guard atSeparator else { continue }
            if index > start { fields.append(UnsafeRawBufferPointer(rebasing: line[start..<index])) }
            start = index + 1
        }
        guard fields.count == 4 || fields.count == 5,
              let sid = decimal(fields[2]), let size = decimal(fields[fields.count - 1]) else { return nil }
        return (sid, size)
    }

    /// A non-negative decimal number filling all of `bytes`.
    private static func decimal(_ bytes: UnsafeRawBufferPointer) -> Int? {
        guard !bytes.isEmpty, bytes.count <= 18 else { return nil }
        var value = 0
        for byte in bytes {
            let digit = byte &- 48
            guard digit < 10 else { return nil }
            value = value * 10 + Int(digit)
        }
        return value
    }

    private static func text(_ bytes: UnsafeRawBufferPointer) -> String {
        String(decoding: bytes, as: UTF8.self)
    }
}

extension String {
    fileprivate func trimmingSpacesAndQuotes() -> String {
        let unwanted: Set<Character> = [" ", "'", "\t"]
        return String(drop { unwanted.contains($0) }.reversed().drop { unwanted.contains($0) }.reversed())
    }
}

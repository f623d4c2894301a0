import CHiredis

/// One Redis reply, copied out of hiredis (which frees its own right after the callback).
public indirect enum RedisReply: Sendable, Equatable {
    /// A simple status (`OK`, `QUEUED`).
    case status(String)
    /// A bulk string, decoded as UTF-8 (Herald only stores JSON text and identifiers).
    case string(String)
    case integer(Int64)
    case array([RedisReply])
    /// A nil bulk string or nil array.
    case null
    /// An error reply (`ERR ...`, `NOSCRIPT ...`, or a script's own `error_reply`).
    case error(String)

    /// The text of a status or bulk string, `nil` otherwise.
    public var text: String? {
        switch self {
        case .status(let text), .string(let text): return text
        default: return nil
        }
    }

    /// The elements of an array, `nil` otherwise.
    public var elements: [RedisReply]? {
        if case .array(let elements) = self { return elements }
        return nil
    }

    /// Copies a hiredis reply (and its elements).
    init(_ reply: UnsafePointer<redisReply>) {
        let value = reply.pointee
        func text() -> String {
            guard let pointer = value.str else { return "" }
            return String(decoding: UnsafeRawBufferPointer(start: pointer, count: value.len), as: UTF8.self)
        }
        switch value.type {
        case herald_redis_reply_status: self = .status(text())
        case herald_redis_reply_string: self = .string(text())
        case herald_redis_reply_integer: self = .integer(Int64(value.integer))
        case herald_redis_reply_error: self = .error(text())
        case herald_redis_reply_array:
            var elements: [RedisReply] = []
            elements.reserveCapacity(value.elements)
            for position in 0..<value.elements {
                if let element = value.element[position] { elements.append(RedisReply(element)) } else { elements.append(.null) }
            }
            self = .array(elements)
        default: self = .null
        }
    }
}

/// Writes one JSON object member by member, straight into a byte buffer.
///
/// Get one from ``JSONWriter/writeObject(into:_:)`` or from a parent writer. Each call writes a
/// key and exactly one value, and the writer places braces and commas itself, so the output is
/// well-formed JSON whatever the calls, provided ``raw(_:json:)`` is given well-formed JSON.
/// The writer cannot be copied or kept past the closure that receives it.
public struct JSONObjectWriter: ~Copyable {
    var buffer: [UInt8] = []
    private var isEmpty = true

    init() {}

    /// Writes `"key":` after a comma when needed.
    private mutating func member(_ key: String) {
        if isEmpty {
            isEmpty = false
        } else {
            buffer.append(Byte.comma)
        }
        JSONWriter.writeString(key, into: &buffer)
        buffer.append(Byte.colon)
    }

    public mutating func string(_ key: String, _ value: String) {
        member(key)
        JSONWriter.writeString(value, into: &buffer)
    }

    public mutating func int(_ key: String, _ value: Int) {
        member(key)
        JSONWriter.writeInt(value, into: &buffer)
    }

    public mutating func double(_ key: String, _ value: Double) {
        member(key)
        JSONWriter.writeDouble(value, into: &buffer)
    }

    public mutating func bool(_ key: String, _ value: Bool) {
        member(key)
        JSONWriter.appendASCII(value ? "true" : "false", to: &buffer)
    }

    public mutating func null(_ key: String) {
        member(key)
        JSONWriter.appendASCII("null", to: &buffer)
    }

    public mutating func value(_ key: String, _ value: JSONValue) {
        member(key)
        JSONWriter.write(value, into: &buffer)
    }

    /// Writes `json`, which must be exactly one well-formed JSON value (an already encoded
    /// document, for instance), as the value of `key`.
    public mutating func raw(_ key: String, json: some Sequence<UInt8>) {
        member(key)
        buffer.append(contentsOf: json)
    }

    /// Writes an object as the value of `key`, filled by `body`.
    public mutating func object<E: Error>(
        _ key: String, _ body: (inout JSONObjectWriter) throws(E) -> Void
    ) throws(E) {
        member(key)
        try JSONWriter.writeObject(into: &buffer, body)
    }

    /// Writes an array as the value of `key`, filled by `body`.
    public mutating func array<E: Error>(
        _ key: String, _ body: (inout JSONArrayWriter) throws(E) -> Void
    ) throws(E) {
        member(key)
        try JSONWriter.writeArray(into: &buffer, body)
    }
}

/// Writes one JSON array element by element, straight into a byte buffer.
///
/// The array counterpart of ``JSONObjectWriter``, with the same guarantees.
public struct JSONArrayWriter: ~Copyable {
    var buffer: [UInt8] = []
    private var isEmpty = true

    init() {}

    private mutating func element() {
        if isEmpty {
            isEmpty = false
        } else {
            buffer.append(Byte.comma)
        }
    }

    public mutating func string(_ value: String) {
        element()
        JSONWriter.writeString(value, into: &buffer)
    }

    public mutating func int(_ value: Int) {
        element()
        JSONWriter.writeInt(value, into: &buffer)
    }

    public mutating func double(_ value: Double) {
        element()
        JSONWriter.writeDouble(value, into: &buffer)
    }

    public mutating func bool(_ value: Bool) {
        element()
        JSONWriter.appendASCII(value ? "true" : "false", to: &buffer)
    }

    public mutating func null() {
        element()
        JSONWriter.appendASCII("null", to: &buffer)
    }

    public mutating func value(_ value: JSONValue) {
        element()
        JSONWriter.write(value, into: &buffer)
    }

    /// Writes `json`, which must be exactly one well-formed JSON value, as the next element.
    public mutating func raw(json: some Sequence<UInt8>) {
        element()
        buffer.append(contentsOf: json)
    }

    /// Writes an object as the next element, filled by `body`.
    public mutating func object<E: Error>(_ body: (inout JSONObjectWriter) throws(E) -> Void) throws(E) {
        element()
        try JSONWriter.writeObject(into: &buffer, body)
    }

    /// Writes an array as the next element, filled by `body`.
    public mutating func array<E: Error>(_ body: (inout JSONArrayWriter) throws(E) -> Void) throws(E) {
        element()
        try JSONWriter.writeArray(into: &buffer, body)
    }
}

extension JSONWriter {
    /// Appends an object to `buffer`, its members written by `body`.
    ///
    /// If `body` throws, `buffer` keeps what was written so far (an unfinished object).
    public static func writeObject<E: Error>(
        into buffer: inout [UInt8], _ body: (inout JSONObjectWriter) throws(E) -> Void
    ) throws(E) {
        var writer = JSONObjectWriter()
        // Move the buffer in and out rather than copy it, so appends never trigger copy-on-write.
        swap(&writer.buffer, &buffer)
        defer { swap(&writer.buffer, &buffer) }
        writer.buffer.append(Byte.openBrace)
        try body(&writer)
        writer.buffer.append(Byte.closeBrace)
    }

    /// Appends an array to `buffer`, its elements written by `body`.
    ///
    /// If `body` throws, `buffer` keeps what was written so far (an unfinished array).
    public static func writeArray<E: Error>(
        into buffer: inout [UInt8], _ body: (inout JSONArrayWriter) throws(E) -> Void
    ) throws(E) {
        var writer = JSONArrayWriter()
        swap(&writer.buffer, &buffer)
        defer { swap(&writer.buffer, &buffer) }
        writer.buffer.append(Byte.openBracket)
        try body(&writer)
        writer.buffer.append(Byte.closeBracket)
    }
}

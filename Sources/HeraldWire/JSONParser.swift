/// Parses JSON text (RFC 8259, strictly) from UTF-8 bytes into a ``JSONValue``.
///
/// Accepts exactly what `JSON.parse` accepts, minus input that is not valid UTF-8, and builds the
/// same value:
/// - no trailing commas, comments, leading zeros, `NaN`, `Infinity` or single quotes;
/// - raw control characters inside strings are rejected; escapes are decoded, a `\uXXXX`
///   surrogate pair becomes one scalar and a lone surrogate becomes U+FFFD;
/// - a repeated key keeps its first position and its last value, as in JavaScript;
/// - a number without fraction or exponent that fits `Int` is an `.int`; every other number is a
///   `.double`, so `1.0` is `.double(1)` and `-0` is `.double(-0.0)` (the value JavaScript has);
///   a magnitude past `Double.greatestFiniteMagnitude`, such as `1e400`, is `.double(.infinity)`
///   as in JavaScript (``JSONWriter`` writes it back as `null`, like `JSON.stringify`);
/// - containers nested deeper than ``maximumDepth`` are an error. Parsing is iterative, so no
///   depth can overflow the stack.
///
/// Failures throw ``JSONParseError``, worded like Node's `JSON.parse` messages.
public struct JSONParser: Sendable {
    /// The nesting limit used by the static `parse` functions.
    public static let defaultMaximumDepth = 512

    /// Most arrays and objects that may be open at once; `0` allows scalars only.
    public var maximumDepth: Int

    public init(maximumDepth: Int = JSONParser.defaultMaximumDepth) {
        self.maximumDepth = maximumDepth
    }

    /// Parses one JSON document filling all of `bytes`. A string value written exactly as
    /// `repeated` is comes back as `repeated.value` itself, sharing its storage, instead of a new
    /// copy. The value parsed is the same either way: a client that repeats a long string in every
    /// message (its token) has it compared instead of scanned, validated, allocated and copied.
    public func parse(_ bytes: UnsafeRawBufferPointer, repeated: ReusableString? = nil)
        throws(JSONParseError) -> JSONValue
    {
        var reader = JSONReader(bytes, maximumDepth: maximumDepth, repeated: repeated)
        return try reader.readDocument()
    }

    /// Parses one JSON document filling all of `bytes`.
    public func parse(_ bytes: [UInt8]) throws(JSONParseError) -> JSONValue {
        let result = bytes.withUnsafeBytes { buffer in
            Result { () throws(JSONParseError) in try parse(buffer) }
        }
        return try result.get()
    }

    /// Parses one JSON document from the UTF-8 form of `text`.
    public func parse(_ text: String) throws(JSONParseError) -> JSONValue {
        let result = text.utf8.withContiguousStorageIfAvailable { buffer in
            Result { () throws(JSONParseError) in try parse(UnsafeRawBufferPointer(buffer)) }
        }
        return try (result ?? Result { () throws(JSONParseError) in try parse(Array(text.utf8)) }).get()
    }

    /// Parses with the default depth limit.
    public static func parse(_ bytes: UnsafeRawBufferPointer) throws(JSONParseError) -> JSONValue {
        try JSONParser().parse(bytes)
    }

    /// Parses with the default depth limit.
    public static func parse(_ bytes: [UInt8]) throws(JSONParseError) -> JSONValue {
        try JSONParser().parse(bytes)
    }

    /// Parses with the default depth limit.
    public static func parse(_ text: String) throws(JSONParseError) -> JSONValue {
        try JSONParser().parse(text)
    }
}

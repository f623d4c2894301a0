/// Why ``JSONParser`` rejected its input.
///
/// ``message`` is worded like the `SyntaxError` messages of Node 20's `JSON.parse` (V8 11), because
/// Kuzzle forwards that text to clients. Positions inside messages count UTF-16 code units, as
/// JavaScript string indices do; ``offset`` counts bytes of the UTF-8 input. Both agree for ASCII.
///
/// Unexpected-token messages quote the source: whole when it is shorter than 21 code units,
/// otherwise the 10 code units on each side of the token, with `...` marking each cut, as V8
/// does. Where V8 would quote half of a surrogate pair, the token is quoted whole and an excerpt
/// shows U+FFFD for the orphaned half.
/// Two failures JavaScript cannot meet have messages in the same style:
/// `Bad UTF-8 sequence in JSON at position N` and
/// `Maximum nesting depth of D exceeded in JSON at position N`.
public struct JSONParseError: Error, Equatable, CustomStringConvertible {
    /// The `JSON.parse`-style explanation.
    public let message: String
    /// Byte offset of the offending input; the input length when it ended too early.
    public let offset: Int

    public init(message: String, offset: Int) {
        self.message = message
        self.offset = offset
    }

    public var description: String { message }
}

extension JSONParseError {
    /// What went wrong, before it is worded.
    enum Reason {
        case unexpectedEnd
        case unexpectedCharacter
        case unexpectedNumber
        case unexpectedString
        case unterminatedString
        case expectedPropertyNameOrBrace
        case expectedDoubleQuotedPropertyName
        case expectedColonAfterPropertyName
        case expectedCommaOrBrace
        case expectedCommaOrBracket
        case exponentMissingNumber
        case unterminatedFraction
        case noNumberAfterMinus
        case nonWhitespaceAfterJSON
        case badEscapedCharacter
        case badControlCharacter
        case badUnicodeEscape
        case badUTF8
        case depthExceeded(Int)
    }

    /// Words `reason` for the failure at byte `offset` of `source`.
    ///
    /// Runs only on failure, so it may walk the whole input.
    init(_ reason: Reason, at offset: Int, in source: UnsafeRawBufferPointer) {
        let position = Self.utf16Position(ofByte: offset, in: source)
        let message: String
        switch reason {
        case .unexpectedEnd: message = "Unexpected end of JSON input"
        case .unexpectedCharacter:
            message = Self.unexpectedTokenMessage(at: offset, position: position, in: source)
        case .unexpectedNumber: message = "Unexpected number in JSON at position \(position)"
        case .unexpectedString: message = "Unexpected string in JSON at position \(position)"
        case .unterminatedString: message = "Unterminated string in JSON at position \(position)"
        case .expectedPropertyNameOrBrace:
            message = "Expected property name or '}' in JSON at position \(position)"
        case .expectedDoubleQuotedPropertyName:
            message = "Expected double-quoted property name in JSON at position \(position)"
        case .expectedColonAfterPropertyName:
            message = "Expected ':' after property name in JSON at position \(position)"
        case .expectedCommaOrBrace:
            message = "Expected ',' or '}' after property value in JSON at position \(position)"
        case .expectedCommaOrBracket:
            message = "Expected ',' or ']' after array element in JSON at position \(position)"
        case .exponentMissingNumber:
            message = "Exponent part is missing a number in JSON at position \(position)"
        case .unterminatedFraction: message = "Unterminated fractional number in JSON at position \(position)"
        case .noNumberAfterMinus: message = "No number after minus sign in JSON at position \(position)"
        case .nonWhitespaceAfterJSON:
            message = "Unexpected non-whitespace character after JSON at position \(position)"
        case .badEscapedCharacter: message = "Bad escaped character in JSON at position \(position)"
        case .badControlCharacter:
            message = "Bad control character in string literal in JSON at position \(position)"
        case .badUnicodeEscape: message = "Bad Unicode escape in JSON at position \(position)"
        case .badUTF8: message = "Bad UTF-8 sequence in JSON at position \(position)"
        case .depthExceeded(let limit):
            message = "Maximum nesting depth of \(limit) exceeded in JSON at position \(position)"
        }
        self.init(message: message, offset: offset)
    }

    /// Number of UTF-16 code units encoded by the (valid) UTF-8 bytes before `offset`.
    private static func utf16Position(ofByte offset: Int, in source: UnsafeRawBufferPointer) -> Int {
        var units = 0
        for byte in source[..<min(offset, source.count)] {
            if byte & 0xC0 != 0x80 { units += 1 }  // a scalar starts here
            if byte >= 0xF0 { units += 1 }  // astral: a surrogate pair
        }
        return units
    }

    /// Source texts that V8 reports without naming a token.
    private static let specialSources: Set<String> = ["[object Object]", "undefined", "Infinity", "NaN"]

    /// Code units quoted on each side of the token; sources shorter than twice this plus one are
    /// quoted whole.
    private static let contextCharacters = 10

    /// `Unexpected token 'x', "<source or excerpt>" is not valid JSON`.
    private static func unexpectedTokenMessage(
        at offset: Int, position: Int, in source: UnsafeRawBufferPointer
    ) -> String {
        let text = String(decoding: source, as: UTF8.self)
        if specialSources.contains(text) { return "\"\(text)\" is not valid JSON" }
        let lead = source[offset]
        let length = lead < 0x80 ? 1 : lead < 0xE0 ? 2 : lead < 0xF0 ? 3 : 4
        let token = String(decoding: source[offset..<min(offset + length, source.count)], as: UTF8.self)
        let units = Array(text.utf16)
        let context = contextCharacters
        guard units.count >= 2 * context + 1 else {
            return "Unexpected token '\(token)', \"\(text)\" is not valid JSON"
        }
        func excerpt(_ range: Range<Int>) -> String {
            String(decoding: units[range.clamped(to: 0..<units.count)], as: UTF16.self)
        }
        if position < context {
            return "Unexpected token '\(token)', \"\(excerpt(0..<position + context))\"... is not valid JSON"
        }
        if position < units.count - context {
            let middle = excerpt(position - context..<position + context)
            return "Unexpected token '\(token)', ...\"\(middle)\"... is not valid JSON"
        }
        return
            "Unexpected token '\(token)', ...\"\(excerpt(position - context..<units.count))\" is not valid JSON"
    }
}

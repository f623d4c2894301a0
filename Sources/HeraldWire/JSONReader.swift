/// Reads one JSON document out of a byte buffer; the engine behind ``JSONParser``.
///
/// Errors are reported where V8's `JSON.parse` reports them, with the same wording, so that the
/// gateway's error frames read like Kuzzle's.
struct JSONReader {
    private let bytes: UnsafeRawBufferPointer
    private let count: Int
    private let maximumDepth: Int
    private var position = 0
    /// Decoded bytes of the string being read when it holds escapes; reused from string to string.
    private var scratch: [UInt8] = []
    /// Keys of the objects being read, innermost last; reused across containers.
    private var pendingKeys: [String] = []
    /// Values and elements of the containers being read, innermost last; reused across containers.
    private var pendingValues: [JSONValue] = []
    /// A string expected again, handed back instead of a copy where its text is found, and its
    /// length in bytes (0 when there is none).
    private let repeated: ReusableString?
    private let repeatedLength: Int

    init(_ bytes: UnsafeRawBufferPointer, maximumDepth: Int, repeated: ReusableString?) {
        self.bytes = bytes
        self.count = bytes.count
        self.maximumDepth = maximumDepth
        self.repeated = repeated
        repeatedLength = repeated?.length ?? 0
    }

    /// Reads a value and checks that only whitespace follows it.
    mutating func readDocument() throws(JSONParseError) -> JSONValue {
        let value = try readValue()
        skipWhitespace()
        guard position == count else { throw failure(.nonWhitespaceAfterJSON, at: position) }
        return value
    }

    // MARK: - Values

    /// An array or object still being read: where its members start on the pending stacks.
    private struct Container {
        let isObject: Bool
        let firstValue: Int
        let firstKey: Int
    }

    /// Reads one value, keeping open containers on an explicit stack instead of recursing.
    ///
    /// Members wait on ``pendingKeys`` and ``pendingValues`` until their container closes, which
    /// then takes them in arrays of exactly the right size.
    private mutating func readValue() throws(JSONParseError) -> JSONValue {
        var open: [Container] = []
        while true {
            var value: JSONValue
            skipWhitespace()
            guard position < count else { throw failure(.unexpectedEnd, at: position) }
            switch bytes[position] {
            case Byte.quote:
                position += 1
                if let reused = repeatedString() {
                    value = .string(reused)
                } else {
                    value = .string(try readString())
                }
            case Byte.minus, Byte.zero...Byte.nine:
                value = try readNumber()
            case Byte.openBrace:
                guard open.count < maximumDepth else {
                    throw failure(.depthExceeded(maximumDepth), at: position)
                }
                position += 1
                skipWhitespace()
                if position < count && bytes[position] == Byte.closeBrace {
                    position += 1
                    value = .object(JSONObject())
                } else {
                    if open.isEmpty { reservePendingCapacity() }
                    open.append(
                        Container(
                            isObject: true, firstValue: pendingValues.count, firstKey: pendingKeys.count))
                    let key = try readKey(
                        missingQuote: .expectedPropertyNameOrBrace,
                        missingColon: .expectedColonAfterPropertyName)
                    pendingKeys.append(key)
                    continue
                }
            case Byte.openBracket:
                guard open.count < maximumDepth else {
                    throw failure(.depthExceeded(maximumDepth), at: position)
                }
                position += 1
                skipWhitespace()
                if position < count && bytes[position] == Byte.closeBracket {
                    position += 1
                    value = .array([])
                } else {
                    if open.isEmpty { reservePendingCapacity() }
                    open.append(
                        Container(
                            isObject: false, firstValue: pendingValues.count, firstKey: pendingKeys.count))
                    continue
                }
            case Byte.lowercaseT:
                try readLiteral("true")
                value = .bool(true)
            case Byte.lowercaseF:
                try readLiteral("false")
                value = .bool(false)
            case Byte.lowercaseN:
                try readLiteral("null")
                value = .null
            default:
                throw unexpectedCharacter(at: position)
            }

            // Hand the value to the innermost container, closing every container that ends here.
            while let container = open.last {
                pendingValues.append(value)
                skipWhitespace()
                let next = position < count ? bytes[position] : nil
                if next == Byte.comma {
                    position += 1
                    if container.isObject {
                        // V8 names no expectation when the colon after a later key is missing.
                        let key = try readKey(
                            missingQuote: .expectedDoubleQuotedPropertyName, missingColon: nil)
                        pendingKeys.append(key)
                    }
                    break
                }
                if container.isObject {
                    guard next == Byte.closeBrace else { throw failure(.expectedCommaOrBrace, at: position) }
                    let keys = takeKeys(from: container.firstKey)
                    value = .object(
                        JSONObject(collectedKeys: keys, values: takeValues(from: container.firstValue)))
                } else {
                    guard next == Byte.closeBracket else {
                        throw failure(.expectedCommaOrBracket, at: position)
                    }
                    value = .array(takeValues(from: container.firstValue))
                }
                position += 1
                open.removeLast()
            }
            if open.isEmpty { return value }
        }
    }

    /// Room for the members of typical frames, so the pending stacks rarely grow.
    private mutating func reservePendingCapacity() {
        pendingKeys.reserveCapacity(16)
        pendingValues.reserveCapacity(32)
    }

    private mutating func takeKeys(from start: Int) -> [String] {
        let keys = Array(pendingKeys[start...])
        // One element at a time: `removeLast(_:)` goes through the general range replacement.
        for _ in start..<pendingKeys.count { pendingKeys.removeLast() }
        return keys
    }

    private mutating func takeValues(from start: Int) -> [JSONValue] {
        let values = Array(pendingValues[start...])
        for _ in start..<pendingValues.count { pendingValues.removeLast() }
        return values
    }

    /// Reads `"key" :`, failing with `missingQuote` or `missingColon` (an unexpected-token error when nil).
    private mutating func readKey(
        missingQuote: JSONParseError.Reason, missingColon: JSONParseError.Reason?
    ) throws(JSONParseError) -> String {
        skipWhitespace()
        guard position < count && bytes[position] == Byte.quote else {
            throw failure(missingQuote, at: position)
        }
        position += 1
        let key = try readString()
        skipWhitespace()
        guard position < count && bytes[position] == Byte.colon else {
            if let missingColon { throw failure(missingColon, at: position) }
            throw unexpectedCharacter(at: position)
        }
        position += 1
        return key
    }

    /// Reads `true`, `false` or `null`, whose first letter has been seen.
    private mutating func readLiteral(_ literal: StaticString) throws(JSONParseError) {
        let length = literal.utf8CodeUnitCount
        let expected = literal.utf8Start
        for index in 1..<length {
            let offset = position + index
            guard offset < count else { throw failure(.unexpectedEnd, at: count) }
            guard bytes[offset] == expected[index] else { throw unexpectedCharacter(at: offset) }
        }
        position += length
    }

    @inline(__always)
    private mutating func skipWhitespace() {
        while position < count {
            switch bytes[position] {
            case Byte.space, Byte.newline, Byte.carriageReturn, Byte.tab: position += 1
            default: return
            }
        }
    }

    // MARK: - Strings

    /// ``repeated``'s value and its closing quote when they come next (the opening quote is
    /// consumed); a quote right after as many bytes as it has is checked before the bytes are.
    @inline(__always)
    private mutating func repeatedString() -> String? {
        let end = position &+ repeatedLength
        guard repeatedLength > 0, end < count, bytes[end] == Byte.quote, let repeated,
              repeated.isWritten(at: bytes.baseAddress! + position)
        else { return nil }
        position = end &+ 1
        return repeated.value
    }

    /// Reads a string whose opening quote has been consumed, and its closing quote.
    private mutating func readString() throws(JSONParseError) -> String {
        let start = position
        var index = start
        scanning: while index < count {
            // Plain ASCII eight bytes at a time, then byte by byte through the word that stopped it.
            index = plainTextEnd(from: index)
            let stop = min(index + 8, count)
            while index < stop {
                let byte = bytes[index]
                if byte == Byte.quote {
                    position = index + 1
                    return String(decoding: UnsafeRawBufferPointer(rebasing: bytes[start..<index]), as: UTF8.self)
                }
                if byte == Byte.backslash || byte < 0x20 { break scanning }
                if byte < 0x80 {
                    index += 1
                } else {
                    guard let length = sequenceLength(at: index) else { throw failure(.badUTF8, at: index) }
                    index += length
                }
            }
        }
        return try readEscapedString(from: start, resumingAt: index)
    }

    /// The offset of the first eight-byte word from `index` that holds a byte ending or
    /// interrupting plain string text (a quote, a backslash, a control character or a non-ASCII
    /// byte), or of the last incomplete word.
    private func plainTextEnd(from index: Int) -> Int {
        guard let base = bytes.baseAddress else { return index }
        var index = index
        // Two words per turn while both fit, then one: the word holding the byte is found either way.
        while index &+ 16 <= count {
            let first = base.loadUnaligned(fromByteOffset: index, as: UInt64.self)
            let second = base.loadUnaligned(fromByteOffset: index &+ 8, as: UInt64.self)
            if PlainText.holdsSpecialByte(first) { return index }
            if PlainText.holdsSpecialByte(second) { return index &+ 8 }
            index &+= 16
        }
        while index &+ 8 <= count {
            if PlainText.holdsSpecialByte(base.loadUnaligned(fromByteOffset: index, as: UInt64.self)) { break }
            index &+= 8
        }
        return index
    }

    /// The slow path of ``readString()``: decodes into ``scratch`` from the first escape on.
    private mutating func readEscapedString(
        from start: Int, resumingAt resume: Int
    ) throws(JSONParseError) -> String {
        scratch.removeAll(keepingCapacity: true)
        scratch.append(contentsOf: UnsafeRawBufferPointer(rebasing: bytes[start..<resume]))
        var index = resume
        while true {
            guard index < count else { throw failure(.unterminatedString, at: count) }
            let byte = bytes[index]
            switch byte {
            case Byte.quote:
                position = index + 1
                return String(decoding: scratch, as: UTF8.self)
            case Byte.backslash:
                index = try readEscape(at: index + 1)
            case ..<0x20:
                throw failure(.badControlCharacter, at: index)
            case ..<0x80:
                scratch.append(byte)
                index += 1
            default:
                guard let length = sequenceLength(at: index) else { throw failure(.badUTF8, at: index) }
                scratch.append(contentsOf: UnsafeRawBufferPointer(rebasing: bytes[index..<index + length]))
                index += length
            }
        }
    }

    /// Decodes the escape whose letter is at `offset` into ``scratch``; returns the offset after it.
    private mutating func readEscape(at offset: Int) throws(JSONParseError) -> Int {
        guard offset < count else { throw failure(.unexpectedEnd, at: count) }
        let letter = bytes[offset]
        switch letter {
        case Byte.quote, Byte.backslash, Byte.slash: scratch.append(letter)
        case Byte.lowercaseB: scratch.append(0x08)
        case Byte.lowercaseF: scratch.append(0x0C)
        case Byte.lowercaseN: scratch.append(0x0A)
        case Byte.lowercaseR: scratch.append(0x0D)
        case Byte.lowercaseT: scratch.append(0x09)
        case Byte.lowercaseU:
            let unit = try readHexQuad(at: offset + 1)
            var next = offset + 5
            var scalar = unit
            if (0xD800...0xDBFF).contains(unit) {
                if let low = lowSurrogateEscape(at: next) {
                    scalar = 0x10000 + ((unit - 0xD800) << 10) + (low - 0xDC00)
                    next += 6
                } else {
                    scalar = 0xFFFD
                }
            } else if (0xDC00...0xDFFF).contains(unit) {
                scalar = 0xFFFD
            }
            appendUTF8(scalar)
            return next
        case ..<0x80:
            throw failure(.badEscapedCharacter, at: offset)
        default:
            // V8 calls Latin-1 letters bad escapes and anything beyond an unexpected token.
            guard sequenceLength(at: offset) != nil else { throw failure(.badUTF8, at: offset) }
            if letter >= 0xC4 { throw failure(.unexpectedCharacter, at: offset) }
            throw failure(.badEscapedCharacter, at: offset)
        }
        return offset + 1
    }

    /// The four hex digits at `offset`, failing at the first one missing or invalid.
    private func readHexQuad(at offset: Int) throws(JSONParseError) -> UInt32 {
        var value: UInt32 = 0
        for index in offset..<offset + 4 {
            guard index < count, let digit = Self.hexValue(bytes[index]) else {
                throw failure(.badUnicodeEscape, at: index)
            }
            value = value << 4 | digit
        }
        return value
    }

    /// The code unit of a `\uDC00`–`\uDFFF` escape at `offset`, or nil when there is none.
    private func lowSurrogateEscape(at offset: Int) -> UInt32? {
        guard offset + 6 <= count, bytes[offset] == Byte.backslash, bytes[offset + 1] == Byte.lowercaseU
        else {
            return nil
        }
        var value: UInt32 = 0
        for index in offset + 2..<offset + 6 {
            guard let digit = Self.hexValue(bytes[index]) else { return nil }
            value = value << 4 | digit
        }
        return (0xDC00...0xDFFF).contains(value) ? value : nil
    }

    @inline(__always)
    private static func hexValue(_ byte: UInt8) -> UInt32? {
        switch byte {
        case Byte.zero...Byte.nine: return UInt32(byte - Byte.zero)
        case 0x41...0x46: return UInt32(byte - 0x37)  // A-F
        case 0x61...0x66: return UInt32(byte - 0x57)  // a-f
        default: return nil
        }
    }

    private mutating func appendUTF8(_ scalar: UInt32) {
        switch scalar {
        case ..<0x80:
            scratch.append(UInt8(scalar))
        case ..<0x800:
            scratch.append(UInt8(0xC0 | scalar >> 6))
            scratch.append(UInt8(0x80 | scalar & 0x3F))
        case ..<0x10000:
            scratch.append(UInt8(0xE0 | scalar >> 12))
            scratch.append(UInt8(0x80 | scalar >> 6 & 0x3F))
            scratch.append(UInt8(0x80 | scalar & 0x3F))
        default:
            scratch.append(UInt8(0xF0 | scalar >> 18))
            scratch.append(UInt8(0x80 | scalar >> 12 & 0x3F))
            scratch.append(UInt8(0x80 | scalar >> 6 & 0x3F))
            scratch.append(UInt8(0x80 | scalar & 0x3F))
        }
    }

    /// Length of the well-formed UTF-8 sequence starting at `offset` with a non-ASCII byte, or nil
    /// (overlong forms, surrogates, scalars past U+10FFFF and truncated sequences are ill-formed).
    @inline(__always)
    private func sequenceLength(at offset: Int) -> Int? {
        let remaining = count - offset
        func continues(_ distance: Int, from low: UInt8 = 0x80, to high: UInt8 = 0xBF) -> Bool {
            distance < remaining && (low...high).contains(bytes[offset + distance])
        }
        switch bytes[offset] {
        case 0xC2...0xDF:
            return continues(1) ? 2 : nil
        case 0xE0:
            return continues(1, from: 0xA0) && continues(2) ? 3 : nil
        case 0xE1...0xEC, 0xEE...0xEF:
            return continues(1) && continues(2) ? 3 : nil
        case 0xED:
            return continues(1, to: 0x9F) && continues(2) ? 3 : nil
        case 0xF0:
            return continues(1, from: 0x90) && continues(2) && continues(3) ? 4 : nil
        case 0xF1...0xF3:
            return continues(1) && continues(2) && continues(3) ? 4 : nil
        case 0xF4:
            return continues(1, to: 0x8F) && continues(2) && continues(3) ? 4 : nil
        default:
            return nil
        }
    }

    // MARK: - Numbers

    /// Most significant digits kept in a `UInt64`; later digits only scale the value.
    private static let maximumSignificantDigits = 19

    /// Exactly representable powers of ten, for the fast double path.
    private static let powersOfTen: [Double] = [
        1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11,
        1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22,
    ]

    /// Reads a number starting at its minus sign or first digit.
    private mutating func readNumber() throws(JSONParseError) -> JSONValue {
        let start = position
        var index = start
        let negative = bytes[index] == Byte.minus
        if negative { index += 1 }

        var significand: UInt64 = 0
        var digits = 0
        var exponent = 0
        var truncated = false
        var isInteger = true

        @inline(__always)
        func accumulate(_ byte: UInt8, fractional: Bool) {
            let digit = UInt64(byte &- Byte.zero)
            if significand == 0 && digit == 0 {
                if fractional { exponent -= 1 }
            } else if digits < Self.maximumSignificantDigits {
                significand = significand &* 10 &+ digit
                digits += 1
                if fractional { exponent -= 1 }
            } else {
                truncated = true
                if !fractional { exponent += 1 }
            }
        }

        guard index < count && Self.isDigit(bytes[index]) else {
            throw failure(.noNumberAfterMinus, at: index)
        }
        if bytes[index] == Byte.zero {
            index += 1
            if index < count && Self.isDigit(bytes[index]) { throw failure(.unexpectedNumber, at: index) }
        } else {
            repeat {
                accumulate(bytes[index], fractional: false)
                index += 1
            } while index < count && Self.isDigit(bytes[index])
        }

        if index < count && bytes[index] == Byte.dot {
            index += 1
            guard index < count && Self.isDigit(bytes[index]) else {
                throw failure(.unterminatedFraction, at: index)
            }
            isInteger = false
            repeat {
                accumulate(bytes[index], fractional: true)
                index += 1
            } while index < count && Self.isDigit(bytes[index])
        }

        if index < count && bytes[index] | 0x20 == Byte.lowercaseE {
            index += 1
            isInteger = false
            var exponentIsNegative = false
            if index < count && (bytes[index] == Byte.plus || bytes[index] == Byte.minus) {
                exponentIsNegative = bytes[index] == Byte.minus
                index += 1
            }
            guard index < count && Self.isDigit(bytes[index]) else {
                throw failure(.exponentMissingNumber, at: index)
            }
            var written = 0
            repeat {
                if written < 100_000 { written = written * 10 + Int(bytes[index] &- Byte.zero) }
                index += 1
            } while index < count && Self.isDigit(bytes[index])
            exponent += exponentIsNegative ? -written : written
        }
        position = index

        if isInteger && !truncated {
            if !negative {
                if significand <= UInt64(Int.max) { return .int(Int(significand)) }
            } else if significand == 0 {
                return .double(-0.0)
            } else if significand <= UInt64(Int.max) + 1 {
                return .int(Int(truncatingIfNeeded: 0 &- significand))
            }
        }
        if !truncated && significand <= 1 << 53 && (-22...22).contains(exponent) {
            // Both operands are exact, so one correctly rounded operation gives the nearest double.
            let magnitude = Double(significand)
            let scaled =
                exponent < 0
                ? magnitude / Self.powersOfTen[-exponent] : magnitude * Self.powersOfTen[exponent]
            return .double(negative ? -scaled : scaled)
        }
        let text = String(decoding: UnsafeRawBufferPointer(rebasing: bytes[start..<index]), as: UTF8.self)
        // The grammar was checked above, so the standard library's correctly rounded conversion
        // accepts the text; out-of-range magnitudes become ±infinity or ±0.
        return .double(Double(text) ?? .nan)
    }

    @inline(__always)
    private static func isDigit(_ byte: UInt8) -> Bool { byte &- Byte.zero < 10 }

    // MARK: - Failures

    private func failure(_ reason: JSONParseError.Reason, at offset: Int) -> JSONParseError {
        JSONParseError(reason, at: offset, in: bytes)
    }

    /// The error V8 reports for an unexpected character at `offset`, named after its token kind.
    private func unexpectedCharacter(at offset: Int) -> JSONParseError {
        guard offset < count else { return failure(.unexpectedEnd, at: offset) }
        switch bytes[offset] {
        case Byte.quote: return failure(.unexpectedString, at: offset)
        case Byte.minus, Byte.zero...Byte.nine: return failure(.unexpectedNumber, at: offset)
        case ..<0x80: return failure(.unexpectedCharacter, at: offset)
        default:
            guard sequenceLength(at: offset) != nil else { return failure(.badUTF8, at: offset) }
            return failure(.unexpectedCharacter, at: offset)
        }
    }
}

/// ASCII bytes the reader and writer compare against.
enum Byte {
    static let tab: UInt8 = 0x09
    static let newline: UInt8 = 0x0A
    static let carriageReturn: UInt8 = 0x0D
    static let space: UInt8 = 0x20
    static let quote: UInt8 = 0x22
    static let plus: UInt8 = 0x2B
    static let comma: UInt8 = 0x2C
    static let minus: UInt8 = 0x2D
    static let dot: UInt8 = 0x2E
    static let slash: UInt8 = 0x2F
    static let zero: UInt8 = 0x30
    static let nine: UInt8 = 0x39
    static let colon: UInt8 = 0x3A
    static let openBracket: UInt8 = 0x5B
    static let backslash: UInt8 = 0x5C
    static let closeBracket: UInt8 = 0x5D
    static let lowercaseB: UInt8 = 0x62
    static let lowercaseE: UInt8 = 0x65
    static let lowercaseF: UInt8 = 0x66
    static let lowercaseN: UInt8 = 0x6E
    static let lowercaseR: UInt8 = 0x72
    static let lowercaseT: UInt8 = 0x74
    static let lowercaseU: UInt8 = 0x75
    static let openBrace: UInt8 = 0x7B
    static let closeBrace: UInt8 = 0x7D
}

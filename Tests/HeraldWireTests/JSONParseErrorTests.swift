import HeraldWire
import Testing

/// Every failure, worded and placed as Node 20's `JSON.parse` words and places it.
@Suite struct JSONParseErrorTests {
    struct Case: CustomTestStringConvertible, Sendable {
        let input: String
        let message: String
        let offset: Int
        var testDescription: String { input.debugDescription }

        init(_ input: String, _ message: String, offset: Int) {
            self.input = input
            self.message = message
            self.offset = offset
        }
    }

    static let cases: [Case] = [
        // Input ending early.
        Case("", "Unexpected end of JSON input", offset: 0),
        Case(" \n\t\r", "Unexpected end of JSON input", offset: 4),
        Case("[", "Unexpected end of JSON input", offset: 1),
        Case("[1,", "Unexpected end of JSON input", offset: 3),
        Case(#"{"a":"#, "Unexpected end of JSON input", offset: 5),
        Case(#"{"a":1,"b""#, "Unexpected end of JSON input", offset: 10),
        Case("tru", "Unexpected end of JSON input", offset: 3),
        Case("fals", "Unexpected end of JSON input", offset: 4),
        Case("n", "Unexpected end of JSON input", offset: 1),
        Case(#""\"#, "Unexpected end of JSON input", offset: 2),
        // Objects.
        Case("{", "Expected property name or '}' in JSON at position 1", offset: 1),
        Case("{ 1", "Expected property name or '}' in JSON at position 2", offset: 2),
        Case("{'foo': 1}", "Expected property name or '}' in JSON at position 1", offset: 1),
        Case("{,}", "Expected property name or '}' in JSON at position 1", offset: 1),
        Case(#"{"a"}"#, "Expected ':' after property name in JSON at position 4", offset: 4),
        Case(#"{"a""#, "Expected ':' after property name in JSON at position 4", offset: 4),
        Case(#"{"a" 1}"#, "Expected ':' after property name in JSON at position 5", offset: 5),
        Case(#"{"foo" : 1, }"#, "Expected double-quoted property name in JSON at position 12", offset: 12),
        Case(#"{"a":1,}"#, "Expected double-quoted property name in JSON at position 7", offset: 7),
        Case(#"{"a":1,"#, "Expected double-quoted property name in JSON at position 7", offset: 7),
        Case(#"{"a":1"#, "Expected ',' or '}' after property value in JSON at position 6", offset: 6),
        Case(#"{"a":1 "b":2}"#, "Expected ',' or '}' after property value in JSON at position 7", offset: 7),
        Case(#"{"a":1]"#, "Expected ',' or '}' after property value in JSON at position 6", offset: 6),
        // V8 names no expectation when the colon after a later key is missing.
        Case(#"{"a":1,"b"}"#, #"Unexpected token '}', "{"a":1,"b"}" is not valid JSON"#, offset: 10),
        Case(#"{"a":1,"b" 2}"#, "Unexpected number in JSON at position 11", offset: 11),
        Case(#"{"a":1,"b" "c"}"#, "Unexpected string in JSON at position 11", offset: 11),
        // Arrays.
        Case("[1, 2, 3, 4", "Expected ',' or ']' after array element in JSON at position 11", offset: 11),
        Case("[1, 2, 3, 4g", "Expected ',' or ']' after array element in JSON at position 11", offset: 11),
        Case("[1 2]", "Expected ',' or ']' after array element in JSON at position 3", offset: 3),
        Case("[1}", "Expected ',' or ']' after array element in JSON at position 2", offset: 2),
        Case("[1,]", #"Unexpected token ']', "[1,]" is not valid JSON"#, offset: 3),
        Case("[1, 2,]", #"Unexpected token ']', "[1, 2,]" is not valid JSON"#, offset: 6),
        Case("[,]", #"Unexpected token ',', "[,]" is not valid JSON"#, offset: 1),
        // Unexpected tokens: whole short sources, excerpts of long ones.
        Case("/", #"Unexpected token '/', "/" is not valid JSON"#, offset: 0),
        Case("Bad string", #"Unexpected token 'B', "Bad string" is not valid JSON"#, offset: 0),
        Case(":", #"Unexpected token ':', ":" is not valid JSON"#, offset: 0),
        Case("]", #"Unexpected token ']', "]" is not valid JSON"#, offset: 0),
        Case("+1", #"Unexpected token '+', "+1" is not valid JSON"#, offset: 0),
        Case(".5", #"Unexpected token '.', ".5" is not valid JSON"#, offset: 0),
        Case("'a'", #"Unexpected token ''', "'a'" is not valid JSON"#, offset: 0),
        Case("/* c */ 1", #"Unexpected token '/', "/* c */ 1" is not valid JSON"#, offset: 0),
        Case("tx", #"Unexpected token 'x', "tx" is not valid JSON"#, offset: 1),
        Case("truE", #"Unexpected token 'E', "truE" is not valid JSON"#, offset: 3),
        Case(#"t""#, "Unexpected string in JSON at position 1", offset: 1),
        Case("nul1", "Unexpected number in JSON at position 3", offset: 3),
        Case("[é]", #"Unexpected token 'é', "[é]" is not valid JSON"#, offset: 1),
        Case("\u{FEFF}{}", "Unexpected token '\u{FEFF}', \"\u{FEFF}{}\" is not valid JSON", offset: 0),
        Case("\u{0C}1", "Unexpected token '\u{0C}', \"\u{0C}1\" is not valid JSON", offset: 0),
        Case(
            "[1, 2, 3, 4, 5, , 7, 8, 9, 10]",
            #"Unexpected token ',', ..." 3, 4, 5, , 7, 8, 9,"... is not valid JSON"#, offset: 16),
        Case(
            "[, 2, 3, 4, 5, 6, 7, 8, 9, 10]",
            #"Unexpected token ',', "[, 2, 3, 4,"... is not valid JSON"#, offset: 1),
        Case(
            "[1, 2, 3, 4, 5, 6, 7, ]",
            #"Unexpected token ']', ..." 5, 6, 7, ]" is not valid JSON"#, offset: 22),
        Case(
            #"{"controller":"document","action":upsert}"#,
            #"Unexpected token 'u', ...","action":upsert}" is not valid JSON"#, offset: 34),
        // Excerpts count UTF-16 code units: "é" is one, "😀" two.
        Case(
            #"["ééééééééééééééé", x]"#,
            #"Unexpected token 'x', ..."ééééééé", x]" is not valid JSON"#, offset: 35),
        // An excerpt starting inside a surrogate pair shows U+FFFD for the orphaned half.
        Case(
            #"["😀😀😀😀😀😀😀😀", x]"#,
            #"Unexpected token 'x', ..."\#u{FFFD}😀😀😀", x]" is not valid JSON"#, offset: 37),
        // Sources V8 quotes without naming a token.
        Case("NaN", #""NaN" is not valid JSON"#, offset: 0),
        Case("Infinity", #""Infinity" is not valid JSON"#, offset: 0),
        Case("undefined", #""undefined" is not valid JSON"#, offset: 0),
        Case("[object Object]", #""[object Object]" is not valid JSON"#, offset: 1),
        // Numbers.
        Case("-", "No number after minus sign in JSON at position 1", offset: 1),
        Case("-a", "No number after minus sign in JSON at position 1", offset: 1),
        Case("-.5", "No number after minus sign in JSON at position 1", offset: 1),
        Case("[-]", "No number after minus sign in JSON at position 2", offset: 2),
        Case("01", "Unexpected number in JSON at position 1", offset: 1),
        Case("-01", "Unexpected number in JSON at position 2", offset: 2),
        Case("[00]", "Unexpected number in JSON at position 2", offset: 2),
        Case("1.", "Unterminated fractional number in JSON at position 2", offset: 2),
        Case(#"{"a": 0.bs}"#, "Unterminated fractional number in JSON at position 8", offset: 8),
        Case("1.e5", "Unterminated fractional number in JSON at position 2", offset: 2),
        Case("[1e]", "Exponent part is missing a number in JSON at position 3", offset: 3),
        Case("1e+", "Exponent part is missing a number in JSON at position 3", offset: 3),
        Case("1E-x", "Exponent part is missing a number in JSON at position 3", offset: 3),
        Case("0x10", "Unexpected non-whitespace character after JSON at position 1", offset: 1),
        Case("1e5.", "Unexpected non-whitespace character after JSON at position 3", offset: 3),
        // Trailing input.
        Case(#"{"a": 3}a"#, "Unexpected non-whitespace character after JSON at position 8", offset: 8),
        Case(#"{"a":1}}"#, "Unexpected non-whitespace character after JSON at position 7", offset: 7),
        Case("[1]]", "Unexpected non-whitespace character after JSON at position 3", offset: 3),
        Case(#"""""#, "Unexpected non-whitespace character after JSON at position 2", offset: 2),
        Case("1 2", "Unexpected non-whitespace character after JSON at position 2", offset: 2),
        Case("null\u{0}", "Unexpected non-whitespace character after JSON at position 4", offset: 4),
        // Strings.
        Case(#"{"a" : "}"#, "Unterminated string in JSON at position 9", offset: 9),
        Case(#""abc"#, "Unterminated string in JSON at position 4", offset: 4),
        Case(#""a\"#, "Unexpected end of JSON input", offset: 3),
        Case(#""a\n"#, "Unterminated string in JSON at position 4", offset: 4),
        Case(#"{"b" : "\a"}"#, "Bad escaped character in JSON at position 9", offset: 9),
        Case(#""\x41""#, "Bad escaped character in JSON at position 2", offset: 2),
        Case(#""\'""#, "Bad escaped character in JSON at position 2", offset: 2),
        Case("\"\\\u{0}\"", "Bad escaped character in JSON at position 2", offset: 2),
        Case(#""\é""#, "Bad escaped character in JSON at position 2", offset: 2),
        Case(#""\€""#, #"Unexpected token '€', ""\€"" is not valid JSON"#, offset: 2),
        Case("\"a\u{8}z\"", "Bad control character in string literal in JSON at position 2", offset: 2),
        Case("\"\u{0}\"", "Bad control character in string literal in JSON at position 1", offset: 1),
        Case("\"a\nb\"", "Bad control character in string literal in JSON at position 2", offset: 2),
        Case("\"\u{1F}\"", "Bad control character in string literal in JSON at position 1", offset: 1),
        Case("[\"\\t\\u", "Bad Unicode escape in JSON at position 6", offset: 6),
        Case(#""\u12"#, "Bad Unicode escape in JSON at position 5", offset: 5),
        Case(#""\u12G4""#, "Bad Unicode escape in JSON at position 5", offset: 5),
        Case(#""\u-123""#, "Bad Unicode escape in JSON at position 3", offset: 3),
        Case(#""\uD83D\u12""#, "Bad Unicode escape in JSON at position 11", offset: 11),
        // Positions count UTF-16 code units; offsets count bytes.
        Case(#"["é" x]"#, "Expected ',' or ']' after array element in JSON at position 5", offset: 6),
        Case(#"["😀" x]"#, "Expected ',' or ']' after array element in JSON at position 6", offset: 8),
        Case(#"{"€":1,}"#, "Expected double-quoted property name in JSON at position 7", offset: 9),
    ]

    @Test(arguments: cases)
    func message(_ testCase: Case) {
        #expect(throws: JSONParseError(message: testCase.message, offset: testCase.offset)) {
            try JSONParser.parse(testCase.input)
        }
    }

    @Test func sameErrorFromEveryEntryPoint() {
        let text = #"{"a":[1,2,}"#
        let expected = JSONParseError(
            message: #"Unexpected token '}', "{"a":[1,2,}" is not valid JSON"#, offset: 10)
        #expect(throws: expected) { try JSONParser.parse(text) }
        #expect(throws: expected) { try JSONParser.parse(Array(text.utf8)) }
        #expect(throws: expected) {
            try Array(text.utf8).withUnsafeBytes { buffer in try JSONParser.parse(buffer) }
        }
    }

    @Test func descriptionIsTheMessage() {
        let error = JSONParseError(message: "Unexpected end of JSON input", offset: 0)
        #expect(error.description == "Unexpected end of JSON input")
    }
}

/// Input that is not UTF-8, which JavaScript never sees, fails in the same style.
@Suite struct JSONInvalidUTF8Tests {
    static let cases: [(bytes: [UInt8], offset: Int, position: Int)] = [
        ([0x22, 0xFF, 0x22], 1, 1),  // never valid
        ([0x22, 0x80, 0x22], 1, 1),  // lone continuation byte
        ([0x22, 0xC0, 0x80, 0x22], 1, 1),  // overlong NUL
        ([0x22, 0xC1, 0xBF, 0x22], 1, 1),  // overlong
        ([0x22, 0xE0, 0x80, 0xAF, 0x22], 1, 1),  // overlong three-byte form
        ([0x22, 0xED, 0xA0, 0x80, 0x22], 1, 1),  // encoded surrogate U+D800
        ([0x22, 0xF0, 0x80, 0x80, 0xAF, 0x22], 1, 1),  // overlong four-byte form
        ([0x22, 0xF4, 0x90, 0x80, 0x80, 0x22], 1, 1),  // past U+10FFFF
        ([0x22, 0xF5, 0x80, 0x80, 0x80, 0x22], 1, 1),  // invalid lead
        ([0x22, 0x61, 0xE2, 0x82, 0x22], 2, 2),  // truncated by the quote
        ([0x22, 0x61, 0xE2, 0x82], 2, 2),  // truncated by the end
        ([0x22, 0xC3, 0xA9, 0xFF, 0x22], 3, 2),  // after a valid "é"
        ([0x22, 0x5C, 0x6E, 0xFE, 0x22], 3, 3),  // after an escape
        ([0x22, 0x5C, 0xFF, 0x22], 2, 2),  // as an escape letter
        ([0xFF], 0, 0),  // outside strings
        ([0x5B, 0xC3], 1, 1),  // truncated outside strings
        ([0x7B, 0x22, 0xFF, 0x22, 0x3A, 0x31, 0x7D], 2, 2),  // in a key
    ]

    @Test(arguments: 0..<cases.count)
    func rejected(_ index: Int) {
        let (bytes, offset, position) = Self.cases[index]
        let expected = JSONParseError(
            message: "Bad UTF-8 sequence in JSON at position \(position)", offset: offset)
        #expect(throws: expected) { try JSONParser.parse(bytes) }
    }

    @Test func validSequencesOfEveryLengthPass() throws {
        // U+0080, U+07FF, U+0800, U+D7FF, U+E000, U+FFFF, U+10000, U+10FFFF
        let text = "\"\u{80}\u{7FF}\u{800}\u{D7FF}\u{E000}\u{FFFF}\u{10000}\u{10FFFF}\""
        #expect(
            try JSONParser.parse(text)
                == .string("\u{80}\u{7FF}\u{800}\u{D7FF}\u{E000}\u{FFFF}\u{10000}\u{10FFFF}"))
    }
}

/// Nesting beyond the configured depth is an error, never a stack overflow.
@Suite struct JSONDepthTests {
    static func nested(_ depth: Int, open: String = "[", close: String = "]") -> String {
        String(repeating: open, count: depth) + String(repeating: close, count: depth)
    }

    @Test func defaultLimitIs512() throws {
        #expect(JSONParser.defaultMaximumDepth == 512)
        #expect(try JSONParser.parse(Self.nested(512)) != .null)
        #expect(
            throws: JSONParseError(
                message: "Maximum nesting depth of 512 exceeded in JSON at position 512", offset: 512)
        ) {
            try JSONParser.parse(Self.nested(513))
        }
    }

    @Test func objectsCountToo() throws {
        let deep = String(repeating: #"{"a":"#, count: 3) + "1" + String(repeating: "}", count: 3)
        let parser = JSONParser(maximumDepth: 3)
        #expect(try parser.parse(deep) == ["a": ["a": ["a": 1]]])
        #expect(
            throws: JSONParseError(
                message: "Maximum nesting depth of 2 exceeded in JSON at position 10", offset: 10)
        ) {
            try JSONParser(maximumDepth: 2).parse(deep)
        }
    }

    @Test func emptyContainersCount() throws {
        #expect(try JSONParser(maximumDepth: 2).parse("[[]]") == [[]])
        #expect(
            throws: JSONParseError(
                message: "Maximum nesting depth of 2 exceeded in JSON at position 2", offset: 2)
        ) {
            try JSONParser(maximumDepth: 2).parse("[[{}]]")
        }
    }

    @Test func depthZeroAllowsScalarsOnly() throws {
        let parser = JSONParser(maximumDepth: 0)
        #expect(try parser.parse(" 1 ") == 1)
        #expect(
            throws: JSONParseError(
                message: "Maximum nesting depth of 0 exceeded in JSON at position 1", offset: 1)
        ) {
            try parser.parse(" []")
        }
    }

    @Test func siblingsDoNotAddUp() throws {
        let wide = "[" + Array(repeating: "[[]]", count: 1000).joined(separator: ",") + "]"
        #expect(try JSONParser(maximumDepth: 3).parse(wide).arrayValue?.count == 1000)
    }

    @Test func hugeDepthWithoutLimitDoesNotOverflowTheStack() throws {
        let parser = JSONParser(maximumDepth: .max)
        // Deep enough that a recursive parser would need a large stack; shallow enough that the
        // recursive teardown of the resulting value stays cheap.
        let value = try parser.parse(Self.nested(2_000))
        #expect(value.arrayValue?.count == 1)
        // The open containers of an unfinished document are dropped one by one.
        #expect(throws: JSONParseError(message: "Unexpected end of JSON input", offset: 300_000)) {
            try parser.parse(String(repeating: "[", count: 300_000))
        }
    }
}

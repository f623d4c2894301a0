import HeraldWire
import Testing

@Suite struct JSONParserTests {
    // MARK: Structure

    /// Every byte value at every position of the words the string scanner reads eight at a time:
    /// the quote, the backslash and control characters must stop the fast scan wherever they sit.
    @Test func everyByteIsSeenWhereverItSitsInAString() {
        var wrong: [(byte: UInt8, position: Int)] = []
        for byte in UInt8.min...UInt8.max {
            for position in 0..<24 {
                var text = [UInt8](repeating: UInt8(ascii: "a"), count: 24)
                text[position] = byte
                let parsed = try? JSONParser.parse([UInt8(ascii: "\"")] + text + [UInt8(ascii: "\"")])
                let expected: JSONValue?
                switch byte {
                // A lone byte above 0x7F is not UTF-8: refused as well.
                case UInt8(ascii: "\""), UInt8(ascii: "\\"), ..<0x20, 0x80...: expected = nil
                default: expected = .string(String(decoding: text, as: UTF8.self))
                }
                if parsed != expected { wrong.append((byte, position)) }
            }
        }
        #expect(wrong.isEmpty, "\(wrong.prefix(10))")
    }

    @Test func scalars() throws {
        #expect(try JSONParser.parse("null") == .null)
        #expect(try JSONParser.parse("true") == .bool(true))
        #expect(try JSONParser.parse("false") == .bool(false))
        #expect(try JSONParser.parse(#""x""#) == .string("x"))
        #expect(try JSONParser.parse("42") == .int(42))
    }

    @Test func containers() throws {
        #expect(try JSONParser.parse("[]") == .array([]))
        #expect(try JSONParser.parse("{}") == .object(JSONObject()))
        #expect(try JSONParser.parse("[[],{},[[]]]") == [[], [:], [[]]])
        let value = try JSONParser.parse(#"{"a":[1,{"b":null}],"c":{"d":[true,false]},"e":"f"}"#)
        #expect(value == ["a": [1, ["b": nil]], "c": ["d": [true, false]], "e": "f"])
    }

    @Test func keyOrderIsKept() throws {
        let object = try #require(try JSONParser.parse(#"{"z":1,"a":2,"m":3}"#).objectValue)
        #expect(object.keys == ["z", "a", "m"])
        #expect(object.values == [1, 2, 3])
    }

    @Test func repeatedKeyKeepsFirstPlaceAndLastValue() throws {
        let object = try #require(try JSONParser.parse(#"{"a":1,"b":2,"a":3}"#).objectValue)
        #expect(object.keys == ["a", "b"])
        #expect(object["a"] == 3)
        #expect(object["b"] == 2)
    }

    @Test func manyKeys() throws {
        let names = (0..<40).map { "key\($0)" }
        let text =
            "{" + names.enumerated().map { #""\#($1)":\#($0)"# }.joined(separator: ",") + #","key7":"again"}"#
        let object = try #require(try JSONParser.parse(text).objectValue)
        #expect(object.keys == names)
        #expect(object["key39"] == 39)
        #expect(object["key7"] == "again")
    }

    @Test func parsedObjectsStayEditable() throws {
        for size in [3, 12, 13, 30] {
            let text = "{" + (0..<size).map { #""k\#($0)":\#($0)"# }.joined(separator: ",") + "}"
            var object = try #require(try JSONParser.parse(text).objectValue)
            #expect(object["k\(size - 1)"] == .int(size - 1))
            object["new"] = "v"
            object["k0"] = "replaced"
            object.removeValue(forKey: "k1")
            #expect(object.count == size)
            #expect(object.keys.first == "k0" && object.keys.last == "new")
            #expect(object["k0"] == "replaced" && object["k1"] == nil && object["new"] == "v")
            #expect(object["k\(size - 1)"] == .int(size - 1))
        }
    }

    @Test func whitespaceAnywhereBetweenTokens() throws {
        let text = " \t\r\n{ \"a\" \n:\t[ 1 ,\r\n2 ] , \"b\" : { } }\n\t "
        #expect(try JSONParser.parse(text) == ["a": [1, 2], "b": [:]])
    }

    @Test func entryPointsAgree() throws {
        let text = #"{"s":"é😀","n":[1,-2.5e3]}"#
        let expected: JSONValue = ["s": "é😀", "n": [1, -2500.0]]
        #expect(try JSONParser.parse(text) == expected)
        #expect(try JSONParser.parse(Array(text.utf8)) == expected)
        #expect(try Array(text.utf8).withUnsafeBytes { buffer in try JSONParser.parse(buffer) } == expected)
        #expect(try JSONParser(maximumDepth: 2).parse(text) == expected)
        #expect(try JSONParser(maximumDepth: 2).parse(Array(text.utf8)) == expected)
    }

    @Test func parsesAnSDKFrame() throws {
        let value = try JSONParser.parse(KuzzleFrames.upsertRequest)
        let frame = try #require(value.objectValue)
        #expect(
            frame.keys == [
                "_id", "action", "body", "collection", "index", "silent", "source", "controller", "requestId",
                "default", "refresh", "retryOnConflict", "volatile",
            ])
        #expect(
            frame["body"] == [
                "changes": ["status": "open", "counter": 1], "default": ["createdBy": "smoke"],
            ])
        #expect(frame["retryOnConflict"] == .int(3))
        #expect(frame["silent"] == false)
        #expect(frame["volatile"]?.objectValue?["sdkName"] == "js@7.17.1")
    }

    // MARK: Strings

    @Test func namedEscapes() throws {
        #expect(try JSONParser.parse(#""\"\\\/\b\f\n\r\t""#) == .string("\"\\/\u{8}\u{C}\n\r\t"))
        #expect(try JSONParser.parse(#""a\nb""#) == .string("a\nb"))
    }

    @Test(arguments: [
        (#""\u0041""#, "A"),
        (#""\u0000""#, "\u{0}"),
        (#""\u001f""#, "\u{1F}"),
        (#""\u00e9\u00E9""#, "éé"),
        (#""\u20AC""#, "€"),
        (#""\u2028\u2029""#, "\u{2028}\u{2029}"),
        (#""\uFFFF""#, "\u{FFFF}"),
        (#""\uD83D\uDE00""#, "😀"),
        (#""\ud83d\ude00""#, "😀"),
        (#""\uDBFF\uDFFF""#, "\u{10FFFF}"),
        (#""x\uD800\uDC00y""#, "x\u{10000}y"),
    ])
    func unicodeEscapes(_ input: String, _ expected: String) throws {
        #expect(try JSONParser.parse(input) == .string(expected))
    }

    @Test(arguments: [
        (#""\uD83D""#, "\u{FFFD}"),
        (#""\uDE00""#, "\u{FFFD}"),
        (#""\uD83Dx""#, "\u{FFFD}x"),
        (#""\uD83D\u0041""#, "\u{FFFD}A"),
        (#""\uD83D\n""#, "\u{FFFD}\n"),
        (#""\uD83D\uD83D\uDE00""#, "\u{FFFD}😀"),
        (#""\uDE00\uD83D""#, "\u{FFFD}\u{FFFD}"),
        (#""\uD83D\\uDE00""#, "\u{FFFD}\\uDE00"),
        (#""a\uDBFFb\uDC00c""#, "a\u{FFFD}b\u{FFFD}c"),
    ])
    func loneSurrogatesBecomeReplacementCharacters(_ input: String, _ expected: String) throws {
        #expect(try JSONParser.parse(input) == .string(expected))
    }

    @Test func rawUTF8IsKept() throws {
        let text = "é€😀\u{2028}\u{7F}日本語 ascii"
        #expect(try JSONParser.parse("\"\(text)\"") == .string(text))
        #expect(try JSONParser.parse("{\"\(text)\":\"\(text)\\n\"}") == .object([text: .string(text + "\n")]))
    }

    @Test func escapesMixedWithRawText() throws {
        let text = #""start é \"quoted\" 😀\t\u00e9 end""#
        #expect(try JSONParser.parse(text) == .string("start é \"quoted\" 😀\té end"))
    }

    @Test func longStrings() throws {
        let plain = String(repeating: "abcdefgh", count: 1000)
        #expect(try JSONParser.parse("\"\(plain)\"") == .string(plain))
        let escaped = String(repeating: #"ab\n\u00e9"#, count: 1000)
        #expect(try JSONParser.parse("\"\(escaped)\"") == .string(String(repeating: "ab\né", count: 1000)))
    }

    /// Strings are scanned eight bytes at a time: every special byte must be seen at every offset
    /// of a word, for every string length around a few words.
    @Test func specialBytesAreFoundAtEveryOffset() throws {
        for length in 0...26 {
            let plain = String((0..<length).map { Character(UnicodeScalar(UInt8(ascii: "a") + UInt8($0 % 26))) })
            #expect(try JSONParser.parse("\"\(plain)\"") == .string(plain))
            #expect(try JSONParser.parse("[\"\(plain)\",1]") == .array([.string(plain), 1]))
            for offset in 0...length {
                let head = String(plain.prefix(offset)), tail = String(plain.dropFirst(offset))
                #expect(try JSONParser.parse("\"\(head)é\(tail)\"") == .string(head + "é" + tail))
                #expect(try JSONParser.parse("\"\(head)\\\"\(tail)\"") == .string(head + "\"" + tail))
                #expect(try JSONParser.parse("\"\(head)\\\\\(tail)\"") == .string(head + "\\" + tail))
                #expect(try JSONParser.parse("\"\(head)\u{7F}\(tail)\"") == .string(head + "\u{7F}" + tail))
                #expect(throws: JSONParseError.self) { try JSONParser.parse("\"\(head)\u{1F}\(tail)\"") }
                #expect(throws: JSONParseError.self) { try JSONParser.parse("\"\(head)\u{0}\(tail)\"") }
                #expect(throws: JSONParseError.self) { try JSONParser.parse(Array("\"\(head)".utf8) + [0xFF] + Array("\(tail)\"".utf8)) }
            }
            #expect(throws: JSONParseError.self) { try JSONParser.parse("\"\(plain)") }
        }
    }

    @Test func consecutiveEscapedStringsDoNotLeak() throws {
        #expect(try JSONParser.parse(#"["a\nlong\tstring","\u0041",""]"#) == ["a\nlong\tstring", "A", ""])
    }

    // MARK: Numbers

    @Test(arguments: [
        ("0", 0), ("1", 1), ("-1", -1), ("42", 42), ("123456789", 123_456_789),
        ("9223372036854775807", Int.max), ("-9223372036854775808", Int.min),
        ("-9223372036854775807", -Int.max),
    ])
    func integers(_ input: String, _ expected: Int) throws {
        let value = try JSONParser.parse(input)
        guard case .int(let int) = value else {
            Issue.record("\(input) parsed as \(value)")
            return
        }
        #expect(int == expected)
    }

    @Test(arguments: [
        ("1.0", 1.0), ("-1.0", -1.0), ("1.5", 1.5), ("0.1", 0.1), ("-0.5", -0.5),
        ("1e2", 100), ("1E2", 100), ("1e+2", 100), ("1e-2", 0.01), ("-1.25e-3", -0.00125),
        ("123.456e-5", 123.456e-5), ("0.30000000000000004", 0.30000000000000004),
        ("9223372036854775808", 9223372036854775808.0), ("-9223372036854775809", -9223372036854775809.0),
        ("18446744073709551616", 18446744073709551616.0),
        ("12345678901234567890123", 12345678901234567890123.0),
        ("3.14159265358979323846264338327950288", Double.pi),
        ("2.2250738585072014e-308", 2.2250738585072014e-308),
        ("4.9e-324", Double.leastNonzeroMagnitude),
        ("1.7976931348623157e308", Double.greatestFiniteMagnitude),
        ("0.000001", 0.000001), ("1e-7", 1e-7), ("1e21", 1e21), ("1e22", 1e22), ("1e23", 1e23),
        ("9007199254740993.0", 9007199254740992.0), ("9007199254740995e0", 9007199254740996.0), ("0.1e1", 1),
        ("0e0", 0), ("0.0", 0),
        ("1e0000000000000000000000001", 10), ("100000000000000000000000000000e-29", 1),
        ("0.00000000000000000000000000000000000000001", 1e-41),
        ("1e400", .infinity), ("-1e400", -.infinity), ("1e-400", 0), ("1e99999999999999999999", .infinity),
    ])
    func doubles(_ input: String, _ expected: Double) throws {
        let value = try JSONParser.parse(input)
        guard case .double(let double) = value else {
            Issue.record("\(input) parsed as \(value)")
            return
        }
        #expect(double.bitPattern == expected.bitPattern, "\(input) parsed as \(double)")
    }

    @Test func negativeZeroIsADouble() throws {
        for text in ["-0", "-0.0", "-0e5", "-0.000"] {
            let value = try JSONParser.parse(text)
            guard case .double(let double) = value else {
                Issue.record("\(text) parsed as \(value)")
                continue
            }
            #expect(double == 0 && double.sign == .minus, "\(text)")
        }
    }

    @Test func numbersEndAtTheirLastDigit() throws {
        #expect(try JSONParser.parse("[1,-2,3.5,4e1,0,-0.5]") == [1, -2, 3.5, 40, 0, -0.5])
        #expect(try JSONParser.parse(#"{"a":1}"#) == ["a": 1])
    }

    /// Every double written the Swift way parses back to the same bits.
    @Test func doublesRoundTripThroughTheirShortestDigits() throws {
        var generator = SplitMix64(seed: 0x5EED)
        for _ in 0..<20_000 {
            let double = Double(bitPattern: generator.next())
            guard double.isFinite else { continue }
            let parsed = try JSONParser.parse(double.description)
            #expect(parsed.numberValue?.bitPattern == double.bitPattern, "\(double)")
        }
    }

    /// Random decimal texts parse to the standard library's correctly rounded value.
    @Test func decimalTextsMatchTheStandardLibrary() throws {
        var generator = SplitMix64(seed: 42)
        for _ in 0..<20_000 {
            let integerDigits = Int(generator.next() % 20) + 1
            let fractionDigits = Int(generator.next() % 20)
            var text = generator.next() % 2 == 0 ? "" : "-"
            text += String(generator.next() % 9 + 1)
            for _ in 1..<integerDigits { text += String(generator.next() % 10) }
            if fractionDigits > 0 {
                text += "."
                for _ in 0..<fractionDigits { text += String(generator.next() % 10) }
            }
            if generator.next() % 2 == 0 { text += "e" + String(Int(generator.next() % 80) - 40) }
            let expected = try #require(Double(text))
            let parsed = try JSONParser.parse(text)
            #expect(parsed.numberValue?.bitPattern == expected.bitPattern, "\(text)")
        }
    }
}

/// Damaged frames never crash the parser: each either parses to a value that writes and parses
/// back unchanged, or fails at an offset inside the input.
@Suite struct JSONParserRobustnessTests {
    @Test func mutatedFrames() throws {
        var generator = SplitMix64(seed: 7)
        let original = Array(KuzzleFrames.upsertRequest.utf8)
        let interesting: [UInt8] =
            Array(#"{}[]",:\"0-.eE+tfnu "#.utf8) + [0x00, 0x1F, 0x80, 0xC3, 0xE2, 0xED, 0xF0, 0xFF]
        for round in 0..<5_000 {
            var bytes = original
            switch round % 3 {
            case 0:
                bytes.removeLast(Int(generator.next() % UInt64(bytes.count)))
            case 1:
                for _ in 0...(generator.next() % 4) {
                    let index = Int(generator.next() % UInt64(bytes.count))
                    bytes[index] = interesting[Int(generator.next() % UInt64(interesting.count))]
                }
            default:
                let index = Int(generator.next() % UInt64(bytes.count))
                bytes.insert(interesting[Int(generator.next() % UInt64(interesting.count))], at: index)
            }
            do {
                let value = try JSONParser.parse(bytes)
                #expect(try JSONParser.parse(JSONWriter.encode(value)) == value)
            } catch {
                #expect((0...bytes.count).contains(error.offset))
                #expect(!error.message.isEmpty)
            }
        }
    }
}

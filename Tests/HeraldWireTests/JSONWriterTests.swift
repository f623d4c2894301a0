import HeraldWire
import Testing

/// Expected outputs are what `JSON.stringify` prints for the same JavaScript value.
@Suite struct JSONWriterTests {
    @Test(
        arguments: [
            (JSONValue.null, "null"),
            (true, "true"),
            (false, "false"),
            (0, "0"),
            (7, "7"),
            (-7, "-7"),
            (10, "10"),
            (1_234_567_890, "1234567890"),
            (.int(.max), "9223372036854775807"),
            (.int(.min), "-9223372036854775808"),
            ("", #""""#),
            ([], "[]"),
            ([:], "{}"),
            ([1, "a", nil, true, [], [:]], #"[1,"a",null,true,[],{}]"#),
            (["b": 1, "a": [2, ["c": nil]]], #"{"b":1,"a":[2,{"c":null}]}"#),
        ] as [(JSONValue, String)])
    func values(_ value: JSONValue, _ expected: String) {
        #expect(JSONWriter.encodeToString(value) == expected)
    }

    @Test(arguments: [
        (0.0, "0"), (-0.0, "0"), (1.0, "1"), (-1.0, "-1"), (100.0, "100"),
        (0.1, "0.1"), (1.5, "1.5"), (-1.5, "-1.5"), (123.456, "123.456"), (4.35, "4.35"),
        (0.30000000000000004, "0.30000000000000004"), (12345678.9, "12345678.9"),
        (1e20, "100000000000000000000"), (1e21, "1e+21"), (1.5e21, "1.5e+21"),
        (123456789012345680000.0, "123456789012345680000"), (9.999999999999999e20, "999999999999999900000"),
        (0x1p53, "9007199254740992"), (0x1p53 + 2, "9007199254740994"), (0x1p64, "18446744073709552000"),
        (1e-6, "0.000001"), (1.2e-6, "0.0000012"), (1e-7, "1e-7"), (1.5e-7, "1.5e-7"), (-1e-7, "-1e-7"),
        (0.000123, "0.000123"), (1e100, "1e+100"), (1.7976931348623157e308, "1.7976931348623157e+308"),
        (Double.leastNonzeroMagnitude, "5e-324"), (2.2250738585072014e-308, "2.2250738585072014e-308"),
        (-1e21, "-1e+21"),
        (Double.nan, "null"), (Double.infinity, "null"), (-Double.infinity, "null"),
    ])
    func doubles(_ value: Double, _ expected: String) {
        #expect(JSONWriter.encodeToString(.double(value)) == expected)
    }

    @Test(arguments: [
        ("plain", #""plain""#),
        ("a\"b", #""a\"b""#),
        ("a\\b", #""a\\b""#),
        ("/", #""/""#),
        ("\u{8}\u{C}\n\r\t", #""\b\f\n\r\t""#),
        ("\u{0}", #""\u0000""#),
        ("\u{1}\u{7}\u{B}\u{E}\u{1A}\u{1F}", #""\u0001\u0007\u000b\u000e\u001a\u001f""#),
        ("\u{7F}", "\"\u{7F}\""),
        ("é€😀", "\"é€😀\""),
        ("\u{2028}\u{2029}", "\"\u{2028}\u{2029}\""),
        ("\u{FFFD}\u{10FFFF}", "\"\u{FFFD}\u{10FFFF}\""),
        ("end\n", #""end\n""#),
        ("\"start", #""\"start""#),
        ("mixed é \"q\" \u{1} 😀\\", #""mixed é \"q\" \u0001 😀\\""#),
    ])
    func strings(_ value: String, _ expected: String) {
        #expect(JSONWriter.encodeToString(.string(value)) == expected)
    }

    /// Every ASCII byte at every position of strings of every length up to 24, as a value, as a
    /// key and through the member writer: the word-at-a-time test that lets plain text be copied
    /// whole must see any byte that needs an escape wherever it sits.
    @Test func everyByteIsEscapedWhereverItSits() {
        func reference(_ bytes: [UInt8]) -> String {
            var text = "\""
            for byte in bytes {
                switch byte {
                case UInt8(ascii: "\""): text += "\\\""
                case UInt8(ascii: "\\"): text += "\\\\"
                case 0x08: text += "\\b"
                case 0x0C: text += "\\f"
                case 0x0A: text += "\\n"
                case 0x0D: text += "\\r"
                case 0x09: text += "\\t"
                case ..<0x20: text += "\\u00" + (byte < 0x10 ? "0" : "") + String(byte, radix: 16)
                default: text.unicodeScalars.append(Unicode.Scalar(byte))
                }
            }
            return text + "\""
        }
        var wrong: [(byte: UInt8, length: Int, position: Int)] = []
        for byte in UInt8(0)...0x7F {
            for length in 1...24 {
                for position in 0..<length {
                    var bytes = [UInt8](repeating: UInt8(ascii: "a"), count: length)
                    bytes[position] = byte
                    let string = String(decoding: bytes, as: UTF8.self)
                    let expected = reference(bytes)
                    let asValue = JSONWriter.encodeToString(.string(string))
                    let asKey = JSONWriter.encodeToString(.object([string: 1]))
                    var viaMember: [UInt8] = []
                    JSONWriter.writeString(string, into: &viaMember)
                    if asValue != expected || asKey != "{" + expected + ":1}"
                        || String(decoding: viaMember, as: UTF8.self) != expected
                    {
                        wrong.append((byte, length, position))
                    }
                }
            }
        }
        #expect(wrong.isEmpty, "\(wrong.prefix(10))")
    }

    @Test func keysAreEscapedAndKeepTheirOrder() {
        var object = JSONObject()
        object["z"] = 1
        object["a\"\n"] = 2
        object["é"] = 3
        #expect(JSONWriter.encodeToString(.object(object)) == #"{"z":1,"a\"\n":2,"é":3}"#)
    }

    @Test func writeAppendsToTheBuffer() {
        var buffer = Array("prefix:".utf8)
        JSONWriter.write(["a": 1], into: &buffer)
        JSONWriter.write(.string("x"), into: &buffer)
        #expect(String(decoding: buffer, as: UTF8.self) == #"prefix:{"a":1}"x""#)
    }

    @Test func encodeMatchesEncodeToString() {
        let value: JSONValue = ["a": [1, 2.5, "é"]]
        #expect(JSONWriter.encode(value) == Array(JSONWriter.encodeToString(value).utf8))
    }

    @Test func primitiveWriters() {
        var buffer: [UInt8] = []
        JSONWriter.writeInt(-120, into: &buffer)
        buffer.append(0x20)
        JSONWriter.writeDouble(2.5e-8, into: &buffer)
        buffer.append(0x20)
        JSONWriter.writeString("a\tb", into: &buffer)
        #expect(String(decoding: buffer, as: UTF8.self) == #"-120 2.5e-8 "a\tb""#)
    }

    // MARK: Round trips

    @Test(arguments: [KuzzleFrames.upsertRequest, KuzzleFrames.upsertResponse])
    func stringifiedFramesComeBackByteForByte(_ frame: String) throws {
        #expect(JSONWriter.encodeToString(try JSONParser.parse(frame)) == frame)
    }

    @Test(arguments: [
        #"[0,-1,1.5,-0.001,1e+21,1e-7,123456789012345680000,"\u0000\b\"\\é😀\u001f",[[]],{"":{}}]"#,
        #"{"a":null,"b":true,"c":false,"d":"\n","e":[1,2,3],"f":{"g":{"h":[{}]}}}"#,
        "\"\u{2028}\u{2029}\"",
    ])
    func canonicalTextsComeBackByteForByte(_ text: String) throws {
        #expect(JSONWriter.encodeToString(try JSONParser.parse(text)) == text)
    }

    @Test func valuesSurviveWriteThenParse() throws {
        let values: [JSONValue] = [
            nil, true, 0, -1, .int(.max), .int(.min), 0.1, -2.5e-300, 1e300, "é\u{0}\u{1F}\"\\/😀",
            [1, [2, [3, ["deep"]]]], ["k": ["nested": [:], "list": []], "other": "v"],
        ]
        for value in values {
            #expect(try JSONParser.parse(JSONWriter.encode(value)) == value)
        }
    }

    @Test func nonFiniteDoublesBecomeNull() throws {
        let value: JSONValue = [.double(.infinity), .double(-.infinity), .double(.nan)]
        #expect(JSONWriter.encodeToString(value) == "[null,null,null]")
        #expect(JSONWriter.encodeToString(try JSONParser.parse("[1e400]")) == "[null]")
    }
}

/// The member-by-member writers produce what writing the equivalent value produces.
@Suite struct JSONObjectWriterTests {
    @Test func responseFrame() throws {
        let request = try #require(try JSONParser.parse(KuzzleFrames.upsertRequest).objectValue)
        let source = try #require(try JSONParser.parse(KuzzleFrames.upsertResponse).objectValue?["result"])
        var buffer: [UInt8] = []
        JSONWriter.writeObject(into: &buffer) { frame in
            frame.string("action", "upsert")
            frame.string("collection", "smoke-collection")
            frame.string("controller", "document")
            frame.null("error")
            frame.object("headers") { _ in }
            frame.string("index", "smoke-index")
            frame.string("node", "knode-nasty-author-12345")
            frame.string("requestId", "b6d911be-6dfa-4d65-bc26-70c2b6a9370c")
            frame.value("result", source)
            frame.int("status", 200)
            frame.value("volatile", request["volatile"]!)
            frame.string("room", "b6d911be-6dfa-4d65-bc26-70c2b6a9370c")
        }
        #expect(String(decoding: buffer, as: UTF8.self) == KuzzleFrames.upsertResponse)
    }

    @Test func everyKindOfMember() {
        var buffer: [UInt8] = []
        JSONWriter.writeObject(into: &buffer) { object in
            object.string("s", "a\"b")
            object.int("i", -3)
            object.double("d", 0.5)
            object.double("n", .nan)
            object.bool("t", true)
            object.bool("f", false)
            object.null("z")
            object.value("v", [1, "x"])
            object.raw("r", json: Array(#"{"pre":"encoded"}"#.utf8))
            object.object("o") { inner in
                inner.int("deep", 1)
                inner.array("empty") { _ in }
            }
            object.array("a") { array in
                array.string("é")
                array.int(2)
                array.double(1e21)
                array.bool(false)
                array.null()
                array.value(["k": nil])
                array.raw(json: "[3]".utf8)
                array.object { element in element.int("x", 1) }
                array.array { nested in nested.int(4) }
            }
        }
        let expected =
            #"{"s":"a\"b","i":-3,"d":0.5,"n":null,"t":true,"f":false,"z":null,"v":[1,"x"],"#
            + #""r":{"pre":"encoded"},"o":{"deep":1,"empty":[]},"#
            + #""a":["é",2,1e+21,false,null,{"k":null},[3],{"x":1},[4]]}"#
        #expect(String(decoding: buffer, as: UTF8.self) == expected)
    }

    @Test func emptyContainersAndAppending() {
        var buffer = Array("[".utf8)
        JSONWriter.writeObject(into: &buffer) { _ in }
        buffer.append(0x2C)
        JSONWriter.writeArray(into: &buffer) { _ in }
        buffer.append(0x5D)
        #expect(String(decoding: buffer, as: UTF8.self) == "[{},[]]")
    }

    @Test func topLevelArray() {
        var buffer: [UInt8] = []
        JSONWriter.writeArray(into: &buffer) { array in
            for index in 0..<3 { array.int(index) }
        }
        #expect(String(decoding: buffer, as: UTF8.self) == "[0,1,2]")
    }

    struct Stop: Error, Equatable {}

    @Test func aThrowingBodyLeavesWhatWasWritten() {
        var buffer: [UInt8] = []
        #expect(throws: Stop()) {
            try JSONWriter.writeObject(into: &buffer) { (object) throws(Stop) in
                object.int("a", 1)
                try object.array("b") { (array) throws(Stop) in
                    array.int(2)
                    throw Stop()
                }
            }
        }
        #expect(String(decoding: buffer, as: UTF8.self) == #"{"a":1,"b":[2"#)
    }
}

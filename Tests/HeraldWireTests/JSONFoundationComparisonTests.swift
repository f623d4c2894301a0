import Foundation
import HeraldWire
import Testing

/// The same documents parsed by Foundation's `JSONSerialization` and by ``JSONParser`` agree.
@Suite struct JSONFoundationComparisonTests {
    static let validCorpus: [String] = [
        KuzzleFrames.upsertRequest,
        KuzzleFrames.upsertResponse,
        #"{"controller":"auth","action":"checkToken","body":{},"requestId":"1"}"#,
        #"{"p":1}"#,
        "[]", "{}", "[[]]", #"{"a":{}}"#, "[null]", "[true,false]",
        #"[0,1,-1,42,-42,9223372036854775807,-9223372036854775808]"#,
        #"[0.5,-0.5,1.5e10,2E-5,3.14159,1e21,1e-7,123456789.123456789,0.1,1e308,5e-324]"#,
        #"[1.0,2.50,100e0,1E+2]"#,
        #"["", "a", "\"", "\\", "\/", "\b\f\n\r\t", "\u0000", "\u001F", "\u00e9", "\u20ac", "\uD83D\uDE00"]"#,
        #"["é", "日本語", "😀", "\u2028", "mixed é\n😀"]"#,
        " \t\n\r[ 1 , { \"a\" : [ ] } , \"x\" ]\r\n ",
        #"{"nested":{"deeper":{"deepest":[[[[["bottom"]]]]]}}}"#,
        #"{"k1":1,"k2":2,"k3":3,"k4":4,"k5":5,"k6":6,"k7":7,"k8":8,"k9":9,"k10":10,"k11":11,"k12":12,"k13":13,"k14":14}"#,
        #"{"filters":{"and":[{"equals":{"status":"open"}},{"range":{"age":{"gte":18,"lt":65.5}}}]}}"#,
        #"[{"_id":"a","_source":{"x":1}},{"_id":"b","_source":{"x":2}},{"_id":"c","_source":null}]"#,
        #""top-level string""#, "12", "-0.25", "true", "null",
    ]

    @Test(arguments: validCorpus)
    func sameValue(_ text: String) throws {
        let ours = try JSONParser.parse(text)
        let theirs = try JSONSerialization.jsonObject(with: Data(text.utf8), options: [.fragmentsAllowed])
        #expect(Self.matches(ours, theirs), "\(text)")
    }

    /// Trailing commas are left out: Foundation on Linux accepts them (JSON.parse does not, and
    /// neither do we; see JSONParseErrorTests).
    static let invalidCorpus: [String] = [
        "", "[", "{", "[1 2]", #"{"a" 1}"#, #"{'a':1}"#, "{a:1}", "01", "1.", ".5",
        "1e", "-", "+1", "NaN", "Infinity", "undefined", "tru", "nul", "[1]]", #""abc"#, "\"\u{1}\"",
        #""\x""#,
        #""\u12""#, "/* comment */ 1", "[1,,2]", #"{"a":1 "b":2}"#, "0x10",
    ]

    @Test(arguments: invalidCorpus)
    func bothReject(_ text: String) {
        #expect(throws: JSONParseError.self) { try JSONParser.parse(text) }
        #expect(throws: (any Error).self) {
            try JSONSerialization.jsonObject(with: Data(text.utf8), options: [.fragmentsAllowed])
        }
    }

    /// Compares by JSON meaning. Foundation's booleans are `NSNumber`s that also pass `is Bool`
    /// on Linux, so the kind is taken from our value and Foundation's number checked against it.
    static func matches(_ ours: JSONValue, _ theirs: Any) -> Bool {
        switch ours {
        case .null:
            return theirs is NSNull
        case .bool(let bool):
            return (theirs as? NSNumber)?.boolValue == bool && !(theirs is String)
        case .int(let int):
            guard let number = theirs as? NSNumber else { return false }
            return number.int64Value == Int64(int) && number.doubleValue == Double(int)
        case .double(let double):
            guard let number = theirs as? NSNumber else { return false }
            return number.doubleValue == double
        case .string(let string):
            return (theirs as? String) == string
        case .array(let elements):
            guard let other = theirs as? [Any], other.count == elements.count else { return false }
            return zip(elements, other).allSatisfy { matches($0, $1) }
        case .object(let object):
            guard let other = theirs as? [String: Any], other.count == object.count else { return false }
            return object.allSatisfy { key, value in other[key].map { matches(value, $0) } ?? false }
        }
    }
}

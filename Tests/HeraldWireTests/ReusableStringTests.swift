import HeraldWire
import Testing

@Suite struct ReusableStringTests {
    private static let token = "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJfaWQiOiJhbGljZSJ9.c2lnbmF0dXJl"

    private func parse(_ text: String, repeated: ReusableString?) throws(JSONParseError) -> JSONValue {
        let bytes = Array(text.utf8)
        let result = bytes.withUnsafeBytes { buffer in
            Result { () throws(JSONParseError) in try JSONParser().parse(buffer, repeated: repeated) }
        }
        return try result.get()
    }

    /// The address of a string's UTF-8 bytes: two strings that share storage share it.
    private func storage(of string: String) -> UnsafeRawPointer? {
        var copy = string
        return copy.withUTF8 { UnsafeRawPointer($0.baseAddress) }
    }

    @Test func onlyTextWrittenWithoutEscapesQualifies() {
        #expect(ReusableString(Self.token) != nil)
        #expect(ReusableString("") == nil)
        for refused in ["a\"b", "a\\b", "tab\there", "line\n", "caf\u{E9}", "\u{7F}"] {
            #expect(ReusableString(refused) == nil, "\(refused.debugDescription)")
        }
    }

    @Test func theRepeatedValueComesBackSharingItsStorage() throws {
        let repeated = try #require(ReusableString(Self.token))
        let frame = try parse(#"{"controller":"document","jwt":"\#(Self.token)","body":{"t":"\#(Self.token)"}}"#,
                              repeated: repeated)
        guard case .object(let object) = frame, case .string(let jwt)? = object["jwt"],
              case .object(let body)? = object["body"], case .string(let nested)? = body["t"]
        else {
            Issue.record("unexpected frame \(frame)")
            return
        }
        #expect(jwt == Self.token)
        #expect(storage(of: jwt) == storage(of: repeated.value))
        #expect(storage(of: nested) == storage(of: repeated.value))
    }

    /// Whatever the text, parsing with a repeated string gives exactly what parsing without one
    /// gives, failures included.
    @Test(arguments: [
        #"{"jwt":"abc"}"#,        // the same
        #"{"jwt":"abcd"}"#,       // longer: no quote where the repeated one ends
        #"{"jwt":"ab"}"#,         // shorter
        #"{"jwt":"abd"}"#,        // same length, other bytes
        #"{"jwt":"ab\u0063"}"#,   // the same value, escaped
        #"{"jwt":"abc"#,          // cut right after the bytes
        #"{"jwt":"abc""#,         // cut after the quote
        #"["abc","abc",1]"#,
        #""abc""#,
        #"{"abc":"x"}"#,          // as a key: keys are read as usual
    ])
    func parsingIsUnchanged(text: String) throws {
        let repeated = try #require(ReusableString("abc"))
        let expected = Result { () throws(JSONParseError) in try parse(text, repeated: nil) }
        let actual = Result { () throws(JSONParseError) in try parse(text, repeated: repeated) }
        switch (expected, actual) {
        case (.success(let want), .success(let got)): #expect(got == want)
        case (.failure(let want), .failure(let got)): #expect(got.message == want.message)
        default: Issue.record("\(text): \(expected) without, \(actual) with the repeated string")
        }
    }
}

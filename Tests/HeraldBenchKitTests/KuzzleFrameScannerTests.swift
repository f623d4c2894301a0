@testable import HeraldBenchKit
import Testing

@Suite("KuzzleFrameScanner")
struct KuzzleFrameScannerTests {
    private static func with<R>(_ text: String, _ body: (UnsafeRawBufferPointer) -> R) -> R {
        Array(text.utf8).withUnsafeBytes(body)
    }

    static let notification =
        #"{"status":200,"type":"document","room":"abc-def","channel":"c1","result":{"_source":{"t": 123456789,"g":2}},"requestId":"17"}"#

    @Test("Strings, integers and integer strings are found by key")
    func finds() {
        Self.with(Self.notification) { frame in
            #expect(KuzzleFrameScanner.integer(KuzzleFrameScanner.status, in: frame) == 200)
            #expect(KuzzleFrameScanner.integer(KuzzleFrameScanner.timestamp, in: frame) == 123_456_789)
            #expect(KuzzleFrameScanner.string(KuzzleFrameScanner.type, in: frame, equals: "document"))
            #expect(!KuzzleFrameScanner.string(KuzzleFrameScanner.type, in: frame, equals: "documents"))
            #expect(!KuzzleFrameScanner.string(KuzzleFrameScanner.type, in: frame, equals: "doc"))
            #expect(KuzzleFrameScanner.string(KuzzleFrameScanner.room, in: frame).map { String(decoding: $0, as: UTF8.self) } == "abc-def")
            #expect(KuzzleFrameScanner.integerString(KuzzleFrameScanner.room, in: frame) == nil)
            #expect(KuzzleFrameScanner.integer(KuzzleFrameScanner.errorID, in: frame) == nil)
        }
        Self.with(#"{"room":"42","status":-7}"#) { frame in
            #expect(KuzzleFrameScanner.integerString(KuzzleFrameScanner.room, in: frame) == 42)
            #expect(KuzzleFrameScanner.integer(KuzzleFrameScanner.status, in: frame) == -7)
        }
    }

    @Test("Escaped quotes stay inside the string; malformed values give nil")
    func edges() {
        Self.with(#"{"id":"a\"b","room":"x"}"#) { frame in
            #expect(KuzzleFrameScanner.string(KuzzleFrameScanner.errorID, in: frame).map { String(decoding: $0, as: UTF8.self) } == #"a\"b"#)
        }
        Self.with(#"{"status":"200","room":"unterminated"#) { frame in
            #expect(KuzzleFrameScanner.integer(KuzzleFrameScanner.status, in: frame) == nil)
            #expect(KuzzleFrameScanner.string(KuzzleFrameScanner.room, in: frame) == nil)
        }
        Self.with(#"{"status":99999999999999999999,"t":-,"room":"12a"}"#) { frame in
            #expect(KuzzleFrameScanner.integer(KuzzleFrameScanner.status, in: frame) == nil)
            #expect(KuzzleFrameScanner.integer(KuzzleFrameScanner.timestamp, in: frame) == nil)
            #expect(KuzzleFrameScanner.integerString(KuzzleFrameScanner.room, in: frame) == nil)
        }
        Self.with(#"{"status":"#) { frame in
            #expect(KuzzleFrameScanner.integer(KuzzleFrameScanner.status, in: frame) == nil)
        }
        Self.with("") { frame in
            #expect(KuzzleFrameScanner.integer(KuzzleFrameScanner.status, in: frame) == nil)
        }
    }
}

@Suite("KuzzleRequestWriter")
struct KuzzleRequestWriterTests {
    @Test("JSON string escaping")
    func quoting() {
        #expect(KuzzleRequestWriter.quoted("plain") == #""plain""#)
        #expect(KuzzleRequestWriter.quoted("a\"b\\c") == #""a\"b\\c""#)
        #expect(KuzzleRequestWriter.quoted("\n\r\t") == #""\n\r\t""#)
        #expect(KuzzleRequestWriter.quoted("\u{01}\u{1F}") == #""\u0001\u001f""#)
        #expect(KuzzleRequestWriter.quoted("é☃😀") == "\"é☃😀\"")
    }

    @Test("Upsert frames are written in full, and the buffer is reused")
    func upsert() {
        let writer = KuzzleRequestWriter(index: "i\"x", collection: "c")
        var buffer = Array("left over".utf8)
        writer.upsert(into: &buffer, id: { $0 += Array("doc-1".utf8) }, changes: { $0 += Array(#""t":5"#.utf8) },
                      requestID: 77)
        #expect(String(decoding: buffer, as: UTF8.self)
            == #"{"controller":"document","action":"upsert","index":"i\"x","collection":"c","_id":"doc-1","body":{"changes":{"t":5}},"requestId":"77"}"#)
    }

    @Test("An authenticated upsert carries its token last, as the SDK sends it")
    func authenticatedUpsert() {
        let writer = KuzzleRequestWriter(index: "i", collection: "c", jwt: "a.b.c")
        var buffer: [UInt8] = []
        writer.upsert(into: &buffer, id: { $0 += Array("d".utf8) }, changes: { $0 += Array(#""t":1"#.utf8) },
                      requestID: 3)
        #expect(String(decoding: buffer, as: UTF8.self)
            == #"{"controller":"document","action":"upsert","index":"i","collection":"c","_id":"d","body":{"changes":{"t":1}},"requestId":"3","jwt":"a.b.c"}"#)
    }

    @Test("Setup requests keep their field order")
    func request() {
        let frame = KuzzleRequestWriter.request(["controller": "\"index\"", "action": "\"create\""], requestID: "r\"1")
        #expect(String(decoding: frame, as: UTF8.self) == #"{"controller":"index","action":"create","requestId":"r\"1"}"#)
    }

    @Test("Decimal digits", arguments: [
        (0, "0"), (7, "7"), (-1, "-1"), (1_000_000, "1000000"), (Int.max, "9223372036854775807"),
        (Int.min, "-9223372036854775808"),
    ])
    func decimal(value: Int, text: String) {
        var buffer: [UInt8] = [UInt8(ascii: "x")]
        KuzzleRequestWriter.appendDecimal(value, to: &buffer)
        #expect(String(decoding: buffer, as: UTF8.self) == "x" + text)
    }

    @Test("Largest unsigned value")
    func unsignedMax() {
        var buffer: [UInt8] = []
        KuzzleRequestWriter.appendDecimal(UInt64.max, to: &buffer)
        #expect(String(decoding: buffer, as: UTF8.self) == "18446744073709551615")
    }
}

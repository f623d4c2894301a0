@testable import HeraldTransport
import Testing

@Suite("Chunked request bodies")
struct ChunkedBodyDecoderTests {
    private func decode(_ pieces: [String], limit: Int = 1 << 20) -> (ChunkedBodyDecoder.Progress, String, Bool) {
        var decoder = ChunkedBodyDecoder(limit: limit)
        var progress = ChunkedBodyDecoder.Progress.needMore
        for piece in pieces {
            progress = Array(piece.utf8).withUnsafeBytes { decoder.feed($0) }
            if progress != .needMore { break }
        }
        return (progress, String(decoding: decoder.body, as: UTF8.self), decoder.overflowed)
    }

    @Test("chunks are joined, whatever the pieces they arrive in")
    func joins() {
        let whole = "5\r\n{\"a\":\r\n2;ext=1\r\n1}\r\n0\r\n\r\n"
        #expect(decode([whole]) == (.complete, "{\"a\":1}", false))
        #expect(decode(whole.map { String($0) }) == (.complete, "{\"a\":1}", false))
        #expect(decode(["A\r\n0123456789\r\n", "0\r\nX-Trailer: 1\r\n\r\n"]) == (.complete, "0123456789", false))
    }

    @Test("an unfinished body needs more")
    func unfinished() {
        #expect(decode(["5\r\nab"]).0 == .needMore)
        #expect(decode(["0\r\n"]).0 == .needMore)
    }

    @Test("broken framing is refused", arguments: ["x\r\n", "\r\n", "2\r\nabc\r\n", "2\nab", "1\r\na\r\r"])
    func malformed(input: String) {
        #expect(decode([input]).0 == .malformed)
    }

    @Test("a body over the limit is dropped and flagged, and still read to its end")
    func overLimit() {
        #expect(decode(["4\r\nabcd\r\n4\r\nefgh\r\n0\r\n\r\n"], limit: 6) == (.complete, "", true))
    }
}

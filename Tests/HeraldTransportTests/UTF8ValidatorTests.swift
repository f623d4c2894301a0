@testable import HeraldTransport
import Testing

/// The UTF-8 check of text messages, whole and in pieces, against what the standard library decodes.
@Suite struct UTF8ValidatorTests {
    private func valid(_ pieces: [[UInt8]]) -> Bool {
        var validator = UTF8Validator()
        for piece in pieces where !piece.withUnsafeBytes({ validator.consume($0) }) { return false }
        return validator.endsOnCodePoint
    }

    @Test(arguments: [
        "", "plain ASCII, longer than one eight-byte word", "é", "€", "𝄞", "\u{7F}\u{80}\u{7FF}\u{800}",
        "\u{D7FF}\u{E000}\u{FFFF}\u{10000}\u{10FFFF}", #"{"volatile":{"s":"€𝄞 — ascii after"}}"#,
    ])
    func wellFormedTextPasses(_ text: String) {
        #expect(valid([Array(text.utf8)]))
    }

    @Test(arguments: [
        [0xFF], [0xC0, 0xAF], [0xC1, 0xBF], [0xE0, 0x80, 0xAF], [0xED, 0xA0, 0x80], [0xF0, 0x80, 0x80, 0xAF],
        [0xF4, 0x90, 0x80, 0x80], [0xF5, 0x80, 0x80, 0x80], [0x80], [0xE2, 0x82], [0xC3, 0x28], [0xE2, 0x28, 0xA1],
    ] as [[UInt8]])
    func malformedSequencesFail(_ bytes: [UInt8]) {
        #expect(!valid([Array("0123456789".utf8) + bytes + Array("tail".utf8)]))
        #expect(!valid([bytes]))
    }

    @Test func aCodePointMaySpanPieces() {
        let text = Array("ab€𝄞cd".utf8)
        for cut in 0...text.count {
            #expect(valid([Array(text[..<cut]), Array(text[cut...])]), "cut at \(cut)")
        }
    }

    @Test func textEndingInsideACodePointIsIncomplete() {
        var validator = UTF8Validator()
        #expect([UInt8]([0x61, 0xF0, 0x9D]).withUnsafeBytes { validator.consume($0) })
        #expect(!validator.endsOnCodePoint)
        validator.reset()
        #expect(validator.endsOnCodePoint)
    }

    /// Sequences of one to four bytes around every boundary of the UTF-8 table are judged as the
    /// standard library's decoder judges them.
    @Test func agreesWithTheStandardLibrary() {
        func decodes(_ bytes: [UInt8]) -> Bool { String(validating: bytes, as: UTF8.self) != nil }
        var disagreements: [[UInt8]] = []
        var checked = 0
        func compare(_ bytes: [UInt8]) {
            checked += 1
            if valid([bytes]) != decodes(bytes) { disagreements.append(bytes) }
        }
        // Every first byte, then the bytes at the edges of every range that matters after it.
        let edges: [UInt8] = [0x00, 0x7F, 0x80, 0x8F, 0x90, 0x9F, 0xA0, 0xBF, 0xC0, 0xC2, 0xE0, 0xF0, 0xFF]
        for a in UInt8.min...UInt8.max {
            compare([a])
            for b in edges {
                compare([a, b])
                for c in edges {
                    compare([a, b, c])
                    for d: UInt8 in [0x7F, 0x80, 0xBF, 0xC0] { compare([a, b, c, d]) }
                }
            }
        }
        #expect(disagreements.isEmpty, "\(disagreements.prefix(10))")
        #expect(checked > 200_000)
    }
}

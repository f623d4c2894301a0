@testable import HeraldBenchKit
import Testing

@Suite("WebSocketFrameEncoder")
struct WebSocketFrameEncoderTests {
    /// Reads back one masked client frame: FIN/opcode byte, payload length, and the unmasked payload.
    private static func unmask(_ frame: [UInt8]) -> (first: UInt8, lengthField: UInt8, payload: [UInt8]) {
        #expect(frame[1] & 0x80 != 0, "client frames are masked")
        var length = Int(frame[1] & 0x7F)
        var offset = 2
        if length == 126 {
            length = Int(frame[2]) << 8 | Int(frame[3])
            offset = 4
        } else if length == 127 {
            length = frame[2..<10].reduce(0) { $0 << 8 | Int($1) }
            offset = 10
        }
        let key = Array(frame[offset..<(offset + 4)])
        let masked = frame[(offset + 4)...]
        #expect(masked.count == length)
        let payload = masked.enumerated().map { $0.element ^ key[$0.offset & 3] }
        return (frame[0], frame[1] & 0x7F, payload)
    }

    @Test("Masking round trips at every length boundary",
          arguments: [0, 1, 7, 8, 9, 125, 126, 127, 65_535, 65_536, 70_001])
    func roundTrip(length: Int) {
        var encoder = WebSocketFrameEncoder(seed: 42)
        let payload = (0..<length).map { UInt8(truncatingIfNeeded: $0 &* 7 &+ 3) }
        var frame: [UInt8] = []
        payload.withUnsafeBytes { encoder.append(.text, payload: $0, to: &frame) }
        let decoded = Self.unmask(frame)
        #expect(decoded.first == 0x81)
        #expect(decoded.lengthField == (length < 126 ? UInt8(length) : length <= 0xFFFF ? 126 : 127))
        #expect(decoded.payload == payload)
    }

    @Test("Control frames carry their opcode and every frame gets a new mask key")
    func keysChange() {
        var encoder = WebSocketFrameEncoder(seed: 0)
        var first: [UInt8] = []
        var second: [UInt8] = []
        [UInt8](repeating: 0, count: 4).withUnsafeBytes {
            encoder.append(.ping, payload: $0, to: &first)
            encoder.append(.ping, payload: $0, to: &second)
        }
        #expect(first[0] == 0x89 && second[0] == 0x89)
        // Zero payload bytes masked are the key itself.
        #expect(first[2..<6] != second[2..<6])
        #expect(Self.unmask(first).payload == [0, 0, 0, 0])
    }

    @Test("Masking twice from any offset gives the input back", arguments: [0, 1, 3, 5, 17])
    func maskIsInvolution(offset: Int) {
        var bytes = (0..<(offset + 40)).map { UInt8(truncatingIfNeeded: $0) }
        let original = bytes
        bytes.withUnsafeMutableBytes { raw in
            let slice = UnsafeMutableRawBufferPointer(rebasing: raw[offset...])
            WebSocketFrameEncoder.mask(slice, key: 0xA1B2_C3D4)
            #expect(slice[0] == original[offset] ^ 0xD4)
            #expect(slice[1] == original[offset + 1] ^ 0xC3)
            WebSocketFrameEncoder.mask(slice, key: 0xA1B2_C3D4)
        }
        #expect(bytes == original)
    }
}

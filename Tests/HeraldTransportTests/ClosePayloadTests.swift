@testable import HeraldTransport
import Testing

@Suite struct ClosePayloadTests {
    private func valid(_ bytes: [UInt8]) -> Bool {
        bytes.withUnsafeBytes { ClosePayload.isValid($0) }
    }

    @Test func codesAndReasons() {
        #expect(valid([]))
        #expect(!valid([0x03]))
        #expect(valid([0x03, 0xE8]))
        #expect(valid([0x03, 0xE8] + Array("bye €".utf8)))
        #expect(!valid([0x03, 0xE8, 0xFF]))
        #expect(!valid([0x03, 0xE8, 0xE2, 0x82]))
        for code: UInt16 in [0, 999, 1004, 1005, 1006, 1015, 1016, 2999, 5000, 65535] {
            #expect(!valid([UInt8(code >> 8), UInt8(code & 0xFF)]), "code \(code)")
        }
        for code: UInt16 in [1000, 1001, 1002, 1003, 1007, 1011, 1014, 3000, 4999] {
            #expect(valid([UInt8(code >> 8), UInt8(code & 0xFF)]), "code \(code)")
        }
    }
}

@testable import HeraldCore
import Testing

@Suite struct RequestIDGeneratorTests {
    @Test func idsAreDistinctVersion4UUIDs() {
        var generator = RequestIDGenerator()
        var seen = Set<String>()
        for _ in 0..<10_000 {
            let id = generator.next()
            let bytes = Array(id.utf8)
            #expect(bytes.count == 36)
            #expect([8, 13, 18, 23].allSatisfy { bytes[$0] == UInt8(ascii: "-") })
            #expect(bytes[14] == UInt8(ascii: "4"))
            #expect([UInt8(ascii: "8"), UInt8(ascii: "9"), UInt8(ascii: "a"), UInt8(ascii: "b")].contains(bytes[19]))
            #expect(bytes.enumerated().allSatisfy { [8, 13, 18, 23].contains($0.offset) || Array("0123456789abcdef".utf8).contains($0.element) })
            seen.insert(id)
        }
        #expect(seen.count == 10_000)
    }

    @Test func everyGeneratorIsSeededApart() {
        var first = RequestIDGenerator(), second = RequestIDGenerator()
        #expect(first.next() != second.next())
    }
}

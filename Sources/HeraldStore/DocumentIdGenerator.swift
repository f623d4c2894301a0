/// Makes document ids shaped like Elasticsearch's generated ones: 20 characters from the
/// URL-safe base64 alphabet (`A–Z a–z 0–9 - _`), here fully random (120 bits).
public struct DocumentIdGenerator: Sendable {
    /// Length of a generated id.
    static let length = 20

    private static let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_".utf8)

    private var random = SystemRandomNumberGenerator()

    public init() {}

    /// A new random id.
    public mutating func next() -> String {
        // Each 64-bit draw yields ten 6-bit characters.
        let draws = (random.next() as UInt64, random.next() as UInt64)
        return String(unsafeUninitializedCapacity: Self.length) { buffer in
            var bits = draws.0
            for offset in 0..<Self.length {
                if offset == Self.length / 2 { bits = draws.1 }
                buffer[offset] = Self.alphabet[Int(truncatingIfNeeded: bits & 63)]
                bits >>= 6
            }
            return Self.length
        }
    }
}

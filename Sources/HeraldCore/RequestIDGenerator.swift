/// Random RFC 4122 version-4 UUIDs in their lowercase text form, for requests that carry no `requestId`.
struct RequestIDGenerator {
    private var random = SystemRandomNumberGenerator()
    private static let hexDigits = Array("0123456789abcdef".utf8)

    mutating func next() -> String {
        var bytes = [UInt8](repeating: 0, count: 16)
        let high = random.next() as UInt64
        let low = random.next() as UInt64
        for index in 0..<8 {
            bytes[index] = UInt8(truncatingIfNeeded: high >> UInt64(8 * index))
            bytes[8 + index] = UInt8(truncatingIfNeeded: low >> UInt64(8 * index))
        }
        bytes[6] = (bytes[6] & 0x0F) | 0x40  // version 4
        bytes[8] = (bytes[8] & 0x3F) | 0x80  // variant 10xx
        var text = [UInt8]()
        text.reserveCapacity(36)
        for (index, byte) in bytes.enumerated() {
            if index == 4 || index == 6 || index == 8 || index == 10 { text.append(UInt8(ascii: "-")) }
            text.append(Self.hexDigits[Int(byte >> 4)])
            text.append(Self.hexDigits[Int(byte & 0x0F)])
        }
        return String(decoding: text, as: UTF8.self)
    }
}

/// Random RFC 4122 version-4 UUIDs in their lowercase text form, for requests that carry no `requestId`.
///
/// The bits come from a xoshiro256** generator seeded once from the system's: request ids need to
/// be unique, not secret, and reading the kernel's generator cost two system calls per HTTP request.
/// Not thread-safe: owned by the gateway.
struct RequestIDGenerator {
    private var random = Xoshiro256StarStar()
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

/// xoshiro256** (Blackman and Vigna), seeded from `SystemRandomNumberGenerator`: fast, 256 bits of
/// state, not cryptographic.
struct Xoshiro256StarStar: RandomNumberGenerator {
    private var state: (UInt64, UInt64, UInt64, UInt64)

    init() {
        var seed = SystemRandomNumberGenerator()
        repeat {
            state = (seed.next(), seed.next(), seed.next(), seed.next())
        } while state == (0, 0, 0, 0)
    }

    mutating func next() -> UInt64 {
        let result = (state.1 &* 5).rotatedLeft(by: 7) &* 9
        let shifted = state.1 << 17
        state.2 ^= state.0
        state.3 ^= state.1
        state.1 ^= state.2
        state.0 ^= state.3
        state.2 ^= shifted
        state.3 = state.3.rotatedLeft(by: 45)
        return result
    }
}

extension UInt64 {
    fileprivate func rotatedLeft(by count: UInt64) -> UInt64 {
        (self << count) | (self >> (64 - count))
    }
}

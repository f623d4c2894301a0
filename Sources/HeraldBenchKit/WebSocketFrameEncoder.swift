/// Writes client frames: always final, always masked with a fresh key as RFC 6455 requires.
///
/// Mask keys come from a xorshift generator seeded once from the system generator: unpredictable enough
/// for a load generator and cheap per frame. Pure value type.
struct WebSocketFrameEncoder {
    private var state: UInt64

    /// An encoder whose mask keys start from `seed` (zero is replaced by a fixed non-zero value).
    init(seed: UInt64) {
        state = seed == 0 ? 0x9E37_79B9_7F4A_7C15 : seed
    }

    /// Appends one frame with `payload` to `buffer`.
    mutating func append(_ opcode: WebSocketOpcode, payload: UnsafeRawBufferPointer, to buffer: inout [UInt8]) {
        let length = payload.count
        buffer.reserveCapacity(buffer.count + length + 14)
        buffer.append(0x80 | opcode.rawValue)
        if length < 126 {
            buffer.append(0x80 | UInt8(length))
        } else if length <= 0xFFFF {
            buffer.append(0x80 | 126)
            buffer.append(UInt8(truncatingIfNeeded: length >> 8))
            buffer.append(UInt8(truncatingIfNeeded: length))
        } else {
            buffer.append(0x80 | 127)
            for shift in stride(from: 56, through: 0, by: -8) {
                buffer.append(UInt8(truncatingIfNeeded: UInt64(length) >> UInt64(shift)))
            }
        }
        let key = nextKey()
        withUnsafeBytes(of: key.littleEndian) { buffer.append(contentsOf: $0) }
        let start = buffer.count
        buffer.append(contentsOf: payload)
        buffer.withUnsafeMutableBytes { Self.mask(UnsafeMutableRawBufferPointer(rebasing: $0[start...]), key: key) }
    }

    /// XORs `bytes` in place with the 4-byte `key` (in little-endian byte order, as written on the wire).
    static func mask(_ bytes: UnsafeMutableRawBufferPointer, key: UInt32) {
        let wide = UInt64(key) | UInt64(key) << 32
        var index = 0
        let count = bytes.count
        while index + 8 <= count {
            let word = bytes.loadUnaligned(fromByteOffset: index, as: UInt64.self)
            bytes.storeBytes(of: word ^ wide.littleEndian, toByteOffset: index, as: UInt64.self)
            index += 8
        }
        while index < count {
            bytes[index] ^= UInt8(truncatingIfNeeded: key >> UInt32(8 * (index & 3)))
            index += 1
        }
    }

    private mutating func nextKey() -> UInt32 {
        state ^= state << 13
        state ^= state >> 7
        state ^= state << 17
        return UInt32(truncatingIfNeeded: state >> 16)
    }
}

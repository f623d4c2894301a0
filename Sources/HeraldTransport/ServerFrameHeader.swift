/// Writes the header of an unmasked, final, text WebSocket frame (RFC 6455 §5.2), as a server sends it.
enum ServerFrameHeader {
    /// Header bytes needed in front of a payload of `length` bytes.
    @inline(__always)
    static func size(forPayloadLength length: Int) -> Int {
        if length < 126 { return 2 }
        if length <= 0xFFFF { return 4 }
        return 10
    }

    /// Writes the header at `destination` and returns its size.
    @inline(__always)
    static func write(payloadLength length: Int, to destination: UnsafeMutablePointer<UInt8>) -> Int {
        destination[0] = 0x81  // FIN + text opcode
        if length < 126 {
            destination[1] = UInt8(length)
            return 2
        }
        if length <= 0xFFFF {
            destination[1] = 126
            destination[2] = UInt8(truncatingIfNeeded: length >> 8)
            destination[3] = UInt8(truncatingIfNeeded: length)
            return 4
        }
        destination[1] = 127
        let value = UInt64(length)
        for shift in 0..<8 {
            destination[2 + shift] = UInt8(truncatingIfNeeded: value >> UInt64(56 - 8 * shift))
        }
        return 10
    }
}

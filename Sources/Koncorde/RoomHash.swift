/// A 128-bit non-cryptographic hash (two independent 64-bit lanes), written as 32 hex digits.
enum RoomHash {
    /// The hash of the UTF-8 bytes of `text`.
    static func hex(of text: String) -> String {
        // Lane one: FNV-1a. Lane two: a multiply-rotate mix with another seed.
        var first: UInt64 = 0xCBF2_9CE4_8422_2325
        var second: UInt64 = 0x9E37_79B9_7F4A_7C15
        var length: UInt64 = 0
        for byte in text.utf8 {
            first = (first ^ UInt64(byte)) &* 0x0000_0100_0000_01B3
            second = ((second ^ UInt64(byte)) &* 0xFF51_AFD7_ED55_8CCD)
            second = (second << 31) | (second >> 33)
            length &+= 1
        }
        return hexDigits(finalize(first ^ length)) + hexDigits(finalize(second &+ length))
    }

    /// Avalanches all input bits over the output (the SplitMix64 finalizer).
    private static func finalize(_ value: UInt64) -> UInt64 {
        var mixed = value
        mixed = (mixed ^ (mixed >> 30)) &* 0xBF58_476D_1CE4_E5B9
        mixed = (mixed ^ (mixed >> 27)) &* 0x94D0_49BB_1331_11EB
        return mixed ^ (mixed >> 31)
    }

    private static func hexDigits(_ value: UInt64) -> String {
        let digits = String(value, radix: 16)
        return String(repeating: "0", count: 16 - digits.count) + digits
    }
}

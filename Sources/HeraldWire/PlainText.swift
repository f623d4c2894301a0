/// Word-at-a-time tests for JSON string text that needs no escape: printable ASCII other than the
/// quote and the backslash. The reader scans for the end of such text, the writer copies it whole.
enum PlainText {
    /// Whether some byte of `word` is a quote, a backslash, below 0x20 or above 0x7F.
    ///
    /// Subtracting 1 from each byte sets its high bit when the byte was 0 (a quote or backslash
    /// once XORed with it) or is above 0x80; subtracting 0x20 sets it when the byte is below 0x20 or
    /// above 0xA0. The bytes above 0x7F are reported anyway, and a borrow into the next byte only
    /// comes from a byte that is itself reported, so the answer is exact without masking each test
    /// with the complement of its input (the classic "has a byte below n" trick needs that to locate
    /// the byte, not to tell whether there is one).
    @inline(__always)
    static func holdsSpecialByte(_ word: UInt64) -> Bool {
        let ones: UInt64 = 0x0101_0101_0101_0101
        let highs: UInt64 = 0x8080_8080_8080_8080
        let zeroQuote = (word ^ (ones &* UInt64(Byte.quote))) &- ones
        let zeroBackslash = (word ^ (ones &* UInt64(Byte.backslash))) &- ones
        let control = word &- ones &* 0x20
        return (zeroQuote | zeroBackslash | control | word) & highs != 0
    }

    /// Whether every byte of `utf8` is printable ASCII other than a quote or a backslash, so that
    /// the bytes are their own JSON string text. Reads whole words, the last one overlapping the
    /// one before it (two overlapping halves below eight bytes), so short keys cost one test.
    @inline(__always)
    static func isPlain(_ utf8: UnsafeBufferPointer<UInt8>) -> Bool {
        guard let base = utf8.baseAddress else { return true }
        let raw = UnsafeRawPointer(base)
        let count = utf8.count
        if count >= 8 {
            var index = 0
            while index &+ 8 < count {
                if holdsSpecialByte(raw.loadUnaligned(fromByteOffset: index, as: UInt64.self)) { return false }
                index &+= 8
            }
            return !holdsSpecialByte(raw.loadUnaligned(fromByteOffset: count &- 8, as: UInt64.self))
        }
        if count >= 4 {
            let low = UInt64(raw.loadUnaligned(as: UInt32.self))
            let high = UInt64(raw.loadUnaligned(fromByteOffset: count &- 4, as: UInt32.self))
            return !holdsSpecialByte(low | high << 32)
        }
        for byte in utf8 where byte < 0x20 || byte >= 0x80 || byte == Byte.quote || byte == Byte.backslash {
            return false
        }
        return true
    }
}

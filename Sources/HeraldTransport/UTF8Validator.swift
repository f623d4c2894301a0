/// Checks that the text of a WebSocket message is well-formed UTF-8 (RFC 3629; the byte sequences of
/// Unicode's table "Well-Formed UTF-8 Byte Sequences": no overlong forms, no surrogates, nothing above
/// U+10FFFF) as its pieces arrive, so a code point may be split across fragments or reads.
///
/// Runs of ASCII, almost all of a Kuzzle request, are checked eight bytes at a time.
///
/// A value held by one connection; used on the service thread only.
struct UTF8Validator {
    /// Continuation bytes the current code point still needs.
    private var pending = 0
    /// The range the next continuation byte must fall in (narrower right after E0, ED, F0 and F4).
    private var lowest: UInt8 = 0x80
    private var highest: UInt8 = 0xBF

    /// `true` when the text fed since the last ``reset()`` ends on a complete code point.
    var endsOnCodePoint: Bool { pending == 0 }

    /// Checks the next piece of the text; `false` as soon as it cannot be UTF-8.
    mutating func consume(_ bytes: UnsafeRawBufferPointer) -> Bool {
        guard let base = bytes.baseAddress else { return true }
        let count = bytes.count
        var position = 0
        while position < count {
            if pending == 0 {
                while position + 8 <= count,
                      base.loadUnaligned(fromByteOffset: position, as: UInt64.self) & 0x8080_8080_8080_8080 == 0 {
                    position += 8
                }
                guard position < count else { break }
                let byte = base.load(fromByteOffset: position, as: UInt8.self)
                position += 1
                if byte < 0x80 { continue }
                guard start(byte) else { return false }
            } else {
                let byte = base.load(fromByteOffset: position, as: UInt8.self)
                position += 1
                guard byte >= lowest && byte <= highest else { return false }
                pending -= 1
                lowest = 0x80
                highest = 0xBF
            }
        }
        return true
    }

    /// Forgets the text fed so far (the next message starts).
    mutating func reset() {
        pending = 0
        lowest = 0x80
        highest = 0xBF
    }

    /// The first byte of a multi-byte code point: how many continuation bytes follow, and the range of
    /// the first one; `false` for a byte no code point starts with.
    private mutating func start(_ byte: UInt8) -> Bool {
        switch byte {
        case 0xC2...0xDF: pending = 1
        case 0xE0: pending = 2; lowest = 0xA0
        case 0xE1...0xEC, 0xEE...0xEF: pending = 2
        case 0xED: pending = 2; highest = 0x9F
        case 0xF0: pending = 3; lowest = 0x90
        case 0xF1...0xF3: pending = 3
        case 0xF4: pending = 3; highest = 0x8F
        default: return false
        }
        return true
    }
}

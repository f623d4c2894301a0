/// Decodes an HTTP/1.1 chunked request body (`<hex size>[;ext]\r\n<data>\r\n ... 0\r\n\r\n`)
/// fed in arbitrary pieces. libwebsockets 4.1.6 hands a chunked body over undecoded and never
/// reports it complete, so the server decodes it itself.
///
/// A plain value: no I/O, no threads.
struct ChunkedBodyDecoder {
    /// What a piece of input did.
    enum Progress: Equatable {
        /// More input is needed.
        case needMore
        /// The last chunk and the trailer were read.
        case complete
        /// The framing is broken.
        case malformed
    }

    private enum State {
        case size(digits: Int, value: Int, inExtension: Bool)
        case sizeLineFeed(value: Int)
        case data(remaining: Int)
        case dataCarriageReturn
        case dataLineFeed
        case trailerLineStart
        case trailerLine
        case trailerLineFeed(blank: Bool)
        case done
    }

    private var state = State.size(digits: 0, value: 0, inExtension: false)
    /// The decoded body so far.
    private(set) var body: [UInt8] = []
    /// Longest decoded body accepted; past it the bytes are dropped and ``overflowed`` is set.
    let limit: Int
    private(set) var overflowed = false

    init(limit: Int) { self.limit = limit }

    mutating func feed(_ bytes: UnsafeRawBufferPointer) -> Progress {
        var index = bytes.startIndex
        while index < bytes.endIndex {
            let byte = bytes[index]
            switch state {
            case .size(let digits, let value, let inExtension):
                if byte == 0x0D {
                    guard digits > 0 else { return .malformed }
                    state = .sizeLineFeed(value: value)
                } else if inExtension {
                    break
                } else if byte == UInt8(ascii: ";") {
                    state = .size(digits: digits, value: value, inExtension: true)
                } else if let digit = Self.hexDigit(byte), digits < 15 {
                    state = .size(digits: digits + 1, value: value << 4 | digit, inExtension: false)
                } else {
                    return .malformed
                }
            case .sizeLineFeed(let value):
                guard byte == 0x0A else { return .malformed }
                state = value == 0 ? .trailerLineStart : .data(remaining: value)
            case .data(let remaining):
                let take = min(remaining, bytes.endIndex - index)
                if !overflowed && body.count + take > limit {
                    overflowed = true
                    body = []
                }
                if !overflowed { body.append(contentsOf: bytes[index..<(index + take)]) }
                index += take
                state = remaining == take ? .dataCarriageReturn : .data(remaining: remaining - take)
                continue
            case .dataCarriageReturn:
                guard byte == 0x0D else { return .malformed }
                state = .dataLineFeed
            case .dataLineFeed:
                guard byte == 0x0A else { return .malformed }
                state = .size(digits: 0, value: 0, inExtension: false)
            case .trailerLineStart:
                state = byte == 0x0D ? .trailerLineFeed(blank: true) : .trailerLine
            case .trailerLine:
                if byte == 0x0D { state = .trailerLineFeed(blank: false) }
            case .trailerLineFeed(let blank):
                guard byte == 0x0A else { return .malformed }
                if blank {
                    state = .done
                    return .complete
                }
                state = .trailerLineStart
            case .done:
                return .complete
            }
            index += 1
        }
        if case .done = state { return .complete }
        return .needMore
    }

    private static func hexDigit(_ byte: UInt8) -> Int? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): Int(byte - UInt8(ascii: "0"))
        case UInt8(ascii: "a")...UInt8(ascii: "f"): Int(byte - UInt8(ascii: "a")) + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): Int(byte - UInt8(ascii: "A")) + 10
        default: nil
        }
    }
}

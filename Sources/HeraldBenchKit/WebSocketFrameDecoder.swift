/// Incremental decoder for frames a server sends (unmasked), reassembling fragmented messages.
///
/// Feed it the unconsumed bytes; it reports every complete frame and says how many bytes it used.
/// Control frames arriving between the fragments of a message are reported at once. Pure value type.
struct WebSocketFrameDecoder {
    /// Largest message accepted, fragments added up.
    let maxMessageBytes: Int
    private var fragmentOpcode: WebSocketOpcode?
    private var fragments: [UInt8] = []
    /// Set once a close frame was decoded: nothing after it is looked at.
    private(set) var sawClose = false

    init(maxMessageBytes: Int) {
        self.maxMessageBytes = maxMessageBytes
    }

    /// Decodes the complete frames at the start of `bytes`, calling `onEvent` for each complete message or
    /// control frame, and returns how many bytes they took. The remaining bytes (a partial frame) must be
    /// passed again, followed by more data.
    mutating func decode(
        _ bytes: UnsafeRawBufferPointer,
        _ onEvent: (WebSocketFrameEvent) -> Void
    ) throws(WebSocketProtocolError) -> Int {
        var offset = 0
        while !sawClose {
            let available = bytes.count - offset
            guard available >= 2 else { break }
            let first = bytes[offset]
            let second = bytes[offset + 1]
            guard first & 0x70 == 0 else { throw .reservedBitsSet }
            guard let opcode = WebSocketOpcode(rawValue: first & 0x0F) else { throw .unknownOpcode(first & 0x0F) }
            guard second & 0x80 == 0 else { throw .maskedServerFrame }
            let isFinal = first & 0x80 != 0

            var headerLength = 2
            var payloadLength = Int(second & 0x7F)
            if payloadLength == 126 {
                guard available >= 4 else { break }
                payloadLength = Int(bytes[offset + 2]) << 8 | Int(bytes[offset + 3])
                guard payloadLength >= 126 else { throw .nonMinimalLength }
                headerLength = 4
            } else if payloadLength == 127 {
                guard available >= 10 else { break }
                var length: UInt64 = 0
                for index in 2..<10 { length = length << 8 | UInt64(bytes[offset + index]) }
                guard length >> 63 == 0 else { throw .lengthOverflow }
                guard length > 0xFFFF else { throw .nonMinimalLength }
                guard length <= UInt64(maxMessageBytes) else { throw .messageTooLarge(limit: maxMessageBytes) }
                payloadLength = Int(length)
                headerLength = 10
            }

            if opcode.isControl {
                guard isFinal else { throw .fragmentedControlFrame }
                guard payloadLength <= 125 else { throw .controlFrameTooLong }
            } else {
                let alreadyBuffered = opcode == .continuation ? fragments.count : 0
                guard payloadLength + alreadyBuffered <= maxMessageBytes else {
                    throw .messageTooLarge(limit: maxMessageBytes)
                }
            }
            guard available >= headerLength + payloadLength else { break }

            let payloadStart = offset + headerLength
            let payload = UnsafeRawBufferPointer(rebasing: bytes[payloadStart..<(payloadStart + payloadLength)])
            offset = payloadStart + payloadLength
            try deliver(opcode: opcode, isFinal: isFinal, payload: payload, onEvent)
        }
        return offset
    }

    private mutating func deliver(
        opcode: WebSocketOpcode,
        isFinal: Bool,
        payload: UnsafeRawBufferPointer,
        _ onEvent: (WebSocketFrameEvent) -> Void
    ) throws(WebSocketProtocolError) {
        switch opcode {
        case .text, .binary:
            guard fragmentOpcode == nil else { throw .interleavedDataFrame }
            if isFinal {
                onEvent(opcode == .text ? .text(payload) : .binary(payload))
            } else {
                fragmentOpcode = opcode
                fragments.append(contentsOf: payload)
            }
        case .continuation:
            guard let messageOpcode = fragmentOpcode else { throw .unexpectedContinuation }
            fragments.append(contentsOf: payload)
            if isFinal {
                fragments.withUnsafeBytes { onEvent(messageOpcode == .text ? .text($0) : .binary($0)) }
                fragments.removeAll(keepingCapacity: fragments.capacity <= 64 * 1024)
                fragmentOpcode = nil
            }
        case .ping:
            onEvent(.ping(payload))
        case .pong:
            onEvent(.pong(payload))
        case .close:
            guard payload.count != 1 else { throw .invalidClosePayload }
            sawClose = true
            onEvent(.close(code: payload.count >= 2 ? UInt16(payload[0]) << 8 | UInt16(payload[1]) : nil))
        }
    }
}

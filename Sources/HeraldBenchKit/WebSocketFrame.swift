/// RFC 6455 frame opcodes.
enum WebSocketOpcode: UInt8 {
    case continuation = 0x0
    case text = 0x1
    case binary = 0x2
    case close = 0x8
    case ping = 0x9
    case pong = 0xA

    /// Control frames (close, ping, pong) may not be fragmented and carry at most 125 bytes.
    var isControl: Bool { rawValue & 0x8 != 0 }
}

/// A violation of RFC 6455 by the peer; the connection must be failed.
enum WebSocketProtocolError: Error, Equatable {
    case reservedBitsSet
    case unknownOpcode(UInt8)
    case maskedServerFrame
    case fragmentedControlFrame
    case controlFrameTooLong
    case unexpectedContinuation
    case interleavedDataFrame
    case nonMinimalLength
    case lengthOverflow
    case messageTooLarge(limit: Int)
    case invalidClosePayload
}

/// One complete message or control frame, as the decoder hands it out.
///
/// Payload pointers are valid only during the callback that receives them.
enum WebSocketFrameEvent {
    case text(UnsafeRawBufferPointer)
    case binary(UnsafeRawBufferPointer)
    case ping(UnsafeRawBufferPointer)
    case pong(UnsafeRawBufferPointer)
    /// A close frame: its status code when it carried one.
    case close(code: UInt16?)
}

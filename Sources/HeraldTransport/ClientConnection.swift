/// The server-side state of one WebSocket connection. Owned by the service thread.
final class ClientConnection {
    /// Why and how the server wants this connection closed at its next writable callback.
    struct CloseRequest {
        var status: UInt16
        var reason: String
    }

    let number: ConnectionNumber
    /// The libwebsockets handle; valid until `LWS_CALLBACK_CLOSED`.
    let wsi: OpaquePointer
    var outbound = OutboundQueue()
    /// Pieces of a message that arrived over several callbacks.
    var partialMessage: [UInt8] = []
    var writableRequested = false
    var closeRequest: CloseRequest?

    init(number: ConnectionNumber, wsi: OpaquePointer) {
        self.number = number
        self.wsi = wsi
    }
}

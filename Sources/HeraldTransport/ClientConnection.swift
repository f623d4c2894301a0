/// One WebSocket connection as the adapter holds it: the libwebsockets handle and the rules'
/// state. A reference so the flush, pause and closing lists can name it; service thread only.
final class ClientConnection {
    let number: ConnectionNumber
    /// The libwebsockets handle; valid until `LWS_CALLBACK_CLOSED`.
    let wsi: OpaquePointer
    /// `false` once libwebsockets reported the connection closed; `wsi` is then invalid.
    var isOpen = true
    var machine: ConnectionMachine

    init(number: ConnectionNumber, wsi: OpaquePointer, now: UInt64) {
        self.number = number
        self.wsi = wsi
        self.machine = ConnectionMachine(now: now)
    }
}

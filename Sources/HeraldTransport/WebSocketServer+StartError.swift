extension WebSocketServer {
    /// Errors raised while starting the listener.
    public struct StartError: Error, CustomStringConvertible {
        public let description: String
    }
}

public import HeraldWire

/// Where the API core sends encoded frames. Implemented by the transport adapter (or a test double).
public protocol ClientOutbox: AnyObject {
    /// Queues one complete text frame for a connection. The same array may go to many connections.
    func send(_ frame: [UInt8], to connection: ConnectionID)
}

/// The current time as epoch milliseconds; injectable for tests.
public protocol EpochClock: Sendable {
    func nowMilliseconds() -> Int
}

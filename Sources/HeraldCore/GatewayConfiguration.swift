import HeraldWire

/// Settings of the API core.
public struct GatewayConfiguration: Sendable {
    /// The node id every response and notification carries.
    public var nodeID: String
    /// Most conditions a filter may have once normalized.
    public var maxFilterConditions: Int
    /// Most documents one request may read or write.
    public var storageLimits: StorageLimits
    /// Requests one connection may send per second (heartbeats excluded); `0`: no limit.
    public var maxRequestsPerSecond = 0
    /// Distinct rooms (filters) across all connections; `0`: no limit.
    public var maxRooms = 0
    /// Rooms one connection may be subscribed to at once; `0`: no limit.
    public var maxSubscriptionsPerConnection = 0
    /// Deepest nesting of objects and arrays accepted in a request.
    public var maxJSONDepth = JSONParser.defaultMaximumDepth
    /// Token signing, lifetimes, login limits and password cost.
    public var security = SecuritySettings(jwtSecret: SecuritySettings.randomSecret())

    public init(
        nodeID: String = GatewayConfiguration.randomNodeID(), maxFilterConditions: Int = 100,
        storageLimits: StorageLimits = StorageLimits()
    ) {
        self.nodeID = nodeID
        self.maxFilterConditions = maxFilterConditions
        self.storageLimits = storageLimits
    }

    /// `herald-` followed by 8 random hex digits.
    public static func randomNodeID() -> String {
        let value = UInt32.random(in: .min ... .max)
        let hex = String(value, radix: 16)
        return "herald-" + String(repeating: "0", count: 8 - hex.count) + hex
    }
}

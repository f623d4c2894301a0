import HeraldWire

/// `server`: time and information about this node.
final class ServerController: Controller {
    let name = "server"
    let actions: Set<String> = ["now", "info"]

    private let clock: any EpochClock
    private let nodeID: String
    private let startedAt: Int
    private let statistics: () -> JSONObject

    init(clock: any EpochClock, nodeID: String, statistics: @escaping () -> JSONObject) {
        self.clock = clock
        self.nodeID = nodeID
        self.startedAt = clock.nowMilliseconds()
        self.statistics = statistics
    }

    func handle(_ request: KuzzleRequest) throws(KuzzleError) -> ActionResult {
        let now = clock.nowMilliseconds()
        if request.action == "now" { return .value(["now": .int(now)]) }
        var kuzzle = JSONObject()
        kuzzle.append("version", .string(HeraldVersion.kuzzleCompatibility))
        kuzzle.append("herald", .string(HeraldVersion.current))
        kuzzle.append("nodeId", .string(nodeID))
        kuzzle.append("uptime", .string("\((now - startedAt) / 1000)s"))
        kuzzle.append("api", ["protocols": ["websocket"]])
        kuzzle.append("statistics", .object(statistics()))
        return .value(["serverInfo": ["kuzzle": .object(kuzzle), "services": [:]]])
    }
}

/// Version strings Herald reports.
public enum HeraldVersion {
    /// Herald's own version.
    public static let current = "0.1.0"
    /// The Kuzzle API version Herald speaks.
    public static let kuzzleCompatibility = "2.56.0"
}

import HeraldWire

/// `server`: time, information and live metrics about this node.
final class ServerController: Controller {
    let name = "server"

    private let clock: any EpochClock
    private let nodeID: String
    private let startedAt: Int
    private let figures: () -> ServerFigures
    private let adminExists: () -> Bool

    init(clock: any EpochClock, nodeID: String, adminExists: @escaping () -> Bool,
         figures: @escaping () -> ServerFigures) {
        self.clock = clock
        self.adminExists = adminExists
        self.nodeID = nodeID
        self.startedAt = clock.nowMilliseconds()
        self.figures = figures
    }

    func actions() -> [String: Action] {
        [
            "now": { _, _ in .value(["now": .int(self.clock.nowMilliseconds())]) },
            "metrics": { _, _ in .value(.object(self.metrics())) },
            "adminExists": { _, _ in .value(["exists": .bool(self.adminExists())]) },
            "info": { _, _ in .value(["serverInfo": ["kuzzle": .object(self.info()), "services": [:]]]) },
        ]
    }

    /// Kuzzle's `server:metrics` shape. Requests run one at a time on the event loop, so the one
    /// asking is the only one executing and none wait in a queue.
    private func metrics() -> JSONObject {
        let current = figures()
        var result = JSONObject()
        result.append("api", ["concurrentRequests": 1, "pendingRequests": 0])
        result.append("network", ["connections": ["websocket": .int(current.connections)]])
        result.append("realtime", [
            "rooms": .int(current.realtime.rooms), "subscriptions": .int(current.realtime.subscriptions),
        ])
        return result
    }

    /// Kuzzle's `serverInfo.kuzzle` object, with Herald's own figures added.
    private func info() -> JSONObject {
        let current = figures()
        let now = clock.nowMilliseconds()
        var routes = JSONObject()
        for controller in current.actions.keys.sorted() {
            var actions = JSONObject()
            for action in (current.actions[controller] ?? []).sorted() {
                actions.append(action, ["controller": .string(controller), "action": .string(action)])
            }
            routes.append(controller, .object(actions))
        }
        let memory = ProcessFigures.systemMemory()
        var system = JSONObject()
        system.append("cpus", .array(ProcessFigures.cpuModels().map { ["model": .string($0)] }))
        system.append("memory", ["free": .int(memory.free), "total": .int(memory.total)])

        var statistics = JSONObject()
        statistics.append("connections", .int(current.connections))
        statistics.append("rooms", .int(current.realtime.rooms))
        statistics.append("subscriptions", .int(current.realtime.subscriptions))
        statistics.append("indexes", .int(current.indexes))

        var kuzzle = JSONObject()
        kuzzle.append("api", ["routes": .object(routes), "protocols": ["websocket"]])
        kuzzle.append("memoryUsed", .int(ProcessFigures.residentBytes()))
        kuzzle.append("plugins", [:])
        kuzzle.append("system", .object(system))
        let uptime = now - startedAt
        kuzzle.append("uptime", .string("\(uptime / 1000).\(Self.threeDigits(uptime % 1000))s"))
        kuzzle.append("version", .string(HeraldVersion.kuzzleCompatibility))
        kuzzle.append("herald", .string(HeraldVersion.current))
        kuzzle.append("nodeId", .string(nodeID))
        kuzzle.append("statistics", .object(statistics))
        return kuzzle
    }

    private static func threeDigits(_ value: Int) -> String {
        let text = String(value)
        return String(repeating: "0", count: max(0, 3 - text.count)) + text
    }
}

/// The live state `server:info` and `server:metrics` report.
struct ServerFigures {
    var connections: Int
    var realtime: Gateway.RealtimeFigures
    var indexes: Int
    /// Every controller's actions.
    var actions: [String: Set<String>]
}

/// Version strings Herald reports.
public enum HeraldVersion {
    /// Herald's own version.
    public static let current = "0.1.0"
    /// The Kuzzle API version Herald speaks.
    public static let kuzzleCompatibility = "2.56.0"
}

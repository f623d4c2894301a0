import HeraldWire

/// `server`: time, information, configuration, health, request statistics, live metrics and the
/// API description (`publicApi`, `openapi`) of this node.
final class ServerController: Controller {
    let name = "server"

    private let clock: any EpochClock
    private let nodeID: String
    private let configuration: GatewayConfiguration
    private let statistics: StatisticsFrames
    private let startedAt: Int
    private let figures: () -> ServerFigures
    private let adminExists: () -> Bool
    /// Kuzzle's HTTP routes, for `server:publicApi` and the `http` member of `server:info` routes.
    private let httpRoutes = HTTPRouteTable.builtIn()

    init(clock: any EpochClock, configuration: GatewayConfiguration, statistics: StatisticsFrames,
         adminExists: @escaping () -> Bool, figures: @escaping () -> ServerFigures) {
        self.clock = clock
        self.adminExists = adminExists
        self.nodeID = configuration.nodeID
        self.configuration = configuration
        self.statistics = statistics
        self.startedAt = clock.nowMilliseconds()
        self.figures = figures
    }

    func actions() -> [String: Action] {
        [
            "now": { _, _ in .value(["now": .int(self.clock.nowMilliseconds())]) },
            "metrics": { _, _ in .value(.object(self.metrics())) },
            "adminExists": { _, _ in .value(["exists": .bool(self.adminExists())]) },
            "info": { _, _ in .value(["serverInfo": ["kuzzle": .object(self.info()), "services": [:]]]) },
            "publicApi": { _, _ in .value(self.publicAPI()) },
            "openapi": { request, _ throws(KuzzleError) in try self.openAPI(request) },
            "healthCheck": { _, _ in .value(["services": ["storageEngine": "green"], "status": "green"]) },
            "capabilities": { _, _ in .value(.object(self.capabilities())) },
            "getConfig": { _, _ in .value(.object(self.configurationJSON())) },
            "getLastStats": { request, _ in
                .value(self.statistics.all(now: request.timestamp).last?.json ?? [:])
            },
            "getAllStats": { request, _ in
                let frames = self.statistics.all(now: request.timestamp)
                return .value(["hits": .array(frames.map(\.json)), "total": .int(frames.count)])
            },
            "getStats": { request, _ throws(KuzzleError) in
                let start = try request.integer("startTime", default: 0)
                let stop = try request.integer("stopTime", default: .max)
                let frames = self.statistics.all(now: request.timestamp).filter {
                    $0.timestamp >= start && $0.timestamp <= stop
                }
                return .value(["hits": .array(frames.map(\.json)), "total": .int(frames.count)])
            },
        ]
    }

    /// Kuzzle's `limits` object, for the limits Herald has.
    private var limits: JSONObject {
        var limits = JSONObject()
        limits.append("documentsFetchCount", .int(configuration.storageLimits.documentsFetchCount))
        limits.append("documentsWriteCount", .int(configuration.storageLimits.documentsWriteCount))
        limits.append("requestsPerSecond", .int(configuration.maxRequestsPerSecond))
        limits.append("subscriptionConditionsCount", .int(configuration.maxFilterConditions))
        limits.append("subscriptionRooms", .int(configuration.maxRooms))
        limits.append("subscriptionsPerConnection", .int(configuration.maxSubscriptionsPerConnection))
        return limits
    }

    /// `server:capabilities`: limits, plugins (none), every API route and the version.
    private func capabilities() -> JSONObject {
        var result = JSONObject()
        result.append("limits", .object(limits))
        result.append("plugins", [:])
        result.append("routes", .object(routes(figures().actions)))
        result.append("version", .string(HeraldVersion.kuzzleCompatibility))
        return result
    }

    /// `server:getConfig`: the API core's settings (Herald keeps no secrets in them).
    private func configurationJSON() -> JSONObject {
        let scroll = configuration.scrollLimits
        var result = JSONObject()
        result.append("limits", .object(limits))
        result.append("realtime", ["maxJSONDepth": .int(configuration.maxJSONDepth)])
        result.append("services", ["storageEngine": [
            "defaults": ["scrollTTL": .string("\(scroll.defaultTTLMilliseconds)ms")],
            "maxScrollCursors": .int(scroll.maxCursors), "maxScrollDocuments": .int(scroll.maxDocuments),
            "maxScrollDuration": .string("\(scroll.maxDurationMilliseconds)ms"),
        ]])
        result.append("stats", ["statsInterval": .int(statistics.interval / 1000), "ttl": .int(statistics.retention / 1000)])
        result.append("version", .string(HeraldVersion.kuzzleCompatibility))
        return result
    }

    /// `{controller: {action: {controller, action, http?}}}`, sorted; `http` lists the action's
    /// HTTP routes.
    private func routes(_ actions: [String: Set<String>]) -> JSONObject {
        let http = HTTPRouteTable(routes: httpRoutes.routes, implemented: actions).publicAPI.objectValue
        var routes = JSONObject()
        for controller in actions.keys.sorted() {
            var entries = JSONObject()
            for action in (actions[controller] ?? []).sorted() {
                var entry: JSONObject = ["controller": .string(controller), "action": .string(action)]
                if let verbs = http?[controller]?.objectValue?[action]?.objectValue?["http"] { entry.append("http", verbs) }
                entries.append(action, .object(entry))
            }
            routes.append(controller, .object(entries))
        }
        return routes
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

    /// `server:publicApi`: every implemented action with its HTTP routes, in Kuzzle's shape (the
    /// SDK's Http protocol builds its URLs from it).
    private func publicAPI() -> JSONValue {
        HTTPRouteTable(routes: httpRoutes.routes, implemented: figures().actions).publicAPI
    }

    /// `server:openapi`: a Swagger 2.0 document of the HTTP routes Herald serves (`scope:
    /// kuzzle`), or of an application's routes (`scope: app`: Herald runs no application, so it
    /// has none), as JSON (the default) or YAML. HTTP sends the document as the whole body, as
    /// Kuzzle does; other transports carry it (the YAML text as a string) as `result`.
    /// Kuzzle labels any other `format` `application/<format>` and sends YAML; Herald refuses it.
    private func openAPI(_ request: KuzzleRequest) throws(KuzzleError) -> ActionResult {
        let format = try request.optionalString("format") ?? "json"
        let scope = try request.optionalString("scope") ?? "kuzzle"
        guard format == "json" || format == "yaml" else {
            throw .unexpectedArgument(format, accepted: "\"json\", \"yaml\"")
        }
        let routes: HTTPRouteTable
        switch scope {
        case "kuzzle": routes = HTTPRouteTable(routes: httpRoutes.routes, implemented: figures().actions)
        case "app": routes = HTTPRouteTable(routes: [])
        default: throw .unexpectedArgument(scope, accepted: "\"kuzzle\", \"app\"")
        }
        let document = routes.openAPIDocument(.init(
            title: "Herald API", description: "Herald's Kuzzle-compatible HTTP API",
            version: HeraldVersion.kuzzleCompatibility))
        if format == "json" {
            return .raw(RawAnswer(contentType: "application/json", body: JSONWriter.encode(document), value: document))
        }
        let yaml = YAMLWriter.encode(document)
        return .raw(RawAnswer(contentType: "application/yaml", body: yaml,
                              value: .string(String(decoding: yaml, as: UTF8.self))))
    }

    /// Kuzzle's `serverInfo.kuzzle` object, with Herald's own figures added.
    private func info() -> JSONObject {
        let current = figures()
        let now = clock.nowMilliseconds()
        let routes = routes(current.actions)
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
        kuzzle.append("api", ["routes": .object(routes), "protocols": ["websocket", "http"]])
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

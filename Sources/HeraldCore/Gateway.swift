public import HeraldStore
import HeraldSecurity
import HeraldWire
import Koncorde
public import Logging

/// Herald's API core: turns inbound messages into responses and notifications.
///
/// Transport-agnostic and single-threaded: the transport calls it from one thread (the event
/// loop), and it answers through the ``ClientOutbox`` synchronously, notifications before the
/// response that caused them.
public final class Gateway {
    public let configuration: GatewayConfiguration
    public let store: DocumentStore
    public let registry: RoomRegistry
    private let notifier: Notifier
    private let encoder: ResponseEncoder
    private let clock: any EpochClock
    let logger: Logger
    /// Request, latency and notification counters.
    public let metrics = GatewayMetrics()
    private unowned let outbox: any ClientOutbox
    private var controllers: [String: any Controller] = [:]
    private var requestIDs = RequestIDGenerator()
    private var connections: Set<ConnectionID> = []
    private var rateLimiter: RequestRateLimiter
    private let parser: JSONParser
    /// Users, profiles, roles and tokens; every request passes its check before it runs.
    let security: SecurityGate

    /// The heartbeat frames of the browser SDK.
    private static let ping: [UInt8] = Array(#"{"p":1}"#.utf8)
    private static let pong: [UInt8] = Array(#"{"p":2}"#.utf8)

    public init(
        configuration: GatewayConfiguration, outbox: any ClientOutbox, clock: any EpochClock = SystemEpochClock(),
        logger: Logger
    ) {
        self.configuration = configuration
        self.outbox = outbox
        self.clock = clock
        self.logger = logger
        rateLimiter = RequestRateLimiter(maxPerSecond: configuration.maxRequestsPerSecond)
        parser = JSONParser(maximumDepth: configuration.maxJSONDepth)
        store = DocumentStore()
        registry = RoomRegistry(
            koncorde: Koncorde(maxConditions: configuration.maxFilterConditions),
            limits: .init(maxRooms: configuration.maxRooms,
                          maxRoomsPerConnection: configuration.maxSubscriptionsPerConnection))
        notifier = Notifier(registry: registry, outbox: outbox, nodeID: configuration.nodeID, metrics: metrics)
        encoder = ResponseEncoder(nodeID: configuration.nodeID)
        let securityStore = SecurityStore(
            documents: store, hasher: PasswordHasher(iterations: configuration.security.passwordIterations))
        security = SecurityGate(store: securityStore, settings: configuration.security)
        let all: [any Controller] = [
            AuthController(gate: security, clock: clock),
            SecurityController(gate: security),
            ServerController(clock: clock, nodeID: configuration.nodeID, adminExists: { securityStore.adminExists }) {
                [unowned self] in serverFigures
            },
            IndexController(store: store, notifier: notifier),
            CollectionController(store: store, notifier: notifier, registry: registry),
            DocumentController(store: store, notifier: notifier, koncorde: registry.koncorde,
                               limits: configuration.storageLimits),
            RealtimeController(registry: registry, notifier: notifier),
        ]
        for controller in all { controllers[controller.name] = controller }
        metrics.knownActions = controllers.mapValues(\.actions)
    }

    /// Open connections.
    public var connectionCount: Int { connections.count }

    /// A new connection.
    public func connectionOpened(_ connection: ConnectionID) {
        connections.insert(connection)
    }

    /// A connection is gone: it leaves every room, and the rooms' `users` channels are told.
    public func connectionClosed(_ connection: ConnectionID) {
        connections.remove(connection)
        rateLimiter.remove(connection)
        security.connectionClosed(connection)
        let now = clock.nowMilliseconds()
        for left in registry.disconnect(connection) {
            notifier.userEvent(.out, room: left.room, volatile: left.volatile, timestamp: now)
        }
    }

    /// One complete inbound message.
    public func receive(_ message: UnsafeRawBufferPointer, from connection: ConnectionID) {
        if message.isEmpty { return }
        if message.elementsEqual(Self.ping) {
            outbox.send(Self.pong, to: connection)
            return
        }
        if !rateLimiter.admit(connection, nowMilliseconds: clock.nowMilliseconds()) {
            outbox.send(encoder.unroutedFailure(.rateLimitExceeded), to: connection)
            return
        }
        let value: JSONValue
        do {
            value = try parser.parse(message)
        } catch {
            metrics.malformedMessages += 1
            outbox.send(encoder.unroutedFailure(.unexpectedWebSocketError(error.message)), to: connection)
            return
        }
        guard case .object(let frame) = value else {
            metrics.malformedMessages += 1
            outbox.send(encoder.unroutedFailure(.unexpectedWebSocketError("the request must be a JSON object")),
                        to: connection)
            return
        }
        if frame.count == 1, frame["p"] == .int(1) {
            outbox.send(Self.pong, to: connection)
            return
        }
        outbox.send(respond(to: frame, from: connection), to: connection)
    }

    /// Runs one request frame and returns the encoded response.
    func respond(to frame: JSONObject, from connection: ConnectionID) -> [UInt8] {
        let startedAt = GatewayMetrics.now()
        let requestId: String
        switch frame["requestId"] {
        case .string(let given)?: requestId = given
        case .int(let number)?: requestId = String(number)
        default: requestId = requestIDs.next()
        }
        var request = KuzzleRequest(
            frame: frame, requestId: requestId, controller: frame["controller"]?.stringValue ?? "",
            action: frame["action"]?.stringValue ?? "", timestamp: clock.nowMilliseconds(), connection: connection)
        do {
            let result = try dispatch(&request)
            defer { finished(request, status: 200, startedAt: startedAt) }
            return encoder.success(request, result: result)
        } catch {
            defer { finished(request, status: error.status, startedAt: startedAt) }
            return encoder.failure(request, error: error)
        }
    }

    /// Checks the request's token and rights, then runs its action.
    private func dispatch(_ request: inout KuzzleRequest) throws(KuzzleError) -> ActionResult {
        _ = try request.string("controller")
        _ = try request.string("action")
        let (index, collection) = target(of: request)
        if index == SecurityStore.internalIndex { throw .unknownIndex(SecurityStore.internalIndex) }
        request.userID = try security.authorize(request, index: index, collection: collection,
                                                nowMilliseconds: request.timestamp)
        guard let controller = controllers[request.controller] else {
            throw .controllerNotFound(request.controller)
        }
        guard controller.actions.contains(request.action) else {
            throw .actionNotFound(controller: request.controller, action: request.action)
        }
        let result = try controller.handle(request)
        if request.controller == "realtime", request.action == "subscribe" || request.action == "join",
           let jwt = request.jwt, case .value(.object(let answer)) = result, case .string(let roomId)? = answer["roomId"]
        {
            security.subscribed(jwt, connection: request.connection, roomId: roomId)
        }
        return result
    }

    /// The index and collection a request acts on, for the rights check: its arguments, or for
    /// `realtime:join` those of the room it joins.
    private func target(of request: KuzzleRequest) -> (String?, String?) {
        if request.controller == "realtime", request.action == "join",
           case .object(let body)? = request.frame["body"], case .string(let roomId)? = body["roomId"],
           let room = registry.room(roomId)
        {
            return (room.index, room.collection)
        }
        return (request.frame["index"]?.stringValue, request.frame["collection"]?.stringValue)
    }

    /// Runs once a second on the gateway's thread: connections whose token expired get Kuzzle's
    /// `TokenExpired` server notification and lose the subscriptions made with it; with the
    /// opt-in warning, connections whose token expires soon get `TokenExpiresSoon` first.
    public func secondElapsed() {
        let now = clock.nowMilliseconds()
        for (connections, expiresAt) in security.expiringSoon(nowMilliseconds: now) {
            let frame = Self.serverNotification(type: "TokenExpiresSoon", message: "Authentication Token Expires Soon",
                                                extra: ["expiresAt": .int(expiresAt)])
            for connection in connections { outbox.send(frame, to: connection) }
        }
        for (jwt, connections) in security.expire(nowMilliseconds: now) {
            for (connection, roomId) in security.takeSubscriptions(of: jwt) {
                if let left = registry.unsubscribe(connection, roomId: roomId) {
                    notifier.userEvent(.out, room: left.room, volatile: left.volatile, timestamp: now)
                }
            }
            let frame = Self.serverNotification(type: "TokenExpired", message: "Authentication Token Expired")
            for connection in connections { outbox.send(frame, to: connection) }
        }
    }

    /// Kuzzle's server notification frame.
    static func serverNotification(type: String, message: String, extra: JSONObject = JSONObject()) -> [UInt8] {
        var frame: JSONObject = [
            "status": 200, "info": "This is an automated server notification", "message": .string(message),
            "type": .string(type), "room": "kuzzle:notification:server",
        ]
        for (key, value) in extra { frame[key] = value }
        return JSONWriter.encode(.object(frame))
    }

    /// Live figures for `server:info` and `server:metrics`.
    var serverFigures: ServerFigures {
        ServerFigures(connections: connections.count, realtime: realtimeFigures, indexes: store.listIndexes().count - 1,
                      actions: metrics.knownActions)
    }
}

import HeraldSecurity
public import HeraldStore
public import HeraldWire
import Koncorde
public import Logging

/// Herald's API core: turns inbound messages into commits, and released commits into
/// notifications and answers.
///
/// Transport-agnostic and single-threaded: the transport calls every entry from one thread (the
/// event loop). A request runs its action at once; its answer and notifications wait in the
/// ``CommitPipeline`` until the sink says its effects are safe, then go out through
/// ``release(_:)``.
public final class Gateway {
    public let configuration: GatewayConfiguration
    public let store: DocumentStore
    public let registry: RoomRegistry
    /// Validation specifications per collection.
    let specifications: SpecificationRegistry
    /// Open scroll cursors of `document:search` and `collection:searchSpecifications`.
    let cursors: ScrollCursors
    /// Request statistics frames of `server:getStats`.
    private(set) var statistics: StatisticsFrames!
    private let notifier: Notifier
    private let encoder: ResponseEncoder
    private let clock: any EpochClock
    let logger: Logger
    /// Request, latency and notification counters.
    public let metrics = GatewayMetrics()
    private unowned let outbox: any ClientOutbox
    /// Every action, by controller name then action name.
    private var actions: [String: [String: Action]] = [:]
    private var pipeline: CommitPipeline!
    private var requestIDs = RequestIDGenerator()
    private var connections: Set<ConnectionID> = []
    private var rateLimiter: RequestRateLimiter
    /// Requests per user and second, against its profiles' `rateLimit`.
    private var userRates = UserRateLimiter()
    private let parser: JSONParser
    /// Users, profiles, roles and tokens; every request passes its check before it runs.
    let security: SecurityGate
    /// Logins and stored credentials wait here for their password derivations.
    private let passwordWork: PasswordWorkQueue
    /// Called once `admin:shutdown` has answered: the server then shuts down as on SIGTERM.
    public var shutdownHandler: (() -> Void)?
    /// The connection and request id of the accepted `admin:shutdown`, until it is answered.
    private var shutdownRequest: (ConnectionID, String)?

    /// The heartbeat frames of the browser SDK.
    private static let ping: [UInt8] = Array(#"{"p":1}"#.utf8)
    private static let pong: [UInt8] = Array(#"{"p":2}"#.utf8)

    /// - Parameters:
    ///   - sink: where commits are made safe; `nil` keeps them in memory (released at once).
    ///   - offLoop: where password derivations run; `nil` derives them on the calling thread.
    public init(
        configuration: GatewayConfiguration, outbox: any ClientOutbox, clock: any EpochClock = SystemEpochClock(),
        sink: (any CommitSink)? = nil, offLoop: (any OffLoopExecutor)? = nil, logger: Logger
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
        cursors = ScrollCursors(limits: configuration.scrollLimits)
        specifications = SpecificationRegistry(
            koncorde: Koncorde(maxConditions: configuration.maxFilterConditions), documents: store)
        notifier = Notifier(registry: registry, outbox: outbox, nodeID: configuration.nodeID, metrics: metrics)
        encoder = ResponseEncoder(nodeID: configuration.nodeID)
        let securityStore = SecurityStore(
            documents: store, hasher: PasswordHasher(iterations: configuration.security.passwordIterations))
        security = SecurityGate(store: securityStore, settings: configuration.security)
        passwordWork = PasswordWorkQueue(executor: offLoop, hasher: securityStore.hasher,
                                         maxRunning: configuration.security.passwordWorkers)
        statistics = StatisticsFrames(now: clock.nowMilliseconds()) { [unowned self] in
            ["websocket": connections.count]
        }
        let bulk = BulkController(store: store, koncorde: registry.koncorde)
        let securityController = SecurityController(gate: security)
        let all: [any Controller] = [
            AuthController(gate: security, clock: clock),
            securityController,
            ServerController(clock: clock, configuration: configuration, statistics: statistics,
                             adminExists: { securityStore.adminExists }) { [unowned self] in
                serverFigures
            },
            IndexController(store: store),
            CollectionController(store: store, registry: registry, specifications: specifications,
                                 limits: configuration.storageLimits, cursors: cursors),
            DocumentController(store: store, koncorde: registry.koncorde, limits: configuration.storageLimits,
                               specifications: specifications, cursors: cursors),
            RealtimeController(registry: registry, specifications: specifications),
            bulk,
            AdminController(store: store, bulk: bulk, security: security, securityActions: securityController.actions()) {
                [unowned self] request in
                guard shutdownRequest == nil else { return false }
                shutdownRequest = (request.connection, request.requestId)
                return true
            },
        ]
        for controller in all { actions[controller.name] = controller.actions() }
        metrics.knownActions = actions.mapValues { Set($0.keys) }
        let sink = sink ?? InMemorySink()
        pipeline = CommitPipeline(sink: sink) { [unowned self] commit in release(commit) }
        (sink as? InMemorySink)?.pipeline = pipeline
    }

    /// The pipeline commits wait in; durable sinks report to it.
    public var commitPipeline: CommitPipeline { pipeline }

    /// The transport finished an event-loop pass (called before it flushes its writes).
    public func endOfPass() {
        pipeline.endOfPass()
    }

    /// Open connections.
    public var connectionCount: Int { connections.count }

    /// A new connection; `address` is its client's IP address when the transport knows it (login
    /// attempts are limited per address).
    public func connectionOpened(_ connection: ConnectionID, address: String? = nil) {
        connections.insert(connection)
        if let address { security.connectionOpened(connection, address: address) }
    }

    /// A connection is gone: it leaves every room, and the rooms' `users` channels are told.
    public func connectionClosed(_ connection: ConnectionID) {
        connections.remove(connection)
        rateLimiter.remove(connection)
        security.connectionClosed(connection)
        let now = clock.nowMilliseconds()
        let departures = registry.disconnect(connection).map { Effect.user($0.departure(timestamp: now)) }
        guard !departures.isEmpty else { return }
        pipeline.submit(Commit(request: nil, outcome: .success(.none), effects: departures, reply: .none,
                               startedAt: 0))
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
            value = try parser.parse(message, repeated: security.repeatedToken(of: connection))
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
        execute(frame: frame, protocolName: "websocket", connection: connection, reply: .connection(connection))
    }

    /// Runs one request frame from any transport and submits its commit; the answer goes to `reply`
    /// when the commit is released.
    public func execute(frame: JSONObject, protocolName: String, connection: ConnectionID, reply: Commit.Reply) {
        let startedAt = GatewayMetrics.now()
        let requestId: String
        switch frame["requestId"] {
        case .string(let given)?: requestId = given
        case .int(let number)?: requestId = String(number)
        default: requestId = requestIDs.next()
        }
        let request = KuzzleRequest(
            frame: frame, requestId: requestId, controller: frame["controller"]?.stringValue ?? "",
            action: frame["action"]?.stringValue ?? "", timestamp: clock.nowMilliseconds(), connection: connection,
            protocolName: protocolName)
        let jobs = passwordJobs(of: request)
        if jobs.isEmpty {
            run(request, reply: reply, startedAt: startedAt)
            return
        }
        do {
            try passwordWork.submit(jobs, for: connection) { [unowned self] prepared in
                // A connection that closed meanwhile gets nothing (a login would link its token to it).
                guard connections.contains(connection) else { return }
                security.store.prepared = prepared
                defer { security.store.prepared = PreparedPasswords() }
                run(request, reply: reply, startedAt: startedAt)
            }
        } catch {
            pipeline.submit(Commit(request: request, outcome: .failure(error), effects: [], reply: reply,
                                   startedAt: startedAt))
        }
    }

    /// Runs a request's action now and submits its commit.
    private func run(_ request: KuzzleRequest, reply: Commit.Reply, startedAt: UInt64) {
        var request = request
        var effects: [Effect] = []
        let outcome: Result<ActionResult, KuzzleError>
        do {
            outcome = .success(try dispatch(&request, &effects))
        } catch {
            outcome = .failure(error)
        }
        pipeline.submit(Commit(request: request, outcome: outcome, effects: effects, reply: reply,
                               startedAt: startedAt))
    }

    /// The password derivations `request` needs before it can run, for an action its sender may
    /// run (a refused request runs at once, to be answered with its error without any derivation).
    private func passwordJobs(of request: KuzzleRequest) -> [PasswordJob] {
        let jobs = PasswordJobs.needed(by: request, in: security.store)
        if jobs.isEmpty || !security.admitsLogin(request, nowMilliseconds: request.timestamp) { return [] }
        let (index, collection) = target(of: request)
        do {
            _ = try security.authorize(request, index: index, collection: collection,
                                       nowMilliseconds: request.timestamp)
        } catch {
            return []
        }
        return jobs
    }

    /// Checks the request's token and rights (setting the user it runs as), then runs its action.
    private func dispatch(_ request: inout KuzzleRequest, _ effects: inout [Effect]) throws(KuzzleError)
        -> ActionResult
    {
        _ = try request.string("controller")
        _ = try request.string("action")
        let (index, collection) = target(of: request)
        if index == SecurityStore.internalIndex { throw .unknownIndex(SecurityStore.internalIndex) }
        request.userID = try security.authorize(request, index: index, collection: collection,
                                                nowMilliseconds: request.timestamp)
        try checkRateLimit(of: request)
        guard let controller = actions[request.controller] else {
            throw .controllerNotFound(request.controller)
        }
        guard let action = controller[request.action] else {
            throw .actionNotFound(controller: request.controller, action: request.action)
        }
        let result = try action(request, &effects)
        if request.controller == "realtime", request.action == "subscribe" || request.action == "join",
           let jwt = request.jwt, case .value(.object(let answer)) = result, case .string(let roomId)? = answer["roomId"]
        {
            security.subscribed(jwt, connection: request.connection, roomId: roomId)
        }
        return result
    }

    /// The profiles' `rateLimit`, as Kuzzle applies it: per user and second, except for `auth:login`
    /// (limited by its failures instead) and an authenticated user's `auth:logout`.
    private func checkRateLimit(of request: KuzzleRequest) throws(KuzzleError) {
        let exempt = request.controller == "auth"
            && (request.action == "login" || (request.action == "logout" && request.userID != SecurityUser.anonymousID))
        let limit = exempt ? 0 : security.store.model.rateLimit(ofUser: request.userID)
        guard limit > 0 else { return }
        if !userRates.admit(request.userID, limit: limit, nowMilliseconds: request.timestamp) { throw .tooManyRequests }
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

    /// Rebuilds what Herald derives from its internal index (users, profiles, roles, credentials
    /// and validation specifications) from the documents of ``store``: call it after they were
    /// loaded or put back from elsewhere (a journal replay at start, a rollback, a cluster load).
    public func reloadInternalState() {
        security.store.load()
        reportSkipped(specifications.load())
    }

    /// The replica changed outside the actions (another node's change applied, a refused write
    /// undone): rebuilds what derives from the internal documents among `effects`, if any.
    public func internalDocumentsChanged(_ effects: [Effect]) {
        var security = false, specifications = false
        for case .document(let change) in effects where change.index == SecurityStore.internalIndex {
            if change.collection == SpecificationRegistry.collection { specifications = true } else { security = true }
        }
        if security { self.security.store.load() }
        if specifications { reportSkipped(self.specifications.load()) }
    }

    private func reportSkipped(_ specifications: [String]) {
        guard !specifications.isEmpty else { return }
        logger.warning("stored validation specifications that do not curate are ignored",
                       metadata: ["ids": "\(specifications)"])
    }

    /// Called by the transport once a second: connections whose token expired get Kuzzle's
    /// `TokenExpired` server notification and lose the subscriptions made with it; with the
    /// opt-in warning, connections whose token expires soon get `TokenExpiresSoon` first.
    public func secondElapsed() {
        let now = clock.nowMilliseconds()
        for (connections, expiresAt) in security.expiringSoon(nowMilliseconds: now) {
            let frame = Self.serverNotification(type: "TokenExpiresSoon", message: "Authentication Token Expires Soon",
                                                extra: ["expiresAt": .int(expiresAt)])
            for connection in connections { outbox.send(frame, to: connection) }
        }
        var departures: [Effect] = []
        for (jwt, connections) in security.expire(nowMilliseconds: now) {
            for (connection, roomId) in security.takeSubscriptions(of: jwt) {
                if let left = registry.unsubscribe(connection, roomId: roomId) {
                    departures.append(.user(left.departure(timestamp: now)))
                }
            }
            let frame = Self.serverNotification(type: "TokenExpired", message: "Authentication Token Expired")
            for connection in connections { outbox.send(frame, to: connection) }
        }
        if !departures.isEmpty {
            pipeline.submit(Commit(request: nil, outcome: .success(.none), effects: departures, reply: .none,
                                   startedAt: 0))
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

    /// Sends a released commit out: its notifications first, then its answer. The only place
    /// either leaves the core.
    private func release(_ commit: Commit) {
        notifier.notify(commit.effects, request: commit.request)
        guard let request = commit.request else { return }
        switch commit.outcome {
        case .success: finished(request, status: 200, startedAt: commit.startedAt)
        case .failure(let error): finished(request, status: error.status, startedAt: commit.startedAt)
        }
        switch commit.reply {
        case .connection(let connection):
            switch commit.outcome {
            case .success(let result): outbox.send(encoder.success(request, result: result), to: connection)
            case .failure(let error): outbox.send(encoder.failure(request, error: error), to: connection)
            }
        case .handler(let answer):
            answer(request, commit.outcome)
        case .none:
            break
        }
        if let (connection, requestId) = shutdownRequest, request.connection == connection, request.requestId == requestId {
            shutdownHandler?()
        }
    }

    /// Changes another node made (cluster mode), which the caller already applied to ``store``:
    /// rebuilds what derives from the internal documents they touched, then notifies this node's
    /// subscribers as if `request` had run here.
    public func replicated(_ effects: [Effect], request: KuzzleRequest) {
        internalDocumentsChanged(effects)
        notifier.notify(effects, request: request)
    }

    /// Live figures for `server:info` and `server:metrics`.
    var serverFigures: ServerFigures {
        ServerFigures(connections: connections.count, realtime: realtimeFigures, indexes: store.listIndexes().count - 1,
                      actions: metrics.knownActions)
    }
}

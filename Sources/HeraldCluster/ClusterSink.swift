public import HeraldCore
import HeraldRedis
import HeraldStore
import HeraldWire

/// The commit sink of cluster mode: each commit that changes the store, or publishes a message,
/// becomes one Lua script call on Redis that checks the `_version`s the write was based on, stores
/// the result and appends the change to the stream, atomically. A commit is released once Redis
/// answered. User events are appended to the stream without holding their commit.
///
/// A write Redis refused (another node changed the document first, or Redis is unreachable) is
/// undone in the local replica and answers an error; so are the commits this node sent behind it,
/// which the script refuses too (each one names the sequence number it follows). After a version
/// conflict, those with `retryOnConflict` left run again instead.
///
/// Concurrency: single-threaded, on the event-loop thread that drives its ``RedisClient``.
public final class ClusterSink: CommitSink {
    /// Set once the gateway exists.
    public weak var pipeline: CommitPipeline?
    /// The replica the actions wrote to (rolled back on failures).
    var store: DocumentStore?
    /// Called with the effects undone in the replica, for state derived from its documents.
    var afterUndo: ([Effect]) -> Void = { _ in }
    /// Runs a request again (`retryOnConflict`): frame, protocol, connection, where the answer goes.
    var rerun: (JSONObject, String, ConnectionID, Commit.Reply) -> Void = { _, _, _, _ in }
    /// Requests refused for a version conflict that will run again once the replica has the
    /// version Redis holds (or at the next heartbeat at the latest), in their order.
    private var retries: [Retry] = []
    /// This process's name on the stream (the node id plus a random suffix, unique per run).
    let instance: String
    private let client: RedisClient
    private let maxStreamLength: Int
    private var scriptDigest: String?
    /// Each failure starts a new chain (a new sequence key in Redis): the commits sent behind the
    /// failed one name it as their predecessor, so the script refuses them.
    private var chain = 0
    /// The sequence number the next commit follows in the current chain (0: first of the chain).
    private var lastSent: UInt64 = 0
    /// Commits up to this one belong to a chain that already failed (and were failed with it).
    private var doomedThrough: UInt64 = 0
    /// Commits sent and not answered yet, oldest first.
    private var inFlight: [(sequence: UInt64, commit: Commit)] = []
    /// Commits whose fate is unknown (the connection died before their reply): if one shows up on
    /// the stream, the follower applies it as a remote change.
    private(set) var unknownOutcome: Set<UInt64> = []

    public var isImmediate: Bool { false }

    /// Commits that change the store, and publications: every node must see them in order, and the
    /// publisher's answer waits until Redis has the message (or says why it has not).
    public func holds(_ commit: Commit) -> Bool {
        commit.effects.contains { effect in
            if case .published = effect { return true }
            return effect.changesStore
        }
    }

    /// A commit announcing connections that entered or left rooms: the announcement goes on the
    /// stream (behind the commits sent before it, on the same connection) without holding the
    /// subscription's answer. When Redis is unreachable the other nodes miss it; the
    /// subscription itself stands.
    public func pass(_ commit: Commit, sequence: UInt64) {
        let events = commit.effects.filter { if case .user = $0 { return true } else { return false } }
        guard !events.isEmpty else { return }
        let request = commit.request ?? Self.noRequest
        let record = ChangeRecord(instance: instance, sequence: sequence, request: request, effects: events)
        client.send(["XADD", ClusterScripts.stream, "MAXLEN", "~", String(maxStreamLength), "*", "c", record.encoded()]) { _ in }
    }

    /// The request of a commit no request caused (a connection that went away).
    private static let noRequest = KuzzleRequest(
        frame: JSONObject(), requestId: "", controller: "", action: "", timestamp: 0, connection: ConnectionID(0))

    init(client: RedisClient, instance: String, maxStreamLength: Int) {
        self.client = client
        self.instance = instance
        self.maxStreamLength = maxStreamLength
    }

    /// Loads the script (called each time the connection is ready).
    func connectionReady() {
        client.send(["SCRIPT", "LOAD", ClusterScripts.commit]) { [weak self] result in
            if case .success(.string(let digest)) = result { self?.scriptDigest = digest }
        }
    }

    public func accept(_ commit: Commit, sequence: UInt64) {
        let request = commit.request ?? Self.noRequest
        let record = ChangeRecord(instance: instance, sequence: sequence, request: request, effects: commit.effects)
        var arguments = [String(lastSent), String(sequence), record.encoded(), String(maxStreamLength)]
        let operations = Self.operations(of: commit.effects)
        arguments.append(String(operations.count))
        for operation in operations { arguments.append(contentsOf: operation) }
        lastSent = sequence
        inFlight.append((sequence, commit))
        let keys = ["2", ClusterScripts.stream, "herald:seq:\(instance):\(chain)"]
        let command = scriptDigest.map { ["EVALSHA", $0] + keys + arguments } ?? (["EVAL", ClusterScripts.commit] + keys + arguments)
        client.send(command) { [weak self] result in
            self?.answered(result, commit: commit, sequence: sequence)
        }
    }

    public func endOfPass() {}

    private func answered(_ result: Result<RedisReply, RedisClientError>, commit: Commit, sequence: UInt64) {
        if let first = inFlight.first, first.sequence == sequence { inFlight.removeFirst() }
        // Already failed with the commit of its chain that failed first.
        if sequence <= doomedThrough { return }
        switch result {
        case .success(.string):
            pipeline?.durable(through: sequence)
        case .success(.error(let message)) where message.hasPrefix("NOSCRIPT"):
            // Retrying would reorder it behind commits already sent: it fails; later ones use EVAL.
            scriptDigest = nil
            fail(commit, sequence: sequence, error: .storageFailure("Redis lost Herald's script; try again"))
        case .success(.error(let message)):
            if let conflict = Self.conflict(in: message, effects: commit.effects) {
                fail(commit, sequence: sequence, error: .tooManyChanges(id: conflict.id), retryAfter: conflict)
            } else {
                fail(commit, sequence: sequence, error: Self.error(forScriptError: message))
            }
        case .success(let other):
            fail(commit, sequence: sequence, error: .storageFailure("unexpected reply from Redis: \(other)"))
        case .failure(let failure):
            var lost = false
            if case .connectionLost = failure { lost = true }
            fail(commit, sequence: sequence, error: .serviceUnavailable("Redis (\(failure))"), outcomeUnknown: lost)
        }
    }

    /// Fails the commit and every later one already sent (the script refuses those, as each names
    /// its predecessor), after undoing them all in the replica, newest first; the next commit
    /// starts a new chain.
    ///
    /// After a version conflict (`retryAfter`), the requests among them that have `retryOnConflict`
    /// left are withdrawn instead, and run again once the replica has the conflicting document's
    /// stored version.
    private func fail(_ commit: Commit, sequence: UInt64, error: KuzzleError, outcomeUnknown: Bool = false,
                      retryAfter conflict: Conflict? = nil) {
        let doomed = inFlight
        inFlight.removeAll()
        doomedThrough = doomed.last?.sequence ?? sequence
        chain += 1
        lastSent = 0
        if outcomeUnknown {
            // The connection died with them in flight: Redis may have run some; if they show up on
            // the stream, the follower applies them like another node's.
            unknownOutcome.insert(sequence)
            for entry in doomed { unknownOutcome.insert(entry.sequence) }
        }
        if let store {
            for entry in doomed.reversed() { Self.undo(entry.commit.effects, in: store) }
            Self.undo(commit.effects, in: store)
            afterUndo(doomed.flatMap(\.commit.effects) + commit.effects)
        }
        var withdrawn: Set<UInt64> = []
        if let conflict {
            let retried = ([(sequence, commit)] + doomed).filter { Self.retriesLeft($0.commit) > 0 }
            if !retried.isEmpty {
                withdrawn = Set(retried.map(\.sequence))
                retries.append(Retry(commits: retried.map(\.commit), conflict: conflict))
            }
        }
        pipeline?.failed(through: doomedThrough, error: error, withdrawing: withdrawn)
        replicaAdvanced()
    }

    /// A document version Redis holds that this node's write was not based on.
    struct Conflict {
        let index: String
        let collection: String
        let id: String
        let version: Int
    }

    private struct Retry {
        let commits: [Commit]
        let conflict: Conflict
        /// Heartbeats seen while waiting.
        var beats = 0
    }

    /// The conflict a script error reports, located among the commit's effects.
    static func conflict(in message: String, effects: [Effect]) -> Conflict? {
        let parts = message.split(separator: " ", maxSplits: 3, omittingEmptySubsequences: false)
        guard parts.count == 4, parts[0] == "HERALD_CONFLICT", let position = Int(parts[1]),
              let version = Int(parts[2]) else { return nil }
        let stored = effects.filter(\.changesStore)
        guard position >= 0, position < stored.count, case .document(let change) = stored[position] else { return nil }
        return Conflict(index: change.index, collection: change.collection, id: String(parts[3]), version: version)
    }

    /// The `retryOnConflict` a commit's request has left (0 for anything else).
    static func retriesLeft(_ commit: Commit) -> Int {
        guard let request = commit.request else { return 0 }
        if case .none = commit.reply { return 0 }
        return (try? request.retryOnConflict()) ?? 0
    }

    /// The replica moved on (another node's changes applied): runs the retries whose conflicting
    /// version it now has.
    func replicaAdvanced() {
        guard !retries.isEmpty, let store else { return }
        runRetries { retry in
            let conflict = retry.conflict
            let current = store.replicaDocument(index: conflict.index, collection: conflict.collection, id: conflict.id)
            return conflict.version == 0 ? current == nil : (current?.version ?? 0) >= conflict.version
        }
    }

    /// One heartbeat: a retry still waiting after a whole one runs anyway (it may conflict again).
    func heartbeat() {
        for position in retries.indices { retries[position].beats += 1 }
        runRetries { $0.beats > 1 }
    }

    /// Runs the retries `due` picks, in order; keeps the others (and those the runs add) waiting.
    private func runRetries(_ due: (Retry) -> Bool) {
        let candidates = retries
        retries = []
        var waiting: [Retry] = []
        for retry in candidates {
            if due(retry) { run(retry) } else { waiting.append(retry) }
        }
        retries = waiting + retries
    }

    private func run(_ retry: Retry) {
        for commit in retry.commits {
            guard let request = commit.request else { continue }
            var frame = request.frame
            frame["retryOnConflict"] = .int(Self.retriesLeft(commit) - 1)
            frame["requestId"] = .string(request.requestId)
            rerun(frame, request.protocolName, request.connection, commit.reply)
        }
    }

    private static func error(forScriptError message: String) -> KuzzleError {
        if message.hasPrefix("HERALD_CHAIN") {
            return .storageFailure("Unable to apply the write: a write it depends on failed")
        }
        return .storageFailure("Redis refused the write: \(message)")
    }

    /// The script's operations, 6 values each (see ``ClusterScripts/commit``).
    static func operations(of effects: [Effect]) -> [[String]] {
        var operations: [[String]] = []
        for effect in effects {
            switch effect {
            case .document(let change):
                let space = ClusterScripts.space(index: change.index, collection: change.collection)
                let expected = String(change.previous?.version ?? 0)
                if change.verb == .delete {
                    operations.append(["del", space, change.document.id, expected, "0", ""])
                } else {
                    operations.append(["put", space, change.document.id, expected, String(change.document.version),
                                       JSONWriter.encodeToString(.object(change.document.source))])
                }
            case .indexCreated(let index):
                operations.append(["index", index, "", "0", "0", ""])
            case .indexDeleted(let index):
                operations.append(["dropIndex", index, "", "0", "0", ""])
            case .collectionChanged(let index, let collection, let mapping):
                operations.append(["collection", index, collection, "0", "0", JSONWriter.encodeToString(mapping.json())])
            case .collectionTruncated(let index, let collection):
                operations.append(["truncate", index, collection, "0", "0", ""])
            case .collectionDeleted(let index, let collection):
                operations.append(["dropCollection", index, collection, "0", "0", ""])
            case .published, .user:
                continue // nothing stored: the record on the stream carries them
            }
        }
        return operations
    }

    /// Puts the replica back as it was before `effects`, newest first, leaving alone any document
    /// that changed since (a replicated write from another node already replaced it).
    static func undo(_ effects: [Effect], in store: DocumentStore) {
        for effect in effects.reversed() {
            guard case .document(let change) = effect else { continue }
            let current = store.replicaDocument(index: change.index, collection: change.collection, id: change.document.id)
            if change.verb == .delete {
                if current == nil {
                    store.putReplicated(index: change.index, collection: change.collection, document: change.document)
                }
            } else if current == change.document {
                if let previous = change.previous {
                    store.putReplicated(index: change.index, collection: change.collection, document: previous)
                } else {
                    store.removeReplicated(index: change.index, collection: change.collection, id: change.document.id)
                }
            }
        }
    }
}

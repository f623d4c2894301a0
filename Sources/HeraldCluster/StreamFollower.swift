import HeraldCore
import HeraldRedis
import HeraldStore
import HeraldWire
import Logging

/// Keeps the local replica in step with the change stream and notifies this node's subscribers of
/// the changes other nodes made: loads the whole state once (atomically with the stream id it is
/// at), then reads the stream from there with a blocking `XREAD` on its own connection.
///
/// Concurrency: single-threaded, on the event-loop thread that drives its ``RedisClient``.
final class StreamFollower {
    private let client: RedisClient
    private let logger: Logger
    weak var gateway: Gateway?
    /// Commits of this instance whose outcome is unknown (applied as remote ones if they show up).
    var unknownOutcome: () -> Set<UInt64> = { [] }
    /// Called after each batch of stream entries was applied.
    var advanced: () -> Void = {}
    private var lastId: String?
    /// How every record this node's instance wrote starts: those were applied and notified when
    /// they were made, and are skipped without decoding.
    private let ownOrigin: [UInt8]
    private var reading = false
    /// Most stream entries one `XREAD` returns: one reply is applied in one loop pass, so this bounds
    /// how long a node catching up (after a burst of other nodes' writes) keeps its clients waiting.
    static let batchSize = 128
    /// Stream entries applied (for tests and metrics).
    private(set) var applied = 0

    init(client: RedisClient, instance: String, logger: Logger) {
        self.client = client
        ownOrigin = ChangeRecord.origin(of: instance)
        self.logger = logger
    }

    /// The connection is ready: load the state the first time, then follow.
    func connectionReady() {
        reading = false
        if lastId == nil { load() } else { readNext() }
    }

    /// Loads the state before the server's loop runs (blocking, on a connection of its own), so
    /// that the node serves no request before it has the cluster's documents and security model;
    /// answers whether it did (if Redis did not answer in time, the state loads once the reader
    /// connects).
    func loadBeforeServing(url: RedisURL, timeout: Double) -> Bool {
        guard let store = gateway?.store else { return false }
        do {
            let replies = try RedisBlockingCommands.run([loadCommand(store)], url: url, timeout: timeout)
            return loaded(.success(replies[0]))
        } catch {
            logger.warning("cluster state not loaded before serving", metadata: ["reason": "\(error)"])
            return false
        }
    }

    private func load() {
        guard let store = gateway?.store else { return }
        client.send(loadCommand(store)) { [weak self] result in
            guard let self, loaded(result) else { return }
            readNext()
        }
    }

    private func loadCommand(_ store: DocumentStore) -> [String] {
        ["EVAL", ClusterScripts.load, "1", ClusterScripts.stream] + Self.internalArguments(of: store)
    }

    /// Puts a reply of the load script into the replica; answers whether it was one.
    private func loaded(_ result: Result<RedisReply, RedisClientError>) -> Bool {
        guard case .success(.array(let parts)) = result, parts.count == 3, let lastId = parts[0].text,
              let collections = parts[1].elements, let documents = parts[2].elements else {
            logger.error("cannot load the cluster state from Redis", metadata: ["reply": "\(result)"])
            return false
        }
        guard let store = gateway?.store else { return false }
        var position = 0
        while position + 2 < collections.count {
            let index = collections[position].text ?? "", collection = collections[position + 1].text ?? ""
            if collection.isEmpty {
                try? store.createIndex(index)
            } else {
                store.createCollection(index: index, collection: collection)
                if case .object(let mapping)? = try? JSONParser.parse(collections[position + 2].text ?? "{}") {
                    _ = try? store.updateMapping(index: index, collection: collection, mappings: mapping)
                }
            }
            position += 3
        }
        position = 0
        var loaded = 0
        while position + 4 < documents.count {
            if case .object(let source)? = try? JSONParser.parse(documents[position + 4].text ?? "") {
                store.putReplicated(
                    index: documents[position].text ?? "", collection: documents[position + 1].text ?? "",
                    document: StoredDocument(id: documents[position + 2].text ?? "", source: source,
                                             version: Int(documents[position + 3].text ?? "") ?? 1))
                loaded += 1
            }
            position += 5
        }
        gateway?.reloadInternalState()
        logger.info("cluster state loaded", metadata: ["documents": "\(loaded)", "streamId": "\(lastId)"])
        self.lastId = lastId
        return true
    }

    /// The load script's arguments about the internal index: its collections on this node, and
    /// the documents this node created in it at start (the built-in roles, profiles and users,
    /// identical on every node; the load runs before this node wrote anything).
    static func internalArguments(of store: DocumentStore) -> [String] {
        let index = SecurityStore.internalIndex
        let collections = (try? store.listCollections(index: index)) ?? []
        var arguments = [index, String(collections.count)] + collections
        for collection in collections {
            for document in (try? store.documents(index: index, collection: collection)).map(Array.init) ?? [] {
                arguments += [collection, document.id, String(document.version),
                              JSONWriter.encodeToString(.object(document.source))]
            }
        }
        return arguments
    }

    private func readNext() {
        guard let lastId, !reading, client.state == .ready else { return }
        reading = true
        client.send(["XREAD", "COUNT", String(Self.batchSize), "BLOCK", "1000", "STREAMS", ClusterScripts.stream, lastId]) {
            [weak self] result in
            guard let self else { return }
            reading = false
            switch result {
            case .success(.array(let streams)):
                for stream in streams {
                    guard let entries = stream.elements?.last?.elements else { continue }
                    for entry in entries { apply(entry) }
                }
                advanced()
                readNext()
            case .success(.null):
                readNext()
            case .success(let other):
                logger.error("unexpected XREAD reply", metadata: ["reply": "\(other)"])
            case .failure:
                break // reconnection calls connectionReady
            }
        }
    }

    private func apply(_ entry: RedisReply) {
        guard let parts = entry.elements, parts.count == 2, let id = parts[0].text, let fields = parts[1].elements
        else { return }
        lastId = id
        var text: String?
        var position = 0
        while position + 1 < fields.count {
            if fields[position].text == "c" { text = fields[position + 1].text }
            position += 2
        }
        // This instance's own records were applied when made, unless their outcome is unknown.
        if let text, let sequence = ChangeRecord.sequence(of: text, origin: ownOrigin),
           !unknownOutcome().contains(sequence) {
            return
        }
        guard let text, let record = ChangeRecord.decode(text) else {
            logger.warning("unreadable change record on the stream", metadata: ["id": "\(id)"])
            return
        }
        guard let gateway else { return }
        applied += 1
        gateway.replicated(record.apply(to: gateway.store), request: record.request)
    }
}

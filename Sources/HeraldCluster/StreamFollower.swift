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
    /// This node's own instance name: its entries were applied and notified when they were made.
    private let instance: String
    weak var gateway: Gateway?
    /// Commits of this instance whose outcome is unknown (applied as remote ones if they show up).
    var unknownOutcome: () -> Set<UInt64> = { [] }
    private var lastId: String?
    private var reading = false
    /// Stream entries applied (for tests and metrics).
    private(set) var applied = 0

    init(client: RedisClient, instance: String, logger: Logger) {
        self.client = client
        self.instance = instance
        self.logger = logger
    }

    /// The connection is ready: load the state the first time, then follow.
    func connectionReady() {
        reading = false
        if lastId == nil { load() } else { readNext() }
    }

    private func load() {
        client.send(["EVAL", ClusterScripts.load, "1", ClusterScripts.stream]) { [weak self] result in
            guard let self else { return }
            guard case .success(.array(let parts)) = result, parts.count == 3, let lastId = parts[0].text,
                  let collections = parts[1].elements, let documents = parts[2].elements else {
                logger.error("cannot load the cluster state from Redis", metadata: ["reply": "\(result)"])
                return
            }
            guard let store = gateway?.store else { return }
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
            readNext()
        }
    }

    private func readNext() {
        guard let lastId, !reading, client.state == .ready else { return }
        reading = true
        client.send(["XREAD", "COUNT", "512", "BLOCK", "1000", "STREAMS", ClusterScripts.stream, lastId]) {
            [weak self] result in
            guard let self else { return }
            reading = false
            switch result {
            case .success(.array(let streams)):
                for stream in streams {
                    guard let entries = stream.elements?.last?.elements else { continue }
                    for entry in entries { apply(entry) }
                }
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
        guard let text, let record = ChangeRecord.decode(text) else {
            logger.warning("unreadable change record on the stream", metadata: ["id": "\(id)"])
            return
        }
        if record.instance == instance && !unknownOutcome().contains(record.sequence) { return }
        guard let gateway else { return }
        applied += 1
        gateway.replicated(record.apply(to: gateway.store), request: record.request)
    }
}

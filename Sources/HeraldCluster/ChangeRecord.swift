import HeraldCore
import HeraldStore
import HeraldWire

/// One commit as it travels on the change stream: who wrote it, the request (for the
/// notifications' `controller`, `action`, `volatile`, `protocol`, `requestId`) and its effects
/// (stored changes, publications, user events).
///
/// A plain value: encoded by the writing node, decoded by every other one.
struct ChangeRecord {
    let instance: String
    let sequence: UInt64
    let request: KuzzleRequest
    let effects: [Effect]

    /// Request fields that no notification needs (the body is already in the effects).
    private static let droppedRequestFields: Set<String> = ["body", "jwt"]

    /// The record as JSON text.
    func encoded() -> String {
        var frame = JSONObject()
        for (key, value) in request.frame where !Self.droppedRequestFields.contains(key) { frame.append(key, value) }
        var record = JSONObject()
        record.append("node", .string(instance))
        record.append("seq", .int(Int(sequence)))
        record.append("requestId", .string(request.requestId))
        record.append("protocol", .string(request.protocolName))
        record.append("timestamp", .int(request.timestamp))
        record.append("frame", .object(frame))
        record.append("effects", .array(effects.compactMap(Self.encode)))
        return JSONWriter.encodeToString(.object(record))
    }

    /// The text every record `instance` writes starts with (``encoded()`` writes `node`, then `seq`):
    /// `{"node":<instance>,"seq":`, its sequence number following.
    static func origin(of instance: String) -> [UInt8] {
        var node = JSONObject()
        node.append("node", .string(instance))
        return Array(JSONWriter.encodeToString(.object(node)).utf8.dropLast()) + Array(#","seq":"#.utf8)
    }

    /// The sequence number of a record that starts with `origin` (see ``origin(of:)``), read
    /// without decoding the rest of it; `nil` for a record another instance wrote.
    static func sequence(of text: String, origin: [UInt8]) -> UInt64? {
        var utf8 = text.utf8[...]
        guard utf8.starts(with: origin) else { return nil }
        utf8 = utf8.dropFirst(origin.count)
        var sequence: UInt64 = 0
        var digits = 0
        for byte in utf8 {
            guard byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") else { break }
            let (shifted, overflow) = sequence.multipliedReportingOverflow(by: 10)
            guard !overflow else { return nil }
            sequence = shifted &+ UInt64(byte - UInt8(ascii: "0"))
            digits += 1
        }
        guard digits > 0, utf8.dropFirst(digits).first == UInt8(ascii: ",") else { return nil }
        return sequence
    }

    private static func encode(_ effect: Effect) -> JSONValue? {
        var entry = JSONObject()
        switch effect {
        case .document(let change):
            entry.append("t", .string("doc"))
            entry.append("i", .string(change.index))
            entry.append("c", .string(change.collection))
            entry.append("id", .string(change.document.id))
            entry.append("v", .int(change.document.version))
            entry.append("s", .object(change.document.source))
            entry.append("verb", .string(change.verb.rawValue))
            if let fields = change.updatedFields { entry.append("uf", .array(fields.map { .string($0) })) }
            entry.append("n", .bool(change.notifies))
        case .indexCreated(let index):
            entry.append("t", .string("index"))
            entry.append("i", .string(index))
        case .indexDeleted(let index):
            entry.append("t", .string("dropIndex"))
            entry.append("i", .string(index))
        case .collectionChanged(let index, let collection, let mapping):
            entry.append("t", .string("collection"))
            entry.append("i", .string(index))
            entry.append("c", .string(collection))
            entry.append("m", mapping.json())
        case .collectionTruncated(let index, let collection):
            entry.append("t", .string("truncate"))
            entry.append("i", .string(index))
            entry.append("c", .string(collection))
        case .collectionDeleted(let index, let collection):
            entry.append("t", .string("dropCollection"))
            entry.append("i", .string(index))
            entry.append("c", .string(collection))
        case .published(let message):
            entry.append("t", .string("pub"))
            entry.append("i", .string(message.index))
            entry.append("c", .string(message.collection))
            if let id = message.id { entry.append("id", .string(id)) }
            entry.append("m", .object(message.message))
        case .user(let event):
            // No channel of another node was created by this subscription: `newChannel` stays here.
            entry.append("t", .string("user"))
            entry.append("i", .string(event.index))
            entry.append("c", .string(event.collection))
            entry.append("room", .string(event.roomId))
            entry.append("scope", .string(event.scope.rawValue))
            entry.append("count", .int(event.count))
            entry.append("vol", event.volatile)
            entry.append("ts", .int(event.timestamp))
        }
        return .object(entry)
    }

    /// One effect of a record: a change for the replica to apply, or a message (a publication, a
    /// connection entering or leaving a room) that only notifies.
    enum Entry {
        case stored(StoredEntry)
        case message(Effect)
    }

    /// A change to the stored state, for a replica to apply.
    struct StoredEntry {
        let kind: String
        let index: String
        let collection: String
        let id: String
        let version: Int
        let source: JSONObject
        let verb: DocumentChange.Verb
        let updatedFields: [String]?
        let notifies: Bool
        let mapping: JSONObject
    }

    /// A decoded record: the instance, its sequence, the request rebuilt, and its entries.
    struct Decoded {
        let instance: String
        let sequence: UInt64
        let request: KuzzleRequest
        let entries: [Entry]
    }

    static func decode(_ text: String) -> Decoded? {
        guard case .object(let record)? = try? JSONParser.parse(text),
              case .string(let instance)? = record["node"], case .int(let sequence)? = record["seq"],
              case .object(let frame)? = record["frame"], case .array(let effects)? = record["effects"] else {
            return nil
        }
        let request = KuzzleRequest(
            frame: frame, requestId: record["requestId"]?.stringValue ?? "",
            controller: frame["controller"]?.stringValue ?? "", action: frame["action"]?.stringValue ?? "",
            timestamp: integer(record["timestamp"]),
            connection: ConnectionID(0), protocolName: record["protocol"]?.stringValue ?? "websocket")
        var entries: [Entry] = []
        for case .object(let entry) in effects {
            if let message = message(entry) { entries.append(.message(message)) } else { entries.append(.stored(stored(entry))) }
        }
        return Decoded(instance: instance, sequence: UInt64(sequence), request: request, entries: entries)
    }

    private static func stored(_ entry: JSONObject) -> StoredEntry {
        var source = JSONObject()
        if case .object(let value)? = entry["s"] { source = value }
        var mapping = JSONObject()
        if case .object(let value)? = entry["m"] { mapping = value }
        var updatedFields: [String]?
        if case .array(let fields)? = entry["uf"] { updatedFields = fields.compactMap { $0.stringValue } }
        return StoredEntry(
            kind: entry["t"]?.stringValue ?? "", index: entry["i"]?.stringValue ?? "",
            collection: entry["c"]?.stringValue ?? "", id: entry["id"]?.stringValue ?? "", version: integer(entry["v"]),
            source: source, verb: DocumentChange.Verb(rawValue: entry["verb"]?.stringValue ?? "") ?? .update,
            updatedFields: updatedFields, notifies: entry["n"] != .bool(false), mapping: mapping)
    }

    /// The publication or user event an entry stands for; `nil` for the other kinds.
    private static func message(_ entry: JSONObject) -> Effect? {
        let index = entry["i"]?.stringValue ?? "", collection = entry["c"]?.stringValue ?? ""
        switch entry["t"]?.stringValue {
        case "pub":
            guard case .object(let message)? = entry["m"] else { return nil }
            return .published(PublishedMessage(index: index, collection: collection, message: message,
                                               id: entry["id"]?.stringValue))
        case "user":
            guard let roomId = entry["room"]?.stringValue,
                  let scope = UserScope(rawValue: entry["scope"]?.stringValue ?? "") else { return nil }
            return .user(UserEvent(scope: scope, roomId: roomId, index: index, collection: collection,
                                   count: integer(entry["count"]), volatile: entry["vol"] ?? .null,
                                   timestamp: integer(entry["ts"]), newChannel: nil))
        default:
            return nil
        }
    }

    private static func integer(_ value: JSONValue?) -> Int {
        if case .int(let number)? = value { return number }
        return 0
    }
}

extension ChangeRecord.Decoded {
    /// Applies the record's entries to `store` (this node's replica), in order, and answers the
    /// effects they stand for (what the notifier and the state derived from documents need).
    func apply(to store: DocumentStore) -> [Effect] {
        var effects: [Effect] = []
        for entry in entries {
            guard case .stored(let change) = entry else {
                if case .message(let message) = entry { effects.append(message) }
                continue
            }
            switch change.kind {
            case "doc":
                let document = StoredDocument(id: change.id, source: change.source, version: change.version)
                if change.verb == .delete {
                    let removed = store.removeReplicated(index: change.index, collection: change.collection, id: change.id)
                    effects.append(.document(DocumentChange(
                        index: change.index, collection: change.collection, document: removed ?? document,
                        previous: removed ?? document, verb: .delete, notifies: change.notifies)))
                } else {
                    let previous = store.putReplicated(index: change.index, collection: change.collection, document: document)
                    effects.append(.document(DocumentChange(
                        index: change.index, collection: change.collection, document: document, previous: previous,
                        verb: change.verb, updatedFields: change.updatedFields, notifies: change.notifies)))
                }
            case "index":
                try? store.createIndex(change.index)
            case "dropIndex":
                try? store.deleteIndex(change.index)
                effects.append(.indexDeleted(index: change.index))
            case "collection":
                store.createCollection(index: change.index, collection: change.collection)
                _ = try? store.updateMapping(index: change.index, collection: change.collection, mappings: change.mapping)
            case "truncate":
                _ = try? store.truncateCollection(index: change.index, collection: change.collection)
                effects.append(.collectionTruncated(index: change.index, collection: change.collection))
            case "dropCollection":
                try? store.deleteCollection(index: change.index, collection: change.collection)
                effects.append(.collectionDeleted(index: change.index, collection: change.collection))
            default:
                continue
            }
        }
        return effects
    }
}

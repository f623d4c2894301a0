import HeraldStore
import HeraldWire

/// Turns a released commit's effects into document and user notifications for the channels they
/// concern. Single-threaded: called by the commit pipeline on the event-loop thread.
///
/// Each notification is encoded once without its `room`; every channel gets those bytes plus its
/// own `"room"` member, and every subscriber of a channel gets the very same array.
public final class Notifier {
    /// The `action` of a document notification (never the API action).
    enum DocumentAction: String {
        case create, update, replace, delete, publish

        init(_ verb: DocumentChange.Verb) {
            switch verb {
            case .create: self = .create
            case .update: self = .update
            case .replace: self = .replace
            case .delete: self = .delete
            }
        }

        var event: String {
            switch self {
            case .create, .update, .replace: return "write"
            case .delete: return "delete"
            case .publish: return "publish"
            }
        }
    }

    private struct DocumentKey: Hashable {
        let index: String
        let collection: String
        let id: String
    }

    private let registry: RoomRegistry
    private unowned let outbox: any ClientOutbox
    private let nodeID: String
    private let metrics: GatewayMetrics
    /// Rooms each document matched at its last notification, to send `out` when it stops matching.
    private var lastMatches: [DocumentKey: [String]] = [:]

    init(registry: RoomRegistry, outbox: any ClientOutbox, nodeID: String, metrics: GatewayMetrics) {
        self.registry = registry
        self.metrics = metrics
        self.outbox = outbox
        self.nodeID = nodeID
    }

    /// Sends the notifications of a released commit's effects, in order.
    func notify(_ effects: [Effect], request: KuzzleRequest?) {
        for effect in effects {
            switch effect {
            case .document(let change):
                guard change.notifies, let request else { continue }
                if change.verb == .delete {
                    documentDeleted(change, request: request)
                } else {
                    documentWritten(change, request: request)
                }
            case .published(let message):
                if let request { published(message, request: request) }
            case .user(let event):
                userEvent(event)
            case .indexDeleted(let index):
                forgetDocuments(index: index)
            case .collectionTruncated(let index, let collection), .collectionDeleted(let index, let collection):
                forgetDocuments(index: index, collection: collection)
            case .indexCreated, .collectionChanged:
                continue
            }
        }
    }

    /// A created, updated or replaced document: `in` to matching channels, `out` to those it left.
    /// The rooms it matched before are looked up once the `in` notifications are written.
    private func documentWritten(_ change: DocumentChange, request: KuzzleRequest) {
        let document = change.document
        let matches = registry.matchingRooms(
            index: change.index, collection: change.collection, source: document.source, id: document.id)
        let action = DocumentAction(change.verb)
        var result: JSONValue?
        if !matches.isEmpty {
            let written = Self.documentResult(document, updatedFields: change.updatedFields)
            send(request, action: action, scope: .in, result: written, index: change.index,
                 collection: change.collection, rooms: matches)
            result = written
        }
        let key = DocumentKey(index: change.index, collection: change.collection, id: document.id)
        let previous = lastMatches[key] ?? []
        if matches.isEmpty { lastMatches[key] = nil } else { lastMatches[key] = matches }
        let left = previous.filter { !matches.contains($0) }
        guard !left.isEmpty else { return }
        send(request, action: action, scope: .out,
             result: result ?? Self.documentResult(document, updatedFields: change.updatedFields),
             index: change.index, collection: change.collection, rooms: left)
    }

    /// A deleted document: `out` to the channels it matched.
    private func documentDeleted(_ change: DocumentChange, request: KuzzleRequest) {
        let document = change.document
        lastMatches[DocumentKey(index: change.index, collection: change.collection, id: document.id)] = nil
        let matches = registry.matchingRooms(
            index: change.index, collection: change.collection, source: document.source, id: document.id)
        guard !matches.isEmpty else { return }
        send(request, action: .delete, scope: .out, result: Self.documentResult(document, updatedFields: nil),
             index: change.index, collection: change.collection, rooms: matches)
    }

    /// Documents removed without one notification each (collection truncated or deleted).
    private func forgetDocuments(index: String, collection: String? = nil) {
        lastMatches = lastMatches.filter { key, _ in
            key.index != index || (collection != nil && key.collection != collection)
        }
    }

    /// `realtime:publish`: an `in` notification to matching channels, nothing stored.
    private func published(_ message: PublishedMessage, request: KuzzleRequest) {
        let matches = registry.matchingRooms(
            index: message.index, collection: message.collection, source: message.message, id: message.id ?? "")
        guard !matches.isEmpty else { return }
        var result = JSONObject()
        if let id = message.id { result.append("_id", .string(id)) }
        result.append("_source", .object(message.message))
        send(request, action: .publish, scope: .in, result: .object(result), index: message.index,
             collection: message.collection, rooms: matches)
    }

    /// A connection entered (`in`) or left (`out`) a room: its channels that accept the scope are
    /// told, except a channel the subscription itself created.
    private func userEvent(_ event: UserEvent) {
        guard let room = registry.room(event.roomId) else { return }
        var frame = JSONObject(minimumCapacity: 11)
        frame.append("type", "user")
        frame.append("status", 200)
        frame.append("user", .string(event.scope.rawValue))
        frame.append("result", ["count": .int(event.count)])
        frame.append("index", .string(event.index))
        frame.append("collection", .string(event.collection))
        frame.append("controller", "realtime")
        frame.append("action", event.scope == .in ? "subscribe" : "unsubscribe")
        frame.append("protocol", "websocket")
        frame.append("timestamp", .int(event.timestamp))
        frame.append("volatile", event.volatile)
        let prefix = Self.openPrefix(frame)
        for channel in room.channels.values
        where channel.name != event.newChannel && channel.options.users.accepts(event.scope) {
            let bytes = Self.close(prefix, room: channel.name)
            for connection in channel.subscribers { outbox.send(bytes, to: connection) }
            metrics.notificationsSent &+= channel.subscribers.count
        }
    }

    private func send(
        _ request: KuzzleRequest, action: DocumentAction, scope: DocumentScope, result: JSONValue,
        index: String, collection: String, rooms: [String]
    ) {
        var frame = JSONObject(minimumCapacity: 14)
        frame.append("type", "document")
        frame.append("status", 200)
        frame.append("action", .string(action.rawValue))
        frame.append("scope", .string(scope.rawValue))
        frame.append("result", result)
        frame.append("node", .string(nodeID))
        frame.append("event", .string(action.event))
        frame.append("requestId", .string(request.requestId))
        frame.append("timestamp", .int(request.timestamp))
        frame.append("volatile", request.volatile)
        frame.append("index", .string(index))
        frame.append("collection", .string(collection))
        frame.append("controller", .string(request.controller))
        frame.append("protocol", .string(request.protocolName))
        let prefix = Self.openPrefix(frame)
        var deliveries = 0
        for roomId in rooms {
            guard let room = registry.room(roomId) else { continue }
            for channel in room.channels.values where channel.options.scope.accepts(scope) {
                let bytes = Self.close(prefix, room: channel.name)
                for connection in channel.subscribers {
                    outbox.send(bytes, to: connection)
                    deliveries += 1
                }
            }
        }
        metrics.notificationsSent &+= deliveries
    }

    private static func documentResult(_ document: StoredDocument, updatedFields: [String]?) -> JSONValue {
        var result = JSONObject(minimumCapacity: 4)
        result.append("_id", .string(document.id))
        result.append("_source", .object(document.source))
        result.append("_version", .int(document.version))
        if let updatedFields { result.append("_updatedFields", .array(updatedFields.map { .string($0) })) }
        return .object(result)
    }

    /// The encoded object without its closing brace.
    private static func openPrefix(_ frame: JSONObject) -> [UInt8] {
        var bytes = JSONWriter.encode(.object(frame))
        bytes.removeLast()
        return bytes
    }

    /// Appends `,"room":"<name>"}`; channel names need no escaping (hex digits and a dash).
    private static func close(_ prefix: [UInt8], room name: String) -> [UInt8] {
        var bytes = [UInt8]()
        bytes.reserveCapacity(prefix.count + name.utf8.count + 11)
        bytes.append(contentsOf: prefix)
        bytes.append(contentsOf: #","room":""#.utf8)
        bytes.append(contentsOf: name.utf8)
        bytes.append(contentsOf: #""}"#.utf8)
        return bytes
    }
}

import HeraldStore
import HeraldWire

/// Sends document and user notifications to the channels they concern.
///
/// Each notification is encoded once without its `room`; every channel gets those bytes plus its
/// own `"room"` member, and every subscriber of a channel gets the very same array.
public final class Notifier {
    /// The notifier's verb for a write (never the API action).
    public enum DocumentAction: String, Sendable {
        case create, update, replace, delete, publish

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

    /// A created, updated or replaced document: `in` to matching channels, `out` to those it left.
    func documentWritten(
        _ request: KuzzleRequest, index: String, collection: String, document: StoredDocument,
        action: DocumentAction, updatedFields: [String]? = nil
    ) {
        let key = DocumentKey(index: index, collection: collection, id: document.id)
        let matches = registry.matchingRooms(index: index, collection: collection, source: document.source, id: document.id)
        let previous = lastMatches[key] ?? []
        let left = previous.filter { !matches.contains($0) }
        if matches.isEmpty { lastMatches[key] = nil } else { lastMatches[key] = matches }
        guard !matches.isEmpty || !left.isEmpty else { return }
        let result = Self.documentResult(document, updatedFields: updatedFields)
        if !matches.isEmpty {
            send(request, action: action, scope: .in, result: result, index: index, collection: collection, rooms: matches)
        }
        if !left.isEmpty {
            send(request, action: action, scope: .out, result: result, index: index, collection: collection, rooms: left)
        }
    }

    /// A deleted document: `out` to the channels it matched.
    func documentDeleted(_ request: KuzzleRequest, index: String, collection: String, document: StoredDocument) {
        lastMatches[DocumentKey(index: index, collection: collection, id: document.id)] = nil
        let matches = registry.matchingRooms(index: index, collection: collection, source: document.source, id: document.id)
        guard !matches.isEmpty else { return }
        send(request, action: .delete, scope: .out, result: Self.documentResult(document, updatedFields: nil),
             index: index, collection: collection, rooms: matches)
    }

    /// Documents removed without one notification each (collection truncated or deleted).
    func forgetDocuments(index: String, collection: String? = nil) {
        lastMatches = lastMatches.filter { key, _ in
            key.index != index || (collection != nil && key.collection != collection)
        }
    }

    /// `realtime:publish`: an `in` notification to matching channels, nothing stored.
    func published(_ request: KuzzleRequest, index: String, collection: String, message: JSONObject, id: String?) -> Int {
        let matches = registry.matchingRooms(index: index, collection: collection, source: message, id: id ?? "")
        guard !matches.isEmpty else { return 0 }
        var result = JSONObject()
        if let id { result.append("_id", .string(id)) }
        result.append("_source", .object(message))
        return send(request, action: .publish, scope: .in, result: .object(result), index: index,
                    collection: collection, rooms: matches)
    }

    /// A connection entered (`in`) or left (`out`) a room.
    func userEvent(_ scope: UserScope, room: Room, volatile: JSONValue, timestamp: Int) {
        var frame = JSONObject()
        frame.append("type", "user")
        frame.append("status", 200)
        frame.append("user", .string(scope.rawValue))
        frame.append("result", ["count": .int(room.connectionCount)])
        frame.append("index", .string(room.index))
        frame.append("collection", .string(room.collection))
        frame.append("controller", "realtime")
        frame.append("action", scope == .in ? "subscribe" : "unsubscribe")
        frame.append("protocol", "websocket")
        frame.append("timestamp", .int(timestamp))
        frame.append("volatile", volatile)
        let prefix = Self.openPrefix(frame)
        for channel in room.channels.values where channel.options.users.accepts(scope) {
            let bytes = Self.close(prefix, room: channel.name)
            for connection in channel.subscribers { outbox.send(bytes, to: connection) }
            metrics.notificationsSent &+= channel.subscribers.count
        }
    }

    @discardableResult
    private func send(
        _ request: KuzzleRequest, action: DocumentAction, scope: DocumentScope, result: JSONValue,
        index: String, collection: String, rooms: [String]
    ) -> Int {
        var frame = JSONObject()
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
        frame.append("protocol", "websocket")
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
        return deliveries
    }

    private static func documentResult(_ document: StoredDocument, updatedFields: [String]?) -> JSONValue {
        var result = JSONObject()
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

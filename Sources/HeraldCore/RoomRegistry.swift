import HeraldWire
import Koncorde

/// Rooms, their channels and each connection's subscriptions, backed by the Koncorde engine.
public final class RoomRegistry {
    /// A connection's presence in a room, as user notifications need it.
    struct Membership {
        let room: Room
        /// The volatile data sent with the subscription; user notifications carry it.
        let volatile: JSONValue
        /// Connections of other nodes in the room (cluster mode).
        let elsewhere: Int

        /// The `out` user event of leaving the room.
        func departure(timestamp: Int) -> UserEvent {
            UserEvent(scope: .out, roomId: room.id, index: room.index, collection: room.collection,
                      count: room.connectionCount + elsewhere, volatile: volatile, timestamp: timestamp,
                      newChannel: nil)
        }
    }

    /// A subscription's place: its room and channel, whether the connection is new to the room and
    /// whether the subscription created the channel.
    struct Joined {
        let room: Room
        let channel: String
        let newMember: Bool
        let newChannel: Bool
    }

    /// Bounds on rooms; `0` means no bound.
    struct Limits {
        var maxRooms = 0
        var maxRoomsPerConnection = 0
    }

    let koncorde: Koncorde
    let limits: Limits
    private(set) var rooms: [String: Room] = [:]
    private var memberships: [ConnectionID: [String: JSONValue]] = [:]

    init(koncorde: Koncorde, limits: Limits = Limits()) {
        self.koncorde = koncorde
        self.limits = limits
    }

    /// A room as other nodes report it (cluster mode): where it is and how many of their
    /// connections are in it.
    public struct SharedRoom: Sendable, Equatable {
        public let index: String
        public let collection: String
        public let count: Int

        public init(index: String, collection: String, count: Int) {
            self.index = index
            self.collection = collection
            self.count = count
        }
    }

    /// The other nodes' rooms by id, as last read (cluster mode; empty on a single node):
    /// `realtime:count` and `realtime:list` add them to this node's.
    public var otherNodes: [String: SharedRoom] = [:]

    /// This node's rooms by id, with their connection counts (what cluster mode tells the others).
    public var localRooms: [String: SharedRoom] {
        rooms.mapValues { SharedRoom(index: $0.index, collection: $0.collection, count: $0.connectionCount) }
    }

    /// Number of rooms.
    public var roomCount: Int { rooms.count }

    /// Validates a filter, creates its room if needed and adds the connection to the channel of `options`.
    func subscribe(
        _ connection: ConnectionID, index: String, collection: String, filter: JSONValue,
        options: SubscriptionOptions, volatile: JSONValue
    ) throws(KuzzleError) -> Joined {
        let normalized: NormalizedFilter
        do {
            normalized = try koncorde.normalize(index: index, collection: collection, filter: filter)
        } catch {
            throw .koncordeDSLError(error.message)
        }
        try checkRoomsPerConnection(connection, joining: normalized.id)
        let room: Room
        if let existing = rooms[normalized.id] {
            room = existing
        } else {
            if limits.maxRooms > 0, rooms.count >= limits.maxRooms { throw .tooManyRooms }
            let id = koncorde.store(normalized)
            room = Room(id: id, index: index, collection: collection)
            rooms[id] = room
        }
        return add(connection, to: room, options: options, volatile: volatile)
    }

    /// Adds the connection to an existing room.
    func join(
        _ connection: ConnectionID, roomId: String, options: SubscriptionOptions, volatile: JSONValue
    ) throws(KuzzleError) -> Joined {
        guard let room = rooms[roomId] else { throw .roomNotFound(roomId) }
        try checkRoomsPerConnection(connection, joining: roomId)
        return add(connection, to: room, options: options, volatile: volatile)
    }

    /// A connection already in `roomId` may subscribe again (another channel); a new room counts.
    private func checkRoomsPerConnection(_ connection: ConnectionID, joining roomId: String) throws(KuzzleError) {
        guard limits.maxRoomsPerConnection > 0, let joined = memberships[connection], joined[roomId] == nil,
              joined.count >= limits.maxRoomsPerConnection else { return }
        throw .tooManyRooms
    }

    private func add(
        _ connection: ConnectionID, to room: Room, options: SubscriptionOptions, volatile: JSONValue
    ) -> Joined {
        let added = room.add(connection, options: options)
        if added.newMember { memberships[connection, default: [:]][room.id] = volatile }
        return Joined(room: room, channel: added.channel, newMember: added.newMember, newChannel: added.newChannel)
    }

    /// Removes the connection from a room; returns its membership, or `nil` if it was not subscribed.
    func unsubscribe(_ connection: ConnectionID, roomId: String) -> Membership? {
        guard let room = rooms[roomId], room.remove(connection) else { return nil }
        let volatile = memberships[connection]?.removeValue(forKey: roomId) ?? .null
        if memberships[connection]?.isEmpty == true { memberships[connection] = nil }
        dropIfEmpty(room)
        return Membership(room: room, volatile: volatile, elsewhere: otherNodes[roomId]?.count ?? 0)
    }

    /// Removes the connection from every room; returns what it left.
    func disconnect(_ connection: ConnectionID) -> [Membership] {
        guard let joined = memberships.removeValue(forKey: connection) else { return [] }
        var left: [Membership] = []
        for (roomId, volatile) in joined {
            guard let room = rooms[roomId], room.remove(connection) else { continue }
            dropIfEmpty(room)
            left.append(Membership(room: room, volatile: volatile, elsewhere: otherNodes[roomId]?.count ?? 0))
        }
        return left
    }

    /// Connections in a room, on this node and the others (0 when the room does not exist).
    func count(roomId: String) -> Int { (rooms[roomId]?.connectionCount ?? 0) + (otherNodes[roomId]?.count ?? 0) }

    func room(_ roomId: String) -> Room? { rooms[roomId] }

    /// Rooms of an index/collection whose filter matches the document.
    func matchingRooms(index: String, collection: String, source: JSONObject, id: String) -> [String] {
        koncorde.test(index: index, collection: collection, document: source, id: id)
    }

    /// `realtime:list`: `{index: {collection: {roomId: connections}}}`, every node's connections.
    func listing() -> JSONValue {
        var counts = localRooms
        for (id, shared) in otherNodes {
            counts[id] = SharedRoom(index: shared.index, collection: shared.collection,
                                    count: shared.count + (counts[id]?.count ?? 0))
        }
        var indexes: [String: [String: [(String, Int)]]] = [:]
        for (id, room) in counts {
            indexes[room.index, default: [:]][room.collection, default: []].append((id, room.count))
        }
        var result = JSONObject()
        for index in indexes.keys.sorted() {
            var collections = JSONObject()
            for (collection, entries) in indexes[index]!.sorted(by: { $0.key < $1.key }) {
                collections.append(collection, .object(JSONObject(entries.sorted { $0.0 < $1.0 }.map { ($0.0, .int($0.1)) })))
            }
            result.append(index, .object(collections))
        }
        return .object(result)
    }

    private func dropIfEmpty(_ room: Room) {
        guard room.connectionCount == 0 else { return }
        rooms[room.id] = nil
        koncorde.remove(room.id)
    }
}

import HeraldCore
import HeraldRedis
import HeraldWire

/// Shares this node's room counts with the other nodes and reads theirs, once per heartbeat:
/// one script call stores this instance's rooms in Redis (again only when they changed, or after
/// a failure), renews their time to live and answers the other live instances' rooms, which
/// `realtime:count` and `realtime:list` then add up. A node that stops beating leaves the counts
/// when its rooms expire; while Redis is unreachable the counts are this node's alone.
///
/// Concurrency: single-threaded, on the event-loop thread that drives its ``RedisClient``.
final class RoomCensus {
    private let client: RedisClient
    private let instance: String
    /// How long an instance's rooms outlive its last heartbeat, in milliseconds.
    private let timeToLive: Int
    weak var registry: RoomRegistry?
    /// The rooms Redis holds for this instance, as encoded; `nil` when unknown (they are sent again).
    private var stored: [String: String]?
    private var waiting = false

    init(client: RedisClient, instance: String, timeToLive: Int) {
        self.client = client
        self.instance = instance
        self.timeToLive = timeToLive
    }

    /// One heartbeat (skipped while the previous one is unanswered).
    func beat() {
        guard let registry, !waiting else { return }
        guard client.state == .ready else {
            stored = nil
            registry.otherNodes = [:]
            return
        }
        let rooms = registry.localRooms.mapValues(Self.encode)
        let full = rooms != stored
        var command = ["EVAL", ClusterScripts.heartbeat, "0", instance, String(timeToLive), full ? "full" : "keep"]
        if full { for (id, value) in rooms { command += [id, value] } }
        waiting = true
        client.send(command) { [weak self] result in
            guard let self else { return }
            waiting = false
            if case .success(.array(let flat)) = result {
                stored = rooms
                self.registry?.otherNodes = Self.sum(flat)
            } else {
                stored = nil
                self.registry?.otherNodes = [:]
            }
        }
    }

    static func encode(_ room: RoomRegistry.SharedRoom) -> String {
        JSONWriter.encodeToString(.array([.int(room.count), .string(room.index), .string(room.collection)]))
    }

    /// The other instances' rooms, flat as room id, value, summed per room.
    static func sum(_ flat: [RedisReply]) -> [String: RoomRegistry.SharedRoom] {
        var rooms: [String: RoomRegistry.SharedRoom] = [:]
        var position = 0
        while position + 1 < flat.count {
            defer { position += 2 }
            guard let id = flat[position].text, let text = flat[position + 1].text,
                  case .array(let parts)? = try? JSONParser.parse(text), parts.count == 3,
                  case .int(let count) = parts[0], case .string(let index) = parts[1],
                  case .string(let collection) = parts[2] else { continue }
            rooms[id] = RoomRegistry.SharedRoom(index: index, collection: collection,
                                                count: count + (rooms[id]?.count ?? 0))
        }
        return rooms
    }
}

import HeraldWire

/// The connections subscribed to one channel of a room.
final class Channel {
    let name: String
    let options: SubscriptionOptions
    private(set) var subscribers: Set<ConnectionID> = []

    init(name: String, options: SubscriptionOptions) {
        self.name = name
        self.options = options
    }

    func add(_ connection: ConnectionID) { subscribers.insert(connection) }
    func remove(_ connection: ConnectionID) { subscribers.remove(connection) }
    var isEmpty: Bool { subscribers.isEmpty }
}

/// A stored filter on one index/collection and its channels (one per set of options in use).
final class Room {
    let id: String
    let index: String
    let collection: String
    private(set) var channels: [String: Channel] = [:]
    /// Connections in the room, with the channels each one uses.
    private(set) var members: [ConnectionID: Set<String>] = [:]

    init(id: String, index: String, collection: String) {
        self.id = id
        self.index = index
        self.collection = collection
    }

    var connectionCount: Int { members.count }

    /// Adds a connection to the channel of these options; returns the channel name, whether the
    /// connection is new to the room and whether the channel was created for it.
    func add(_ connection: ConnectionID, options: SubscriptionOptions)
        -> (channel: String, newMember: Bool, newChannel: Bool)
    {
        let name = "\(id)-\(options.channelSuffix)"
        let channel: Channel
        let newChannel: Bool
        if let existing = channels[name] {
            channel = existing
            newChannel = false
        } else {
            channel = Channel(name: name, options: options)
            channels[name] = channel
            newChannel = true
        }
        channel.add(connection)
        let newMember = members[connection] == nil
        members[connection, default: []].insert(name)
        return (name, newMember, newChannel)
    }

    /// Removes a connection from every channel; returns `false` if it was not a member.
    func remove(_ connection: ConnectionID) -> Bool {
        guard let names = members.removeValue(forKey: connection) else { return false }
        for name in names {
            guard let channel = channels[name] else { continue }
            channel.remove(connection)
            if channel.isEmpty { channels[name] = nil }
        }
        return true
    }
}

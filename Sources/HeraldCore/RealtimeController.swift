import HeraldWire

/// `realtime`: subscriptions to filtered rooms, and publication of volatile messages.
final class RealtimeController: Controller {
    let name = "realtime"
    let actions: Set<String> = ["subscribe", "unsubscribe", "count", "list", "join", "publish"]

    private let registry: RoomRegistry
    private let notifier: Notifier

    init(registry: RoomRegistry, notifier: Notifier) {
        self.registry = registry
        self.notifier = notifier
    }

    func handle(_ request: KuzzleRequest) throws(KuzzleError) -> ActionResult {
        switch request.action {
        case "subscribe": return try subscribe(request)
        case "join": return try join(request)
        case "unsubscribe": return try unsubscribe(request)
        case "count":
            let roomId = try request.body().requiredString("roomId")
            return .value(["count": .int(registry.count(roomId: roomId))])
        case "list":
            return .value(registry.listing())
        default:
            return try publish(request)
        }
    }

    private func subscribe(_ request: KuzzleRequest) throws(KuzzleError) -> ActionResult {
        let index = try request.index()
        let collection = try request.collection()
        let filter = JSONValue.object(try request.optionalBody())
        let options = try SubscriptionOptions(request: request)
        let joined = try registry.subscribe(request.connection, index: index, collection: collection, filter: filter,
                                            options: options, volatile: request.volatile)
        announce(joined, request)
        return .value(["roomId": .string(joined.room.id), "channel": .string(joined.channel)])
    }

    private func join(_ request: KuzzleRequest) throws(KuzzleError) -> ActionResult {
        let roomId = try request.body().requiredString("roomId")
        let options = try SubscriptionOptions(request: request)
        let joined = try registry.join(request.connection, roomId: roomId, options: options, volatile: request.volatile)
        announce(joined, request)
        return .value(["roomId": .string(joined.room.id), "channel": .string(joined.channel)])
    }

    private func announce(_ joined: (room: Room, channel: String, newMember: Bool), _ request: KuzzleRequest) {
        guard joined.newMember else { return }
        notifier.userEvent(.in, room: joined.room, volatile: request.volatile, timestamp: request.timestamp)
    }

    private func unsubscribe(_ request: KuzzleRequest) throws(KuzzleError) -> ActionResult {
        let roomId = try request.body().requiredString("roomId")
        guard let left = registry.unsubscribe(request.connection, roomId: roomId) else {
            throw .notSubscribed(user: request.connection.description, roomId: roomId)
        }
        notifier.userEvent(.out, room: left.room, volatile: left.volatile, timestamp: request.timestamp)
        return .value(["roomId": .string(roomId)])
    }

    private func publish(_ request: KuzzleRequest) throws(KuzzleError) -> ActionResult {
        let index = try request.index()
        let collection = try request.collection()
        let message = try request.body()
        let id = try request.optionalString("_id")
        _ = notifier.published(request, index: index, collection: collection, message: message, id: id)
        return .value(["published": true])
    }
}

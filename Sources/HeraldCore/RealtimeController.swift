import HeraldWire

/// `realtime`: subscriptions to filtered rooms, and publication of volatile messages (checked
/// against the collection's validation specification, as Kuzzle does).
final class RealtimeController: Controller {
    let name = "realtime"

    private let registry: RoomRegistry
    private let specifications: SpecificationRegistry

    init(registry: RoomRegistry, specifications: SpecificationRegistry) {
        self.registry = registry
        self.specifications = specifications
    }

    func actions() -> [String: Action] {
        [
            "subscribe": { request, effects throws(KuzzleError) in try self.subscribe(request, &effects) },
            "join": { request, effects throws(KuzzleError) in try self.join(request, &effects) },
            "unsubscribe": { request, effects throws(KuzzleError) in try self.unsubscribe(request, &effects) },
            "count": { request, _ throws(KuzzleError) in
                let roomId = try request.body().requiredString("roomId")
                return .value(["count": .int(self.registry.count(roomId: roomId))])
            },
            "list": { _, _ in .value(self.registry.listing()) },
            "publish": { request, effects throws(KuzzleError) in try self.publish(request, &effects) },
            "validate": { request, _ throws(KuzzleError) in try self.validate(request) },
        ]
    }

    private func subscribe(_ request: KuzzleRequest, _ effects: inout [Effect]) throws(KuzzleError) -> ActionResult {
        let index = try request.index()
        let collection = try request.collection()
        let filter = JSONValue.object(try request.optionalBody())
        let options = try SubscriptionOptions(request: request)
        let joined = try registry.subscribe(request.connection, index: index, collection: collection, filter: filter,
                                            options: options, volatile: request.volatile)
        announce(joined, request, &effects)
        return .value(["roomId": .string(joined.room.id), "channel": .string(joined.channel)])
    }

    private func join(_ request: KuzzleRequest, _ effects: inout [Effect]) throws(KuzzleError) -> ActionResult {
        let roomId = try request.body().requiredString("roomId")
        let options = try SubscriptionOptions(request: request)
        let joined = try registry.join(request.connection, roomId: roomId, options: options, volatile: request.volatile)
        announce(joined, request, &effects)
        return .value(["roomId": .string(joined.room.id), "channel": .string(joined.channel)])
    }

    /// A connection new to the room is announced to the room's channels, except a channel its
    /// subscription created.
    private func announce(_ joined: RoomRegistry.Joined, _ request: KuzzleRequest, _ effects: inout [Effect]) {
        guard joined.newMember else { return }
        effects.append(.user(UserEvent(
            scope: .in, roomId: joined.room.id, index: joined.room.index, collection: joined.room.collection,
            count: registry.count(roomId: joined.room.id), volatile: request.volatile, timestamp: request.timestamp,
            newChannel: joined.newChannel ? joined.channel : nil)))
    }

    private func unsubscribe(_ request: KuzzleRequest, _ effects: inout [Effect]) throws(KuzzleError) -> ActionResult {
        let roomId = try request.body().requiredString("roomId")
        guard let left = registry.unsubscribe(request.connection, roomId: roomId) else {
            throw .notSubscribed(user: request.connection.description, roomId: roomId)
        }
        effects.append(.user(left.departure(timestamp: request.timestamp)))
        return .value(["roomId": .string(roomId)])
    }

    private func publish(_ request: KuzzleRequest, _ effects: inout [Effect]) throws(KuzzleError) -> ActionResult {
        let index = try request.index()
        let collection = try request.collection()
        let message = try request.body()
        let id = try request.optionalString("_id")
        try specifications.validator(index: index, collection: collection, now: request.timestamp)?
            .check(message, id: id)
        effects.append(.published(PublishedMessage(index: index, collection: collection, message: message, id: id)))
        return .value(["published": true])
    }

    /// `realtime:validate`: the message checked against the collection's specification, every
    /// violation reported (`{errorMessages, valid}`); nothing is published.
    private func validate(_ request: KuzzleRequest) throws(KuzzleError) -> ActionResult {
        let message = try request.body()
        let index = try request.index()
        let collection = try request.collection()
        guard let validator = specifications.validator(index: index, collection: collection, now: request.timestamp)
        else { return .value(["errorMessages": [:], "valid": true]) }
        return .value(validator.report(message, id: try request.optionalString("_id")))
    }
}

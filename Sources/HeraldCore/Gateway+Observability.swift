import HeraldStore
import HeraldWire
import Logging

/// Live figures read at scrape time, and the per-request record (counters and debug log line).
extension Gateway {
    /// Rooms, their channels, and subscriptions (one per connection and channel).
    public struct RealtimeFigures: Equatable, Sendable {
        public var rooms = 0
        public var channels = 0
        public var subscriptions = 0

        public init(rooms: Int = 0, channels: Int = 0, subscriptions: Int = 0) {
            self.rooms = rooms
            self.channels = channels
            self.subscriptions = subscriptions
        }
    }

    /// Counts the realtime state; walks every room, so it is meant for scrapes, not hot paths.
    public var realtimeFigures: RealtimeFigures {
        var figures = RealtimeFigures()
        figures.rooms = registry.roomCount
        for room in registry.rooms.values {
            figures.channels += room.channels.count
            for channel in room.channels.values { figures.subscriptions += channel.subscribers.count }
        }
        return figures
    }

    /// Stored documents per index, indexes in name order.
    public var documentsPerIndex: [(index: String, documents: Int)] {
        store.listIndexes().filter { $0 != SecurityStore.internalIndex }.sorted().map { index in
            let collections = (try? store.listCollections(index: index)) ?? []
            let total = collections.reduce(0) { $0 + store.documentCount(index: index, collection: $1) }
            return (index, total)
        }
    }

    /// Records an answered request: metrics always, a log line at debug level. The line names the
    /// request, never its body.
    func finished(_ request: KuzzleRequest, status: Int, startedAt: UInt64) {
        let elapsed = metrics.recordRequest(
            controller: request.controller, action: request.action, status: status, startedAt: startedAt)
        logger.debug("request", metadata: [
            "controller": "\(request.controller)", "action": "\(request.action)", "status": "\(status)",
            "durationMicros": "\(elapsed / 1000)", "connection": "\(request.connection.rawValue)",
            "requestId": "\(request.requestId)",
        ])
    }
}

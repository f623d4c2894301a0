import HeraldWire

/// Kuzzle's request statistics (`server:getStats`, `getLastStats`, `getAllStats`): frames of
/// completed and failed requests per protocol, closed every ``interval`` milliseconds and kept for
/// ``retention`` milliseconds.
///
/// Frames close lazily, when a request finishes or statistics are read after the interval.
/// Single-threaded: used on the event-loop thread only.
final class StatisticsFrames {
    /// One closed frame.
    struct Frame: Equatable {
        var completedRequests: [String: Int] = [:]
        var failedRequests: [String: Int] = [:]
        var connections: [String: Int] = [:]
        var timestamp = 0

        var json: JSONValue {
            func counts(_ values: [String: Int]) -> JSONValue {
                .object(JSONObject(values.keys.sorted().map { ($0, JSONValue.int(values[$0] ?? 0)) }))
            }
            var ongoing = JSONObject()
            for name in connections.keys.sorted() { ongoing.append(name, 0) }
            return [
                "completedRequests": counts(completedRequests), "connections": counts(connections),
                "failedRequests": counts(failedRequests), "ongoingRequests": .object(ongoing),
                "timestamp": .int(timestamp),
            ]
        }
    }

    let interval: Int
    let retention: Int
    private var frames: [Frame] = []
    private var current = Frame()
    private var currentStartedAt: Int
    /// Open connections per protocol, sampled when a frame closes.
    private let connections: () -> [String: Int]

    init(interval: Int = 10_000, retention: Int = 3_600_000, now: Int, connections: @escaping () -> [String: Int]) {
        self.interval = interval
        self.retention = retention
        currentStartedAt = now
        self.connections = connections
    }

    /// Counts one answered request (errors are status ≥ 400).
    func record(protocolName: String, status: Int, now: Int) {
        roll(now: now)
        if status >= 400 {
            current.failedRequests[protocolName, default: 0] += 1
        } else {
            current.completedRequests[protocolName, default: 0] += 1
        }
    }

    /// Closed frames, oldest first.
    func all(now: Int) -> [Frame] {
        roll(now: now)
        return frames
    }

    /// Closes the frames whose interval is over, and forgets those past the retention.
    private func roll(now: Int) {
        guard now - currentStartedAt >= interval else { return }
        current.connections = connections()
        current.timestamp = currentStartedAt + interval
        frames.append(current)
        current = Frame()
        let elapsed = (now - currentStartedAt) / interval
        currentStartedAt += elapsed * interval
        if let firstKept = frames.firstIndex(where: { $0.timestamp > now - retention }) {
            frames.removeFirst(firstKept)
        } else {
            frames.removeAll()
        }
    }
}

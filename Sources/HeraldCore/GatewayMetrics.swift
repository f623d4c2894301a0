import Glibc

/// Counters of the API core, read when metrics are scraped.
///
/// Single-threaded like the gateway: plain integers bumped on the event-loop thread, no atomics.
/// Gauges (rooms, subscriptions, documents) are not kept here: they are computed from the live
/// state at scrape time, so recording costs nothing while serving.
public final class GatewayMetrics {
    /// One series of the request counter.
    public struct RequestKey: Hashable, Sendable {
        /// Controller name, or ``GatewayMetrics/unknownLabel`` for a controller Herald does not have.
        public let controller: String
        /// Action name, or ``GatewayMetrics/unknownLabel`` for an action its controller does not have.
        public let action: String
        /// Response status.
        public let status: Int

        public init(controller: String, action: String, status: Int) {
            self.controller = controller
            self.action = action
            self.status = status
        }
    }

    /// Label used for controllers and actions that do not exist, so that arbitrary names sent by
    /// clients cannot grow the series without bound.
    public static let unknownLabel = "_unknown"

    /// Upper bounds of the latency buckets, in seconds (the `+Inf` bucket is implicit).
    public static let latencyBounds: [Double] = [
        0.000_01, 0.000_025, 0.000_05, 0.000_1, 0.000_25, 0.000_5, 0.001, 0.002_5, 0.005, 0.01, 0.025, 0.1,
    ]
    private static let latencyBoundsNanoseconds: [UInt64] = latencyBounds.map { UInt64(($0 * 1e9).rounded()) }

    /// Requests answered, by controller, action and status.
    public private(set) var requests: [RequestKey: Int] = [:]
    /// Request handling time: observations per bucket (not cumulative; the last one is `+Inf`).
    public private(set) var latencyBuckets: [Int]
    /// Sum of every observed request duration, in nanoseconds.
    public private(set) var latencySumNanoseconds: UInt64 = 0
    /// Notifications handed to the transport (one per subscriber reached).
    public internal(set) var notificationsSent = 0
    /// Inbound messages that were not valid request frames.
    public internal(set) var malformedMessages = 0

    /// The actions of every controller, to tell real names from unknown ones.
    var knownActions: [String: Set<String>] = [:]

    init() {
        latencyBuckets = Array(repeating: 0, count: Self.latencyBounds.count + 1)
    }

    /// Monotonic time in nanoseconds.
    static func now() -> UInt64 {
        var time = timespec()
        clock_gettime(CLOCK_MONOTONIC, &time)
        return UInt64(time.tv_sec) &* 1_000_000_000 &+ UInt64(time.tv_nsec)
    }

    /// Counts one answered request; returns its duration in nanoseconds.
    @discardableResult
    func recordRequest(controller: String, action: String, status: Int, startedAt: UInt64) -> UInt64 {
        let elapsed = Self.now() &- startedAt
        let key = RequestKey(controller: controller, action: action, status: status)
        if let slot = requests.index(forKey: key) {
            requests.values[slot] &+= 1
        } else {
            requests[labelled(key), default: 0] += 1
        }
        var bucket = 0
        let bounds = Self.latencyBoundsNanoseconds
        while bucket < bounds.count, elapsed > bounds[bucket] { bucket += 1 }
        latencyBuckets[bucket] &+= 1
        latencySumNanoseconds &+= elapsed
        return elapsed
    }

    /// The key with names Herald does not know replaced by ``unknownLabel``.
    private func labelled(_ key: RequestKey) -> RequestKey {
        guard let actions = knownActions[key.controller] else {
            return RequestKey(controller: Self.unknownLabel, action: Self.unknownLabel, status: key.status)
        }
        if actions.contains(key.action) { return key }
        return RequestKey(controller: key.controller, action: Self.unknownLabel, status: key.status)
    }
}

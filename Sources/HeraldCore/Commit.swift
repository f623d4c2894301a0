public import HeraldWire

/// One request's outcome on its way out: the answer, the effects behind it and who gets the answer.
///
/// Built by the ``Gateway`` once the action has run; released by the ``CommitPipeline`` when its sink
/// says the effects are safe, at which point notifications go out first, then the answer.
public struct Commit: Sendable {
    /// Where the answer goes.
    public enum Reply: Sendable {
        /// A WebSocket response frame, queued through the ``ClientOutbox``.
        case connection(ConnectionID)
        /// Another transport encodes and sends the answer itself (HTTP).
        case handler(@Sendable (KuzzleRequest, Result<ActionResult, KuzzleError>) -> Void)
        /// Nobody waits for an answer (effects of a disconnection).
        case none
    }

    /// The request, `nil` for effects no request caused (a connection that went away).
    public let request: KuzzleRequest?
    /// The action's answer, or the error it failed with; replaced by the sink's error if the
    /// effects could not be made safe.
    public internal(set) var outcome: Result<ActionResult, KuzzleError>
    /// What the action changed, in order (also kept when the action failed halfway).
    public internal(set) var effects: [Effect]
    public let reply: Reply
    /// When the gateway took the request (monotonic nanoseconds), for the latency figures.
    let startedAt: UInt64

    init(request: KuzzleRequest?, outcome: Result<ActionResult, KuzzleError>, effects: [Effect], reply: Reply,
         startedAt: UInt64) {
        self.request = request
        self.outcome = outcome
        self.effects = effects
        self.reply = reply
        self.startedAt = startedAt
    }

    /// Whether the sink must see this commit before it is released.
    public var changesStore: Bool { effects.contains { $0.changesStore } }
}

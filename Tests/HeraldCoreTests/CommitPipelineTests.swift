import HeraldCore
import HeraldWire
import Logging
import Testing

/// A sink that holds every commit until the test says it is safe (or failed).
final class HeldSink: CommitSink {
    weak var pipeline: CommitPipeline?
    private(set) var accepted: [UInt64] = []
    private(set) var passes = 0
    let isImmediate = false

    func accept(_ commit: Commit, sequence: UInt64) { accepted.append(sequence) }
    func endOfPass() { passes += 1 }
}

/// A sink that also holds publications and records the commits it is passed (as cluster mode does).
final class PublicationSink: CommitSink {
    weak var pipeline: CommitPipeline?
    private(set) var accepted: [UInt64] = []
    private(set) var passed: [(sequence: UInt64, actions: [String])] = []
    let isImmediate = false

    func holds(_ commit: Commit) -> Bool {
        commit.changesStore || commit.effects.contains { if case .published = $0 { true } else { false } }
    }

    func pass(_ commit: Commit, sequence: UInt64) { passed.append((sequence, [commit.request?.action ?? "-"])) }
    func accept(_ commit: Commit, sequence: UInt64) { accepted.append(sequence) }
    func endOfPass() {}
}

@Suite struct CommitPipelineTests {
    private func heldHarness() -> (GatewayHarness, HeldSink) {
        let sink = HeldSink()
        let harness = GatewayHarness(sink: sink)
        sink.pipeline = harness.gateway.commitPipeline
        return (harness, sink)
    }

    /// A held harness with collection `i`/`c` and connection 2 subscribed to it, outbox drained.
    private func subscribedHarness() -> (GatewayHarness, HeldSink) {
        let (harness, sink) = heldHarness()
        harness.sendRaw(#"{"controller":"collection","action":"create","index":"i","collection":"c"}"#)
        sink.pipeline?.durable(through: sink.accepted.last!)
        harness.sendRaw(#"{"controller":"realtime","action":"subscribe","index":"i","collection":"c","body":{}}"#,
                        from: 2)
        _ = harness.outbox.drain()
        return (harness, sink)
    }

    @Test func aWriteIsAnsweredAndNotifiedOnlyOnceTheSinkSaysItIsSafe() {
        let (harness, sink) = heldHarness()
        let early = harness.sendRaw(
            #"{"controller":"collection","action":"create","index":"i","collection":"c","requestId":"c1"}"#)
        #expect(early.isEmpty, "a collection creation waits for the sink")
        sink.pipeline?.durable(through: sink.accepted.last!)
        #expect(harness.outbox.drain().map(\.frame.objectValue!["requestId"]) == ["c1"])

        let subscribed = harness.sendRaw(
            #"{"controller":"realtime","action":"subscribe","index":"i","collection":"c","body":{},"requestId":"s1"}"#,
            from: 2)
        #expect(subscribed.count == 1, "a subscription with nothing pending is answered at once")

        let written = harness.sendRaw(
            #"{"controller":"document","action":"create","index":"i","collection":"c","_id":"d","body":{"a":1},"requestId":"w1"}"#)
        let read = harness.sendRaw(
            #"{"controller":"document","action":"get","index":"i","collection":"c","_id":"d","requestId":"g1"}"#,
            from: 3)
        #expect(written.isEmpty && read.isEmpty, "the write waits for the sink, the read behind the write")
        #expect(harness.gateway.commitPipeline.waitingCount == 2)

        sink.pipeline?.durable(through: sink.accepted.last!)
        let sent = harness.outbox.drain()
        #expect(sent.map(\.connection) == [ConnectionID(2), ConnectionID(1), ConnectionID(3)],
                "notification, then the write's answer, then the read queued behind it")
        #expect(sent[0].frame.objectValue?["type"] == "document")
        #expect(sent[1].frame.objectValue?["requestId"] == "w1")
        #expect(sent[2].frame.objectValue?["requestId"] == "g1")
        #expect(harness.gateway.commitPipeline.waitingCount == 0)
    }

    @Test func commitsAreReleasedInSubmissionOrderWhateverTheSinkConfirms() {
        let (harness, sink) = heldHarness()
        for (index, requestId) in [("a", "1"), ("b", "2"), ("c", "3")] {
            let sent = harness.sendRaw(#"{"controller":"index","action":"create","index":"\#(index)","requestId":"\#(requestId)"}"#)
            #expect(sent.isEmpty)
        }
        #expect(sink.accepted.count == 3)
        sink.pipeline?.durable(through: sink.accepted[0])
        #expect(harness.outbox.drain().map(\.frame.objectValue!["requestId"]) == ["1"])
        sink.pipeline?.durable(through: sink.accepted[2])
        #expect(harness.outbox.drain().map(\.frame.objectValue!["requestId"]) == ["2", "3"])
    }

    @Test func aFailedCommitAnswersTheSinkErrorAndNotifiesNobody() {
        let (harness, sink) = subscribedHarness()

        #expect(harness.sendRaw(
            #"{"controller":"document","action":"create","index":"i","collection":"c","_id":"d","body":{},"requestId":"w"}"#)
            .isEmpty)
        sink.pipeline?.failed(through: sink.accepted.last!, error: .storageFailure("disk full"))
        let sent = harness.outbox.drain()
        #expect(sent.count == 1, "no notification for a write that is not safe")
        let answer = sent[0].frame.objectValue!
        #expect(answer["requestId"] == "w")
        #expect(answer["status"] == .int(KuzzleError.storageFailure("disk full").status))
        #expect(answer["error"]?.objectValue?["id"] == .string(KuzzleError.storageFailure("disk full").id))
    }

    @Test func aSinkThatHoldsPublicationsReleasesThemInOrderAndIsPassedTheRest() {
        let sink = PublicationSink()
        let harness = GatewayHarness(sink: sink)
        sink.pipeline = harness.gateway.commitPipeline
        harness.sendRaw(#"{"controller":"collection","action":"create","index":"i","collection":"c"}"#)
        sink.pipeline?.durable(through: sink.accepted.last!)
        _ = harness.outbox.drain()
        let subscribed = harness.sendRaw(
            #"{"controller":"realtime","action":"subscribe","index":"i","collection":"c","body":{},"requestId":"s"}"#,
            from: 2)
        #expect(subscribed.count == 1, "a subscription is not held")
        #expect(sink.passed.map(\.actions) == [["subscribe"]])

        let published = harness.sendRaw(
            #"{"controller":"realtime","action":"publish","index":"i","collection":"c","body":{"m":1},"requestId":"p"}"#)
        let read = harness.sendRaw(#"{"controller":"server","action":"now","requestId":"n"}"#, from: 3)
        #expect(published.isEmpty && read.isEmpty, "the publication waits for the sink, the read behind it")
        #expect(sink.passed.map(\.actions) == [["subscribe"], ["now"]])
        sink.pipeline?.durable(through: sink.accepted.last!)
        let sent = harness.outbox.drain()
        #expect(sent.map(\.connection) == [ConnectionID(2), ConnectionID(1), ConnectionID(3)])
        #expect(sent[0].frame.objectValue?["action"] == "publish")
        #expect(sent[1].frame.objectValue?["requestId"] == "p")

        // A publication the sink refuses answers its error and reaches nobody.
        harness.sendRaw(
            #"{"controller":"realtime","action":"publish","index":"i","collection":"c","body":{"m":2},"requestId":"q"}"#)
        sink.pipeline?.failed(through: sink.accepted.last!, error: .serviceUnavailable("Redis"))
        let refused = harness.outbox.drain()
        #expect(refused.count == 1)
        #expect(refused[0].frame.objectValue?["status"] == .int(KuzzleError.serviceUnavailable("Redis").status))
    }

    @Test func aWithdrawnCommitLeavesWithoutAnswerOrNotification() {
        let (harness, sink) = subscribedHarness()
        harness.sendRaw(
            #"{"controller":"document","action":"create","index":"i","collection":"c","_id":"a","body":{},"requestId":"w1"}"#)
        harness.sendRaw(
            #"{"controller":"document","action":"create","index":"i","collection":"c","_id":"b","body":{},"requestId":"w2"}"#)
        let first = sink.accepted[sink.accepted.count - 2], second = sink.accepted.last!
        sink.pipeline?.failed(through: second, error: .storageFailure("conflict"), withdrawing: [first])
        let sent = harness.outbox.drain()
        #expect(sent.map { $0.frame.objectValue?["requestId"] } == [.string("w2")])
        #expect(harness.gateway.commitPipeline.waitingCount == 0)
    }

    @Test func theGatewayForwardsTheEndOfEachLoopPassToTheSink() {
        let (harness, sink) = heldHarness()
        harness.gateway.endOfPass()
        harness.gateway.endOfPass()
        #expect(sink.passes == 2)
    }

    @Test func aHandlerReplyReceivesTheRequestAndItsOutcome() {
        let harness = GatewayHarness()
        let box = OutcomeBox()
        harness.gateway.execute(frame: ["controller": "server", "action": "now", "requestId": "h"],
                                protocolName: "http", connection: ConnectionID(9),
                                reply: .handler { request, outcome in box.record(request, outcome) })
        #expect(box.requestId == "h")
        #expect(box.protocolName == "http")
        #expect(box.succeeded == true)
        #expect(harness.outbox.drain().isEmpty, "a handler reply never goes through the WebSocket outbox")
    }
}

/// Captures what a `.handler` reply received (single-threaded tests only).
final class OutcomeBox: @unchecked Sendable {
    private(set) var requestId: String?
    private(set) var protocolName: String?
    private(set) var succeeded: Bool?
    private(set) var outcome: Result<ActionResult, KuzzleError>?

    func record(_ request: KuzzleRequest, _ outcome: Result<ActionResult, KuzzleError>) {
        self.outcome = outcome
        requestId = request.requestId
        protocolName = request.protocolName
        if case .success = outcome { succeeded = true } else { succeeded = false }
    }
}

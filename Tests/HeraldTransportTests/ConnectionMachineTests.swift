@testable import HeraldTransport
import Testing

/// Every connection rule and its timing, driven with an injected clock (`now`, in nanoseconds).
@Suite struct ConnectionMachineTests {
    private let second: UInt64 = 1_000_000_000
    private let rules = ConnectionRules(
        maxMessageBytes: 100, maxOutboundBytes: 1_000, pauseReadingAboveBytes: 400,
        idleTimeoutNanoseconds: 60 * 1_000_000_000)

    private func message(_ bytes: Int) -> [UInt8] { [UInt8](repeating: 0x61, count: bytes) }

    private func actions(_ list: ConnectionAction...) -> [ConnectionAction] { list }

    // MARK: Outbound queue, merged flush, writable turns

    @Test func firstMessageOfAPassSchedulesOneFlush() {
        var machine = ConnectionMachine(now: 0)
        #expect(Array(machine.enqueue(message(10), rules: rules, now: 1)) == actions(.scheduleFlush))
        #expect(Array(machine.enqueue(message(10), rules: rules, now: 2)).isEmpty)
        #expect(machine.outbound.byteCount == 20)
        let flushes = machine.beginFlush()
        #expect(flushes)
        #expect(Array(machine.enqueue(message(10), rules: rules, now: 3)) == actions(.scheduleFlush))
    }

    @Test func busySocketWaitsForOneWritableCallback() {
        var machine = ConnectionMachine(now: 0)
        _ = machine.enqueue(message(10), rules: rules, now: 1)
        let flushes = machine.beginFlush()
        #expect(flushes)
        #expect(Array(machine.socketBusy()) == actions(.requestWritable))
        #expect(Array(machine.socketBusy()).isEmpty, "one writable request is outstanding at most")
        _ = machine.enqueue(message(10), rules: rules, now: 2)
        let flushesWhileWaiting = machine.beginFlush()
        #expect(!flushesWhileWaiting, "a connection waiting for writable is left to its callback")
        #expect(machine.writable() == .write)
        machine.removeWritten(1)
        #expect(Array(machine.wrote()) == actions(.requestWritable), "more is queued")
        #expect(machine.writable() == .write)
        machine.removeWritten(1)
        #expect(Array(machine.wrote()).isEmpty)
        #expect(machine.writable() == .idle)
    }

    @Test func failedWriteClosesWith1011() {
        var machine = ConnectionMachine(now: 0)
        _ = machine.enqueue(message(10), rules: rules, now: 1)
        #expect(Array(machine.writeFailed()) == actions(.requestWritable))
        #expect(machine.outbound.isEmpty)
        #expect(machine.writable() == .close(status: 1011, reason: "write failed"))
    }

    // MARK: Slow consumers

    @Test func queuePastTheLimitCutsWith1011AndDropsTheQueue() {
        var machine = ConnectionMachine(now: 0)
        for _ in 0..<3 { _ = machine.enqueue(message(300), rules: rules, now: 1) }
        let cut = machine.enqueue(message(300), rules: rules, now: 5 * second)
        #expect(Array(cut) == actions(.requestWritable))
        #expect(cut.cut == .slowConsumer)
        #expect(cut.discardedMessages == 4)
        #expect(machine.outbound.isEmpty)
        #expect(machine.writable() == .close(status: 1011, reason: "too much backpressure: client is too slow"))
        let late = machine.enqueue(message(1), rules: rules, now: 5 * second)
        #expect(late.discardedMessages == 1 && late.isEmpty, "nothing more is queued once cut")
    }

    @Test func exactlyAtTheLimitIsNotCut() {
        var machine = ConnectionMachine(now: 0)
        var noPause = rules
        noPause.pauseReadingAboveBytes = 0
        let actions = machine.enqueue(message(1_000), rules: noPause, now: 1)
        #expect(actions.cut == nil)
        #expect(machine.closeRequest == nil)
    }

    // MARK: Close-frame deadline

    @Test func cutConnectionIsDroppedTwoSecondsAfterTheCut() {
        var machine = ConnectionMachine(now: 0)
        _ = machine.enqueue(message(1_001), rules: rules, now: 10 * second)
        #expect(machine.closeDeadlinePassed(now: 10 * second + rules.closeFrameGraceNanoseconds - 1).isEmpty)
        #expect(Array(machine.closeDeadlinePassed(now: 10 * second + rules.closeFrameGraceNanoseconds)) == actions(.drop))
    }

    @Test func closeRequestedByTheApplicationHasNoDropDeadline() {
        var machine = ConnectionMachine(now: 0)
        _ = machine.enqueue(message(10), rules: rules, now: 1)
        #expect(Array(machine.close(status: 4000, reason: "bye")) == actions(.requestWritable))
        #expect(machine.outbound.isEmpty)
        #expect(machine.closeDeadlinePassed(now: 100 * second).isEmpty)
        #expect(machine.writable() == .close(status: 4000, reason: "bye"))
        #expect(machine.close(status: 1000, reason: "again").isEmpty, "the first close wins")
    }

    // MARK: Read pausing

    @Test func readingPausesAboveTheThresholdAndResumesAtHalf() {
        var machine = ConnectionMachine(now: 0)
        #expect(Array(machine.enqueue(message(400), rules: rules, now: 1)) == actions(.scheduleFlush))
        #expect(Array(machine.enqueue(message(1), rules: rules, now: 1)) == actions(.pauseReading))
        #expect(Array(machine.enqueue(message(1), rules: rules, now: 1)).isEmpty, "paused once")
        #expect(machine.resumeIfDrained(rules: rules).isEmpty)
        machine.removeWritten(1)
        #expect(machine.outbound.byteCount == 2)
        #expect(Array(machine.resumeIfDrained(rules: rules)) == actions(.resumeReading))
        #expect(machine.resumeIfDrained(rules: rules).isEmpty, "resumed once")
    }

    @Test func resumeWaitsUntilHalfTheThreshold() {
        var machine = ConnectionMachine(now: 0)
        _ = machine.enqueue(message(201), rules: rules, now: 1)
        _ = machine.enqueue(message(201), rules: rules, now: 1)
        #expect(machine.readingPaused)
        machine.removeWritten(1)
        #expect(machine.outbound.byteCount == 201)
        #expect(machine.resumeIfDrained(rules: rules).isEmpty, "201 > 400 / 2")
    }

    @Test func zeroThresholdNeverPauses() {
        var machine = ConnectionMachine(now: 0)
        var noPause = rules
        noPause.pauseReadingAboveBytes = 0
        #expect(Array(machine.enqueue(message(900), rules: noPause, now: 1)) == actions(.scheduleFlush))
        #expect(!machine.readingPaused)
    }

    // MARK: Idle timeout

    @Test func idleAfterTheTimeoutWithNoInboundTraffic() {
        var machine = ConnectionMachine(now: 0)
        #expect(!machine.looksIdle(rules: rules, now: 60 * second))
        #expect(machine.looksIdle(rules: rules, now: 60 * second + 1))
        let closed = machine.confirmIdle(kernelMillisecondsSinceReceive: 61_000, rules: rules, now: 61 * second)
        #expect(Array(closed) == actions(.requestWritable))
        #expect(closed.cut == .idle)
        #expect(machine.writable() == .close(status: 1000, reason: "idle timeout"))
        #expect(Array(machine.closeDeadlinePassed(now: 63 * second)) == actions(.drop))
        #expect(!machine.looksIdle(rules: rules, now: 200 * second), "a closing connection is not swept again")
    }

    @Test func kernelSeenControlFramesKeepTheConnectionAlive() {
        var machine = ConnectionMachine(now: 0)
        #expect(machine.confirmIdle(kernelMillisecondsSinceReceive: 5_000, rules: rules, now: 61 * second).isEmpty)
        #expect(machine.lastInbound == 56 * second)
        #expect(!machine.looksIdle(rules: rules, now: 116 * second))
        #expect(machine.looksIdle(rules: rules, now: 116 * second + 1))
    }

    @Test func unknownKernelTimeClosesTheIdleConnection() {
        var machine = ConnectionMachine(now: 0)
        let closed = machine.confirmIdle(kernelMillisecondsSinceReceive: nil, rules: rules, now: 61 * second)
        #expect(closed.cut == .idle)
    }

    @Test func inboundMessagesResetTheIdleClock() throws {
        var machine = ConnectionMachine(now: 0)
        let payload = message(5)
        let inbound = payload.withUnsafeBytes {
            machine.received($0, isFinalFragment: true, remaining: 0, rules: rules, now: 50 * second)
        }
        #expect(inbound == .completeInput)
        #expect(!machine.looksIdle(rules: rules, now: 110 * second))
        #expect(machine.looksIdle(rules: rules, now: 110 * second + 1))
    }

    // MARK: Reassembly and size limit

    @Test func fragmentsAreReassembled() {
        var machine = ConnectionMachine(now: 0)
        let first = Array("hel".utf8), second = Array("lo".utf8)
        #expect(first.withUnsafeBytes {
            machine.received($0, isFinalFragment: false, remaining: 0, rules: rules, now: 1)
        } == .buffered)
        #expect(second.withUnsafeBytes {
            machine.received($0, isFinalFragment: true, remaining: 0, rules: rules, now: 2)
        } == .completeAssembled(Array("hello".utf8)))
        #expect(first.withUnsafeBytes {
            machine.received($0, isFinalFragment: true, remaining: 0, rules: rules, now: 3)
        } == .completeInput, "the buffer starts empty again")
    }

    @Test func textThatIsNotUTF8IsRefusedAsItArrives() {
        var machine = ConnectionMachine(now: 0)
        let euro = Array("€".utf8)
        #expect(Array(euro[..<1]).withUnsafeBytes {
            machine.received($0, isText: true, isFinalFragment: false, remaining: 0, rules: rules, now: 1)
        } == .buffered)
        #expect(Array(euro[1...]).withUnsafeBytes {
            machine.received($0, isText: true, isFinalFragment: true, remaining: 0, rules: rules, now: 2)
        } == .completeAssembled(euro), "a code point split across fragments")
        #expect([UInt8]([0x61, 0xFF]).withUnsafeBytes {
            machine.received($0, isText: true, isFinalFragment: false, remaining: 0, rules: rules, now: 3)
        } == .invalidText, "refused before the message ends")
        var truncated = ConnectionMachine(now: 0)
        #expect([UInt8]([0x61, 0xE2, 0x82]).withUnsafeBytes {
            truncated.received($0, isText: true, isFinalFragment: true, remaining: 0, rules: rules, now: 1)
        } == .invalidText, "a message may not end inside a code point")
        var binary = ConnectionMachine(now: 0)
        #expect([UInt8]([0xFF]).withUnsafeBytes {
            binary.received($0, isText: false, isFinalFragment: true, remaining: 0, rules: rules, now: 1)
        } == .completeInput, "binary messages are not text")
    }

    @Test func pieceOfALargeFrameWaitsForTheRest() {
        var machine = ConnectionMachine(now: 0)
        let piece = message(40)
        #expect(piece.withUnsafeBytes {
            machine.received($0, isFinalFragment: true, remaining: 40, rules: rules, now: 1)
        } == .buffered)
        #expect(piece.withUnsafeBytes {
            machine.received($0, isFinalFragment: true, remaining: 0, rules: rules, now: 2)
        } == .completeAssembled(message(80)))
    }

    @Test func messagePastTheLimitIsTooLarge() {
        var machine = ConnectionMachine(now: 0)
        let piece = message(60)
        #expect(piece.withUnsafeBytes {
            machine.received($0, isFinalFragment: false, remaining: 0, rules: rules, now: 1)
        } == .buffered)
        #expect(piece.withUnsafeBytes {
            machine.received($0, isFinalFragment: true, remaining: 0, rules: rules, now: 2)
        } == .tooLarge)
        var fresh = ConnectionMachine(now: 0)
        #expect(message(10).withUnsafeBytes {
            fresh.received($0, isFinalFragment: true, remaining: 91, rules: rules, now: 1)
        } == .tooLarge, "announced frame length counts")
        #expect(message(100).withUnsafeBytes {
            fresh.received($0, isFinalFragment: true, remaining: 0, rules: rules, now: 1)
        } == .completeInput, "exactly the limit is fine")
    }

    @Test func nothingIsReadOnceThePeerClosed() {
        var machine = ConnectionMachine(now: 0)
        _ = machine.enqueue(message(10), rules: rules, now: 1)
        machine.peerClosing()
        #expect(machine.outbound.isEmpty)
        #expect(message(1).withUnsafeBytes {
            machine.received($0, isFinalFragment: true, remaining: 0, rules: rules, now: 2)
        } == .ignored)
        #expect(machine.enqueue(message(1), rules: rules, now: 2).discardedMessages == 1)
    }

    // MARK: Shutdown drain

    @Test func shutdownDrainsTheQueueThenCloses1001() {
        var machine = ConnectionMachine(now: 0)
        _ = machine.enqueue(message(10), rules: rules, now: 1)
        #expect(Array(machine.shutdown()) == actions(.requestWritable))
        #expect(machine.writable() == .write)
        machine.removeWritten(1)
        #expect(Array(machine.enqueue(message(10), rules: rules, now: 2)) == actions(.requestWritable),
                "answers still go out")
        #expect(Array(machine.wrote()).isEmpty, "already waiting for writable")
        #expect(machine.writable() == .write)
        machine.removeWritten(1)
        #expect(Array(machine.wrote()) == actions(.requestWritable), "the close frame needs one more turn")
        #expect(machine.writable() == .close(status: 1001, reason: "server shutting down"))
        #expect(machine.closeDeadlinePassed(now: 100 * second).isEmpty, "the shutdown has its own grace")
    }

    @Test func shutdownKeepsAnEarlierClose() {
        var machine = ConnectionMachine(now: 0)
        _ = machine.close(status: 4001, reason: "first")
        #expect(machine.shutdown().isEmpty)
        #expect(machine.writable() == .close(status: 4001, reason: "first"))
    }

    // MARK: Server-wide outbound budget

    @Test func budgetCutIsASlowConsumerCut() {
        var machine = ConnectionMachine(now: 0)
        _ = machine.enqueue(message(10), rules: rules, now: 1)
        let cut = machine.cutForBudget(rules: rules, now: 3 * second)
        #expect(cut.cut == .outboundBudget)
        #expect(cut.discardedMessages == 1)
        #expect(Array(machine.closeDeadlinePassed(now: 5 * second)) == actions(.drop))
        #expect(machine.cutForBudget(rules: rules, now: 4 * second).isEmpty, "cut once")
    }
}

@Suite struct OutboundBudgetTests {
    @Test func noBudgetCutsNothing() {
        let budget = OutboundBudget(maxTotalBytes: 0)
        #expect(!budget.isExceeded(byTotal: .max))
        #expect(budget.connectionsToCut(totalBytes: 1 << 40, queues: [(1, 1 << 40)]).isEmpty)
    }

    @Test func withinBudgetCutsNothing() {
        let budget = OutboundBudget(maxTotalBytes: 100)
        #expect(budget.connectionsToCut(totalBytes: 100, queues: [(1, 60), (2, 40)]).isEmpty)
    }

    @Test func largestQueuesAreCutFirstUntilUnderBudget() {
        let budget = OutboundBudget(maxTotalBytes: 100)
        let queues: [(connection: ConnectionNumber, bytes: Int)] = [(1, 10), (2, 70), (3, 50), (4, 30), (5, 0)]
        #expect(budget.connectionsToCut(totalBytes: 160, queues: queues) == [2])
        #expect(budget.connectionsToCut(totalBytes: 160 + 60, queues: queues + [(6, 60)]) == [2, 6])
    }

    @Test func equalQueuesCutTheOlderConnectionFirst() {
        let budget = OutboundBudget(maxTotalBytes: 10)
        #expect(budget.connectionsToCut(totalBytes: 40, queues: [(7, 20), (3, 20)]) == [3, 7])
    }
}

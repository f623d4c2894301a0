import Glibc
import HeraldCore
@testable import HeraldDurability
import HeraldWire
import Logging
import Synchronization

/// Jobs the journal schedules back to the loop, run by the test (which plays the event-loop thread).
final class TestLoop: Sendable {
    private let jobs = Mutex<[@Sendable () -> Void]>([])

    var scheduler: LoopScheduler { { [self] job in jobs.withLock { $0.append(job) } } }

    /// Waits (up to 10 s) for the writer's next completion and runs it; `false` if none came.
    @discardableResult
    func runNextJob() -> Bool {
        for _ in 0..<10_000 {
            let job: (@Sendable () -> Void)? = jobs.withLock { $0.isEmpty ? nil : $0.removeFirst() }
            if let job {
                job()
                return true
            }
            usleep(1_000)
        }
        return false
    }

    var pendingJobs: Int { jobs.withLock { $0.count } }
}

/// Frames sent to connections (notifications, WebSocket answers).
final class RecordingOutbox: ClientOutbox {
    private(set) var frames: [(connection: ConnectionID, frame: JSONObject)] = []

    func send(_ frame: [UInt8], to connection: ConnectionID) {
        if case .object(let object)? = try? JSONParser().parse(frame) { frames.append((connection, object)) }
    }

    func notifications() -> [JSONObject] { frames.map(\.frame).filter { $0["type"] == .string("document") } }
}

/// Answers given through reply handlers, in the order they were released.
final class AnswerLog: Sendable {
    private let entries = Mutex<[(requestId: String, result: Result<ActionResult, KuzzleError>)]>([])

    var reply: Commit.Reply {
        .handler { [self] request, result in entries.withLock { $0.append((request.requestId, result)) } }
    }

    var requestIds: [String] { entries.withLock { $0.map(\.requestId) } }

    func result(_ requestId: String) -> Result<ActionResult, KuzzleError>? {
        entries.withLock { $0.first { $0.requestId == requestId }?.result }
    }
}

/// A temporary data directory, removed at the end of the test.
final class TemporaryDirectory {
    let path: String

    init() {
        var template = Array("/tmp/herald-durability-XXXXXX".utf8CString)
        path = template.withUnsafeMutableBufferPointer { String(cString: mkdtemp($0.baseAddress!)) }
    }

    deinit {
        for name in ["herald.sqlite", "herald.sqlite-wal", "herald.sqlite-shm", "herald.lock", "backup.sqlite"] {
            unlink(path + "/" + name)
        }
        rmdir(path)
    }
}

/// A gateway whose commits go to the journal of a data directory, loaded as a durable start loads it.
final class DurableGateway {
    let loop = TestLoop()
    let outbox = RecordingOutbox()
    let answers = AnswerLog()
    let directory: DataDirectory
    let sink: JournalSink
    let gateway: Gateway
    private var counter = 0

    init(path: String) throws {
        directory = try DataDirectory(path: path)
        sink = directory.makeSink(fsync: .always, schedule: loop.scheduler, logger: Logger(label: "test"))
        gateway = Gateway(configuration: GatewayConfiguration(nodeID: "node-test"), outbox: outbox, sink: sink,
                          logger: Logger(label: "test"))
        try directory.load(into: gateway.store)
        try directory.persistMissingIndexes(of: gateway.store)
        gateway.reloadInternalState()
        sink.pipeline = gateway.commitPipeline
        sink.store = gateway.store
        sink.afterRollback = { [unowned gateway] in gateway.reloadInternalState() }
        for connection in 1...2 { gateway.connectionOpened(ConnectionID(UInt64(connection))) }
    }

    /// Submits a request (answered through ``answers``) and returns its request id.
    @discardableResult
    func submit(_ controller: String, _ action: String, _ fields: JSONObject = [:], from connection: UInt64 = 1,
                toConnection: Bool = false) -> String {
        counter += 1
        let requestId = "r\(counter)"
        var frame: JSONObject = ["controller": .string(controller), "action": .string(action),
                                 "requestId": .string(requestId)]
        for (key, value) in fields { frame[key] = value }
        gateway.execute(frame: frame, protocolName: "websocket", connection: ConnectionID(connection),
                        reply: toConnection ? .connection(ConnectionID(connection)) : answers.reply)
        return requestId
    }

    /// Ends the loop pass and runs the writer's completions until nothing is being written.
    func commitPass() {
        gateway.endOfPass()
        while sink.isWriting { if !loop.runNextJob() { break } }
    }

    /// Runs a request in its own pass and returns its result.
    func run(_ controller: String, _ action: String, _ fields: JSONObject = [:]) -> Result<ActionResult, KuzzleError>? {
        let requestId = submit(controller, action, fields)
        commitPass()
        return answers.result(requestId)
    }

    func close() { sink.close() }
}

extension Result where Success == ActionResult, Failure == KuzzleError {
    var error: KuzzleError? {
        if case .failure(let error) = self { return error }
        return nil
    }
}

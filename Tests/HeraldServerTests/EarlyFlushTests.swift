import Glibc
import HeraldTransport
import Logging
import Synchronization
import Testing

/// The transport's write-through: what a message queues leaves during its callback when the loop
/// was idle before it, and waits for the merged flush at the end of the pass when messages come
/// together.
@Suite(.serialized) struct EarlyFlushTests {
    /// Sends every message back to its connection and records whether a socket write happened
    /// during the call. Service thread only, except `flushed`.
    private final class EchoingDelegate: WebSocketServerDelegate, @unchecked Sendable {
        unowned let server: WebSocketServer
        let flushed = Mutex<[Bool]>([])

        init(server: WebSocketServer) { self.server = server }

        func connectionOpened(_ connection: ConnectionNumber, address: String?) {}

        func received(_ message: UnsafeRawBufferPointer, from connection: ConnectionNumber) {
            let before = server.metrics.socketWrites
            server.send(Array(message), to: connection)
            let wrote = server.metrics.socketWrites > before
            flushed.withLock { $0.append(wrote) }
        }

        func connectionClosed(_ connection: ConnectionNumber) {}
    }

    /// A server on a loopback port, on a thread of its own for the length of a test.
    private final class RunningServer: @unchecked Sendable {
        let server = WebSocketServer(configuration: WebSocketServerConfiguration(host: "127.0.0.1", port: 0),
                                     logger: Logger(label: "test") { _ in SwiftLogNoOpLogHandler() })
        let delegate: EchoingDelegate
        private let thread: ServiceThread
        let port: Int

        init() throws {
            let server = server
            delegate = EchoingDelegate(server: server)
            server.delegate = delegate
            thread = ServiceThread(start: {
                try server.start()
                return server.boundPort
            }, run: { server.run() })
            port = try thread.start()
        }

        func stop() {
            server.control.requestShutdown()
            thread.join()
        }
    }

    @Test func aMessageAfterAnIdleWaitIsAnsweredDuringItsCallback() throws {
        let running = try RunningServer()
        defer { running.stop() }
        let client = try TestWebSocket(port: running.port)
        // The loop may run a timer pass right before a message: of several messages sent after a
        // quiet moment, those that found the loop idle were written at once.
        for attempt in 0..<5 {
            usleep(20_000)
            try client.send("alone \(attempt)")
            #expect(String(decoding: try client.next().payload, as: UTF8.self) == "alone \(attempt)")
        }
        #expect(running.delegate.flushed.withLock { $0 }.contains(true))
    }

    @Test func messagesReadTogetherKeepTheMergedFlush() throws {
        let running = try RunningServer()
        defer { running.stop() }
        let client = try TestWebSocket(port: running.port)
        usleep(20_000)
        try client.send(together: ["first", "second", "third"])
        for text in ["first", "second", "third"] {
            #expect(String(decoding: try client.next().payload, as: UTF8.self) == text)
        }
        // Whatever the first did, the later messages of the same read waited for the end of the pass.
        let flushed = running.delegate.flushed.withLock { $0 }
        #expect(flushed.count == 3 && flushed.dropFirst().allSatisfy { !$0 })
    }
}

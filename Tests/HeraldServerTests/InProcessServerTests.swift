import HeraldOperations
import HeraldServer
import HeraldTransport
import HeraldWire
import Logging
import Testing

/// A real Herald on port 0, in this process, on its own service thread; clients over real
/// WebSocket connections.
@Suite(.serialized) struct InProcessServerTests {
    /// One Herald on a thread of its own, from `start()` until its shutdown completes.
    final class ServiceThreadRunner: @unchecked Sendable {
        let server: HeraldServer
        private let thread: ServiceThread

        init(configuration: HeraldConfiguration) {
            let server = try! HeraldServer(configuration: configuration, logger: Logger(label: "test") { _ in SwiftLogNoOpLogHandler() })
            self.server = server
            thread = ServiceThread(start: {
                try server.start()
                return server.boundPort
            }, run: { server.run() })
        }

        /// Starts the thread and returns the bound port once the server listens.
        func start() throws -> Int {
            try thread.start()
        }

        func shutDownAndJoin() {
            server.control.requestShutdown()
            join()
        }

        /// Waits until the server's run loop returns.
        func join() {
            thread.join()
        }
    }

    private func object(_ frame: TestWebSocket.Frame) throws -> JSONObject {
        try #require(try JSONParser.parse(frame.payload).objectValue)
    }

    /// The next frame answering `requestId`, skipping others.
    private func answer(_ client: TestWebSocket, to requestId: String) throws -> JSONObject {
        while true {
            let body = try object(try client.next())
            if body["requestId"]?.stringValue == requestId { return body }
        }
    }

    @Test func requestSubscriptionNotificationAndShutdown() throws {
        var configuration = HeraldConfiguration()
        configuration.host = "127.0.0.1"
        configuration.port = 0
        configuration.nodeId = "in-process"
        configuration.shutdownTimeout = 1
        let runner = ServiceThreadRunner(configuration: configuration)
        let port = try runner.start()
        #expect(port > 0)

        let subscriber = try TestWebSocket(port: port)
        let publisher = try TestWebSocket(port: port)
        try publisher.send(#"{"controller":"server","action":"now","requestId":"now"}"#)
        let now = try answer(publisher, to: "now")
        #expect(now["status"]?.integerValue == 200)
        #expect(now["node"]?.stringValue == "in-process")

        try subscriber.send(#"{"controller":"realtime","action":"subscribe","index":"live","collection":"c","# +
                            #""body":{"equals":{"kind":"wanted"}},"requestId":"sub"}"#)
        let subscribed = try answer(subscriber, to: "sub")
        #expect(subscribed["status"]?.integerValue == 200)
        let channel = try #require(subscribed["result"]?.objectValue?["channel"]?.stringValue)

        try publisher.send(#"{"controller":"realtime","action":"publish","index":"live","collection":"c","# +
                           #""body":{"kind":"other"},"requestId":"pub-1"}"#)
        try publisher.send(#"{"controller":"realtime","action":"publish","index":"live","collection":"c","# +
                           #""body":{"kind":"wanted","n":2},"requestId":"pub-2"}"#)
        #expect(try answer(publisher, to: "pub-1")["status"]?.integerValue == 200)
        #expect(try answer(publisher, to: "pub-2")["status"]?.integerValue == 200)
        let notification = try object(try subscriber.next())
        #expect(notification["room"]?.stringValue == channel)
        #expect(notification["result"]?.objectValue?["_source"]?.objectValue?["n"]?.integerValue == 2,
                "the filter let only the matching publication through")

        runner.shutDownAndJoin()
        let closing = try subscriber.next()
        #expect(closing.opcode == 0x8)
        #expect(closing.payload.prefix(2).elementsEqual([0x03, 0xE9]), "1001 going away")
    }

    @Test func adminShutdownAnswersThenStopsTheServer() throws {
        var configuration = HeraldConfiguration()
        configuration.host = "127.0.0.1"
        configuration.port = 0
        configuration.shutdownTimeout = 1
        let runner = ServiceThreadRunner(configuration: configuration)
        let port = try runner.start()
        let operator_ = try TestWebSocket(port: port)
        try operator_.send(#"{"controller":"admin","action":"shutdown","requestId":"stop"}"#)
        let answered = try answer(operator_, to: "stop")
        #expect(answered["result"] == ["acknowledge": true])
        let closing = try operator_.next()
        #expect(closing.opcode == 0x8)
        #expect(closing.payload.prefix(2).elementsEqual([0x03, 0xE9]), "1001 going away")
        runner.join()
    }
}

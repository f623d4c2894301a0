import Synchronization
import Foundation
import Glibc
import HeraldTransport
import Logging
import Testing

/// Holds every answer until a `/release` request comes (on any connection), then answers the
/// held requests in arrival order: answers that leave in a later loop pass, as the commit
/// pipeline releases them.
///
/// Concurrency: used on the service thread only (requests, and jobs scheduled there);
/// ``heldCount`` may be read from any thread.
private final class HoldingHandler: HTTPRequestHandler, @unchecked Sendable {
    private var held: [(String, HTTPReply)] = []
    private let count = Mutex(0)

    /// Requests waiting for their answer.
    var heldCount: Int { count.withLock { $0 } }

    func httpRequest(_ request: HTTPRequest, reply: HTTPReply) {
        if request.path == "/stream" {
            let pieces = Mutex(["one,", "", "two,", "three"])
            reply.send(HTTPResponse(status: 200, contentType: "text/plain", body: [], bodyStream: {
                pieces.withLock { $0.isEmpty ? nil : Array($0.removeFirst().utf8) }
            }))
            return
        }
        guard request.path == "/release" else {
            held.append((request.path + ":" + String(decoding: request.body, as: UTF8.self), reply))
            count.withLock { $0 = held.count }
            return
        }
        releaseAll()
        reply.send(HTTPResponse(status: 200, contentType: "text/plain", body: Array("released".utf8)))
    }

    /// Answers every held request, in arrival order.
    func releaseAll() {
        for (label, waiting) in held {
            waiting.send(HTTPResponse(status: 200, contentType: "text/plain", body: Array(label.utf8)))
        }
        held.removeAll()
        count.withLock { $0 = 0 }
    }
}

/// A server on a loopback port, run on its own thread for the length of a test.
private final class RunningServer: @unchecked Sendable {
    let server: WebSocketServer
    let handler = HoldingHandler()
    private var thread = pthread_t()

    init() throws {
        var configuration = WebSocketServerConfiguration(host: "127.0.0.1", port: 0)
        configuration.httpBodyTimeoutSeconds = 1
        server = WebSocketServer(configuration: configuration, logger: Logger(label: "test"))
        server.httpHandler = handler
        // start() and run() on the same thread: it becomes the service thread.
        let context = Unmanaged.passRetained(self).toOpaque()
        pthread_create(&thread, nil, { raw in
            let running = Unmanaged<RunningServer>.fromOpaque(raw!).takeRetainedValue()
            do {
                try running.server.start()
            } catch {
                running.startState.withLock { $0 = .failed }
                return nil
            }
            running.startState.withLock { $0 = .listening }
            running.server.run()
            return nil
        }, context)
        for _ in 0..<1000 where startState.withLock({ $0 }) == .starting { usleep(10_000) }
        guard startState.withLock({ $0 }) == .listening else {
            pthread_join(thread, nil)
            throw StartFailure()
        }
    }

    private enum StartState { case starting, listening, failed }
    private struct StartFailure: Error {}
    private let startState = Mutex(StartState.starting)

    func stop() {
        server.control.requestShutdown()
        join()
    }

    /// Waits until the server's run loop returns.
    func join() {
        pthread_join(thread, nil)
    }
}

/// A blocking loopback client socket with a read timeout.
private struct Client {
    let fd: Int32

    init(port: Int) {
        fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var timeout = timeval(tv_sec: 3, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        _ = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
    }

    func send(_ text: String) {
        let bytes = Array(text.utf8)
        _ = bytes.withUnsafeBytes { Glibc.send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
    }

    /// Sends `/release` from `releaser` until this connection has `count` answers (the server
    /// may read the release before the held requests); returns their bodies.
    func answers(_ count: Int, releasedBy releaser: Client) -> [String] {
        var bodies: [String] = []
        for _ in 0..<50 where bodies.count < count {
            releaser.send("GET /release HTTP/1.1\r\nHost: h\r\n\r\n")
            _ = releaser.answers(1)
            bodies += answers(count - bodies.count, timeoutMilliseconds: 100)
        }
        return bodies
    }

    /// Reads until `count` complete answers arrived (or the timeout); returns their bodies.
    func answers(_ count: Int, timeoutMilliseconds: Int = 3_000) -> [String] {
        var timeout = timeval(tv_sec: timeoutMilliseconds / 1000, tv_usec: Int((timeoutMilliseconds % 1000) * 1000))
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        var data: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 65_536)
        while Self.bodies(in: data).count < count {
            let read = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            if read <= 0 { break }
            data.append(contentsOf: buffer[0..<read])
        }
        return Self.bodies(in: data)
    }

    func close() { Glibc.close(fd) }

    /// The bodies of the complete answers in `data` (each with a Content-Length).
    private static func bodies(in data: [UInt8]) -> [String] {
        var bodies: [String] = []
        var rest = data[...]
        let separator: [UInt8] = [13, 10, 13, 10]
        while let headEnd = rest.indices.first(where: { rest[$0...].starts(with: separator) }) {
            let head = String(decoding: rest[..<headEnd], as: UTF8.self).lowercased()
            guard let line = head.components(separatedBy: "\r\n").first(where: { $0.hasPrefix("content-length:") }),
                  let length = Int(line.dropFirst("content-length:".count).trimmingCharacters(in: .whitespaces))
            else { break }
            let bodyStart = headEnd + 4
            guard rest.endIndex - bodyStart >= length else { break }
            bodies.append(String(decoding: rest[bodyStart..<(bodyStart + length)], as: UTF8.self))
            rest = rest[(bodyStart + length)...]
        }
        return bodies
    }
}

@Suite("HTTP answers released later", .serialized)
struct HTTPDeferredAnswerTests {
    @Test("an answer sent in a later loop pass reaches its keep-alive connection, which goes on")
    func deferredAnswer() throws {
        let running = try RunningServer()
        defer { running.stop() }
        let held = Client(port: running.server.boundPort)
        defer { held.close() }
        held.send("POST /write HTTP/1.1\r\nHost: h\r\nContent-Length: 5\r\n\r\nhello")
        let releaser = Client(port: running.server.boundPort)
        defer { releaser.close() }
        #expect(held.answers(1, releasedBy: releaser) == ["/write:hello"])
        held.send("POST /second HTTP/1.1\r\nHost: h\r\nContent-Length: 2\r\n\r\nok")
        #expect(held.answers(1, releasedBy: releaser) == ["/second:ok"])
        held.send("GET /third HTTP/1.1\r\nHost: h\r\n\r\n")
        #expect(held.answers(1, releasedBy: releaser) == ["/third:"])
    }

    @Test("a shutdown writes the answers of the requests already read before it stops")
    func shutdownWaitsForHeldAnswers() throws {
        let running = try RunningServer()
        let held = Client(port: running.server.boundPort)
        defer { held.close() }
        held.send("POST /write HTTP/1.1\r\nHost: h\r\nContent-Length: 5\r\n\r\nhello")
        for _ in 0..<500 where running.handler.heldCount == 0 { usleep(10_000) }
        #expect(running.handler.heldCount == 1)
        let handler = running.handler
        running.server.control.requestShutdown()
        running.server.control.schedule { handler.releaseAll() }
        #expect(held.answers(1) == ["/write:hello"])
        running.join()
    }

    @Test("a streamed answer goes out chunked, empty pieces skipped, and the connection goes on")
    func streamedAnswer() throws {
        let running = try RunningServer()
        defer { running.stop() }
        let client = Client(port: running.server.boundPort)
        defer { client.close() }
        client.send("GET /stream HTTP/1.1\r\nHost: h\r\n\r\n")
        var data: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 4096)
        while !String(decoding: data, as: UTF8.self).hasSuffix("0\r\n\r\n") {
            let read = buffer.withUnsafeMutableBytes { recv(client.fd, $0.baseAddress, $0.count, 0) }
            if read <= 0 { break }
            data.append(contentsOf: buffer[0..<read])
        }
        let text = String(decoding: data, as: UTF8.self)
        let parts = text.components(separatedBy: "\r\n\r\n")
        #expect(parts[0].lowercased().contains("transfer-encoding: chunked"))
        #expect(!parts[0].lowercased().contains("content-length"))
        #expect(text.hasSuffix("\r\n\r\n4\r\none,\r\n4\r\ntwo,\r\n5\r\nthree\r\n0\r\n\r\n"))
        client.send("GET /release HTTP/1.1\r\nHost: h\r\n\r\n")
        #expect(client.answers(1) == ["released"], "kept alive after the last chunk")
    }

    @Test("pipelined requests are answered in order, each once the one before is")
    func pipelinedInOrder() throws {
        let running = try RunningServer()
        defer { running.stop() }
        let client = Client(port: running.server.boundPort)
        defer { client.close() }
        client.send("GET /a HTTP/1.1\r\nHost: h\r\n\r\nGET /b HTTP/1.1\r\nHost: h\r\n\r\nGET /release HTTP/1.1\r\nHost: h\r\n\r\n")
        let other = Client(port: running.server.boundPort)
        defer { other.close() }
        #expect(client.answers(3, releasedBy: other) == ["/a:", "/b:", "released"])
    }

    @Test("a body pipelined behind a body whose answer is held closes the connection; the server goes on")
    func pipelinedBodies() throws {
        let running = try RunningServer()
        defer { running.stop() }
        let client = Client(port: running.server.boundPort)
        defer { client.close() }
        client.send("POST /a HTTP/1.1\r\nHost: h\r\nContent-Length: 1\r\n\r\n1"
            + "POST /b HTTP/1.1\r\nHost: h\r\nContent-Length: 1\r\n\r\n2")
        var buffer = [UInt8](repeating: 0, count: 16)
        let read = buffer.withUnsafeMutableBytes { recv(client.fd, $0.baseAddress, $0.count, 0) }
        #expect(read == 0, "closed, not left spinning")
        let other = Client(port: running.server.boundPort)
        defer { other.close() }
        other.send("GET /release HTTP/1.1\r\nHost: h\r\n\r\n")
        #expect(other.answers(1) == ["released"])
    }

    @Test("a body that stops arriving is timed out, and the server goes on")
    func slowBody() throws {
        let running = try RunningServer()
        defer { running.stop() }
        let slow = Client(port: running.server.boundPort)
        defer { slow.close() }
        slow.send("POST /slow HTTP/1.1\r\nHost: h\r\nContent-Length: 100\r\n\r\nonly a part")
        let other = Client(port: running.server.boundPort)
        defer { other.close() }
        other.send("GET /release HTTP/1.1\r\nHost: h\r\n\r\n")
        #expect(other.answers(1) == ["released"])
        var timeout = timeval(tv_sec: 5, tv_usec: 0)
        setsockopt(slow.fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        var buffer = [UInt8](repeating: 0, count: 16)
        let read = buffer.withUnsafeMutableBytes { recv(slow.fd, $0.baseAddress, $0.count, 0) }
        #expect(read == 0, "the slow connection is closed within the timeout")
    }
}

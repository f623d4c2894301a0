import Glibc
@testable import HeraldTransport
import Testing

@Suite struct ListenerTests {
    @Test func severalListenersShareOnePort() throws {
        let first = try Listener(host: "127.0.0.1", port: 0, shared: true)
        #expect(first.port > 0)
        let second = try Listener(host: "127.0.0.1", port: first.port, shared: true)
        #expect(second.port == first.port)
    }

    @Test func aListenerThatDoesNotShareKeepsItsPort() throws {
        let first = try Listener(host: "127.0.0.1", port: 0, shared: false)
        #expect(throws: WebSocketServer.StartError.self) { try Listener(host: "127.0.0.1", port: first.port, shared: true) }
        #expect(throws: WebSocketServer.StartError.self) { try Listener(host: "127.0.0.1", port: first.port, shared: false) }
        let sharing = try Listener(host: "127.0.0.1", port: 0, shared: true)
        #expect(throws: WebSocketServer.StartError.self) { try Listener(host: "127.0.0.1", port: sharing.port, shared: false) }
    }

    @Test func aPortHeldWithoutSharingIsRefused() throws {
        let exclusive = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(exclusive) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(exclusive, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        #expect(bound == 0 && listen(exclusive, 1) == 0)
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { _ = getsockname(exclusive, $0, &length) }
        }
        let port = Int(UInt16(bigEndian: address.sin_port))
        #expect(throws: WebSocketServer.StartError.self) { try Listener(host: "127.0.0.1", port: port, shared: true) }
    }

    @Test func anUnknownHostIsRefused() {
        #expect(throws: WebSocketServer.StartError.self) { try Listener(host: "no.such.host.invalid", port: 7512, shared: false) }
    }
}

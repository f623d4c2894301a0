@testable import HeraldTransport
import Testing

@Suite struct HandshakeGateTests {
    @Test func refusesWhenFullOrShuttingDown() {
        let gate = HandshakeGate(maxConnections: 2, allowedOrigins: [])
        #expect(gate.verdict(origin: nil, openConnections: 1, shuttingDown: false) == .accept)
        #expect(gate.verdict(origin: nil, openConnections: 2, shuttingDown: false)
            == .refuse(status: 503, reason: "too many connections"))
        #expect(gate.verdict(origin: nil, openConnections: 0, shuttingDown: true)
            == .refuse(status: 503, reason: "server shutting down"))
        let unlimited = HandshakeGate(maxConnections: 0, allowedOrigins: [])
        #expect(unlimited.verdict(origin: "https://any.example", openConnections: 1_000_000, shuttingDown: false) == .accept)
    }

    @Test func originAllowListComparesNormalizedOrigins() {
        let gate = HandshakeGate(maxConnections: 0, allowedOrigins: ["https://App.example.com/", "http://localhost:8080"])
        #expect(gate.verdict(origin: "https://app.example.com", openConnections: 0, shuttingDown: false) == .accept)
        #expect(gate.verdict(origin: "http://LOCALHOST:8080/", openConnections: 0, shuttingDown: false) == .accept)
        #expect(gate.verdict(origin: "http://localhost:8081", openConnections: 0, shuttingDown: false)
            == .refuse(status: 403, reason: "origin not allowed"))
        #expect(gate.verdict(origin: "null", openConnections: 0, shuttingDown: false)
            == .refuse(status: 403, reason: "origin not allowed"))
        #expect(gate.verdict(origin: nil, openConnections: 0, shuttingDown: false) == .accept)
    }
}

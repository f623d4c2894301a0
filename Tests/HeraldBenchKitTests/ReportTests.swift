@testable import HeraldBenchKit
import Testing

@Suite("Reports and URLs")
struct ReportTests {
    @Test("WebSocket URLs")
    func urls() {
        #expect(WebSocketURL("ws://127.0.0.1:7512").map { [$0.host, String($0.port), $0.path] } == ["127.0.0.1", "7512", "/"])
        #expect(WebSocketURL("ws://[::1]:9/x/y").map { [$0.host, String($0.port), $0.path, $0.description] }
            == ["::1", "9", "/x/y", "ws://[::1]:9/x/y"])
        #expect(WebSocketURL("ws://example")?.hostHeader == "example")
        #expect(WebSocketURL("ws://example:81")?.hostHeader == "example:81")
        for bad in ["http://h:1", "ws://:1", "ws://h:99999", "ws://[::1", "ws://h:x"] { #expect(WebSocketURL(bad) == nil) }
    }

    @Test("Comparisons divide Herald's figures by the peer's, skipping zero and missing values")
    func ratios() {
        var herald = BenchReport(scenario: "fanout", url: "ws://a", parameters: ["subscribers": "10"])
        herald.add("deliveries/s", 300.0)
        herald.add("notifications lost", 0)
        herald.add("upserts/s", 3.0)
        var nats = BenchReport(scenario: "fanout", url: "ws://b", parameters: ["server": "nats-server"])
        nats.add("deliveries/s", 200.0)
        nats.add("notifications lost", 0)
        nats.add("publishes/s", 2.0)
        let comparison = BenchComparison(herald: herald, nats: nats)
        #expect(comparison.ratios == ["deliveries/s": 1.5])
        #expect(comparison.table.contains("deliveries/s"))
        #expect(comparison.table.contains("1.50"))
        #expect(herald.metric("upserts/s") == 3 && herald.metric("publishes/s") == nil)
    }
}

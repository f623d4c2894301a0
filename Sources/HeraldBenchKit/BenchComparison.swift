import Foundation

/// Herald and a peer server measured with the same client, shape and run: both reports side by side and
/// Herald's figure divided by the peer's for every metric both have.
public struct BenchComparison: Encodable, Sendable {
    public let scenario: String
    public let peer: String
    public let herald: BenchReport
    public let nats: BenchReport
    /// `herald ÷ peer` per metric name and latency percentile (only where the peer's value is not zero).
    public let ratios: [String: Double]

    /// Pairs `herald` with `nats`, the peer's report of the same scenario.
    public init(herald: BenchReport, nats: BenchReport) {
        scenario = herald.scenario
        peer = "nats-server"
        self.herald = herald
        self.nats = nats
        var ratios: [String: Double] = [:]
        for (name, value, peerValue) in Self.rows(herald, nats) {
            if let value, let peerValue, peerValue != 0 { ratios[name] = value / peerValue }
        }
        self.ratios = ratios
    }

    /// The side-by-side table: metric, Herald, nats-server, ratio.
    public var table: String {
        var rows: [(String, String, String, String)] = [("", "herald", peer, "herald ÷ \(peer)")]
        rows.append(("url", herald.url, nats.url, ""))
        for key in Set(herald.parameters.keys).union(nats.parameters.keys).sorted() {
            rows.append((key, herald.parameters[key] ?? "", nats.parameters[key] ?? "", ""))
        }
        let units = Dictionary((herald.metrics + nats.metrics).map { ($0.name, $0.unit) }) { first, _ in first }
        for (name, value, peerValue) in Self.rows(herald, nats) {
            let unit = units[name] ?? ""
            rows.append((unit.isEmpty ? name : "\(name) (\(unit))", value.map(BenchReport.format) ?? "", peerValue.map(BenchReport.format) ?? "",
                         ratios[name].map { String(format: "%.2f", $0) } ?? ""))
        }
        let widths = (
            rows.map(\.0.count).max() ?? 0, rows.map(\.1.count).max() ?? 0, rows.map(\.2.count).max() ?? 0)
        return rows.map { row in
            row.0.padding(toLength: widths.0, withPad: " ", startingAt: 0) + "  "
                + row.1.padding(toLength: widths.1, withPad: " ", startingAt: 0) + "  "
                + row.2.padding(toLength: widths.2, withPad: " ", startingAt: 0) + "  " + row.3
        }.joined(separator: "\n")
    }

    /// Writes the comparison as JSON to `path`.
    public func writeJSON(to path: String) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        try encoder.encode(self).write(to: URL(fileURLWithPath: path))
    }

    /// Every metric of either report (Herald's order first) and the latency percentiles, with both values.
    private static func rows(_ herald: BenchReport, _ nats: BenchReport) -> [(String, Double?, Double?)] {
        var names = herald.metrics.map(\.name)
        names += nats.metrics.map(\.name).filter { !names.contains($0) }
        var rows = names.map { ($0, herald.metric($0), nats.metric($0)) }
        let percentiles: [(String, (LatencySummary) -> Double)] = [
            ("latency p50 µs", { Double($0.p50) }), ("latency p90 µs", { Double($0.p90) }),
            ("latency p99 µs", { Double($0.p99) }), ("latency p99.9 µs", { Double($0.p999) }),
            ("latency max µs", { Double($0.max) }), ("latency mean µs", { $0.mean }),
        ]
        if herald.latency != nil || nats.latency != nil {
            rows += percentiles.map { name, value in (name, herald.latency.map(value), nats.latency.map(value)) }
        }
        return rows
    }
}

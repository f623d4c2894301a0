import Foundation

/// Latency percentiles in microseconds.
struct LatencySummary: Encodable {
    let count: Int
    let p50: UInt64
    let p90: UInt64
    let p99: UInt64
    let p999: UInt64
    let max: UInt64
    let mean: Double
}

/// The result of one run: printed as a table and optionally written as JSON.
struct BenchReport: Encodable {
    /// One named number, in the order added.
    struct Metric: Encodable {
        let name: String
        let value: Double
        let unit: String
    }

    let scenario: String
    let url: String
    let parameters: [String: String]
    private(set) var metrics: [Metric] = []
    var latency: LatencySummary?

    init(scenario: String, url: String, parameters: [String: String]) {
        self.scenario = scenario
        self.url = url
        self.parameters = parameters
    }

    /// Adds a metric row.
    mutating func add(_ name: String, _ value: Double, unit: String = "") {
        metrics.append(Metric(name: name, value: value, unit: unit))
    }

    /// Adds a count.
    mutating func add(_ name: String, _ value: Int, unit: String = "") {
        add(name, Double(value), unit: unit)
    }

    /// The human-readable table.
    var table: String {
        var rows: [(String, String)] = [("scenario", scenario), ("url", url)]
        rows += parameters.sorted { $0.key < $1.key }.map { ($0.key, $0.value) }
        rows += metrics.map { ($0.name, Self.format($0.value) + ($0.unit.isEmpty ? "" : " " + $0.unit)) }
        if let latency {
            rows += [
                ("latency samples", String(latency.count)),
                ("latency p50", "\(latency.p50) µs"), ("latency p90", "\(latency.p90) µs"),
                ("latency p99", "\(latency.p99) µs"), ("latency p99.9", "\(latency.p999) µs"),
                ("latency max", "\(latency.max) µs"), ("latency mean", Self.format(latency.mean) + " µs"),
            ]
        }
        let width = rows.map(\.0.count).max() ?? 0
        return rows.map { $0.0.padding(toLength: width, withPad: " ", startingAt: 0) + "  " + $0.1 }
            .joined(separator: "\n")
    }

    /// Writes the report as JSON to `path`.
    func writeJSON(to path: String) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        try encoder.encode(self).write(to: URL(fileURLWithPath: path))
    }

    private static func format(_ value: Double) -> String {
        if value == value.rounded(), abs(value) < 1e15 { return String(Int(value)) }
        return String(format: "%.2f", value)
    }
}

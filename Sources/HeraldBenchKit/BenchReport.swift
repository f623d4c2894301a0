import Foundation

/// Latency percentiles in microseconds.
public struct LatencySummary: Encodable, Sendable {
    public let count: Int
    public let p50: UInt64
    public let p90: UInt64
    public let p99: UInt64
    public let p999: UInt64
    public let max: UInt64
    public let mean: Double
}

/// The result of one run: printed as a table and optionally written as JSON.
public struct BenchReport: Encodable, Sendable {
    /// One named number, in the order added.
    public struct Metric: Encodable, Sendable {
        public let name: String
        public let value: Double
        public let unit: String
    }

    public let scenario: String
    public let url: String
    public let parameters: [String: String]
    public private(set) var metrics: [Metric] = []
    public var latency: LatencySummary?

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

    /// The value of the metric called `name`, if the report has one.
    public func metric(_ name: String) -> Double? {
        metrics.first { $0.name == name }?.value
    }

    /// The human-readable table.
    public var table: String {
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
    public func writeJSON(to path: String) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        try encoder.encode(self).write(to: URL(fileURLWithPath: path))
    }

    static func format(_ value: Double) -> String {
        if value == value.rounded(), abs(value) < 1e15 { return String(Int(value)) }
        return String(format: "%.2f", value)
    }
}

extension BenchReport {
    /// The server's resident memory before and after the connections were opened, and what each
    /// connection cost; nothing when either reading is missing (no server pid given).
    mutating func addServerMemory(beforeKilobytes: Int?, afterKilobytes: Int?, connections: Int) {
        guard let beforeKilobytes, let afterKilobytes else { return }
        add("server RSS before", beforeKilobytes, unit: "kB")
        add("server RSS after", afterKilobytes, unit: "kB")
        add("server bytes per connection", Double(afterKilobytes - beforeKilobytes) * 1024 / Double(max(connections, 1)))
    }
}

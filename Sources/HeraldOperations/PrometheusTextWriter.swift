/// Builds a page in the Prometheus text exposition format (version 0.0.4).
public struct PrometheusTextWriter {
    /// The kinds of metric family the writer emits.
    public enum Kind: String, Sendable {
        case counter, gauge, histogram
    }

    /// The content type a scrape answer carries.
    public static let contentType = "text/plain; version=0.0.4; charset=utf-8"

    /// The page so far.
    public private(set) var text = ""

    public init() {}

    /// Starts a family: its `# HELP` and `# TYPE` lines.
    public mutating func family(_ name: String, _ kind: Kind, help: String) {
        text += "# HELP \(name) \(Self.escapeHelp(help))\n# TYPE \(name) \(kind.rawValue)\n"
    }

    /// One sample line.
    public mutating func sample(_ name: String, labels: KeyValuePairs<String, String> = [:], _ value: Int) {
        line(name, labels: Array(labels), value: String(value))
    }

    /// One sample line with a floating-point value.
    public mutating func sample(_ name: String, labels: KeyValuePairs<String, String> = [:], _ value: Double) {
        line(name, labels: Array(labels), value: Self.format(value))
    }

    /// A whole family with one unlabelled sample.
    public mutating func single(_ name: String, _ kind: Kind, help: String, _ value: Int) {
        family(name, kind, help: help)
        sample(name, value)
    }

    /// A histogram family from per-bucket counts (not cumulative; one more count than bounds, for `+Inf`).
    public mutating func histogram(_ name: String, help: String, bounds: [Double], counts: [Int], sum: Double) {
        precondition(counts.count == bounds.count + 1, "one count per bound plus +Inf")
        family(name, .histogram, help: help)
        var cumulative = 0
        for (index, count) in counts.enumerated() {
            cumulative += count
            let bound = index < bounds.count ? Self.format(bounds[index]) : "+Inf"
            line(name + "_bucket", labels: [("le", bound)], value: String(cumulative))
        }
        line(name + "_sum", labels: [], value: Self.format(sum))
        line(name + "_count", labels: [], value: String(cumulative))
    }

    private mutating func line(_ name: String, labels: [(key: String, value: String)], value: String) {
        text += name
        if !labels.isEmpty {
            text += "{"
            for (index, label) in labels.enumerated() {
                if index > 0 { text += "," }
                text += "\(label.key)=\"\(Self.escapeLabel(label.value))\""
            }
            text += "}"
        }
        text += " \(value)\n"
    }

    static func format(_ value: Double) -> String {
        if value.isNaN { return "NaN" }
        if value.isInfinite { return value > 0 ? "+Inf" : "-Inf" }
        return "\(value)"
    }

    private static func escapeHelp(_ text: String) -> String {
        text.replacing("\\", with: "\\\\").replacing("\n", with: "\\n")
    }

    static func escapeLabel(_ text: String) -> String {
        text.replacing("\\", with: "\\\\").replacing("\"", with: "\\\"").replacing("\n", with: "\\n")
    }
}

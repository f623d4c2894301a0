import Histogram

/// Latencies in microseconds, recorded into an HdrHistogram (3 significant digits, up to 10 minutes).
struct LatencyRecorder {
    private(set) var histogram = Histogram<UInt64>(highestTrackableValue: 600_000_000, numberOfSignificantValueDigits: .three)

    /// Records `nanoseconds` (clamped to the tracked range).
    @inline(__always)
    mutating func record(nanoseconds: UInt64) {
        let micros = min(max(nanoseconds / 1000, 1), 600_000_000)
        _ = histogram.record(micros)
    }

    /// Percentiles and extremes of what was recorded.
    var summary: LatencySummary {
        LatencySummary(
            count: Int(histogram.totalCount),
            p50: histogram.valueAtPercentile(50),
            p90: histogram.valueAtPercentile(90),
            p99: histogram.valueAtPercentile(99),
            p999: histogram.valueAtPercentile(99.9),
            max: histogram.totalCount == 0 ? 0 : histogram.max,
            mean: histogram.totalCount == 0 ? 0 : histogram.mean)
    }
}

import ArgumentParser
import Glibc
import HeraldBenchKit

/// Options every scenario takes.
struct CommonOptions: ParsableArguments {
    @Option(help: "Server WebSocket URL.")
    var url = "ws://127.0.0.1:7512"

    @Option(help: "Measured run time in seconds.")
    var duration = 10.0

    @Option(help: "Also write the report as JSON to this file.")
    var json: String?

    @Option(help: "Index used by the run (created when missing).")
    var index = "herald-bench"

    @Option(help: "Collection used by the run (created when missing).")
    var collection = "bench"

    @Option(help: "Most connections handshaking at the same time while ramping up.")
    var rampConcurrency = 256

    /// The parsed URL.
    func webSocketURL() throws -> WebSocketURL {
        guard let url = WebSocketURL(url) else { throw ValidationError("--url must look like ws://host:port/path") }
        return url
    }

    func validate() throws {
        _ = try webSocketURL()
        guard duration > 0 else { throw ValidationError("--duration must be positive") }
        guard rampConcurrency > 0 else { throw ValidationError("--ramp-concurrency must be positive") }
    }

    /// Prints `report` on stdout and writes it to `--json` when asked.
    func emit(_ report: BenchReport) throws {
        print(report.table)
        if let json { try report.writeJSON(to: json) }
    }

    /// Prints `comparison` on stdout and writes it to `--json` when asked.
    func emit(_ comparison: BenchComparison) throws {
        print(comparison.table)
        if let json { try comparison.writeJSON(to: json) }
    }

    /// Lifts the open-file limit to its hard maximum so thousands of sockets fit.
    func raiseOpenFileLimit() {
        var limit = rlimit()
        guard getrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit) == 0, limit.rlim_cur < limit.rlim_max else { return }
        limit.rlim_cur = limit.rlim_max
        _ = setrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit)
    }
}

import Foundation
import Glibc

/// A nats-server started on loopback for a comparison run: WebSocket listener without TLS, optionally
/// pinned to one CPU with `taskset`. Stopped by pid (SIGTERM, then SIGKILL) in ``stop()``.
public final class NatsServerProcess {
    /// The WebSocket listener, `ws://127.0.0.1:<port>/`.
    public let webSocketURL: WebSocketURL
    private let process = Process()
    private let directory: String
    private var isStopped = false

    /// Writes a configuration file, starts `executable` (looked up in `PATH` when it has no slash) and waits
    /// up to `timeoutSeconds` for the WebSocket port to accept connections.
    public init(
        executable: String, webSocketPort: UInt16, clientPort: UInt16, cpu: Int?, timeoutSeconds: Double = 10
    ) throws(BenchError) {
        guard let url = WebSocketURL("ws://127.0.0.1:\(webSocketPort)/") else {
            throw BenchError("bad WebSocket port \(webSocketPort)")
        }
        webSocketURL = url
        guard let server = Self.locate(executable) else { throw BenchError("\(executable) not found in PATH") }
        var template = Array("/tmp/herald-bench-nats-XXXXXX".utf8CString)
        guard let made = mkdtemp(&template) else { throw .system("mkdtemp", errno: errno) }
        directory = String(cString: made)
        let configuration = """
            host: "127.0.0.1"
            port: \(clientPort)
            websocket {
              host: "127.0.0.1"
              port: \(webSocketPort)
              no_tls: true
            }

            """
        let configPath = directory + "/nats.conf"
        let logPath = directory + "/nats.log"
        guard FileManager.default.createFile(atPath: configPath, contents: Data(configuration.utf8)),
              FileManager.default.createFile(atPath: logPath, contents: nil),
              let log = FileHandle(forWritingAtPath: logPath) else {
            throw BenchError("cannot write the nats-server configuration in \(directory)")
        }
        var arguments = ["-c", configPath]
        var launched = server
        if let cpu {
            guard let taskset = Self.locate("taskset") else { throw BenchError("taskset not found in PATH") }
            arguments = ["-c", String(cpu), server] + arguments
            launched = taskset
        }
        process.executableURL = URL(fileURLWithPath: launched)
        process.arguments = arguments
        process.standardOutput = log
        process.standardError = log
        do {
            try process.run()
        } catch {
            throw BenchError("cannot start \(launched): \(error)")
        }
        let deadline = MonotonicClock.now() + UInt64(timeoutSeconds * 1e9)
        while !Self.accepts(host: "127.0.0.1", port: webSocketPort) {
            guard process.isRunning, MonotonicClock.now() < deadline else {
                stop()
                let text = (try? String(contentsOfFile: logPath, encoding: .utf8)) ?? ""
                throw BenchError("nats-server did not start on port \(webSocketPort): \(text.suffix(500))")
            }
            usleep(20_000)
        }
    }

    deinit {
        stop()
    }

    /// The server's process id (taskset execs it, so the pid is the server's own).
    public var pid: Int32 { process.processIdentifier }

    /// Stops the server: SIGTERM, up to 5 s of grace, then SIGKILL; removes its files.
    public func stop() {
        guard !isStopped else { return }
        isStopped = true
        if process.isRunning {
            kill(pid, SIGTERM)
            let deadline = MonotonicClock.now() + 5_000_000_000
            while process.isRunning && MonotonicClock.now() < deadline { usleep(10_000) }
            if process.isRunning { kill(pid, SIGKILL) }
            process.waitUntilExit()
        }
        try? FileManager.default.removeItem(atPath: directory)
    }

    /// `name` itself when it contains a slash, else the first executable of that name in `PATH`.
    private static func locate(_ name: String) -> String? {
        if name.contains("/") { return access(name, X_OK) == 0 ? name : nil }
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/local/bin:/usr/bin:/bin:/usr/sbin:/sbin"
        for directory in path.split(separator: ":") {
            let candidate = "\(directory)/\(name)"
            if access(candidate, X_OK) == 0 { return candidate }
        }
        return nil
    }

    /// True when a blocking TCP connect to `host:port` succeeds.
    private static func accepts(host: String, port: UInt16) -> Bool {
        guard let address = try? SocketAddress.resolve(host: host, port: port) else { return false }
        let fd = socket(address.family, Int32(SOCK_STREAM.rawValue | SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { return false }
        defer { close(fd) }
        return address.withSockAddr { connect(fd, $0, $1) } == 0
    }
}

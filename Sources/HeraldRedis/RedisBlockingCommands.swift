import CHiredis
import Glibc

/// Commands run once before the server's loop runs (what a node must read from Redis to start),
/// with the login, reconnection and command timeout of ``RedisClient``, on a private libev loop
/// that lives only for the call.
///
/// Concurrency: blocks the calling thread until every reply came or the deadline passed.
public enum RedisBlockingCommands {
    /// Why the commands got no replies.
    public struct Failure: Error, CustomStringConvertible {
        public let description: String

        public init(description: String) {
            self.description = description
        }
    }

    /// Sends `commands` (pipelined, again from the first on each new connection, so they must be
    /// safe to repeat) and answers their replies, in order; waits at most `timeout` seconds for
    /// Redis to be reachable and to answer them all.
    public static func run(_ commands: [[String]], url: RedisURL, timeout: Double) throws(Failure) -> [RedisReply] {
        guard let loop = ev_loop_new(UInt32(EVFLAG_AUTO)) else { throw Failure(description: "cannot create an event loop") }
        defer { ev_loop_destroy(loop) }
        let client = RedisClient(url: url, loop: loop)
        let progress = Progress()
        var lastProblem = "no answer"
        client.onReady = { [unowned client] in
            progress.replies.removeAll()
            for command in commands {
                client.send(command) { result in
                    if case .success(let reply) = result { progress.replies.append(reply) }
                }
            }
        }
        client.onDisconnect = { reason in lastProblem = reason }
        client.start()
        let deadline = ev_time() + timeout
        while progress.replies.count < commands.count, ev_time() < deadline {
            ev_run(loop, Int32(EVRUN_ONCE))
        }
        client.close()
        guard progress.replies.count == commands.count else {
            throw Failure(description: "Redis at \(url) did not answer within \(Int(timeout)) s (\(lastProblem))")
        }
        return progress.replies
    }

    /// The replies received on the current connection. Used on the calling thread only.
    private final class Progress {
        var replies: [RedisReply] = []
    }
}

import CLibWebSockets
import Glibc

/// The server's listening socket, watched on its libev loop: every accepted connection is handed
/// to libwebsockets (`lws_adopt_socket_vhost`). Herald listens itself rather than let
/// libwebsockets 4.1 do it, for two reasons: out of file descriptors, libwebsockets' listener
/// retries `accept` in a busy loop, logging each failure, where this one pauses for a second
/// (``acceptPending(into:)``, ``resume()``); and it sets `SO_REUSEPORT` only when it runs several
/// service threads, where a server started with ``WebSocketServerConfiguration/sharesPort`` shares
/// its port with other processes.
///
/// Concurrency: used on the service thread only, where its watcher runs.
final class Listener {
    /// Pending connections the kernel queues for this process.
    static let backlog: Int32 = 4096

    private let descriptor: Int32
    /// The port bound (the one the kernel picked when asked for port 0).
    let port: Int
    private let watcher: UnsafeMutablePointer<ev_io>
    /// The loop watching the socket, once started.
    private var loop: OpaquePointer?
    private var isOpen = true
    /// Out of file descriptors (or kernel memory): not watched until the next ``resume()``.
    private var isPaused = false

    /// Binds and listens on `host:port`, with `SO_REUSEPORT` when `shared`.
    init(host: String, port: Int, shared: Bool) throws(WebSocketServer.StartError) {
        descriptor = herald_listen(host, Int32(port), Self.backlog, shared ? 1 : 0)
        guard descriptor >= 0 else {
            let reason = String(cString: strerror(errno))
            throw WebSocketServer.StartError(description: "cannot listen on \(host):\(port): \(reason)")
        }
        self.port = Int(herald_local_port(descriptor))
        watcher = .allocate(capacity: 1)
    }

    deinit {
        stop()
        watcher.deallocate()
    }

    /// Accepts connections on `loop` from now on (its userdata is the owning server).
    func start(loop: OpaquePointer) {
        self.loop = loop
        herald_start_reader(loop, watcher, descriptor, heraldListenerReadable)
    }

    /// Stops accepting and closes the socket: the kernel refuses new connections, or sends them to
    /// the other processes sharing the port.
    func stop() {
        if let loop, !isPaused { herald_stop_reader(loop, watcher) }
        loop = nil
        if isOpen { close(descriptor) }
        isOpen = false
    }

    /// Hands every pending connection to the context's default vhost. Returns the `errno` that
    /// paused the listener when the process is out of file descriptors or the kernel out of socket
    /// memory: it then stops watching (the socket stays readable, so the loop would spin) until
    /// ``resume()``.
    func acceptPending(into context: OpaquePointer) -> Int32? {
        guard let vhost = lws_get_vhost_by_name(context, "default") else { return nil }
        while true {
            let connection = herald_accept_connection(descriptor)
            guard connection >= 0 else {
                let failure = errno
                guard Self.pausingFailures.contains(failure), let loop else { return nil }
                herald_stop_reader(loop, watcher)
                isPaused = true
                return failure
            }
            // On failure libwebsockets closes the descriptor itself.
            _ = lws_adopt_socket_vhost(vhost, connection)
        }
    }

    /// `accept` failures that last until something else is freed, unlike a connection reset
    /// before it was accepted (`ECONNABORTED`) or none pending (`EAGAIN`).
    private static let pausingFailures: Set<Int32> = [EMFILE, ENFILE, ENOBUFS, ENOMEM]

    /// Watches the socket again after ``acceptPending(into:)`` paused it.
    func resume() {
        guard isPaused, let loop else { return }
        isPaused = false
        herald_start_reader(loop, watcher, descriptor, heraldListenerReadable)
    }
}

/// The libev callback: connections are pending on the listener of the server owning the loop.
private func heraldListenerReadable(_ loop: OpaquePointer?, _ watcher: UnsafeMutablePointer<ev_io>?, _ events: Int32) {
    guard let loop, let owner = ev_userdata(loop) else { return }
    Unmanaged<WebSocketServer>.fromOpaque(owner).takeUnretainedValue().acceptConnections()
}

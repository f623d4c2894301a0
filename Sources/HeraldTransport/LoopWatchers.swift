import CLibWebSockets

/// The libev loop a server runs on and the watchers the server adds to it: the once-a-second
/// sweep timer, the prepare watcher that ends every loop pass, and the shutdown deadline. Owned by
/// one ``WebSocketServer``; used on its service thread only.
final class LoopWatchers {
    let loop: OpaquePointer
    /// The loop as libwebsockets' `foreign_loops` wants it.
    let foreignLoops: UnsafeMutablePointer<UnsafeMutableRawPointer?>
    /// Ends the loop if connections are slow to close during a shutdown.
    private let shutdownTimer = UnsafeMutablePointer<ev_timer>.allocate(capacity: 1)
    /// Ends each loop pass (flush), just before the loop blocks.
    private let prepare = UnsafeMutablePointer<ev_prepare>.allocate(capacity: 1)
    /// The idle sweep and the close-frame deadlines, once a second.
    private let sweepTimer = UnsafeMutablePointer<ev_timer>.allocate(capacity: 1)

    init() {
        loop = ev_loop_new(UInt32(EVFLAG_AUTO))
        foreignLoops = .allocate(capacity: 1)
        foreignLoops.initialize(to: UnsafeMutableRawPointer(loop))
    }

    /// Starts the sweep and the prepare watcher; `owner` is the unretained ``WebSocketServer``.
    func start(owner: UnsafeMutableRawPointer) {
        ev_set_userdata(loop, owner)
        herald_start_repeating_timer(loop, sweepTimer, 1.0, heraldSweep)
        herald_start_prepare(loop, prepare, heraldEndOfLoopPass)
    }

    /// Ends the loop after `seconds` even if connections are still open.
    func breakLoop(after seconds: Double) {
        herald_break_loop_after(loop, shutdownTimer, seconds)
    }

    func stop() {
        herald_stop_timer(loop, sweepTimer)
        herald_stop_prepare(loop, prepare)
    }

    /// Frees the loop and the watchers; only after the context is destroyed.
    func release() {
        ev_loop_destroy(loop)
        foreignLoops.deallocate()
        shutdownTimer.deallocate()
        sweepTimer.deallocate()
        prepare.deallocate()
    }
}

/// The C entry point libwebsockets calls for every protocol event; forwards to the server that owns the context.
func heraldServerCallback(
    _ wsi: OpaquePointer?, _ reason: lws_callback_reasons, _ session: UnsafeMutableRawPointer?,
    _ input: UnsafeMutableRawPointer?, _ length: Int
) -> Int32 {
    guard let wsi, let context = lws_get_context(wsi), let owner = lws_context_user(context) else {
        return lws_callback_http_dummy(wsi, reason, session, input, length)
    }
    let server = Unmanaged<WebSocketServer>.fromOpaque(owner).takeUnretainedValue()
    return server.handle(wsi: wsi, reason: reason, session: session, input: input, length: length)
}

/// The libev timer callback: the once-a-second sweep of the server owning the loop.
private func heraldSweep(_ loop: OpaquePointer?, _ timer: UnsafeMutablePointer<ev_timer>?, _ events: Int32) {
    guard let loop, let owner = ev_userdata(loop) else { return }
    Unmanaged<WebSocketServer>.fromOpaque(owner).takeUnretainedValue().sweep()
}

/// The libev prepare callback: the end of a loop pass of the server owning the loop.
private func heraldEndOfLoopPass(_ loop: OpaquePointer?, _ watcher: UnsafeMutablePointer<ev_prepare>?, _ events: Int32) {
    guard let loop, let owner = ev_userdata(loop) else { return }
    Unmanaged<WebSocketServer>.fromOpaque(owner).takeUnretainedValue().endOfLoopPass()
}

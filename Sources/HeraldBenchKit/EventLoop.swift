internal import CHeraldBenchSys
import Glibc

/// A level-triggered epoll instance: descriptors are registered with a 64-bit token handed back with
/// their readiness. Single-threaded: one loop belongs to the thread that polls it.
final class EventLoop {
    /// Readiness reported for one descriptor.
    struct Readiness {
        let token: UInt64
        let events: UInt32

        var isReadable: Bool { events & (EPOLLIN.rawValue | EPOLLHUP.rawValue | EPOLLERR.rawValue) != 0 }
        var isWritable: Bool { events & (EPOLLOUT.rawValue | EPOLLHUP.rawValue | EPOLLERR.rawValue) != 0 }
    }

    /// Interest in input (and the peer's half-close).
    static let readable = EPOLLIN.rawValue | EPOLLRDHUP.rawValue
    /// Interest in input and in room to write.
    static let readableAndWritable = readable | EPOLLOUT.rawValue

    private let epollFD: Int32
    private let events: UnsafeMutableRawPointer
    private let batchSize: Int32

    /// A loop that reports at most `batchSize` descriptors per wait.
    init(batchSize: Int32 = 1024) throws(BenchError) {
        epollFD = epoll_create1(Int32(EPOLL_CLOEXEC))
        guard epollFD >= 0 else { throw .system("epoll_create1", errno: errno) }
        self.batchSize = batchSize
        events = .allocate(byteCount: Int(batchSize) * chb_epoll_event_size(), alignment: 8)
    }

    deinit {
        events.deallocate()
        close(epollFD)
    }

    /// Starts watching `fd` for `interest` (``readable`` or ``readableAndWritable``).
    func add(_ fd: Int32, token: UInt64, interest: UInt32) throws(BenchError) {
        try control(EPOLL_CTL_ADD, fd, token: token, interest: interest)
    }

    /// Changes what `fd` is watched for.
    func modify(_ fd: Int32, token: UInt64, interest: UInt32) throws(BenchError) {
        try control(EPOLL_CTL_MOD, fd, token: token, interest: interest)
    }

    /// Stops watching `fd` (closing it does this too).
    func remove(_ fd: Int32) {
        _ = chb_epoll_ctl(epollFD, EPOLL_CTL_DEL, fd, 0, 0)
    }

    /// Waits up to `timeoutMilliseconds` (0: just look) and calls `body` for each ready descriptor.
    func wait(timeoutMilliseconds: Int32, _ body: (Readiness) -> Void) throws(BenchError) {
        let count = chb_epoll_wait(epollFD, events, batchSize, timeoutMilliseconds)
        if count < 0 {
            if errno == EINTR { return }
            throw .system("epoll_wait", errno: errno)
        }
        for index in 0..<count {
            body(Readiness(token: chb_epoll_event_token(events, index), events: chb_epoll_event_flags(events, index)))
        }
    }

    private func control(_ operation: Int32, _ fd: Int32, token: UInt64, interest: UInt32) throws(BenchError) {
        guard chb_epoll_ctl(epollFD, operation, fd, interest, token) == 0 else {
            throw .system("epoll_ctl", errno: errno)
        }
    }
}

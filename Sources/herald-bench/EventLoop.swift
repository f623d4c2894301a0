import Glibc

/// A level-triggered epoll instance: descriptors are registered with a 64-bit token handed back with
/// their readiness. Single-threaded: one loop belongs to the thread that polls it.
final class EventLoop {
    /// Readiness reported for one descriptor.
    struct Readiness {
        let token: UInt64
        let events: UInt32

        var isReadable: Bool { events & (GlibcExtras.epollIn | GlibcExtras.epollHup | GlibcExtras.epollErr) != 0 }
        var isWritable: Bool { events & (GlibcExtras.epollOut | GlibcExtras.epollHup | GlibcExtras.epollErr) != 0 }
    }

    /// Interest in input (and the peer's half-close).
    static let readable = GlibcExtras.epollIn | GlibcExtras.epollRdHup
    /// Interest in input and in room to write.
    static let readableAndWritable = readable | GlibcExtras.epollOut

    private let epollFD: Int32
    private let events: UnsafeMutableRawBufferPointer
    private let batchSize: Int

    /// A loop that reports at most `batchSize` descriptors per wait.
    init(batchSize: Int = 1024) throws(BenchError) {
        epollFD = GlibcExtras.epollCreate1(GlibcExtras.epollCloexec)
        guard epollFD >= 0 else { throw .system("epoll_create1", errno: errno) }
        self.batchSize = batchSize
        events = .allocate(byteCount: batchSize * GlibcExtras.epollEventSize, alignment: 8)
    }

    deinit {
        events.deallocate()
        close(epollFD)
    }

    /// Starts watching `fd` for `interest` (``readable`` or ``readableAndWritable``).
    func add(_ fd: Int32, token: UInt64, interest: UInt32) throws(BenchError) {
        try control(GlibcExtras.epollControlAdd, fd, token: token, interest: interest)
    }

    /// Changes what `fd` is watched for.
    func modify(_ fd: Int32, token: UInt64, interest: UInt32) throws(BenchError) {
        try control(GlibcExtras.epollControlModify, fd, token: token, interest: interest)
    }

    /// Stops watching `fd` (closing it does this too).
    func remove(_ fd: Int32) {
        var unused = (UInt64(0), UInt64(0))
        _ = withUnsafeMutableBytes(of: &unused) {
            GlibcExtras.epollControl(epollFD, GlibcExtras.epollControlDelete, fd, $0.baseAddress)
        }
    }

    /// Waits up to `timeoutMilliseconds` (0: just look) and calls `body` for each ready descriptor.
    func wait(timeoutMilliseconds: Int32, _ body: (Readiness) -> Void) throws(BenchError) {
        let count = GlibcExtras.epollWait(epollFD, events.baseAddress, Int32(batchSize), timeoutMilliseconds)
        if count < 0 {
            if errno == EINTR { return }
            throw .system("epoll_wait", errno: errno)
        }
        for index in 0..<Int(count) {
            let offset = index * GlibcExtras.epollEventSize
            body(Readiness(
                token: events.loadUnaligned(fromByteOffset: offset + GlibcExtras.epollEventDataOffset, as: UInt64.self),
                events: events.loadUnaligned(fromByteOffset: offset, as: UInt32.self)))
        }
    }

    private func control(_ operation: Int32, _ fd: Int32, token: UInt64, interest: UInt32) throws(BenchError) {
        var event = (UInt64(0), UInt64(0))
        let status = withUnsafeMutableBytes(of: &event) { raw in
            raw.storeBytes(of: interest, toByteOffset: 0, as: UInt32.self)
            raw.storeBytes(of: token, toByteOffset: GlibcExtras.epollEventDataOffset, as: UInt64.self)
            return GlibcExtras.epollControl(epollFD, operation, fd, raw.baseAddress)
        }
        guard status == 0 else { throw .system("epoll_ctl", errno: errno) }
    }
}

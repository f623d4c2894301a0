import Glibc

/// A non-blocking TCP client socket (a thin layer over the file descriptor; the owner closes it).
struct TCPSocket {
    /// Result of a read.
    enum ReadResult {
        case bytes(Int)
        case wouldBlock
        case endOfStream
        case failed(errno: Int32)
    }

    let fd: Int32

    /// Creates a socket and starts connecting to `address`; completion is signalled by writability.
    static func connect(to address: SocketAddress) throws(BenchError) -> TCPSocket {
        let fd = socket(address.family, Int32(SOCK_STREAM.rawValue | SOCK_NONBLOCK.rawValue | SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { throw .system("socket", errno: errno) }
        var one: Int32 = 1
        _ = setsockopt(fd, Int32(IPPROTO_TCP), TCP_NODELAY, &one, socklen_t(MemoryLayout<Int32>.size))
        let status = address.withSockAddr { Glibc.connect(fd, $0, $1) }
        if status != 0 && errno != EINPROGRESS {
            let code = errno
            Glibc.close(fd)
            throw .system("connect", errno: code)
        }
        return TCPSocket(fd: fd)
    }

    /// The pending error of an asynchronous connect (0 when connected).
    func connectError() -> Int32 {
        var code: Int32 = 0
        var length = socklen_t(MemoryLayout<Int32>.size)
        guard getsockopt(fd, SOL_SOCKET, SO_ERROR, &code, &length) == 0 else { return errno }
        return code
    }

    /// Reads what is available into `buffer`.
    func read(into buffer: UnsafeMutableRawBufferPointer) -> ReadResult {
        while true {
            let count = Glibc.read(fd, buffer.baseAddress, buffer.count)
            if count > 0 { return .bytes(count) }
            if count == 0 { return .endOfStream }
            switch errno {
            case EINTR: continue
            case EAGAIN, EWOULDBLOCK: return .wouldBlock
            case let code: return .failed(errno: code)
            }
        }
    }

    /// Writes as much of `bytes` as the socket takes; returns the count, 0 when it would block, or the error.
    func write(_ bytes: UnsafeRawBufferPointer) -> Result<Int, BenchError> {
        while true {
            let count = send(fd, bytes.baseAddress, bytes.count, Int32(MSG_NOSIGNAL))
            if count >= 0 { return .success(count) }
            switch errno {
            case EINTR: continue
            case EAGAIN, EWOULDBLOCK: return .success(0)
            case let code: return .failure(.system("send", errno: code))
            }
        }
    }

    /// Closes the descriptor.
    func close() {
        Glibc.close(fd)
    }
}

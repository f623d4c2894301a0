import Glibc

/// A resolved IPv4 or IPv6 TCP endpoint.
struct SocketAddress {
    private var storage = sockaddr_storage()
    private var length: socklen_t = 0
    /// `AF_INET` or `AF_INET6`.
    private(set) var family: Int32 = AF_INET

    /// Resolves `host` (name or literal) and `port` with `getaddrinfo`, taking the first TCP answer.
    static func resolve(host: String, port: UInt16) throws(BenchError) -> SocketAddress {
        var hints = addrinfo()
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        hints.ai_family = AF_UNSPEC
        var result: UnsafeMutablePointer<addrinfo>?
        let status = getaddrinfo(host, String(port), &hints, &result)
        guard status == 0, let first = result else {
            throw BenchError("cannot resolve \(host): \(String(cString: gai_strerror(status)))")
        }
        defer { freeaddrinfo(result) }
        var address = SocketAddress()
        address.family = first.pointee.ai_family
        address.length = first.pointee.ai_addrlen
        withUnsafeMutableBytes(of: &address.storage) { target in
            target.copyMemory(from: UnsafeRawBufferPointer(start: first.pointee.ai_addr, count: Int(first.pointee.ai_addrlen)))
        }
        return address
    }

    /// Calls `body` with the address as `sockaddr`.
    func withSockAddr<R>(_ body: (UnsafePointer<sockaddr>, socklen_t) -> R) -> R {
        withUnsafeBytes(of: storage) { raw in
            body(raw.baseAddress!.assumingMemoryBound(to: sockaddr.self), length)
        }
    }
}

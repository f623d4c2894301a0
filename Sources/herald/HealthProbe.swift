import Glibc

/// `herald --healthcheck URL`: a minimal HTTP/1.0 GET for container health checks, so the runtime
/// image needs no curl. Succeeds when the server answers 200 within the timeout.
enum HealthProbe {
    /// Returns a process exit status: 0 for a 200 answer, 1 otherwise (the reason on standard error).
    static func run(url: String, timeoutSeconds: Int = 3) -> Int32 {
        guard let target = Target(url) else { return fail("not an http:// URL: \(url)") }
        var hints = addrinfo()
        hints.ai_family = AF_UNSPEC
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        var found: UnsafeMutablePointer<addrinfo>?
        guard getaddrinfo(target.host, String(target.port), &hints, &found) == 0, let address = found else {
            return fail("cannot resolve \(target.host)")
        }
        defer { freeaddrinfo(found) }
        let socket = Glibc.socket(address.pointee.ai_family, address.pointee.ai_socktype, address.pointee.ai_protocol)
        guard socket >= 0 else { return fail("cannot create a socket") }
        defer { close(socket) }
        var timeout = timeval(tv_sec: timeoutSeconds, tv_usec: 0)
        setsockopt(socket, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        setsockopt(socket, SOL_SOCKET, SO_SNDTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        guard connect(socket, address.pointee.ai_addr, address.pointee.ai_addrlen) == 0 else {
            return fail("cannot connect to \(target.host):\(target.port)")
        }
        let request = Array("GET \(target.path) HTTP/1.0\r\nHost: \(target.host)\r\n\r\n".utf8)
        guard request.withUnsafeBytes({ send(socket, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }) == request.count else {
            return fail("cannot send the request")
        }
        var answer: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 1024)
        while answer.count < 64 * 1024 {
            let count = chunk.withUnsafeMutableBytes { recv(socket, $0.baseAddress, $0.count, 0) }
            if count <= 0 { break }
            answer.append(contentsOf: chunk[0..<count])
        }
        let statusLine = String(decoding: answer.prefix { $0 != UInt8(ascii: "\r") }, as: UTF8.self)
        let parts = statusLine.split(separator: " ")
        guard parts.count >= 2, parts[1] == "200" else { return fail("unhealthy: '\(statusLine)'") }
        return 0
    }

    private static func fail(_ reason: String) -> Int32 {
        let line = Array("healthcheck failed: \(reason)\n".utf8)
        line.withUnsafeBytes { _ = write(STDERR_FILENO, $0.baseAddress, $0.count) }
        return 1
    }

    /// Host, port and path of an `http://host[:port]/path` URL (IPv6 hosts in brackets).
    struct Target {
        let host: String
        let port: Int
        let path: String

        init?(_ url: String) {
            guard url.hasPrefix("http://") else { return nil }
            let rest = url.dropFirst("http://".count)
            let authority = rest.prefix { $0 != "/" }
            path = rest.count > authority.count ? String(rest.dropFirst(authority.count)) : "/"
            var hostPart = Substring(authority)
            var portText: Substring = "80"
            if hostPart.hasPrefix("["), let close = hostPart.firstIndex(of: "]") {
                let after = hostPart[hostPart.index(after: close)...]
                if after.hasPrefix(":") { portText = after.dropFirst() }
                hostPart = hostPart[hostPart.index(after: hostPart.startIndex)..<close]
            } else if let colon = hostPart.lastIndex(of: ":") {
                portText = hostPart[hostPart.index(after: colon)...]
                hostPart = hostPart[..<colon]
            }
            guard !hostPart.isEmpty, let port = Int(portText), (1...65535).contains(port) else { return nil }
            host = String(hostPart)
            self.port = port
        }
    }
}

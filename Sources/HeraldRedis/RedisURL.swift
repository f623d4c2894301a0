/// Where a Redis server is and how to log in: `redis://[[user]:password@]host[:port][/db]`.
///
/// A plain value, parsed once from the configuration.
public struct RedisURL: Sendable, Equatable, CustomStringConvertible {
    public let host: String
    public let port: Int
    /// Sent with `AUTH` on every connection when set.
    public let password: String?
    /// Selected with `SELECT` on every connection when not 0.
    public let database: Int

    /// Why a URL was refused.
    public struct ParseError: Error, Equatable, CustomStringConvertible {
        public let description: String
    }

    public init(host: String, port: Int = 6379, password: String? = nil, database: Int = 0) {
        self.host = host
        self.port = port
        self.password = password
        self.database = database
    }

    /// Parses `redis://[[user]:password@]host[:port][/db]` (the user name, which Redis 5 ignores, is dropped).
    public init(parsing text: String) throws(ParseError) {
        let scheme = "redis://"
        guard text.hasPrefix(scheme) else {
            throw ParseError(description: "a Redis URL starts with redis:// (got \"\(text)\")")
        }
        var rest = Substring(text.dropFirst(scheme.count))
        var password: String?
        if let at = rest.lastIndex(of: "@") {
            let credentials = rest[..<at]
            rest = rest[rest.index(after: at)...]
            if let colon = credentials.firstIndex(of: ":") {
                password = String(credentials[credentials.index(after: colon)...])
            } else {
                password = String(credentials)
            }
            if password?.isEmpty == true { password = nil }
        }
        var database = 0
        if let slash = rest.firstIndex(of: "/") {
            let path = rest[rest.index(after: slash)...]
            rest = rest[..<slash]
            if !path.isEmpty {
                guard let number = Int(path), number >= 0 else {
                    throw ParseError(description: "the database of a Redis URL is a number (got \"\(path)\")")
                }
                database = number
            }
        }
        var port = 6379
        if let colon = rest.lastIndex(of: ":") {
            guard let number = Int(rest[rest.index(after: colon)...]), (1...65535).contains(number) else {
                throw ParseError(description: "the port of a Redis URL is a number from 1 to 65535 (got \"\(text)\")")
            }
            port = number
            rest = rest[..<colon]
        }
        guard !rest.isEmpty else { throw ParseError(description: "a Redis URL names a host (got \"\(text)\")") }
        self.init(host: String(rest), port: port, password: password, database: database)
    }

    /// The URL without its password (for logs).
    public var description: String {
        "redis://\(password == nil ? "" : ":***@")\(host):\(port)\(database == 0 ? "" : "/\(database)")"
    }
}

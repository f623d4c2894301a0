/// Turns an HTTP request into the Kuzzle request frame the WebSocket path would have received,
/// following Kuzzle's HTTP router: query arguments, then path placeholders, then the route's
/// controller and action, the JSON body as `body`, `Authorization: Bearer` as `jwt`,
/// `X-Kuzzle-Volatile` as `volatile`. `POST /_query` takes a whole request frame as its body.
///
/// Pure and immutable: safe from any thread.
public struct HTTPRequestMapper: Sendable {
    /// The frame to execute, or the error to answer with the frame members known so far.
    public enum Outcome: Sendable {
        case frame(JSONObject)
        case failure(KuzzleError, partial: JSONObject)
    }

    public let routes: HTTPRouteTable
    private let parser: JSONParser

    public init(routes: HTTPRouteTable, maximumJSONDepth: Int = JSONParser.defaultMaximumDepth) {
        self.routes = routes
        parser = JSONParser(maximumDepth: maximumJSONDepth)
    }

    /// The path of `POST` requests whose body is a whole Kuzzle request.
    public static let queryPath = "/_query"

    public func map(_ request: HTTPAPIRequest) -> Outcome {
        var partial = JSONObject()
        if let requestId = request.requestId, !requestId.isEmpty { partial["requestId"] = .string(requestId) }
        if request.verb == "POST", Self.normalized(request.path) == Self.queryPath {
            return mapWholeRequest(request, partial: partial)
        }
        guard let match = routes.match(verb: request.verb, path: request.path) else {
            if request.verb == "OPTIONS" || routes.verbs.contains(request.verb) || request.verb == "HEAD" {
                return .failure(.urlNotFound(Self.normalized(request.path)), partial: partial)
            }
            return .failure(.unsupportedVerb(request.verb), partial: partial)
        }
        var frame = JSONObject()
        for (name, value) in request.query where name != "pretty" {
            frame[name] = HTTPQueryString.typed(name: name, value: value, stringArguments: routes.stringArguments)
        }
        for (name, value) in match.arguments { frame[name] = .string(value) }
        frame["controller"] = .string(match.route.controller)
        frame["action"] = .string(match.route.action)
        if let requestId = partial["requestId"] { frame["requestId"] = requestId }
        switch parseBody(request) {
        case .success(let body?): frame["body"] = body
        case .success(nil): break
        case .failure(let error): return .failure(error, partial: frame)
        }
        if let jwt = Self.bearerToken(request.authorization) { frame["jwt"] = .string(jwt) }
        if let header = request.volatile {
            do {
                frame["volatile"] = try parser.parse(header)
            } catch {
                return .failure(.volatileParseFailed(error.message), partial: frame)
            }
        }
        return .frame(frame)
    }

    /// `POST /_query`: the body is the request; the headers fill what it leaves out.
    private func mapWholeRequest(_ request: HTTPAPIRequest, partial: JSONObject) -> Outcome {
        let body: JSONValue?
        switch parseBody(request) {
        case .success(let parsed): body = parsed
        case .failure(let error): return .failure(error, partial: partial)
        }
        guard case .object(var frame)? = body else {
            return .failure(.bodyRequired, partial: partial)
        }
        if frame["requestId"] == nil, let requestId = partial["requestId"] { frame["requestId"] = requestId }
        if frame["jwt"] == nil, let jwt = Self.bearerToken(request.authorization) { frame["jwt"] = .string(jwt) }
        if frame["volatile"] == nil, let header = request.volatile {
            do {
                frame["volatile"] = try parser.parse(header)
            } catch {
                return .failure(.volatileParseFailed(error.message), partial: frame)
            }
        }
        return .frame(frame)
    }

    /// The body as JSON (nil when empty), or the Kuzzle error for a body Kuzzle would refuse.
    private func parseBody(_ request: HTTPAPIRequest) -> Result<JSONValue?, KuzzleError> {
        if let contentType = request.contentType {
            let parts = contentType.split(separator: ";").map { $0.trimmingSpaces.lowercased() }
            let type = parts.first ?? ""
            if type != "application/json" && type != "application/x-www-form-urlencoded" && !type.isEmpty {
                return .failure(.unsupportedContent(String(contentType.split(separator: ";").first ?? "")
                    .trimmingSpaces))
            }
            for parameter in parts.dropFirst() where parameter.hasPrefix("charset=") {
                let charset = String(parameter.dropFirst("charset=".count))
                if charset != "utf-8" { return .failure(.unsupportedCharset(charset)) }
            }
            if type == "application/x-www-form-urlencoded" {
                guard !request.body.isEmpty else { return .success(nil) }
                let text = String(decoding: request.body, as: UTF8.self)
                var form = JSONObject()
                for (name, value) in HTTPQueryString.pairs(text) { form[name] = .string(value) }
                return .success(.object(form))
            }
        }
        guard request.body.contains(where: { !Self.isJSONSpace($0) }) else { return .success(nil) }
        do {
            return .success(try parser.parse(request.body))
        } catch {
            let excerpt = String(decoding: request.body.prefix(50), as: UTF8.self)
            return .failure(.bodyParseFailed(excerpt))
        }
    }

    /// The token of an `Authorization: Bearer <token>` header (scheme matched case-insensitively).
    static func bearerToken(_ header: String?) -> String? {
        guard let header, header.count > 7, header.prefix(7).lowercased() == "bearer " else { return nil }
        return String(header.dropFirst(7))
    }

    /// The path without a trailing slash, as Kuzzle reports it in `url_not_found`.
    static func normalized(_ path: String) -> String {
        path.count > 1 && path.hasSuffix("/") ? String(path.dropLast()) : path
    }

    private static func isJSONSpace(_ byte: UInt8) -> Bool {
        byte == 0x20 || byte == 0x0A || byte == 0x0D || byte == 0x09
    }
}

extension StringProtocol {
    /// The text without leading and trailing spaces and tabs.
    fileprivate var trimmingSpaces: String {
        let bytes = Array(utf8)
        guard let first = bytes.firstIndex(where: { $0 != 0x20 && $0 != 0x09 }),
              let last = bytes.lastIndex(where: { $0 != 0x20 && $0 != 0x09 }) else { return "" }
        return String(decoding: bytes[first...last], as: UTF8.self)
    }
}

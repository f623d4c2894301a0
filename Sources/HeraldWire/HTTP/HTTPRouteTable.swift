/// Kuzzle's HTTP API routes, loaded from `Protocols/http-routes.json`, and the matching of a
/// request path against them.
///
/// Matching walks a tree of segments per verb; at each level a literal segment is tried before a
/// placeholder, so `/:index/_list` beats `/:index/:collection` for `/shop/_list`, and a dead end
/// under a literal falls back to the placeholder. Immutable once built: safe from any thread.
public struct HTTPRouteTable: Sendable {
    /// Why a route table could not be loaded.
    public struct LoadError: Error, Sendable, CustomStringConvertible {
        public let description: String
    }

    /// A matched route and the arguments its placeholders captured, in pattern order.
    public struct Match: Sendable, Equatable {
        public let route: HTTPRoute
        public let arguments: [(name: String, value: String)]

        public static func == (lhs: Match, rhs: Match) -> Bool {
            lhs.route == rhs.route && lhs.arguments.elementsEqual(rhs.arguments) { $0 == $1 }
        }
    }

    /// Every route, in table order.
    public let routes: [HTTPRoute]
    /// Query-string arguments kept as strings (never typed as booleans or numbers).
    public let stringArguments: Set<String>
    private let trees: [String: Node]

    /// The verbs some route uses.
    public var verbs: Set<String> { Set(trees.keys) }

    /// Builds a table from routes; with `implemented`, only routes to those `controller` → actions.
    public init(routes: [HTTPRoute], stringArguments: Set<String> = [], implemented: [String: Set<String>]? = nil) {
        let kept = routes.filter { route in implemented.map { $0[route.controller]?.contains(route.action) ?? false } ?? true }
        self.routes = kept
        self.stringArguments = stringArguments
        var trees: [String: Node] = [:]
        for (position, route) in kept.enumerated() {
            trees[route.verb, default: Node()].insert(route.segments[...], route: position)
        }
        self.trees = trees
    }

    /// Parses the JSON table (`{"stringArguments": [...], "routes": [{verb, path, controller, action}]}`).
    public init(json bytes: [UInt8], implemented: [String: Set<String>]? = nil) throws(LoadError) {
        let value: JSONValue
        do {
            value = try JSONParser.parse(bytes)
        } catch {
            throw LoadError(description: "route table is not JSON: \(error.message)")
        }
        guard let rows = value.objectValue?["routes"]?.arrayValue else {
            throw LoadError(description: "route table has no \"routes\" array")
        }
        var routes: [HTTPRoute] = []
        for row in rows {
            guard let object = row.objectValue, let verb = object["verb"]?.stringValue,
                  let path = object["path"]?.stringValue, path.hasPrefix("/"),
                  let controller = object["controller"]?.stringValue, let action = object["action"]?.stringValue
            else { throw LoadError(description: "malformed route \(JSONWriter.encodeToString(row))") }
            routes.append(HTTPRoute(verb: verb, path: path, controller: controller, action: action,
                                    deprecated: object["deprecated"]?.boolValue ?? false))
        }
        let strings = value.objectValue?["stringArguments"]?.arrayValue?.compactMap(\.stringValue) ?? []
        self.init(routes: routes, stringArguments: Set(strings), implemented: implemented)
    }

    /// The route table compiled into the server (`Protocols/http-routes.json` at build time).
    public static func builtIn(implemented: [String: Set<String>]? = nil) -> HTTPRouteTable {
        do {
            return try HTTPRouteTable(json: Array(embeddedRoutesJSON.utf8), implemented: implemented)
        } catch {
            preconditionFailure("the embedded route table does not load: \(error)")
        }
    }

    /// The route for `verb` and a percent-decoded `path` (no query string), or nil.
    /// Empty segments are ignored, as Kuzzle does (`/a//b/` is `/a/b`).
    public func match(verb: String, path: String) -> Match? {
        guard let tree = trees[verb.uppercased()] else { return nil }
        let parts = path.split(separator: "/", omittingEmptySubsequences: true).map(String.init)
        var captured: [String] = []
        guard let position = tree.find(parts[...], captured: &captured) else { return nil }
        let route = routes[position]
        var arguments: [(name: String, value: String)] = []
        var values = captured.makeIterator()
        for case .placeholder(let name) in route.segments {
            if let value = values.next() { arguments.append((name, value)) }
        }
        return Match(route: route, arguments: arguments)
    }

    /// The routes of each controller action, in table order.
    public var routesByAction: [(controller: String, action: String, routes: [HTTPRoute])] {
        var order: [String] = []
        var grouped: [String: [HTTPRoute]] = [:]
        for route in routes {
            let key = route.controller + ":" + route.action
            if grouped[key] == nil { order.append(key) }
            grouped[key, default: []].append(route)
        }
        return order.map { key in
            let first = grouped[key]![0]
            return (first.controller, first.action, grouped[key]!)
        }
    }

    /// `server:publicApi` in Kuzzle's shape: `{controller: {action: {controller, action, http: [{verb, url}]}}}`.
    public var publicAPI: JSONValue {
        var api = JSONObject()
        for entry in routesByAction {
            var actions = api[entry.controller]?.objectValue ?? JSONObject()
            let http: [JSONValue] = entry.routes.map { .object(["url": .string($0.path), "verb": .string($0.verb)]) }
            actions[entry.action] = .object([
                "controller": .string(entry.controller), "action": .string(entry.action), "http": .array(http),
            ])
            api[entry.controller] = .object(actions)
        }
        return .object(api)
    }

    /// One level of the matching tree.
    private struct Node: Sendable {
        var literals: [String: Node] = [:]
        var placeholder: [Node] = []
        /// Table position of the route ending here; the first route of a pattern wins.
        var route: Int?

        mutating func insert(_ segments: ArraySlice<HTTPRoute.Segment>, route position: Int) {
            guard let first = segments.first else {
                if route == nil { route = position }
                return
            }
            switch first {
            case .literal(let text):
                literals[text, default: Node()].insert(segments.dropFirst(), route: position)
            case .placeholder:
                if placeholder.isEmpty { placeholder = [Node()] }
                placeholder[0].insert(segments.dropFirst(), route: position)
            }
        }

        func find(_ parts: ArraySlice<String>, captured: inout [String]) -> Int? {
            guard let first = parts.first else { return route }
            if let next = literals[first], let found = next.find(parts.dropFirst(), captured: &captured) {
                return found
            }
            guard let next = placeholder.first else { return nil }
            captured.append(first)
            if let found = next.find(parts.dropFirst(), captured: &captured) { return found }
            captured.removeLast()
            return nil
        }
    }
}

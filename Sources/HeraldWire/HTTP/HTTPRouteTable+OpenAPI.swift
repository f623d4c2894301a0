extension HTTPRouteTable {
    /// What the document says about the API it describes. A value: safe from any thread.
    public struct OpenAPIInfo: Sendable {
        public var title: String
        public var description: String
        public var version: String

        public init(title: String, description: String, version: String) {
            self.title = title
            self.description = description
            self.version = version
        }
    }

    /// The table as a Swagger 2.0 document, built the way Kuzzle's generator builds its
    /// `server:openapi` answer: one operation per path and verb (the first route wins), tagged
    /// with its controller, `Controller: …` and `Action: …` as description and summary, a
    /// required string parameter per placeholder (`:name` becomes `{name}`), and a bare `200`.
    public func openAPIDocument(_ info: OpenAPIInfo) -> JSONValue {
        var tags: [JSONValue] = []
        var tagged: Set<String> = []
        var paths = JSONObject()
        for route in routes {
            let path = Self.openAPIPath(route.path)
            let verb = route.verb.lowercased()
            var operations = paths[path]?.objectValue ?? JSONObject()
            if operations[verb] != nil { continue }
            if tagged.insert(route.controller).inserted {
                tags.append(["description": .string(Self.pascalCase(route.controller) + " Controller"),
                             "name": .string(route.controller)])
            }
            var operation = JSONObject()
            operation.append("tags", [.string(route.controller)])
            operation.append("description", .string("Controller: \(route.controller)."))
            operation.append("summary", .string("Action: \(route.action)."))
            let parameters: [JSONValue] = route.segments.compactMap { segment in
                guard case .placeholder(let name) = segment else { return nil }
                return ["in": "path", "name": .string(name), "required": true, "type": "string"]
            }
            if !parameters.isEmpty { operation.append("parameters", .array(parameters)) }
            operation.append("responses", ["200": ["description": "OK"]])
            operations.append(verb, .object(operation))
            paths[path] = .object(operations)
        }
        var document = JSONObject()
        document.append("swagger", "2.0")
        document.append("info", [
            "title": .string(info.title), "description": .string(info.description), "version": .string(info.version),
        ])
        document.append("externalDocs", [
            "description": "Kuzzle API Documentation", "url": "https://docs.kuzzle.io/core/2/api/",
        ])
        document.append("tags", .array(tags))
        document.append("schemes", ["https", "http"])
        document.append("paths", .object(paths))
        return .object(document)
    }

    /// `/:index/_create` → `/{index}/_create`.
    static func openAPIPath(_ path: String) -> String {
        path.split(separator: "/", omittingEmptySubsequences: false).map { part in
            part.first == ":" ? "{" + part.dropFirst() + "}" : String(part)
        }.joined(separator: "/")
    }

    /// `memoryStorage` → `MemoryStorage`.
    private static func pascalCase(_ name: String) -> String {
        guard let first = name.first else { return name }
        return first.uppercased() + name.dropFirst()
    }
}

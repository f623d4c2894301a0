import HeraldWire

/// The `index` and `collection` arguments, read in that order.
struct CollectionTarget {
    let index: String
    let collection: String

    init(_ request: KuzzleRequest) throws(KuzzleError) {
        index = try request.index()
        collection = try request.collection()
    }

    init(index: String, collection: String) {
        self.index = index
        self.collection = collection
    }
}

/// The options every document write reads after its `_id` and body, in Kuzzle's order: `silent`,
/// `refresh`, then `retryOnConflict` and `source` for the actions that take them.
struct WriteOptions {
    let silent: Bool
    /// `source: true`: the answer carries the whole document.
    let source: Bool

    init(_ request: KuzzleRequest, retries: Bool = false, source takesSource: Bool = false) throws(KuzzleError) {
        silent = try request.bool("silent")
        try request.validateRefresh()
        if retries { try request.validateRetryOnConflict() }
        source = takesSource ? try request.bool("source") : false
    }
}

extension KuzzleRequest {
    /// An array argument (not a body member); a string is a comma-separated list, as a query
    /// string carries one (`?ids=a,b`). `nil` when absent or `null`.
    func listArgument(_ name: String) throws(KuzzleError) -> [JSONValue]? {
        switch frame[name] {
        case nil, .null?: return nil
        case .array(let items)?: return items
        case .string(let text)?:
            return text.split(separator: ",", omittingEmptySubsequences: true).map { .string(String($0)) }
        default: throw .invalidType(name, expected: "array")
        }
    }

    /// A list argument whose items must be strings; empty when absent.
    func stringList(_ name: String) throws(KuzzleError) -> [String] {
        try (listArgument(name) ?? []).map { item throws(KuzzleError) in
            guard case .string(let text) = item else { throw .invalidType(name, expected: "string[]") }
            return text
        }
    }
}

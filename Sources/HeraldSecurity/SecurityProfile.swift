public import HeraldWire

/// Where a policy applies: one index, and optionally only some of its collections.
public struct IndexRestriction: Sendable, Equatable {
    public let index: String
    /// Empty: every collection of the index.
    public let collections: [String]

    public init(index: String, collections: [String] = []) {
        self.index = index
        self.collections = collections
    }

    /// Whether `index`/`collection` falls inside this restriction.
    func covers(index requested: String, collection: String?) -> Bool {
        guard requested == index else { return false }
        if collections.isEmpty { return true }
        guard let collection else { return true }
        return collections.contains(collection)
    }
}

/// One role of a profile, optionally limited to some indexes and collections.
public struct SecurityPolicy: Sendable, Equatable {
    public let roleId: String
    /// Empty: no restriction.
    public let restrictedTo: [IndexRestriction]

    public init(roleId: String, restrictedTo: [IndexRestriction] = []) {
        self.roleId = roleId
        self.restrictedTo = restrictedTo
    }

    /// Whether the restrictions let an action on `index`/`collection` through. An action that
    /// names no index ignores restrictions, as in Kuzzle.
    func admits(index: String?, collection: String?) -> Bool {
        if restrictedTo.isEmpty { return true }
        guard let index, !index.isEmpty else { return true }
        return restrictedTo.contains { $0.covers(index: index, collection: collection) }
    }
}

/// A Kuzzle profile: a list of policies whose rights add up. A value type.
public struct SecurityProfile: Sendable, Equatable {
    public let id: String
    public let policies: [SecurityPolicy]
    /// Requests per second allowed to each user of the profile (0: unlimited).
    public let rateLimit: Int

    public init(id: String, policies: [SecurityPolicy], rateLimit: Int = 0) {
        self.id = id
        self.policies = policies
        self.rateLimit = rateLimit
    }

    /// Reads and validates a profile body (`{policies: [{roleId, restrictedTo?}], rateLimit?}`).
    public init(id: String, body: JSONObject) throws(KuzzleError) {
        var rateLimit = 0
        if let value = body["rateLimit"], !value.isNull {
            guard let limit = value.integerValue else { throw .invalidType("rateLimit", expected: "integer") }
            guard limit >= 0 else { throw .invalidArgument("rateLimit", expected: "positive integer, or zero") }
            rateLimit = limit
        }
        guard let policiesValue = body["policies"], !policiesValue.isNull else {
            throw .missingArgument("\(id).policies")
        }
        guard case .array(let list) = policiesValue else {
            throw .invalidType("\(id).policies", expected: "object[]")
        }
        if list.isEmpty { throw .emptyArgument("\(id).policies") }
        var policies: [SecurityPolicy] = []
        for (position, item) in list.enumerated() {
            let path = "\(id).policies[\(position)]"
            guard case .object(let policy) = item else { throw .invalidType(path, expected: "object") }
            guard case .string(let roleId)? = policy["roleId"], !roleId.isEmpty else {
                throw .missingArgument("\(path).roleId")
            }
            for (member, _) in policy where member != "roleId" && member != "restrictedTo" {
                throw .unexpectedArgument("\(path).\(member)", accepted: "\"roleId\", \"restrictedTo\"")
            }
            policies.append(SecurityPolicy(roleId: roleId, restrictedTo: try Self.restrictions(policy, path: path)))
        }
        self.init(id: id, policies: policies, rateLimit: rateLimit)
    }

    private static func restrictions(_ policy: JSONObject, path: String) throws(KuzzleError) -> [IndexRestriction] {
        guard let value = policy["restrictedTo"], !value.isNull else { return [] }
        guard case .array(let list) = value else { throw .invalidType("\(path).restrictedTo", expected: "object[]") }
        var restrictions: [IndexRestriction] = []
        for (position, item) in list.enumerated() {
            let itemPath = "\(path).restrictedTo[\(position)]"
            guard case .object(let restriction) = item else { throw .invalidType(itemPath, expected: "object") }
            guard let indexValue = restriction["index"], !indexValue.isNull else {
                throw .missingArgument("\(itemPath).index")
            }
            guard case .string(let index) = indexValue else { throw .invalidType("\(itemPath).index", expected: "string") }
            var collections: [String] = []
            if let collectionsValue = restriction["collections"], !collectionsValue.isNull {
                guard case .array(let names) = collectionsValue else {
                    throw .invalidType("\(itemPath).collections", expected: "string[]")
                }
                for name in names {
                    guard case .string(let collection) = name else {
                        throw .invalidType("\(itemPath).collections", expected: "string[]")
                    }
                    collections.append(collection)
                }
            }
            for (member, _) in restriction where member != "index" && member != "collections" {
                throw .unexpectedArgument("\(itemPath).\(member)", accepted: "\"index\", \"collections\"")
            }
            restrictions.append(IndexRestriction(index: index, collections: collections))
        }
        return restrictions
    }

    /// The stored body.
    public var body: JSONObject {
        let policies: [JSONValue] = policies.map { policy in
            var object: JSONObject = ["roleId": .string(policy.roleId)]
            if !policy.restrictedTo.isEmpty {
                object["restrictedTo"] = .array(policy.restrictedTo.map { restriction in
                    var item: JSONObject = ["index": .string(restriction.index)]
                    if !restriction.collections.isEmpty {
                        item["collections"] = .array(restriction.collections.map { .string($0) })
                    }
                    return .object(item)
                })
            }
            return .object(object)
        }
        return ["policies": .array(policies), "rateLimit": .int(rateLimit)]
    }
}

public import HeraldWire

/// One rights question: may `user` run `controller:action` on `index`/`collection`?
public struct RightsQuery: Hashable, Sendable {
    public var user: String
    public var controller: String
    public var action: String
    public var index: String?
    public var collection: String?

    public init(user: String, controller: String, action: String, index: String? = nil, collection: String? = nil) {
        self.user = user
        self.controller = controller
        self.action = action
        self.index = index
        self.collection = collection
    }
}

/// One line of `getMyRights` / `getUserRights` / `getProfileRights`.
public struct RightsItem: Sendable, Equatable {
    public let controller: String
    public let action: String
    public let index: String
    public let collection: String
    public let allowed: Bool

    public var json: JSONValue {
        .object([
            "action": .string(action), "collection": .string(collection), "controller": .string(controller),
            "index": .string(index), "value": .string(allowed ? "allowed" : "denied"),
        ])
    }
}

/// Roles, profiles and users in memory, and the rights decisions drawn from them.
///
/// A decision is computed once per ``RightsQuery`` and cached; any change of a role, profile or
/// user empties the cache. Not thread-safe: owned by the one thread that serves requests.
public final class SecurityModel {
    public private(set) var roles: [String: SecurityRole] = [:]
    public private(set) var profiles: [String: SecurityProfile] = [:]
    public private(set) var users: [String: SecurityUser] = [:]
    private var decisions: [RightsQuery: Bool] = [:]
    /// user → requests per second it may send (0: unlimited), drawn from its profiles.
    private var rateLimits: [String: Int] = [:]
    /// The cache is emptied when it reaches this size (queries name client-chosen indexes).
    private let maximumCachedDecisions: Int

    public init(maximumCachedDecisions: Int = 65_536) {
        self.maximumCachedDecisions = maximumCachedDecisions
    }

    /// How many decisions are cached (for tests and metrics).
    public var cachedDecisionCount: Int { decisions.count }

    public func put(_ role: SecurityRole) { roles[role.id] = role; changed() }
    public func put(_ profile: SecurityProfile) {
        profiles[profile.id] = profile
        changed()
    }
    public func put(_ user: SecurityUser) { users[user.id] = user; changed() }

    @discardableResult public func removeRole(_ id: String) -> SecurityRole? {
        changed()
        return roles.removeValue(forKey: id)
    }

    @discardableResult public func removeProfile(_ id: String) -> SecurityProfile? {
        changed()
        return profiles.removeValue(forKey: id)
    }

    @discardableResult public func removeUser(_ id: String) -> SecurityUser? {
        changed()
        return users.removeValue(forKey: id)
    }

    /// Empties what was drawn from the roles, profiles and users.
    private func changed() {
        decisions.removeAll(keepingCapacity: true)
        rateLimits.removeAll(keepingCapacity: true)
    }

    /// The requests per second `userId` may send, 0 for unlimited: as in Kuzzle, the most
    /// permissive of its profiles' `rateLimit`, where any unlimited profile makes the user unlimited.
    public func rateLimit(ofUser userId: String) -> Int {
        if let cached = rateLimits[userId] { return cached }
        var limit = 0
        for profileId in users[userId]?.profileIds ?? [] {
            let profileLimit = profiles[profileId]?.rateLimit ?? 0
            if profileLimit == 0 {
                limit = 0
                break
            }
            limit = max(limit, profileLimit)
        }
        rateLimits[userId] = limit
        return limit
    }

    /// Profiles that use `roleId`, and users that use `profileId` (deletion guards).
    public func profiles(usingRole roleId: String) -> [String] {
        profiles.values.filter { $0.policies.contains { $0.roleId == roleId } }.map(\.id).sorted()
    }

    public func users(usingProfile profileId: String) -> [String] {
        users.values.filter { $0.profileIds.contains(profileId) }.map(\.id).sorted()
    }

    /// Whether the query is granted: some policy of some profile of the user has a role that
    /// grants the action and restrictions that admit the index/collection. Unknown users,
    /// profiles and roles grant nothing.
    public func isAllowed(_ query: RightsQuery) -> Bool {
        if let cached = decisions[query] { return cached }
        let decision = evaluate(query)
        if decisions.count >= maximumCachedDecisions { decisions.removeAll(keepingCapacity: true) }
        decisions[query] = decision
        return decision
    }

    private func evaluate(_ query: RightsQuery) -> Bool {
        guard let user = users[query.user] else { return false }
        return user.profileIds.contains { profileId in
            profileAllows(profileId, controller: query.controller, action: query.action,
                          index: query.index, collection: query.collection)
        }
    }

    /// The profile-level decision (no cache): `getProfileRights` and tests use it too.
    public func profileAllows(
        _ profileId: String, controller: String, action: String, index: String?, collection: String?
    ) -> Bool {
        guard let profile = profiles[profileId] else { return false }
        return profile.policies.contains { policy in
            guard let role = roles[policy.roleId], role.allows(controller: controller, action: action) else {
                return false
            }
            return policy.admits(index: index, collection: collection)
        }
    }

    /// Every right the profile's roles state, per restricted index/collection (`*` when
    /// unrestricted); a right granted by one policy wins over the same right denied by another.
    public func rights(ofProfile profileId: String) -> [RightsItem] {
        guard let profile = profiles[profileId] else { return [] }
        var merged: [String: RightsItem] = [:]
        var order: [String] = []
        for policy in profile.policies {
            guard let role = roles[policy.roleId] else { continue }
            let places: [(String, String)] = policy.restrictedTo.isEmpty
                ? [("*", "*")]
                : policy.restrictedTo.flatMap { restriction in
                    restriction.collections.isEmpty
                        ? [(restriction.index, "*")] : restriction.collections.map { (restriction.index, $0) }
                }
            for controller in role.controllers.keys.sorted() {
                for (action, allowed) in role.controllers[controller]!.sorted(by: { $0.key < $1.key }) {
                    for (index, collection) in places {
                        let key = "\(controller)\u{0}\(action)\u{0}\(index)\u{0}\(collection)"
                        let item = RightsItem(controller: controller, action: action, index: index,
                                              collection: collection, allowed: allowed)
                        if let existing = merged[key] {
                            if !existing.allowed && allowed { merged[key] = item }
                        } else {
                            merged[key] = item
                            order.append(key)
                        }
                    }
                }
            }
        }
        return order.map { merged[$0]! }
    }

    /// The union of the rights of the user's profiles.
    public func rights(ofUser userId: String) -> [RightsItem] {
        guard let user = users[userId] else { return [] }
        var merged: [String: RightsItem] = [:]
        var order: [String] = []
        for profileId in user.profileIds {
            for item in rights(ofProfile: profileId) {
                let key = "\(item.controller)\u{0}\(item.action)\u{0}\(item.index)\u{0}\(item.collection)"
                if let existing = merged[key] {
                    if !existing.allowed && item.allowed { merged[key] = item }
                } else {
                    merged[key] = item
                    order.append(key)
                }
            }
        }
        return order.map { merged[$0]! }
    }
}

import HeraldSecurity
import HeraldWire

/// `admin:loadSecurities`: the body `{roles, profiles, users}` (each `{id: body}`) becomes
/// `security:createOrReplaceRole`, `createOrReplaceProfile` and `createUser` requests, run in that
/// order with the caller's rights, as Kuzzle's security loader runs them.
///
/// Users that already exist fail the load (`security.user.prevent_overwrite`, nothing of the
/// users written) unless `onExistingUsers` is `skip` (they are left as they are) or `overwrite`
/// (they are deleted, then created again). Kuzzle checks `onExistingUsers` only when some user
/// exists; Herald refuses a bad value at once. Single-threaded, like the gateway that owns it.
final class SecurityLoader {
    private let model: SecurityModel
    private let actions: [String: Action]

    init(model: SecurityModel, actions: [String: Action]) {
        self.model = model
        self.actions = actions
    }

    func load(_ request: KuzzleRequest, _ effects: inout [Effect]) throws(KuzzleError) -> ActionResult {
        let body = try request.body()
        let onExisting = try request.optionalString("onExistingUsers") ?? "fail"
        guard ["fail", "skip", "overwrite"].contains(onExisting) else {
            throw .unexpectedArgument("onExistingUsers", accepted: "\"skip\", \"overwrite\", \"fail\"")
        }
        // Kuzzle's `force` lets roles name controllers it does not know; Herald's roles never
        // check controller names, so the option is only type-checked.
        _ = try request.bool("force")
        try request.validateRefresh()
        let roles = try objects(body, "roles")
        let profiles = try objects(body, "profiles")
        var users = try objects(body, "users")
        for (id, role) in roles { _ = try run("createOrReplaceRole", id: id, body: role, for: request, &effects) }
        for (id, profile) in profiles {
            _ = try run("createOrReplaceProfile", id: id, body: profile, for: request, &effects)
        }
        let existing = users.filter { model.users[$0.id] != nil }.map(\.id)
        if !existing.isEmpty {
            switch onExisting {
            case "skip": users.removeAll { existing.contains($0.id) }
            case "overwrite":
                for id in existing { _ = try run("deleteUser", id: id, body: nil, for: request, &effects) }
            default: throw .userPreventOverwrite
            }
        }
        for (id, user) in users { _ = try run("createUser", id: id, body: user, for: request, &effects) }
        return .value(["acknowledge": true])
    }

    /// `body[member]` as `(id, body)` pairs in body order; absent → none.
    private func objects(_ body: JSONObject, _ member: String) throws(KuzzleError) -> [(id: String, body: JSONObject)] {
        guard let value = body[member] else { return [] }
        guard case .object(let byID) = value else { throw .invalidType("body.\(member)", expected: "object") }
        var pairs: [(id: String, body: JSONObject)] = []
        for (id, content) in byID {
            guard case .object(let object) = content else {
                throw .invalidType("body.\(member).\(id)", expected: "object")
            }
            pairs.append((id, object))
        }
        return pairs
    }

    /// Runs one `security` action as the caller, after checking the caller may run it.
    private func run(_ action: String, id: String, body: JSONObject?, for request: KuzzleRequest,
                     _ effects: inout [Effect]) throws(KuzzleError) -> ActionResult {
        let query = RightsQuery(user: request.userID, controller: "security", action: action)
        guard model.isAllowed(query) else {
            if request.userID == SecurityUser.anonymousID {
                throw .unauthorized(controller: "security", action: action)
            }
            throw .forbidden(controller: "security", action: action, user: request.userID)
        }
        var frame: JSONObject = ["controller": "security", "action": .string(action), "_id": .string(id)]
        if let body { frame["body"] = .object(body) }
        var inner = KuzzleRequest(frame: frame, requestId: request.requestId, controller: "security", action: action,
                                  timestamp: request.timestamp, connection: request.connection,
                                  protocolName: request.protocolName)
        inner.userID = request.userID
        guard let handler = actions[action] else { throw .actionNotFound(controller: "security", action: action) }
        return try handler(inner, &effects)
    }
}

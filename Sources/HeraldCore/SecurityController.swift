import HeraldSecurity
import HeraldStore
import HeraldWire

/// `security`: users, profiles, roles and their credentials, in Kuzzle's shapes; and
/// `createFirstAdmin`, which also restricts the anonymous and default roles.
final class SecurityController: Controller {
    let name = "security"

    private let gate: SecurityGate
    private var ids = DocumentIdGenerator()
    private var store: SecurityStore { gate.store }
    private var model: SecurityModel { gate.store.model }
    /// Profiles given to users made by `createRestrictedUser` (Kuzzle's `restrictedProfileIds`).
    static let restrictedProfileIds = ["default"]

    init(gate: SecurityGate) {
        self.gate = gate
    }

    /// Every action name; each runs ``handle(_:)`` and hands the store's document effects to its commit.
    private static let names = [
        "createUser", "createRestrictedUser", "getUser", "updateUser", "replaceUser", "deleteUser", "searchUsers",
        "mGetUsers", "getUserRights",
        "createProfile", "createOrReplaceProfile", "getProfile", "updateProfile", "deleteProfile", "searchProfiles",
        "mGetProfiles", "getProfileRights",
        "createRole", "createOrReplaceRole", "getRole", "updateRole", "deleteRole", "searchRoles", "mGetRoles",
        "createCredentials", "updateCredentials", "deleteCredentials", "hasCredentials", "validateCredentials",
        "getCredentials", "createFirstAdmin",
    ]

    func actions() -> [String: Action] {
        let action: Action = { request, effects throws(KuzzleError) in try self.run(request, &effects) }
        return Dictionary(uniqueKeysWithValues: Self.names.map { ($0, action) })
    }

    /// Runs the action; the store's effects join the commit even when the action then fails.
    private func run(_ request: KuzzleRequest, _ effects: inout [Effect]) throws(KuzzleError) -> ActionResult {
        do {
            let result = try handle(request)
            effects.append(contentsOf: store.takeEffects())
            return result
        } catch {
            effects.append(contentsOf: store.takeEffects())
            throw error
        }
    }

    private func handle(_ request: KuzzleRequest) throws(KuzzleError) -> ActionResult {
        let context = DocumentController.context(request)
        switch request.action {
        case "createUser": return try createUser(request, restricted: false, context: context)
        case "createRestrictedUser": return try createUser(request, restricted: true, context: context)
        case "createFirstAdmin": return try createFirstAdmin(request, context: context)
        case "getUser": return .value(.object(SecurityObjects.user(try existingUser(request).id, in: store)))
        case "updateUser": return try updateUser(request, replace: false, context: context)
        case "replaceUser": return try updateUser(request, replace: true, context: context)
        case "deleteUser": return try deleteUser(request)
        case "searchUsers": return try search(request, collection: SecurityStore.users, serialize: SecurityObjects.user)
        case "mGetUsers": return try mGet(request, exists: { model.users[$0] != nil }, serialize: SecurityObjects.user)
        case "getUserRights":
            return Self.rights(model.rights(ofUser: try existingUser(request).id))
        case "createProfile": return try putProfile(request, mustBeNew: true, context: context)
        case "createOrReplaceProfile": return try putProfile(request, mustBeNew: false, context: context)
        case "updateProfile": return try updateProfile(request, context: context)
        case "getProfile":
            return .value(.object(SecurityObjects.profile(try existingProfile(request), in: store)))
        case "deleteProfile": return try deleteProfile(request)
        case "searchProfiles": return try searchProfiles(request)
        case "mGetProfiles":
            return try mGet(request, exists: { model.profiles[$0] != nil }, serialize: SecurityObjects.profile)
        case "getProfileRights": return Self.rights(model.rights(ofProfile: try existingProfile(request)))
        case "createRole": return try putRole(request, mustBeNew: true, context: context)
        case "createOrReplaceRole": return try putRole(request, mustBeNew: false, context: context)
        case "updateRole": return try updateRole(request, context: context)
        case "getRole": return .value(.object(SecurityObjects.role(try existingRole(request), in: store)))
        case "deleteRole": return try deleteRole(request)
        case "searchRoles": return try searchRoles(request)
        case "mGetRoles": return try mGet(request, exists: { model.roles[$0] != nil }, serialize: SecurityObjects.role)
        default: return try credentials(request, context: context)
        }
    }

    private static func rights(_ items: [RightsItem]) -> ActionResult {
        .value(["hits": .array(items.map(\.json)), "total": .int(items.count)])
    }

    private static func acknowledged(_ id: String) -> ActionResult { .value(["_id": .string(id)]) }

    // MARK: - Users

    private func existingUser(_ request: KuzzleRequest) throws(KuzzleError) -> SecurityUser {
        let id = try request.string("_id")
        guard let user = model.users[id] else { throw .userNotFound(id) }
        return user
    }

    private func checkProfiles(_ ids: [String]) throws(KuzzleError) {
        for id in ids where model.profiles[id] == nil { throw .profileNotFound(id) }
    }

    private func createUser(_ request: KuzzleRequest, restricted: Bool, context: WriteContext) throws(KuzzleError)
        -> ActionResult
    {
        let body = try request.body()
        var content = try body.optionalObject("content") ?? JSONObject()
        if restricted {
            if content["profileIds"] != nil { throw .forbiddenArgument("body.content.profileIds") }
            content["profileIds"] = .array(Self.restrictedProfileIds.map { .string($0) })
        }
        let id = try request.optionalString("_id").flatMap { $0.isEmpty ? nil : $0 } ?? ids.next()
        if model.users[id] != nil { throw .userAlreadyExists(id) }
        let user = try SecurityUser(id: id, content: content)
        try checkProfiles(user.profileIds)
        let local = try localCredentials(body, kuid: id)
        store.put(user, by: context)
        if let local { store.setCredentials(of: id, username: local.username, password: local.password, by: context) }
        return .value(.object(SecurityObjects.user(id, in: store)))
    }

    /// `body.credentials.local`, validated (`nil` when absent); other strategies are refused.
    private func localCredentials(_ body: JSONObject, kuid: String) throws(KuzzleError)
        -> (username: String, password: String)?
    {
        guard let credentials = try body.optionalObject("credentials") else { return nil }
        for (strategy, _) in credentials where !AuthController.strategies.contains(strategy) {
            throw .unknownStrategy(strategy)
        }
        guard case .object(let local)? = credentials["local"] else { return nil }
        return try Self.validate(local, kuid: kuid, in: store)
    }

    /// Checks `{username, password}` for `kuid` as the local strategy does.
    static func validate(_ local: JSONObject, kuid: String, in store: SecurityStore, partial: Bool = false)
        throws(KuzzleError) -> (username: String, password: String)
    {
        let username: String
        switch local["username"] {
        case .string(let given)? where !given.isEmpty: username = given
        case nil where partial:
            guard let current = store.username(of: kuid) else { throw .credentialsRejected("Username required.") }
            username = current
        default: throw .credentialsRejected("Username required.")
        }
        guard case .string(let password)? = local["password"], !password.isEmpty else {
            throw .credentialsRejected("Password needed.")
        }
        if let owner = store.owner(ofUsername: username), owner != kuid {
            throw .credentialsRejected("Login \"\(username)\" is already used.")
        }
        return (username, password)
    }

    private func createFirstAdmin(_ request: KuzzleRequest, context: WriteContext) throws(KuzzleError) -> ActionResult {
        if store.adminExists { throw .adminExists }
        let body = try request.body()
        var content = try body.optionalObject("content") ?? JSONObject()
        content["profileIds"] = ["admin"]
        let id = try request.optionalString("_id").flatMap { $0.isEmpty ? nil : $0 } ?? ids.next()
        if model.users[id] != nil { throw .userAlreadyExists(id) }
        let user = try SecurityUser(id: id, content: content)
        let local = try localCredentials(body, kuid: id)
        store.put(user, by: context)
        if let local { store.setCredentials(of: id, username: local.username, password: local.password, by: context) }
        if try request.bool("reset") { StandardSecurity.restrict(store, by: context) }
        return .value(.object(SecurityObjects.user(id, in: store)))
    }

    private func updateUser(_ request: KuzzleRequest, replace: Bool, context: WriteContext) throws(KuzzleError)
        -> ActionResult
    {
        let user = try existingUser(request)
        let body = try request.body()
        var content = replace ? JSONObject() : user.content
        if !replace { content["profileIds"] = .array(user.profileIds.map { .string($0) }) }
        for (key, value) in body where key != "_kuzzle_info" { content[key] = value }
        let updated = try SecurityUser(id: user.id, content: content)
        try checkProfiles(updated.profileIds)
        if user.id == SecurityUser.anonymousID, updated.profileIds != ["anonymous"] { throw .anonymousProfileRequired }
        store.put(updated, by: context)
        return .value(.object(SecurityObjects.user(user.id, in: store)))
    }

    private func deleteUser(_ request: KuzzleRequest) throws(KuzzleError) -> ActionResult {
        let user = try existingUser(request)
        store.deleteUser(user.id)
        gate.revokeTokens(of: user.id, nowMilliseconds: request.timestamp)
        return Self.acknowledged(user.id)
    }

    // MARK: - Profiles

    private func existingProfile(_ request: KuzzleRequest) throws(KuzzleError) -> String {
        let id = try request.string("_id")
        guard model.profiles[id] != nil else { throw .profileNotFound(id) }
        return id
    }

    private func putProfile(_ request: KuzzleRequest, mustBeNew: Bool, context: WriteContext) throws(KuzzleError)
        -> ActionResult
    {
        let id = try request.string("_id")
        let profile = try SecurityProfile(id: id, body: try request.body())
        if mustBeNew, model.profiles[id] != nil { throw .documentAlreadyExists }
        try save(profile, context: context)
        return .value(.object(SecurityObjects.profile(id, in: store)))
    }

    private func updateProfile(_ request: KuzzleRequest, context: WriteContext) throws(KuzzleError) -> ActionResult {
        let id = try existingProfile(request)
        var body = model.profiles[id]!.body
        for (key, value) in try request.body() { body[key] = value }
        try save(try SecurityProfile(id: id, body: body), context: context)
        return .value(.object(SecurityObjects.profile(id, in: store)))
    }

    private func save(_ profile: SecurityProfile, context: WriteContext) throws(KuzzleError) {
        for policy in profile.policies where model.roles[policy.roleId] == nil { throw .roleNotFound(policy.roleId) }
        if profile.id == "anonymous", !profile.policies.contains(where: { $0.roleId == "anonymous" }) {
            throw .profileMissingAnonymousRole
        }
        store.put(profile, by: context)
    }

    private func deleteProfile(_ request: KuzzleRequest) throws(KuzzleError) -> ActionResult {
        let id = try existingProfile(request)
        if SecurityStore.builtIns.contains(id) { throw .profileCannotDelete }
        if !model.users(usingProfile: id).isEmpty { throw .profileInUse(id) }
        store.deleteProfile(id)
        return Self.acknowledged(id)
    }

    private func searchProfiles(_ request: KuzzleRequest) throws(KuzzleError) -> ActionResult {
        let body = try request.optionalBody()
        let roles = try Self.names(body["roles"], "body.roles")
        let ids = model.profiles.values
            .filter { profile in roles.isEmpty || profile.policies.contains { roles.contains($0.roleId) } }
            .map(\.id).sorted()
        return try page(ids, request, serialize: SecurityObjects.profile)
    }

    // MARK: - Roles

    private func existingRole(_ request: KuzzleRequest) throws(KuzzleError) -> String {
        let id = try request.string("_id")
        guard model.roles[id] != nil else { throw .roleNotFound(id) }
        return id
    }

    private func putRole(_ request: KuzzleRequest, mustBeNew: Bool, context: WriteContext) throws(KuzzleError)
        -> ActionResult
    {
        let id = try request.string("_id")
        let role = try SecurityRole(id: id, body: try request.body())
        if mustBeNew, model.roles[id] != nil { throw .documentAlreadyExists }
        try save(role, context: context)
        return .value(.object(SecurityObjects.role(id, in: store)))
    }

    private func updateRole(_ request: KuzzleRequest, context: WriteContext) throws(KuzzleError) -> ActionResult {
        let id = try existingRole(request)
        var body = model.roles[id]!.body
        for (key, value) in try request.body() { body[key] = value }
        try save(try SecurityRole(id: id, body: body), context: context)
        return .value(.object(SecurityObjects.role(id, in: store)))
    }

    private func save(_ role: SecurityRole, context: WriteContext) throws(KuzzleError) {
        if role.id == "anonymous", !role.allowsLogin { throw .roleLoginRequired }
        store.put(role, by: context)
    }

    private func deleteRole(_ request: KuzzleRequest) throws(KuzzleError) -> ActionResult {
        let id = try existingRole(request)
        if SecurityStore.builtIns.contains(id) { throw .roleCannotDelete }
        if !model.profiles(usingRole: id).isEmpty { throw .roleInUse(id) }
        store.deleteRole(id)
        return Self.acknowledged(id)
    }

    private func searchRoles(_ request: KuzzleRequest) throws(KuzzleError) -> ActionResult {
        let body = try request.optionalBody()
        let controllers = try Self.names(body["controllers"], "body.controllers")
        let ids = model.roles.values
            .filter { role in controllers.isEmpty || role.controllers.keys.contains { controllers.contains($0) } }
            .map(\.id).sorted()
        return try page(ids, request, serialize: SecurityObjects.role)
    }

    // MARK: - Searches and multiple reads

    private static func names(_ value: JSONValue?, _ name: String) throws(KuzzleError) -> Set<String> {
        guard let value, !value.isNull else { return [] }
        guard case .array(let items) = value else { throw .invalidType(name, expected: "string[]") }
        var names: Set<String> = []
        for item in items {
            guard case .string(let text) = item else { throw .invalidType(name, expected: "string[]") }
            names.insert(text)
        }
        return names
    }

    private func page(_ ids: [String], _ request: KuzzleRequest,
                      serialize: (String, SecurityStore) -> JSONObject) throws(KuzzleError) -> ActionResult
    {
        let from = max(0, try request.integer("from", default: 0))
        let size = max(0, try request.integer("size", default: 10))
        let selected = ids.dropFirst(from).prefix(size)
        return .value(["hits": .array(selected.map { .object(serialize($0, store)) }), "total": .int(ids.count)])
    }

    /// `searchUsers`: the Elasticsearch query subset of `document:search` over the users.
    private func search(_ request: KuzzleRequest, collection: String,
                        serialize: (String, SecurityStore) -> JSONObject) throws(KuzzleError) -> ActionResult
    {
        let body = try request.optionalBody()
        let query: DocumentQuery
        if let value = body["query"], !value.isNull, value != .object(JSONObject()) {
            query = try ElasticsearchQuery.compile(value)
        } else {
            query = .all
        }
        let from = max(0, try request.integer("from", default: 0))
        let size = max(0, try request.integer("size", default: 10))
        let found = try store.documents.search(index: SecurityStore.internalIndex, collection: collection,
                                               query: query, from: from, size: size)
        return .value(["hits": .array(found.documents.map { .object(serialize($0.id, store)) }),
                       "total": .int(found.total)])
    }

    private func mGet(_ request: KuzzleRequest, exists: (String) -> Bool,
                      serialize: (String, SecurityStore) -> JSONObject) throws(KuzzleError) -> ActionResult
    {
        let ids = try request.body()["ids"]
        guard case .array(let items)? = ids else {
            throw ids == nil ? .missingArgument("body.ids") : .invalidType("body.ids", expected: "string[]")
        }
        var hits: [JSONValue] = []
        for item in items {
            guard case .string(let id) = item else { throw .invalidType("body.ids", expected: "string[]") }
            if exists(id) { hits.append(.object(serialize(id, store))) }
        }
        return .value(["hits": .array(hits)])
    }

    // MARK: - Credentials

    private func credentials(_ request: KuzzleRequest, context: WriteContext) throws(KuzzleError) -> ActionResult {
        try AuthController.checkStrategy(request)
        let user = try existingUser(request)
        switch request.action {
        case "hasCredentials":
            return .value(.bool(store.username(of: user.id) != nil))
        case "getCredentials":
            guard let username = store.username(of: user.id) else { return .value([:]) }
            return .value(["kuid": .string(user.id), "username": .string(username)])
        case "deleteCredentials":
            store.deleteCredentials(of: user.id)
            return .value(["acknowledged": true])
        case "validateCredentials":
            _ = try Self.validate(try request.body(), kuid: user.id, in: store)
            return .value(true)
        default:
            let creating = request.action == "createCredentials"
            let current = store.username(of: user.id)
            if creating, current != nil { throw .credentialsRejected("A strategy already exists for user \"\(user.id)\".") }
            if !creating, current == nil { throw .credentialsRejected("A strategy does not exist for user \"\(user.id)\".") }
            let local = try Self.validate(try request.body(), kuid: user.id, in: store, partial: !creating)
            store.setCredentials(of: user.id, username: local.username, password: local.password, by: context)
            return .value(["kuid": .string(user.id), "username": .string(local.username)])
        }
    }
}

/// Kuzzle's `security.standard` roles, applied by `createFirstAdmin` with `reset`.
enum StandardSecurity {
    static let anonymous = SecurityRole(id: "anonymous", controllers: [
        "auth": ["checkToken": true, "getCurrentUser": true, "getMyRights": true, "login": true],
        "server": ["publicApi": true, "openapi": true],
    ])
    static let `default` = SecurityRole(id: "default", controllers: [
        "auth": ["checkToken": true, "getCurrentUser": true, "getMyRights": true, "logout": true, "updateSelf": true],
        "server": ["publicApi": true],
    ])

    /// Restricts the anonymous and default roles and resets the three built-in profiles.
    static func restrict(_ store: SecurityStore, by context: WriteContext) {
        store.put(anonymous, by: context)
        store.put(`default`, by: context)
        store.put(SecurityRole.allowingEverything(id: "admin"), by: context)
        for id in ["anonymous", "default", "admin"] {
            store.put(SecurityProfile(id: id, policies: [SecurityPolicy(roleId: id)]), by: context)
        }
    }
}

public import HeraldSecurity
public import HeraldStore
import HeraldWire

/// Users, profiles, roles and local credentials, kept as documents of Herald's own store under
/// an internal index (as Kuzzle keeps them in its internal index), so whatever persists or
/// replicates documents carries them too; ``model`` is their in-memory form for rights checks.
///
/// Users never reach the internal index through the document API: the gateway refuses any
/// request that names it, and `index:list` hides it. Not thread-safe: owned by the gateway's
/// thread.
public final class SecurityStore {
    /// The internal index (which also holds the validation specifications of
    /// ``SpecificationRegistry``); `%` cannot start a user index name in Kuzzle.
    public static let internalIndex = "%kuzzle"
    static let roles = "roles"
    static let profiles = "profiles"
    static let users = "users"
    static let credentials = "credentials"
    /// The built-in roles and profiles, which cannot be deleted.
    static let builtIns: Set<String> = ["anonymous", "default", "admin"]

    public let model = SecurityModel()
    let documents: DocumentStore
    let hasher: PasswordHasher
    /// username → (kuid, hash), and kuid → username, for the `local` strategy.
    private var localByUsername: [String: (kuid: String, hash: PasswordHash)] = [:]
    private var usernameByKuid: [String: String] = [:]
    /// Document effects of the writes made since the last ``takeEffects()`` (never notified).
    private var pendingEffects: [Effect] = []
    /// Whether writes are recorded as effects (not during the bootstrap, which every start repeats).
    private var recording = false
    /// Derivations computed off the loop for the request running now (see ``PasswordWorkQueue``);
    /// whatever is missing from it is derived on the spot.
    var prepared = PreparedPasswords()

    /// Loads the security documents of `documents`, creating the built-ins on a fresh store:
    /// roles `anonymous`, `default`, `admin` granting everything (Kuzzle's state before an admin
    /// exists), their profiles, and the anonymous user `-1`.
    public init(documents: DocumentStore, hasher: PasswordHasher = PasswordHasher()) {
        self.documents = documents
        self.hasher = hasher
        if !documents.indexExists(Self.internalIndex) { bootstrap() }
        load()
        recording = true
    }

    /// The document effects of the security writes made since the last call, in order: actions
    /// hand them to their commit so that a durable sink stores users, profiles and roles too.
    func takeEffects() -> [Effect] {
        defer { pendingEffects.removeAll() }
        return pendingEffects
    }

    private static let system = WriteContext(user: "-1", timestamp: 0)

    private func bootstrap() {
        try? documents.createIndex(Self.internalIndex)
        for collection in [Self.roles, Self.profiles, Self.users, Self.credentials] {
            documents.createCollection(index: Self.internalIndex, collection: collection)
        }
        writeBuiltIns()
    }

    /// `admin:resetSecurity`: deletes every user (with its credentials), profile and role, then
    /// writes the built-ins back as a fresh store has them. Returns the deleted users and the
    /// number of deleted profiles and roles; the anonymous user is rewritten, not counted (Kuzzle
    /// does not store it).
    public func reset() -> (users: [String], profiles: Int, roles: Int) {
        let users = model.users.keys.filter { $0 != SecurityUser.anonymousID }.sorted()
        for id in users { deleteUser(id) }
        let profiles = model.profiles.keys.sorted()
        for id in profiles { deleteProfile(id) }
        let roles = model.roles.keys.sorted()
        for id in roles { deleteRole(id) }
        writeBuiltIns()
        load()
        return (users, profiles.count, roles.count)
    }

    private func writeBuiltIns() {
        for id in ["anonymous", "default", "admin"] {
            write(Self.roles, id, SecurityRole.allowingEverything(id: id).body, context: Self.system)
            write(Self.profiles, id, SecurityProfile(id: id, policies: [SecurityPolicy(roleId: id)]).body,
                  context: Self.system)
        }
        write(Self.users, SecurityUser.anonymousID,
              SecurityUser(id: SecurityUser.anonymousID, profileIds: ["anonymous"]).body, context: Self.system)
    }

    /// Rebuilds the model from the stored documents (after a restart or a journal replay).
    public func load() {
        for id in model.users.keys { model.removeUser(id) }
        for id in model.profiles.keys { model.removeProfile(id) }
        for id in model.roles.keys { model.removeRole(id) }
        localByUsername.removeAll()
        usernameByKuid.removeAll()
        for document in stored(Self.roles) {
            if let role = try? SecurityRole(id: document.id, body: Self.content(document)) { model.put(role) }
        }
        for document in stored(Self.profiles) {
            if let profile = try? SecurityProfile(id: document.id, body: Self.content(document)) { model.put(profile) }
        }
        for document in stored(Self.users) {
            if let user = try? SecurityUser(id: document.id, content: Self.content(document)) { model.put(user) }
        }
        for document in stored(Self.credentials) {
            let content = Self.content(document)
            guard case .string(let username)? = content["username"],
                  let hash = content["hash"]?.objectValue.flatMap(PasswordHash.init(json:))
            else { continue }
            localByUsername[username] = (document.id, hash)
            usernameByKuid[document.id] = username
        }
    }

    private func stored(_ collection: String) -> [StoredDocument] {
        guard let sequence = try? documents.documents(index: Self.internalIndex, collection: collection) else {
            return []
        }
        return Array(sequence)
    }

    private static func content(_ document: StoredDocument) -> JSONObject {
        var content = document.source
        content["_kuzzle_info"] = nil
        return content
    }

    @discardableResult
    private func write(_ collection: String, _ id: String, _ body: JSONObject, context: WriteContext) -> DocumentWrite? {
        if !documents.collectionExists(index: Self.internalIndex, collection: collection) {
            documents.createCollection(index: Self.internalIndex, collection: collection)
        }
        guard let write = try? documents.createOrReplace(index: Self.internalIndex, collection: collection, id: id,
                                                         source: body, context: context)
        else { return nil }
        if recording {
            pendingEffects.append(.document(DocumentChange(
                index: Self.internalIndex, collection: collection, write: write,
                verb: write.created ? .create : .replace, silent: true)))
        }
        return write
    }

    private func erase(_ collection: String, _ id: String) {
        guard let write = try? documents.delete(index: Self.internalIndex, collection: collection, id: id) else {
            return
        }
        if recording {
            pendingEffects.append(.document(DocumentChange(
                index: Self.internalIndex, collection: collection, write: write, verb: .delete, silent: true)))
        }
    }

    /// The stored document of a security object (for `_kuzzle_info` in answers).
    func document(_ collection: String, _ id: String) -> StoredDocument? {
        try? documents.get(index: Self.internalIndex, collection: collection, id: id)
    }

    // MARK: - Writes

    public func put(_ role: SecurityRole, by context: WriteContext) {
        write(Self.roles, role.id, role.body, context: context)
        model.put(role)
    }

    public func put(_ profile: SecurityProfile, by context: WriteContext) {
        write(Self.profiles, profile.id, profile.body, context: context)
        model.put(profile)
    }

    public func put(_ user: SecurityUser, by context: WriteContext) {
        write(Self.users, user.id, user.body, context: context)
        model.put(user)
    }

    public func deleteRole(_ id: String) {
        erase(Self.roles, id)
        model.removeRole(id)
    }

    public func deleteProfile(_ id: String) {
        erase(Self.profiles, id)
        model.removeProfile(id)
    }

    /// Deletes the user and its credentials.
    public func deleteUser(_ id: String) {
        erase(Self.users, id)
        model.removeUser(id)
        deleteCredentials(of: id)
    }

    // MARK: - Local credentials

    /// The username of the user's `local` credentials.
    public func username(of kuid: String) -> String? { usernameByKuid[kuid] }

    /// The owner of `username`, if any.
    public func owner(ofUsername username: String) -> String? { localByUsername[username]?.kuid }

    /// The stored hash of `username`'s local password, `nil` for an unknown username.
    func passwordHash(ofUsername username: String) -> PasswordHash? { localByUsername[username]?.hash }

    /// Stores `local` credentials (hashing the password) for `kuid`, replacing its previous ones.
    public func setCredentials(of kuid: String, username: String, password: String, by context: WriteContext) {
        if let previous = usernameByKuid[kuid] { localByUsername[previous] = nil }
        let hash = prepared.takeHash(of: password) ?? hasher.hash(password)
        write(Self.credentials, kuid, ["username": .string(username), "hash": .object(hash.json)], context: context)
        localByUsername[username] = (kuid, hash)
        usernameByKuid[kuid] = username
    }

    public func deleteCredentials(of kuid: String) {
        guard let username = usernameByKuid.removeValue(forKey: kuid) else { return }
        localByUsername[username] = nil
        erase(Self.credentials, kuid)
    }

    /// The kuid whose `local` credentials match, or `nil`. Costs one full hash either way.
    public func authenticate(username: String, password: String) -> String? {
        let entry = localByUsername[username]
        let matches = prepared.verdict(for: password, against: entry?.hash)
            ?? hasher.verify(password, against: entry?.hash)
        guard matches, let entry else { return nil }
        return entry.kuid
    }

    // MARK: - State

    /// Whether some user holds the `admin` profile.
    public var adminExists: Bool {
        model.users.values.contains { $0.profileIds.contains("admin") }
    }
}

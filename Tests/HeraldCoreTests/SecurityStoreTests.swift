import HeraldCore
import HeraldSecurity
import HeraldStore
import HeraldWire
import Testing

/// A sink that records every commit's effects and declares it safe at once.
final class RecordingSink: CommitSink {
    weak var pipeline: CommitPipeline?
    private(set) var effects: [Effect] = []
    let isImmediate = false

    func accept(_ commit: Commit, sequence: UInt64) {
        effects.append(contentsOf: commit.effects)
        pipeline?.durable(through: sequence)
    }

    func endOfPass() {}
}

@Suite struct SecurityStoreTests {
    private let hasher = PasswordHasher(iterations: 1_000)
    private let context = WriteContext(user: "admin", timestamp: 1)

    @Test func aFreshStoreHasTheBuiltInsAndAnonymousMayDoEverything() {
        let store = SecurityStore(documents: DocumentStore(), hasher: hasher)
        #expect(Set(store.model.roles.keys) == ["anonymous", "default", "admin"])
        #expect(Set(store.model.profiles.keys) == ["anonymous", "default", "admin"])
        #expect(store.model.users["-1"]?.profileIds == ["anonymous"])
        #expect(!store.adminExists)
        #expect(store.model.isAllowed(RightsQuery(user: "-1", controller: "document", action: "upsert", index: "i",
                                                  collection: "c")))
    }

    @Test func aRestartRebuildsEverythingFromTheDocuments() {
        let documents = DocumentStore()
        let first = SecurityStore(documents: documents, hasher: hasher)
        first.put(SecurityRole(id: "reader", controllers: ["document": ["get": true]]), by: context)
        first.put(SecurityProfile(id: "p", policies: [SecurityPolicy(roleId: "reader",
                                                                     restrictedTo: [IndexRestriction(index: "i")])]),
                  by: context)
        first.put(SecurityUser(id: "bob", profileIds: ["p", "admin"], content: ["name": "Bob"]), by: context)
        first.setCredentials(of: "bob", username: "bobby", password: "pw", by: context)

        let second = SecurityStore(documents: documents, hasher: hasher)
        #expect(second.model.roles == first.model.roles)
        #expect(second.model.profiles == first.model.profiles)
        #expect(second.model.users == first.model.users)
        #expect(second.authenticate(username: "bobby", password: "pw") == "bob")
        #expect(second.authenticate(username: "bobby", password: "no") == nil)
        #expect(second.authenticate(username: "nobody", password: "pw") == nil)
        #expect(second.adminExists)
        // The stored credentials hold a salted hash, never the password.
        let stored = try? documents.get(index: SecurityStore.internalIndex, collection: "credentials", id: "bob")
        #expect(stored?.source["password"] == nil)
        #expect(stored?.source["hash"]?.objectValue?["algorithm"] == "pbkdf2-sha512")

        second.deleteUser("bob")
        #expect(second.authenticate(username: "bobby", password: "pw") == nil)
        #expect(SecurityStore(documents: documents, hasher: hasher).model.users["bob"] == nil)
    }

    @Test func securityWritesReachTheSinkAsSilentDocumentsOfTheInternalIndex() {
        let sink = RecordingSink()
        let harness = SecuredHarness(sink: sink)
        sink.pipeline = harness.gateway.commitPipeline
        let admin = harness.secure()
        harness.result(["controller": "security", "action": "createRole", "_id": "r",
                        "body": ["controllers": ["server": ["actions": ["now": true]]]]], jwt: admin)
        let changes = sink.effects.compactMap { effect -> DocumentChange? in
            if case .document(let change) = effect { return change }
            return nil
        }
        #expect(changes.allSatisfy { $0.index == SecurityStore.internalIndex && !$0.notifies })
        let written = Set(changes.map { "\($0.collection)/\($0.document.id)" })
        #expect(written.isSuperset(of: ["users/admin", "credentials/admin", "roles/anonymous", "roles/default", "roles/r"]))
    }
}

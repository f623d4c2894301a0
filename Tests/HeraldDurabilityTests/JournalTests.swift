import Glibc
import HeraldCore
@testable import HeraldDurability
import HeraldStore
import HeraldWire
import Testing

@Suite("Journal on SQLite")
struct JournalTests {
    private func setUp(_ herald: DurableGateway) {
        #expect(herald.run("index", "create", ["index": "shop"])?.error == nil)
        #expect(herald.run("collection", "create", [
            "index": "shop", "collection": "items",
            "body": ["dynamic": "strict", "properties": ["name": ["type": "keyword"]]],
        ])?.error == nil)
    }

    @Test("indexes, mappings, documents with _version and _kuzzle_info survive a restart, in insertion order")
    func roundTrip() throws {
        let temporary = TemporaryDirectory()
        var before: [StoredDocument] = []
        do {
            let herald = try DurableGateway(path: temporary.path)
            setUp(herald)
            #expect(herald.run("index", "create", ["index": "empty"])?.error == nil)
            for id in ["a", "b", "c", "d"] {
                herald.submit("document", "create", ["index": "shop", "collection": "items", "_id": .string(id),
                                                      "body": ["name": .string(id), "n": 1]])
            }
            herald.submit("document", "update", ["index": "shop", "collection": "items", "_id": "b",
                                                  "body": ["n": 2, "tags": ["x", 1.5, .null]]])
            herald.submit("document", "delete", ["index": "shop", "collection": "items", "_id": "c"])
            herald.submit("document", "create", ["index": "shop", "collection": "items", "_id": "c",
                                                  "body": ["name": "c again"]])
            herald.commitPass()
            before = Array(try herald.gateway.store.documents(index: "shop", collection: "items"))
            herald.close()
        }
        let reopened = try DurableGateway(path: temporary.path)
        let store = reopened.gateway.store
        #expect(store.listIndexes().filter { !$0.hasPrefix("%") } == ["empty", "shop"])
        #expect(try store.mapping(index: "shop", collection: "items").dynamic == "strict")
        #expect(try store.mapping(index: "shop", collection: "items").properties["name"] == ["type": "keyword"])
        let after = Array(try store.documents(index: "shop", collection: "items"))
        #expect(after == before)
        #expect(after.map(\.id) == ["a", "b", "d", "c"])
        #expect(after.first { $0.id == "b" }?.version == 2)
        #expect(after.first { $0.id == "b" }?.source["_kuzzle_info"]?.objectValue?["updater"] != nil)
    }

    @Test("deleted collections and indexes stay deleted")
    func deletions() throws {
        let temporary = TemporaryDirectory()
        do {
            let herald = try DurableGateway(path: temporary.path)
            setUp(herald)
            #expect(herald.run("document", "create", ["index": "shop", "collection": "items", "_id": "a",
                                                       "body": [:]])?.error == nil)
            #expect(herald.run("collection", "truncate", ["index": "shop", "collection": "items"])?.error == nil)
            #expect(herald.run("collection", "create", ["index": "shop", "collection": "gone"])?.error == nil)
            #expect(herald.run("collection", "delete", ["index": "shop", "collection": "gone"])?.error == nil)
            #expect(herald.run("index", "create", ["index": "old"])?.error == nil)
            #expect(herald.run("index", "delete", ["index": "old"])?.error == nil)
            herald.close()
        }
        let store = try DurableGateway(path: temporary.path).gateway.store
        #expect(store.listIndexes().filter { !$0.hasPrefix("%") } == ["shop"])
        #expect(try store.listCollections(index: "shop") == ["items"])
        #expect(store.documentCount(index: "shop", collection: "items") == 0)
    }

    @Test("a database of a newer format version is refused with a clear message")
    func newerFormatRefused() throws {
        let temporary = TemporaryDirectory()
        do {
            let directory = try DataDirectory(path: temporary.path)
            let connection = try SQLiteConnection(path: directory.databasePath)
            try connection.execute("PRAGMA user_version = \(JournalSchema.currentVersion + 1)")
        }
        #expect {
            _ = try DataDirectory(path: temporary.path)
        } throws: { error in
            guard case DurabilityError.newerFormat(_, let found, let supported)? = error as? DurabilityError else {
                return false
            }
            return found == 2 && supported == 1 && "\(error)".contains("newer Herald")
        }
    }

    @Test("a data directory locked by another Herald is refused")
    func lockRefused() throws {
        let temporary = TemporaryDirectory()
        do {
            let first = try DataDirectory(path: temporary.path)
            #expect {
                _ = try DataDirectory(path: temporary.path)
            } throws: { error in
                guard case DurabilityError.locked? = error as? DurabilityError else { return false }
                return "\(error)".contains("another running Herald")
            }
            withExtendedLifetime(first) {}
        }
        // Released with its owner: the directory can be opened again.
        _ = try DataDirectory(path: temporary.path)
    }

    @Test("a failed group commit answers a storage error, rolls memory back, notifies nothing, and recovers")
    func rollbackOnFailure() throws {
        let temporary = TemporaryDirectory()
        let herald = try DurableGateway(path: temporary.path)
        setUp(herald)
        #expect(herald.run("document", "create", ["index": "shop", "collection": "items", "_id": "a",
                                                   "body": ["n": 1]])?.error == nil)
        herald.submit("realtime", "subscribe", ["index": "shop", "collection": "items", "body": [:]], from: 2,
                      toConnection: true)
        herald.commitPass()
        // The disk refuses every document write (a real SQLite error on the writer's transaction).
        let side = try SQLiteConnection(path: herald.directory.databasePath)
        try side.execute("""
            CREATE TRIGGER refuse_insert BEFORE INSERT ON documents BEGIN SELECT RAISE(ABORT, 'disk refused'); END;
            CREATE TRIGGER refuse_update BEFORE UPDATE ON documents BEGIN SELECT RAISE(ABORT, 'disk refused'); END;
            """)
        let notificationsBefore = herald.outbox.notifications().count
        let update = herald.submit("document", "update", ["index": "shop", "collection": "items", "_id": "a",
                                                           "body": ["n": 2]])
        let create = herald.submit("document", "create", ["index": "shop", "collection": "items", "_id": "b",
                                                           "body": ["n": 1]])
        let again = herald.submit("document", "update", ["index": "shop", "collection": "items", "_id": "a",
                                                          "body": ["n": 3]])
        herald.commitPass()
        for requestId in [update, create, again] {
            let error = herald.answers.result(requestId)?.error
            #expect(error?.id == "services.storage.unexpected_error")
            #expect(error?.status == 500)
        }
        let store = herald.gateway.store
        #expect(try store.get(index: "shop", collection: "items", id: "a").version == 1)
        #expect(try store.get(index: "shop", collection: "items", id: "a").source["n"] == 1)
        #expect(try !store.exists(index: "shop", collection: "items", id: "b"))
        #expect(herald.outbox.notifications().count == notificationsBefore)
        // Reads keep working; once the disk takes writes again, so does Herald.
        #expect(herald.run("document", "get", ["index": "shop", "collection": "items", "_id": "a"])?.error == nil)
        try side.execute("DROP TRIGGER refuse_insert; DROP TRIGGER refuse_update;")
        #expect(herald.run("document", "update", ["index": "shop", "collection": "items", "_id": "a",
                                                   "body": ["n": 4]])?.error == nil)
        #expect(try store.get(index: "shop", collection: "items", id: "a").version == 2)
        #expect(herald.outbox.notifications().count == notificationsBefore + 1)
    }

    @Test("a failed collection change is rolled back by reloading the durable state")
    func rollbackByReload() throws {
        let temporary = TemporaryDirectory()
        let herald = try DurableGateway(path: temporary.path)
        setUp(herald)
        let side = try SQLiteConnection(path: herald.directory.databasePath)
        try side.execute(
            "CREATE TRIGGER refuse BEFORE DELETE ON collections BEGIN SELECT RAISE(ABORT, 'disk refused'); END;")
        let result = herald.run("collection", "delete", ["index": "shop", "collection": "items"])
        #expect(result?.error?.id == "services.storage.unexpected_error")
        #expect(herald.gateway.store.collectionExists(index: "shop", collection: "items"))
        #expect(try herald.gateway.store.mapping(index: "shop", collection: "items").dynamic == "strict")
    }

    @Test("one pass is one group commit; answers wait for it and keep submission order, reads included")
    func groupCommitOrdering() throws {
        let temporary = TemporaryDirectory()
        let herald = try DurableGateway(path: temporary.path)
        setUp(herald)
        let first = herald.submit("document", "create", ["index": "shop", "collection": "items", "_id": "a",
                                                          "body": [:]])
        let read = herald.submit("server", "now")
        let second = herald.submit("document", "create", ["index": "shop", "collection": "items", "_id": "b",
                                                           "body": [:]])
        #expect(!herald.answers.requestIds.contains(first))
        herald.gateway.endOfPass()
        #expect(herald.sink.isWriting)
        // Accepted while the group is being written: they wait for the next group.
        let third = herald.submit("document", "create", ["index": "shop", "collection": "items", "_id": "c",
                                                          "body": [:]])
        herald.gateway.endOfPass()
        #expect(herald.loop.runNextJob())
        #expect(Array(herald.answers.requestIds.suffix(3)) == [first, read, second])
        #expect(herald.sink.isWriting)
        #expect(herald.loop.runNextJob())
        #expect(herald.answers.requestIds.last == third)
        #expect(!herald.sink.isWriting)
        #expect(herald.loop.pendingJobs == 0)
    }

    @Test("a backup is a consistent copy a new data directory starts from")
    func backup() throws {
        let temporary = TemporaryDirectory()
        let herald = try DurableGateway(path: temporary.path)
        setUp(herald)
        #expect(herald.run("document", "create", ["index": "shop", "collection": "items", "_id": "a",
                                                   "body": ["n": 1]])?.error == nil)
        let copy = temporary.path + "/backup.sqlite"
        try DataDirectoryBackup.copy(directory: temporary.path, to: copy)
        #expect(throws: DurabilityError.self) { try DataDirectoryBackup.copy(directory: temporary.path, to: copy) }
        let restored = TemporaryDirectory()
        #expect(rename(copy, restored.path + "/herald.sqlite") == 0)
        let store = try DurableGateway(path: restored.path).gateway.store
        #expect(try store.get(index: "shop", collection: "items", id: "a").source["n"] == 1)
    }

    // MARK: - Validation specifications

    private static let specification: JSONObject = ["fields": ["name": ["type": "string", "mandatory": true]]]

    private func specify(_ herald: DurableGateway, _ specification: JSONObject = Self.specification) {
        #expect(herald.run("collection", "updateSpecifications", ["index": "shop", "collection": "items",
                                                                  "body": .object(specification)])?.error == nil)
    }

    private func unnamedItemError(_ herald: DurableGateway) -> String? {
        herald.run("document", "create", ["index": "shop", "collection": "items", "body": ["n": 1]])?.error?.id
    }

    @Test("validation specifications survive a restart, and so does their deletion")
    func specificationsRoundTrip() throws {
        let temporary = TemporaryDirectory()
        do {
            let herald = try DurableGateway(path: temporary.path)
            setUp(herald)
            specify(herald)
            #expect(herald.run("collection", "updateSpecifications", ["index": "shop", "collection": "gone",
                                                                      "body": .object(Self.specification)])?.error == nil)
            #expect(herald.run("collection", "deleteSpecifications", ["index": "shop", "collection": "gone"])?.error == nil)
            herald.close()
        }
        let reopened = try DurableGateway(path: temporary.path)
        #expect(unnamedItemError(reopened) == "validation.check.failed_field")
        #expect(reopened.run("collection", "getSpecifications", ["index": "shop", "collection": "items"])?.error == nil)
        #expect(reopened.run("collection", "getSpecifications", ["index": "shop", "collection": "gone"])?.error?.id
            == "validation.assert.not_found")
    }

    @Test("a specification write the disk refuses is rolled back: the previous specification applies again")
    func specificationRollback() throws {
        let temporary = TemporaryDirectory()
        let herald = try DurableGateway(path: temporary.path)
        setUp(herald)
        specify(herald)
        let side = try SQLiteConnection(path: herald.directory.databasePath)
        try side.execute("""
            CREATE TRIGGER refuse_update BEFORE UPDATE ON documents BEGIN SELECT RAISE(ABORT, 'disk refused'); END;
            CREATE TRIGGER refuse_delete BEFORE DELETE ON documents BEGIN SELECT RAISE(ABORT, 'disk refused'); END;
            """)
        let replaced = herald.run("collection", "updateSpecifications", ["index": "shop", "collection": "items",
                                                                         "body": ["strict": false]])
        #expect(replaced?.error?.id == "services.storage.unexpected_error")
        #expect(unnamedItemError(herald) == "validation.check.failed_field")
        let deleted = herald.run("collection", "deleteSpecifications", ["index": "shop", "collection": "items"])
        #expect(deleted?.error?.id == "services.storage.unexpected_error")
        #expect(unnamedItemError(herald) == "validation.check.failed_field")
        try side.execute("DROP TRIGGER refuse_update; DROP TRIGGER refuse_delete;")
        #expect(herald.run("collection", "deleteSpecifications", ["index": "shop", "collection": "items"])?.error == nil)
        #expect(unnamedItemError(herald) == nil)
    }
}

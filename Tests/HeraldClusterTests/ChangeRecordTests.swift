@testable import HeraldCluster
@testable import HeraldCore
import HeraldStore
import HeraldWire
import Testing

@Suite struct ChangeRecordTests {
    private let request = KuzzleRequest(
        frame: ["controller": "document", "action": "update", "index": "i", "collection": "c", "_id": "d",
                "body": ["n": 2], "jwt": "secret", "volatile": ["tag": "v"]],
        requestId: "r-1", controller: "document", action: "update", timestamp: 1234, connection: ConnectionID(7),
        protocolName: "http")

    private func change(_ verb: DocumentChange.Verb, version: Int, previous: StoredDocument?, notifies: Bool = true)
        -> DocumentChange {
        DocumentChange(index: "i", collection: "c", document: StoredDocument(id: "d", source: ["n": .int(version)],
                                                                              version: version),
                       previous: previous, verb: verb, updatedFields: verb == .update ? ["n"] : nil, notifies: notifies)
    }

    @Test func aRecordRoundTripsWithoutBodyOrToken() throws {
        let previous = StoredDocument(id: "d", source: ["n": 1], version: 1)
        let effects: [Effect] = [
            .indexCreated(index: "i"),
            .document(change(.update, version: 2, previous: previous, notifies: false)),
            .published(PublishedMessage(index: "i", collection: "c", message: ["hello": "world"], id: "m1")),
            .collectionTruncated(index: "i", collection: "c"),
        ]
        let text = ChangeRecord(instance: "node-a/1", sequence: 42, request: request, effects: effects).encoded()
        let decoded = try #require(ChangeRecord.decode(text))
        #expect(decoded.instance == "node-a/1" && decoded.sequence == 42)
        #expect(decoded.request.requestId == "r-1" && decoded.request.protocolName == "http")
        #expect(decoded.request.controller == "document" && decoded.request.action == "update")
        #expect(decoded.request.timestamp == 1234 && decoded.request.volatile == .object(["tag": "v"]))
        #expect(decoded.request.frame["body"] == nil && decoded.request.frame["jwt"] == nil)
        let stored = decoded.entries.compactMap { entry -> ChangeRecord.StoredEntry? in
            if case .stored(let change) = entry { return change } else { return nil }
        }
        #expect(stored.map(\.kind) == ["index", "doc", "truncate"])
        let document = stored[1]
        #expect(document.id == "d" && document.version == 2 && document.source == ["n": 2])
        #expect(document.verb == .update && document.updatedFields == ["n"] && !document.notifies)
        guard case .message(.published(let message)) = decoded.entries[2] else {
            Issue.record("the publication is the third entry: \(decoded.entries)")
            return
        }
        #expect(message.index == "i" && message.collection == "c" && message.id == "m1")
        #expect(message.message == ["hello": "world"])
    }

    @Test func aUserEventRoundTripsWithoutItsNewChannel() throws {
        let event = UserEvent(scope: .out, roomId: "room-1", index: "i", collection: "c", count: 3,
                              volatile: ["who": "me"], timestamp: 99, newChannel: "room-1-x")
        let text = ChangeRecord(instance: "node-a/1", sequence: 5, request: request, effects: [.user(event)]).encoded()
        let decoded = try #require(ChangeRecord.decode(text))
        guard decoded.entries.count == 1, case .message(.user(let back)) = decoded.entries[0] else {
            Issue.record("one user event expected: \(decoded.entries)")
            return
        }
        #expect(back.scope == .out && back.roomId == "room-1" && back.index == "i" && back.collection == "c")
        #expect(back.count == 3 && back.volatile == .object(["who": "me"]) && back.timestamp == 99)
        // The channel the subscription created exists on its own node only.
        #expect(back.newChannel == nil)
        #expect(decoded.apply(to: DocumentStore()).count == 1)
    }

    @Test func aNodeReadsTheSequenceOfItsOwnRecordsWithoutDecodingThem() {
        let origin = ChangeRecord.origin(of: "node-\"a\"/1")
        let own = ChangeRecord(instance: "node-\"a\"/1", sequence: 907, request: request, effects: []).encoded()
        #expect(ChangeRecord.sequence(of: own, origin: origin) == 907)
        let other = ChangeRecord(instance: "node-\"a\"/12", sequence: 907, request: request, effects: []).encoded()
        #expect(ChangeRecord.sequence(of: other, origin: origin) == nil)
        #expect(ChangeRecord.sequence(of: "", origin: origin) == nil)
        let prefix = String(decoding: origin, as: UTF8.self)
        #expect(ChangeRecord.sequence(of: prefix, origin: origin) == nil)
        #expect(ChangeRecord.sequence(of: prefix + "12x", origin: origin) == nil)
        #expect(ChangeRecord.sequence(of: prefix + "99999999999999999999999,", origin: origin) == nil)
        #expect(ChangeRecord.sequence(of: prefix + "0,", origin: origin) == 0)
    }

    @Test func garbageIsNotARecord() {
        #expect(ChangeRecord.decode("not json") == nil)
        #expect(ChangeRecord.decode(#"{"node":"a"}"#) == nil)
    }

    @Test func scriptOperationsCarryTheExpectedVersions() {
        let previous = StoredDocument(id: "d", source: ["n": 1], version: 1)
        let operations = ClusterSink.operations(of: [
            .document(change(.create, version: 1, previous: nil)),
            .document(change(.update, version: 2, previous: previous)),
            .document(DocumentChange(index: "i", collection: "c", document: previous, previous: previous, verb: .delete,
                                     notifies: true)),
            .user(UserEvent(scope: .in, roomId: "r", index: "i", collection: "c", count: 1, volatile: .null,
                            timestamp: 0, newChannel: nil)),
        ])
        #expect(operations.count == 3)
        #expect(operations[0] == ["put", "1:i:c", "d", "0", "1", #"{"n":1}"#])
        #expect(operations[1] == ["put", "1:i:c", "d", "1", "2", #"{"n":2}"#])
        #expect(operations[2] == ["del", "1:i:c", "d", "1", "0", ""])
        #expect(ClusterScripts.space(index: "a:b", collection: "c") == "3:a:b:c")
    }

    @Test func aConflictIsLocatedAmongTheStoringEffects() throws {
        let effects: [Effect] = [
            .published(PublishedMessage(index: "i", collection: "c", message: [:], id: nil)),
            .indexCreated(index: "i"),
            .document(change(.create, version: 1, previous: nil)),
        ]
        let conflict = try #require(ClusterSink.conflict(in: "HERALD_CONFLICT 1 7 d with spaces", effects: effects))
        #expect(conflict.index == "i" && conflict.collection == "c" && conflict.id == "d with spaces")
        #expect(conflict.version == 7)
        #expect(ClusterSink.conflict(in: "HERALD_CONFLICT 0 7 i", effects: effects) == nil, "not a document")
        #expect(ClusterSink.conflict(in: "HERALD_CONFLICT 5 7 d", effects: effects) == nil)
        #expect(ClusterSink.conflict(in: "HERALD_CHAIN 3", effects: effects) == nil)
    }

    @Test func onlyAnsweredRequestsWithRetriesLeftAreRetried() {
        func commit(_ frame: JSONObject, reply: Commit.Reply = .connection(ConnectionID(1))) -> Commit {
            let request = KuzzleRequest(frame: frame, requestId: "r", controller: "document", action: "update",
                                        timestamp: 0, connection: ConnectionID(1))
            return Commit(request: request, outcome: .success(.none), effects: [], reply: reply, startedAt: 0)
        }
        #expect(ClusterSink.retriesLeft(commit(["retryOnConflict": 3])) == 3)
        #expect(ClusterSink.retriesLeft(commit([:])) == 0)
        #expect(ClusterSink.retriesLeft(commit(["retryOnConflict": -1])) == 0)
        #expect(ClusterSink.retriesLeft(commit(["retryOnConflict": 3], reply: .none)) == 0)
    }

    @Test func undoPutsBackWhatTheRefusedWritesChangedNewestFirst() throws {
        let store = DocumentStore()
        store.createCollection(index: "i", collection: "c")
        let first = change(.create, version: 1, previous: nil)
        let second = change(.update, version: 2, previous: first.document)
        store.putReplicated(index: "i", collection: "c", document: second.document)
        ClusterSink.undo([.document(first), .document(second)], in: store)
        #expect(store.replicaDocument(index: "i", collection: "c", id: "d") == nil)

        // A document another node replaced meanwhile is left as it is.
        let remote = StoredDocument(id: "d", source: ["remote": true], version: 2)
        store.putReplicated(index: "i", collection: "c", document: remote)
        ClusterSink.undo([.document(second)], in: store)
        #expect(store.replicaDocument(index: "i", collection: "c", id: "d") == remote)

        // A refused deletion puts the document back.
        store.removeReplicated(index: "i", collection: "c", id: "d")
        ClusterSink.undo([.document(DocumentChange(index: "i", collection: "c", document: remote, previous: remote,
                                                   verb: .delete, notifies: true))], in: store)
        #expect(store.replicaDocument(index: "i", collection: "c", id: "d") == remote)
    }
}

@Suite struct LoadArgumentsTests {
    @Test func theLoadNamesEveryInternalCollectionAndSeedsTheBuiltInDocuments() throws {
        let store = DocumentStore()
        _ = SecurityStore(documents: store)
        let arguments = StreamFollower.internalArguments(of: store)
        #expect(arguments[0] == SecurityStore.internalIndex)
        let count = try #require(Int(arguments[1]))
        let collections = Set(arguments[2..<(2 + count)])
        #expect(collections.isSuperset(of: ["roles", "profiles", "users", "credentials"]))
        let seeds = Array(arguments[(2 + count)...])
        #expect(seeds.count % 4 == 0)
        var seeded: Set<String> = []
        for position in stride(from: 0, to: seeds.count, by: 4) {
            #expect(seeds[position + 2] == "1")
            seeded.insert("\(seeds[position])/\(seeds[position + 1])")
        }
        #expect(seeded.isSuperset(of: ["roles/anonymous", "profiles/admin", "users/-1"]))
    }
}

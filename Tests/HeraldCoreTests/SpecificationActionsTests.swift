import HeraldCore
import HeraldStore
import HeraldWire
import Testing

/// `collection:*Specifications`, `document:validate`, `realtime:validate`, and specifications
/// enforced on every write path.
@Suite struct SpecificationActionsTests {
    private static let specification: JSONObject = [
        "strict": true,
        "fields": [
            "name": ["type": "string", "mandatory": true],
            "level": ["type": "integer", "defaultValue": 1, "typeOptions": ["range": ["min": 0]]],
        ],
    ]

    private func collection(_ harness: GatewayHarness, _ action: String, _ extra: JSONObject = [:]) -> JSONObject {
        var frame: JSONObject = ["controller": "collection", "action": .string(action), "index": "i", "collection": "c"]
        for (key, value) in extra { frame[key] = value }
        return harness.request(frame)
    }

    private func specified() -> GatewayHarness {
        let harness = GatewayHarness()
        harness.ready()
        let stored = collection(harness, "updateSpecifications", ["body": .object(Self.specification)])
        #expect(stored.at("result") == .object(Self.specification))
        return harness
    }

    @Test func updateGetSearchAndDeleteSpecifications() {
        let harness = specified()
        #expect(collection(harness, "getSpecifications").at("result") == [
            "collection": "c", "index": "i", "validation": .object(Self.specification),
        ])
        let found = collection(harness, "searchSpecifications", ["body": ["query": ["match": ["index": "i"]]]])
        #expect(found.at("result.total") == 1)
        #expect(found.at("result.hits") == [["_id": "i#c", "_score": 1, "_source": [
            "collection": "c", "index": "i", "validation": .object(Self.specification),
        ]]])
        #expect(collection(harness, "searchSpecifications", ["body": ["query": ["match": ["index": "j"]]]])
            .at("result.total") == 0)
        #expect(collection(harness, "searchSpecifications", ["size": 20_000]).errorId
            == "services.storage.get_limit_exceeded")
        #expect(collection(harness, "deleteSpecifications").at("result") == ["acknowledged": true])
        #expect(collection(harness, "deleteSpecifications").at("result") == ["acknowledged": true])
        #expect(collection(harness, "getSpecifications").errorId == "validation.assert.not_found")
        #expect(harness.document("create", ["body": ["other": 1]]).errorId == nil)
    }

    @Test func malformedSpecificationsAreRefusedAndExplained() {
        let harness = GatewayHarness()
        let bad: JSONObject = ["fields": ["a": ["type": "colour"], "b": ["mandatory": true]]]
        let refused = collection(harness, "updateSpecifications", ["body": .object(bad)])
        #expect(refused.errorId == "validation.assert.invalid_specifications")
        #expect(refused.at("error.message") == .string(
            "Errors occured with the provided specifications:\nIn \"i.c.a\": unknown type \"colour\".\n\t- "
                + "Missing property \"type\" in field \"i.c.b\".\n\t- In \"i.c.b\": unknown type \"undefined\"."))
        let checked = collection(harness, "validateSpecifications", ["body": .object(bad)])
        #expect(checked.at("result.valid") == false)
        #expect(checked.at("result.description") == "Some errors with provided specifications.")
        #expect(checked.at("result.details")?.arrayValue?.count == 3)
        #expect(collection(harness, "validateSpecifications", ["body": .object(Self.specification)]).at("result")
            == ["valid": true])
        #expect(collection(harness, "getSpecifications").errorId == "validation.assert.not_found")
        #expect(collection(harness, "updateSpecifications").errorId == "api.assert.body_required")
    }

    @Test func singleDocumentWritesAreChecked() {
        let harness = specified()
        let created = harness.document("create", ["_id": "a", "body": ["name": "x"]])
        #expect(created.at("result._source.level") == 1)
        let missing = harness.document("create", ["body": ["level": 2]])
        #expect(missing.errorId == "validation.check.failed_field")
        #expect(missing.at("error.message") == "Validation failed. Field \"name\": The field is mandatory.")
        #expect(harness.document("create", ["body": ["name": "x", "extra": 1]]).errorId
            == "validation.check.failed_document")
        #expect(harness.document("createOrReplace", ["_id": "a", "body": ["name": 1]]).errorId
            == "validation.check.failed_field")
        #expect(harness.document("replace", ["_id": "a", "body": ["level": 3]]).errorId
            == "validation.check.failed_field")
        #expect(harness.document("update", ["_id": "a", "body": ["level": -1]]).errorId
            == "validation.check.failed_field")
        #expect(harness.document("update", ["_id": "a", "body": ["level": 5]]).errorId == nil)
        #expect(harness.document("upsert", ["_id": "a", "body": ["changes": ["level": "x"]]]).errorId
            == "validation.check.failed_field")
        #expect(harness.document("upsert", ["_id": "new", "body": ["changes": ["level": 2]]]).errorId
            == "validation.check.failed_field")
        #expect(harness.document("upsert", ["_id": "new", "body": ["changes": ["level": 2], "default": ["name": "n"]]])
            .errorId == nil)
        #expect(harness.document("get", ["_id": "a"]).at("result._source.level") == 5)
        #expect(harness.document("get", ["_id": "new"]).at("result._source.name") == "n")
    }

    @Test func multiDocumentWritesRejectItemsThatBreakTheSpecification() {
        let harness = specified()
        let response = harness.document("mCreate", ["body": ["documents": [
            ["_id": "ok", "body": ["name": "x"]], ["_id": "bad", "body": ["level": 1]],
        ]]])
        #expect(response.at("result.successes")?.arrayValue?.count == 1)
        #expect(response.at("result.errors") == [[
            "document": ["_id": "bad", "body": ["level": 1]],
            "reason": "Validation failed. Field \"name\": The field is mandatory.", "status": 400,
        ]])
        let upserts = harness.document("mUpsert", ["body": ["documents": [
            ["_id": "ok", "changes": ["level": -2]],
        ]]])
        #expect(upserts.at("result.errors")?.arrayValue?.count == 1)
        let updates = harness.document("mUpdate", ["body": ["documents": [["_id": "ok", "body": ["name": 3]]]]])
        #expect(updates.at("result.errors")?.arrayValue?.first?.objectValue?["status"] == 400)
        let byQuery = harness.document("updateByQuery", ["body": ["query": ["match_all": [:]], "changes": ["level": -5]]])
        #expect(byQuery.at("result.successes") == [])
        #expect(byQuery.at("result.errors")?.arrayValue?.count == 1)
        #expect(harness.document("get", ["_id": "ok"]).at("result._source.level") == 1)
    }

    @Test func validateActionsReportWithoutWriting() {
        let harness = specified()
        let report = harness.document("validate", ["body": ["level": "x"]])
        #expect(report.at("result.valid") == false)
        #expect(report.at("result.errorMessages.fieldScope.children.name.messages") == ["The field is mandatory."])
        #expect(report.at("result.errorMessages.fieldScope.children.level.messages") == ["The field must be a number."])
        #expect(harness.document("validate", ["body": ["name": "x"]]).at("result") == ["errorMessages": [:], "valid": true])
        #expect(harness.document("validate").errorId == "api.assert.body_required")
        #expect(harness.document("count").at("result.count") == 0)
        let realtime = harness.request(["controller": "realtime", "action": "validate", "index": "i", "collection": "c",
                                        "body": ["name": "x", "z": 1]])
        #expect(realtime.at("result.errorMessages.documentScope") == [
            "The document validation is strict. Cannot add unspecified sub-field \"z\"",
        ])
        let published = harness.request(["controller": "realtime", "action": "publish", "index": "i", "collection": "c",
                                         "body": ["level": 1]])
        #expect(published.errorId == "validation.check.failed_field")
    }

    @Test func collectionUpdateAndRefresh() {
        let harness = GatewayHarness()
        harness.ready()
        #expect(collection(harness, "update", ["body": ["mappings": ["properties": ["n": ["type": "keyword"]]]]])
            .at("result") == .null)
        #expect(collection(harness, "getMapping").at("result.properties.n") == ["type": "keyword"])
        #expect(collection(harness, "refresh").at("result") == .null)
        #expect(collection(harness, "refresh", ["collection": "nope"]).errorId == "services.storage.unknown_collection")
        #expect(collection(harness, "update", ["body": ["settings": 1]]).errorId == "api.assert.invalid_type")
    }

    // MARK: - Stored as documents of the internal index

    private static let internalIndex = SecurityStore.internalIndex

    private func storedSpecification(_ harness: GatewayHarness) -> StoredDocument? {
        try? harness.gateway.store.get(index: Self.internalIndex, collection: "validations", id: "i#c")
    }

    private func changes(_ effects: [Effect]) -> [DocumentChange] {
        effects.compactMap { effect -> DocumentChange? in
            if case .document(let change) = effect { return change }
            return nil
        }
    }

    @Test func aSpecificationIsASilentDocumentOfTheInternalIndex() {
        let sink = RecordingSink()
        let harness = GatewayHarness(sink: sink)
        sink.pipeline = harness.gateway.commitPipeline
        harness.ready()
        _ = collection(harness, "updateSpecifications", ["body": .object(Self.specification)])
        let stored = storedSpecification(harness)
        #expect(stored?.source["index"] == "i")
        #expect(stored?.source["collection"] == "c")
        #expect(stored?.source["validation"] == .object(Self.specification))
        #expect(stored?.source["_kuzzle_info"]?.objectValue?["author"] == "-1")
        // The collection comes first, so that a journal or a Redis that never held it has it.
        guard case .collectionChanged(let index, let name, _)? = sink.effects.dropFirst().first else {
            Issue.record("no collection effect before the document: \(sink.effects)")
            return
        }
        #expect((index, name) == (Self.internalIndex, "validations"))
        _ = collection(harness, "updateSpecifications", ["body": ["strict": false]])
        _ = collection(harness, "deleteSpecifications")
        let written = changes(sink.effects).filter { $0.index == Self.internalIndex }
        #expect(written.map(\.verb) == [.create, .replace, .delete])
        #expect(written.allSatisfy { $0.collection == "validations" && $0.document.id == "i#c" && !$0.notifies })
        #expect(storedSpecification(harness) == nil)
        // Deleting a specification that does not exist changes nothing.
        let count = sink.effects.count
        #expect(collection(harness, "deleteSpecifications").at("result") == ["acknowledged": true])
        #expect(sink.effects.count == count)
        // The internal index stays out of users' reach.
        #expect(harness.request(["controller": "document", "action": "get", "index": .string(Self.internalIndex),
                                 "collection": "validations", "_id": "i#c"]).errorId
            == "services.storage.unknown_index")
        #expect(harness.request(["controller": "index", "action": "list"]).at("result.indexes") == ["i"])
    }

    @Test func specificationsAreRebuiltFromTheirDocuments() {
        let original = specified()
        let document = storedSpecification(original)!
        let restarted = GatewayHarness()
        restarted.ready()
        let store = restarted.gateway.store
        store.putReplicated(index: Self.internalIndex, collection: "validations", document: document)
        // Documents that do not curate (a type this version does not know, no validation at all) are left out.
        store.putReplicated(index: Self.internalIndex, collection: "validations", document: StoredDocument(
            id: "i#bad", source: ["index": "i", "collection": "bad", "validation": ["fields": ["a": ["type": "colour"]]]],
            version: 1))
        store.putReplicated(index: Self.internalIndex, collection: "validations", document: StoredDocument(
            id: "i#odd", source: ["index": "i", "collection": "odd"], version: 1))
        #expect(restarted.document("create", ["body": ["level": 2]]).errorId == nil)
        restarted.gateway.reloadInternalState()
        #expect(restarted.document("create", ["body": ["level": 2]]).errorId == "validation.check.failed_field")
        #expect(collection(restarted, "getSpecifications").at("result.validation") == .object(Self.specification))
        #expect(collection(restarted, "getSpecifications", ["collection": "bad"]).errorId
            == "validation.assert.not_found")
        #expect(collection(restarted, "searchSpecifications").at("result.total") == 1)
    }

    @Test func replicatedAndUndoneSpecificationDocumentsUpdateTheRegistry() {
        let document = storedSpecification(specified())!
        let node = GatewayHarness()
        node.ready()
        let store = node.gateway.store
        let put = DocumentChange(index: Self.internalIndex, collection: "validations", document: document,
                                 previous: store.putReplicated(index: Self.internalIndex, collection: "validations",
                                                               document: document),
                                 verb: .create, notifies: false)
        node.gateway.internalDocumentsChanged([.document(put)])
        #expect(node.document("create", ["body": ["level": 2]]).errorId == "validation.check.failed_field")
        store.removeReplicated(index: Self.internalIndex, collection: "validations", id: document.id)
        // Other documents leave the registry alone; the specification's own deletion clears it.
        let other = DocumentChange(index: "i", collection: "c", document: document, previous: nil, verb: .create,
                                   notifies: false)
        node.gateway.internalDocumentsChanged([.document(other)])
        #expect(node.document("create", ["body": ["level": 2]]).errorId == "validation.check.failed_field")
        let removed = DocumentChange(index: Self.internalIndex, collection: "validations", document: document,
                                     previous: document, verb: .delete, notifies: false)
        node.gateway.internalDocumentsChanged([.document(removed)])
        #expect(node.document("create", ["body": ["level": 2]]).errorId == nil)
    }

    @Test func deletingTheCollectionItsIndexOrEveryIndexKeepsTheSpecificationAsKuzzleDoes() {
        let harness = specified()
        #expect(harness.request(["controller": "collection", "action": "delete", "index": "i", "collection": "c"])
            .errorId == nil)
        harness.ready()
        #expect(harness.document("create", ["body": ["level": 2]]).errorId == "validation.check.failed_field")
        #expect(harness.request(["controller": "index", "action": "delete", "index": "i"]).errorId == nil)
        harness.ready()
        #expect(harness.document("create", ["body": ["level": 2]]).errorId == "validation.check.failed_field")
        // admin:resetDatabase deletes the public indexes only, as Kuzzle's does.
        #expect(harness.request(["controller": "admin", "action": "resetDatabase"]).errorId == nil)
        harness.ready()
        #expect(harness.document("create", ["body": ["level": 2]]).errorId == "validation.check.failed_field")
        #expect(collection(harness, "getSpecifications").at("result.validation") == .object(Self.specification))
    }
}

import HeraldCore
import HeraldWire
import Testing

@Suite struct BulkDocumentActionsTests {
    private let info: JSONValue = [
        "author": "-1", "createdAt": .int(GatewayHarness.now), "updatedAt": nil, "updater": nil,
    ]

    @Test func mCreateAnswersSuccessesAndErrors() {
        let harness = GatewayHarness()
        harness.ready()
        harness.document("create", ["_id": "taken", "body": ["a": 1]])
        let response = harness.document("mCreate", ["body": ["documents": [
            ["_id": "d1", "body": ["a": 1, "_kuzzle_info": ["author": "me"]]],
            ["body": ["b": 2]],
            ["_id": "taken", "body": ["c": 3]],
            ["_id": "bad", "body": "nope"],
            ["_id": 12, "body": [:]],
        ]]])
        let successes = response.at("result.successes")?.arrayValue ?? []
        #expect(successes.count == 2)
        #expect(successes.first == [
            "_id": "d1", "_source": ["a": 1, "_kuzzle_info": info], "_version": 1, "created": true,
            "result": "created", "status": 201,
        ])
        #expect(successes.last?.objectValue?["_id"]?.stringValue?.count == 20)
        #expect(response.at("result.errors") == [
            ["document": ["_id": "taken", "body": ["c": 3]], "reason": "document already exists", "status": 400],
            ["document": ["_id": "bad", "body": "nope"], "reason": "document body must be an object", "status": 400],
            ["document": ["_id": 12, "body": [:]], "reason": "document _id must be a string", "status": 400],
        ])
    }

    @Test func replaceUpdateAndCreateOrReplaceShapes() {
        let harness = GatewayHarness()
        harness.ready()
        harness.document("create", ["_id": "d1", "body": ["a": 1, "o": ["x": 1]]])
        let replaced = harness.document("mReplace", ["body": ["documents": [
            ["_id": "d1", "body": ["a": 2]], ["_id": "missing", "body": ["a": 3]],
        ]], "source": false])
        #expect(replaced.at("result.successes") == [["_id": "d1", "_version": 2, "created": false, "result": "updated", "status": 200]])
        #expect(replaced.at("result.errors") == [
            ["document": ["_id": "missing", "body": ["a": 3]], "reason": "document not found", "status": 404],
        ])
        let updated = harness.document("mUpdate", ["body": ["documents": [["_id": "d1", "body": ["b": 1]]]]])
        let item = updated.at("result.successes")?.arrayValue?.first?.objectValue
        #expect(item?.keys == ["_id", "_source", "_version", "status"])
        #expect(item?["_source"]?.objectValue?["a"] == 2)
        #expect(item?["_source"]?.objectValue?["b"] == 1)
        #expect(item?["status"] == 200)
        let written = harness.document("mCreateOrReplace", ["body": ["documents": [
            ["_id": "d1", "body": ["z": 1]], ["_id": "d2", "body": ["z": 2]],
        ]]])
        let statuses = written.at("result.successes")?.arrayValue?.map { $0.objectValue?["status"] }
        #expect(statuses == [200, 201])
        #expect(written.at("result.successes")?.arrayValue?.map { $0.objectValue?["result"] } == ["updated", "created"])
    }

    @Test func mUpsertCreatesOrUpdates() {
        let harness = GatewayHarness()
        harness.ready()
        harness.document("create", ["_id": "d1", "body": ["a": 1]])
        let response = harness.document("mUpsert", ["body": ["documents": [
            ["_id": "d1", "changes": ["b": 2], "default": ["c": 3]],
            ["_id": "d2", "changes": ["b": 2], "default": ["c": 3, "b": 0]],
            ["_id": "d3", "changes": "x"],
            ["_id": "d4", "changes": [:], "default": 1],
            ["changes": [:]],
        ]]])
        let successes = response.at("result.successes")?.arrayValue?.compactMap(\.objectValue) ?? []
        #expect(successes.map { $0["status"] } == [200, 201])
        #expect(successes.map { $0["created"] } == [false, true])
        #expect(successes[1]["_source"]?.objectValue?["b"] == 2)
        #expect(successes[1]["_source"]?.objectValue?["c"] == 3)
        #expect(successes[0].keys == ["_id", "_source", "_version", "created", "status"])
        #expect(response.at("result.errors")?.arrayValue?.map { $0.objectValue?["reason"] } == [
            "document changes must be an object", "document default must be an object", "document _id must be a string",
        ])
    }

    @Test func strictFailsWithTheActionName() {
        let harness = GatewayHarness()
        harness.ready()
        let response = harness.document("mReplace", ["strict": true, "body": ["documents": [["_id": "x", "body": [:]]]]])
        #expect(response.errorId == "api.process.incomplete_multiple_request")
        #expect(response["error"]?.objectValue?["message"] == "At least one of the mReplace actions failed.")
        let get = harness.document("mGet", ["strict": true, "body": ["ids": ["x"]]])
        #expect(get["error"]?.objectValue?["message"] == "At least one of the get actions failed.")
        let delete = harness.document("mDelete", ["strict": true, "body": ["ids": ["x"]]])
        #expect(delete["error"]?.objectValue?["message"] == "At least one of the delete actions failed.")
    }

    @Test func argumentErrors() {
        let harness = GatewayHarness()
        harness.ready()
        #expect(harness.document("mCreate", [:]).errorId == "api.assert.body_required")
        #expect(harness.document("mCreate", ["body": [:]])["error"]?.objectValue?["message"]
            == "Missing argument \"body.documents\".")
        #expect(harness.document("mCreate", ["body": ["documents": 1]]).errorId == "api.assert.invalid_type")
        #expect(harness.document("mCreate", ["body": ["documents": [["_source": [:]]]]]).errorId
            == "api.assert.unexpected_argument")
        #expect(harness.document("mCreate", ["collection": "nope", "body": ["documents": [["body": [:]]]]]).errorId
            == "services.storage.unknown_collection")
        #expect(harness.document("mCreate", ["collection": "nope", "body": ["documents": []]]).at("result")
            == ["errors": [], "successes": []])
        let tooMany = JSONValue.array(Array(repeating: ["body": [:]], count: 201))
        let limited = harness.document("mCreate", ["body": ["documents": tooMany]])
        #expect(limited.errorId == "services.storage.write_limit_exceeded")
        #expect(limited["status"] == 413)
        #expect(harness.document("mGet", [:]).errorId == "api.assert.missing_argument")
        #expect(harness.document("mDelete", ["body": ["ids": .array(Array(repeating: "x", count: 201))]]).errorId
            == "services.storage.write_limit_exceeded")
        #expect(harness.document("mGet", ["body": ["ids": .array(Array(repeating: "x", count: 10_001))]]).errorId
            == "services.storage.get_limit_exceeded")
    }

    @Test func mGetAndMDelete() {
        let harness = GatewayHarness()
        harness.ready()
        harness.document("create", ["_id": "d1", "body": ["a": 1]])
        let got = harness.document("mGet", ["body": ["ids": ["d1", "nope"]]])
        #expect(got.at("result") == ["errors": ["nope"], "successes": [["_id": "d1", "_source": ["a": 1, "_kuzzle_info": info], "_version": 1]]])
        let fromArgs = harness.document("mGet", ["ids": ["d1"]])
        #expect(fromArgs.at("result.successes")?.arrayValue?.count == 1)
        let deleted = harness.document("mDelete", ["body": ["ids": ["d1", "nope", 3]]])
        #expect(deleted.at("result") == ["errors": [
            ["_id": "nope", "reason": "document not found", "status": 404],
            ["_id": 3, "reason": "document _id must be a string", "status": 400],
        ], "successes": ["d1"]])
    }

    @Test func oneNotificationPerWrittenItem() {
        let harness = GatewayHarness()
        harness.ready()
        harness.subscribe([:])
        harness.document("mCreate", ["body": ["documents": [["_id": "a", "body": [:]], ["_id": "b", "body": [:]]]]])
        #expect(harness.notifications.map { $0["action"] } == ["create", "create"])
        harness.document("mUpsert", ["body": ["documents": [["_id": "a", "changes": ["x": 1]], ["_id": "c", "changes": [:]]]]])
        #expect(harness.notifications.map { $0["action"] } == ["update", "create"])
        #expect(harness.notifications.first?.at("result._updatedFields") == ["x"])
        harness.document("mCreateOrReplace", ["body": ["documents": [["_id": "a", "body": [:]], ["_id": "d", "body": [:]]]]])
        #expect(harness.notifications.map { $0["action"] } == ["replace", "create"])
        harness.document("mReplace", ["body": ["documents": [["_id": "a", "body": [:]], ["_id": "zz", "body": [:]]]]])
        #expect(harness.notifications.map { $0["action"] } == ["replace"])
        harness.document("mUpdate", ["body": ["documents": [["_id": "b", "body": ["y": 1]]]]])
        #expect(harness.notifications.map { $0["action"] } == ["update"])
        harness.document("mDelete", ["body": ["ids": ["a", "b"]]])
        #expect(harness.notifications.map { $0["action"] } == ["delete", "delete"])
        #expect(harness.notifications.map { $0["scope"] } == ["out", "out"])
        harness.document("mCreate", ["silent": true, "body": ["documents": [["_id": "e", "body": [:]]]]])
        #expect(harness.notifications.isEmpty)
    }
}

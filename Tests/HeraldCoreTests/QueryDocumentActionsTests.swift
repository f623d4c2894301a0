import HeraldCore
import HeraldWire
import Testing

@Suite struct QueryDocumentActionsTests {
    /// A collection with five documents: `n` 0…4, `color` red/blue alternating, tags on some.
    private func seeded() -> GatewayHarness {
        let harness = GatewayHarness()
        harness.ready()
        for number in 0..<5 {
            var body: JSONObject = ["n": .int(number), "color": number % 2 == 0 ? "red" : "blue",
                                    "title": .string("Doc number \(number)")]
            if number < 2 { body["tags"] = ["a", "b"] }
            harness.document("create", ["_id": .string("d\(number)"), "body": .object(body)])
        }
        return harness
    }

    private func searchIds(_ harness: GatewayHarness, _ extra: JSONObject) -> [String] {
        let response = harness.document("search", extra)
        return response.at("result.hits")?.arrayValue?.compactMap { $0.objectValue?["_id"]?.stringValue } ?? []
    }

    @Test func searchAnswersKuzzleHits() {
        let harness = seeded()
        let response = harness.document("search", ["body": ["query": ["term": ["n": 3]]]])
        #expect(response.at("result.total") == 1)
        let hit = response.at("result.hits")?.arrayValue?.first?.objectValue
        #expect(hit?.keys == ["_id", "_score", "_source", "collection", "index"])
        #expect(hit?["_id"] == "d3")
        #expect(hit?["index"] == "i")
        #expect(hit?["collection"] == "c")
        #expect(response.resultObject?.keys == ["hits", "total"])
    }

    @Test func elasticsearchSubset() {
        let harness = seeded()
        #expect(searchIds(harness, ["body": [:]]) == ["d0", "d1", "d2", "d3", "d4"])
        #expect(searchIds(harness, ["body": ["query": ["terms": ["n": [1, 4]]]]]) == ["d1", "d4"])
        #expect(searchIds(harness, ["body": ["query": ["ids": ["values": ["d2", "zz"]]]]]) == ["d2"])
        #expect(searchIds(harness, ["body": ["query": ["range": ["n": ["gte": 1, "lt": 3]]]]]) == ["d1", "d2"])
        #expect(searchIds(harness, ["body": ["query": ["exists": ["field": "tags"]]]]) == ["d0", "d1"])
        #expect(searchIds(harness, ["body": ["query": ["term": ["tags": "b"]]]]) == ["d0", "d1"])
        #expect(searchIds(harness, ["body": ["query": ["match": ["title": "NUMBER 4"]]]]).count == 5)
        #expect(searchIds(harness, ["body": ["query": ["match": ["title": "4"]]]]) == ["d4"])
        let bool: JSONValue = ["bool": [
            "filter": [["term": ["color": "red"]]],
            "must_not": ["term": ["n": 2]],
            "should": [["term": ["n": 4]]],
        ]]
        #expect(searchIds(harness, ["body": ["query": bool]]) == ["d0", "d4"])
        let either: JSONValue = ["bool": ["should": [["term": ["n": 1]], ["term": ["n": 2]]]]]
        #expect(searchIds(harness, ["body": ["query": either]]) == ["d1", "d2"])
        let two: JSONValue = ["bool": ["should": [["term": ["n": 1]], ["term": ["color": "blue"]]], "minimum_should_match": 2]]
        #expect(searchIds(harness, ["body": ["query": two]]) == ["d1"])
    }

    @Test func koncordeFilters() {
        let harness = seeded()
        func koncorde(_ filter: JSONValue) -> [String] {
            searchIds(harness, ["lang": "koncorde", "body": ["query": filter]])
        }
        #expect(koncorde(["equals": ["color": "blue"]]) == ["d1", "d3"])
        #expect(koncorde(["in": ["_id": ["d0", "d4"]]]) == ["d0", "d4"])
        #expect(koncorde(["and": [["equals": ["color": "red"]], ["range": ["n": ["gt": 0]]]]]) == ["d2", "d4"])
        #expect(koncorde(["not": ["exists": "tags"]]) == ["d2", "d3", "d4"])
        #expect(koncorde(["exists": "tags[\"a\"]"]) == ["d0", "d1"])
        #expect(koncorde(["regexp": ["title": "number [34]$"]]) == ["d3", "d4"])
        let count = harness.document("count", ["lang": "koncorde", "body": ["query": ["equals": ["color": "red"]]]])
        #expect(count.at("result") == ["count": 3])
        #expect(harness.document("search", ["lang": "koncorde", "body": ["query": ["equals": ["a": [1]]]]]).errorId
            == "api.assert.koncorde_dsl_error")
    }

    @Test func sortAndPaging() {
        let harness = seeded()
        #expect(searchIds(harness, ["body": ["sort": [["n": "desc"]]], "size": 2]) == ["d4", "d3"])
        #expect(searchIds(harness, ["body": ["sort": [["n": ["order": "desc"]]]], "from": 2, "size": 2]) == ["d2", "d1"])
        #expect(searchIds(harness, ["body": ["sort": ["color", ["_id": "desc"]]]]) == ["d3", "d1", "d4", "d2", "d0"])
        let page = harness.document("search", ["body": ["sort": ["n"]], "size": 1])
        #expect(page.at("result.total") == 5)
        #expect(page.at("result.hits")?.arrayValue?.first?.objectValue?["_score"] == .null)
    }

    @Test func searchErrors() {
        let harness = seeded()
        #expect(harness.document("search", ["body": ["query": ["equals": ["n": 1]]]]).errorId
            == "services.storage.unknown_query_keyword")
        #expect(harness.document("search", ["body": ["filter": [:]]]).errorId == "services.storage.invalid_search_query")
        #expect(harness.document("search", ["body": ["query": ["term": ["a": 1, "b": 2]]]]).errorId
            == "services.storage.unexpected_bad_request")
        #expect(harness.document("search", ["lang": "sql"]).errorId == "api.assert.invalid_argument")
        #expect(harness.document("search", ["size": 10_001]).errorId == "services.storage.get_limit_exceeded")
        #expect(harness.request(["controller": "document", "action": "search"])["error"]?.objectValue?["message"]
            == "Missing argument \"index, collection or targets\".")
        #expect(harness.document("search", ["collection": "nope"]).errorId == "services.storage.unknown_collection")
        #expect(harness.document("count", ["body": ["query": ["term": ["n": 1]]]]).at("result") == ["count": 1])
    }

    @Test func deleteByQueryNotifiesEachDocument() {
        let harness = seeded()
        harness.subscribe([:])
        let response = harness.document("deleteByQuery", ["body": ["query": ["term": ["color": "blue"]]]])
        #expect(response.at("result") == ["documents": [["_id": "d1"], ["_id": "d3"]], "ids": ["d1", "d3"]])
        #expect(harness.notifications.map { $0["action"] } == ["delete", "delete"])
        let withSource = harness.document("deleteByQuery", ["source": true, "silent": true,
                                                            "body": ["query": ["term": ["n": 0]]]])
        #expect(withSource.at("result.documents")?.arrayValue?.first?.objectValue?["_source"] != nil)
        #expect(harness.notifications.isEmpty)
        #expect(harness.document("deleteByQuery", ["body": ["query": 1]]).errorId == "api.assert.invalid_type")
        #expect(harness.document("count").at("result") == ["count": 2])
    }

    @Test func updateByQueryNotifiesEachDocument() {
        let harness = seeded()
        harness.subscribe(["equals": ["color": "green"]])
        let response = harness.document("updateByQuery", ["body": [
            "query": ["term": ["color": "red"]], "changes": ["color": "green", "x": ["y": 1]],
        ]])
        #expect(response.at("result.errors") == [])
        #expect(response.at("result.successes") == [
            ["_id": "d0", "_version": 2, "status": 200], ["_id": "d2", "_version": 2, "status": 200],
            ["_id": "d4", "_version": 2, "status": 200],
        ])
        #expect(harness.notifications.map { $0["scope"] } == ["in", "in", "in"])
        #expect(harness.notifications.map { $0.at("result._id") } == ["d0", "d2", "d4"])
        #expect(harness.notifications.first?.at("result._updatedFields") == ["color", "x.y"])
        #expect(harness.document("updateByQuery", ["body": ["changes": [:]]]).errorId == "api.assert.missing_argument")
        #expect(harness.document("updateByQuery", ["body": ["query": [:]]])["error"]?.objectValue?["message"]
            == "Missing argument \"body.changes\".")
        let sourced = harness.document("updateByQuery", ["source": true, "lang": "koncorde", "body": [
            "query": ["equals": ["color": "green"]], "changes": ["z": 1],
        ]])
        #expect(sourced.at("result.successes")?.arrayValue?.count == 3)
        #expect(sourced.at("result.successes")?.arrayValue?.first?.objectValue?["_source"]?.objectValue?["z"] == 1)
    }

    @Test func byQueryWritesRespectTheWriteLimit() {
        let harness = GatewayHarness()
        harness.ready()
        let documents = JSONValue.array((0..<150).map { _ in ["body": ["k": 1]] })
        harness.document("mCreate", ["body": ["documents": documents]])
        harness.document("mCreate", ["body": ["documents": documents]])
        #expect(harness.document("deleteByQuery", ["body": ["query": ["term": ["k": 1]]]]).errorId
            == "services.storage.write_limit_exceeded")
        #expect(harness.document("updateByQuery", ["body": ["query": [:], "changes": ["k": 2]]]).errorId
            == "services.storage.write_limit_exceeded")
        #expect(harness.document("count").at("result") == ["count": 300])
    }

    @Test func deleteFieldsNotifiesAnUpdate() {
        let harness = seeded()
        harness.subscribe([:])
        let response = harness.document("deleteFields", ["_id": "d0", "body": ["fields": ["tags", "title"]]])
        #expect(response.at("result") == ["_id": "d0", "_version": 2])
        #expect(harness.notifications.map { $0["action"] } == ["update"])
        #expect(harness.notifications.first?.at("result._updatedFields") == ["tags", "title"])
        let source = harness.document("deleteFields", ["_id": "d0", "source": true, "body": ["fields": ["n"]]])
        #expect(source.at("result._source")?.objectValue?.keys == ["color", "_kuzzle_info"])
        #expect(harness.document("deleteFields", ["_id": "nope", "body": ["fields": []]]).errorId == "services.storage.not_found")
        #expect(harness.document("deleteFields", ["_id": "d1", "body": [:]]).errorId == "api.assert.missing_argument")
        #expect(harness.document("deleteFields", ["_id": "d1", "body": ["fields": [1]]]).errorId == "api.assert.invalid_type")
    }
}

import HeraldCore
import HeraldWire
import Testing

@Suite struct DocumentUpsertTests {
    private func upsert(_ harness: GatewayHarness, _ extra: JSONObject) -> JSONObject {
        var frame: JSONObject = ["controller": "document", "action": "upsert", "index": "i", "collection": "c", "_id": "d1"]
        for (key, value) in extra { frame[key] = value }
        return harness.request(frame)
    }

    @Test func contractThreeUpsertExample() {
        let harness = GatewayHarness()
        harness.ready()
        let first = upsert(harness, ["body": ["changes": ["name": "document-1", "age": 42], "default": ["foo": "bar"]]])
        #expect(first["result"] == ["_id": "d1", "_version": 1, "created": true])
        let second = upsert(harness, ["body": ["changes": ["name": "updated1"], "default": ["foo": "oh noes"]], "source": true])
        let result = second["result"]!.objectValue!
        #expect(result["created"] == false)
        #expect(result["_version"] == 2)
        var source = result["_source"]!.objectValue!
        source["_kuzzle_info"] = nil
        #expect(source == ["name": "updated1", "age": 42, "foo": "bar"])
        let third = upsert(harness, ["body": ["changes": ["name": "updated2"]], "source": false])
        #expect(third["result"] == ["_id": "d1", "_version": 3, "created": false])
    }

    @Test func argumentChecksComeInContractOrder() {
        let harness = GatewayHarness()
        func errorId(_ frame: JSONObject) -> JSONValue? {
            var request: JSONObject = ["controller": "document", "action": "upsert"]
            for (key, value) in frame { request[key] = value }
            return harness.request(request)["error"]?.objectValue?["message"]
        }
        #expect(errorId([:]) == #"Missing argument "_id"."#)
        #expect(errorId(["_id": "x"]) == "The request must specify a body.")
        #expect(errorId(["_id": "x", "body": [:]]) == #"Missing argument "body.changes"."#)
        #expect(errorId(["_id": "x", "body": ["changes": 1]]) == #"Wrong type for argument "body.changes" (expected: object)"#)
        #expect(errorId(["_id": "x", "body": ["changes": [:], "default": "no"]]) == #"Wrong type for argument "body.default" (expected: object)"#)
        #expect(errorId(["_id": "x", "body": ["changes": [:]], "silent": "yes"]) == #"Wrong type for argument "silent" (expected: boolean)"#)
        #expect(errorId(["_id": "x", "body": ["changes": [:]], "refresh": "now"]) == #"Argument "refresh" is invalid (expected: "wait_for", false)"#)
        #expect(errorId(["_id": "x", "body": ["changes": [:]], "source": 3]) == #"Wrong type for argument "source" (expected: boolean)"#)
        #expect(errorId(["_id": "x", "body": ["changes": [:]]]) == #"Missing argument "index"."#)
        #expect(errorId(["_id": "x", "body": ["changes": [:]], "index": "i"]) == #"Missing argument "collection"."#)
        #expect(errorId(["_id": "x", "body": ["changes": [:]], "index": "i", "collection": "c"]) == #"The index "i" does not exist."#)
        harness.request(["controller": "index", "action": "create", "index": "i"])
        #expect(errorId(["_id": "x", "body": ["changes": [:]], "index": "i", "collection": "c"]) == #"The collection "i":"c" does not exist."#)
    }

    @Test func defaultsSpellings() {
        let harness = GatewayHarness()
        harness.ready()
        let spellings: [JSONObject] = [
            ["body": ["changes": ["a": 1], "defaults": ["d": true]]],
            ["body": ["changes": ["a": 1]], "default": ["d": true]],
            ["body": ["changes": ["a": 1]], "defaults": ["d": true]],
        ]
        for (number, extra) in spellings.enumerated() {
            let response = upsert(harness, extra.merging(["_id": .string("s\(number)"), "source": true]))
            #expect(response["result"]?.objectValue?["_source"]?.objectValue?["d"] == true)
        }
    }
}

extension JSONObject {
    func merging(_ other: JSONObject) -> JSONObject {
        var copy = self
        for (key, value) in other { copy[key] = value }
        return copy
    }
}

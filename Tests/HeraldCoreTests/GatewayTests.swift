import HeraldCore
import HeraldWire
import Testing

@Suite struct GatewayTests {
    @Test func checkTokenAnswersAnonymous() {
        let harness = GatewayHarness()
        let response = harness.request(["controller": "auth", "action": "checkToken", "body": [:], "requestId": "abc"])
        #expect(response["result"] == ["expiresAt": nil, "kuid": "-1", "valid": true])
        #expect(response["room"] == "abc")
        #expect(response["requestId"] == "abc")
        #expect(response["status"] == 200)
        #expect(response["error"] == .null)
        #expect(response["node"] == "node-test")
        #expect(response["headers"] == [:])
        #expect(response["volatile"] == .null)
        #expect(response.keys == ["action", "collection", "controller", "error", "headers", "index", "node",
                                  "requestId", "result", "status", "volatile", "room"])
    }

    @Test func missingRequestIdIsGeneratedAsUUIDv4() {
        let harness = GatewayHarness()
        let frames = harness.sendRaw(#"{"controller":"server","action":"now"}"#)
        let response = frames[0].frame.objectValue!
        let id = response["requestId"]!.stringValue!
        #expect(id.count == 36)
        #expect(Array(id)[14] == "4")
        #expect(response["room"]!.stringValue == id)
        #expect(response["result"] == ["now": .int(GatewayHarness.now)])
    }

    @Test func heartbeatsAreAnswered() {
        let harness = GatewayHarness()
        #expect(harness.sendRaw(#"{"p":1}"#).map(\.frame) == [["p": 2]])
        #expect(harness.sendRaw(#" { "p" : 1 } "#).map(\.frame) == [["p": 2]])
        #expect(harness.sendRaw("").isEmpty)
    }

    @Test func invalidJSONGetsAnUnroutedError() {
        let harness = GatewayHarness()
        let frames = harness.sendRaw("{not json")
        let frame = frames[0].frame.objectValue!
        #expect(frame["room"] == nil)
        #expect(frame["status"] == 400)
        let error = frame["error"]!.objectValue!
        #expect(error["id"] == "network.websocket.unexpected_error")
        #expect(error["code"] == 50_528_257)
        #expect(error["message"]!.stringValue!.hasPrefix("Caught an unexpected WebSocket error: "))
        // The connection keeps working.
        #expect(harness.request(["controller": "server", "action": "now"])["status"] == 200)
    }

    @Test func unknownControllerAndAction() {
        let harness = GatewayHarness()
        let noController = harness.request(["controller": "nope", "action": "x"])
        #expect(noController["error"]?.objectValue?["message"] == #"API controller "nope" not found."#)
        #expect(noController["status"] == 404)
        #expect(noController["result"] == .null)
        let noAction = harness.request(["controller": "document", "action": "nope"])
        #expect(noAction["error"]?.objectValue?["message"] == #"API action "document":"nope" not found"#)
        let missing = harness.request(["action": "now"])
        #expect(missing["error"]?.objectValue?["message"] == #"Missing argument "controller"."#)
        #expect(missing["controller"] == .null)
    }

    @Test func indexCreateHasNoResultKey() {
        let harness = GatewayHarness()
        let created = harness.request(["controller": "index", "action": "create", "index": "i"])
        #expect(created["status"] == 200)
        #expect(created["result"] == nil)
        let again = harness.request(["controller": "index", "action": "create", "index": "i"])
        #expect(again["error"]?.objectValue?["id"] == "services.storage.index_already_exists")
        #expect(again["status"] == 412)
    }
}

@testable import HeraldCore
import HeraldWire
import Testing

/// `collection:getSettings`, `server:openapi`, `document:export`, `admin:resetCache`,
/// `refreshIndexCache`, `resetSecurity`, `loadSecurities` and `shutdown`.
@Suite struct AdminServerExportActionsTests {
    private func call(_ harness: GatewayHarness, _ controller: String, _ action: String,
                      _ extra: JSONObject = [:]) -> JSONObject {
        var frame: JSONObject = ["controller": .string(controller), "action": .string(action)]
        for (key, value) in extra { frame[key] = value }
        return harness.request(frame)
    }

    @Test func settingsAreKeptFromCreateAndMergedByUpdate() {
        let harness = GatewayHarness()
        let target: JSONObject = ["index": "i", "collection": "c"]
        #expect(call(harness, "collection", "create", target.merging(["body": [
            "settings": ["number_of_shards": 2, "analysis": ["a": 1]], "mappings": ["properties": [:]],
        ]])).at("result") == ["acknowledged": true])
        #expect(call(harness, "collection", "getSettings", target).at("result")
            == ["number_of_shards": 2, "analysis": ["a": 1]])
        #expect(call(harness, "collection", "update", target.merging(["body": ["settings": ["analysis": ["b": 2]]]]))
            .at("result") == .null)
        #expect(call(harness, "collection", "getSettings", target).at("result")
            == ["number_of_shards": 2, "analysis": ["a": 1, "b": 2]])
        // The deprecated body (the mappings themselves) carries no settings.
        _ = call(harness, "collection", "create", ["index": "i", "collection": "d", "body": ["properties": [:]]])
        #expect(call(harness, "collection", "getSettings", ["index": "i", "collection": "d"]).at("result") == [:])
        #expect(call(harness, "collection", "getSettings", ["index": "i", "collection": "nope"]).errorId
            == "services.storage.unknown_collection")
        #expect(call(harness, "collection", "getSettings", ["index": "i"]).errorId == "api.assert.missing_argument")
        #expect(call(harness, "collection", "update", target.merging(["body": ["settings": 3]])).errorId
            == "api.assert.invalid_type")
    }

    @Test func openAPIDescribesTheServedRoutes() throws {
        let harness = GatewayHarness()
        let json = call(harness, "server", "openapi")
        #expect(json.at("result.swagger") == "2.0")
        let operation = try #require(json.at("result.paths./{index}/{collection}/_settings")?.objectValue?["get"])
        #expect(operation.objectValue?["tags"] == ["collection"])
        #expect(operation.objectValue?["summary"] == "Action: getSettings.")
        #expect(operation.objectValue?["parameters"]?.arrayValue?.count == 2)
        // Routes of actions Herald does not implement are left out.
        #expect(json.at("result.paths./admin/_dump") == nil)
        let yaml = call(harness, "server", "openapi", ["format": "yaml"]).at("result")?.stringValue ?? ""
        #expect(yaml.hasPrefix("---\nswagger: \"2.0\"\ninfo:\n  title: \"Herald API\"\n"))
        #expect(call(harness, "server", "openapi", ["scope": "app"]).at("result.paths") == [:])
        #expect(call(harness, "server", "openapi", ["format": "xml"]).errorId == "api.assert.unexpected_argument")
        #expect(call(harness, "server", "openapi", ["scope": "plugins"]).errorId == "api.assert.unexpected_argument")
    }

    @Test func openAPIOverHTTPIsTheRawDocument() throws {
        let harness = GatewayHarness()
        let outcome = harness.http(["controller": "server", "action": "openapi", "format": "yaml"])
        guard case .success(.raw(let answer)) = outcome else {
            Issue.record("expected a raw answer, got \(outcome)")
            return
        }
        #expect(answer.contentType == "application/yaml")
        #expect(String(decoding: answer.body, as: UTF8.self).hasPrefix("---\nswagger: \"2.0\"\n"))
    }

    @Test func exportWritesJSONLAndCSVOverHTTPOnly() throws {
        let harness = GatewayHarness()
        _ = call(harness, "collection", "create", ["index": "i", "collection": "c", "body": ["mappings": ["properties": [
            "name": ["type": "keyword"], "info": ["properties": ["age": ["type": "integer"]]],
        ]]]])
        harness.document("create", ["_id": "a", "body": ["name": "x,y", "info": ["age": 3]]])
        harness.document("create", ["_id": "b", "body": ["name": "say \"hi\"", "tags": ["t"]]])
        #expect(harness.document("export").errorId == "api.assert.unsupported_protocol")
        #expect(harness.document("export").at("status") == 500)

        let target: JSONObject = ["controller": "document", "action": "export", "index": "i", "collection": "c"]
        guard case .success(.raw(let jsonl)) = harness.http(target) else {
            Issue.record("expected a raw JSONL answer")
            return
        }
        #expect(jsonl.contentType == "application/x-ndjson")
        #expect(jsonl.headers["Content-Disposition"] == "attachment; filename=\"i-c.jsonl\"")
        let lines = drained(jsonl).split(separator: "\n")
        #expect(lines.count == 3)
        #expect(lines.first == #"{"collection":"c","index":"i","type":"collection"}"#)
        #expect(lines[1].hasPrefix(#"{"_id":"a","body":{"name":"x,y","info":{"age":3},"_kuzzle_info":{"#))

        guard case .success(.raw(let csv)) = harness.http(target.merging(["format": "csv"])) else {
            Issue.record("expected a raw CSV answer")
            return
        }
        #expect(csv.contentType == "text/csv")
        #expect(drained(csv) == "_id,name,info.age\na,\"x,y\",3\nb,\"say \"\"hi\"\"\",\n")

        let chosen = target.merging([
            "format": "csv", "separator": ";", "fields": "tags,name", "fieldsName": #"{"name":"Name"}"#,
            "lang": "koncorde", "body": ["query": ["equals": ["_id": "b"]]],
        ])
        guard case .success(.raw(let picked)) = harness.http(chosen) else {
            Issue.record("expected a raw CSV answer")
            return
        }
        #expect(drained(picked) == "_id;tags;Name\nb;[OBJECT];\"say \"\"hi\"\"\"\n")

        guard case .failure(let format) = harness.http(target.merging(["format": "xml"])) else {
            Issue.record("expected an error")
            return
        }
        #expect(format.id == "api.assert.unexpected_argument")
        guard case .failure(let unknown) = harness.http(target.merging(["collection": "nope"])) else {
            Issue.record("expected an error")
            return
        }
        #expect(unknown.id == "services.storage.unknown_collection")
        guard case .failure(let badQuery) = harness.http(target.merging(["fieldsName": "[1]"])) else {
            Issue.record("expected an error")
            return
        }
        #expect(badQuery.id == "api.assert.invalid_type")
    }

    @Test func anExportIsASnapshotWrittenABatchAtATime() throws {
        let harness = GatewayHarness()
        harness.ready()
        let count = ExportStream.batch + 1
        for id in 0..<count { harness.document("create", ["_id": .string("d\(id)"), "body": ["n": .int(id)]]) }
        guard case .success(.raw(let answer)) = harness.http(["controller": "document", "action": "export",
                                                              "index": "i", "collection": "c"]) else {
            Issue.record("expected a raw answer")
            return
        }
        let stream = try #require(answer.stream)
        #expect(answer.body.isEmpty)
        harness.document("delete", ["_id": "d0"])
        let pieces = Array(sequence(state: ()) { _ in stream() })
        #expect(pieces.count == 3, "the header line, a full batch, then the last document")
        #expect(pieces.map { $0.filter { $0 == 0x0A }.count } == [1, ExportStream.batch, 1])
        #expect(String(decoding: pieces[1].prefix(8), as: UTF8.self) == #"{"_id":""#)
        #expect(stream() == nil)
    }

    @Test func mGetAndMExistsTakeACommaSeparatedIdsArgument() {
        let harness = GatewayHarness()
        harness.ready()
        harness.document("create", ["_id": "a", "body": ["n": 1]])
        #expect(harness.document("mGet", ["ids": "a,zz"]).at("result.errors") == ["zz"])
        #expect(harness.document("mGet", ["ids": "a,zz"]).at("result.successes")?.arrayValue?.count == 1)
        #expect(harness.document("mExists", ["ids": "a,zz"]).at("result") == ["errors": ["zz"], "successes": ["a"]])
        #expect(harness.document("mGet", ["ids": 3]).errorId == "api.assert.invalid_type")
    }

    @Test func resetCacheKnowsKuzzlesTwoDatabases() {
        let harness = GatewayHarness()
        #expect(call(harness, "admin", "resetCache", ["database": "internalCache"]).at("result") == ["acknowledge": true])
        #expect(call(harness, "admin", "resetCache", ["database": "memoryStorage"]).at("result") == ["acknowledge": true])
        let unknown = call(harness, "admin", "resetCache", ["database": "redis"])
        #expect(unknown.errorId == "services.cache.database_not_found" && unknown.at("status") == 404)
        #expect(call(harness, "admin", "resetCache").errorId == "api.assert.missing_argument")
        let refreshed = call(harness, "admin", "refreshIndexCache")
        #expect(refreshed.at("status") == 200 && refreshed["result"] == nil)
    }

    @Test func resetSecurityDeletesEverythingAndRestoresTheBuiltIns() {
        let harness = GatewayHarness()
        _ = call(harness, "security", "createRole", ["_id": "editor", "body": ["controllers": ["*": ["actions": ["*": true]]]]])
        _ = call(harness, "security", "createProfile", ["_id": "editors", "body": ["policies": [["roleId": "editor"]]]])
        _ = call(harness, "security", "createUser", ["_id": "bob", "body": ["content": ["profileIds": ["editors"]],
                                                                          "credentials": ["local": ["username": "bob", "password": "pw"]]]])
        #expect(call(harness, "admin", "resetSecurity").at("result")
            == ["deletedUsers": 1, "deletedProfiles": 4, "deletedRoles": 4])
        #expect(call(harness, "security", "getUser", ["_id": "bob"]).errorId == "security.user.not_found")
        #expect(call(harness, "security", "getRole", ["_id": "editor"]).errorId == "security.role.not_found")
        #expect(call(harness, "security", "getRole", ["_id": "admin"]).at("result._id") == "admin")
        #expect(call(harness, "security", "getProfile", ["_id": "anonymous"]).at("result._id") == "anonymous")
        #expect(call(harness, "security", "getUser", ["_id": "-1"]).at("result._source.profileIds") == ["anonymous"])
        #expect(call(harness, "auth", "login", ["strategy": "local", "body": ["username": "bob", "password": "pw"]])
            .errorId == "plugin.strategy.missing_user")
    }

    @Test func loadSecuritiesCreatesRolesProfilesThenUsers() {
        let harness = GatewayHarness()
        let body: JSONValue = [
            "roles": ["reader": ["controllers": ["document": ["actions": ["get": true]]]]],
            "profiles": ["readers": ["policies": [["roleId": "reader"]]]],
            "users": ["ann": ["content": ["profileIds": ["readers"]],
                              "credentials": ["local": ["username": "ann", "password": "pw"]]]],
        ]
        #expect(call(harness, "admin", "loadSecurities", ["body": body]).at("result") == ["acknowledge": true])
        #expect(call(harness, "security", "getUser", ["_id": "ann"]).at("result._source.profileIds") == ["readers"])
        #expect(call(harness, "security", "getProfile", ["_id": "readers"]).at("result._id") == "readers")
        let again: JSONValue = ["users": ["ann": ["content": ["profileIds": ["default"]]]]]
        #expect(call(harness, "admin", "loadSecurities", ["body": again]).errorId == "security.user.prevent_overwrite")
        #expect(call(harness, "admin", "loadSecurities", ["body": again, "onExistingUsers": "skip"]).at("result")
            == ["acknowledge": true])
        #expect(call(harness, "security", "getUser", ["_id": "ann"]).at("result._source.profileIds") == ["readers"])
        #expect(call(harness, "admin", "loadSecurities", ["body": again, "onExistingUsers": "overwrite"]).at("result")
            == ["acknowledge": true])
        #expect(call(harness, "security", "getUser", ["_id": "ann"]).at("result._source.profileIds") == ["default"])
        #expect(call(harness, "admin", "loadSecurities", ["body": again, "onExistingUsers": "merge"]).errorId
            == "api.assert.unexpected_argument")
        #expect(call(harness, "admin", "loadSecurities", ["body": ["roles": 1]]).errorId == "api.assert.invalid_type")
        #expect(call(harness, "admin", "loadSecurities", ["body": ["users": ["x": 1]]]).errorId
            == "api.assert.invalid_type")
        #expect(call(harness, "admin", "loadSecurities").errorId == "api.assert.body_required")
        #expect(call(harness, "admin", "loadSecurities", ["body": ["profiles": ["p": ["policies": [["roleId": "nope"]]]]]])
            .errorId == "security.role.not_found")
    }

    @Test func loadSecuritiesRunsEachWriteWithTheCallersRights() {
        let harness = SecuredHarness()
        let admin = harness.secure()
        harness.result(["controller": "security", "action": "createRole", "_id": "loader",
                        "body": ["controllers": ["admin": ["actions": ["loadSecurities": true]],
                                                 "auth": ["actions": ["*": true]]]]], jwt: admin)
        harness.result(["controller": "security", "action": "createProfile", "_id": "loaders",
                        "body": ["policies": [["roleId": "loader"]]]], jwt: admin)
        harness.result(["controller": "security", "action": "createUser", "_id": "lou",
                        "body": ["content": ["profileIds": ["loaders"]],
                                 "credentials": ["local": ["username": "lou", "password": "pw"]]]], jwt: admin)
        let lou = harness.login("lou", "pw")
        let roles: JSONObject = ["controller": "admin", "action": "loadSecurities",
                                 "body": ["roles": ["r": ["controllers": [:]]]]]
        let forbidden = harness.error(roles, jwt: lou)
        #expect(forbidden.id == "security.rights.forbidden" && forbidden.message.contains("security:createOrReplaceRole"))
        #expect(harness.error(["controller": "security", "action": "getRole", "_id": "r"], jwt: admin).id
            == "security.role.not_found")
        // Anonymous may load, but not write roles: unauthorized, as for any anonymous refusal.
        harness.result(["controller": "security", "action": "createOrReplaceRole", "_id": "anonymous",
                        "body": ["controllers": ["admin": ["actions": ["loadSecurities": true]],
                                                 "auth": ["actions": ["login": true]]]]], jwt: admin)
        #expect(harness.error(roles).id == "security.rights.unauthorized")
    }

    @Test func shutdownIsRequestedOnceItsAnswerIsOut() {
        let harness = GatewayHarness()
        let requests = ShutdownCounter()
        harness.gateway.shutdownHandler = { requests.count += 1 }
        #expect(call(harness, "admin", "shutdown").at("result") == ["acknowledge": true])
        #expect(requests.count == 1)
        let second = call(harness, "admin", "shutdown")
        #expect(second.errorId == "api.process.action_locked" && second.at("status") == 412)
        #expect(requests.count == 1)
    }
}

/// Counts the gateway's shutdown requests.
private final class ShutdownCounter {
    var count = 0
}

/// Every piece of a streamed answer, as text.
private func drained(_ answer: RawAnswer) -> String {
    var bytes: [UInt8] = []
    while let piece = answer.stream?() { bytes += piece }
    return String(decoding: bytes, as: UTF8.self)
}

import HeraldWire
import Testing

@Suite("HTTP request mapping")
struct HTTPRequestMapperTests {
    let mapper = HTTPRequestMapper(routes: .builtIn())

    private func frame(_ request: HTTPAPIRequest) throws -> JSONObject {
        guard case .frame(let frame) = mapper.map(request) else {
            Issue.record("expected a frame for \(request.verb) \(request.path)")
            return JSONObject()
        }
        return frame
    }

    private func error(_ request: HTTPAPIRequest) -> KuzzleError? {
        guard case .failure(let error, _) = mapper.map(request) else { return nil }
        return error
    }

    @Test("path, query, body and headers become the WebSocket frame")
    func upsert() throws {
        let request = HTTPAPIRequest(
            verb: "POST", path: "/shop/orders/o-1/_upsert",
            query: HTTPQueryString.pairs("refresh=wait_for&source&silent=true&retryOnConflict=3&_id=999&x=1.5"),
            contentType: "application/json; charset=utf-8", authorization: "Bearer abc.def",
            volatile: #"{"who":"cron"}"#, requestId: "r-1", body: Array(#"{"changes":{"n":1}}"#.utf8))
        let frame = try frame(request)
        #expect(frame["controller"] == "document")
        #expect(frame["action"] == "upsert")
        #expect(frame["index"] == "shop")
        #expect(frame["collection"] == "orders")
        #expect(frame["_id"] == "o-1", "path placeholders override query arguments")
        #expect(frame["refresh"] == "wait_for")
        #expect(frame["source"] == true)
        #expect(frame["silent"] == true)
        #expect(frame["retryOnConflict"] == 3)
        #expect(frame["x"] == 1.5)
        #expect(frame["body"] == ["changes": ["n": 1]])
        #expect(frame["jwt"] == "abc.def")
        #expect(frame["volatile"] == ["who": "cron"])
        #expect(frame["requestId"] == "r-1")
    }

    @Test("a boolean option is true when present, whatever its value", arguments: ["silent", "silent=", "silent=false"])
    func flags(query: String) throws {
        let frame = try frame(HTTPAPIRequest(verb: "DELETE", path: "/i/c/d", query: HTTPQueryString.pairs(query)))
        #expect(frame["silent"] == true)
    }

    @Test("string arguments stay strings; other numbers are typed")
    func typing() {
        let strings: Set<String> = ["_id"]
        #expect(HTTPQueryString.typed(name: "_id", value: "42", stringArguments: strings) == "42")
        #expect(HTTPQueryString.typed(name: "size", value: "42", stringArguments: strings) == 42)
        #expect(HTTPQueryString.typed(name: "from", value: "-1", stringArguments: strings) == -1)
        #expect(HTTPQueryString.typed(name: "q", value: "1e3", stringArguments: strings) == 1000.0)
        #expect(HTTPQueryString.typed(name: "q", value: "inf", stringArguments: strings) == "inf")
        #expect(HTTPQueryString.typed(name: "q", value: "0x10", stringArguments: strings) == "0x10")
        #expect(HTTPQueryString.typed(name: "q", value: "a b", stringArguments: strings) == "a b")
    }

    @Test("query strings are split and percent-decoded")
    func decoding() {
        let pairs = HTTPQueryString.pairs("a=x%20y&b&c=1+2&&d=%zz&e=%C3%A9")
        #expect(pairs.map(\.name) == ["a", "b", "c", "d", "e"])
        #expect(pairs.map(\.value) == ["x y", "", "1 2", "%zz", "é"])
        #expect(HTTPQueryString.pairs(fragments: ["a=1", "b", ""]).map(\.value) == ["1", ""])
    }

    @Test("POST /_query runs the body as a whole request; headers fill what it leaves out")
    func wholeRequest() throws {
        let body = #"{"controller":"server","action":"now","requestId":"q-1"}"#
        let frame = try frame(HTTPAPIRequest(verb: "POST", path: "/_query", authorization: "bearer t",
                                             body: Array(body.utf8)))
        #expect(frame["controller"] == "server")
        #expect(frame["requestId"] == "q-1")
        #expect(frame["jwt"] == "t")
        #expect(error(HTTPAPIRequest(verb: "POST", path: "/_query")) == .bodyRequired)
        #expect(error(HTTPAPIRequest(verb: "POST", path: "/_query", body: Array("[1]".utf8))) == .bodyRequired)
    }

    @Test("Kuzzle's errors for bad input")
    func errors() {
        #expect(error(HTTPAPIRequest(verb: "GET", path: "/a/b/c/d/e")) == .urlNotFound("/a/b/c/d/e"))
        #expect(error(HTTPAPIRequest(verb: "GET", path: "/a/b/c/d/e/")) == .urlNotFound("/a/b/c/d/e"))
        #expect(error(HTTPAPIRequest(verb: "TRACE", path: "/")) == .unsupportedVerb("TRACE"))
        #expect(error(HTTPAPIRequest(verb: "POST", path: "/i/_create", body: Array("{nope".utf8)))
            == .bodyParseFailed("{nope"))
        #expect(error(HTTPAPIRequest(verb: "POST", path: "/i/_create", contentType: "text/plain"))
            == .unsupportedContent("text/plain"))
        #expect(error(HTTPAPIRequest(verb: "POST", path: "/i/_create", contentType: "application/json; charset=latin1"))
            == .unsupportedCharset("latin1"))
        guard case .failure(let volatileError, let partial) = mapper.map(
            HTTPAPIRequest(verb: "GET", path: "/_now", volatile: "{bad")) else {
            Issue.record("a bad volatile header must fail")
            return
        }
        #expect(volatileError.id == "network.http.volatile_parse_failed")
        #expect(partial["action"] == "now", "the error echoes the matched route")
    }

    @Test("an empty or blank body is no body; a form body becomes string members")
    func bodies() throws {
        #expect(try frame(HTTPAPIRequest(verb: "POST", path: "/i/_create", body: Array(" \n".utf8)))["body"] == nil)
        let form = try frame(HTTPAPIRequest(verb: "POST", path: "/_login/local",
                                            contentType: "application/x-www-form-urlencoded",
                                            body: Array("username=a&password=b%21".utf8)))
        #expect(form["body"] == ["username": "a", "password": "b!"])
    }

    @Test("the envelope has Kuzzle's keys, status and pretty form")
    func envelope() throws {
        let echo = HTTPEnvelope.Echo(frame: ["controller": "document", "action": "get", "index": "i",
                                             "collection": 3, "volatile": [1]], requestId: "r")
        let ok = HTTPEnvelope.encode(echo, result: .success(["a": 1]), nodeID: "n")
        #expect(String(decoding: ok, as: UTF8.self) ==
            #"{"action":"get","collection":null,"controller":"document","error":null,"headers":{},"index":"i","node":"n","requestId":"r","result":{"a":1},"status":200,"volatile":null}"#)
        let failed = try JSONParser.parse(HTTPEnvelope.encode(echo, result: .failure(.urlNotFound("/x")), nodeID: "n"))
        #expect(failed.objectValue?["status"] == 404)
        #expect(failed.objectValue?["result"] == .null)
        #expect(failed.objectValue?["error"]?.objectValue?["code"] == 50_397_191)
        let none = try JSONParser.parse(HTTPEnvelope.encode(echo, result: .success(nil), nodeID: "n"))
        #expect(none.objectValue?["result"] == nil)
        let pretty = String(decoding: JSONPrettyWriter.encode(["a": [1, ["b": [:]]], "c": []]), as: UTF8.self)
        #expect(pretty == "{\n  \"a\": [\n    1,\n    {\n      \"b\": {}\n    }\n  ],\n  \"c\": []\n}")
    }
}

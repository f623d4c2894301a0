import HeraldWire
import Testing

@Suite("OpenAPI document and YAML writer")
struct OpenAPIAndYAMLTests {
    private let info = HTTPRouteTable.OpenAPIInfo(title: "T", description: "D", version: "1")

    @Test("one operation per path and verb, the first route winning, placeholders as path parameters")
    func document() throws {
        let table = HTTPRouteTable(routes: [
            HTTPRoute(verb: "GET", path: "/:index/:collection/_settings", controller: "collection", action: "getSettings"),
            HTTPRoute(verb: "GET", path: "/:index/:collection/_settings", controller: "collection", action: "other"),
            HTTPRoute(verb: "POST", path: "/admin/_shutdown/", controller: "admin", action: "shutdown"),
        ])
        let document = try #require(table.openAPIDocument(info).objectValue)
        #expect(document["swagger"] == "2.0")
        #expect(document["info"] == ["title": "T", "description": "D", "version": "1"])
        #expect(document["tags"] == [
            ["description": "Collection Controller", "name": "collection"],
            ["description": "Admin Controller", "name": "admin"],
        ])
        let paths = try #require(document["paths"]?.objectValue)
        #expect(paths.keys == ["/{index}/{collection}/_settings", "/admin/_shutdown/"])
        #expect(paths["/{index}/{collection}/_settings"] == ["get": [
            "tags": ["collection"], "description": "Controller: collection.", "summary": "Action: getSettings.",
            "parameters": [
                ["in": "path", "name": "index", "required": true, "type": "string"],
                ["in": "path", "name": "collection", "required": true, "type": "string"],
            ],
            "responses": ["200": ["description": "OK"]],
        ]])
        #expect(paths["/admin/_shutdown/"]?.objectValue?["post"]?.objectValue?["parameters"] == nil)
    }

    @Test("block style, quoted strings, keys bare only when unambiguous")
    func yaml() {
        let value: JSONValue = [
            "name": "x", "200": ["description": "OK"], "/{a}": [:], "list": [1, "two", ["k": true, "l": [1]], []],
            "yes": .null, "n": 1.5,
        ]
        let text = String(decoding: YAMLWriter.encode(value), as: UTF8.self)
        #expect(text == """
            ---
            name: "x"
            "200":
              description: "OK"
            "/{a}": {}
            list:
              - 1
              - "two"
              - k: true
                l:
                  - 1
              - []
            "yes": null
            "n": 1.5

            """)
        #expect(String(decoding: YAMLWriter.encode("a\"b\n"), as: UTF8.self) == "---\n\"a\\\"b\\n\"\n")
    }

    @Test("GET _mGet keeps a comma-separated ids argument a string, for the action to split")
    func mGetIds() throws {
        let mapper = HTTPRequestMapper(routes: .builtIn())
        let request = HTTPAPIRequest(verb: "GET", path: "/shop/orders/_mGet", query: HTTPQueryString.pairs("ids=1,b"),
                                     contentType: nil, authorization: nil, volatile: nil, requestId: nil, body: [])
        guard case .frame(let frame) = mapper.map(request) else {
            Issue.record("expected a frame")
            return
        }
        #expect(frame["action"] == "mGet" && frame["ids"] == "1,b")
        let single = HTTPAPIRequest(verb: "GET", path: "/shop/orders/_mGet", query: HTTPQueryString.pairs("ids=12"),
                                    contentType: nil, authorization: nil, volatile: nil, requestId: nil, body: [])
        guard case .frame(let one) = mapper.map(single) else {
            Issue.record("expected a frame")
            return
        }
        #expect(one["ids"] == "12", "an id that looks like a number stays a string")
    }
}

import Foundation
import HeraldWire
import Testing

@Suite("HTTP route table")
struct HTTPRouteTableTests {
    static let protocolsFile = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Protocols/http-routes.json")

    @Test("the embedded table is Protocols/http-routes.json byte for byte")
    func embeddedCopyIsInStep() throws {
        let file = try String(contentsOf: Self.protocolsFile, encoding: .utf8)
        let fromFile = try HTTPRouteTable(json: Array(file.utf8))
        let builtIn = HTTPRouteTable.builtIn()
        #expect(builtIn.routes == fromFile.routes)
        #expect(builtIn.stringArguments == fromFile.stringArguments)
        #expect(builtIn.routes.count > 100)
    }

    @Test("placeholders become arguments, in pattern order")
    func placeholders() throws {
        let table = HTTPRouteTable.builtIn()
        let match = try #require(table.match(verb: "POST", path: "/shop/orders/o-1/_upsert"))
        #expect(match.route.controller == "document" && match.route.action == "upsert")
        #expect(match.arguments.map(\.name) == ["index", "collection", "_id"])
        #expect(match.arguments.map(\.value) == ["shop", "orders", "o-1"])
    }

    @Test("a literal segment wins over a placeholder", arguments: [
        ("GET", "/shop/_list", "collection", "list"),
        ("GET", "/shop/orders/_mapping", "collection", "getMapping"),
        ("GET", "/shop/orders/_search", "document", "search"),
        ("GET", "/shop/orders/o-1", "document", "get"),
        ("GET", "/_me", "auth", "getCurrentUser"),
        ("GET", "/_now", "server", "now"),
        ("GET", "/", "server", "info"),
        ("DELETE", "/_mDelete", "index", "mDelete"),
        ("DELETE", "/shop", "index", "delete"),
        ("DELETE", "/shop/orders", "collection", "delete"),
        ("DELETE", "/shop/orders/_truncate", "collection", "truncate"),
        ("PUT", "/shop/orders/_mReplace", "document", "mReplace"),
        ("PUT", "/shop/orders/o-1", "document", "createOrReplace"),
    ])
    func literalFirst(verb: String, path: String, controller: String, action: String) throws {
        let match = try #require(HTTPRouteTable.builtIn().match(verb: verb, path: path))
        #expect(match.route.controller == controller)
        #expect(match.route.action == action)
    }

    @Test("a dead end under a literal falls back to the placeholder")
    func backtracking() throws {
        let table = HTTPRouteTable(routes: [
            HTTPRoute(verb: "GET", path: "/users/_me", controller: "auth", action: "getCurrentUser"),
            HTTPRoute(verb: "GET", path: "/:index/:collection/:_id", controller: "document", action: "get"),
        ])
        let match = try #require(table.match(verb: "GET", path: "/users/_me/x"))
        #expect(match.route.action == "get")
        #expect(match.arguments.map(\.value) == ["users", "_me", "x"])
    }

    @Test("empty segments and a trailing slash are ignored; unknown paths and verbs do not match")
    func misses() {
        let table = HTTPRouteTable.builtIn()
        #expect(table.match(verb: "GET", path: "//shop//_list/")?.route.action == "list")
        #expect(table.match(verb: "GET", path: "/a/b/c/d/e") == nil)
        #expect(table.match(verb: "POST", path: "/shop/orders/o-1") == nil)
        #expect(table.match(verb: "TRACE", path: "/") == nil)
    }

    @Test("only implemented actions are served and published")
    func implementedFilter() throws {
        let table = HTTPRouteTable.builtIn(implemented: ["document": ["get"], "server": ["now"]])
        #expect(table.match(verb: "GET", path: "/i/c/d")?.route.action == "get")
        #expect(table.match(verb: "POST", path: "/i/c/d/_upsert") == nil)
        let api = try #require(table.publicAPI.objectValue)
        #expect(api.keys == ["document", "server"])
        let get = try #require(api["document"]?.objectValue?["get"]?.objectValue)
        #expect(get["http"] == [["url": "/:index/:collection/:_id", "verb": "GET"]])
        #expect(get["controller"] == "document" && get["action"] == "get")
    }

    @Test("publicApi lists every route of an action in table order")
    func publicAPIOrder() throws {
        let api = try #require(HTTPRouteTable.builtIn().publicAPI.objectValue)
        let upsert = try #require(api["document"]?.objectValue?["upsert"]?.objectValue?["http"]?.arrayValue)
        #expect(upsert.map { $0.objectValue?["verb"] } == ["POST", "PUT"])
    }

    @Test("a malformed table is refused with a reason")
    func malformed() {
        #expect(throws: HTTPRouteTable.LoadError.self) { try HTTPRouteTable(json: Array("[]".utf8)) }
        #expect(throws: HTTPRouteTable.LoadError.self) {
            try HTTPRouteTable(json: Array(#"{"routes":[{"verb":"GET","path":"x"}]}"#.utf8))
        }
    }
}

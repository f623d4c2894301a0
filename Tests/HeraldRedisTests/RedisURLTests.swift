import HeraldRedis
import Testing

@Suite struct RedisURLTests {
    @Test func hostPortAndDefaults() throws {
        let url = try RedisURL(parsing: "redis://127.0.0.1:6390")
        #expect(url == RedisURL(host: "127.0.0.1", port: 6390))
        #expect(try RedisURL(parsing: "redis://cache") == RedisURL(host: "cache", port: 6379))
    }

    @Test func passwordAndDatabase() throws {
        let url = try RedisURL(parsing: "redis://:s3cr:et@localhost:7000/3")
        #expect(url == RedisURL(host: "localhost", port: 7000, password: "s3cr:et", database: 3))
        #expect(url.description == "redis://:***@localhost:7000/3")
        #expect(try RedisURL(parsing: "redis://user:pw@h/").password == "pw")
    }

    @Test(arguments: ["http://h:1", "redis://", "redis://h:0", "redis://h:99999", "redis://h:x", "redis://h/-1",
                      "redis://h/db"])
    func refused(_ text: String) {
        #expect(throws: RedisURL.ParseError.self) { try RedisURL(parsing: text) }
    }
}

import HeraldOperations
import Testing

@Suite struct StorageSettingsTests {
    private let loader = ConfigurationLoader(environment: ["HERALD_SCROLL_TTL": "30"]) { path throws(ConfigurationError) in
        throw ConfigurationError("no file \(path)")
    }

    @Test func limitsAndScrollBoundsAreSettings() throws {
        let configuration = try loader.load(file: nil, arguments: [
            "--documents-write-count", "50", "--documents-fetch-count=100", "--max-scroll-duration", "120",
            "--max-scroll-cursors", "3", "--max-scroll-documents", "1000",
        ])
        #expect(configuration.documentsWriteCount == 50 && configuration.documentsFetchCount == 100)
        #expect(configuration.scrollTtl == 30 && configuration.maxScrollDuration == 120)
        #expect(configuration.maxScrollCursors == 3 && configuration.maxScrollDocuments == 1000)
        let defaults = HeraldConfiguration()
        #expect(defaults.documentsWriteCount == 200 && defaults.documentsFetchCount == 10_000)
        #expect(defaults.scrollTtl == 15 && defaults.maxScrollDuration == 60)
        #expect(throws: ConfigurationError.self) { try loader.load(file: nil, arguments: ["--scroll-ttl", "0"]) }
    }
}

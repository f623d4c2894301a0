import HeraldOperations
import Testing

@Suite struct HardeningSettingsTests {
    private let loader = ConfigurationLoader(environment: ["HERALD_MAX_ROOMS": "7"]) { path throws(ConfigurationError) in
        guard path == "limits.json" else { throw ConfigurationError("no file \(path)") }
        return Array(#"{"maxConnections": 100, "allowedOrigins": "https://a.example", "shutdownTimeout": 9}"#.utf8)
    }

    @Test func everySourceReachesTheLimits() throws {
        let configuration = try loader.load(file: "limits.json", arguments: [
            "--max-requests-per-second", "50", "--max-json-depth=64", "--tls-cert", "c.pem", "--tls-key", "k.pem",
            "--allowed-origins", "https://b.example, http://localhost:8080",
        ])
        #expect(configuration.maxConnections == 100)
        #expect(configuration.maxRooms == 7)
        #expect(configuration.maxRequestsPerSecond == 50)
        #expect(configuration.maxJsonDepth == 64)
        #expect(configuration.shutdownTimeout == 9)
        #expect(configuration.tlsCert == "c.pem" && configuration.tlsKey == "k.pem")
        #expect(configuration.originList == ["https://b.example", "http://localhost:8080"])
    }

    @Test func defaultsLeaveClientsUnbounded() {
        let defaults = HeraldConfiguration()
        #expect(defaults.maxConnections == 0 && defaults.maxRequestsPerSecond == 0 && defaults.maxRooms == 0)
        #expect(defaults.maxSubscriptionsPerConnection == 0 && defaults.socketSendBufferBytes == 0)
        #expect(defaults.pauseReadingAboveBytes == 1 << 20)
        #expect(defaults.maxTotalOutboundBytes == 0)
        #expect(defaults.originList.isEmpty)
        #expect(defaults.tlsCert == nil && defaults.allowedOrigins == nil)
    }

    @Test func invalidValuesAreRejected() {
        for arguments in [
            ["--max-connections", "-1"], ["--max-json-depth", "0"], ["--shutdown-timeout", "0"],
            ["--allowed-origins", "app.example.com"], ["--allowed-origins", "https://ok.example,ftp://x"],
            ["--socket-send-buffer-bytes", "4294967296"], ["--max-total-outbound-bytes", "-1"],
        ] {
            #expect(throws: ConfigurationError.self, "\(arguments)") {
                try loader.load(file: nil, arguments: arguments)
            }
        }
    }

    @Test func totalOutboundBudgetComesFromFlagEnvironmentOrFile() throws {
        #expect(try loader.load(file: nil, arguments: ["--max-total-outbound-bytes", "1048576"]).maxTotalOutboundBytes == 1 << 20)
        let fromEnvironment = ConfigurationLoader(environment: ["HERALD_MAX_TOTAL_OUTBOUND_BYTES": "4096"])
        #expect(try fromEnvironment.load(file: nil, arguments: []).maxTotalOutboundBytes == 4096)
        #expect(HeraldConfiguration.settings.contains { $0.key == "maxTotalOutboundBytes" })
    }
}

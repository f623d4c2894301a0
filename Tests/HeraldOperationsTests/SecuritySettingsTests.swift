import HeraldOperations
import Testing

@Suite struct SecuritySettingsTests {
    private let loader = ConfigurationLoader(environment: ["HERALD_JWT_SECRET": "from-env"]) { path throws(ConfigurationError) in
        guard path == "security.json" else { throw ConfigurationError("no file \(path)") }
        return Array(#"{"tokenTtl": 60, "loginAttemptsPerMinute": 3}"#.utf8)
    }

    @Test func everySourceReachesTheSecuritySettings() throws {
        let configuration = try loader.load(file: "security.json", arguments: [
            "--max-token-ttl", "7200", "--token-expiry-warning=30",
        ])
        #expect(configuration.jwtSecret == "from-env")
        #expect(configuration.tokenTtl == 60)
        #expect(configuration.maxTokenTtl == 7200)
        #expect(configuration.loginAttemptsPerMinute == 3)
        #expect(configuration.tokenExpiryWarning == 30)
    }

    @Test func defaultsAreKuzzles() {
        let defaults = HeraldConfiguration()
        #expect(defaults.jwtSecret == nil && defaults.tokenTtl == 3600 && defaults.maxTokenTtl == 0)
        #expect(defaults.loginAttemptsPerMinute == 10 && defaults.tokenExpiryWarning == 0)
    }

    @Test func invalidValuesAreRejected() {
        for arguments in [["--token-ttl", "0"], ["--max-token-ttl", "-1"], ["--login-attempts-per-minute", "-2"],
                          ["--token-expiry-warning", "x"]] {
            #expect(throws: ConfigurationError.self, "\(arguments)") { try loader.load(file: nil, arguments: arguments) }
        }
    }
}

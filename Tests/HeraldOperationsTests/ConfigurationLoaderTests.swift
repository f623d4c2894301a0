import HeraldOperations
import Logging
import Testing

@Suite struct ConfigurationLoaderTests {
    private func loader(_ environment: [String: String] = [:], files: [String: String] = [:]) -> ConfigurationLoader {
        ConfigurationLoader(environment: environment) { path throws(ConfigurationError) in
            guard let text = files[path] else { throw ConfigurationError("no file \(path)") }
            return Array(text.utf8)
        }
    }

    @Test func defaultsWithoutAnySource() throws {
        #expect(try loader().load(file: nil, arguments: []) == HeraldConfiguration())
    }

    @Test func flagsBeatEnvironmentBeatFileBeatDefaults() throws {
        let files = ["h.json": #"{"port": 1000, "host": "10.0.0.1", "idleTimeout": 5, "logLevel": "debug"}"#]
        let environment = ["HERALD_PORT": "2000", "HERALD_HOST": "127.0.0.2"]
        let configuration = try loader(environment, files: files)
            .load(file: "h.json", arguments: ["--port", "3000"])
        #expect(configuration.port == 3000)  // flag over environment and file
        #expect(configuration.host == "127.0.0.2")  // environment over file
        #expect(configuration.idleTimeout == 5)  // file over default
        #expect(configuration.logLevel == .debug)
        #expect(configuration.maxFilterConditions == 100)  // default
    }

    @Test func fileNamedByEnvironmentWhenNoFlag() throws {
        let files = ["a.json": #"{"port": 1}"#, "b.json": #"{"port": 2}"#]
        let environment = ["HERALD_CONFIG": "a.json"]
        #expect(try loader(environment, files: files).load(file: nil, arguments: []).port == 1)
        #expect(try loader(environment, files: files).load(file: "b.json", arguments: []).port == 2)
    }

    @Test func flagSpellings() throws {
        let configuration = try loader().load(
            file: nil, arguments: ["--max-message-bytes=42", "--node-id", "n-1", "--log-format", "json"])
        #expect(configuration.maxMessageBytes == 42)
        #expect(configuration.nodeId == "n-1")
        #expect(configuration.logFormat == .json)
    }

    @Test func unknownKeysAreNamed() {
        let files = ["h.json": #"{"port": 1, "prot": 2}"#]
        #expect(throws: ConfigurationError("unknown configuration key 'prot' in h.json")) {
            try loader(files: files).load(file: "h.json", arguments: [])
        }
        #expect(throws: ConfigurationError("unknown option '--prot'")) {
            try loader().load(file: nil, arguments: ["--prot", "1"])
        }
    }

    @Test func invalidValuesNameTheirSource() {
        #expect(throws: ConfigurationError("configuration key 'port' in h.json: expected an integer")) {
            try loader(files: ["h.json": #"{"port": "80"}"#]).load(file: "h.json", arguments: [])
        }
        #expect(throws: ConfigurationError("environment variable HERALD_PORT='70000': must be between 0 and 65535")) {
            try loader(["HERALD_PORT": "70000"]).load(file: nil, arguments: [])
        }
        #expect(throws: ConfigurationError(
            "option --log-level 'loud': expected one of trace, debug, info, notice, warning, error, critical")) {
            try loader().load(file: nil, arguments: ["--log-level", "loud"])
        }
        #expect(throws: ConfigurationError("option '--port' needs a value")) {
            try loader().load(file: nil, arguments: ["--port"])
        }
        #expect(throws: ConfigurationError("configuration file h.json must hold a JSON object")) {
            try loader(files: ["h.json": "[1]"]).load(file: "h.json", arguments: [])
        }
    }

    @Test func nullClearsAnOptionalSetting() throws {
        let files = ["h.json": #"{"nodeId": null}"#]
        #expect(try loader(files: files).load(file: "h.json", arguments: []).nodeId == nil)
    }

    @Test func everySettingHasDistinctNames() {
        let settings = HeraldConfiguration.settings
        #expect(Set(settings.map(\.key)).count == settings.count)
        #expect(settings.first { $0.key == "maxOutboundBytes" }?.flag == "--max-outbound-bytes")
        #expect(settings.first { $0.key == "maxOutboundBytes" }?.environmentName == "HERALD_MAX_OUTBOUND_BYTES")
    }

    @Test func printedConfigurationLoadsBackUnchanged() throws {
        var configuration = HeraldConfiguration()
        configuration.port = 9
        configuration.nodeId = "x"
        configuration.logFormat = .json
        let loaded = try loader(files: ["p.json": configuration.prettyJSON]).load(file: "p.json", arguments: [])
        #expect(loaded == configuration)
    }
}

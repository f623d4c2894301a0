import Glibc
import HeraldWire

/// A configuration that cannot be used; the description names the key, flag or variable at fault.
public struct ConfigurationError: Error, CustomStringConvertible, Equatable {
    public let description: String

    public init(_ description: String) { self.description = description }
}

/// Builds the effective ``HeraldConfiguration``: defaults, then the file, then `HERALD_*`
/// environment variables, then command-line flags, each overriding the ones before.
public struct ConfigurationLoader {
    /// The environment variable naming a configuration file when `--config` is not given.
    public static let fileVariable = "HERALD_CONFIG"

    private let environment: [String: String]
    private let readFile: (String) throws(ConfigurationError) -> [UInt8]

    /// A loader reading the given environment and files through `readFile`.
    public init(
        environment: [String: String],
        readFile: @escaping (String) throws(ConfigurationError) -> [UInt8] = ConfigurationLoader.readWholeFile
    ) {
        self.environment = environment
        self.readFile = readFile
    }

    /// The effective configuration. `file` is the `--config` path (else `HERALD_CONFIG`);
    /// `arguments` are setting flags: `--name value`, `--name=value`, or `--name` alone for a switch.
    public func load(file: String?, arguments: [String]) throws(ConfigurationError) -> HeraldConfiguration {
        var configuration = HeraldConfiguration()
        let settings = HeraldConfiguration.settings
        if let path = file ?? environment[Self.fileVariable] {
            try applyFile(path, to: &configuration, settings: settings)
        }
        for setting in settings {
            guard let text = environment[setting.environmentName] else { continue }
            if let problem = setting.assign(text: text, to: &configuration) {
                throw ConfigurationError("environment variable \(setting.environmentName)='\(text)': \(problem)")
            }
        }
        try applyArguments(arguments, to: &configuration, settings: settings)
        return configuration
    }

    private func applyFile(
        _ path: String, to configuration: inout HeraldConfiguration, settings: [ConfigurationSetting]
    ) throws(ConfigurationError) {
        let parsed: JSONValue
        do {
            parsed = try JSONParser.parse(try readFile(path))
        } catch let error as ConfigurationError {
            throw error
        } catch {
            throw ConfigurationError("configuration file \(path) is not valid JSON: \(error)")
        }
        guard case .object(let object) = parsed else {
            throw ConfigurationError("configuration file \(path) must hold a JSON object")
        }
        for (key, value) in object {
            guard let setting = settings.first(where: { $0.key == key }) else {
                throw ConfigurationError("unknown configuration key '\(key)' in \(path)")
            }
            if let problem = setting.assign(json: value, to: &configuration) {
                throw ConfigurationError("configuration key '\(key)' in \(path): \(problem)")
            }
        }
    }

    private func applyArguments(
        _ arguments: [String], to configuration: inout HeraldConfiguration, settings: [ConfigurationSetting]
    ) throws(ConfigurationError) {
        var remaining = arguments[...]
        while let argument = remaining.popFirst() {
            guard argument.hasPrefix("--") else { throw ConfigurationError("unexpected argument '\(argument)'") }
            var name = argument
            var inline: String?
            if let equals = argument.firstIndex(of: "=") {
                name = String(argument[..<equals])
                inline = String(argument[argument.index(after: equals)...])
            }
            guard let setting = settings.first(where: { $0.flag == name }) else {
                throw ConfigurationError("unknown option '\(name)'")
            }
            let text: String
            if let inline {
                text = inline
            } else if setting.isSwitch {
                text = "true"
            } else if let next = remaining.popFirst() {
                text = next
            } else {
                throw ConfigurationError("option '\(name)' needs a value")
            }
            if let problem = setting.assign(text: text, to: &configuration) {
                throw ConfigurationError("option \(name) '\(text)': \(problem)")
            }
        }
    }

    /// Reads a whole file.
    public static func readWholeFile(_ path: String) throws(ConfigurationError) -> [UInt8] {
        let descriptor = open(path, O_RDONLY)
        guard descriptor >= 0 else {
            throw ConfigurationError("cannot read configuration file \(path): \(String(cString: strerror(errno)))")
        }
        defer { close(descriptor) }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 16 * 1024)
        while true {
            let count = chunk.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
            if count < 0 { throw ConfigurationError("cannot read configuration file \(path)") }
            if count == 0 { break }
            bytes.append(contentsOf: chunk[0..<count])
        }
        return bytes
    }
}

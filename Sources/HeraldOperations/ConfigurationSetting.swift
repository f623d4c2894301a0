public import HeraldWire

/// One setting of ``HeraldConfiguration``: its name in the file, and from it its flag and
/// environment variable (`maxMessageBytes` → `--max-message-bytes`, `HERALD_MAX_MESSAGE_BYTES`).
public struct ConfigurationSetting {
    /// The key in the configuration file.
    public let key: String
    /// One line for `--help`.
    public let help: String
    /// The command-line flag.
    public let flag: String
    /// The environment variable.
    public let environmentName: String
    /// Whether the flag may stand alone, meaning `true`.
    public let isSwitch: Bool
    private let assignText: (inout HeraldConfiguration, String) -> String?
    private let assignJSON: (inout HeraldConfiguration, JSONValue) -> String?
    private let read: (HeraldConfiguration) -> JSONValue

    /// A setting stored at `path`; `check` returns a problem with a parsed value, or `nil`.
    public init<Value: ConfigurationValue>(
        _ key: String, _ path: WritableKeyPath<HeraldConfiguration, Value>, _ help: String,
        check: @escaping (Value) -> String? = { _ in nil }
    ) {
        self.key = key
        self.help = help
        flag = "--" + Self.words(of: key).joined(separator: "-")
        environmentName = "HERALD_" + Self.words(of: key).joined(separator: "_").uppercased()
        isSwitch = Value.self == Bool.self
        assignText = { configuration, text in
            guard let value = Value(configurationText: text) else { return "expected \(Value.expectation)" }
            if let problem = check(value) { return problem }
            configuration[keyPath: path] = value
            return nil
        }
        assignJSON = { configuration, json in
            guard let value = Value(configurationJSON: json) else { return "expected \(Value.expectation)" }
            if let problem = check(value) { return problem }
            configuration[keyPath: path] = value
            return nil
        }
        read = { $0[keyPath: path].configurationJSON }
    }

    /// An integer setting limited to `range`.
    public init(_ key: String, _ path: WritableKeyPath<HeraldConfiguration, Int>, _ help: String, range: ClosedRange<Int>) {
        self.init(key, path, help) { value in
            range.contains(value) ? nil : "must be between \(range.lowerBound) and \(range.upperBound)"
        }
    }

    /// Sets the value from a flag or environment text; returns the problem if it is invalid.
    func assign(text: String, to configuration: inout HeraldConfiguration) -> String? {
        assignText(&configuration, text)
    }

    /// Sets the value from the configuration file; returns the problem if it is invalid.
    func assign(json: JSONValue, to configuration: inout HeraldConfiguration) -> String? {
        assignJSON(&configuration, json)
    }

    /// The current value, as the file would hold it.
    public func value(in configuration: HeraldConfiguration) -> JSONValue { read(configuration) }

    /// `maxMessageBytes` → `["max", "message", "bytes"]`.
    private static func words(of key: String) -> [String] {
        var words: [String] = []
        var current = ""
        for character in key {
            if character.isUppercase, !current.isEmpty {
                words.append(current)
                current = ""
            }
            current.append(Character(character.lowercased()))
        }
        if !current.isEmpty { words.append(current) }
        return words
    }
}

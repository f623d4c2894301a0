public import HeraldWire
public import Logging

/// A type a setting can hold: read from text (flags, environment) or JSON (the file), shown as JSON.
public protocol ConfigurationValue {
    /// Parses a flag or environment value.
    init?(configurationText text: String)
    /// Reads a value from the configuration file.
    init?(configurationJSON json: JSONValue)
    /// The value as `--print-config` shows it.
    var configurationJSON: JSONValue { get }
    /// What a valid value looks like, for error messages ("an integer").
    static var expectation: String { get }
}

extension Int: ConfigurationValue {
    public init?(configurationText text: String) { self.init(text) }
    public init?(configurationJSON json: JSONValue) {
        guard case .int(let value) = json else { return nil }
        self = value
    }
    public var configurationJSON: JSONValue { .int(self) }
    public static var expectation: String { "an integer" }
}

extension String: ConfigurationValue {
    public init?(configurationText text: String) { self = text }
    public init?(configurationJSON json: JSONValue) {
        guard case .string(let value) = json else { return nil }
        self = value
    }
    public var configurationJSON: JSONValue { .string(self) }
    public static var expectation: String { "a string" }
}

extension Bool: ConfigurationValue {
    public init?(configurationText text: String) {
        switch text.lowercased() {
        case "true", "1", "yes", "on": self = true
        case "false", "0", "no", "off": self = false
        default: return nil
        }
    }
    public init?(configurationJSON json: JSONValue) {
        guard case .bool(let value) = json else { return nil }
        self = value
    }
    public var configurationJSON: JSONValue { .bool(self) }
    public static var expectation: String { "true or false" }
}

/// An optional setting: `null` in the file, absent elsewhere, means "not set".
extension Optional: ConfigurationValue where Wrapped: ConfigurationValue {
    public init?(configurationText text: String) {
        guard let value = Wrapped(configurationText: text) else { return nil }
        self = value
    }
    public init?(configurationJSON json: JSONValue) {
        if json == .null {
            self = .none
            return
        }
        guard let value = Wrapped(configurationJSON: json) else { return nil }
        self = value
    }
    public var configurationJSON: JSONValue { map(\.configurationJSON) ?? .null }
    public static var expectation: String { Wrapped.expectation + " or null" }
}

/// A setting with a fixed set of string values.
public protocol ConfigurationChoice: ConfigurationValue, CaseIterable, RawRepresentable where RawValue == String {}

extension ConfigurationChoice {
    public init?(configurationText text: String) { self.init(rawValue: text) }
    public init?(configurationJSON json: JSONValue) {
        guard case .string(let text) = json else { return nil }
        self.init(rawValue: text)
    }
    public var configurationJSON: JSONValue { .string(rawValue) }
    public static var expectation: String { "one of " + allCases.map(\.rawValue).joined(separator: ", ") }
}

/// When durable writes reach the disk (`--fsync`).
public enum FsyncSetting: String, ConfigurationChoice, Sendable {
    /// Every group commit is fsynced before it is answered.
    case always
    /// Answered once written to the OS; fsynced at most a second later.
    case interval
}

extension Logger.Level: ConfigurationChoice {}

/// How log lines are written.
public enum LogFormat: String, ConfigurationChoice, Sendable {
    /// Human-readable lines (swift-log's stream handler).
    case text
    /// One JSON object per line.
    case json
}

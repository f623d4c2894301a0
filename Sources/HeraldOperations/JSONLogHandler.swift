import Glibc
import HeraldWire
public import Logging

/// Writes each log event as one JSON object per line: `timestamp` (UTC, ISO 8601 with
/// milliseconds), `level`, `label`, `message` and `metadata`.
///
/// Each line goes out in a single `write(2)` call, so lines from several threads never interleave.
public struct JSONLogHandler: LogHandler {
    public var logLevel: Logger.Level = .info
    public var metadata: Logger.Metadata = [:]
    public var metadataProvider: Logger.MetadataProvider?
    private let label: String
    private let sink: @Sendable ([UInt8]) -> Void

    /// A handler writing to standard error.
    public static func standardError(label: String) -> JSONLogHandler {
        JSONLogHandler(label: label) { line in
            line.withUnsafeBytes { _ = Glibc.write(STDERR_FILENO, $0.baseAddress, $0.count) }
        }
    }

    /// A handler handing every encoded line (newline included) to `sink`.
    public init(label: String, sink: @escaping @Sendable ([UInt8]) -> Void) {
        self.label = label
        self.sink = sink
    }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    public func log(event: LogEvent) {
        sink(Self.line(
            timestamp: Self.timestamp(), level: event.level, label: label, message: event.message.description,
            metadata: merged(event.metadata)))
    }

    /// The encoded line for one event.
    static func line(
        timestamp: String, level: Logger.Level, label: String, message: String, metadata: Logger.Metadata
    ) -> [UInt8] {
        var object = JSONObject()
        object.append("timestamp", .string(timestamp))
        object.append("level", .string(level.rawValue))
        object.append("label", .string(label))
        object.append("message", .string(message))
        var fields = JSONObject()
        for key in metadata.keys.sorted() { fields.append(key, json(metadata[key]!)) }
        object.append("metadata", .object(fields))
        var bytes = JSONWriter.encode(.object(object))
        bytes.append(UInt8(ascii: "\n"))
        return bytes
    }

    private func merged(_ explicit: Logger.Metadata?) -> Logger.Metadata {
        var all = metadata
        if let provided = metadataProvider?.get() { all.merge(provided) { $1 } }
        if let explicit { all.merge(explicit) { $1 } }
        return all
    }

    private static func json(_ value: Logger.Metadata.Value) -> JSONValue {
        switch value {
        case .string(let text): return .string(text)
        case .stringConvertible(let convertible): return .string(convertible.description)
        case .array(let values): return .array(values.map(json))
        case .dictionary(let entries):
            var object = JSONObject()
            for key in entries.keys.sorted() { object.append(key, json(entries[key]!)) }
            return .object(object)
        }
    }

    /// The current UTC time as `YYYY-MM-DDTHH:MM:SS.mmmZ`.
    static func timestamp() -> String {
        var now = timespec()
        clock_gettime(CLOCK_REALTIME, &now)
        return timestamp(seconds: now.tv_sec, milliseconds: Int(now.tv_nsec / 1_000_000))
    }

    static func timestamp(seconds: Int, milliseconds: Int) -> String {
        var time = seconds
        var parts = tm()
        gmtime_r(&time, &parts)
        func pad(_ value: Int32, _ width: Int) -> String {
            let text = String(value)
            return String(repeating: "0", count: max(0, width - text.count)) + text
        }
        return "\(pad(parts.tm_year + 1900, 4))-\(pad(parts.tm_mon + 1, 2))-\(pad(parts.tm_mday, 2))T"
            + "\(pad(parts.tm_hour, 2)):\(pad(parts.tm_min, 2)):\(pad(parts.tm_sec, 2)).\(pad(Int32(milliseconds), 3))Z"
    }
}

/// A filter rejected by Koncorde, with the message Koncorde 4 gives for it.
///
/// Messages about one part of a filter start with that part's path in quotes, for example
/// `"equals.foo": must either be a string, a number, a boolean, or null`.
public struct KoncordeError: Error, Sendable, Equatable {
    /// The human-readable reason, worded as Koncorde words it.
    public let message: String

    /// An error with this exact message.
    public init(message: String) {
        self.message = message
    }

    /// An error about the filter part at `path` (no prefix when `path` is `nil`).
    init(_ message: String, at path: String?) {
        if let path {
            self.message = "\"\(path)\": \(message)"
        } else {
            self.message = message
        }
    }
}

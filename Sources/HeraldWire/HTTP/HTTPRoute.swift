/// One row of Kuzzle's HTTP route table: a verb and a path pattern naming a controller action.
///
/// A pattern segment starting with `:` is a placeholder: the request segment it matches becomes
/// the argument of that name (`/:index/_create` gives `index`).
public struct HTTPRoute: Sendable, Equatable {
    /// One segment of a path pattern.
    public enum Segment: Sendable, Equatable {
        case literal(String)
        case placeholder(String)
    }

    /// Upper-case HTTP verb (`GET`, `POST`, `PUT`, `PATCH`, `DELETE`).
    public let verb: String
    /// The pattern as Kuzzle spells it (`/:index/:collection/:_id/_upsert`).
    public let path: String
    public let controller: String
    public let action: String
    /// Kuzzle keeps deprecated routes working; they are served like the others.
    public let deprecated: Bool
    public let segments: [Segment]

    public init(verb: String, path: String, controller: String, action: String, deprecated: Bool = false) {
        self.verb = verb.uppercased()
        self.path = path
        self.controller = controller
        self.action = action
        self.deprecated = deprecated
        segments = path.split(separator: "/", omittingEmptySubsequences: true).map { part in
            part.first == ":" ? .placeholder(String(part.dropFirst())) : .literal(String(part))
        }
    }
}

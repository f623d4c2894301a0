public import HeraldWire

/// A compiled search: an exact test on each document, and the cheapest way to find the documents
/// worth testing.
public struct DocumentQuery {
    /// Where the candidates come from. Every access yields a superset of the matching documents.
    public indirect enum Access: Sendable, Equatable {
        /// Every document of the collection.
        case scan
        /// The documents with these ids.
        case ids([String])
        /// The documents holding one of these scalar values at this field (an array field holding
        /// one as an element counts), found through the field's hash index.
        case values(field: String, [JSONValue])
        /// The documents of every access (for a disjunction); a scan when any of them scans.
        case union([Access])
        /// The documents of whichever access yields fewest (for a conjunction: each is a superset).
        case narrowest([Access])
    }

    /// How to find candidates.
    public var access: Access
    /// The exact test.
    public var matches: (StoredDocument) -> Bool

    public init(access: Access, matches: @escaping (StoredDocument) -> Bool) {
        self.access = access
        self.matches = matches
    }

    /// Every document.
    public static var all: DocumentQuery { DocumentQuery(access: .scan) { _ in true } }
}

/// One key of a search order.
public struct SortKey: Sendable, Equatable {
    /// A dotted field path, or `_id`.
    public var field: String
    public var descending: Bool

    public init(field: String, descending: Bool = false) {
        self.field = field
        self.descending = descending
    }
}

/// One page of search results.
public struct SearchPage: Sendable {
    /// The documents of the page, in order.
    public var documents: [StoredDocument]
    /// How many documents match in all.
    public var total: Int
}

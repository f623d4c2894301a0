import HeraldStore
import HeraldWire

/// Open scroll cursors: the result set of a `search` with `scroll`, served page by page by
/// `document:scroll` until it is read through or its TTL lapses.
///
/// A cursor holds the matching documents as they were when the search ran (values shared with the
/// store, so a snapshot costs one reference per document). Cursors are bounded in number and in
/// documents held; expired ones are dropped whenever a cursor is opened or read.
/// Single-threaded: used on the event-loop thread only.
final class ScrollCursors {
    /// One open cursor.
    struct Cursor {
        let documents: [StoredDocument]
        var position: Int
        let pageSize: Int
        var expiresAt: Int
        let source: Source
        /// Whether hits carry `_score: 1` (an unsorted search) or `null`.
        let scored: Bool

        /// The cursor's page as `hits`.
        func hits(_ page: ArraySlice<StoredDocument>) -> JSONValue {
            ScrollCursors.hits(page, source: source, scored: scored)
        }
    }

    /// What a cursor runs over.
    enum Source {
        /// A collection's documents (`document:search`).
        case documents(index: String, collection: String)
        /// The stored validation specifications (`collection:searchSpecifications`).
        case specifications
    }

    /// One page read from a cursor.
    struct Page {
        let documents: ArraySlice<StoredDocument>
        let total: Int
        let cursor: Cursor
    }

    let limits: ScrollLimits
    private var cursors: [String: Cursor] = [:]
    private var heldDocuments = 0

    init(limits: ScrollLimits) {
        self.limits = limits
    }

    /// Open cursors.
    var count: Int { cursors.count }

    /// Documents held by the open cursors.
    var documentCount: Int { heldDocuments }

    /// The TTL of a `scroll` argument in milliseconds, checked against the maximum.
    func ttl(_ text: String) throws(KuzzleError) -> Int {
        guard let milliseconds = Self.milliseconds(text) else {
            throw .invalidArgument("scroll", expected: "a duration such as \"30s\", \"1m\" or \"500ms\"")
        }
        guard milliseconds <= limits.maxDurationMilliseconds else { throw .scrollDurationTooGreat(text) }
        return milliseconds
    }

    /// Opens a cursor whose first page (`documents[from..<from + pageSize]`) the search answers
    /// itself; the cursor serves the following pages. Returns its id.
    func open(
        _ documents: [StoredDocument], from: Int, pageSize: Int, ttl: Int, now: Int, source: Source, scored: Bool
    ) throws(KuzzleError) -> String {
        expire(now: now)
        guard cursors.count < limits.maxCursors, heldDocuments + documents.count <= limits.maxDocuments else {
            throw .malformedQuery("Trying to create too many scroll contexts. Must be less than or equal to: "
                + "[\(limits.maxCursors)] open cursors holding [\(limits.maxDocuments)] documents.")
        }
        let id = Self.newId()
        cursors[id] = Cursor(documents: documents, position: min(from + pageSize, documents.count),
                             pageSize: pageSize, expiresAt: now + ttl, source: source, scored: scored)
        heldDocuments += documents.count
        return id
    }

    /// The next page of a cursor, its TTL renewed (`ttl`, else the default). A cursor read through
    /// is closed: asking it again is `services.storage.unknown_scroll_id`.
    func next(_ id: String, ttl: Int?, now: Int) throws(KuzzleError) -> Page {
        expire(now: now)
        guard var cursor = cursors[id] else { throw .unknownScrollId }
        let end = min(cursor.position + cursor.pageSize, cursor.documents.count)
        let page = cursor.documents[cursor.position..<end]
        cursor.position = end
        cursor.expiresAt = now + (ttl ?? limits.defaultTTLMilliseconds)
        if end >= cursor.documents.count {
            close(id)
        } else {
            cursors[id] = cursor
        }
        return Page(documents: page, total: cursor.documents.count, cursor: cursor)
    }

    /// Closes every cursor.
    func removeAll() {
        cursors.removeAll()
        heldDocuments = 0
    }

    private func close(_ id: String) {
        if let cursor = cursors.removeValue(forKey: id) { heldDocuments -= cursor.documents.count }
    }

    private func expire(now: Int) {
        for (id, cursor) in cursors where cursor.expiresAt <= now { close(id) }
    }

    /// Documents as search `hits`: `_id`, `_score` (`1` when `scored`, else `null`), `_source`, and
    /// for collection documents `collection` and `index`.
    static func hits(_ page: ArraySlice<StoredDocument>, source: Source, scored: Bool) -> JSONValue {
        .array(page.map { document in
            var hit = JSONObject()
            hit.append("_id", .string(document.id))
            hit.append("_score", scored ? 1 : .null)
            hit.append("_source", .object(document.source))
            if case .documents(let index, let collection) = source {
                hit.append("collection", .string(collection))
                hit.append("index", .string(index))
            }
            return .object(hit)
        })
    }

    /// `"500ms"`, `"30s"`, `"1m"`, `"2h"`, `"1d"`, or a bare number of milliseconds.
    static func milliseconds(_ text: String) -> Int? {
        let units: [(suffix: String, factor: Int)] = [("ms", 1), ("s", 1000), ("m", 60_000), ("h", 3_600_000),
                                                       ("d", 86_400_000)]
        for unit in units where text.hasSuffix(unit.suffix) {
            guard let amount = Int(text.dropLast(unit.suffix.count)), amount >= 0 else { return nil }
            let (product, overflow) = amount.multipliedReportingOverflow(by: unit.factor)
            return overflow ? nil : product
        }
        return Int(text).flatMap { $0 >= 0 ? $0 : nil }
    }

    private static func newId() -> String {
        var generator = SystemRandomNumberGenerator()
        return (0..<4).map { _ in
            let hex = String(generator.next() as UInt32, radix: 16)
            return String(repeating: "0", count: 8 - hex.count) + hex
        }.joined()
    }
}

/// Bounds of scroll cursors, as Kuzzle's storage settings (`defaults.scrollTTL`,
/// `maxScrollDuration`) and Elasticsearch's open-context limit set them.
public struct ScrollLimits: Sendable, Equatable {
    /// TTL of a cursor a `scroll` call does not renew explicitly.
    public var defaultTTLMilliseconds: Int
    /// Longest TTL a request may ask for.
    public var maxDurationMilliseconds: Int
    /// Most cursors open at once.
    public var maxCursors: Int
    /// Most documents all open cursors may hold together.
    public var maxDocuments: Int

    public init(defaultTTLMilliseconds: Int = 15_000, maxDurationMilliseconds: Int = 60_000, maxCursors: Int = 500,
                maxDocuments: Int = 1_000_000) {
        self.defaultTTLMilliseconds = defaultTTLMilliseconds
        self.maxDurationMilliseconds = maxDurationMilliseconds
        self.maxCursors = maxCursors
        self.maxDocuments = maxDocuments
    }
}

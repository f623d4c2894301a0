import HeraldStore
import HeraldWire
import Koncorde

/// `document:export`: the documents a search selects, as one JSONL or CSV file over HTTP.
///
/// JSONL: a first line `{"collection","index","type":"collection"}`, then `{"_id","body"}` per
/// document (Kuzzle's dump format). CSV: a header of
/// `_id` and the `fields` (renamed by `fieldsName`; by default every field the collection's
/// mapping declares), then one row per document, objects and arrays written `[OBJECT]`.
///
/// Where Herald differs from Kuzzle, on purpose: Kuzzle writes CSV values unquoted (a separator
/// or newline inside a value breaks the row): Herald quotes such values as RFC 4180 does; Kuzzle
/// labels JSONL `html/text` and takes any other `format` for JSONL: Herald sends
/// `application/x-ndjson` and refuses other formats. The matching documents are taken at once
/// (a snapshot: later writes do not show), then written out a batch per piece as the socket takes
/// them, so the file is never whole in memory. Runs on the gateway's thread, like the store it reads.
struct DocumentExport {
    let store: DocumentStore
    let koncorde: Koncorde

    func export(_ request: KuzzleRequest) throws(KuzzleError) -> ActionResult {
        let target = try CollectionTarget(request)
        // Kuzzle's page size and scroll duration: checked, then unused (the store is read at once).
        _ = try request.integer("size", default: 10)
        _ = try request.optionalString("scroll")
        let lang = try SearchParameters.language(of: request)
        let format = try request.optionalString("format") ?? "jsonl"
        let separator = try request.optionalString("separator") ?? ","
        let body = try request.optionalBody()
        let queryValue = try Self.object("query", body: body, request: request)
        let sortValue = try Self.object("sort", body: body, request: request)
        var fields = try Self.strings("fields", body: body, request: request)
        let fieldsName = try Self.object("fieldsName", body: body, request: request) ?? JSONObject()
        guard format == "jsonl" || format == "csv" else {
            throw .unexpectedArgument(format, accepted: "\"jsonl\", \"csv\"")
        }
        guard request.protocolName == "http" else {
            throw .unsupportedProtocol(request.protocolName, action: "document:export")
        }
        let query = try SearchParameters.query(queryValue.map { .object($0) }, lang: lang, koncorde: koncorde,
                                               index: target.index, collection: target.collection)
        let sort = try SearchParameters.sort(sortValue.flatMap { $0.isEmpty ? nil : .object($0) })
        let documents = try store.search(index: target.index, collection: target.collection, query: query,
                                         sort: sort, from: 0, size: .max).documents
        let stream: ExportStream
        if format == "csv" {
            if fields.isEmpty {
                fields = Self.mappedFields(try store.mapping(index: target.index, collection: target.collection))
            }
            fields.removeAll { $0 == "_id" }
            let rows = CSVRows(separator: separator, fields: fields)
            stream = ExportStream(header: rows.header(names: fieldsName), documents: documents, line: rows.write)
        } else {
            stream = ExportStream(header: Self.jsonlHeader(target), documents: documents, line: Self.writeJSONLine)
        }
        let headers = ["Content-Disposition": "attachment; filename=\"\(target.index)-\(target.collection).\(format)\""]
        let contentType = format == "csv" ? "text/csv" : "application/x-ndjson"
        // Only HTTP reaches this point, so no envelope will carry the file as `result`.
        return .raw(RawAnswer(contentType: contentType, headers: headers, stream: stream.next, value: .null))
    }

    private static func jsonlHeader(_ target: CollectionTarget) -> [UInt8] {
        var header = JSONObject()
        header.append("collection", .string(target.collection))
        header.append("index", .string(target.index))
        header.append("type", "collection")
        return JSONWriter.encode(.object(header)) + [0x0A]
    }

    private static func writeJSONLine(_ document: StoredDocument, into output: inout [UInt8]) {
        var line = JSONObject()
        line.append("_id", .string(document.id))
        line.append("body", .object(document.source))
        output += JSONWriter.encode(.object(line))
        output.append(0x0A)
    }

    /// The dotted paths of every field the mapping gives a `type`, in mapping order.
    static func mappedFields(_ mapping: CollectionMapping) -> [String] {
        var fields: [String] = []
        func walk(_ properties: JSONObject, prefix: String) {
            for (name, property) in properties {
                guard case .object(let definition) = property else { continue }
                if case .object(let nested)? = definition["properties"] {
                    walk(nested, prefix: prefix + name + ".")
                } else if definition["type"] != nil {
                    fields.append(prefix + name)
                }
            }
        }
        walk(mapping.properties, prefix: "")
        return fields
    }

    /// An object from the body, else from the arguments (a JSON text there, as a query string
    /// carries it); `nil` when absent.
    private static func object(_ name: String, body: JSONObject, request: KuzzleRequest) throws(KuzzleError)
        -> JSONObject?
    {
        let value = body[name] ?? request.frame[name]
        switch value {
        case nil, .null?: return nil
        case .object(let object)?: return object
        case .string(let text)? where body[name] == nil:
            guard case .object(let object)? = try? JSONParser.parse(Array(text.utf8)) else {
                throw .invalidType(name, expected: "object")
            }
            return object
        default: throw .invalidType(name, expected: "object")
        }
    }

    /// An array of strings from the body, else from the arguments (where `a,b` is a list).
    private static func strings(_ name: String, body: JSONObject, request: KuzzleRequest) throws(KuzzleError)
        -> [String]
    {
        if let value = body[name], !value.isNull {
            guard case .array(let items) = value else { throw .invalidType("body.\(name)", expected: "array") }
            return try items.map { item throws(KuzzleError) in
                guard case .string(let text) = item else { throw .invalidType("body.\(name)", expected: "string[]") }
                return text
            }
        }
        return try request.stringList(name)
    }
}

/// Writes documents as CSV rows: `_id` first, then each field's value at its dotted path. A
/// value: safe from any thread.
struct CSVRows {
    let separator: String
    let fields: [String]

    /// The header line: `_id` and the fields, each renamed by `names` when it names it.
    func header(names: JSONObject) -> [UInt8] {
        var output: [UInt8] = []
        line((["_id"] + fields).map { quoted(names[$0]?.stringValue ?? $0) }, into: &output)
        return output
    }

    /// One document's row.
    func write(_ document: StoredDocument, into output: inout [UInt8]) {
        let values = fields.map { field in cell(FieldLookup.value(at: field, in: document.source)) }
        line([quoted(document.id)] + values, into: &output)
    }

    private func line(_ cells: [String], into output: inout [UInt8]) {
        output += Array(cells.joined(separator: separator).utf8)
        output.append(0x0A)
    }

    /// Empty for a missing value or `null`, `[OBJECT]` for objects and arrays, else the value.
    private func cell(_ value: JSONValue?) -> String {
        switch value {
        case nil, .null?: return ""
        case .object?, .array?: return "[OBJECT]"
        case .string(let text)?: return quoted(text)
        case let scalar?: return JSONWriter.encodeToString(scalar)
        }
    }

    /// The text, in double quotes (inner quotes doubled) when it holds the separator, a quote or
    /// a line break.
    private func quoted(_ text: String) -> String {
        let holdsSeparator = !separator.isEmpty && text.contains(separator)
        guard holdsSeparator || text.contains("\"") || text.contains("\n") || text.contains("\r") else {
            return text
        }
        var escaped = "\""
        for character in text {
            escaped.append(character)
            if character == "\"" { escaped.append("\"") }
        }
        return escaped + "\""
    }
}

/// The value at a dotted path of a document source (`a.b` is `source.a.b`), as lodash `get` reads
/// it. Stateless: safe from any thread.
enum FieldLookup {
    static func value(at path: String, in source: JSONObject) -> JSONValue? {
        var current: JSONValue = .object(source)
        for part in path.split(separator: ".", omittingEmptySubsequences: false) {
            guard case .object(let object) = current, let next = object[String(part)] else { return nil }
            current = next
        }
        return current
    }
}

/// The pieces of an export: its header line, then the documents a batch at a time.
///
/// Concurrency: called on the gateway's thread only (the transport calls the stream from the
/// service thread, which is that thread); `@unchecked Sendable` so the transport's `@Sendable`
/// stream may hold it.
final class ExportStream: @unchecked Sendable {
    /// Documents per piece (tens of kilobytes for ordinary documents).
    static let batch = 200

    private var header: [UInt8]?
    private let documents: [StoredDocument]
    private let line: (StoredDocument, inout [UInt8]) -> Void
    private var position = 0

    init(header: [UInt8], documents: [StoredDocument], line: @escaping (StoredDocument, inout [UInt8]) -> Void) {
        self.header = header
        self.documents = documents
        self.line = line
    }

    /// The next piece, `nil` once every document is written.
    func next() -> [UInt8]? {
        if let first = header {
            header = nil
            return first
        }
        guard position < documents.count else { return nil }
        let end = min(position + Self.batch, documents.count)
        var piece: [UInt8] = []
        for document in documents[position..<end] { line(document, &piece) }
        position = end
        return piece
    }
}

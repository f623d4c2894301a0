/// Writes the Kuzzle request frames the scenarios send, straight into a reusable byte buffer.
///
/// The constant parts of each request are encoded once; per request only ids, numbers and the request id
/// are appended, so no JSON tree or `String` is built on the hot path.
struct KuzzleRequestWriter {
    private let upsertPrefix: [UInt8]
    private let changesPrefix: [UInt8]
    private let suffix: [UInt8]

    /// A writer for documents of `collection` in `index`; with `jwt`, every request carries it as its
    /// last field, where the official SDK puts it (`Kuzzle.query` authenticates the request once its
    /// other fields are set).
    init(index: String, collection: String, jwt: String? = nil) {
        upsertPrefix = Array(
            "{\"controller\":\"document\",\"action\":\"upsert\",\"index\":\(Self.quoted(index)),\"collection\":\(Self.quoted(collection)),\"_id\":\"".utf8)
        changesPrefix = Array("\",\"body\":{\"changes\":{".utf8)
        suffix = Array((jwt.map { "\",\"jwt\":\(Self.quoted($0))}" } ?? "\"}").utf8)
    }

    /// Replaces `buffer` with a `document:upsert` of `changes` on document `id`.
    ///
    /// - Parameters:
    ///   - id: written between quotes as given (callers pass plain ASCII ids).
    ///   - changes: the members of the `changes` object, already encoded, without braces.
    ///   - requestID: a non-negative number used as `requestId` (and so as the response's `room`).
    func upsert(into buffer: inout [UInt8], id: (inout [UInt8]) -> Void, changes: (inout [UInt8]) -> Void, requestID: Int) {
        buffer.removeAll(keepingCapacity: true)
        buffer.append(contentsOf: upsertPrefix)
        id(&buffer)
        buffer.append(contentsOf: changesPrefix)
        changes(&buffer)
        buffer.append(contentsOf: "}},\"requestId\":\"".utf8)
        Self.appendDecimal(requestID, to: &buffer)
        buffer.append(contentsOf: suffix)
    }

    /// A request frame built from `fields` (already encoded JSON values) plus `requestId`; for setup calls.
    static func request(_ fields: KeyValuePairs<String, String>, requestID: String) -> [UInt8] {
        request(fields.map { ($0.key, $0.value) }, requestID: requestID)
    }

    /// The same, from a list of fields.
    static func request(_ fields: [(String, String)], requestID: String) -> [UInt8] {
        var text = "{"
        for (key, value) in fields { text += "\(quoted(key)):\(value)," }
        text += "\"requestId\":\(quoted(requestID))}"
        return Array(text.utf8)
    }

    /// `text` as a JSON string literal.
    static func quoted(_ text: String) -> String {
        var result = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": result += "\\\""
            case "\\": result += "\\\\"
            case "\n": result += "\\n"
            case "\r": result += "\\r"
            case "\t": result += "\\t"
            case let control where control.value < 0x20:
                let hex = String(control.value, radix: 16)
                result += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            default: result.unicodeScalars.append(scalar)
            }
        }
        return result + "\""
    }

    /// Appends the decimal digits of `value`.
    @inline(__always)
    static func appendDecimal<T: BinaryInteger>(_ value: T, to buffer: inout [UInt8]) {
        if value < 0 { buffer.append(UInt8(ascii: "-")) }
        var magnitude = value.magnitude
        var digits: (UInt64, UInt64, UInt64) = (0, 0, 0)
        var count = 0
        withUnsafeMutableBytes(of: &digits) { scratch in
            repeat {
                scratch[23 - count] = UInt8(ascii: "0") + UInt8(truncatingIfNeeded: magnitude % 10)
                magnitude /= 10
                count += 1
            } while magnitude != 0
            buffer.append(contentsOf: UnsafeRawBufferPointer(rebasing: scratch[(24 - count)...]))
        }
    }
}

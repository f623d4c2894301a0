public import HeraldWire

/// A document as the store holds it.
public struct StoredDocument: Sendable, Equatable {
    /// The document id, unique in its collection.
    public let id: String
    /// The document content, its `_kuzzle_info` metadata object last.
    public let source: JSONObject
    /// 1 when created, then one more per write.
    public let version: Int

    public init(id: String, source: JSONObject, version: Int) {
        self.id = id
        self.source = source
        self.version = version
    }
}

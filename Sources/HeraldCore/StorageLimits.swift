/// Most documents one request may read or write, as Kuzzle's `limits` configuration sets them.
public struct StorageLimits: Sendable, Equatable {
    /// Most documents a multi-document write or a by-query write may touch
    /// (`limits.documentsWriteCount`).
    public var documentsWriteCount: Int
    /// Most documents `mGet` may ask for and `search` may return in one page
    /// (`limits.documentsFetchCount`).
    public var documentsFetchCount: Int

    public init(documentsWriteCount: Int = 200, documentsFetchCount: Int = 10_000) {
        self.documentsWriteCount = documentsWriteCount
        self.documentsFetchCount = documentsFetchCount
    }
}

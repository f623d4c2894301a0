/// The outcome of one write: what the controller answers and what the notifier needs.
public struct DocumentWrite: Sendable {
    /// The document after the write; for a deletion, the removed document.
    public let document: StoredDocument
    /// `true` when the write created the document.
    public let created: Bool
    /// The document before the write, `nil` when it did not exist.
    public let previous: StoredDocument?
    /// For updates (and upserts that update): the dotted paths Kuzzle lists in a notification's
    /// `_updatedFields`. Empty for every other write.
    public let updatedFields: [String]

    public init(document: StoredDocument, created: Bool, previous: StoredDocument?, updatedFields: [String]) {
        self.document = document
        self.created = created
        self.previous = previous
        self.updatedFields = updatedFields
    }
}

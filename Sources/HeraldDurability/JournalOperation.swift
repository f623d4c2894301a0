import HeraldCore
import HeraldStore

/// One change to write to the database, taken from a commit's effects.
///
/// A value: built on the event-loop thread, written on the journal's writer thread.
enum JournalOperation: Sendable {
    case putDocument(index: String, collection: String, document: StoredDocument)
    case deleteDocument(index: String, collection: String, id: String)
    case createIndex(String)
    case deleteIndex(String)
    case putCollection(index: String, collection: String, mapping: CollectionMapping)
    case truncateCollection(index: String, collection: String)
    case deleteCollection(index: String, collection: String)

    /// The operation that persists `effect`, `nil` for effects that store nothing.
    init?(_ effect: Effect) {
        switch effect {
        case .document(let change):
            if change.verb == .delete {
                self = .deleteDocument(index: change.index, collection: change.collection, id: change.document.id)
            } else {
                self = .putDocument(index: change.index, collection: change.collection, document: change.document)
            }
        case .indexCreated(let index): self = .createIndex(index)
        case .indexDeleted(let index): self = .deleteIndex(index)
        case .collectionChanged(let index, let collection, let mapping):
            self = .putCollection(index: index, collection: collection, mapping: mapping)
        case .collectionTruncated(let index, let collection):
            self = .truncateCollection(index: index, collection: collection)
        case .collectionDeleted(let index, let collection):
            self = .deleteCollection(index: index, collection: collection)
        case .published, .user:
            return nil
        }
    }
}

import HeraldCore
import HeraldStore

/// Puts the in-memory store back to what is durable after a group commit failed.
///
/// Runs on the event-loop thread, which owns the store.
enum StoreRollback {
    /// Undoes the document effects of `commits` (newest first) from their previous documents.
    /// Returns `false`, having changed nothing, when an effect cannot be undone this way (index
    /// and collection changes): the caller reloads the store from the database instead.
    static func undo(_ commits: [[Effect]], in store: DocumentStore) -> Bool {
        let effects = commits.joined()
        var changes: [DocumentChange] = []
        for effect in effects {
            switch effect {
            case .document(let change): changes.append(change)
            case .published, .user: continue
            case .indexCreated, .indexDeleted, .collectionChanged, .collectionTruncated, .collectionDeleted:
                return false
            }
        }
        for change in changes.reversed() {
            if let previous = change.previous {
                try? store.restore(previous, index: change.index, collection: change.collection)
            } else {
                store.discard(id: change.document.id, index: change.index, collection: change.collection)
            }
        }
        return true
    }
}

import HeraldStore
import HeraldWire

/// `index`: create, test, list and delete indexes (one at a time, or several with `mDelete`), and
/// report their sizes (`stats`: documents per collection, and bytes as the sources' JSON length).
final class IndexController: Controller {
    let name = "index"

    private let store: DocumentStore

    init(store: DocumentStore) {
        self.store = store
    }

    func actions() -> [String: Action] {
        [
            "create": { request, effects throws(KuzzleError) in
                let index = try request.index()
                try self.store.createIndex(index)
                effects.append(.indexCreated(index: index))
                return .none
            },
            "exists": { request, _ throws(KuzzleError) in .value(.bool(self.store.indexExists(try request.index()))) },
            "list": { _, _ in
                let visible = self.store.listIndexes().filter { $0 != SecurityStore.internalIndex }
                return .value(["indexes": .array(visible.map { .string($0) })])
            },
            "delete": { request, effects throws(KuzzleError) in
                let index = try request.index()
                try self.store.deleteIndex(index)
                effects.append(.indexDeleted(index: index))
                return .value(["acknowledged": true])
            },
            "mDelete": { request, effects throws(KuzzleError) in try self.mDelete(request, &effects) },
            "stats": { _, _ throws(KuzzleError) in try self.stats() },
        ]
    }

    /// `{indexes: [{name, size, collections: [{name, documentCount, size}]}], size}`, names sorted.
    private func stats() throws(KuzzleError) -> ActionResult {
        var indexes: [JSONValue] = []
        var total = 0
        for index in store.listIndexes().sorted() where index != SecurityStore.internalIndex {
            var collections: [JSONValue] = []
            var indexSize = 0
            for collection in try store.listCollections(index: index).sorted() {
                var size = 0
                var count = 0
                for document in try store.documents(index: index, collection: collection) {
                    size += JSONWriter.encode(.object(document.source)).count
                    count += 1
                }
                indexSize += size
                collections.append(["documentCount": .int(count), "name": .string(collection), "size": .int(size)])
            }
            total += indexSize
            indexes.append(["collections": .array(collections), "name": .string(index), "size": .int(indexSize)])
        }
        return .value(["indexes": .array(indexes), "size": .int(total)])
    }

    /// Deletes the listed indexes that exist; answers `{deleted: [names]}`, unknown names skipped.
    private func mDelete(_ request: KuzzleRequest, _ effects: inout [Effect]) throws(KuzzleError) -> ActionResult {
        let names = try BulkDocumentActions.bodyArray(request, "indexes")
        var deleted: [JSONValue] = []
        for case .string(let index) in names where index != SecurityStore.internalIndex && store.indexExists(index) {
            try store.deleteIndex(index)
            effects.append(.indexDeleted(index: index))
            deleted.append(.string(index))
        }
        return .value(["deleted": .array(deleted)])
    }
}

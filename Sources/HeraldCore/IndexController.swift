import HeraldStore
import HeraldWire

/// `index`: create, test, list and delete indexes (one at a time, or several with `mDelete`).
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
        ]
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

import HeraldStore
import HeraldWire

/// `index`: create, test, list and delete indexes (one at a time, or several with `mDelete`).
final class IndexController: Controller {
    let name = "index"
    let actions: Set<String> = ["create", "exists", "list", "delete", "mDelete"]

    private let store: DocumentStore
    private let notifier: Notifier

    init(store: DocumentStore, notifier: Notifier) {
        self.store = store
        self.notifier = notifier
    }

    func handle(_ request: KuzzleRequest) throws(KuzzleError) -> ActionResult {
        switch request.action {
        case "create":
            try store.createIndex(request.index())
            return .none
        case "exists":
            return .value(.bool(store.indexExists(try request.index())))
        case "list":
            let visible = store.listIndexes().filter { $0 != SecurityStore.internalIndex }
            return .value(["indexes": .array(visible.map { .string($0) })])
        case "mDelete":
            return try mDelete(request)
        default:
            let index = try request.index()
            try store.deleteIndex(index)
            notifier.forgetDocuments(index: index)
            return .value(["acknowledged": true])
        }
    }

    /// Deletes the listed indexes that exist; answers `{deleted: [names]}`, unknown names skipped.
    private func mDelete(_ request: KuzzleRequest) throws(KuzzleError) -> ActionResult {
        let names = try BulkDocumentActions.bodyArray(request, "indexes")
        var deleted: [JSONValue] = []
        for case .string(let index) in names where index != SecurityStore.internalIndex && store.indexExists(index) {
            try store.deleteIndex(index)
            notifier.forgetDocuments(index: index)
            deleted.append(.string(index))
        }
        return .value(["deleted": .array(deleted)])
    }
}

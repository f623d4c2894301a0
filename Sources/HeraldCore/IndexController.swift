import HeraldStore
import HeraldWire

/// `index`: create, test, list and delete indexes.
final class IndexController: Controller {
    let name = "index"
    let actions: Set<String> = ["create", "exists", "list", "delete"]

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
            return .value(["indexes": .array(store.listIndexes().map { .string($0) })])
        default:
            let index = try request.index()
            try store.deleteIndex(index)
            notifier.forgetDocuments(index: index)
            return .value(["acknowledged": true])
        }
    }
}

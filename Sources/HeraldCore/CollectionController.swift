import HeraldStore
import HeraldWire

/// `collection`: create, test, list, truncate and delete collections.
final class CollectionController: Controller {
    let name = "collection"
    let actions: Set<String> = ["create", "exists", "list", "truncate", "delete"]

    private let store: DocumentStore
    private let notifier: Notifier

    init(store: DocumentStore, notifier: Notifier) {
        self.store = store
        self.notifier = notifier
    }

    func handle(_ request: KuzzleRequest) throws(KuzzleError) -> ActionResult {
        let index = try request.index()
        if request.action == "list" {
            let names = try store.listCollections(index: index)
            return .value([
                "collections": .array(names.map { ["name": .string($0), "type": "stored"] }),
                "type": "all",
            ])
        }
        let collection = try request.collection()
        switch request.action {
        case "create":
            store.createCollection(index: index, collection: collection)
            return .value(["acknowledged": true])
        case "exists":
            return .value(.bool(store.collectionExists(index: index, collection: collection)))
        case "truncate":
            _ = try store.truncateCollection(index: index, collection: collection)
            notifier.forgetDocuments(index: index, collection: collection)
            return .value(["acknowledged": true])
        default:
            try store.deleteCollection(index: index, collection: collection)
            notifier.forgetDocuments(index: index, collection: collection)
            return .value(["acknowledged": true])
        }
    }
}

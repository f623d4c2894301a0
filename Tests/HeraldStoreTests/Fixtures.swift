import HeraldStore
import HeraldWire

/// A store holding the empty collection `i`:`c`.
func makeStore() -> DocumentStore {
    let store = DocumentStore()
    store.createCollection(index: "i", collection: "c")
    return store
}

let alice = WriteContext(user: "alice", timestamp: 1_000)
let bob = WriteContext(user: "bob", timestamp: 2_000)
let anonymous = WriteContext(user: "-1", timestamp: 3_000)

/// The `_kuzzle_info` a creation stores.
func createdInfo(_ context: WriteContext) -> JSONValue {
    ["author": .string(context.user), "createdAt": .int(context.timestamp), "updatedAt": nil, "updater": nil]
}

/// The `_kuzzle_info` a replace or createOrReplace stores.
func rewrittenInfo(_ context: WriteContext) -> JSONValue {
    [
        "author": .string(context.user), "createdAt": .int(context.timestamp),
        "updatedAt": .int(context.timestamp), "updater": .string(context.user),
    ]
}

/// The `_kuzzle_info` of a document created by `creator` then updated by `updater`.
func updatedInfo(createdBy creator: WriteContext, updatedBy updater: WriteContext) -> JSONValue {
    [
        "author": .string(creator.user), "createdAt": .int(creator.timestamp),
        "updatedAt": .int(updater.timestamp), "updater": .string(updater.user),
    ]
}

/// Runs `body` and returns the `KuzzleError` it threw, or `nil`.
func kuzzleError(_ body: () throws(KuzzleError) -> Void) -> KuzzleError? {
    do {
        try body()
        return nil
    } catch {
        return error
    }
}

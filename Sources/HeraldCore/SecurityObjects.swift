import HeraldSecurity
import HeraldStore
import HeraldWire

/// Kuzzle's answer shapes for users, profiles and roles: `{_id, _source}`, the source holding
/// the stored body and its `_kuzzle_info`.
enum SecurityObjects {
    static func user(_ id: String, in store: SecurityStore) -> JSONObject {
        serialized(id, collection: SecurityStore.users, body: store.model.users[id]?.body, in: store)
    }

    static func profile(_ id: String, in store: SecurityStore) -> JSONObject {
        serialized(id, collection: SecurityStore.profiles, body: store.model.profiles[id]?.body, in: store)
    }

    static func role(_ id: String, in store: SecurityStore) -> JSONObject {
        serialized(id, collection: SecurityStore.roles, body: store.model.roles[id]?.body, in: store)
    }

    private static func serialized(_ id: String, collection: String, body: JSONObject?, in store: SecurityStore)
        -> JSONObject
    {
        var source = body ?? JSONObject()
        // The built-in anonymous user is answered as Kuzzle does, without metadata.
        if id != SecurityUser.anonymousID, let info = store.document(collection, id)?.source["_kuzzle_info"] {
            source["_kuzzle_info"] = info
        }
        return ["_id": .string(id), "_source": .object(source)]
    }
}

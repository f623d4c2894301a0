import HeraldWire

/// Builds the `_kuzzle_info` metadata object each kind of write stores in `_source`.
///
/// Keys always come in Kuzzle's order: `author`, `createdAt`, `updatedAt`, `updater`.
enum KuzzleInfo {
    /// The reserved `_source` key holding the metadata.
    static let key = "_kuzzle_info"

    /// A creation (`create`, an upsert that creates): nobody has updated the document yet.
    static func created(_ context: WriteContext) -> JSONValue {
        .object([
            "author": .string(context.user),
            "createdAt": .int(context.timestamp),
            "updatedAt": .null,
            "updater": .null,
        ])
    }

    /// A whole-document write (`replace`, `createOrReplace`): all four fields name this write.
    static func rewritten(_ context: WriteContext) -> JSONValue {
        .object([
            "author": .string(context.user),
            "createdAt": .int(context.timestamp),
            "updatedAt": .int(context.timestamp),
            "updater": .string(context.user),
        ])
    }

    /// A partial update: `updatedAt` and `updater` merged into the previous metadata, the rest kept.
    static func updated(_ previous: JSONValue?, _ context: WriteContext) -> JSONValue {
        var info = previous?.objectValue ?? JSONObject()
        info["updatedAt"] = .int(context.timestamp)
        info["updater"] = .string(context.user)
        return .object(info)
    }
}

extension JSONObject {
    /// Removes any `_kuzzle_info` the client supplied and appends `info` as the last key.
    mutating func seal(with info: JSONValue) {
        removeValue(forKey: KuzzleInfo.key)
        append(KuzzleInfo.key, info)
    }
}

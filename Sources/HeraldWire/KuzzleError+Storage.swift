// Storage and query errors of Kuzzle's catalogue (`services.storage.*`).
extension KuzzleError {
    /// `services.storage.get_limit_exceeded`: a read asks for more documents than allowed.
    public static let documentsFetchLimitExceeded = KuzzleError(
        id: "services.storage.get_limit_exceeded", code: 16_842_755, status: 413,
        message: "The number of documents returned by this request exceeds the configured server limit.")

    /// `services.storage.write_limit_exceeded`: a write touches more documents than allowed.
    public static let documentsWriteLimitExceeded = KuzzleError(
        id: "services.storage.write_limit_exceeded", code: 16_842_756, status: 413,
        message: "The number of documents edited by this request exceeds the configured server limit.")

    /// `services.storage.unexpected_error`: the storage engine failed (disk full, I/O error, lost
    /// connection); the write was not applied.
    public static func storageFailure(_ detail: String) -> KuzzleError {
        KuzzleError(id: "services.storage.unexpected_error", code: 16_842_787, status: 500, message: detail,
                    props: [detail])
    }

    /// `services.storage.too_many_changes`: another writer changed the document first (cluster
    /// mode), as many times as `retryOnConflict` allowed retries.
    public static func tooManyChanges(id: String) -> KuzzleError {
        KuzzleError(id: "services.storage.too_many_changes", code: 16_842_784, status: 500,
                    message: "Unable to modify document \"\(id)\": cluster sync failed (too many simultaneous changes applied)",
                    props: [id])
    }

    /// `services.storage.invalid_mapping`.
    public static func invalidMapping(path: String, detail: String) -> KuzzleError {
        KuzzleError(id: "services.storage.invalid_mapping", code: 16_842_773, status: 400,
                    message: "Invalid mapping property \"mappings.\(path)\".\(detail)", props: [path, detail])
    }

    /// `services.storage.invalid_search_query`: a search body key outside the allowed ones.
    public static func invalidSearchQuery(_ key: String) -> KuzzleError {
        KuzzleError(id: "services.storage.invalid_search_query", code: 16_842_792, status: 400,
                    message: "The argument \"\(key)\" is not allowed at this level of a search query.", props: [key])
    }

    /// `services.storage.unknown_query_keyword`: a query keyword outside the supported DSL.
    public static func unknownQueryKeyword(_ keyword: String) -> KuzzleError {
        KuzzleError(id: "services.storage.unknown_query_keyword", code: 16_842_797, status: 400,
                    message: "The keyword \"\(keyword)\" is not part of Elasticsearch Query DSL. "
                        + "Are you trying to use a Koncorde query?",
                    props: [keyword])
    }

    /// `services.storage.unexpected_bad_request`: a malformed query, with the search engine's reason.
    public static func malformedQuery(_ reason: String) -> KuzzleError {
        KuzzleError(id: "services.storage.unexpected_bad_request", code: 16_842_785, status: 400,
                    message: reason, props: [reason])
    }
}

// Scroll cursors (`document:search` with `scroll`, `document:scroll`).
extension KuzzleError {
    /// `services.storage.unknown_scroll_id`.
    public static let unknownScrollId = KuzzleError(
        id: "services.storage.unknown_scroll_id", code: 16_842_766, status: 404,
        message: "Non-existing or expired scroll identifier.")

    /// `services.storage.scroll_duration_too_great`: a `scroll` TTL above the configured maximum.
    public static func scrollDurationTooGreat(_ duration: String) -> KuzzleError {
        KuzzleError(id: "services.storage.scroll_duration_too_great", code: 16_842_796, status: 400,
                    message: "Scroll duration \"\(duration)\" is too great.", props: [duration])
    }
}

extension KuzzleError {
    /// `services.storage.import_failed`: some fixtures could not be imported (`admin:loadFixtures`).
    public static let importFailed = KuzzleError(
        id: "services.storage.import_failed", code: 16_842_757, status: 206,
        message: "Failed to import some or all documents.")
}

extension KuzzleError {
    /// `core.fatal.service_unavailable`: an external service Herald depends on (Redis, in cluster
    /// mode) cannot be reached; the write was not applied.
    public static func serviceUnavailable(_ detail: String) -> KuzzleError {
        KuzzleError(id: "core.fatal.service_unavailable", code: 2, status: 500,
                    message: "Service unavailable: \(detail).", props: [detail])
    }
}

// MARK: - api.assert, api.process and services.cache errors of the admin, server and export actions

extension KuzzleError {
    /// An action that only one transport can serve (`document:export` answers an HTTP stream).
    public static func unsupportedProtocol(_ protocolName: String, action: String) -> KuzzleError {
        KuzzleError(id: "api.assert.unsupported_protocol", code: 33_619_984, status: 500,
                    message: "The protocol \"\(protocolName)\" is not supported by the API action \"\(action)\".",
                    props: [protocolName, action])
    }

    /// An action that may run only once at a time is already running (`admin:shutdown`).
    public static func actionLocked(_ detail: String) -> KuzzleError {
        KuzzleError(id: "api.process.action_locked", code: 33_685_505, status: 412,
                    message: "Cannot execute action \"\(detail)\": already executing.", props: [detail])
    }

    /// `admin:resetCache` with a `database` other than `internalCache` or `memoryStorage`.
    public static func cacheDatabaseNotFound(_ database: String) -> KuzzleError {
        KuzzleError(id: "services.cache.database_not_found", code: 16_973_825, status: 404,
                    message: "Cache database \"\(database)\" not found.", props: [database])
    }
}

import HeraldWire

/// Which document notifications a channel receives, by their scope.
public enum DocumentScope: String, Sendable {
    case all, `in`, out, none

    /// Whether a notification of this scope (`in` or `out`) reaches the channel.
    func accepts(_ scope: DocumentScope) -> Bool { self == .all || self == scope }
}

/// Which user notifications (a connection entering or leaving the room) a channel receives.
public enum UserScope: String, Sendable {
    case all, `in`, out, none

    func accepts(_ scope: UserScope) -> Bool { self == .all || self == scope }
}

/// The `scope` and `users` options of `realtime:subscribe` and `realtime:join`.
public struct SubscriptionOptions: Hashable, Sendable {
    public var scope: DocumentScope
    public var users: UserScope

    public init(scope: DocumentScope = .all, users: UserScope = .none) {
        self.scope = scope
        self.users = users
    }

    /// Reads and validates the options of a request.
    init(request: KuzzleRequest) throws(KuzzleError) {
        self.init()
        if let value = request.frame["scope"], !value.isNull {
            guard case .string(let text) = value, let scope = DocumentScope(rawValue: text) else {
                throw .invalidScope
            }
            self.scope = scope
        }
        if let value = request.frame["users"], !value.isNull {
            guard case .string(let text) = value, let users = UserScope(rawValue: text) else {
                throw .invalidUsers
            }
            self.users = users
        }
    }

    /// The digits that follow the room id in a channel name: a stable hash of the options.
    var channelSuffix: String {
        var hash: UInt32 = 2_166_136_261
        for byte in "\(scope.rawValue)/\(users.rawValue)".utf8 {
            hash = (hash ^ UInt32(byte)) &* 16_777_619
        }
        return String(hash)
    }
}

public import HeraldWire

/// A Kuzzle user: its profiles and free content. Credentials live apart (``LocalCredentials``).
/// A value type.
public struct SecurityUser: Sendable, Equatable {
    /// The kuid.
    public let id: String
    public let profileIds: [String]
    /// Everything of the user's content except `profileIds`.
    public let content: JSONObject

    /// The anonymous user's kuid.
    public static let anonymousID = "-1"

    public init(id: String, profileIds: [String], content: JSONObject = JSONObject()) {
        self.id = id
        self.profileIds = profileIds
        var content = content
        content["profileIds"] = nil
        self.content = content
    }

    /// Reads a user content (`{profileIds: [..], ...}`).
    public init(id: String, content: JSONObject) throws(KuzzleError) {
        guard let value = content["profileIds"], !value.isNull else { throw .missingArgument("body.content.profileIds") }
        guard case .array(let list) = value else {
            throw .invalidType("body.content.profileIds", expected: "string[]")
        }
        var profileIds: [String] = []
        for item in list {
            guard case .string(let profileId) = item else {
                throw .invalidType("body.content.profileIds", expected: "string[]")
            }
            profileIds.append(profileId)
        }
        if profileIds.isEmpty { throw .emptyArgument("body.content.profileIds") }
        self.init(id: id, profileIds: profileIds, content: content)
    }

    /// The stored body, and the `_source` of Kuzzle's answers: the content with `profileIds`.
    public var body: JSONObject {
        var body = content
        body["profileIds"] = .array(profileIds.map { .string($0) })
        return body
    }
}

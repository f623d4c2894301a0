/// Who writes, and when: the facts a write stamps into a document's `_kuzzle_info`.
public struct WriteContext: Sendable {
    /// The writer's kuid; the anonymous user is `"-1"`.
    public var user: String
    /// The write time, in milliseconds since the Unix epoch.
    public var timestamp: Int

    public init(user: String, timestamp: Int) {
        self.user = user
        self.timestamp = timestamp
    }
}

public import HeraldStore
public import HeraldWire

/// One change an action made, in the order it made them. Actions only record effects; the
/// ``CommitPipeline`` persists the ones that need it (through its sink) and the ``Notifier``
/// turns them into notifications when the commit is released.
public enum Effect: Sendable {
    /// A document was created, updated, replaced or deleted.
    case document(DocumentChange)
    /// `realtime:publish`: a message for the matching subscribers; nothing is stored.
    case published(PublishedMessage)
    /// A connection entered or left a room (user notifications); nothing is stored.
    case user(UserEvent)
    /// An index was created.
    case indexCreated(index: String)
    /// An index and everything in it were deleted.
    case indexDeleted(index: String)
    /// A collection was created, or its mappings changed; `mapping` is the whole mapping after the change.
    case collectionChanged(index: String, collection: String, mapping: CollectionMapping)
    /// Every document of a collection was removed, without one notification each.
    case collectionTruncated(index: String, collection: String)
    /// A collection and its documents were deleted.
    case collectionDeleted(index: String, collection: String)

    /// Whether the effect changes stored state (and so must reach the sink before it is released).
    public var changesStore: Bool {
        switch self {
        case .published, .user: return false
        case .document, .indexCreated, .indexDeleted, .collectionChanged, .collectionTruncated, .collectionDeleted:
            return true
        }
    }
}

/// One document written or deleted.
public struct DocumentChange: Sendable {
    /// The notifier's verb for the change (never the API action).
    public enum Verb: String, Sendable {
        case create, update, replace, delete
    }

    public let index: String
    public let collection: String
    /// The document after the write; for a deletion, the removed document.
    public let document: StoredDocument
    /// The document before the change, `nil` when it did not exist.
    public let previous: StoredDocument?
    public let verb: Verb
    /// The dotted paths an update changed (`_updatedFields`); `nil` for other verbs.
    public let updatedFields: [String]?
    /// `false` for `silent` writes: stored, but nobody is notified.
    public let notifies: Bool

    public init(
        index: String, collection: String, document: StoredDocument, previous: StoredDocument?, verb: Verb,
        updatedFields: [String]? = nil, notifies: Bool
    ) {
        self.index = index
        self.collection = collection
        self.document = document
        self.previous = previous
        self.verb = verb
        self.updatedFields = updatedFields
        self.notifies = notifies
    }

    /// A write as the store reported it.
    init(index: String, collection: String, write: DocumentWrite, verb: Verb, updatedFields: [String]? = nil,
         silent: Bool) {
        self.init(index: index, collection: collection, document: write.document, previous: write.previous,
                  verb: verb, updatedFields: updatedFields, notifies: !silent)
    }
}

/// A `realtime:publish` message.
public struct PublishedMessage: Sendable {
    public let index: String
    public let collection: String
    public let message: JSONObject
    public let id: String?

    public init(index: String, collection: String, message: JSONObject, id: String?) {
        self.index = index
        self.collection = collection
        self.message = message
        self.id = id
    }
}

/// A connection entered (`in`) or left (`out`) a room.
public struct UserEvent: Sendable {
    public let scope: UserScope
    public let roomId: String
    public let index: String
    public let collection: String
    /// Connections in the room right after the change.
    public let count: Int
    /// The volatile data of the subscription.
    public let volatile: JSONValue
    /// Epoch milliseconds of the change.
    public let timestamp: Int
    /// A channel created by this very subscription: its subscriber is not told of its own arrival,
    /// as Kuzzle picks the channels to notify before it creates the new one.
    public let newChannel: String?

    public init(scope: UserScope, roomId: String, index: String, collection: String, count: Int, volatile: JSONValue,
                timestamp: Int, newChannel: String?) {
        self.scope = scope
        self.roomId = roomId
        self.index = index
        self.collection = collection
        self.count = count
        self.volatile = volatile
        self.timestamp = timestamp
        self.newChannel = newChannel
    }
}

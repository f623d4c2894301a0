/// A JSON object that keeps its keys in insertion order, as JavaScript does.
///
/// Small objects (the common case for Kuzzle frames) are searched linearly; a key index is kept
/// once an object grows past ``indexThreshold`` keys. Equality ignores key order.
public struct JSONObject: Sendable {
    /// Number of keys from which lookups go through a hash index.
    public static let indexThreshold = 24

    public private(set) var keys: [String]
    public private(set) var values: [JSONValue]
    private var index: [String: Int]?

    /// An empty object.
    public init() {
        keys = []
        values = []
        index = nil
    }

    /// An empty object with room for `capacity` keys before its storage grows.
    public init(minimumCapacity capacity: Int) {
        self.init()
        keys.reserveCapacity(capacity)
        values.reserveCapacity(capacity)
    }

    /// An object with these pairs, in order; a repeated key keeps its first position and its last value.
    public init(_ pairs: some Sequence<(String, JSONValue)>) {
        self.init()
        for (key, value) in pairs { self[key] = value }
    }

    /// An object from parallel arrays of keys and values in document order, as a parser collects
    /// them; a repeated key keeps its first position and its last value. Takes the arrays as they
    /// are when the keys are unique, so no array is copied or grown.
    init(collectedKeys keys: [String], values: [JSONValue]) {
        if keys.count <= Self.indexThreshold {
            if !Self.hasRepeatedKey(keys) {
                self.init(keys: keys, values: values, index: nil)
                return
            }
        } else {
            var built = [String: Int](minimumCapacity: keys.count)
            var unique = true
            for position in keys.indices where built.updateValue(position, forKey: keys[position]) != nil {
                unique = false
                break
            }
            if unique {
                self.init(keys: keys, values: values, index: built)
                return
            }
        }
        self.init(zip(keys, values))
    }

    private init(keys: [String], values: [JSONValue], index: [String: Int]?) {
        self.keys = keys
        self.values = values
        self.index = index
    }

    private static func hasRepeatedKey(_ keys: [String]) -> Bool {
        guard keys.count > 1 else { return false }
        for later in 1..<keys.count {
            for earlier in 0..<later where keys[earlier] == keys[later] { return true }
        }
        return false
    }

    /// Number of keys.
    @inlinable public var count: Int { keys.count }

    /// `true` when the object has no key.
    @inlinable public var isEmpty: Bool { keys.isEmpty }

    /// The position of `key`, or `nil`.
    public func position(of key: String) -> Int? {
        if let index { return index[key] }
        // Comparing lengths first (O(1) for native strings) skips most full string comparisons.
        let length = key.utf8.count
        return keys.firstIndex { $0.utf8.count == length && $0 == key }
    }

    /// The value for `key`; setting `nil` removes the key.
    public subscript(key: String) -> JSONValue? {
        get {
            guard let position = position(of: key) else { return nil }
            return values[position]
        }
        set {
            if let newValue {
                if let position = position(of: key) {
                    values[position] = newValue
                } else {
                    append(key, newValue)
                }
            } else {
                removeValue(forKey: key)
            }
        }
    }

    /// Appends a key known not to be present yet (no duplicate check when the caller guarantees it).
    public mutating func append(_ key: String, _ value: JSONValue) {
        keys.append(key)
        values.append(value)
        if index != nil {
            index![key] = keys.count - 1
        } else if keys.count > Self.indexThreshold {
            rebuildIndex()
        }
    }

    /// Removes `key` and returns its value, if present.
    @discardableResult
    public mutating func removeValue(forKey key: String) -> JSONValue? {
        guard let position = position(of: key) else { return nil }
        keys.remove(at: position)
        let removed = values.remove(at: position)
        if index != nil {
            if keys.count > Self.indexThreshold { rebuildIndex() } else { index = nil }
        }
        return removed
    }

    private mutating func rebuildIndex() {
        var built = [String: Int](minimumCapacity: keys.count)
        for (position, key) in keys.enumerated() { built[key] = position }
        index = built
    }
}

extension JSONObject: Sequence {
    public struct Iterator: IteratorProtocol {
        private let object: JSONObject
        private var position = 0

        init(_ object: JSONObject) { self.object = object }

        public mutating func next() -> (key: String, value: JSONValue)? {
            guard position < object.keys.count else { return nil }
            defer { position += 1 }
            return (object.keys[position], object.values[position])
        }
    }

    public func makeIterator() -> Iterator { Iterator(self) }
    public var underestimatedCount: Int { keys.count }
}

extension JSONObject: Equatable {
    public static func == (lhs: JSONObject, rhs: JSONObject) -> Bool {
        guard lhs.count == rhs.count else { return false }
        for (key, value) in lhs {
            guard let other = rhs[key], other == value else { return false }
        }
        return true
    }
}

extension JSONObject: Hashable {
    public func hash(into hasher: inout Hasher) {
        // Order-independent: combine per-pair hashes commutatively.
        var combined = 0
        for (key, value) in self {
            var pair = Hasher()
            pair.combine(key)
            pair.combine(value)
            combined ^= pair.finalize()
        }
        hasher.combine(count)
        hasher.combine(combined)
    }
}

extension JSONObject: ExpressibleByDictionaryLiteral {
    public init(dictionaryLiteral elements: (String, JSONValue)...) {
        self.init(elements)
    }
}

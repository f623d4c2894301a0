/// One slow password derivation a request needs.
public enum PasswordJob: Sendable, Equatable {
    /// A fresh salted hash of a password about to be stored.
    case hash(String)
    /// Whether a password matches a stored hash (`nil`: the user is unknown, which costs the same).
    case check(String, against: PasswordHash?)
}

/// The results of a request's ``PasswordJob``s, computed ahead of time away from the event loop,
/// then consumed by the code that would otherwise derive them on the spot.
///
/// A value type; built on a worker thread, then handed to the loop thread that consumes it.
public struct PreparedPasswords: Sendable {
    private struct CheckKey: Hashable {
        let password: String
        let stored: PasswordHash?
    }

    /// password → fresh hashes not yet taken (a request may store one password for several users).
    private var hashes: [String: [PasswordHash]] = [:]
    private var verdicts: [CheckKey: Bool] = [:]

    public init() {}

    /// Runs every job: one full derivation each, so call it off the event loop.
    public init(computing jobs: [PasswordJob], with hasher: PasswordHasher) {
        for job in jobs {
            switch job {
            case .hash(let password):
                hashes[password, default: []].append(hasher.hash(password))
            case .check(let password, let stored):
                verdicts[CheckKey(password: password, stored: stored)] = hasher.verify(password, against: stored)
            }
        }
    }

    /// Whether nothing was prepared.
    public var isEmpty: Bool { hashes.isEmpty && verdicts.isEmpty }

    /// A prepared hash of `password`, which is used up (each stored password gets its own salt).
    public mutating func takeHash(of password: String) -> PasswordHash? {
        guard var available = hashes[password], !available.isEmpty else { return nil }
        let hash = available.removeLast()
        hashes[password] = available.isEmpty ? nil : available
        return hash
    }

    /// The prepared answer to "does `password` match `stored`", or `nil` when it was not prepared
    /// (the stored hash changed since, for instance).
    public func verdict(for password: String, against stored: PasswordHash?) -> Bool? {
        verdicts[CheckKey(password: password, stored: stored)]
    }
}

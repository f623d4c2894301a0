import HeraldSecurity
import HeraldWire

/// Runs slow, self-contained work on another thread and hands its result back on the event loop.
/// The server implements it with a worker queue and ``ServerControl``-style scheduling; without
/// one the gateway derives passwords on the spot.
public protocol OffLoopExecutor: AnyObject {
    /// Runs `work` away from the event loop, then `completion` with its result on the loop thread.
    func run<Output: Sendable>(_ work: @escaping @Sendable () -> Output, completion: @escaping (Output) -> Void)
}

/// The password derivations of requests (logins, stored credentials), run off the event loop so
/// that an 80 ms PBKDF2 never stalls the other clients: a bounded number run at once (the rest
/// wait in order), and a full queue or a connection with too many in flight is refused at once.
///
/// Not thread-safe: owned by the gateway's thread; only the derivations run elsewhere.
final class PasswordWorkQueue {
    /// Derivation batches that may run at the same time.
    let maxRunning: Int
    /// Batches that may wait behind the running ones.
    let maxWaiting: Int
    /// Batches one connection may have running or waiting.
    let maxPerConnection: Int
    private let executor: (any OffLoopExecutor)?
    private let hasher: PasswordHasher
    private var running = 0
    private var waiting: [(ConnectionID, [PasswordJob], (PreparedPasswords) -> Void)] = []
    private var firstWaiting = 0
    private var inFlight: [ConnectionID: Int] = [:]

    /// - Parameter executor: where derivations run; `nil` runs them at once, on the caller's thread.
    init(executor: (any OffLoopExecutor)?, hasher: PasswordHasher, maxRunning: Int, maxWaiting: Int = 64,
         maxPerConnection: Int = 4) {
        precondition(maxRunning > 0 && maxWaiting >= 0 && maxPerConnection > 0, "bounds must be positive")
        self.executor = executor
        self.hasher = hasher
        self.maxRunning = maxRunning
        self.maxWaiting = maxWaiting
        self.maxPerConnection = maxPerConnection
    }

    /// Batches running or waiting.
    var pending: Int { running + waiting.count - firstWaiting }

    /// Derives `jobs` for `connection`, then calls `completion` with the results on this thread.
    /// Refused (nothing is called) when the queue or the connection's share of it is full.
    func submit(_ jobs: [PasswordJob], for connection: ConnectionID,
                completion: @escaping (PreparedPasswords) -> Void) throws(KuzzleError) {
        guard let executor else {
            completion(PreparedPasswords(computing: jobs, with: hasher))
            return
        }
        guard inFlight[connection, default: 0] < maxPerConnection,
              running < maxRunning || waiting.count - firstWaiting < maxWaiting
        else { throw .overloaded }
        inFlight[connection, default: 0] += 1
        if running < maxRunning {
            start(jobs, for: connection, on: executor, completion: completion)
        } else {
            waiting.append((connection, jobs, completion))
        }
    }

    private func start(_ jobs: [PasswordJob], for connection: ConnectionID, on executor: any OffLoopExecutor,
                       completion: @escaping (PreparedPasswords) -> Void) {
        running += 1
        let hasher = self.hasher
        executor.run({ PreparedPasswords(computing: jobs, with: hasher) }) { [weak self] prepared in
            self?.finished(connection)
            completion(prepared)
        }
    }

    private func finished(_ connection: ConnectionID) {
        running -= 1
        let left = inFlight[connection, default: 1] - 1
        inFlight[connection] = left > 0 ? left : nil
        guard firstWaiting < waiting.count, let executor else { return }
        let (next, jobs, completion) = waiting[firstWaiting]
        firstWaiting += 1
        if firstWaiting == waiting.count {
            waiting.removeAll(keepingCapacity: true)
            firstWaiting = 0
        }
        start(jobs, for: next, on: executor, completion: completion)
    }
}

/// Which derivations a request will need, so that they can be made before it runs.
enum PasswordJobs {
    /// The jobs of `request` (empty for most): the check of a local login, and a fresh hash for each
    /// local password a security or auth action is about to store.
    static func needed(by request: KuzzleRequest, in store: SecurityStore) -> [PasswordJob] {
        guard case .object(let body)? = request.frame["body"] else { return [] }
        switch (request.controller, request.action) {
        case ("auth", "login"):
            guard case .string(let username)? = body["username"], case .string(let password)? = body["password"]
            else { return [] }
            return [.check(password, against: store.passwordHash(ofUsername: username))]
        case ("auth", "createMyCredentials"), ("auth", "updateMyCredentials"),
             ("security", "createCredentials"), ("security", "updateCredentials"):
            guard request.frame["strategy"] == .string("local") else { return [] }
            return hash(body["password"])
        case ("security", "createUser"), ("security", "createRestrictedUser"), ("security", "createFirstAdmin"):
            return localPassword(of: body)
        case ("admin", "loadSecurities"):
            guard case .object(let users)? = body["users"] else { return [] }
            return users.values.flatMap { user -> [PasswordJob] in
                guard case .object(let user) = user else { return [] }
                return localPassword(of: user)
            }
        default:
            return []
        }
    }

    /// The hash job of a user body's `credentials.local.password`.
    private static func localPassword(of user: JSONObject) -> [PasswordJob] {
        guard case .object(let credentials)? = user["credentials"], case .object(let local)? = credentials["local"]
        else { return [] }
        return hash(local["password"])
    }

    private static func hash(_ password: JSONValue?) -> [PasswordJob] {
        guard case .string(let text)? = password, !text.isEmpty else { return [] }
        return [.hash(text)]
    }
}

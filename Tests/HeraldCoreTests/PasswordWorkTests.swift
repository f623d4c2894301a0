import HeraldCore
import HeraldWire
import Testing

/// An executor whose work waits until the test runs it, on the test's thread.
final class ManualExecutor: OffLoopExecutor {
    private var jobs: [() -> Void] = []

    var waiting: Int { jobs.count }

    func run<Output: Sendable>(_ work: @escaping @Sendable () -> Output, completion: @escaping (Output) -> Void) {
        jobs.append { completion(work()) }
    }

    /// Runs the oldest job (its completion included).
    func runNext() {
        jobs.removeFirst()()
    }
}

/// Password derivations run off the event loop: the request waits, the other clients do not.
@Suite struct PasswordWorkTests {
    let executor = ManualExecutor()
    let harness: SecuredHarness

    init() {
        harness = SecuredHarness(offLoop: executor)
    }

    /// Sends a frame and returns the answers sent at once.
    private func send(_ frame: JSONObject, id: String, from connection: UInt64 = 1) -> [JSONObject] {
        var frame = frame
        frame["requestId"] = .string(id)
        var bytes = Array(JSONWriter.encodeToString(.object(frame)).utf8)
        bytes.withUnsafeMutableBytes { harness.gateway.receive(UnsafeRawBufferPointer($0), from: ConnectionID(connection)) }
        return harness.outbox.drain().compactMap { $0.frame.objectValue }
    }

    private static func login(_ username: String, _ password: String) -> JSONObject {
        ["controller": "auth", "action": "login", "strategy": "local",
         "body": ["username": .string(username), "password": .string(password)]]
    }

    /// An admin `ada`/`pw` made through the queue.
    private func secure() -> String {
        let created = send(["controller": "security", "action": "createFirstAdmin", "_id": "admin", "reset": true,
                            "body": ["credentials": ["local": ["username": "ada", "password": "pw"]]]], id: "first")
        #expect(created.isEmpty && executor.waiting == 1)
        executor.runNext()
        #expect(harness.outbox.drain().first?.frame.objectValue?["status"] == 200)
        #expect(send(Self.login("ada", "pw"), id: "admin-login").isEmpty)
        executor.runNext()
        let answer = harness.outbox.drain().compactMap { $0.frame.objectValue }.first { $0["requestId"] == "admin-login" }
        return answer?["result"]?.objectValue?["jwt"]?.stringValue ?? ""
    }

    @Test func aLoginIsAnsweredAfterItsDerivationAndOtherRequestsAreServedMeanwhile() {
        let jwt = secure()
        #expect(!jwt.isEmpty)
        #expect(send(Self.login("ada", "pw"), id: "login").isEmpty)
        #expect(executor.waiting == 1)
        let meanwhile = send(["controller": "auth", "action": "checkToken", "body": ["token": .string(jwt)]],
                             id: "now", from: 2)
        #expect(meanwhile.count == 1 && meanwhile[0]["requestId"] == "now" && meanwhile[0]["status"] == 200)
        executor.runNext()
        let answers = harness.outbox.drain().compactMap { $0.frame.objectValue }
        #expect(answers.count == 1 && answers[0]["requestId"] == "login" && answers[0]["status"] == 200)
        #expect(answers[0]["result"]?.objectValue?["jwt"]?.stringValue?.isEmpty == false)
    }

    @Test func aWrongPasswordIsRefusedOnceDerived() {
        _ = secure()
        #expect(send(Self.login("ada", "nope"), id: "bad").isEmpty)
        executor.runNext()
        let answer = harness.outbox.drain().compactMap { $0.frame.objectValue }.first
        #expect(answer?["error"]?.objectValue?["id"] == "plugin.strategy.missing_user")
    }

    @Test func aUserDeletedWhileItsLoginIsCheckedIsRefused() {
        let admin = secure()
        #expect(send(Self.login("ada", "pw"), id: "login").isEmpty)
        let deleted = send(["controller": "security", "action": "deleteUser", "_id": "admin", "jwt": .string(admin)],
                           id: "delete", from: 2)
        #expect(deleted.first?["status"] == 200)
        executor.runNext()
        let answer = harness.outbox.drain().compactMap { $0.frame.objectValue }.first
        #expect(answer?["requestId"] == "login")
        #expect(answer?["error"]?.objectValue?["id"] == "plugin.strategy.missing_user")
    }

    @Test func aRefusedRequestIsAnsweredAtOnceWithoutADerivation() {
        _ = secure()
        let refused = send(["controller": "security", "action": "createUser", "_id": "eve",
                            "body": ["credentials": ["local": ["username": "eve", "password": "pw"]]]], id: "eve")
        #expect(executor.waiting == 0)
        #expect(refused.first?["error"]?.objectValue?["id"] == "security.rights.unauthorized")
    }

    @Test func aConnectionWithTooManyDerivationsInFlightIsTold503() {
        _ = secure()
        for attempt in 0..<4 { #expect(send(Self.login("ada", "pw"), id: "login-\(attempt)").isEmpty) }
        let refused = send(Self.login("ada", "pw"), id: "one-too-many")
        let error = refused.first?["error"]?.objectValue
        #expect(error?["id"] == "api.process.overloaded" && error?["status"] == 503)
        #expect(error?["message"] == "Request discarded: Kuzzle Server is temporarily overloaded.")
        #expect(send(Self.login("ada", "pw"), id: "other-connection", from: 2).isEmpty)
        for _ in 0..<5 { executor.runNext() }
        let answers = harness.outbox.drain().compactMap { $0.frame.objectValue }
        #expect(answers.map { $0["status"] } == Array(repeating: 200, count: 5))
    }

    @Test func aFullQueueIsTold503() {
        _ = secure()
        // One running and 64 waiting fill it.
        for connection in 10..<75 {
            harness.gateway.connectionOpened(ConnectionID(UInt64(connection)))
            #expect(send(Self.login("ada", "pw"), id: "login-\(connection)", from: UInt64(connection)).isEmpty)
        }
        let refused = send(Self.login("ada", "pw"), id: "refused", from: 99)
        #expect(refused.first?["error"]?.objectValue?["id"] == "api.process.overloaded")
        executor.runNext()
        _ = harness.outbox.drain()
        #expect(send(Self.login("ada", "pw"), id: "room-again", from: 99).isEmpty)
    }

    @Test func aLoginOverTheAttemptLimitIsRefusedWithoutADerivation() {
        _ = secure()
        for attempt in 0..<3 {
            #expect(send(Self.login("ada", "nope"), id: "wrong-\(attempt)", from: 2).isEmpty)
            executor.runNext()
            _ = harness.outbox.drain()
        }
        let refused = send(Self.login("ada", "pw"), id: "limited", from: 2)
        #expect(executor.waiting == 0)
        #expect(refused.first?["error"]?.objectValue?["id"] == "api.process.too_many_requests")
    }

    @Test func aConnectionClosedDuringItsLoginGetsNothing() {
        _ = secure()
        #expect(send(Self.login("ada", "pw"), id: "login", from: 3).isEmpty)
        harness.gateway.connectionClosed(ConnectionID(3))
        executor.runNext()
        #expect(harness.outbox.drain().isEmpty)
    }

    @Test func derivationsRunOneAtATimeInOrder() {
        _ = secure()
        for connection in 1...3 {
            #expect(send(Self.login("ada", "pw"), id: "login-\(connection)", from: UInt64(connection)).isEmpty)
        }
        // maxRunning is 1: the others wait in the queue, not in the executor.
        #expect(executor.waiting == 1)
        var order: [JSONValue?] = []
        while executor.waiting > 0 {
            executor.runNext()
            order += harness.outbox.drain().compactMap { $0.frame.objectValue?["requestId"] }
        }
        #expect(order == ["login-1", "login-2", "login-3"])
    }

    @Test func loadedUsersWaitForTheirDerivations() {
        let admin = secure()
        let users: JSONObject = [
            "u1": ["content": ["profileIds": ["default"]], "credentials": ["local": ["username": "u1", "password": "p1"]]],
            "u2": ["content": ["profileIds": ["default"]], "credentials": ["local": ["username": "u2", "password": "p2"]]],
        ]
        #expect(send(["controller": "admin", "action": "loadSecurities", "jwt": .string(admin),
                      "body": ["users": .object(users)]], id: "load").isEmpty)
        #expect(executor.waiting == 1)
        executor.runNext()
        #expect(harness.outbox.drain().first?.frame.objectValue?["status"] == 200)
        #expect(send(Self.login("u2", "p2"), id: "u2").isEmpty)
        executor.runNext()
        #expect(harness.outbox.drain().first?.frame.objectValue?["status"] == 200)
    }

    @Test func storedCredentialsUseTheDerivedHash() {
        let admin = secure()
        #expect(send(["controller": "security", "action": "createUser", "_id": "bob", "jwt": .string(admin),
                      "body": ["content": ["profileIds": ["default"]],
                               "credentials": ["local": ["username": "bob", "password": "secret"]]]], id: "bob").isEmpty)
        executor.runNext()
        #expect(harness.outbox.drain().first?.frame.objectValue?["status"] == 200)
        #expect(send(Self.login("bob", "secret"), id: "bob-login").isEmpty)
        executor.runNext()
        #expect(harness.outbox.drain().first?.frame.objectValue?["status"] == 200)
    }
}

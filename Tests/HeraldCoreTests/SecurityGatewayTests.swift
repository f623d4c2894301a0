import HeraldCore
import HeraldWire
import Logging
import Synchronization
import Testing

/// A clock the test moves forward.
final class SteppingClock: EpochClock {
    private let current = Mutex(1_700_000_000_000)
    func nowMilliseconds() -> Int { current.withLock { $0 } }
    func advance(_ milliseconds: Int) { current.withLock { $0 += milliseconds } }
}

/// A gateway with cheap password hashing, a stepping clock and helpers for logged-in requests.
final class SecuredHarness {
    let outbox = RecordingOutbox()
    let clock = SteppingClock()
    let gateway: Gateway
    private var counter = 0

    init(sink: (any CommitSink)? = nil, offLoop: (any OffLoopExecutor)? = nil) {
        var configuration = GatewayConfiguration(nodeID: "node-test")
        configuration.security.passwordIterations = 1_000
        configuration.security.loginAttemptsPerMinute = 3
        gateway = Gateway(configuration: configuration, outbox: outbox, clock: clock, sink: sink, offLoop: offLoop,
                          logger: Logger(label: "test"))
        for connection in 1...4 { gateway.connectionOpened(ConnectionID(UInt64(connection))) }
    }

    @discardableResult
    func request(_ frame: JSONObject, jwt: String? = nil, from connection: UInt64 = 1) -> JSONObject {
        var frame = frame
        counter += 1
        let requestId = JSONValue.string("s-\(counter)")
        frame["requestId"] = requestId
        if let jwt { frame["jwt"] = .string(jwt) }
        var bytes = Array(JSONWriter.encodeToString(.object(frame)).utf8)
        bytes.withUnsafeMutableBytes { gateway.receive(UnsafeRawBufferPointer($0), from: ConnectionID(connection)) }
        let frames = outbox.drain()
        return frames.last { $0.frame.objectValue?["room"] == requestId }!.frame.objectValue!
    }

    @discardableResult
    func result(_ frame: JSONObject, jwt: String? = nil, from connection: UInt64 = 1) -> JSONValue {
        let response = request(frame, jwt: jwt, from: connection)
        #expect(response["error"] == .null, "\(response)")
        return response["result"] ?? .null
    }

    func error(_ frame: JSONObject, jwt: String? = nil, from connection: UInt64 = 1) -> (id: String, message: String, status: Int) {
        let error = request(frame, jwt: jwt, from: connection)["error"]?.objectValue ?? [:]
        return (error["id"]?.stringValue ?? "", error["message"]?.stringValue ?? "", error["status"]?.integerValue ?? 0)
    }

    func login(_ username: String, _ password: String, expiresIn: JSONValue? = nil, from connection: UInt64 = 1) -> String {
        var frame: JSONObject = ["controller": "auth", "action": "login", "strategy": "local",
                                 "body": ["username": .string(username), "password": .string(password)]]
        if let expiresIn { frame["expiresIn"] = expiresIn }
        return result(frame, from: connection).objectValue?["jwt"]?.stringValue ?? ""
    }

    /// createFirstAdmin (with reset) then the admin's token.
    func secure() -> String {
        _ = result(["controller": "security", "action": "createFirstAdmin", "_id": "admin", "reset": true,
                    "body": ["content": ["name": "Ada"], "credentials": ["local": ["username": "ada", "password": "pw"]]]])
        return login("ada", "pw")
    }

    /// A role reading and subscribing, a profile restricting it to `index`, and a user with it.
    func reader(admin: String, index: String = "shop") -> String {
        _ = result(["controller": "security", "action": "createRole", "_id": "reader",
                    "body": ["controllers": ["document": ["actions": ["get": true, "search": true]],
                                             "realtime": ["actions": ["subscribe": true, "join": true]],
                                             "auth": ["actions": ["*": true]]]]], jwt: admin)
        _ = result(["controller": "security", "action": "createProfile", "_id": "shop-reader",
                    "body": ["policies": [["roleId": "reader", "restrictedTo": [["index": .string(index)]]]]]], jwt: admin)
        _ = result(["controller": "security", "action": "createUser", "_id": "bob",
                    "body": ["content": ["profileIds": ["shop-reader"]],
                             "credentials": ["local": ["username": "bob", "password": "secret"]]]], jwt: admin)
        return login("bob", "secret")
    }
}

@Suite struct SecurityGatewayTests {
    static let upsert: JSONObject = ["controller": "document", "action": "upsert", "index": "shop", "collection": "items",
                                     "_id": "d1", "body": ["changes": ["n": 1]]]

    @Test func beforeAnAdminExistsAnonymousMayDoEverything() {
        let harness = SecuredHarness()
        #expect(harness.result(["controller": "server", "action": "adminExists"]) == ["exists": false])
        harness.result(["controller": "collection", "action": "create", "index": "shop", "collection": "items"])
        harness.result(Self.upsert)
        let written = harness.result(["controller": "document", "action": "get", "index": "shop", "collection": "items",
                                      "_id": "d1"])
        #expect(written.objectValue?["_source"]?.objectValue?["_kuzzle_info"]?.objectValue?["author"] == "-1")
    }

    @Test func createFirstAdminWithResetRestrictsAnonymous() {
        let harness = SecuredHarness()
        harness.result(["controller": "collection", "action": "create", "index": "shop", "collection": "items"])
        let admin = harness.secure()
        #expect(!admin.isEmpty)
        #expect(harness.result(["controller": "server", "action": "adminExists"], jwt: admin) == ["exists": true])
        let refused = harness.error(Self.upsert)
        #expect(refused.id == "security.rights.unauthorized" && refused.status == 401)
        #expect(refused.message == #"Unauthorized: authentication required to execute the action "document:upsert"."#)
        // What anonymous keeps.
        #expect(harness.result(["controller": "auth", "action": "checkToken", "body": [:]]).objectValue?["valid"] == true)
        #expect(harness.error(["controller": "security", "action": "createFirstAdmin", "body": [:]]).id
            == "security.rights.unauthorized")
        // The admin writes, and is the author.
        harness.result(Self.upsert, jwt: admin)
        let written = harness.result(["controller": "document", "action": "get", "index": "shop", "collection": "items",
                                      "_id": "d1"], jwt: admin)
        #expect(written.objectValue?["_source"]?.objectValue?["_kuzzle_info"]?.objectValue?["author"] == "admin")
        #expect(harness.error(["controller": "security", "action": "createFirstAdmin", "body": [:]], jwt: admin).id
            == "api.process.admin_exists")
    }

    @Test func aRestrictedUserReadsAndSubscribesWhereAllowedOnly() {
        let harness = SecuredHarness()
        harness.result(["controller": "collection", "action": "create", "index": "shop", "collection": "items"])
        harness.result(["controller": "collection", "action": "create", "index": "other", "collection": "items"])
        let admin = harness.secure()
        harness.result(Self.upsert, jwt: admin)
        let bob = harness.reader(admin: admin)
        let got = harness.result(["controller": "document", "action": "get", "index": "shop", "collection": "items",
                                  "_id": "d1"], jwt: bob)
        #expect(got.objectValue?["_id"] == "d1")
        let forbidden = harness.error(Self.upsert, jwt: bob)
        #expect(forbidden.id == "security.rights.forbidden" && forbidden.status == 403)
        #expect(forbidden.message == #"Insufficient permissions to execute the action "document:upsert" (User "bob")."#)
        let elsewhere = harness.error(["controller": "document", "action": "get", "index": "other", "collection": "items",
                                       "_id": "d1"], jwt: bob)
        #expect(elsewhere.id == "security.rights.forbidden")
        let subscribed = harness.result(["controller": "realtime", "action": "subscribe", "index": "shop",
                                         "collection": "items", "body": [:]], jwt: bob, from: 2)
        #expect(subscribed.objectValue?["roomId"] != nil)
        #expect(harness.error(["controller": "realtime", "action": "subscribe", "index": "other", "collection": "items",
                               "body": [:]], jwt: bob).id == "security.rights.forbidden")
        // Joining a room checks the room's own index: one on "other" stays closed to bob.
        let otherRoom = harness.result(["controller": "realtime", "action": "subscribe", "index": "other",
                                        "collection": "items", "body": [:]], jwt: admin, from: 3)
        let join: JSONObject = ["controller": "realtime", "action": "join",
                                "body": ["roomId": otherRoom.objectValue!["roomId"]!]]
        #expect(harness.error(join, jwt: bob).id == "security.rights.forbidden")
        let shopRoom = subscribed.objectValue!["roomId"]!
        #expect(harness.result(["controller": "realtime", "action": "join", "body": ["roomId": shopRoom]], jwt: bob,
                               from: 4).objectValue?["roomId"] == shopRoom)
        let rights = harness.result(["controller": "auth", "action": "getMyRights"], jwt: bob)
        #expect(rights.objectValue?["hits"]?.arrayValue?.contains(
            ["action": "get", "collection": "*", "controller": "document", "index": "shop", "value": "allowed"]) == true)
        let me = harness.result(["controller": "auth", "action": "getCurrentUser"], jwt: bob)
        #expect(me.objectValue?["_id"] == "bob" && me.objectValue?["strategies"] == ["local"])
    }

    @Test func wrongPasswordsUnknownUsersAndLimits() {
        let harness = SecuredHarness()
        _ = harness.secure()
        let login: (String, String) -> JSONObject = { username, password in
            ["controller": "auth", "action": "login", "strategy": "local",
             "body": ["username": .string(username), "password": .string(password)]]
        }
        let wrong = harness.error(login("ada", "nope"), from: 3)
        #expect(wrong.id == "plugin.strategy.missing_user" && wrong.status == 401)
        #expect(wrong.message == "wrong username or password")
        #expect(harness.error(login("nobody", "pw"), from: 3) == wrong)
        #expect(harness.error(["controller": "auth", "action": "login", "strategy": "oauth", "body": [:]]).id
            == "security.credentials.unknown_strategy")
        _ = harness.error(login("ada", "nope"), from: 3)
        // Three failures from connection 3: its fourth attempt is refused even with the right password.
        #expect(harness.error(login("ada", "pw"), from: 3).id == "api.process.too_many_requests")
        harness.clock.advance(60_000)
        #expect(!harness.login("ada", "pw", from: 3).isEmpty)
    }

    @Test func failedLoginsCountPerClientAddressAcrossConnections() {
        let harness = SecuredHarness()
        _ = harness.secure()
        for connection: UInt64 in 10...12 { harness.gateway.connectionOpened(ConnectionID(connection), address: "192.0.2.7") }
        harness.gateway.connectionOpened(ConnectionID(13), address: "192.0.2.8")
        let login: (String, String) -> JSONObject = { username, password in
            ["controller": "auth", "action": "login", "strategy": "local",
             "body": ["username": .string(username), "password": .string(password)]]
        }
        // Three usernames, three connections, one address: its fourth attempt is refused.
        for (connection, username) in zip(UInt64(10)...12, ["u1", "u2", "u3"]) {
            #expect(harness.error(login(username, "nope"), from: connection).id == "plugin.strategy.missing_user")
        }
        #expect(harness.error(login("ada", "pw"), from: 10).id == "api.process.too_many_requests")
        // A reconnection from that address is still refused; another address is not.
        harness.gateway.connectionClosed(ConnectionID(10))
        harness.gateway.connectionOpened(ConnectionID(14), address: "192.0.2.7")
        #expect(harness.error(login("ada", "pw"), from: 14).id == "api.process.too_many_requests")
        #expect(!harness.login("ada", "pw", from: 13).isEmpty)
    }

    @Test func aProfilesRateLimitCountsEachUsersRequestsPerSecond() {
        let harness = SecuredHarness()
        let admin = harness.secure()
        harness.result(["controller": "security", "action": "createProfile", "_id": "slow",
                        "body": ["policies": [["roleId": "admin"]], "rateLimit": 2]], jwt: admin)
        harness.result(["controller": "security", "action": "createUser", "_id": "sam",
                        "body": ["content": ["profileIds": ["slow"]],
                                 "credentials": ["local": ["username": "sam", "password": "pw"]]]], jwt: admin)
        let sam = harness.login("sam", "pw")
        harness.clock.advance(1_000 - harness.clock.nowMilliseconds() % 1_000)
        let now: JSONObject = ["controller": "server", "action": "now"]
        harness.result(now, jwt: sam)
        harness.result(now, jwt: sam)
        let refused = harness.error(now, jwt: sam)
        #expect(refused.id == "api.process.too_many_requests" && refused.status == 429)
        #expect(refused.message == "Rejected: requests rate limit exceeded for this user.")
        // Logins and an authenticated logout are not counted; other users are not slowed.
        #expect(!harness.login("sam", "pw").isEmpty)
        harness.result(now, jwt: admin)
        harness.clock.advance(1_000)
        harness.result(now, jwt: sam)
        harness.result(now, jwt: sam)
        harness.result(["controller": "auth", "action": "logout"], jwt: sam)
    }

    @Test func logoutRevokesAndBadTokensAreRefused() {
        let harness = SecuredHarness()
        let admin = harness.secure()
        #expect(harness.result(["controller": "auth", "action": "checkToken", "body": ["token": .string(admin)]])
            .objectValue?["kuid"] == "admin")
        harness.result(["controller": "auth", "action": "logout"], jwt: admin)
        let revoked = harness.error(["controller": "server", "action": "now"], jwt: admin)
        #expect(revoked.id == "security.token.invalid" && revoked.status == 401)
        #expect(harness.result(["controller": "auth", "action": "checkToken", "body": ["token": .string(admin)]])
            == ["state": "Invalid token.", "valid": false])
        #expect(harness.error(["controller": "server", "action": "now"], jwt: "garbage").id == "security.token.invalid")
        // logout with global revokes every token of the user, used or not.
        let first = harness.login("ada", "pw", from: 2)
        let second = harness.login("ada", "pw", from: 3)
        harness.clock.advance(1_000)
        harness.result(["controller": "auth", "action": "logout", "global": true], jwt: first, from: 2)
        #expect(harness.error(["controller": "server", "action": "now"], jwt: second, from: 4).id
            == "security.token.invalid")
        #expect(harness.error(["controller": "server", "action": "now"], jwt: first, from: 2).id
            == "security.token.invalid")
        // A stale token does not prevent logging in again.
        #expect(!harness.result(["controller": "auth", "action": "login", "strategy": "local",
                                 "body": ["username": "ada", "password": "pw"]], jwt: admin)
            .objectValue!["jwt"]!.stringValue!.isEmpty)
    }

    @Test func expiredTokensAreToldAndLoseTheirSubscriptions() {
        let harness = SecuredHarness()
        harness.result(["controller": "collection", "action": "create", "index": "shop", "collection": "items"])
        let admin = harness.secure()
        _ = harness.reader(admin: admin)
        let short = harness.login("bob", "secret", expiresIn: "2s", from: 2)
        let room = harness.result(["controller": "realtime", "action": "subscribe", "index": "shop", "collection": "items",
                                   "body": [:]], jwt: short, from: 2).objectValue!["roomId"]!
        _ = harness.outbox.drain()
        harness.clock.advance(1_000)
        harness.gateway.secondElapsed()
        #expect(harness.outbox.drain().isEmpty)
        harness.clock.advance(1_000)
        harness.gateway.secondElapsed()
        let told = harness.outbox.drain()
        #expect(told.contains { $0.connection == ConnectionID(2) && $0.frame.objectValue?["type"] == "TokenExpired" })
        #expect(harness.result(["controller": "realtime", "action": "count", "body": ["roomId": room]], jwt: admin)
            == ["count": 0])
        let expired = harness.error(["controller": "server", "action": "now"], jwt: short, from: 2)
        #expect(expired.id == "security.token.expired")
        // A notification on the room no longer reaches connection 2.
        harness.result(Self.upsert, jwt: admin)
        #expect(!harness.outbox.drain().contains { $0.connection == ConnectionID(2) })
    }

    @Test func theOptInWarningComesOnceBeforeExpiry() {
        var configuration = GatewayConfiguration(nodeID: "node-test")
        configuration.security.passwordIterations = 1_000
        configuration.security.expiryWarningMilliseconds = 2_000
        let outbox = RecordingOutbox()
        let clock = SteppingClock()
        let gateway = Gateway(configuration: configuration, outbox: outbox, clock: clock, logger: Logger(label: "test"))
        gateway.connectionOpened(ConnectionID(1))
        func send(_ frame: JSONObject) -> JSONObject {
            var bytes = Array(JSONWriter.encodeToString(.object(frame)).utf8)
            bytes.withUnsafeMutableBytes { gateway.receive(UnsafeRawBufferPointer($0), from: ConnectionID(1)) }
            return outbox.drain().last!.frame.objectValue!
        }
        _ = send(["controller": "security", "action": "createFirstAdmin", "_id": "a", "requestId": "1",
                  "body": ["content": [:], "credentials": ["local": ["username": "a", "password": "pw"]]]])
        let login = send(["controller": "auth", "action": "login", "strategy": "local", "expiresIn": "5s", "requestId": "2",
                          "body": ["username": "a", "password": "pw"]])
        let jwt = login["result"]!.objectValue!["jwt"]!
        _ = send(["controller": "server", "action": "now", "jwt": jwt, "requestId": "3"])
        clock.advance(2_000)
        gateway.secondElapsed()
        #expect(outbox.drain().isEmpty)
        clock.advance(1_000)
        gateway.secondElapsed()
        let warned = outbox.drain()
        #expect(warned.count == 1)
        #expect(warned.first?.frame.objectValue?["type"] == "TokenExpiresSoon")
        #expect(warned.first?.frame.objectValue?["expiresAt"] == .int(1_700_000_005_000))
        clock.advance(1_000)
        gateway.secondElapsed()
        #expect(outbox.drain().isEmpty)
        clock.advance(1_000)
        gateway.secondElapsed()
        #expect(outbox.drain().map { $0.frame.objectValue?["type"] } == ["TokenExpired"])
    }

    @Test func theInternalIndexIsHiddenAndRefused() {
        let harness = SecuredHarness()
        let indexes = harness.result(["controller": "index", "action": "list"]).objectValue?["indexes"]?.arrayValue ?? []
        #expect(!indexes.contains("%kuzzle"))
        #expect(harness.error(["controller": "document", "action": "search", "index": "%kuzzle", "collection": "users",
                               "body": [:]]).id == "services.storage.unknown_index")
        #expect(harness.error(["controller": "index", "action": "delete", "index": "%kuzzle"]).id
            == "services.storage.unknown_index")
        #expect(harness.error(["controller": "index", "action": "exists", "index": "%kuzzle"]).id
            == "services.storage.unknown_index")
        #expect(harness.error(["controller": "realtime", "action": "subscribe", "index": "%kuzzle", "collection": "users",
                               "body": [:]]).id == "services.storage.unknown_index")
    }

    @Test func securityObjectsAnswerInKuzzleShapes() {
        let harness = SecuredHarness()
        let admin = harness.secure()
        _ = harness.reader(admin: admin)
        let role = harness.result(["controller": "security", "action": "getRole", "_id": "reader"], jwt: admin)
        #expect(role.objectValue?["_source"]?.objectValue?["controllers"]?.objectValue?["document"]
            == ["actions": ["get": true, "search": true]])
        let user = harness.result(["controller": "security", "action": "getUser", "_id": "bob"], jwt: admin)
        #expect(user.objectValue?["_source"]?.objectValue?["profileIds"] == ["shop-reader"])
        #expect(user.objectValue?["_source"]?.objectValue?["credentials"] == nil)
        #expect(harness.error(["controller": "security", "action": "getUser", "_id": "zed"], jwt: admin).message
            == #"User "zed" not found."#)
        #expect(harness.error(["controller": "security", "action": "deleteRole", "_id": "reader"], jwt: admin).id
            == "security.role.in_use")
        #expect(harness.error(["controller": "security", "action": "deleteProfile", "_id": "admin"], jwt: admin).id
            == "security.profile.cannot_delete")
        let found = harness.result(["controller": "security", "action": "searchUsers", "body": [:]], jwt: admin)
        #expect(found.objectValue?["total"] == 3)
        let mget = harness.result(["controller": "security", "action": "mGetProfiles",
                                   "body": ["ids": ["shop-reader", "none"]]], jwt: admin)
        #expect(mget.objectValue?["hits"]?.arrayValue?.count == 1)
        #expect(harness.result(["controller": "security", "action": "hasCredentials", "strategy": "local", "_id": "bob"],
                               jwt: admin) == true)
        harness.result(["controller": "security", "action": "updateCredentials", "strategy": "local", "_id": "bob",
                        "body": ["password": "new"]], jwt: admin)
        #expect(!harness.login("bob", "new").isEmpty)
        harness.result(["controller": "security", "action": "deleteUser", "_id": "bob"], jwt: admin)
        #expect(harness.error(["controller": "auth", "action": "login", "strategy": "local",
                               "body": ["username": "bob", "password": "new"]]).id == "plugin.strategy.missing_user")
    }
}

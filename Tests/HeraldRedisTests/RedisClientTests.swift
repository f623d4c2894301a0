import HeraldRedis
import Testing

/// Each test runs its own redis-server on a free loopback port (serialized: the machine is small).
@Suite(.serialized) struct RedisClientTests {
    private func readyClient(_ server: RedisServerProcess, _ events: EventLoop,
                             configuration: RedisClient.Configuration = .init()) throws -> RedisClient {
        let client = RedisClient(url: try RedisURL(parsing: server.url), loop: events.loop,
                                 configuration: configuration)
        client.start()
        try #require(events.run { client.state == .ready })
        return client
    }

    /// Sends one command and runs the loop until its reply.
    private func call(_ client: RedisClient, _ events: EventLoop, _ arguments: [String])
        -> Result<RedisReply, RedisClientError>? {
        var outcome: Result<RedisReply, RedisClientError>?
        client.send(arguments) { outcome = $0 }
        events.run { outcome != nil }
        return outcome
    }

    @Test func pipelinedRepliesComeInOrder() throws {
        let server = try RedisServerProcess()
        let events = EventLoop()
        let client = try readyClient(server, events)
        var replies: [RedisReply] = []
        for number in 1...200 { client.send(["INCRBY", "counter", String(number)]) { replies.append(try! $0.get()) } }
        client.send(["GET", "counter"]) { replies.append(try! $0.get()) }
        client.send(["GET", "missing"]) { replies.append(try! $0.get()) }
        client.send(["HSET", "h", "a", "é\u{0}x"]) { replies.append(try! $0.get()) }
        client.send(["HGETALL", "h"]) { replies.append(try! $0.get()) }
        client.send(["NOSUCHCOMMAND"]) { replies.append(try! $0.get()) }
        #expect(events.run { replies.count == 205 })
        var total: Int64 = 0
        for number in 1...200 {
            total += Int64(number)
            #expect(replies[number - 1] == .integer(total))
        }
        #expect(replies[200] == .string("20100"))
        #expect(replies[201] == .null)
        #expect(replies[202] == .integer(1))
        #expect(replies[203] == .array([.string("a"), .string("é\u{0}x")]))
        guard case .error(let message) = replies[204] else { Issue.record("expected an error reply"); return }
        #expect(message.contains("unknown command"))
        #expect(client.waitingCount == 0)
        client.close()
    }

    @Test func logsInAndSelectsTheDatabase() throws {
        let server = try RedisServerProcess(password: "pa ss")
        let events = EventLoop()
        let url = try RedisURL(parsing: server.url + "/5")
        let client = RedisClient(url: url, loop: events.loop)
        client.start()
        try #require(events.run { client.state == .ready })
        #expect(try call(client, events, ["SET", "k", "in five"])?.get() == .status("OK"))
        let plain = RedisClient(url: RedisURL(host: "127.0.0.1", port: server.port, password: "pa ss"), loop: events.loop)
        plain.start()
        try #require(events.run { plain.state == .ready })
        #expect(try call(plain, events, ["GET", "k"])?.get() == .null)
        #expect(try call(plain, events, ["SELECT", "5"])?.get() == .status("OK"))
        #expect(try call(plain, events, ["GET", "k"])?.get() == .string("in five"))
        client.close()
        plain.close()
    }

    @Test func aWrongPasswordNeverBecomesReady() throws {
        let server = try RedisServerProcess(password: "right")
        let events = EventLoop()
        let client = RedisClient(url: RedisURL(host: "127.0.0.1", port: server.port, password: "wrong"), loop: events.loop)
        var reasons: [String] = []
        client.onDisconnect = { reasons.append($0) }
        client.start()
        #expect(events.run { reasons.count >= 2 })
        #expect(client.state != .ready)
        #expect(reasons.allSatisfy { $0.contains("AUTH refused") })
        var outcome: Result<RedisReply, RedisClientError>?
        client.send(["PING"]) { outcome = $0 }
        #expect(outcome == .failure(.notConnected))
        client.close()
    }

    @Test func commandsFailClearlyWhileRedisIsDownAndResumeWhenItReturns() throws {
        let server = try RedisServerProcess()
        let events = EventLoop()
        let client = try readyClient(server, events)
        var readyCount = 0
        client.onReady = { readyCount += 1 }
        #expect(try call(client, events, ["SET", "k", "v"])?.get() == .status("OK"))

        // Killed with a command in flight: that command fails, later ones fail at once.
        var inFlight: Result<RedisReply, RedisClientError>?
        client.send(["BLPOP", "nothing", "0"]) { inFlight = $0 }
        events.run(for: 0.2) { false }
        server.stop()
        #expect(events.run { inFlight != nil })
        guard case .failure(.connectionLost) = inFlight else { Issue.record("got \(String(describing: inFlight))"); return }
        #expect(events.run { client.state != .ready })
        var whileDown: Result<RedisReply, RedisClientError>?
        client.send(["GET", "k"]) { whileDown = $0 }
        #expect(whileDown == .failure(.notConnected))
        // Still down after several attempts.
        events.run(for: 0.5) { false }
        #expect(client.state != .ready)

        try server.start()
        #expect(events.run { client.state == .ready })
        #expect(readyCount == 1)
        #expect(try call(client, events, ["GET", "k"])?.get() == .null) // a fresh server without persistence
        #expect(try call(client, events, ["SET", "k", "again"])?.get() == .status("OK"))
        client.close()
    }

    @Test func aRedisThatStopsAnsweringIsDroppedAfterTheTimeout() throws {
        let server = try RedisServerProcess()
        let events = EventLoop()
        var configuration = RedisClient.Configuration()
        configuration.commandTimeout = 0.5
        let client = try readyClient(server, events, configuration: configuration)
        server.pause(true)
        defer { server.pause(false) }
        var outcome: Result<RedisReply, RedisClientError>?
        client.send(["PING"]) { outcome = $0 }
        #expect(events.run { outcome != nil })
        guard case .failure(.connectionLost(let reason)) = outcome else { Issue.record("got \(String(describing: outcome))"); return }
        #expect(reason.contains("no reply"))
        server.pause(false)
        #expect(events.run { client.state == .ready })
        #expect(try call(client, events, ["PING"])?.get() == .status("PONG"))
        client.close()
    }

    @Test func closingFailsWaitingCommands() throws {
        let server = try RedisServerProcess()
        let events = EventLoop()
        let client = try readyClient(server, events)
        var outcome: Result<RedisReply, RedisClientError>?
        client.send(["BLPOP", "nothing", "0"]) { outcome = $0 }
        client.close()
        #expect(outcome == .failure(.closed))
        var after: Result<RedisReply, RedisClientError>?
        client.send(["PING"]) { after = $0 }
        #expect(after == .failure(.closed))
    }

    @Test func blockingCommandsLogInAnswerInOrderAndFailClearlyWithoutRedis() throws {
        let server = try RedisServerProcess(password: "pw")
        let url = try RedisURL(parsing: server.url + "/2")
        let replies = try RedisBlockingCommands.run([["SET", "k", "v", "NX"], ["SET", "k", "w", "NX"], ["GET", "k"]],
                                                    url: url, timeout: 10)
        #expect(replies == [.status("OK"), .null, .string("v")])
        server.stop()
        #expect(throws: RedisBlockingCommands.Failure.self) {
            try RedisBlockingCommands.run([["GET", "k"]], url: url, timeout: 0.3)
        }
    }
}

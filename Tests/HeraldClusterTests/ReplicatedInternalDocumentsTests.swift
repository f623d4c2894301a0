@testable import HeraldCluster
import HeraldCore
import HeraldStore
import HeraldWire
import Logging
import Testing

/// Drops every frame: these tests read answers from the commits.
private final class SilentOutbox: ClientOutbox {
    func send(_ frame: [UInt8], to connection: ConnectionID) {}
}

/// Keeps every commit that changes the store and declares it safe at once, as Redis would.
private final class KeptCommits: CommitSink {
    weak var pipeline: CommitPipeline?
    private(set) var commits: [Commit] = []
    let isImmediate = false

    func accept(_ commit: Commit, sequence: UInt64) {
        commits.append(commit)
        pipeline?.durable(through: sequence)
    }

    func endOfPass() {}
}

/// One node's gateway, whose committed changes can be carried to another node's as change records.
private final class Node {
    let sink = KeptCommits()
    let gateway: Gateway
    private var requests = 0

    init() {
        gateway = Gateway(configuration: GatewayConfiguration(nodeID: "node"), outbox: SilentOutbox(), sink: sink,
                          logger: Logger(label: "test"))
        sink.pipeline = gateway.commitPipeline
    }

    func run(_ controller: String, _ action: String, _ fields: JSONObject) -> Result<ActionResult, KuzzleError>? {
        requests += 1
        let requestId = "r\(requests)"
        var frame: JSONObject = ["controller": .string(controller), "action": .string(action),
                                 "requestId": .string(requestId)]
        for (key, value) in fields { frame[key] = value }
        let box = AnswerBox()
        gateway.execute(frame: frame, protocolName: "websocket", connection: ConnectionID(1),
                        reply: .handler { _, result in box.result = result })
        return box.result
    }

    /// The error id of creating an `i`:`c` document without `name`, `nil` when it is accepted.
    var unnamedDocumentError: String? {
        if case .failure(let error)? = run("document", "create", ["index": "i", "collection": "c", "body": ["n": 1]]) {
            return error.id
        }
        return nil
    }

    /// Applies the last commit of `other` as its change record reaches this node through the stream.
    func follow(_ other: Node) throws {
        let commit = try #require(other.sink.commits.last)
        let record = ChangeRecord(instance: "other/1", sequence: 1, request: try #require(commit.request),
                                  effects: commit.effects)
        let decoded = try #require(ChangeRecord.decode(record.encoded()))
        gateway.replicated(decoded.apply(to: gateway.store), request: decoded.request)
    }
}

/// The answer of one request. `@unchecked Sendable` because the pipeline calls the reply handler on
/// the test's own thread, the only one that reads it.
private final class AnswerBox: @unchecked Sendable {
    var result: Result<ActionResult, KuzzleError>?
}

/// Documents of the internal index (validation specifications, security objects) made on one node
/// and applied by another from the change stream.
@Suite struct ReplicatedInternalDocumentsTests {
    private static let target: JSONObject = ["index": "i", "collection": "c"]

    private func specify(_ node: Node, _ action: String, body: JSONObject? = nil) {
        var fields = Self.target
        if let body { fields["body"] = .object(body) }
        if case .failure(let error)? = node.run("collection", action, fields) { Issue.record("\(error)") }
    }

    @Test func aSpecificationTravelsAsOrdinaryDocumentOperations() throws {
        let a = Node()
        specify(a, "updateSpecifications", body: ["fields": ["name": ["type": "string", "mandatory": true]]])
        let effects = try #require(a.sink.commits.last).effects
        let operations = ClusterSink.operations(of: effects)
        #expect(operations.map { $0[0] } == ["collection", "put"])
        #expect(Array(operations[0][1...2]) == [SecurityStore.internalIndex, "validations"])
        #expect(Array(operations[1][1...4]) == ["7:%kuzzle:validations", "i#c", "0", "1"])
    }

    @Test func anotherNodeAppliesSpecificationsAndTheirDeletion() throws {
        let a = Node(), b = Node()
        for node in [a, b] { _ = node.run("collection", "create", Self.target) }
        specify(a, "updateSpecifications", body: ["fields": ["name": ["type": "string", "mandatory": true]]])
        #expect(b.unnamedDocumentError == nil)
        try b.follow(a)
        #expect(b.unnamedDocumentError == "validation.check.failed_field")
        specify(a, "deleteSpecifications")
        try b.follow(a)
        #expect(b.unnamedDocumentError == nil)
    }

    @Test func anotherNodeRebuildsItsSecurityModelFromReplicatedSecurityDocuments() throws {
        let a = Node(), b = Node()
        let role: JSONObject = ["_id": "reader", "body": ["controllers": ["document": ["actions": ["get": true]]]]]
        if case .failure(let error)? = a.run("security", "createRole", role) { Issue.record("\(error)") }
        guard case .failure(let missing)? = b.run("security", "getRole", ["_id": "reader"]) else {
            Issue.record("the role exists on the other node before its record arrived")
            return
        }
        #expect(missing.id == "security.role.not_found")
        try b.follow(a)
        guard case .success? = b.run("security", "getRole", ["_id": "reader"]) else {
            Issue.record("the replicated role is unknown to the other node's security model")
            return
        }
    }
}

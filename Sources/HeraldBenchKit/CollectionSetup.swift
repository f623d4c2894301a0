/// Creates the benchmark's index and collection over one connection before a run.
///
/// `index:create` answering "already exists" is fine; `collection:create` must succeed.
final class CollectionSetup: ConnectionPoolDelegate {
    private enum Step {
        case connecting, creatingIndex, creatingCollection, done
    }

    private let index: String
    private let collection: String
    private let jwt: String?
    private var step = Step.connecting
    private var failure: String?

    init(index: String, collection: String, jwt: String? = nil) {
        self.index = index
        self.collection = collection
        self.jwt = jwt
    }

    /// The request's fields, with the token when there is one.
    private func fields(_ fields: KeyValuePairs<String, String>) -> [(String, String)] {
        fields.map { ($0.key, $0.value) } + (jwt.map { [("jwt", KuzzleRequestWriter.quoted($0))] } ?? [])
    }

    /// Runs the setup against `url`, failing after `timeoutSeconds`.
    func run(url: WebSocketURL, timeoutSeconds: Double = 10) throws(BenchError) {
        let pool = try ConnectionPool(url: url)
        _ = try pool.connect()
        let deadline = MonotonicClock.now() + UInt64(timeoutSeconds * 1e9)
        while step != .done && failure == nil {
            guard MonotonicClock.now() < deadline else { throw BenchError("setup timed out (step \(step))") }
            try pool.poll(timeoutMilliseconds: 50, delegate: self)
        }
        pool.closeAll()
        if let failure { throw BenchError("setup failed: \(failure)") }
    }

    func connectionDidOpen(_ id: Int, pool: ConnectionPool) {
        step = .creatingIndex
        pool.sendText(id, KuzzleRequestWriter.request(
            fields(["controller": "\"index\"", "action": "\"create\"", "index": KuzzleRequestWriter.quoted(index)]),
            requestID: "setup-index"))
    }

    func connection(_ id: Int, didReceive payload: UnsafeRawBufferPointer, pool: ConnectionPool) {
        let status = KuzzleFrameScanner.integer(KuzzleFrameScanner.status, in: payload)
        switch step {
        case .creatingIndex:
            let exists = KuzzleFrameScanner.string(
                KuzzleFrameScanner.errorID, in: payload, equals: "services.storage.index_already_exists")
            guard status == 200 || exists else {
                failure = "index:create answered \(String(decoding: payload, as: UTF8.self))"
                return
            }
            step = .creatingCollection
            pool.sendText(id, KuzzleRequestWriter.request(
                fields(["controller": "\"collection\"", "action": "\"create\"",
                        "index": KuzzleRequestWriter.quoted(index), "collection": KuzzleRequestWriter.quoted(collection)]),
                requestID: "setup-collection"))
        case .creatingCollection:
            guard status == 200 else {
                failure = "collection:create answered \(String(decoding: payload, as: UTF8.self))"
                return
            }
            step = .done
        case .connecting, .done:
            return
        }
    }

    func connectionDidClose(_ id: Int, reason: String, pool: ConnectionPool) {
        if step != .done { failure = reason }
    }
}

/// Builds response frames in Kuzzle's key order.
public struct ResponseEncoder: Sendable {
    /// The node id every frame carries.
    public let nodeID: String

    public init(nodeID: String) { self.nodeID = nodeID }

    /// A successful response.
    public func success(_ request: KuzzleRequest, result: ActionResult) -> [UInt8] {
        envelope(request, error: .null, result: result, status: 200)
    }

    /// An error response to a request whose envelope could be read.
    public func failure(_ request: KuzzleRequest, error: KuzzleError) -> [UInt8] {
        envelope(request, error: error.json, result: .value(.null), status: error.status)
    }

    /// An error frame for a message that is not a request at all: no room, as Kuzzle sends it.
    public func unroutedFailure(_ error: KuzzleError) -> [UInt8] {
        var frame = JSONObject()
        frame.append("error", error.json)
        frame.append("status", .int(error.status))
        return JSONWriter.encode(.object(frame))
    }

    /// Writes the envelope member by member, without building a `JSONValue` first.
    private func envelope(_ request: KuzzleRequest, error: JSONValue, result: ActionResult, status: Int) -> [UInt8] {
        var bytes = [UInt8]()
        bytes.reserveCapacity(320)
        JSONWriter.writeObject(into: &bytes) { frame in
            frame.value("action", request.actionEcho)
            frame.value("collection", request.collectionEcho)
            frame.value("controller", request.controllerEcho)
            frame.value("error", error)
            frame.raw("headers", json: Self.emptyObject)
            frame.value("index", request.indexEcho)
            frame.string("node", nodeID)
            frame.string("requestId", request.requestId)
            switch result {
            case .value(let value): frame.value("result", value)
            case .raw(let answer): frame.value("result", answer.value)
            case .none: break
            }
            frame.int("status", status)
            frame.value("volatile", request.volatile)
            frame.string("room", request.requestId)
        }
        return bytes
    }

    private static let emptyObject: [UInt8] = Array("{}".utf8)
}

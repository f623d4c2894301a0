public import HeraldWire

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

    private func envelope(_ request: KuzzleRequest, error: JSONValue, result: ActionResult, status: Int) -> [UInt8] {
        var frame = JSONObject()
        frame.append("action", request.actionEcho)
        frame.append("collection", request.collectionEcho)
        frame.append("controller", request.controllerEcho)
        frame.append("error", error)
        frame.append("headers", .object(JSONObject()))
        frame.append("index", request.indexEcho)
        frame.append("node", .string(nodeID))
        frame.append("requestId", .string(request.requestId))
        if case .value(let value) = result { frame.append("result", value) }
        frame.append("status", .int(status))
        frame.append("volatile", request.volatile)
        frame.append("room", .string(request.requestId))
        return JSONWriter.encode(.object(frame))
    }
}

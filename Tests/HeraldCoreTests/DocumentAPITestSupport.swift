import HeraldCore
import HeraldWire

extension GatewayHarness {
    /// Sends a `document` request on `i`:`c` and returns its response.
    @discardableResult
    func document(_ action: String, _ extra: JSONObject = [:], from connection: UInt64 = 1) -> JSONObject {
        var frame: JSONObject = ["controller": "document", "action": .string(action), "index": "i", "collection": "c"]
        for (key, value) in extra { frame[key] = value }
        return request(frame, from: connection)
    }

    /// Subscribes `connection` to `filter` on `i`:`c` and returns the channel.
    @discardableResult
    func subscribe(_ filter: JSONValue, from connection: UInt64 = 2) -> String {
        let response = request(["controller": "realtime", "action": "subscribe", "index": "i", "collection": "c",
                                "body": filter], from: connection)
        return response["result"]!.objectValue!["channel"]!.stringValue!
    }

    /// The notifications the last request sent, as objects.
    var notifications: [JSONObject] { lastNotifications.compactMap { $0.frame.objectValue } }
}

extension JSONObject {
    /// The `result` member as an object.
    var resultObject: JSONObject? { self["result"]?.objectValue }
    /// The `error.id` member.
    var errorId: String? { self["error"]?.objectValue?["id"]?.stringValue }
    /// A member path such as `result.successes`.
    func at(_ path: String) -> JSONValue? {
        var current: JSONValue = .object(self)
        for key in path.split(separator: ".") {
            guard let next = current.objectValue?[String(key)] else { return nil }
            current = next
        }
        return current
    }
}

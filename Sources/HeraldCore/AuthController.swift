import HeraldWire

/// `auth`: Herald serves anonymous users only, as Kuzzle does with no user defined.
final class AuthController: Controller {
    let name = "auth"

    func actions() -> [String: Action] {
        [
            "checkToken": { request, _ throws(KuzzleError) in
                let body = try request.optionalBody()
                let token = body["token"] ?? .null
                if token.isNull || token == .string("") {
                    return .value(["expiresAt": .null, "kuid": "-1", "valid": true])
                }
                guard case .string = token else { throw .invalidType("body.token", expected: "string") }
                return .value(["expiresAt": .null, "state": "Invalid token.", "valid": false])
            },
            "getCurrentUser": { _, _ in
                .value(["_id": "-1", "_source": ["profileIds": ["anonymous"]], "strategies": []])
            },
        ]
    }
}

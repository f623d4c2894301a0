public import HeraldWire

/// A Kuzzle role: which API actions it grants, per controller.
///
/// `controllers` maps a controller name (or `*`) to its actions (name or `*`) and a boolean.
/// A value type; safe to share across threads.
public struct SecurityRole: Sendable, Equatable {
    public let id: String
    /// controller (or `*`) → action (or `*`) → granted.
    public let controllers: [String: [String: Bool]]

    public init(id: String, controllers: [String: [String: Bool]]) {
        self.id = id
        self.controllers = controllers
    }

    /// Reads and validates a role body (`{controllers: {<c>: {actions: {<a>: bool}}}}`) as Kuzzle does.
    public init(id: String, body: JSONObject) throws(KuzzleError) {
        guard let value = body["controllers"], !value.isNull else {
            throw .missingArgument("\(id).controllers")
        }
        guard case .object(let definition) = value else {
            throw .invalidType("\(id).controllers", expected: "object")
        }
        if definition.isEmpty { throw .emptyArgument("\(id).controllers") }
        var controllers: [String: [String: Bool]] = [:]
        for (name, rights) in definition {
            guard case .object(let rightsObject) = rights else { throw .invalidType(name, expected: "object") }
            if rightsObject.isEmpty { throw .emptyArgument(name) }
            guard let actionsValue = rightsObject["actions"] else { throw .missingArgument(name) }
            guard case .object(let actions) = actionsValue else {
                throw .invalidType("\(name).actions", expected: "object")
            }
            if actions.isEmpty { throw .emptyArgument("\(name).actions") }
            var granted: [String: Bool] = [:]
            for (action, allowed) in actions {
                guard case .bool(let flag) = allowed else {
                    throw .invalidType("\(name).actions.\(action)", expected: "boolean")
                }
                granted[action] = flag
            }
            controllers[name] = granted
        }
        self.init(id: id, controllers: controllers)
    }

    /// Whether the role grants `controller:action`: the controller's own entry when it has one,
    /// else `*`; within it, the action's own entry when present, else `*`; only `true` grants.
    public func allows(controller: String, action: String) -> Bool {
        guard let actions = controllers[controller] ?? controllers["*"] else { return false }
        return (actions[action] ?? actions["*"]) == true
    }

    /// Whether `auth:login` is granted (Kuzzle refuses to remove it from the anonymous role).
    public var allowsLogin: Bool {
        for controller in ["auth", "*"] {
            guard let actions = controllers[controller] else { continue }
            if actions["login"] == true || actions["*"] == true { return true }
        }
        return false
    }

    /// The stored body: `{controllers: {<c>: {actions: {...}}}}`.
    public var body: JSONObject {
        var definition = JSONObject()
        for name in controllers.keys.sorted() {
            var actions = JSONObject()
            for (action, flag) in controllers[name]!.sorted(by: { $0.key < $1.key }) { actions[action] = .bool(flag) }
            definition[name] = .object(["actions": .object(actions)])
        }
        return ["controllers": .object(definition)]
    }

    /// Every action of every controller.
    public static func allowingEverything(id: String) -> SecurityRole {
        SecurityRole(id: id, controllers: ["*": ["*": true]])
    }
}

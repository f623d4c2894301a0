/// What an action answers: a `result` value, or nothing (the `result` key is then left out).
public enum ActionResult: Sendable, Equatable {
    case value(JSONValue)
    case none
}

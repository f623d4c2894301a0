import HeraldWire

/// One action's handler: reads its arguments from the request, records what it changed in
/// `effects` (kept even when it then throws, so a half-done bulk write is still committed) and
/// returns its answer. Handlers never notify: the commit pipeline does, once the effects are safe.
typealias Action = (KuzzleRequest, inout [Effect]) throws(KuzzleError) -> ActionResult

/// One Kuzzle API controller: its name and its actions.
protocol Controller: AnyObject {
    /// The controller's name on the wire.
    var name: String { get }
    /// Every action it answers, by name (the gateway builds the table once).
    func actions() -> [String: Action]
}

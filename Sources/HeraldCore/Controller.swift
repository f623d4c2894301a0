import HeraldWire

/// One Kuzzle API controller: a fixed set of actions and their handler.
protocol Controller: AnyObject {
    /// The controller's name on the wire.
    var name: String { get }
    /// Every action it answers.
    var actions: Set<String> { get }
    /// Runs one action (its name is in ``actions``).
    func handle(_ request: KuzzleRequest) throws(KuzzleError) -> ActionResult
}

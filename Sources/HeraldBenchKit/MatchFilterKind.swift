/// The filters `herald-bench match` subscribes, one per room, and the documents that hit them.
///
/// Room `r` matches exactly the documents written for `r`, so each upsert notifies one room.
public enum MatchFilterKind: String, CaseIterable, Sendable {
    /// `{"equals":{"v":r}}`.
    case equals
    /// `{"range":{"v":{"gte":10r,"lt":10r+10}}}`.
    case range
    /// A `bool` with `must` (equals), `must_not` (exists) and `should` (range) clauses.
    case bool

    /// The filter of room `room`, as JSON text.
    func filter(room: Int) -> String {
        switch self {
        case .equals:
            return "{\"equals\":{\"v\":\(room)}}"
        case .range:
            return "{\"range\":{\"v\":{\"gte\":\(room * 10),\"lt\":\(room * 10 + 10)}}}"
        case .bool:
            return "{\"bool\":{\"must\":[{\"equals\":{\"v\":\(room)}}],\"must_not\":[{\"exists\":\"x\"}],"
                + "\"should\":[{\"range\":{\"w\":{\"gte\":0}}}]}}"
        }
    }

    /// The value of field `v` in documents meant for room `room`.
    func value(room: Int) -> Int {
        self == .range ? room * 10 + 5 : room
    }

    /// A value of field `v` that no room matches.
    func missingValue(room: Int) -> Int {
        -1 - room
    }
}

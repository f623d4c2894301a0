import HeraldWire
import Koncorde

/// Documents each accepted filter is tested against.
private let documents: [JSONObject] = [
    ["name": "Ada", "age": 36, "tags": ["a", "b"], "city": ["name": "London", "location": ["lat": 51.5, "lon": -0.12]]],
    ["name": "Bob", "age": 12.5, "active": true, "nested": ["deep": ["value": nil]]],
    [:],
]

/// libFuzzer entry: bytes that parse as JSON are compiled as a filter; an accepted filter is
/// stored, tested against a few documents, and removed, leaving the engine empty.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzKoncorde(_ data: UnsafePointer<UInt8>, _ size: Int) -> Int32 {
    guard let filter = try? JSONParser.parse(UnsafeRawBufferPointer(start: data, count: size)) else { return 0 }
    let koncorde = Koncorde()
    guard let normalized = try? koncorde.normalize(index: "i", collection: "c", filter: filter) else { return 0 }
    let room = koncorde.store(normalized)
    for (offset, document) in documents.enumerated() {
        _ = koncorde.test(index: "i", collection: "c", document: document, id: "d\(offset)")
    }
    let again = try? koncorde.normalize(index: "i", collection: "c", filter: filter)
    precondition(again?.id == room, "the same filter normalized to another room id")
    koncorde.remove(room)
    precondition(!koncorde.hasRoom(room), "room still present after remove")
    return 0
}

import HeraldWire
import Koncorde
import Testing

struct PropertyTests {
    /// Stores batches of random filters in one engine and checks every (filter, document) pair
    /// against the reference evaluator, before and after removing half of the rooms.
    @Test func indexedMatcherAgreesWithReference() throws {
        var random = RandomFilters(seed: 0x5EED_2026)
        var checked = 0
        var matchedByKeyword: [String: Int] = [:]
        for _ in 0..<32 {
            let koncorde = Koncorde()
            var filtersByRoom: [String: [JSONValue]] = [:]
            for _ in 0..<30 {
                let filter = random.filter()
                let room = koncorde.store(try koncorde.normalize(index: "i", collection: "c", filter: filter))
                filtersByRoom[room, default: []].append(filter)
            }
            for phase in 0..<2 {
                if phase == 1 {
                    for room in filtersByRoom.keys.sorted().prefix(filtersByRoom.count / 2) {
                        koncorde.remove(room)
                        filtersByRoom[room] = nil
                    }
                }
                for _ in 0..<20 {
                    let (document, id) = random.document()
                    let reference = ReferenceEvaluator(document: document, id: id)
                    let matched = Set(koncorde.test(index: "i", collection: "c", document: document, id: id))
                    for (room, filters) in filtersByRoom {
                        for filter in filters {
                            let expected = reference.evaluate(filter)
                            #expect(matched.contains(room) == expected, "\(filter) on \(document) _id \(id)")
                            checked += 1
                            if expected, let keyword = filter.objectValue?.keys.first {
                                matchedByKeyword[keyword, default: 0] += 1
                            }
                        }
                    }
                    #expect(matched.isSubset(of: Set(filtersByRoom.keys)))
                }
            }
        }
        #expect(checked >= 10_000, "\(checked) checks")
        print("koncorde-property checks=\(checked) matched=\(matchedByKeyword.sorted { $0.key < $1.key })")
        // Every term family is exercised with documents that match it, not only with misses.
        for keyword in ["equals", "in", "range", "exists", "regexp", "geoBoundingBox", "geoDistance",
                        "geoDistanceRange", "geoPolygon", "match", "select", "and", "or", "not", "bool"] {
            #expect(matchedByKeyword[keyword, default: 0] >= 10, "\(keyword): \(matchedByKeyword[keyword, default: 0])")
        }
    }

    /// Filters the engine calls equivalent (same room id) must agree on every document.
    @Test func equalRoomIdsMeanEqualBehaviour() throws {
        var random = RandomFilters(seed: 42)
        let koncorde = Koncorde()
        var byId: [String: JSONValue] = [:]
        var documents: [(JSONObject, String)] = []
        for _ in 0..<200 { documents.append(random.document()) }
        for _ in 0..<2_000 {
            let filter = random.filter()
            let id = try koncorde.normalize(index: "i", collection: "c", filter: filter).id
            if let previous = byId[id] {
                for (document, docId) in documents {
                    let reference = ReferenceEvaluator(document: document, id: docId)
                    #expect(reference.evaluate(previous) == reference.evaluate(filter), "\(previous) vs \(filter)")
                }
            } else {
                byId[id] = filter
            }
        }
    }
}

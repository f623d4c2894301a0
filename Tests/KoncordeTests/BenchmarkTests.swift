import HeraldWire
import Koncorde
import Testing

/// Prints matching costs; runs in optimized builds only (`swift test -c release --filter KoncordeTests.BenchmarkTests`).
struct BenchmarkTests {
    #if DEBUG
    static let optimized = false
    #else
    static let optimized = true
    #endif

    private static func measure(_ label: String, rooms: Int, documents: [JSONObject], koncorde: Koncorde) {
        var matched = 0
        let clock = ContinuousClock()
        let elapsed = clock.measure {
            for document in documents {
                matched += koncorde.test(index: "i", collection: "c", document: document, id: "doc").count
            }
        }
        let nanoseconds = Double(elapsed.components.seconds) * 1e9 + Double(elapsed.components.attoseconds) / 1e9
        let perDocument = nanoseconds / Double(documents.count) / 1000
        print("koncorde-bench \(label) rooms=\(rooms): \(perDocument) µs/document, \(Double(matched) / Double(documents.count)) matches/document")
    }

    @Test(.enabled(if: optimized), arguments: [1_000, 10_000, 100_000])
    func equalsRooms(_ rooms: Int) throws {
        let koncorde = Koncorde()
        let clock = ContinuousClock()
        let storing = try clock.measure {
            for room in 0..<rooms {
                koncorde.store(try koncorde.normalize(
                    index: "i", collection: "c", filter: ["equals": ["name": .string("user\(room)")]]))
            }
        }
        print("koncorde-bench equals rooms=\(rooms): stored in \(storing)")
        var random = RandomFilters(seed: 7)
        let documents: [JSONObject] = (0..<20_000).map { _ in
            ["name": .string("user\(random.below(rooms * 2))"), "age": .int(random.below(100)), "city": "Paris",
             "info": ["zip": "75001", "floor": 3]]
        }
        Self.measure("equals", rooms: rooms, documents: documents, koncorde: koncorde)
    }

    @Test(.enabled(if: optimized), arguments: [1_000, 10_000, 100_000])
    func rangeRooms(_ rooms: Int) throws {
        let koncorde = Koncorde()
        let clock = ContinuousClock()
        let storing = try clock.measure {
            for room in 0..<rooms {
                koncorde.store(try koncorde.normalize(
                    index: "i", collection: "c",
                    filter: ["range": ["age": ["gte": .int(room * 10), "lt": .int(room * 10 + 25)]]]))
            }
        }
        print("koncorde-bench range rooms=\(rooms): stored in \(storing)")
        var random = RandomFilters(seed: 9)
        let documents: [JSONObject] = (0..<20_000).map { _ in
            ["name": "someone", "age": .double(Double(random.below(rooms * 10)) + 0.5), "city": "Paris",
             "info": ["zip": "75001", "floor": 3]]
        }
        Self.measure("range", rooms: rooms, documents: documents, koncorde: koncorde)
    }
}

import Glibc
import HeraldWire
import Koncorde
import Testing

/// Prints matching costs and memory per room; runs in optimized builds only
/// (`swift test -c release --filter KoncordeTests.BenchmarkTests`). Serialized: resident memory is
/// per process, and parallel runs would also skew the timings.
@Suite(.serialized)
struct BenchmarkTests {
    #if DEBUG
    static let optimized = false
    #else
    static let optimized = true
    #endif

    /// Resident memory of this process: the second number of `/proc/self/statm`, in pages. Memory
    /// freed by earlier tests is first handed back (glibc's `malloc_trim`), so that new allocations
    /// do not hide in it.
    private static func residentBytes() -> Int {
        typealias Trim = @convention(c) (Int) -> Int32
        if let symbol = dlsym(nil, "malloc_trim") { _ = unsafeBitCast(symbol, to: Trim.self)(0) }
        let descriptor = open("/proc/self/statm", O_RDONLY)
        guard descriptor >= 0 else { return 0 }
        defer { close(descriptor) }
        var buffer = [UInt8](repeating: 0, count: 128)
        let count = buffer.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
        guard count > 0 else { return 0 }
        let fields = String(decoding: buffer[..<count], as: UTF8.self).split(separator: " ")
        guard fields.count > 1, let pages = Int(fields[1]) else { return 0 }
        return pages * sysconf(Int32(_SC_PAGESIZE))
    }

    /// Stores `rooms` filters and prints the time taken and the resident memory added per room.
    private static func store(_ label: String, rooms: Int, into koncorde: Koncorde,
                              filter: (Int) -> JSONValue) throws {
        let before = residentBytes()
        let clock = ContinuousClock()
        let storing = try clock.measure {
            for room in 0..<rooms {
                koncorde.store(try koncorde.normalize(index: "i", collection: "c", filter: filter(room)))
            }
        }
        let perRoom = Double(residentBytes() - before) / Double(rooms)
        print("koncorde-bench \(label) rooms=\(rooms): stored in \(storing), \(Int(perRoom)) bytes/room resident")
    }

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
        try Self.store("equals", rooms: rooms, into: koncorde) { room in
            ["equals": ["name": .string("user\(room)")]]
        }
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
        try Self.store("range", rooms: rooms, into: koncorde) { room in
            ["range": ["age": ["gte": .int(room * 10), "lt": .int(room * 10 + 25)]]]
        }
        var random = RandomFilters(seed: 9)
        let documents: [JSONObject] = (0..<20_000).map { _ in
            ["name": "someone", "age": .double(Double(random.below(rooms * 10)) + 0.5), "city": "Paris",
             "info": ["zip": "75001", "floor": 3]]
        }
        Self.measure("range", rooms: rooms, documents: documents, koncorde: koncorde)
    }

    /// `bool` rooms sharing two of their three conditions (as `herald-bench match --kind bool` subscribes).
    @Test(.enabled(if: optimized), arguments: [1_000, 10_000, 100_000])
    func boolRooms(_ rooms: Int) throws {
        let koncorde = Koncorde()
        try Self.store("bool", rooms: rooms, into: koncorde) { room in
            ["bool": ["must": [["equals": ["v": .int(room)]]], "must_not": [["exists": "x"]],
                      "should": [["range": ["w": ["gte": 0]]]]]]
        }
        var random = RandomFilters(seed: 13)
        let documents: [JSONObject] = (0..<2_000).map { _ in
            ["v": .int(random.below(rooms * 2)), "w": 1, "t": 123_456]
        }
        Self.measure("bool", rooms: rooms, documents: documents, koncorde: koncorde)
    }

    /// Circles of 0.5 to 3 km and boxes of 0.005 to 0.05 degrees over France; documents anywhere in it.
    @Test(.enabled(if: optimized), arguments: [1_000, 10_000, 100_000])
    func geoRooms(_ rooms: Int) throws {
        let koncorde = Koncorde()
        var random = RandomFilters(seed: 11)
        try Self.store("geo", rooms: rooms, into: koncorde) { room in
            let lat = 43 + Double(random.below(700_000)) / 100_000
            let lon = -1 + Double(random.below(800_000)) / 100_000
            if room % 2 == 0 {
                return ["geoDistance": ["position": [.double(lat), .double(lon)],
                                        "distance": .string("\(500 + random.below(2_500)) m")]]
            }
            let size = Double(5 + random.below(45)) / 1000
            return ["geoBoundingBox": ["position": ["top": .double(lat + size), "left": .double(lon),
                                                    "bottom": .double(lat), "right": .double(lon + size)]]]
        }
        let documents: [JSONObject] = (0..<20_000).map { _ in
            let lat = 43 + Double(random.below(700_000)) / 100_000
            let lon = -1 + Double(random.below(800_000)) / 100_000
            return ["name": "someone", "position": ["lat": .double(lat), "lon": .double(lon)], "city": "Paris"]
        }
        Self.measure("geo", rooms: rooms, documents: documents, koncorde: koncorde)
    }
}

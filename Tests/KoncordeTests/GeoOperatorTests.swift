import HeraldWire
import Koncorde
import Testing

/// Geospatial terms: every corner and point spelling Koncorde accepts, documents holding points in
/// every format, and negations (which also match documents without a usable point).
struct GeoOperatorTests {
    struct Case: CustomTestStringConvertible, Sendable {
        let name: String
        let filter: JSONValue
        let expected: Bool
        var testDescription: String { name }
    }

    /// Montpellier in several formats; Nîmes is about 46 km away.
    static let document: JSONObject = [
        "object": ["lat": 43.6108, "lon": 3.8767],
        "strings": ["lat": "43.6108", "lon": "3.8767"],
        "array": [43.6108, 3.8767],
        "text": "43.6108, 3.8767",
        "hash": "spfb05ngm",
        "snake": ["lat_lon": [43.6108, 3.8767]],
        "camel": ["latLon": ["lat": 43.6108, "lon": 3.8767]],
        "camelText": ["latLon": "43.6108,3.8767"],
        "nested": ["place": ["where": [43.6108, 3.8767]]],
        "notAPoint": "Montpellier",
        "lngObject": ["lat": 43.6108, "lng": 3.8767],
    ]

    static let nimes: JSONValue = [43.8367, 4.3601]
    static let box: JSONValue = ["top": 43.7, "left": 3.8, "bottom": 43.5, "right": 4.0]

    static func box(_ field: String, _ corners: JSONValue) -> JSONValue { ["geoBoundingBox": .object([field: corners])] }
    static func circle(_ field: String, _ center: JSONValue, _ distance: String) -> JSONValue {
        ["geoDistance": .object([field: center, "distance": .string(distance)])]
    }
    static func ring(_ field: String, _ center: JSONValue, _ from: String, _ to: String) -> JSONValue {
        ["geoDistanceRange": .object([field: center, "from": .string(from), "to": .string(to)])]
    }
    static func polygon(_ field: String, _ points: [JSONValue]) -> JSONValue {
        ["geoPolygon": .object([field: ["points": .array(points)]])]
    }

    static let cases: [Case] = [
        // geoBoundingBox corner spellings
        Case(name: "box sides", filter: box("object", box), expected: true),
        Case(name: "box sides as strings",
             filter: box("object", ["top": "43.7", "left": "3.8", "bottom": "43.5", "right": "4.0"]), expected: true),
        Case(name: "box topLeft/bottomRight arrays",
             filter: box("object", ["topLeft": [43.7, 3.8], "bottomRight": [43.5, 4.0]]), expected: true),
        Case(name: "box top_left/bottom_right strings",
             filter: box("object", ["top_left": "43.7, 3.8", "bottom_right": "43.5, 4.0"]), expected: true),
        Case(name: "box corners as objects",
             filter: box("object", ["topLeft": ["lat": 43.7, "lon": 3.8], "bottomRight": ["lat": 43.5, "lon": 4.0]]),
             expected: true),
        Case(name: "box corners as lat_lon",
             filter: box("object", ["topLeft": ["lat_lon": [43.7, 3.8]], "bottomRight": ["latLon": "43.5,4.0"]]),
             expected: true),
        Case(name: "box corners as geohashes",
             filter: box("object", ["topLeft": "spf8w7r4f", "bottomRight": "spdz7nbty"]), expected: true),
        Case(name: "box outside", filter: box("object", ["top": 44, "left": 4.1, "bottom": 43, "right": 5]),
             expected: false),
        Case(name: "box border counts", filter: box("object", ["top": 43.6108, "left": 3.8767, "bottom": 43, "right": 5]),
             expected: true),
        // document point formats
        Case(name: "point as numeric strings", filter: box("strings", box), expected: true),
        Case(name: "point as array", filter: box("array", box), expected: true),
        Case(name: "point as text", filter: box("text", box), expected: true),
        Case(name: "point as geohash", filter: box("hash", box), expected: true),
        Case(name: "point as lat_lon", filter: box("snake", box), expected: true),
        Case(name: "point as latLon object", filter: box("camel", box), expected: true),
        Case(name: "point as latLon text", filter: box("camelText", box), expected: true),
        Case(name: "nested point", filter: box("nested.place.where", box), expected: true),
        Case(name: "not a point", filter: box("notAPoint", box), expected: false),
        Case(name: "lng is not a point format", filter: box("lngObject", box), expected: false),
        Case(name: "missing field", filter: box("absent", box), expected: false),
        // geoDistance
        Case(name: "distance within", filter: circle("array", nimes, "50km"), expected: true),
        Case(name: "distance beyond", filter: circle("array", nimes, "40km"), expected: false),
        Case(name: "distance in miles", filter: circle("array", nimes, "30 miles"), expected: true),
        Case(name: "distance in meters with comma", filter: circle("array", nimes, "46 400,5 m"), expected: true),
        Case(name: "distance just short", filter: circle("array", nimes, "46 300 m"), expected: false),
        Case(name: "distance center as geohash", filter: circle("array", "spg17hnzm", "50km"), expected: true),
        Case(name: "distance in hundreds of miles", filter: circle("array", "spg17hnzm", "500 miles"), expected: true),
        Case(name: "distance center as object", filter: circle("array", ["lat": 43.8367, "lon": 4.3601], "50km"),
             expected: true),
        Case(name: "distance on text point", filter: circle("text", "43.8367, 4.3601", "50 kilometers"),
             expected: true),
        // geoDistanceRange
        Case(name: "range inside", filter: ring("array", nimes, "40km", "50km"), expected: true),
        Case(name: "range too close", filter: ring("array", nimes, "47km", "60km"), expected: false),
        Case(name: "range too far", filter: ring("array", nimes, "10km", "45km"), expected: false),
        // geoPolygon
        Case(name: "polygon around",
             filter: polygon("object", [[43.5, 3.7], [43.8, 3.8], [43.6, 4.1]]), expected: true),
        Case(name: "polygon mixed formats",
             filter: polygon("object", ["43.5, 3.7", ["lat": 43.8, "lon": 3.8], [43.6, 4.1]]), expected: true),
        Case(name: "polygon beside",
             filter: polygon("object", [[43.5, 3.9], [43.8, 4.0], [43.6, 4.3]]), expected: false),
        Case(name: "concave polygon notch",
             filter: polygon("object", [[43, 3], [44, 3], [44, 5], [43, 5], [43.9, 4]]), expected: false),
        Case(name: "polygon vertex counts",
             filter: polygon("object", [[43.6108, 3.8767], [44, 3], [44, 5]]), expected: true),
        // negations
        Case(name: "not box inside", filter: ["not": box("object", box)], expected: false),
        Case(name: "not box outside",
             filter: ["not": box("object", ["top": 44, "left": 4.1, "bottom": 43, "right": 5])], expected: true),
        Case(name: "not box on missing field", filter: ["not": box("absent", box)], expected: true),
        Case(name: "not distance beyond", filter: ["not": circle("array", nimes, "40km")], expected: true),
        Case(name: "not distance within", filter: ["not": circle("array", nimes, "50km")], expected: false),
        Case(name: "not range", filter: ["not": ring("array", nimes, "47km", "60km")], expected: true),
        Case(name: "not polygon", filter: ["not": polygon("object", [[43.5, 3.7], [43.8, 3.8], [43.6, 4.1]])],
             expected: false),
        Case(name: "geo and equals",
             filter: ["and": [box("object", box), ["equals": ["notAPoint": "Montpellier"]]]], expected: true),
        Case(name: "geo or geo",
             filter: ["or": [circle("array", nimes, "1km"), polygon("object", [[43, 3], [44, 3], [44, 5]])]],
             expected: true),
    ]

    @Test(arguments: cases)
    func geoTermMatches(_ testCase: Case) throws {
        #expect(try matches(testCase.filter, Self.document) == testCase.expected)
    }

    /// Many overlapping shapes of very different sizes in one engine: each document gets exactly
    /// the shapes that contain it.
    @Test func indexedShapesOfManySizes() throws {
        let koncorde = Koncorde()
        var boxes: [(room: String, top: Double, left: Double, bottom: Double, right: Double)] = []
        var random = RandomFilters(seed: 99)
        for _ in 0..<400 {
            let size = [0.001, 0.1, 2, 30, 120][random.below(5)]
            let bottom = Double(random.below(160)) - 80
            let left = Double(random.below(340)) - 170
            let filter = Self.box("p", ["top": .double(bottom + size), "left": .double(left),
                                        "bottom": .double(bottom), "right": .double(left + size)])
            let room = koncorde.store(try koncorde.normalize(index: "i", collection: "c", filter: filter))
            boxes.append((room, bottom + size, left, bottom, left + size))
        }
        for _ in 0..<300 {
            let lat = Double(random.below(180_000)) / 1000 - 90
            let lon = Double(random.below(360_000)) / 1000 - 180
            let matched = Set(koncorde.test(index: "i", collection: "c", document: ["p": [.double(lat), .double(lon)]],
                                            id: "d"))
            let expected = Set(boxes.filter { lat >= $0.bottom && lat <= $0.top && lon >= $0.left && lon <= $0.right }
                .map(\.room))
            #expect(matched == expected)
        }
    }
}

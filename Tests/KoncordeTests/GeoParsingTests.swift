import HeraldWire
import Testing

@testable import Koncorde

/// Distance strings and geopoint formats, read as Koncorde 4 reads them.
struct GeoParsingTests {
    static let distances: [(String, Double)] = [
        ("10km", 10_000.0), ("10 km", 10_000), ("10.5 kilometers", 10_500), ("1 kilometer", 1_000),
        ("3 258,55 Ft", 3_258.55 * 0.3048), ("2mi", 3_218.68), ("2 miles", 3_218.68), ("1 mile", 1_609.34),
        ("3yd", 3 * 0.9144), ("4 yards", 4 * 0.9144), ("12in", 12 * 0.0254), ("2 inches", 2 * 0.0254),
        ("5cm", 0.05), ("3mm", 0.003), ("100m", 100), ("100 meters", 100), ("2 feet", 0.6096), ("1-000m", 1_000),
        ("-5m", 5), ("1hm", 100), ("1dam", 10), ("+7m", 7), (".5km", 500), ("1nmi", 1_609.34e-9),
        ("10s", 10.0 / 60), ("2h", 120), ("1 week", 10_080), ("10min", 10 * 1e-3 * 0.0254),
    ]

    @Test(arguments: distances)
    func convertsDistances(_ text: String, _ meters: Double) throws {
        let converted = try DistanceParser.meters(text)
        #expect(abs(converted - meters) <= 1e-9 * max(1, meters), "\(text)")
    }

    @Test(arguments: ["10", "km", "ten km", "10 parsecs", "10kg", "10km5", "", "1e3km"])
    func rejectsDistances(_ text: String) {
        #expect(throws: KoncordeError(message: "unable to parse distance value \"\(text)\"")) {
            try DistanceParser.meters(text)
        }
    }

    @Test func unparsableNumberGivesNaN() throws {
        #expect(try DistanceParser.meters("x1km").isNaN)
    }

    static let pointFormats: [JSONValue] = [
        [43.5, 3.25], ["43.5", "3.25"], "43.5, 3.25", " 43.5 ,3.25abc", ["lat": 43.5, "lon": 3.25],
        ["lat": "43.5", "lon": 3.25], ["lat_lon": [43.5, 3.25]], ["latLon": ["lat": 43.5, "lon": 3.25]],
        ["latLon": "43.5,3.25"], ["lat_lon": ["lat": 43.5, "lon": 3.25]], [[43.5], [3.25]],
    ]

    @Test(arguments: pointFormats)
    func readsPointFormats(_ value: JSONValue) {
        #expect(GeoPoint.parse(value) == GeoPoint(lat: 43.5, lon: 3.25))
    }

    static let notPoints: [JSONValue] = [
        nil, 3, true, "", "a,b", "1,2,3", "abc", "ABCD", [1], [1, 2, 3], ["lat": 1], ["lat": 1, "lng": 2],
        ["latLon": [1]], ["latLon": 3], ["lat": nil, "lon": 1], ["latitude": 1, "longitude": 2],
    ]

    @Test(arguments: notPoints)
    func rejectsOtherValues(_ value: JSONValue) {
        #expect(GeoPoint.parse(value) == nil)
    }

    @Test func decodesGeohashesToCellCentres() throws {
        let point = try #require(GeoPoint.parse("u09tvw0f"))
        #expect(abs(point.lat - 48.857) < 0.001 && abs(point.lon - 2.352) < 0.001)
        // Letters outside the geohash alphabet read as "0", as in Koncorde's decoder.
        #expect(GeoPoint.parse("aaaa") == GeoPoint.parse("0000"))
    }

    @Test func ellipsoidalDistances() {
        let equator = Geodesic.distance(GeoPoint(lat: 0, lon: 0), GeoPoint(lat: 0, lon: 1))
        #expect(abs(equator - 111_319.49) < 0.5)
        let meridian = Geodesic.distance(GeoPoint(lat: 0, lon: 0), GeoPoint(lat: 90, lon: 0))
        // A first-order formula: within a few meters of the exact 10 001 965.7 m over a quarter meridian.
        #expect(abs(meridian - 10_001_965.7) < 10)
        let cities = Geodesic.distance(GeoPoint(lat: 43.6108, lon: 3.8767), GeoPoint(lat: 43.8367, lon: 4.3601))
        #expect(abs(cities - 46_337) < 5)
    }
}

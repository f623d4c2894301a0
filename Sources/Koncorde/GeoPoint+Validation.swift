public import HeraldWire

/// Geopoint recognition for other modules (document validation's `geo_point` type).
public enum GeoPointFormat {
    /// Whether `value` is a geopoint in any format Koncorde accepts.
    public static func isGeoPoint(_ value: JSONValue) -> Bool { GeoPoint.parse(value) != nil }
}

/// Distance recognition for other modules (document validation's `geo_shape` circles).
public enum DistanceFormat {
    /// The distance in meters of a text such as `"10km"`, as Koncorde reads one; `nil` when it is
    /// not a distance (unknown unit, or no number).
    public static func meters(_ text: String) -> Double? {
        guard let meters = try? DistanceParser.meters(text), meters.isFinite else { return nil }
        return meters
    }
}

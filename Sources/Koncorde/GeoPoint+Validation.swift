public import HeraldWire

/// Geopoint recognition for other modules (document validation's `geo_point` type).
public enum GeoPointFormat {
    /// Whether `value` is a geopoint in any format Koncorde accepts.
    public static func isGeoPoint(_ value: JSONValue) -> Bool { GeoPoint.parse(value) != nil }
}

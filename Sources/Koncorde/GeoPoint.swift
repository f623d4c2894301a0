import HeraldWire

/// A latitude/longitude pair in degrees, read from any geopoint format Koncorde 4 accepts.
struct GeoPoint: Hashable, Sendable {
    var lat: Double
    var lon: Double

    /// Reads `[lat, lon]`, `"lat, lon"`, a geohash (4+ characters of `[0-9a-z]`), `{lat, lon}`, or
    /// `{lat_lon|latLon: <array, {lat, lon} or string>}`; coordinates may be numbers or numeric strings.
    /// Returns `nil` for anything else.
    static func parse(_ value: JSONValue) -> GeoPoint? {
        switch value {
        case .string(let string):
            return string.isEmpty ? nil : parse(string: string)
        case .array(let elements):
            return elements.count == 2 ? coordinate(elements[0], elements[1]) : nil
        case .object(let object):
            let camelCased = GeoKeys.camelCased(object)
            if let lat = camelCased["lat"], let lon = camelCased["lon"] { return coordinate(lat, lon) }
            switch camelCased["latLon"] {
            case .array(let elements)?:
                return elements.count == 2 ? coordinate(elements[0], elements[1]) : nil
            case .object(let inner)?:
                guard let lat = inner["lat"], let lon = inner["lon"] else { return nil }
                return coordinate(lat, lon)
            case .string(let string)?:
                return parse(string: string)
            default:
                return nil
            }
        case .null, .bool, .int, .double:
            return nil
        }
    }

    /// `"lat, lon"` (exactly one comma) or a geohash.
    private static func parse(string: String) -> GeoPoint? {
        let parts = string.split(separator: ",", omittingEmptySubsequences: false)
        if parts.count == 2 {
            return coordinate(JavaScriptValue.parseFloat(parts[0]), JavaScriptValue.parseFloat(parts[1]))
        }
        guard string.unicodeScalars.count >= 4,
            string.unicodeScalars.allSatisfy({ ("0"..."9").contains($0) || ("a"..."z").contains($0) })
        else { return nil }
        return Geohash.decode(string)
    }

    private static func coordinate(_ lat: JSONValue, _ lon: JSONValue) -> GeoPoint? {
        coordinate(JavaScriptValue.parseFloat(lat), JavaScriptValue.parseFloat(lon))
    }

    private static func coordinate(_ lat: Double, _ lon: Double) -> GeoPoint? {
        if lat.isNaN || lon.isNaN { return nil }
        // Adding zero turns -0 into +0, so equal points compare and hash equal.
        return GeoPoint(lat: lat + 0, lon: lon + 0)
    }
}

/// The snake_case geolocation keys Koncorde renames to camelCase before reading them.
enum GeoKeys {
    private static let renamed = ["lat_lon": "latLon", "top_left": "topLeft", "bottom_right": "bottomRight"]

    /// A copy of `object` with `lat_lon`, `top_left` and `bottom_right` renamed; other keys kept.
    static func camelCased(_ object: JSONObject) -> JSONObject {
        guard object.keys.contains(where: { renamed[$0] != nil }) else { return object }
        var result = JSONObject()
        for (key, value) in object {
            result[renamed[key] ?? key] = value
        }
        return result
    }
}

/// Decodes geohashes to the centre of their cell.
enum Geohash {
    private static let alphabet = Array("0123456789bcdefghjkmnpqrstuvwxyz".unicodeScalars)

    /// The centre of the cell `hash` names; characters outside the alphabet count as `0`.
    static func decode(_ hash: String) -> GeoPoint {
        var minLat = -90.0, maxLat = 90.0, minLon = -180.0, maxLon = 180.0
        var isLongitude = true
        for scalar in hash.unicodeScalars {
            let bits = alphabet.firstIndex(of: scalar) ?? 0
            for shift in stride(from: 4, through: 0, by: -1) {
                let bit = (bits >> shift) & 1
                if isLongitude {
                    let middle = (minLon + maxLon) / 2
                    if bit == 1 { minLon = middle } else { maxLon = middle }
                } else {
                    let middle = (minLat + maxLat) / 2
                    if bit == 1 { minLat = middle } else { maxLat = middle }
                }
                isLongitude.toggle()
            }
        }
        return GeoPoint(lat: (minLat + maxLat) / 2, lon: (minLon + maxLon) / 2)
    }
}

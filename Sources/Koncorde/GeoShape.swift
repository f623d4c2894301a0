import Glibc

/// The area a geospatial term covers; borders belong to the shape.
enum GeoShape: Sendable {
    /// `geoBoundingBox`: latitudes from `bottom` to `top`, longitudes from `left` to `right`.
    case box(GeoBox)
    /// `geoDistance`: points within `radius` meters of `center`.
    case circle(center: GeoPoint, radius: Double)
    /// `geoDistanceRange`: points between `inner` and `outer` meters from `center`.
    case annulus(center: GeoPoint, inner: Double, outer: Double)
    /// `geoPolygon`: points inside the polygon (closed automatically).
    case polygon([GeoPoint])

    /// The smallest box holding the shape. For circles this is Koncorde's quick estimate on a
    /// sphere of the equatorial radius, which also bounds what a circle can match.
    var envelope: GeoBox {
        switch self {
        case .box(let box):
            return box
        case .circle(let center, let radius), .annulus(let center, _, let radius):
            let degreesPerRadian = 180 / Double.pi
            let dLat = radius / Geodesic.equatorialRadius * degreesPerRadian
            let dLon = radius / (Geodesic.equatorialRadius * cos(Double.pi * center.lat / 180)) * degreesPerRadian
            return GeoBox(top: center.lat + dLat, left: center.lon - dLon, bottom: center.lat - dLat,
                          right: center.lon + dLon)
        case .polygon(let points):
            var box = GeoBox(top: -.infinity, left: .infinity, bottom: .infinity, right: -.infinity)
            for point in points {
                box.top = max(box.top, point.lat)
                box.bottom = min(box.bottom, point.lat)
                box.left = min(box.left, point.lon)
                box.right = max(box.right, point.lon)
            }
            return box
        }
    }

    /// `true` when `point` lies in the shape or on its border.
    func contains(_ point: GeoPoint) -> Bool {
        switch self {
        case .box(let box):
            return box.contains(point)
        case .circle(let center, let radius):
            return envelope.contains(point) && Geodesic.distance(center, point) <= radius
        case .annulus(let center, let inner, let outer):
            guard envelope.contains(point) else { return false }
            let distance = Geodesic.distance(center, point)
            return distance <= outer && distance >= inner
        case .polygon(let points):
            return envelope.contains(point) && Self.polygon(points, contains: point)
        }
    }

    /// Even-odd test on the (longitude, latitude) plane, with points on an edge counted in.
    private static func polygon(_ points: [GeoPoint], contains point: GeoPoint) -> Bool {
        var inside = false
        var previous = points[points.count - 1]
        for current in points {
            let (x1, y1, x2, y2) = (previous.lon, previous.lat, current.lon, current.lat)
            let cross = (x2 - x1) * (point.lat - y1) - (y2 - y1) * (point.lon - x1)
            if cross == 0, point.lon >= min(x1, x2), point.lon <= max(x1, x2), point.lat >= min(y1, y2),
                point.lat <= max(y1, y2)
            {
                return true
            }
            if (y1 > point.lat) != (y2 > point.lat) {
                let crossingLon = x1 + (point.lat - y1) * (x2 - x1) / (y2 - y1)
                if point.lon < crossingLon { inside.toggle() }
            }
            previous = current
        }
        return inside
    }

    /// A stable text form for room ids and condition identity.
    var canonicalText: String {
        var text = ""
        func add(_ number: Double) {
            if !text.isEmpty && text.last != "(" { text += "," }
            CanonicalText.append(number: number, to: &text)
        }
        switch self {
        case .box(let box):
            text = "box("
            add(box.top)
            add(box.left)
            add(box.bottom)
            add(box.right)
        case .circle(let center, let radius):
            text = "circle("
            add(center.lat)
            add(center.lon)
            add(radius)
        case .annulus(let center, let inner, let outer):
            text = "annulus("
            add(center.lat)
            add(center.lon)
            add(inner)
            add(outer)
        case .polygon(let points):
            text = "polygon("
            for point in points {
                add(point.lat)
                add(point.lon)
            }
        }
        return text + ")"
    }
}

extension GeoShape: Hashable {
    static func == (lhs: GeoShape, rhs: GeoShape) -> Bool { lhs.canonicalText == rhs.canonicalText }
    func hash(into hasher: inout Hasher) { hasher.combine(canonicalText) }
}

/// A latitude/longitude rectangle, borders included.
struct GeoBox: Hashable, Sendable {
    var top: Double
    var left: Double
    var bottom: Double
    var right: Double

    @inline(__always) func contains(_ point: GeoPoint) -> Bool {
        point.lat >= bottom && point.lat <= top && point.lon >= left && point.lon <= right
    }
}

/// Distances on the WGS84 ellipsoid.
enum Geodesic {
    static let equatorialRadius = 6_378_137.0
    static let flattening = 1 / 298.257_223_563

    /// Andoyer's first-order ellipsoidal correction of the great-circle distance, in meters.
    static func distance(_ from: GeoPoint, _ to: GeoPoint) -> Double {
        if from == to { return 0 }
        let radians = Double.pi / 180
        let lat1 = from.lat * radians
        let lat2 = to.lat * radians
        let dLon = (to.lon - from.lon) * radians
        let sinLat1 = sin(lat1)
        let sinLat2 = sin(lat2)
        var cosD = sinLat1 * sinLat2 + cos(lat1) * cos(lat2) * cos(dLon)
        cosD = min(1, max(-1, cosD))
        let d = acos(cosD)
        let sinD = sin(d)
        let k = (sinLat1 - sinLat2) * (sinLat1 - sinLat2)
        let l = (sinLat1 + sinLat2) * (sinLat1 + sinLat2)
        let h = 1 - cosD != 0 ? (d + 3 * sinD) / (1 - cosD) : 0
        let g = 1 + cosD != 0 ? (d - 3 * sinD) / (1 + cosD) : 0
        let correction = -flattening / 4 * (h * k + g * l)
        return equatorialRadius * (d + correction)
    }
}

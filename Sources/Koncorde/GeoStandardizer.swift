import HeraldWire

/// Validates the geospatial terms and turns them into ``GeoShape`` conditions, with Koncorde 4's messages.
enum GeoStandardizer {
    private static let boxSides = ["top", "left", "bottom", "right"]

    /// `{geoBoundingBox: {field: {top, left, bottom, right}}}` (numbers or numeric strings), or
    /// `{field: {topLeft|top_left: point, bottomRight|bottom_right: point}}` with any point format.
    static func boundingBox(_ value: JSONValue, path: String) throws(KoncordeError) -> Condition {
        let operand = try Standardizer.object(value, path: path, properties: 1)
        let field = operand.keys[0]
        let fieldPath = Standardizer.join(path, field)
        // Anything but an object has none of the expected keys.
        let corners = operand.values[0].objectValue.map(GeoKeys.camelCased) ?? [:]
        var box: GeoBox?
        if boxSides.allSatisfy({ side in corners[side].map(isStringOrNumber) ?? false }) {
            var sides: [Double] = []
            for side in boxSides {
                let number = JavaScriptValue.parseFloat(corners[side]!)
                if number.isNaN {
                    throw KoncordeError(
                        "unrecognized geoBoundingBox format: \(JSONWriter.encodeToString(.object(corners)))",
                        at: fieldPath)
                }
                sides.append(number + 0)
            }
            box = GeoBox(top: sides[0], left: sides[1], bottom: sides[2], right: sides[3])
        } else if let topLeft = corners["topLeft"], Standardizer.isTruthy(topLeft), let bottomRight = corners["bottomRight"],
            Standardizer.isTruthy(bottomRight), let first = GeoPoint.parse(topLeft), let second = GeoPoint.parse(bottomRight)
        {
            box = GeoBox(top: first.lat, left: first.lon, bottom: second.lat, right: second.lon)
        }
        guard let box else { throw KoncordeError("unrecognized geo-point format", at: fieldPath) }
        // Koncorde's spatial index refuses these when the filter is stored.
        if box.bottom >= box.top { throw KoncordeError(message: "min_lat argument cannot be greater or equal max_lat") }
        if box.left >= box.right { throw KoncordeError(message: "min_lon argument cannot be greater or equal max_lon") }
        return .geo(field: field, shape: .box(box))
    }

    /// `{geoDistance: {field: point, distance: "10km"}}`.
    static func distance(_ value: JSONValue, path: String) throws(KoncordeError) -> Condition {
        let operand = try Standardizer.object(value, path: path, properties: 2, required: ["distance"])
        let distance = try Standardizer.string(operand["distance"]!, path: Standardizer.join(path, "distance"))
        let position = operand.keys.firstIndex { $0 != "distance" }!
        let field = operand.keys[position]
        guard let center = GeoPoint.parse(operand.values[position]) else {
            throw KoncordeError("unrecognized point format", at: Standardizer.join(path, field))
        }
        let radius = try DistanceParser.meters(distance) + 0
        return .geo(field: field, shape: .circle(center: center, radius: radius))
    }

    /// `{geoDistanceRange: {field: point, from: "1km", to: "10km"}}`.
    static func distanceRange(_ value: JSONValue, path: String) throws(KoncordeError) -> Condition {
        let operand = try Standardizer.object(value, path: path, properties: 3, required: ["from", "to"])
        let position = operand.keys.firstIndex { $0 != "from" && $0 != "to" }!
        let field = operand.keys[position]
        let from = try DistanceParser.meters(
            try Standardizer.string(operand["from"]!, path: Standardizer.join(path, "from"))) + 0
        let to = try DistanceParser.meters(
            try Standardizer.string(operand["to"]!, path: Standardizer.join(path, "to"))) + 0
        if from >= to { throw KoncordeError("inner radius must be smaller than outer radius", at: path) }
        guard let center = GeoPoint.parse(operand.values[position]) else {
            throw KoncordeError("unrecognized point format", at: Standardizer.join(path, field))
        }
        return .geo(field: field, shape: .annulus(center: center, inner: from, outer: to))
    }

    /// `{geoPolygon: {field: {points: [point, point, point, ...]}}}`.
    static func polygon(_ value: JSONValue, path: String) throws(KoncordeError) -> Condition {
        let operand = try Standardizer.object(value, path: path, properties: 1)
        let field = operand.keys[0]
        let fieldPath = Standardizer.join(path, field)
        let polygon = try Standardizer.object(operand.values[0], path: fieldPath, properties: 1, required: ["points"])
        let pointsPath = Standardizer.join(fieldPath, "points")
        guard case .array(let elements)? = polygon["points"] else {
            throw KoncordeError("must be an array", at: pointsPath)
        }
        if elements.count < 3 {
            throw KoncordeError("at least 3 points are required to build a polygon", at: pointsPath)
        }
        var points: [GeoPoint] = []
        points.reserveCapacity(elements.count)
        for element in elements {
            guard let point = GeoPoint.parse(element) else {
                throw KoncordeError(
                    "unrecognized point format \"\(JSONWriter.encodeToString(element))\"", at: pointsPath)
            }
            points.append(point)
        }
        return .geo(field: field, shape: .polygon(points))
    }

    private static func isStringOrNumber(_ value: JSONValue) -> Bool {
        switch value {
        case .string, .int, .double: return true
        default: return false
        }
    }
}

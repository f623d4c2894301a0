import HeraldWire
import Koncorde

/// Kuzzle's `geo_shape` validation type: a GeoJSON-like shape (`point`, `linestring`, `polygon`,
/// their `multi` forms, `geometrycollection`, `envelope`, `circle`) whose type is among the
/// field's `shapeTypes`, checked in the order Kuzzle checks it so that the first reason matches.
///
/// Differs from Kuzzle on purpose: coordinates and radii must be JSON numbers (Kuzzle's
/// comparisons let strings and `NaN` through), and a radius text must be a finite distance.
///
/// A value: built once when a specification is stored, then only read.
struct GeoShapeRule {
    /// Every shape type, as Kuzzle lists them.
    static let allTypes = ["point", "linestring", "polygon", "multipoint", "multilinestring", "multipolygon",
                           "geometrycollection", "envelope", "circle"]
    private static let properties: Set<String> = ["type", "coordinates", "radius", "orientation", "geometries"]
    private static let orientations = ["right", "ccw", "counterclockwise", "left", "cw", "clockwise"]

    /// The shape types the field accepts.
    let allowed: [String]

    /// Curates `typeOptions.shapeTypes` (every type when absent).
    init(options: JSONObject) throws(KuzzleError) {
        guard let given = options["shapeTypes"] else {
            allowed = Self.allTypes
            return
        }
        guard case .array(let entries) = given, !entries.isEmpty else {
            throw .invalidSpecificationParameter("shapeTypes", expected: "string[]")
        }
        let names = entries.map { $0.stringValue ?? JSONWriter.encodeToString($0) }
        let unknown = names.filter { !Self.allTypes.contains($0) }
        if !unknown.isEmpty { throw .invalidGeoShapes(unknown.joined(separator: ",")) }
        allowed = names
    }

    /// Why `value` is not an accepted shape, or `nil` when it is one.
    func violation(of value: JSONValue) -> String? {
        guard case .object(let shape) = value, let type = shape["type"], CollectionSpecification.isTruthy(type) else {
            return "The shape object has no type defined."
        }
        if let reason = structureViolation(shape, type: type) { return reason }
        guard case .string(let name) = type else { return "The provided shape type is not allowed." }
        var orientationReason: String?
        let fits: (JSONValue) -> Bool
        switch name {
        case "point", "multipoint": fits = Self.isPoint
        case "linestring", "multilinestring": fits = Self.isLine
        case "polygon", "multipolygon":
            fits = Self.isPolygon
            if let orientation = shape["orientation"], CollectionSpecification.isTruthy(orientation),
               !Self.orientations.contains(orientation.stringValue ?? "") {
                orientationReason = "The orientation property has not a valid value."
            }
        case "geometrycollection":
            if case .array(let geometries)? = shape["geometries"] {
                for geometry in geometries {
                    if let reason = violation(of: geometry) { return reason }
                }
            }
            return nil
        case "envelope": fits = Self.isEnvelope
        default:  // circle
            fits = Self.isPoint
            if !Self.isRadius(shape["radius"]) { return "The radius property has not a valid format." }
        }
        if let orientationReason { return orientationReason }
        let coordinates = shape["coordinates"] ?? .null
        if name.hasPrefix("multi") {
            guard case .array(let parts) = coordinates, parts.allSatisfy(fits) else {
                return "One of the shapes in  the shape type \"\(name)\" has bad coordinates."
            }
            return nil
        }
        return fits(coordinates) ? nil : "The shape type \"\(name)\" has bad coordinates."
    }

    /// The first of Kuzzle's structure checks that `shape` fails.
    private func structureViolation(_ shape: JSONObject, type: JSONValue) -> String? {
        let name = type.stringValue ?? ""
        let present: (String) -> Bool = { key in shape[key].map(CollectionSpecification.isTruthy) ?? false }
        if !shape.keys.allSatisfy(Self.properties.contains) { return "The shape object has a not allowed property." }
        if !allowed.contains(name) { return "The provided shape type is not allowed." }
        if name == "geometrycollection", present("coordinates") {
            return "The coordinates property must not be provided for the \"geometrycollection\" shape type."
        }
        if name != "geometrycollection", !present("coordinates") || shape["coordinates"]?.arrayValue == nil {
            return "The coordinates property must be provided for the \"\(name)\" shape type."
        }
        if name == "circle", !present("radius") { return "The radius property is mandatory for the \"circle\" shape type." }
        if name != "circle", present("radius") {
            return "The radius property must not be provided for the \"\(name)\" shape type."
        }
        if name != "polygon", name != "multipolygon", present("orientation") {
            return "The orientation property must not be provided for the \"\(name)\" shape type."
        }
        if name != "geometrycollection", present("geometries") {
            return "The geometries property must not be provided for the \"\(name)\" shape type."
        }
        if name == "geometrycollection", shape["geometries"]?.arrayValue == nil {
            return "The geometries property must be provided for the \"geometrycollection\" shape type."
        }
        return nil
    }

    private static func isRadius(_ radius: JSONValue?) -> Bool {
        switch radius {
        case .string(let text)?: return DistanceFormat.meters(text) != nil
        case .int?, .double?: return true
        default: return false
        }
    }

    /// `[longitude, latitude]` within [-180, 180] × [-90, 90].
    private static func isPoint(_ value: JSONValue) -> Bool {
        guard case .array(let pair) = value, pair.count == 2,
              let longitude = pair[0].numberValue, let latitude = pair[1].numberValue
        else { return false }
        return (-180...180).contains(longitude) && (-90...90).contains(latitude)
    }

    private static func isLine(_ value: JSONValue) -> Bool {
        guard case .array(let points) = value, points.count >= 2 else { return false }
        return points.allSatisfy(isPoint)
    }

    /// Every ring has at least four points and ends where it starts.
    private static func isPolygon(_ value: JSONValue) -> Bool {
        guard case .array(let rings) = value else { return false }
        return rings.allSatisfy { ring in
            guard case .array(let points) = ring, points.count >= 4, isLine(ring) else { return false }
            return points[0].arrayValue?.map(\.numberValue) == points[points.count - 1].arrayValue?.map(\.numberValue)
        }
    }

    private static func isEnvelope(_ value: JSONValue) -> Bool {
        guard case .array(let corners) = value, corners.count == 2 else { return false }
        return isPoint(corners[0]) && isPoint(corners[1])
    }
}

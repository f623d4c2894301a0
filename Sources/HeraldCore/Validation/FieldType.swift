import HeraldWire
import Koncorde

/// One field type of Kuzzle's validation specifications, with its curated `typeOptions`.
///
/// A value: built once when a specification is stored, then only read (on the event loop).
enum FieldType {
    case anything
    case boolean
    case string(length: Bounds)
    case integer(range: Bounds)
    case numeric(range: Bounds)
    case email(notEmpty: Bool)
    case url(notEmpty: Bool)
    case ipAddress(notEmpty: Bool)
    case enumeration(values: [String])
    case geoPoint
    case geoShape(GeoShapeRule)
    case date(formats: [DateFormat], range: DateRange)
    case object(strict: Bool?)

    /// Optional numeric lower and upper bounds.
    struct Bounds {
        var min: Double?
        var max: Double?
        static let none = Bounds()
    }

    /// The type names a specification may use, as Kuzzle spells them.
    static let names = ["anything", "boolean", "date", "email", "enum", "geo_point", "geo_shape", "integer",
                        "ip_address", "numeric", "object", "string", "url"]

    /// The `typeOptions` members each type accepts.
    static func allowedOptions(_ name: String) -> [String] {
        switch name {
        case "string": return ["length"]
        case "integer", "numeric": return ["range"]
        case "email", "url", "ip_address": return ["notEmpty"]
        case "enum": return ["values"]
        case "date": return ["range", "formats"]
        case "object": return ["strict"]
        case "geo_shape": return ["shapeTypes"]
        default: return []
        }
    }

    /// Curates the `typeOptions` of a field of type `name` (a name of ``names``).
    init(name: String, options: JSONObject) throws(KuzzleError) {
        switch name {
        case "anything": self = .anything
        case "boolean": self = .boolean
        case "geo_point": self = .geoPoint
        case "geo_shape": self = .geoShape(try GeoShapeRule(options: options))
        case "string": self = .string(length: try Self.bounds(options["length"], name: "length"))
        case "integer": self = .integer(range: try Self.bounds(options["range"], name: "range"))
        case "numeric": self = .numeric(range: try Self.bounds(options["range"], name: "range"))
        case "email": self = .email(notEmpty: try Self.notEmpty(options))
        case "url": self = .url(notEmpty: try Self.notEmpty(options))
        case "ip_address": self = .ipAddress(notEmpty: try Self.notEmpty(options))
        case "enum":
            guard let given = options["values"] else { throw .missingEnumValues }
            guard case .array(let values) = given, !values.isEmpty else {
                throw .invalidSpecificationParameter("values", expected: "string[]")
            }
            var strings: [String] = []
            for value in values {
                guard case .string(let string) = value else {
                    throw .invalidSpecificationParameter("values", expected: "string[]")
                }
                strings.append(string)
            }
            self = .enumeration(values: strings)
        case "date":
            var formats = [DateFormat.epochMillis]
            if let given = options["formats"] {
                guard case .array(let names) = given, !names.isEmpty else {
                    throw .invalidSpecificationParameter("formats", expected: "non-empty array")
                }
                var parsed: [DateFormat] = []
                var unknown: [String] = []
                for entry in names {
                    let text = entry.stringValue ?? "\(entry)"
                    if let format = DateFormat(rawValue: text) { parsed.append(format) } else { unknown.append(text) }
                }
                if !unknown.isEmpty { throw .invalidDateFormats(unknown.joined(separator: ", ")) }
                formats = parsed
            }
            self = .date(formats: formats, range: try DateRange(options["range"]))
        case "object":
            guard let strict = options["strict"] else {
                self = .object(strict: nil)
                return
            }
            guard case .bool(let flag) = strict else {
                throw .invalidSpecificationParameter("strict", expected: "boolean")
            }
            self = .object(strict: flag)
        default:
            self = .anything
        }
    }

    /// Whether fields of this type may have children fields.
    var allowsChildren: Bool {
        if case .object = self { return true }
        return false
    }

    /// Why `value` (never `null`) breaks the type, or `nil` when it fits. `now` is epoch
    /// milliseconds, for date ranges bounded by `NOW`.
    func violation(of value: JSONValue, now: Int) -> String? {
        switch self {
        case .anything:
            return nil
        case .boolean:
            return value.boolValue == nil ? "The field must be of type boolean." : nil
        case .string(let length):
            guard case .string(let string) = value else { return "The field must be a string." }
            let count = string.utf16.count
            if let min = length.min, Double(count) < min {
                return "Invalid string length. Expected min: \(Self.text(min)). Received: \(count) (\"\(string)\")"
            }
            if let max = length.max, Double(count) > max {
                return "Invalid string length. Expected max: \(Self.text(max)). Received: \(count) (\"\(string)\")"
            }
            return nil
        case .numeric(let range), .integer(let range):
            guard let number = value.numberValue else { return "The field must be a number." }
            if let min = range.min, number < min {
                return "Value \(Self.text(number)) is lesser than the allowed minimum (\(Self.text(min)))"
            }
            if let max = range.max, number > max {
                return "Value \(Self.text(number)) is greater than the allowed maximum (\(Self.text(max)))"
            }
            if case .integer = self, number.rounded(.towardZero) != number { return "The field must be an integer." }
            return nil
        case .email(let notEmpty):
            return Self.checkString(value, notEmpty: notEmpty, valid: TextFormats.isEmail,
                                    message: "The string must be a valid email address.")
        case .url(let notEmpty):
            return Self.checkString(value, notEmpty: notEmpty, valid: TextFormats.isURL,
                                    message: "The string must be a valid URL.")
        case .ipAddress(let notEmpty):
            return Self.checkString(value, notEmpty: notEmpty, valid: TextFormats.isIPAddress,
                                    message: "The string must be a valid IP address.")
        case .enumeration(let values):
            guard case .string(let string) = value else { return "The field must be a string." }
            if values.contains(string) { return nil }
            return "The field only accepts following values: \"\(values.joined(separator: ", "))\"."
        case .geoPoint:
            return GeoPointFormat.isGeoPoint(value) ? nil : "Invalid GeoPoint format"
        case .geoShape(let rule):
            return rule.violation(of: value)
        case .date(let formats, let range):
            guard let millis = formats.lazy.compactMap({ $0.epochMilliseconds(of: value) }).first else {
                return "The date format is invalid."
            }
            return range.violation(of: millis, now: now)
        case .object:
            return value.objectValue == nil ? "The value must be an object." : nil
        }
    }

    private static func checkString(
        _ value: JSONValue, notEmpty: Bool, valid: (String) -> Bool, message: String
    ) -> String? {
        guard case .string(let string) = value else { return "The field must be a string." }
        if string.isEmpty { return notEmpty ? "The string must not be empty." : nil }
        return valid(string) ? nil : message
    }

    /// A number as JavaScript prints it, for the integral values messages mostly show.
    static func text(_ number: Double) -> String {
        if number.rounded() == number, abs(number) < 1e15 { return String(Int(number)) }
        return number.description
    }

    private static func bounds(_ value: JSONValue?, name: String) throws(KuzzleError) -> Bounds {
        guard let value else { return .none }
        guard case .object(let object) = value, object.keys.allSatisfy({ $0 == "min" || $0 == "max" }) else {
            throw .unexpectedProperties(name, allowed: "min, max")
        }
        var bounds = Bounds()
        for key in ["min", "max"] {
            guard let given = object[key] else { continue }
            guard let number = given.numberValue else {
                throw .invalidSpecificationParameter("\(name).\(key)", expected: "number")
            }
            if key == "min" { bounds.min = number } else { bounds.max = number }
        }
        if let min = bounds.min, let max = bounds.max, min > max {
            throw .invalidRange(name, lower: "min", upper: "max")
        }
        return bounds
    }

    private static func notEmpty(_ options: JSONObject) throws(KuzzleError) -> Bool {
        guard let given = options["notEmpty"] else { return false }
        guard case .bool(let flag) = given else {
            throw .invalidSpecificationParameter("notEmpty", expected: "boolean")
        }
        return flag
    }
}

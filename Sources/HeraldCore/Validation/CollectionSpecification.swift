import HeraldWire
import Koncorde

/// Why a specification was refused: the message of each `validation.*` error found.
struct SpecificationProblems: Error, ExpressibleByArrayLiteral {
    let messages: [String]

    init(_ messages: [String]) {
        self.messages = messages
    }

    init(arrayLiteral elements: String...) {
        messages = elements
    }
}

/// One field's rule in a curated specification, with its children fields (for `object` fields).
///
/// Built once by ``CollectionSpecification/curate(_:index:collection:koncorde:)``, then only read.
final class FieldRule {
    /// The field's name within its parent.
    let name: String
    /// Names from the document's root (`address/city` in the specification is `["address", "city"]`).
    let path: [String]
    let type: FieldType
    let mandatory: Bool
    /// `defaultValue` as given: written into documents that leave the field out, when truthy (as
    /// Kuzzle does); any given value, truthy or not, waives `mandatory`.
    let defaultValue: JSONValue?
    let multivalued: Multivalued
    /// Children fields, in the order the specification lists them.
    private(set) var children: [FieldRule] = []
    private(set) var childNames: Set<String> = []

    /// The `multivalued` option: whether the field holds an array, and its size bounds.
    struct Multivalued {
        var value = false
        var minCount: Int?
        var maxCount: Int?
    }

    init(name: String, path: [String], type: FieldType, mandatory: Bool, defaultValue: JSONValue?,
         multivalued: Multivalued) {
        self.name = name
        self.path = path
        self.type = type
        self.mandatory = mandatory
        self.defaultValue = defaultValue
        self.multivalued = multivalued
    }

    fileprivate func add(_ child: FieldRule) {
        children.removeAll { $0.name == child.name }
        children.append(child)
        childNames.insert(child.name)
    }

    fileprivate func child(named name: String) -> FieldRule? { children.first { $0.name == name } }
}

/// A collection's validation specification, curated: the field tree, the document-level
/// strictness and the `validators` filter.
///
/// A value built on the event loop when a specification is stored or checked, then only read.
struct CollectionSpecification {
    /// `strict: true`: documents may hold no field the specification does not list.
    let strict: Bool
    /// The top-level fields.
    let fields: [FieldRule]
    let fieldNames: Set<String>
    /// `validators`: Koncorde filters every document must match.
    let validators: FilterEvaluator?

    private static let topLevelProperties = ["strict", "fields", "validators"]
    private static let fieldProperties = ["mandatory", "type", "defaultValue", "description", "multivalued",
                                          "typeOptions"]

    /// Curates a specification as `collection:updateSpecifications` takes it. On failure, returns
    /// every problem found, each as the message of its `validation.*` error.
    static func curate(
        _ raw: JSONObject, index: String, collection: String, koncorde: Koncorde
    ) -> Result<CollectionSpecification, SpecificationProblems> {
        if raw.keys.contains(where: { !topLevelProperties.contains($0) }) {
            return .failure([KuzzleError.unexpectedProperties(
                "\(index).\(collection)", allowed: topLevelProperties.joined(separator: ", ")).message])
        }
        var fields: [FieldRule] = []
        if let given = raw["fields"], given != .null, given != .bool(false) {
            guard case .object(let specifications) = given else {
                return .failure([KuzzleError.invalidSpecificationParameter("fields", expected: "object").message])
            }
            switch structure(specifications, index: index, collection: collection) {
            case .success(let tree): fields = tree
            case .failure(let errors): return .failure(errors)
            }
        }
        var validators: FilterEvaluator?
        if case .array(let filters)? = raw["validators"] {
            do {
                let filter = try koncorde.normalize(index: index, collection: collection,
                                                    filter: ["bool": ["must": .array(filters)]])
                validators = FilterEvaluator(filter)
            } catch {
                return .failure([KuzzleError.invalidValidatorFilters(error.message).message])
            }
        }
        return .success(CollectionSpecification(
            strict: raw["strict"] == .bool(true), fields: fields, fieldNames: Set(fields.map(\.name)),
            validators: validators))
    }

    /// Curates each field (collecting every field's problems), then assembles the tree level by level.
    private static func structure(
        _ specifications: JSONObject, index: String, collection: String
    ) -> Result<[FieldRule], SpecificationProblems> {
        var errors: [String] = []
        var byDepth: [Int: [FieldRule]] = [:]
        for (name, value) in specifications {
            switch field(name, value, index: index, collection: collection) {
            case .success(let rule): byDepth[rule.path.count, default: []].append(rule)
            case .failure(let problems): errors += problems.messages
            }
        }
        if !errors.isEmpty { return .failure(SpecificationProblems(errors)) }
        let root = FieldRule(name: "", path: [], type: .object(strict: nil), mandatory: false, defaultValue: nil,
                             multivalued: .init())
        let deepest = byDepth.keys.max() ?? 0
        for depth in stride(from: 1, through: deepest, by: 1) {
            guard let rules = byDepth[depth] else { return .failure([KuzzleError.missingNestedSpecification.message]) }
            for rule in rules {
                var parent = root
                for segment in rule.path.dropLast() {
                    guard let next = parent.child(named: segment) else {
                        return .failure([KuzzleError.missingParent(rule.path.joined(separator: ".")).message])
                    }
                    parent = next
                }
                if parent !== root, !parent.type.allowsChildren {
                    return .failure([KuzzleError.unexpectedChildren(type: parent.type.name).message])
                }
                parent.add(rule)
            }
        }
        return .success(root.children)
    }

    /// Curates one field's specification, collecting its problems in Kuzzle's order.
    private static func field(
        _ name: String, _ value: JSONValue, index: String, collection: String
    ) -> Result<FieldRule, SpecificationProblems> {
        let label = "\(index).\(collection).\(name)"
        var errors: [String] = []
        let specification = value.objectValue ?? JSONObject()
        if value.objectValue == nil || specification.keys.contains(where: { !fieldProperties.contains($0) }) {
            errors.append(KuzzleError.unexpectedProperties(label, allowed: fieldProperties.joined(separator: ", "))
                .message)
        }
        let typeName = specification["type"]?.stringValue
        if specification["type"] == nil { errors.append(KuzzleError.missingFieldType(label).message) }
        if typeName.map(FieldType.names.contains) != true {
            errors.append(KuzzleError.unknownFieldType(label, type: typeName ?? "undefined").message)
        }
        var multivalued = FieldRule.Multivalued()
        if let given = specification["multivalued"] {
            errors += checkMultivalued(given, label: label, into: &multivalued)
        }
        if !errors.isEmpty { return .failure(SpecificationProblems(errors)) }
        let typeNameChecked = typeName ?? "anything"
        let options: JSONObject
        switch specification["typeOptions"] {
        case nil: options = JSONObject()
        case .object(let object)?: options = object
        default: return .failure([KuzzleError.unexpectedProperties(
            label, allowed: FieldType.allowedOptions(typeNameChecked).joined(separator: ", ")).message])
        }
        let allowed = FieldType.allowedOptions(typeNameChecked)
        if options.keys.contains(where: { !allowed.contains($0) }) {
            errors.append(KuzzleError.unexpectedProperties(label, allowed: allowed.joined(separator: ", ")).message)
        }
        let type: FieldType
        do {
            type = try FieldType(name: typeNameChecked, options: options)
        } catch {
            return .failure(SpecificationProblems(errors + [error.message]))
        }
        if !errors.isEmpty { return .failure(SpecificationProblems(errors)) }
        let path = name.split(separator: "/", omittingEmptySubsequences: false).map(String.init)
        let defaultValue = specification["defaultValue"]
        return .success(FieldRule(
            name: path.last ?? name, path: path, type: type, mandatory: specification["mandatory"].map(isTruthy) ?? false,
            defaultValue: defaultValue, multivalued: multivalued))
    }

    private static func checkMultivalued(
        _ value: JSONValue, label: String, into multivalued: inout FieldRule.Multivalued
    ) -> [String] {
        let name = "\(label).multivalued"
        let allowed = ["value", "minCount", "maxCount"]
        var errors: [String] = []
        let object = value.objectValue ?? JSONObject()
        if value.objectValue == nil || object.keys.contains(where: { !allowed.contains($0) }) {
            errors.append(KuzzleError.unexpectedProperties(name, allowed: allowed.joined(separator: ", ")).message)
        }
        if object["value"] == nil { errors.append(KuzzleError.missingMultivaluedValue(name).message) }
        if object["value"]?.boolValue == nil {
            errors.append(KuzzleError.invalidSpecificationParameter("\(name).value", expected: "boolean").message)
        }
        multivalued.value = object["value"]?.boolValue ?? false
        for property in ["minCount", "maxCount"] where !multivalued.value && object[property] != nil {
            errors.append(KuzzleError.notMultivalued(label, property: property).message)
        }
        multivalued.minCount = object["minCount"]?.integerValue
        multivalued.maxCount = object["maxCount"]?.integerValue
        if let min = multivalued.minCount, let max = multivalued.maxCount, min > max {
            errors.append(KuzzleError.invalidRange(label, lower: "minCount", upper: "maxCount").message)
        }
        return errors
    }

    /// JavaScript truthiness.
    static func isTruthy(_ value: JSONValue) -> Bool {
        switch value {
        case .null: return false
        case .bool(let flag): return flag
        case .int(let number): return number != 0
        case .double(let number): return number != 0 && !number.isNaN
        case .string(let text): return !text.isEmpty
        case .array, .object: return true
        }
    }
}

extension FieldType {
    /// The type's name as specifications spell it.
    var name: String {
        switch self {
        case .anything: return "anything"
        case .boolean: return "boolean"
        case .string: return "string"
        case .integer: return "integer"
        case .numeric: return "numeric"
        case .email: return "email"
        case .url: return "url"
        case .ipAddress: return "ip_address"
        case .enumeration: return "enum"
        case .geoPoint: return "geo_point"
        case .geoShape: return "geo_shape"
        case .date: return "date"
        case .object: return "object"
        }
    }
}

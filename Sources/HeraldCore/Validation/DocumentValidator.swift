import HeraldWire
import Koncorde

/// Checks documents against one collection's curated specification, the way Kuzzle does:
/// fail-fast for writes (the first violation is the error), or every violation collected for
/// `document:validate` and `realtime:validate`.
///
/// A value used within one request, on the event loop.
struct DocumentValidator {
    let specification: CollectionSpecification
    /// Epoch milliseconds, for date ranges bounded by `NOW`.
    let now: Int

    /// Throws the first violation: `validation.check.failed_field` or `validation.check.failed_document`.
    func check(_ document: JSONObject, id: String?) throws(KuzzleError) {
        let collector = Collector(failFast: true)
        try run(document, id: id, collector)
    }

    /// Every violation, as Kuzzle's verbose `{errorMessages, valid}` answer.
    func report(_ document: JSONObject, id: String?) -> JSONValue {
        let collector = Collector(failFast: false)
        do {
            try run(document, id: id, collector)
        } catch {
            // A collecting run records instead of throwing.
        }
        return ["errorMessages": .object(collector.json), "valid": .bool(collector.isEmpty)]
    }

    /// The document with the specification's default values written in: fields left out (on a
    /// creation or replacement) or set to `null` (any write) get their truthy `defaultValue`.
    func applyingDefaults(to document: JSONObject, isUpdate: Bool) -> JSONObject {
        Self.defaults(document, specification.fields, isUpdate: isUpdate)
    }

    // MARK: - Walk

    private enum Walk {
        case valid, invalid
        /// A strict level holds a field its specification does not list.
        case unspecified(String)
    }

    private func run(_ document: JSONObject, id: String?, _ collector: Collector) throws(KuzzleError) {
        if !specification.fields.isEmpty {
            let walk = try fields(document, specification.fields, specification.fieldNames,
                                  strict: specification.strict, collector)
            if case .unspecified(let name) = walk {
                try collector.record(nil, "The document validation is strict. Cannot add unspecified sub-field \"\(name)\"")
            }
        }
        if let validators = specification.validators, !validators.matches(source: document, id: id ?? "") {
            try collector.record(nil, "The document does not match validation filters.")
        }
    }

    private func fields(
        _ subset: JSONObject, _ rules: [FieldRule], _ names: Set<String>, strict: Bool, _ collector: Collector
    ) throws(KuzzleError) -> Walk {
        if strict, let extra = subset.keys.first(where: { !names.contains($0) }) { return .unspecified(extra) }
        var valid = true
        for rule in rules where try !field(rule, in: subset, strict: strict, collector) {
            valid = false
        }
        return valid ? .valid : .invalid
    }

    private func field(_ rule: FieldRule, in subset: JSONObject, strict: Bool, _ collector: Collector)
        throws(KuzzleError) -> Bool
    {
        guard let value = subset[rule.name], !value.isNull else {
            if rule.mandatory && rule.defaultValue == nil {
                try collector.record(rule.path, "The field is mandatory.")
                return false
            }
            return true
        }
        let values: [JSONValue]
        switch (rule.multivalued.value, value) {
        case (false, .array):
            try collector.record(rule.path, "The field is not a multivalued field; Multiple values provided.")
            return false
        case (false, _):
            values = [value]
        case (true, .array(let elements)):
            if let min = rule.multivalued.minCount, elements.count < min {
                try collector.record(rule.path, "Not enough elements. Minimum count is set to \(min).")
                return false
            }
            if let max = rule.multivalued.maxCount, elements.count > max {
                try collector.record(rule.path, "Too many elements. Maximum count is set to \(max).")
                return false
            }
            values = elements
        case (true, _):
            try collector.record(rule.path, "The field must be multivalued, unary value provided.")
            return false
        }
        var valid = true
        for element in values {
            if let message = rule.type.violation(of: element, now: now) {
                try collector.record(rule.path, message)
                return false
            }
            guard case .object(let strictOption) = rule.type, !rule.children.isEmpty,
                  case .object(let nested) = element
            else { continue }
            switch try fields(nested, rule.children, rule.childNames, strict: strictOption ?? strict, collector) {
            case .valid: break
            case .invalid: valid = false
            case .unspecified(let name):
                try collector.record(rule.path,
                                     "The field is set to \"strict\"; cannot add unspecified sub-field \"\(name)\".")
                valid = false
            }
        }
        return valid
    }

    private static func defaults(_ subset: JSONObject, _ rules: [FieldRule], isUpdate: Bool) -> JSONObject {
        var result = subset
        for rule in rules {
            let value = subset[rule.name]
            if let value, rule.type.allowsChildren, !rule.children.isEmpty {
                switch value {
                case .array(let elements):
                    result[rule.name] = .array(elements.map { element in
                        guard case .object(let object) = element else { return element }
                        return .object(defaults(object, rule.children, isUpdate: isUpdate))
                    })
                case .object(let object):
                    result[rule.name] = .object(defaults(object, rule.children, isUpdate: isUpdate))
                default:
                    break
                }
            } else if let defaultValue = rule.defaultValue, CollectionSpecification.isTruthy(defaultValue),
                      value == .null || (!isUpdate && value == nil) {
                result[rule.name] = defaultValue
            }
        }
        return result
    }
}

/// Where violations go: thrown at once, or gathered into Kuzzle's `errorMessages` tree.
private final class Collector {
    /// Messages of one field, and of its children fields.
    final class Node {
        var messages: [String] = []
        var children: [(name: String, node: Node)] = []

        func child(_ name: String) -> Node {
            if let found = children.first(where: { $0.name == name }) { return found.node }
            let node = Node()
            children.append((name, node))
            return node
        }

        var json: JSONObject {
            var object = JSONObject()
            if !children.isEmpty {
                object.append("children", .object(JSONObject(children.map { ($0.name, JSONValue.object($0.node.json)) })))
            }
            if !messages.isEmpty { object.append("messages", .array(messages.map { .string($0) })) }
            return object
        }
    }

    let failFast: Bool
    private var documentScope: [String] = []
    private var fieldScope: Node?
    /// Which scope was written first (its key comes first in the answer).
    private var documentFirst = false

    init(failFast: Bool) {
        self.failFast = failFast
    }

    var isEmpty: Bool { documentScope.isEmpty && fieldScope == nil }

    /// Records a violation of the field at `path`, or of the whole document when `path` is `nil`.
    func record(_ path: [String]?, _ message: String) throws(KuzzleError) {
        guard let path else {
            if failFast { throw .failedDocument(message) }
            if isEmpty { documentFirst = true }
            documentScope.append(message)
            return
        }
        if failFast { throw .failedField(path.joined(separator: "."), reason: message) }
        var node = fieldScope ?? Node()
        fieldScope = node
        for segment in path { node = node.child(segment) }
        node.messages.append(message)
    }

    var json: JSONObject {
        var object = JSONObject()
        let document: (String, JSONValue)? = documentScope.isEmpty
            ? nil : ("documentScope", .array(documentScope.map { .string($0) }))
        let field: (String, JSONValue)? = fieldScope.map { ("fieldScope", .object($0.json)) }
        for entry in documentFirst ? [document, field] : [field, document] {
            if let (key, value) = entry { object.append(key, value) }
        }
        return object
    }
}

// Validation errors of Kuzzle's catalogue (`validation.*`): malformed specifications
// (`validation.assert.*`, `validation.types.*`) and documents that break them (`validation.check.*`).
extension KuzzleError {
    /// `validation.assert.missing_nested_spec`: a field is specified at a depth whose parent level is not.
    public static let missingNestedSpecification = KuzzleError(
        id: "validation.assert.missing_nested_spec", code: 83_951_617, status: 412,
        message: "All levels of an object have to be defined in the specification.")

    /// `validation.assert.unexpected_children`: a field whose type takes no children has some.
    public static func unexpectedChildren(type: String) -> KuzzleError {
        KuzzleError(id: "validation.assert.unexpected_children", code: 83_951_618, status: 412,
                    message: "The field type \"\(type)\" is not allowed to have children fields.", props: [type])
    }

    /// `validation.assert.missing_parent`.
    public static func missingParent(_ field: String) -> KuzzleError {
        KuzzleError(id: "validation.assert.missing_parent", code: 83_951_619, status: 412,
                    message: "The parent field of the field \"\(field)\" is not defined.", props: [field])
    }

    /// `validation.assert.unexpected_properties`.
    public static func unexpectedProperties(_ object: String, allowed: String) -> KuzzleError {
        KuzzleError(id: "validation.assert.unexpected_properties", code: 83_951_620, status: 412,
                    message: "The object \"\(object)\" contains unexpected properties (allowed: \(allowed)).",
                    props: [object, allowed])
    }

    /// `validation.assert.missing_type`.
    public static func missingFieldType(_ field: String) -> KuzzleError {
        KuzzleError(id: "validation.assert.missing_type", code: 83_951_621, status: 412,
                    message: "Missing property \"type\" in field \"\(field)\".", props: [field])
    }

    /// `validation.assert.unknown_type`.
    public static func unknownFieldType(_ field: String, type: String) -> KuzzleError {
        KuzzleError(id: "validation.assert.unknown_type", code: 83_951_622, status: 412,
                    message: "In \"\(field)\": unknown type \"\(type)\".", props: [field, type])
    }

    /// `validation.assert.missing_value`: `multivalued` without its `value`.
    public static func missingMultivaluedValue(_ field: String) -> KuzzleError {
        KuzzleError(id: "validation.assert.missing_value", code: 83_951_623, status: 412,
                    message: "Missing property \"value\" in field \"\(field)\".", props: [field])
    }

    /// `validation.assert.invalid_type`: a specification parameter of the wrong type.
    public static func invalidSpecificationParameter(_ parameter: String, expected: String) -> KuzzleError {
        KuzzleError(id: "validation.assert.invalid_type", code: 83_951_624, status: 412,
                    message: "Wrong type for parameter \"\(parameter)\" (expected: \(expected)).",
                    props: [parameter, expected])
    }

    /// `validation.assert.not_multivalued`: `minCount`/`maxCount` on a field that is not multivalued.
    public static func notMultivalued(_ field: String, property: String) -> KuzzleError {
        KuzzleError(id: "validation.assert.not_multivalued", code: 83_951_625, status: 412,
                    message: "Field \"\(field)\": cannot set a property \"\(property)\" if the field is not multivalued.",
                    props: [field, property])
    }

    /// `validation.assert.invalid_range`: a lower bound above its upper bound.
    public static func invalidRange(_ property: String, lower: String, upper: String) -> KuzzleError {
        KuzzleError(id: "validation.assert.invalid_range", code: 83_951_626, status: 412,
                    message: "Property \"\(property)\": invalid range (\(lower) > \(upper)).",
                    props: [property, lower, upper])
    }

    /// `validation.assert.invalid_specifications`: every problem of a refused specification, listed.
    public static func invalidSpecifications(_ details: String) -> KuzzleError {
        KuzzleError(id: "validation.assert.invalid_specifications", code: 83_951_627, status: 400,
                    message: "Errors occured with the provided specifications:\n\(details)", props: [details])
    }

    /// `validation.assert.not_found`: no specification stored for the collection.
    public static func specificationsNotFound(index: String, collection: String) -> KuzzleError {
        KuzzleError(id: "validation.assert.not_found", code: 83_951_628, status: 404,
                    message: "No specifications defined for index \(index) and collection \(collection)",
                    props: [index, collection])
    }

    /// `validation.assert.invalid_filters`: the `validators` Koncorde filters do not parse.
    public static func invalidValidatorFilters(_ detail: String) -> KuzzleError {
        KuzzleError(id: "validation.assert.invalid_filters", code: 83_951_629, status: 400,
                    message: "Invalid filters validator: \(detail)", props: [detail])
    }

    /// `validation.types.invalid_date_format`.
    public static func invalidDateFormats(_ formats: String) -> KuzzleError {
        KuzzleError(id: "validation.types.invalid_date_format", code: 84_017_153, status: 412,
                    message: "The following date types are invalid: \(formats).", props: [formats])
    }

    /// `validation.types.invalid_date`: a date range bound that does not parse.
    public static func invalidDate(_ value: String) -> KuzzleError {
        KuzzleError(id: "validation.types.invalid_date", code: 84_017_154, status: 412,
                    message: "Cannot parse the date value: \"\(value)\".", props: [value])
    }

    /// `validation.types.invalid_geoshape`: `shapeTypes` names unknown shapes (comma-separated).
    public static func invalidGeoShapes(_ shapes: String) -> KuzzleError {
        KuzzleError(id: "validation.types.invalid_geoshape", code: 84_017_156, status: 412,
                    message: "The following shapes are invalid: \(shapes).", props: [shapes])
    }

    /// `validation.types.missing_enum_values`.
    public static let missingEnumValues = KuzzleError(
        id: "validation.types.missing_enum_values", code: 84_017_155, status: 412,
        message: "The \"enum\" type requires a \"values\" property holding the list of the enum values.")

    /// `validation.check.failed_document`: the document as a whole breaks the specification.
    public static func failedDocument(_ reason: String) -> KuzzleError {
        KuzzleError(id: "validation.check.failed_document", code: 84_082_689, status: 400,
                    message: "Failed to validate document: \(reason)", props: [reason])
    }

    /// `validation.check.failed_field`: one field breaks its rule.
    public static func failedField(_ field: String, reason: String) -> KuzzleError {
        KuzzleError(id: "validation.check.failed_field", code: 84_082_690, status: 400,
                    message: "Validation failed. Field \"\(field)\": \(reason)", props: [field, reason])
    }
}

@testable import HeraldCore
import HeraldWire
import Koncorde
import Testing

/// The pure validator: specifications curated, documents checked per type and option.
@Suite struct DocumentValidatorTests {
    private static let now = 1_700_000_000_000

    private func curate(_ raw: JSONObject) -> Result<CollectionSpecification, SpecificationProblems> {
        CollectionSpecification.curate(raw, index: "i", collection: "c", koncorde: Koncorde())
    }

    private func validator(_ fields: JSONObject, strict: Bool = false) throws -> DocumentValidator {
        let specification = try curate(["strict": .bool(strict), "fields": .object(fields)]).get()
        return DocumentValidator(specification: specification, now: Self.now)
    }

    /// The error a write of `document` would get, `nil` when it passes.
    private func failure(_ fields: JSONObject, _ document: JSONObject, strict: Bool = false) throws -> KuzzleError? {
        let checker = try validator(fields, strict: strict)
        do {
            try checker.check(document, id: nil)
            return nil
        } catch {
            return error
        }
    }

    private func problems(_ raw: JSONObject) -> [String] {
        if case .failure(let problems) = curate(raw) { return problems.messages }
        return []
    }

    @Test func stringLength() throws {
        let fields: JSONObject = ["name": ["type": "string", "typeOptions": ["length": ["min": 2, "max": 4]]]]
        #expect(try failure(fields, ["name": "abc"]) == nil)
        #expect(try failure(fields, ["name": "a"]) == .failedField(
            "name", reason: "Invalid string length. Expected min: 2. Received: 1 (\"a\")"))
        #expect(try failure(fields, ["name": "abcde"])?.message
            == "Validation failed. Field \"name\": Invalid string length. Expected max: 4. Received: 5 (\"abcde\")")
        #expect(try failure(fields, ["name": 3]) == .failedField("name", reason: "The field must be a string."))
    }

    @Test func numbersAndIntegers() throws {
        let fields: JSONObject = [
            "n": ["type": "numeric", "typeOptions": ["range": ["min": 0, "max": 10]]],
            "i": ["type": "integer"],
        ]
        #expect(try failure(fields, ["n": 2.5, "i": 3]) == nil)
        #expect(try failure(fields, ["n": -1])?.props == ["n", "Value -1 is lesser than the allowed minimum (0)"])
        #expect(try failure(fields, ["n": 11])?.props == ["n", "Value 11 is greater than the allowed maximum (10)"])
        #expect(try failure(fields, ["n": "2"])?.props == ["n", "The field must be a number."])
        #expect(try failure(fields, ["i": 1.5])?.props == ["i", "The field must be an integer."])
        #expect(try failure(fields, ["i": 2.0]) == nil)
    }

    @Test func booleansAnythingAndObjects() throws {
        let fields: JSONObject = ["b": ["type": "boolean"], "a": ["type": "anything"], "o": ["type": "object"]]
        #expect(try failure(fields, ["b": true, "a": ["x": [1, "y"]], "o": ["k": 1]]) == nil)
        #expect(try failure(fields, ["b": "true"])?.props == ["b", "The field must be of type boolean."])
        #expect(try failure(fields, ["o": "text"])?.props == ["o", "The value must be an object."])
        #expect(try failure(fields, ["a": [1, "x"]])?.props
            == ["a", "The field is not a multivalued field; Multiple values provided."])
    }

    @Test func emailURLAndIPAddress() throws {
        let fields: JSONObject = [
            "e": ["type": "email"], "u": ["type": "url", "typeOptions": ["notEmpty": true]], "ip": ["type": "ip_address"],
        ]
        #expect(try failure(fields, ["e": "me@example.com", "u": "https://example.com/x?y=1", "ip": "10.0.0.1"]) == nil)
        #expect(try failure(fields, ["ip": "::1"]) == nil)
        #expect(try failure(fields, ["ip": "2001:db8::ff00:42:8329"]) == nil)
        #expect(try failure(fields, ["e": ""]) == nil)
        #expect(try failure(fields, ["e": "nope"])?.props == ["e", "The string must be a valid email address."])
        #expect(try failure(fields, ["u": ""])?.props == ["u", "The string must not be empty."])
        #expect(try failure(fields, ["u": "not a url"])?.props == ["u", "The string must be a valid URL."])
        #expect(try failure(fields, ["ip": "300.1.1.1"])?.props == ["ip", "The string must be a valid IP address."])
        #expect(try failure(fields, ["ip": 1])?.props == ["ip", "The field must be a string."])
    }

    @Test func enumerations() throws {
        let fields: JSONObject = ["s": ["type": "enum", "typeOptions": ["values": ["on", "off"]]]]
        #expect(try failure(fields, ["s": "on"]) == nil)
        #expect(try failure(fields, ["s": "dim"])?.props == ["s", "The field only accepts following values: \"on, off\"."])
        #expect(problems(["fields": ["s": ["type": "enum"]]]) == [KuzzleError.missingEnumValues.message])
        #expect(problems(["fields": ["s": ["type": "enum", "typeOptions": ["values": [1]]]]])
            == [KuzzleError.invalidSpecificationParameter("values", expected: "string[]").message])
    }

    @Test func geoPoints() throws {
        let fields: JSONObject = ["p": ["type": "geo_point"]]
        #expect(try failure(fields, ["p": ["lat": 43.6, "lon": 3.9]]) == nil)
        #expect(try failure(fields, ["p": "43.6, 3.9"]) == nil)
        #expect(try failure(fields, ["p": "not a point!"])?.props == ["p", "Invalid GeoPoint format"])
    }

    @Test func geoShapesOfEveryType() throws {
        let fields: JSONObject = ["area": ["type": "geo_shape"]]
        let valid: [JSONObject] = [
            ["type": "point", "coordinates": [2.35, 48.85]],
            ["type": "multipoint", "coordinates": [[2.35, 48.85], [-180, -90]]],
            ["type": "linestring", "coordinates": [[0, 0], [1, 1]]],
            ["type": "multilinestring", "coordinates": [[[0, 0], [1, 1]], [[2, 2], [3, 3.5]]]],
            ["type": "polygon", "orientation": "cw", "coordinates": [[[0, 0], [1, 0], [1, 1], [0.0, 0.0]]]],
            ["type": "multipolygon", "coordinates": [[[[0, 0], [1, 0], [1, 1], [0, 0]]]]],
            ["type": "envelope", "coordinates": [[-10, 10], [10, -10]]],
            ["type": "circle", "coordinates": [0, 0], "radius": "10km"],
            ["type": "circle", "coordinates": [0, 0], "radius": 250],
            ["type": "geometrycollection", "geometries": [["type": "point", "coordinates": [1, 1]],
                                                           ["type": "envelope", "coordinates": [[0, 1], [1, 0]]]]],
        ]
        for shape in valid { #expect(try failure(fields, ["area": .object(shape)]) == nil, "\(shape)") }
        let refused: [(JSONValue, String)] = [
            ("paris", "The shape object has no type defined."),
            (["coordinates": [1, 1]], "The shape object has no type defined."),
            (["type": "point", "coordinates": [1, 1], "color": "red"], "The shape object has a not allowed property."),
            (["type": "hexagon", "coordinates": [1, 1]], "The provided shape type is not allowed."),
            (["type": "geometrycollection", "coordinates": [1, 1], "geometries": []],
             "The coordinates property must not be provided for the \"geometrycollection\" shape type."),
            (["type": "point"], "The coordinates property must be provided for the \"point\" shape type."),
            (["type": "circle", "coordinates": [0, 0]], "The radius property is mandatory for the \"circle\" shape type."),
            (["type": "point", "coordinates": [0, 0], "radius": 3],
             "The radius property must not be provided for the \"point\" shape type."),
            (["type": "point", "coordinates": [0, 0], "orientation": "cw"],
             "The orientation property must not be provided for the \"point\" shape type."),
            (["type": "point", "coordinates": [0, 0], "geometries": [1]],
             "The geometries property must not be provided for the \"point\" shape type."),
            (["type": "geometrycollection"], "The geometries property must be provided for the \"geometrycollection\" shape type."),
            (["type": "point", "coordinates": [181, 0]], "The shape type \"point\" has bad coordinates."),
            (["type": "point", "coordinates": ["1", "2"]], "The shape type \"point\" has bad coordinates."),
            (["type": "linestring", "coordinates": [[0, 0]]], "The shape type \"linestring\" has bad coordinates."),
            (["type": "polygon", "coordinates": [[[0, 0], [1, 0], [1, 1], [0, 1]]]],
             "The shape type \"polygon\" has bad coordinates."),
            (["type": "polygon", "orientation": "sideways", "coordinates": [[[0, 0], [1, 0], [1, 1], [0, 0]]]],
             "The orientation property has not a valid value."),
            (["type": "multipoint", "coordinates": [[0, 0], [0, 91]]],
             "One of the shapes in  the shape type \"multipoint\" has bad coordinates."),
            (["type": "envelope", "coordinates": [[0, 0]]], "The shape type \"envelope\" has bad coordinates."),
            (["type": "circle", "coordinates": [0, 0], "radius": "10 parsecs"], "The radius property has not a valid format."),
            (["type": "circle", "coordinates": [0, 0], "radius": true], "The radius property has not a valid format."),
            (["type": "geometrycollection", "geometries": [["type": "point", "coordinates": [0, 100]]]],
             "The shape type \"point\" has bad coordinates."),
        ]
        for (shape, reason) in refused {
            #expect(try failure(fields, ["area": shape]) == .failedField("area", reason: reason), "\(shape)")
        }
    }

    @Test func geoShapeTypesAreRestrictedByShapeTypes() throws {
        let fields: JSONObject = ["zone": ["type": "geo_shape", "typeOptions": ["shapeTypes": ["circle", "polygon"]]]]
        #expect(try failure(fields, ["zone": ["type": "circle", "coordinates": [0, 0], "radius": "1mi"]]) == nil)
        #expect(try failure(fields, ["zone": ["type": "point", "coordinates": [0, 0]]])
            == .failedField("zone", reason: "The provided shape type is not allowed."))
        #expect(try failure(fields, ["zone": ["type": "geometrycollection",
                                              "geometries": [["type": "circle", "coordinates": [0, 0], "radius": 1]]]])
            == .failedField("zone", reason: "The provided shape type is not allowed."))
        #expect(problems(["fields": ["z": ["type": "geo_shape", "typeOptions": ["shapeTypes": ["circle", "blob", "star"]]]]])
            == [KuzzleError.invalidGeoShapes("blob,star").message])
        #expect(problems(["fields": ["z": ["type": "geo_shape", "typeOptions": ["shapeTypes": []]]]])
            == [KuzzleError.invalidSpecificationParameter("shapeTypes", expected: "string[]").message])
        #expect(problems(["fields": ["z": ["type": "geo_shape", "typeOptions": ["radius": 1]]]])
            == [KuzzleError.unexpectedProperties("i.c.z", allowed: "shapeTypes").message])
    }

    @Test func datesFormatsAndRanges() throws {
        let fields: JSONObject = [
            "d": ["type": "date", "typeOptions": [
                "formats": ["strict_date_optional_time", "epoch_millis"],
                "range": ["min": "2020-01-01", "max": "NOW"],
            ]],
            "m": ["type": "date"],
        ]
        #expect(try failure(fields, ["d": "2021-06-01T12:30:00Z", "m": 1_600_000_000_000]) == nil)
        #expect(try failure(fields, ["d": 1_650_000_000_000]) == nil)
        #expect(try failure(fields, ["d": "2019-12-31"])?.props == ["d", "The provided date is before the defined minimum."])
        #expect(try failure(fields, ["d": "2999-01-01"])?.props == ["d", "The provided date is after the defined maximum."])
        #expect(try failure(fields, ["d": "2021-02-30"])?.props == ["d", "The date format is invalid."])
        #expect(try failure(fields, ["m": "2021-01-01"])?.props == ["m", "The date format is invalid."])
        #expect(problems(["fields": ["d": ["type": "date", "typeOptions": ["formats": ["moonphase"]]]]])
            == [KuzzleError.invalidDateFormats("moonphase").message])
        #expect(problems(["fields": ["d": ["type": "date", "typeOptions": ["range": ["min": "soon"]]]]])
            == [KuzzleError.invalidDate("soon").message])
        #expect(DateText.parse("1970-01-02T00:00:00+01:00", layouts: DateFormat.isoLayouts) == 82_800_000)
    }

    @Test func mandatoryAndDefaultValues() throws {
        let fields: JSONObject = [
            "name": ["type": "string", "mandatory": true],
            "level": ["type": "integer", "mandatory": true, "defaultValue": 1],
        ]
        #expect(try failure(fields, ["level": 2])?.props == ["name", "The field is mandatory."])
        #expect(try failure(fields, ["name": "x"]) == nil)
        let checker = try validator(fields)
        #expect(checker.applyingDefaults(to: ["name": "x"], isUpdate: false) == ["name": "x", "level": 1])
        #expect(checker.applyingDefaults(to: ["name": "x"], isUpdate: true) == ["name": "x"])
        #expect(checker.applyingDefaults(to: ["level": nil], isUpdate: true) == ["level": 1])
    }

    @Test func multivaluedFields() throws {
        let fields: JSONObject = [
            "tags": ["type": "string", "multivalued": ["value": true, "minCount": 1, "maxCount": 2]],
            "one": ["type": "string"],
        ]
        #expect(try failure(fields, ["tags": ["a", "b"], "one": "x"]) == nil)
        #expect(try failure(fields, ["tags": []])?.props == ["tags", "Not enough elements. Minimum count is set to 1."])
        #expect(try failure(fields, ["tags": ["a", "b", "c"]])?.props
            == ["tags", "Too many elements. Maximum count is set to 2."])
        #expect(try failure(fields, ["tags": "a"])?.props == ["tags", "The field must be multivalued, unary value provided."])
        #expect(try failure(fields, ["one": ["a"]])?.props
            == ["one", "The field is not a multivalued field; Multiple values provided."])
        #expect(try failure(fields, ["tags": ["a", 1]])?.props == ["tags", "The field must be a string."])
        #expect(problems(["fields": ["t": ["type": "string", "multivalued": ["value": false, "minCount": 1]]]])
            == [KuzzleError.notMultivalued("i.c.t", property: "minCount").message])
    }

    @Test func strictnessAtTheRootAndInObjects() throws {
        let fields: JSONObject = [
            "address": ["type": "object", "typeOptions": ["strict": true]],
            "address/city": ["type": "string", "mandatory": true],
            "free": ["type": "object", "typeOptions": ["strict": false]],
            "free/x": ["type": "integer"],
        ]
        #expect(try failure(fields, ["address": ["city": "Paris"], "other": 1]) == nil)
        #expect(try failure(fields, ["address": ["city": "Paris", "zip": 1]])?.props
            == ["address", "The field is set to \"strict\"; cannot add unspecified sub-field \"zip\"."])
        #expect(try failure(fields, ["address": [:]])?.props == ["address.city", "The field is mandatory."])
        #expect(try failure(fields, ["other": 1], strict: true)
            == .failedDocument("The document validation is strict. Cannot add unspecified sub-field \"other\""))
        #expect(try failure(fields, ["free": ["x": 1, "y": 2]], strict: true) == nil)
    }

    @Test func validatorsFilters() throws {
        let specification = try curate(["validators": [["exists": "name"]]]).get()
        let checker = DocumentValidator(specification: specification, now: Self.now)
        try checker.check(["name": "x"], id: nil)
        #expect(throws: KuzzleError.failedDocument("The document does not match validation filters.")) {
            try checker.check(["other": "x"], id: nil)
        }
        #expect(problems(["validators": [["nope": 1]]]).first?.hasPrefix("Invalid filters validator: ") == true)
    }

    @Test func verboseReportCollectsEveryViolation() throws {
        let fields: JSONObject = ["a": ["type": "integer"], "b": ["type": "string", "mandatory": true]]
        let report = try validator(fields, strict: true).report(["a": "x", "z": 1], id: nil)
        #expect(report == [
            "errorMessages": ["documentScope": [
                "The document validation is strict. Cannot add unspecified sub-field \"z\"",
            ]],
            "valid": false,
        ])
        let fieldReport = try validator(fields).report(["a": "x"], id: nil)
        #expect(fieldReport == [
            "errorMessages": ["fieldScope": ["children": [
                "a": ["messages": ["The field must be a number."]],
                "b": ["messages": ["The field is mandatory."]],
            ]]],
            "valid": false,
        ])
        #expect(try validator(fields).report(["b": "ok"], id: nil) == ["errorMessages": [:], "valid": true])
    }

    @Test func malformedSpecificationsListEveryProblem() {
        #expect(problems(["strict": true, "other": 1])
            == [KuzzleError.unexpectedProperties("i.c", allowed: "strict, fields, validators").message])
        let found = problems(["fields": [
            "a": ["mandatory": true],
            "b": ["type": "colour"],
            "c": ["type": "string", "typeOptions": ["length": ["min": 5, "max": 1]]],
            "d": ["type": "integer", "typeOptions": ["size": 1]],
        ]])
        #expect(found == [
            KuzzleError.missingFieldType("i.c.a").message,
            KuzzleError.unknownFieldType("i.c.a", type: "undefined").message,
            KuzzleError.unknownFieldType("i.c.b", type: "colour").message,
            KuzzleError.invalidRange("length", lower: "min", upper: "max").message,
            KuzzleError.unexpectedProperties("i.c.d", allowed: "range").message,
        ])
        #expect(problems(["fields": ["a/b": ["type": "string"]]]) == [KuzzleError.missingNestedSpecification.message])
        #expect(problems(["fields": ["a": ["type": "string"], "a/b": ["type": "string"]]])
            == [KuzzleError.unexpectedChildren(type: "string").message])
        #expect(problems(["fields": ["a": ["type": "object"], "x/b": ["type": "string"]]])
            == [KuzzleError.missingParent("x.b").message])
        #expect(problems(["fields": ["a": ["type": "string", "multivalued": ["minCount": 1]]]]) == [
            KuzzleError.missingMultivaluedValue("i.c.a.multivalued").message,
            KuzzleError.invalidSpecificationParameter("i.c.a.multivalued.value", expected: "boolean").message,
            KuzzleError.notMultivalued("i.c.a", property: "minCount").message,
        ])
    }
}

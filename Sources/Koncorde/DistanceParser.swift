/// Converts a distance such as `"10km"`, `"3 258,55 Ft"` or `"2 miles"` to meters, the way Koncorde 4
/// does through its unit-conversion dependency.
///
/// Dashes and white space are dropped, commas become decimal points, the text is lowercased and the
/// unit starts at the first letter that follows a digit. Units: `m`/`meter`, `ft`/`feet`, `in`/`inch`,
/// `yd`/`yard`, `mi`/`mile`, with an optional trailing `s`, `es` or `ies`, and SI prefixes (`km`, `cm`,
/// `mm`, `kilometers`, ...). Time units (`s`, `min`, `h`, `day`, `week`) are also understood and read as
/// that many minutes, because the conversion target `m` is ambiguous there too: Koncorde does the same.
enum DistanceParser {
    private struct Unit {
        let name: String
        let modifier: Double
    }

    /// Length units, in meters.
    private static let lengths: [String: Double] = [
        "meter": 1, "m": 1, "feet": 0.3048, "ft": 0.3048, "inch": 0.0254, "in": 0.0254,
        "yard": 0.9144, "yd": 0.9144, "mile": 1609.34, "mi": 1609.34,
    ]
    /// Time units, in minutes.
    private static let durations: [String: Double] = [
        "second": 1.0 / 60, "sec": 1.0 / 60, "s": 1.0 / 60, "minute": 1, "min": 1, "m": 1,
        "hour": 60, "hr": 60, "h": 60, "day": 1440, "week": 10080,
    ]
    private static let shortPrefixes: [(String, Double)] = [
        ("da", 10), ("mu", 1e-6), ("m", 1e-3), ("h", 100), ("k", 1000), ("n", 1e-9), ("p", 1e-12),
        ("c", 1e-2), ("d", 1e-1), ("f", 1e-15), ("a", 1e-18), ("z", 1e-21), ("y", 1e-24),
    ]
    private static let longPrefixes: [(String, Double)] = [
        ("milli", 1e-3), ("micro", 1e-6), ("nano", 1e-9), ("pico", 1e-12), ("centi", 1e-2), ("deci", 1e-1),
        ("femto", 1e-15), ("atto", 1e-18), ("zepto", 1e-21), ("yocto", 1e-24), ("deka", 10), ("hecto", 100),
        ("kilo", 1000), ("mega", 1e6), ("giga", 1e9), ("tera", 1e12), ("peta", 1e15), ("exa", 1e18),
        ("zeta", 1e21), ("yotta", 1e24),
    ]

    /// The distance in meters (NaN when the number part is not a number, as in Koncorde).
    static func meters(_ distance: String) throws(KoncordeError) -> Double {
        var cleaned = String.UnicodeScalarView()
        for scalar in distance.lowercased().unicodeScalars {
            if scalar == "-" || JavaScriptValue.isWhiteSpace(scalar) { continue }
            cleaned.append(scalar == "," ? "." : scalar)
        }
        let scalars = Array(cleaned)
        guard let boundary = scalars.indices.dropFirst().first(where: { index in
            ("0"..."9").contains(scalars[index - 1]) && ("a"..."z").contains(scalars[index])
        }) else { throw failure(distance) }
        let unitScalars = scalars[boundary...]
        guard unitScalars.allSatisfy({ ("a"..."z").contains($0) }) else { throw failure(distance) }
        var numberText = ""
        numberText.unicodeScalars.append(contentsOf: scalars[..<boundary])
        var unitText = ""
        unitText.unicodeScalars.append(contentsOf: unitScalars)
        let number = JavaScriptValue.parseFloat(numberText[...])
        let variations = variations(of: unitText)
        if let unit = lastUnit(in: lengths, variations: variations) {
            return number * unit.modifier * lengths[unit.name]!
        }
        if let unit = lastUnit(in: durations, variations: variations) {
            return number * unit.modifier * durations[unit.name]!
        }
        throw failure(distance)
    }

    private static func failure(_ distance: String) -> KoncordeError {
        KoncordeError(message: "unable to parse distance value \"\(distance)\"")
    }

    /// The unit and its plural-stripped forms (two-letter units are never stripped).
    private static func variations(of unit: String) -> [String] {
        var result = [unit]
        guard unit.count != 2 else { return result }
        for suffix in ["s", "es", "ies"] where unit.hasSuffix(suffix) {
            result.append(String(unit.dropLast(suffix.count)))
        }
        return result
    }

    /// The last variation found in `table`, directly or once one prefix is removed.
    private static func lastUnit(in table: [String: Double], variations: [String]) -> Unit? {
        var found: Unit?
        for variation in variations {
            if table[variation] != nil {
                found = Unit(name: variation, modifier: 1)
                continue
            }
            let prefixes = variation.count > 3 ? longPrefixes : shortPrefixes
            guard let (prefix, modifier) = prefixes.first(where: { variation.hasPrefix($0.0) }) else { continue }
            let stripped = String(variation.dropFirst(prefix.count))
            if table[stripped] != nil { found = Unit(name: stripped, modifier: modifier) }
        }
        return found
    }
}

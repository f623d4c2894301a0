import HeraldWire

/// Parses the JSON text found between brackets in an `exists` path such as `tags["blue"]`.
///
/// Accepts exactly what `JSON.parse` accepts: one JSON value with optional surrounding whitespace.
struct BracketValueParser {
    private let scalars: [Unicode.Scalar]
    private var position = 0

    private init(_ text: String) {
        scalars = Array(text.unicodeScalars)
    }

    /// The value `text` encodes, or `nil` when it is not valid JSON.
    static func parse(_ text: String) -> JSONValue? {
        var parser = BracketValueParser(text)
        guard let value = parser.value() else { return nil }
        parser.skipWhitespace()
        return parser.position == parser.scalars.count ? value : nil
    }

    private var current: Unicode.Scalar? { position < scalars.count ? scalars[position] : nil }

    private mutating func skipWhitespace() {
        while let scalar = current, scalar == " " || scalar == "\t" || scalar == "\n" || scalar == "\r" {
            position += 1
        }
    }

    private mutating func consume(_ literal: String) -> Bool {
        for expected in literal.unicodeScalars {
            guard current == expected else { return false }
            position += 1
        }
        return true
    }

    private mutating func value() -> JSONValue? {
        skipWhitespace()
        guard let scalar = current else { return nil }
        switch scalar {
        case "n": return consume("null") ? .null : nil
        case "t": return consume("true") ? .bool(true) : nil
        case "f": return consume("false") ? .bool(false) : nil
        case "\"": return string().map { .string($0) }
        case "[": return array()
        case "{": return object()
        default: return number()
        }
    }

    private mutating func array() -> JSONValue? {
        position += 1
        var elements: [JSONValue] = []
        skipWhitespace()
        if current == "]" {
            position += 1
            return .array(elements)
        }
        while true {
            guard let element = value() else { return nil }
            elements.append(element)
            skipWhitespace()
            if current == "," {
                position += 1
            } else if current == "]" {
                position += 1
                return .array(elements)
            } else {
                return nil
            }
        }
    }

    private mutating func object() -> JSONValue? {
        position += 1
        var object = JSONObject()
        skipWhitespace()
        if current == "}" {
            position += 1
            return .object(object)
        }
        while true {
            skipWhitespace()
            guard current == "\"", let key = string() else { return nil }
            skipWhitespace()
            guard current == ":" else { return nil }
            position += 1
            guard let element = value() else { return nil }
            object[key] = element
            skipWhitespace()
            if current == "," {
                position += 1
            } else if current == "}" {
                position += 1
                return .object(object)
            } else {
                return nil
            }
        }
    }

    private mutating func string() -> String? {
        position += 1
        var result = String.UnicodeScalarView()
        while let scalar = current {
            position += 1
            switch scalar {
            case "\"":
                return String(result)
            case "\\":
                guard let escaped = current else { return nil }
                position += 1
                switch escaped {
                case "\"", "\\", "/": result.append(escaped)
                case "b": result.append("\u{08}")
                case "f": result.append("\u{0C}")
                case "n": result.append("\n")
                case "r": result.append("\r")
                case "t": result.append("\t")
                case "u":
                    guard let unit = hexUnit() else { return nil }
                    if (0xD800..<0xDC00).contains(unit), current == "\\",
                        position + 1 < scalars.count, scalars[position + 1] == "u"
                    {
                        let saved = position
                        position += 2
                        if let low = hexUnit(), (0xDC00..<0xE000).contains(low) {
                            let combined = 0x10000 + ((unit - 0xD800) << 10) + (low - 0xDC00)
                            result.append(Unicode.Scalar(combined) ?? "\u{FFFD}")
                            continue
                        }
                        position = saved
                    }
                    result.append(Unicode.Scalar(unit) ?? "\u{FFFD}")
                default:
                    return nil
                }
            default:
                guard scalar.value >= 0x20 else { return nil }
                result.append(scalar)
            }
        }
        return nil
    }

    private mutating func hexUnit() -> UInt32? {
        guard position + 4 <= scalars.count else { return nil }
        var unit: UInt32 = 0
        for _ in 0..<4 {
            guard scalars[position].isASCII, let digit = UInt32(String(scalars[position]), radix: 16) else {
                return nil
            }
            unit = unit << 4 | digit
            position += 1
        }
        return unit
    }

    private mutating func number() -> JSONValue? {
        let start = position
        if current == "-" { position += 1 }
        guard let first = current, ("0"..."9").contains(first) else { return nil }
        position += 1
        if first != "0" { skipDigits() }
        var integral = true
        if current == "." {
            integral = false
            position += 1
            guard skipDigits() > 0 else { return nil }
        }
        if current == "e" || current == "E" {
            integral = false
            position += 1
            if current == "+" || current == "-" { position += 1 }
            guard skipDigits() > 0 else { return nil }
        }
        var text = ""
        text.unicodeScalars.append(contentsOf: scalars[start..<position])
        if integral, let int = Int(text) { return .int(int) }
        return Double(text).map { .double($0) }
    }

    @discardableResult
    private mutating func skipDigits() -> Int {
        var count = 0
        while let scalar = current, ("0"..."9").contains(scalar) {
            position += 1
            count += 1
        }
        return count
    }
}

public import HeraldWire

/// Token lifetimes as Kuzzle accepts them for `expiresIn`: a number of milliseconds, or a
/// string read like the `ms` package does ("90s", "2 hours", "1.5h", "100"), or -1 for a token
/// that never expires.
public enum TokenLifetime: Sendable, Equatable {
    case milliseconds(Int)
    case unlimited

    /// Reads an `expiresIn` argument.
    public static func parse(_ value: JSONValue) throws(KuzzleError) -> TokenLifetime {
        switch value {
        case .int(let number):
            return try fromNumber(Double(number))
        case .double(let number):
            return try fromNumber(number)
        case .string(let text):
            if let number = Double(text.trimmingSpaces) { return try fromNumber(number) }
            guard let milliseconds = parseDuration(text) else {
                throw .invalidArgument("expiresIn", expected: "a duration (e.g. 3600000, \"1h\", \"30 minutes\")")
            }
            return .milliseconds(milliseconds)
        default:
            throw .invalidType("expiresIn", expected: "integer, string")
        }
    }

    private static func fromNumber(_ number: Double) throws(KuzzleError) -> TokenLifetime {
        if number == -1 { return .unlimited }
        guard number >= 0, number < 9e15 else {
            throw .invalidArgument("expiresIn", expected: "a positive duration, or -1")
        }
        return .milliseconds(Int(number.rounded()))
    }

    /// `<number><spaces?><unit?>`; units of the `ms` package, short and long forms.
    static func parseDuration(_ text: String) -> Int? {
        let trimmed = text.trimmingSpaces.lowercased()
        var numberEnd = trimmed.startIndex
        while numberEnd < trimmed.endIndex, trimmed[numberEnd].isNumber || trimmed[numberEnd] == "." {
            numberEnd = trimmed.index(after: numberEnd)
        }
        guard let number = Double(trimmed[..<numberEnd]), number >= 0 else { return nil }
        let unit = trimmed[numberEnd...].trimmingSpaces
        let factor: Double
        switch unit {
        case "", "ms", "msec", "msecs", "millisecond", "milliseconds": factor = 1
        case "s", "sec", "secs", "second", "seconds": factor = 1_000
        case "m", "min", "mins", "minute", "minutes": factor = 60_000
        case "h", "hr", "hrs", "hour", "hours": factor = 3_600_000
        case "d", "day", "days": factor = 86_400_000
        case "w", "week", "weeks": factor = 604_800_000
        case "y", "yr", "yrs", "year", "years": factor = 31_557_600_000
        default: return nil
        }
        let milliseconds = number * factor
        guard milliseconds < 9e15 else { return nil }
        return Int(milliseconds.rounded())
    }
}

extension StringProtocol {
    var trimmingSpaces: String {
        var characters = Substring(self)
        while characters.first == " " { characters.removeFirst() }
        while characters.last == " " { characters.removeLast() }
        return String(characters)
    }
}

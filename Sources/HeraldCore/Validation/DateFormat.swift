import HeraldWire

/// The date formats a `date` field may list (`typeOptions.formats`), by their Elasticsearch names.
///
/// Every format parses strictly (the whole text, in-range components); time-only formats fall on
/// 1970-01-01 UTC. Herald knows the formats below; other names of Kuzzle's list are refused with
/// `validation.types.invalid_date_format`.
enum DateFormat: String, CaseIterable {
    case epochMillis = "epoch_millis"
    case epochSecond = "epoch_second"
    case date, strictDate = "strict_date"
    case dateTime = "date_time", strictDateTime = "strict_date_time"
    case dateTimeNoMillis = "date_time_no_millis", strictDateTimeNoMillis = "strict_date_time_no_millis"
    case strictDateOptionalTime = "strict_date_optional_time"
    case dateHourMinute = "date_hour_minute", strictDateHourMinute = "strict_date_hour_minute"
    case dateHourMinuteSecond = "date_hour_minute_second"
    case strictDateHourMinuteSecond = "strict_date_hour_minute_second"
    case dateHourMinuteSecondMillis = "date_hour_minute_second_millis"
    case strictDateHourMinuteSecondMillis = "strict_date_hour_minute_second_millis"
    case basicDate = "basic_date", yearMonthDay = "year_month_day", strictYearMonthDay = "strict_year_month_day"
    case year, strictYear = "strict_year"
    case hourMinute = "hour_minute", strictHourMinute = "strict_hour_minute"
    case hourMinuteSecond = "hour_minute_second", strictHourMinuteSecond = "strict_hour_minute_second"

    /// The layouts the format accepts (tokens `YYYY MM DD HH mm ss SSS ZZ`, anything else literal).
    private var layouts: [String] {
        switch self {
        case .epochMillis, .epochSecond: return []
        case .date, .strictDate: return ["YYYY-MM-DD"]
        case .dateTime, .strictDateTime: return ["YYYY-MM-DDTHH:mm:ss.SSSZZ"]
        case .dateTimeNoMillis, .strictDateTimeNoMillis: return ["YYYY-MM-DDTHH:mm:ssZZ"]
        case .strictDateOptionalTime: return Self.isoLayouts
        case .dateHourMinute, .strictDateHourMinute: return ["YYYY-MM-DDTHH:mm"]
        case .dateHourMinuteSecond, .strictDateHourMinuteSecond: return ["YYYY-MM-DDTHH:mm:ss"]
        case .dateHourMinuteSecondMillis, .strictDateHourMinuteSecondMillis: return ["YYYY-MM-DDTHH:mm:ss.SSS"]
        case .basicDate, .yearMonthDay, .strictYearMonthDay: return ["YYYYMMDD"]
        case .year, .strictYear: return ["YYYY"]
        case .hourMinute, .strictHourMinute: return ["HH:mm"]
        case .hourMinuteSecond, .strictHourMinuteSecond: return ["HH:mm:ss"]
        }
    }

    /// ISO 8601 as `strict_date_optional_time` reads it: a date, optionally a time, optionally a zone.
    static let isoLayouts: [String] = {
        let dates = ["YYYY", "YYYY-MM", "YYYY-MM-DD"]
        let times = ["THH", "THH:mm", "THH:mm:ss", "THH:mm:ss.SSS"]
        var layouts = dates
        for time in times {
            layouts.append("YYYY-MM-DD" + time)
            layouts.append("YYYY-MM-DD" + time + "ZZ")
        }
        return layouts
    }()

    /// The value as epoch milliseconds, or `nil` when it does not fit the format.
    func epochMilliseconds(of value: JSONValue) -> Int? {
        switch self {
        case .epochMillis:
            guard let number = value.numberValue, number.isFinite, abs(number) < 8.64e15 else { return nil }
            return Int(number)
        case .epochSecond:
            guard let number = value.numberValue, number.isFinite, abs(number) < 8.64e12 else { return nil }
            return Int(number * 1000)
        default:
            guard case .string(let text) = value else { return nil }
            return DateText.parse(text, layouts: layouts)
        }
    }
}

/// Parses dates written along fixed layouts.
enum DateText {
    /// The first layout that reads the whole of `text`, as epoch milliseconds (UTC unless the text
    /// carries a zone).
    static func parse(_ text: String, layouts: [String]) -> Int? {
        let characters = Array(text.utf8)
        for layout in layouts {
            if let millis = parse(characters, layout: Array(layout.utf8)) { return millis }
        }
        return nil
    }

    private static func parse(_ text: [UInt8], layout: [UInt8]) -> Int? {
        var year = 1970, month = 1, day = 1, hour = 0, minute = 0, second = 0, millis = 0, offset = 0
        var position = 0
        var cursor = 0
        func digits(_ count: Int) -> Int? {
            guard position + count <= text.count else { return nil }
            var value = 0
            for byte in text[position..<position + count] {
                guard byte >= 48 && byte <= 57 else { return nil }
                value = value * 10 + Int(byte - 48)
            }
            position += count
            return value
        }
        func token(_ name: StaticString) -> Bool {
            let count = name.utf8CodeUnitCount
            guard cursor + count <= layout.count else { return false }
            let bytes = UnsafeBufferPointer(start: name.utf8Start, count: count)
            for offset in 0..<count where layout[cursor + offset] != bytes[offset] { return false }
            cursor += count
            return true
        }
        while cursor < layout.count {
            if token("YYYY") {
                guard let value = digits(4) else { return nil }
                year = value
            } else if token("MM") {
                guard let value = digits(2), (1...12).contains(value) else { return nil }
                month = value
            } else if token("DD") {
                guard let value = digits(2), value >= 1, value <= daysIn(month: month, year: year) else { return nil }
                day = value
            } else if token("HH") {
                guard let value = digits(2), value < 24 else { return nil }
                hour = value
            } else if token("mm") {
                guard let value = digits(2), value < 60 else { return nil }
                minute = value
            } else if token("ss") {
                guard let value = digits(2), value < 60 else { return nil }
                second = value
            } else if token("SSS") {
                guard let value = digits(3) else { return nil }
                millis = value
            } else if token("ZZ") {
                guard position < text.count else { return nil }
                if text[position] == UInt8(ascii: "Z") {
                    position += 1
                    continue
                }
                let sign: Int
                switch text[position] {
                case UInt8(ascii: "+"): sign = 1
                case UInt8(ascii: "-"): sign = -1
                default: return nil
                }
                position += 1
                guard let hours = digits(2), hours < 24 else { return nil }
                if position < text.count, text[position] == UInt8(ascii: ":") { position += 1 }
                guard let minutes = digits(2), minutes < 60 else { return nil }
                offset = sign * (hours * 60 + minutes)
            } else {
                guard position < text.count, text[position] == layout[cursor] else { return nil }
                position += 1
                cursor += 1
            }
        }
        guard position == text.count else { return nil }
        let days = daysFromEpoch(year: year, month: month, day: day)
        return ((days * 24 + hour) * 60 + minute - offset) * 60_000 + second * 1000 + millis
    }

    /// Days from 1970-01-01 to the given proleptic Gregorian date.
    static func daysFromEpoch(year: Int, month: Int, day: Int) -> Int {
        let shifted = month <= 2 ? year - 1 : year
        let era = (shifted >= 0 ? shifted : shifted - 399) / 400
        let yearOfEra = shifted - era * 400
        let dayOfYear = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146_097 + dayOfEra - 719_468
    }

    private static func daysIn(month: Int, year: Int) -> Int {
        switch month {
        case 2: return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }
}

/// The `range` of a `date` field: bounds as epoch milliseconds, or `NOW` (read at validation time).
struct DateRange {
    enum Bound {
        case instant(Int)
        case now

        func millis(now: Int) -> Int {
            switch self {
            case .instant(let value): return value
            case .now: return now
            }
        }
    }

    var min: Bound?
    var max: Bound?

    /// Curates `typeOptions.range`: `{min, max}`, each an ISO 8601 text, epoch milliseconds or `"NOW"`.
    init(_ value: JSONValue?) throws(KuzzleError) {
        guard let value else { return }
        guard case .object(let object) = value, object.keys.allSatisfy({ $0 == "min" || $0 == "max" }) else {
            throw .unexpectedProperties("range", allowed: "min, max")
        }
        if let given = object["min"] { min = try Self.bound(given) }
        if let given = object["max"] { max = try Self.bound(given) }
        if case .instant(let lower)? = min, case .instant(let upper)? = max, upper < lower {
            throw .invalidRange("range", lower: "min", upper: "max")
        }
    }

    private static func bound(_ value: JSONValue) throws(KuzzleError) -> Bound {
        switch value {
        case .string("NOW"): return .now
        case .string(let text):
            guard let millis = DateText.parse(text, layouts: DateFormat.isoLayouts) else { throw .invalidDate(text) }
            return .instant(millis)
        case .int(let millis): return .instant(millis)
        case .double(let millis) where millis.isFinite: return .instant(Int(millis))
        default: throw .invalidDate("\(value)")
        }
    }

    func violation(of millis: Int, now: Int) -> String? {
        if let min, millis < min.millis(now: now) { return "The provided date is before the defined minimum." }
        if let max, millis > max.millis(now: now) { return "The provided date is after the defined maximum." }
        return nil
    }
}

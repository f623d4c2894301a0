/// Writes compact JSON exactly as JavaScript's `JSON.stringify` does.
///
/// - object keys keep their order; no whitespace is written;
/// - strings escape `"`, `\`, `\b`, `\f`, `\n`, `\r` and `\t` by name, every other control
///   character below U+0020 as `\u00xx` (lowercase hex), and write everything else as raw UTF-8,
///   U+2028 and U+2029 included;
/// - integers are written plainly, doubles in `Number.prototype.toString` form (shortest
///   round-trip digits, `1e+21`, `1e-7`, `0.1`, `100` for `100.0`, `0` for `-0`), and NaN and
///   the infinities as `null`.
///
/// ``JSONObjectWriter`` and ``JSONArrayWriter`` write frames member by member without building a
/// ``JSONValue`` first.
public enum JSONWriter {
    /// Appends the JSON text of `value` to `buffer`.
    public static func write(_ value: JSONValue, into buffer: inout [UInt8]) {
        var sink = ByteSink(capacity: 256)
        write(value, into: &sink)
        buffer.append(contentsOf: sink.written)
    }

    /// The JSON text of `value` as UTF-8 bytes.
    public static func encode(_ value: JSONValue) -> [UInt8] {
        var sink = ByteSink(capacity: 512)
        write(value, into: &sink)
        return Array(sink.written)
    }

    private static func write(_ value: JSONValue, into sink: inout ByteSink) {
        switch value {
        case .null:
            sink.append("null")
        case .bool(let bool):
            sink.append(bool ? "true" : "false")
        case .int(let int):
            writeInt(int, into: &sink)
        case .double(let double):
            var text: [UInt8] = []
            writeDouble(double, into: &text)
            text.withUnsafeBufferPointer { sink.append($0) }
        case .string(let string):
            writeString(string, into: &sink)
        case .array(let elements):
            sink.append(Byte.openBracket)
            for index in elements.indices {
                if index != 0 { sink.append(Byte.comma) }
                write(elements[index], into: &sink)
            }
            sink.append(Byte.closeBracket)
        case .object(let object):
            sink.append(Byte.openBrace)
            let keys = object.keys
            let values = object.values
            for index in keys.indices {
                if index != 0 { sink.append(Byte.comma) }
                writeString(keys[index], into: &sink)
                sink.append(Byte.colon)
                write(values[index], into: &sink)
            }
            sink.append(Byte.closeBrace)
        }
    }

    /// Writes a quoted string: its bytes in one copy when none needs an escape, else through the
    /// array writer's escaping.
    private static func writeString(_ string: String, into sink: inout ByteSink) {
        var string = string
        let plain = string.withUTF8 { utf8 in
            guard PlainText.isPlain(utf8) else { return false }
            sink.reserve(utf8.count &+ 2)
            sink.append(Byte.quote)
            sink.append(utf8)
            sink.append(Byte.quote)
            return true
        }
        if !plain {
            var text: [UInt8] = []
            writeString(string, into: &text)
            text.withUnsafeBufferPointer { sink.append($0) }
        }
    }

    private static func writeInt(_ value: Int, into sink: inout ByteSink) {
        withDecimal(value) { sink.append($0) }
    }

    /// The JSON text of `value`.
    public static func encodeToString(_ value: JSONValue) -> String {
        String(decoding: encode(value), as: UTF8.self)
    }

    /// Appends `string` as a quoted, escaped JSON string.
    public static func writeString(_ string: String, into buffer: inout [UInt8]) {
        buffer.append(Byte.quote)
        let written: Void? = string.utf8.withContiguousStorageIfAvailable { utf8 in
            appendText(utf8, to: &buffer)
        }
        if written == nil {
            var contiguous = string
            contiguous.makeContiguousUTF8()
            contiguous.withUTF8 { utf8 in appendText(utf8, to: &buffer) }
        }
        buffer.append(Byte.quote)
    }

    /// Appends a string's UTF-8 bytes as JSON string text: in one copy when none needs an escape
    /// (keys and most values), else through the escaping loop.
    @inline(__always)
    private static func appendText(_ utf8: UnsafeBufferPointer<UInt8>, to buffer: inout [UInt8]) {
        if PlainText.isPlain(utf8) {
            buffer.append(contentsOf: utf8)
        } else {
            appendEscaped(utf8, to: &buffer)
        }
    }

    /// Appends `value` in decimal.
    public static func writeInt(_ value: Int, into buffer: inout [UInt8]) {
        withDecimal(value) { buffer.append(contentsOf: $0) }
    }

    /// Calls `body` with `value` in decimal, its sign included.
    @inline(__always)
    private static func withDecimal(_ value: Int, _ body: (UnsafeBufferPointer<UInt8>) -> Void) {
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 20) { digits in
            var magnitude = value.magnitude
            var start = digits.count
            repeat {
                start -= 1
                digits[start] = Byte.zero + UInt8(magnitude % 10)
                magnitude /= 10
            } while magnitude > 0
            if value < 0 {
                start -= 1
                digits[start] = Byte.minus
            }
            body(UnsafeBufferPointer(rebasing: digits[start...]))
        }
    }

    /// Appends `value` as JavaScript's `String(value)` spells it, or `null` when it is not finite.
    public static func writeDouble(_ value: Double, into buffer: inout [UInt8]) {
        guard value.isFinite else {
            appendASCII("null", to: &buffer)
            return
        }
        // Integers below 2^53 are their own shortest digits; this also writes -0 as 0.
        if value.rounded(.towardZero) == value && value.magnitude < 0x1p53 {
            writeInt(Int(value), into: &buffer)
            return
        }
        JavaScriptNumberFormat(value).write(into: &buffer)
    }

    static func appendASCII(_ text: StaticString, to buffer: inout [UInt8]) {
        buffer.append(contentsOf: UnsafeBufferPointer(start: text.utf8Start, count: text.utf8CodeUnitCount))
    }

    /// Appends the escaped form of a string's UTF-8 bytes, copying unescaped runs in one go.
    private static func appendEscaped(_ utf8: UnsafeBufferPointer<UInt8>, to buffer: inout [UInt8]) {
        var runStart = 0
        for index in utf8.indices {
            let byte = utf8[index]
            guard byte < 0x20 || byte == Byte.quote || byte == Byte.backslash else { continue }
            if runStart < index {
                buffer.append(contentsOf: UnsafeBufferPointer(rebasing: utf8[runStart..<index]))
            }
            runStart = index + 1
            buffer.append(Byte.backslash)
            switch byte {
            case Byte.quote, Byte.backslash: buffer.append(byte)
            case 0x08: buffer.append(Byte.lowercaseB)
            case 0x0C: buffer.append(Byte.lowercaseF)
            case Byte.newline: buffer.append(Byte.lowercaseN)
            case Byte.carriageReturn: buffer.append(Byte.lowercaseR)
            case Byte.tab: buffer.append(Byte.lowercaseT)
            default:
                appendASCII("u00", to: &buffer)
                buffer.append(hexDigit(byte >> 4))
                buffer.append(hexDigit(byte & 0x0F))
            }
        }
        if runStart < utf8.count {
            buffer.append(contentsOf: UnsafeBufferPointer(rebasing: utf8[runStart...]))
        }
    }

    @inline(__always)
    private static func hexDigit(_ nibble: UInt8) -> UInt8 {
        nibble < 10 ? Byte.zero + nibble : 0x57 + nibble  // 0x57 + 10 == "a"
    }
}

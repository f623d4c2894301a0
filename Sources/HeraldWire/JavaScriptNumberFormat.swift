/// A finite double laid out as JavaScript's `Number.prototype.toString()` does.
///
/// The digits are the shortest ones that round-trip, taken from the standard library's
/// `description`; only their layout differs between Swift and JavaScript. With `k` digits and the
/// value equal to `0.d1…dk × 10^n`, JavaScript writes:
/// - `k ≤ n ≤ 21`: the digits then `n − k` zeros (`123456789012345680000`);
/// - `0 < n ≤ 21`: a point after `n` digits (`1.5`);
/// - `−6 < n ≤ 0`: `0.`, `−n` zeros, then the digits (`0.000001`);
/// - otherwise exponent form, `1e+21`, `1.5e-7`.
struct JavaScriptNumberFormat {
    private let value: Double

    init(_ value: Double) {
        self.value = value
    }

    func write(into buffer: inout [UInt8]) {
        var text = value.description
        text.withUTF8 { utf8 in
            withUnsafeTemporaryAllocation(of: UInt8.self, capacity: utf8.count) { digits in
                layOut(utf8, digits: digits, into: &buffer)
            }
        }
    }

    /// Re-lays `description` (`-1.5`, `1e-07`, `1.2345e+20`) out the JavaScript way.
    private func layOut(
        _ description: UnsafeBufferPointer<UInt8>, digits: UnsafeMutableBufferPointer<UInt8>,
        into buffer: inout [UInt8]
    ) {
        var index = 0
        if description[0] == Byte.minus {
            buffer.append(Byte.minus)
            index = 1
        }
        // Collect the significand's digits and where its point falls.
        var count = 0
        var pointAfter: Int?
        while index < description.count && description[index] | 0x20 != Byte.lowercaseE {
            if description[index] == Byte.dot {
                pointAfter = count
            } else {
                digits[count] = description[index]
                count += 1
            }
            index += 1
        }
        var exponent = 0
        if index < description.count {
            index += 1
            var negative = false
            if description[index] == Byte.minus || description[index] == Byte.plus {
                negative = description[index] == Byte.minus
                index += 1
            }
            while index < description.count {
                exponent = exponent * 10 + Int(description[index] - Byte.zero)
                index += 1
            }
            if negative { exponent = -exponent }
        }
        // value = 0.d1…dk × 10^n once leading and trailing zeros are gone.
        var first = 0
        var n = (pointAfter ?? count) + exponent
        while first < count - 1 && digits[first] == Byte.zero {
            first += 1
            n -= 1
        }
        while count - 1 > first && digits[count - 1] == Byte.zero { count -= 1 }
        let significant = UnsafeBufferPointer(rebasing: digits[first..<count])
        let k = significant.count

        if k <= n && n <= 21 {
            buffer.append(contentsOf: significant)
            buffer.append(contentsOf: repeatElement(Byte.zero, count: n - k))
        } else if 0 < n && n <= 21 {
            buffer.append(contentsOf: significant[..<n])
            buffer.append(Byte.dot)
            buffer.append(contentsOf: significant[n...])
        } else if -6 < n && n <= 0 {
            buffer.append(Byte.zero)
            buffer.append(Byte.dot)
            buffer.append(contentsOf: repeatElement(Byte.zero, count: -n))
            buffer.append(contentsOf: significant)
        } else {
            buffer.append(significant[0])
            if k > 1 {
                buffer.append(Byte.dot)
                buffer.append(contentsOf: significant[1...])
            }
            buffer.append(Byte.lowercaseE)
            buffer.append(n - 1 < 0 ? Byte.minus : Byte.plus)
            JSONWriter.writeInt(abs(n - 1), into: &buffer)
        }
    }
}

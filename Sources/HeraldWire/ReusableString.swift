#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A string whose JSON text is its own bytes between two quotes, which ``JSONParser`` can hand
/// back when the same text comes again instead of building a copy.
///
/// Only printable ASCII without a quote or a backslash qualifies: any other string is written
/// with escapes, or could be mistaken for a shorter string followed by more JSON.
public struct ReusableString: Sendable {
    /// The string handed back.
    public let value: String
    /// Its bytes, compared with the text being read.
    private let bytes: [UInt8]

    /// `nil` when `value` is empty or holds a byte that JSON text would escape, or a non-ASCII one.
    public init?(_ value: String) {
        let bytes = Array(value.utf8)
        guard !bytes.isEmpty,
              bytes.allSatisfy({ $0 >= 0x20 && $0 < 0x7F && $0 != UInt8(ascii: "\"") && $0 != UInt8(ascii: "\\") })
        else { return nil }
        self.value = value
        self.bytes = bytes
    }

    /// Its length in bytes.
    var length: Int { bytes.count }

    /// Whether the `length` bytes at `text` are this string's (the caller checked that they are
    /// followed by a quote).
    func isWritten(at text: UnsafeRawPointer) -> Bool {
        bytes.withUnsafeBytes { own in memcmp(text, own.baseAddress!, own.count) == 0 }
    }
}

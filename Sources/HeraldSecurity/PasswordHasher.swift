import Crypto
import CryptoExtras
public import HeraldWire

/// A stored password: PBKDF2-SHA512 of the password with a random salt. Never the password.
public struct PasswordHash: Sendable, Hashable {
    public let salt: [UInt8]
    public let iterations: Int
    public let digest: [UInt8]

    public init(salt: [UInt8], iterations: Int, digest: [UInt8]) {
        self.salt = salt
        self.iterations = iterations
        self.digest = digest
    }

    /// Stored form: `{algorithm, iterations, salt, hash}` (hex).
    public var json: JSONObject {
        ["algorithm": "pbkdf2-sha512", "iterations": .int(iterations),
         "salt": .string(Hex.encode(salt)), "hash": .string(Hex.encode(digest))]
    }

    /// Reads the stored form; `nil` when it is not one.
    public init?(json: JSONObject) {
        guard json["algorithm"] == .string("pbkdf2-sha512"),
              let iterations = json["iterations"]?.integerValue, iterations > 0,
              let salt = json["salt"]?.stringValue.flatMap(Hex.decode),
              let digest = json["hash"]?.stringValue.flatMap(Hex.decode)
        else { return nil }
        self.init(salt: salt, iterations: iterations, digest: digest)
    }
}

/// Hashes and checks passwords with PBKDF2-SHA512 (swift-crypto's CryptoExtras).
///
/// Checking costs one full derivation whether or not the user exists (``verify(_:against:)``
/// with `nil` derives against a fixed decoy), and digests are compared in constant time.
/// A value type; thread-safe.
public struct PasswordHasher: Sendable {
    /// OWASP's figure for PBKDF2-HMAC-SHA512, and CryptoExtras' minimum.
    public static let recommendedIterations = 210_000
    public let iterations: Int
    private static let digestLength = 64
    private static let saltLength = 16

    /// `iterations` below ``recommendedIterations`` only make sense in tests.
    public init(iterations: Int = PasswordHasher.recommendedIterations) {
        precondition(iterations > 0, "PBKDF2 needs at least one iteration")
        self.iterations = iterations
    }

    /// A fresh salted hash of `password`.
    public func hash(_ password: String) -> PasswordHash {
        var generator = SystemRandomNumberGenerator()
        let salt = (0..<Self.saltLength).map { _ in UInt8.random(in: 0...255, using: &generator) }
        return PasswordHash(salt: salt, iterations: iterations,
                            digest: Self.derive(password, salt: salt, iterations: iterations))
    }

    /// Whether `password` matches `stored`; with `stored == nil` (unknown user) it spends the
    /// same time and answers `false`.
    public func verify(_ password: String, against stored: PasswordHash?) -> Bool {
        let reference = stored ?? PasswordHash(salt: Self.decoySalt, iterations: iterations,
                                               digest: [UInt8](repeating: 0, count: Self.digestLength))
        let candidate = Self.derive(password, salt: reference.salt, iterations: reference.iterations)
        return constantTimeEquals(candidate, reference.digest) && stored != nil
    }

    private static let decoySalt = [UInt8](repeating: 0x5A, count: saltLength)

    private static func derive(_ password: String, salt: [UInt8], iterations: Int) -> [UInt8] {
        do {
            let key = try KDF.Insecure.PBKDF2.deriveKey(
                from: Array(password.utf8), salt: salt, using: .sha512, outputByteCount: digestLength,
                unsafeUncheckedRounds: iterations)
            return key.withUnsafeBytes { Array($0) }
        } catch {
            // BoringSSL fails only on allocation failure; no digest can match then.
            return []
        }
    }
}

/// Compares two byte strings in time that depends only on their lengths.
public func constantTimeEquals(_ lhs: [UInt8], _ rhs: [UInt8]) -> Bool {
    guard lhs.count == rhs.count, !lhs.isEmpty else { return false }
    var difference: UInt8 = 0
    for position in 0..<lhs.count { difference |= lhs[position] ^ rhs[position] }
    return difference == 0
}

/// Lowercase hexadecimal.
enum Hex {
    private static let digits = Array("0123456789abcdef".utf8)

    static func encode(_ bytes: [UInt8]) -> String {
        var output: [UInt8] = []
        output.reserveCapacity(bytes.count * 2)
        for byte in bytes {
            output.append(digits[Int(byte >> 4)])
            output.append(digits[Int(byte & 15)])
        }
        return String(decoding: output, as: UTF8.self)
    }

    static func decode(_ text: String) -> [UInt8]? {
        let symbols = Array(text.utf8)
        guard symbols.count % 2 == 0 else { return nil }
        var output: [UInt8] = []
        output.reserveCapacity(symbols.count / 2)
        var position = 0
        while position < symbols.count {
            guard let high = value(symbols[position]), let low = value(symbols[position + 1]) else { return nil }
            output.append(high << 4 | low)
            position += 2
        }
        return output
    }

    private static func value(_ symbol: UInt8) -> UInt8? {
        switch symbol {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return symbol - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): return symbol - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): return symbol - UInt8(ascii: "A") + 10
        default: return nil
        }
    }
}

@testable import HeraldSecurity
import HeraldWire
import Testing

@Suite struct JSONWebTokenTests {
    let signer = JSONWebTokenSigner(secret: Array("a secret of some length".utf8))

    @Test func signedTokensVerifyAndCarryTheirClaims() throws {
        let claims = TokenClaims(userID: "alice", issuedAt: 1_700_000_000, expiresAtMilliseconds: 1_700_003_600_123)
        let token = signer.sign(claims)
        #expect(token.split(separator: ".").count == 3)
        #expect(try signer.verify(token, nowMilliseconds: 1_700_000_000_000) == claims)
        let forever = TokenClaims(userID: "bob", issuedAt: 1, expiresAtMilliseconds: nil)
        #expect(try signer.verify(signer.sign(forever), nowMilliseconds: .max) == forever)
    }

    @Test func theHeaderAndPayloadAreStandardJWT() throws {
        let token = signer.sign(TokenClaims(userID: "u", issuedAt: 10, expiresAtMilliseconds: 20_000))
        let parts = token.split(separator: ".")
        #expect(Base64URL.decode(parts[0]).map { String(decoding: $0, as: UTF8.self) } == #"{"alg":"HS256","typ":"JWT"}"#)
        let payload = try JSONParser.parse(Base64URL.decode(parts[1])!)
        #expect(payload.objectValue?["_id"] == "u")
        #expect(payload.objectValue?["iat"] == 10)
        #expect(payload.objectValue?["exp"] == 20)
    }

    @Test func expiredTamperedForeignAndMalformedTokensAreRefused() {
        let token = signer.sign(TokenClaims(userID: "u", issuedAt: 1, expiresAtMilliseconds: 5_000))
        #expect(throws: TokenRejection.expired) { try signer.verify(token, nowMilliseconds: 5_000) }
        let other = JSONWebTokenSigner(secret: Array("another secret".utf8))
        #expect(throws: TokenRejection.invalid) { try other.verify(token, nowMilliseconds: 0) }
        var parts = token.split(separator: ".").map(String.init)
        parts[1] = Base64URL.encode(Array(#"{"_id":"admin","iat":1}"#.utf8))
        #expect(throws: TokenRejection.invalid) { try signer.verify(parts.joined(separator: "."), nowMilliseconds: 0) }
        for garbage in ["", "a.b", "a.b.c", "\(token).x", "e30.e30.", String(token.filter { $0 != "." })] {
            #expect(throws: TokenRejection.invalid) { try signer.verify(garbage, nowMilliseconds: 0) }
        }
    }

    @Test func base64URLRoundTripsEveryLength() {
        for length in 0..<40 {
            let bytes = (0..<length).map { UInt8(truncatingIfNeeded: $0 * 37 + 11) }
            let text = Base64URL.encode(bytes)
            #expect(!text.contains("=") && !text.contains("+") && !text.contains("/"))
            #expect(Base64URL.decode(text[...]) == bytes)
        }
        #expect(Base64URL.decode("a") == nil)
        #expect(Base64URL.decode("ab=c") == nil)
        #expect(Base64URL.decode("AB") == nil)  // non-zero leftover bits
    }
}

@Suite struct PasswordHasherTests {
    let hasher = PasswordHasher(iterations: 1_000)

    @Test func hashesVerifyTheirPasswordOnly() {
        let stored = hasher.hash("correct horse")
        #expect(stored.salt.count == 16 && stored.digest.count == 64 && stored.iterations == 1_000)
        #expect(hasher.verify("correct horse", against: stored))
        #expect(!hasher.verify("correct horsE", against: stored))
        #expect(!hasher.verify("", against: stored))
        #expect(!hasher.verify("correct horse", against: nil))
    }

    @Test func saltsDifferAndTheStoredFormRoundTrips() {
        let first = hasher.hash("pw")
        let second = hasher.hash("pw")
        #expect(first.salt != second.salt && first.digest != second.digest)
        #expect(PasswordHash(json: first.json) == first)
        #expect(PasswordHash(json: ["algorithm": "md5"]) == nil)
        // A hash made with other iterations still verifies (the count is stored).
        #expect(PasswordHasher(iterations: 2_000).verify("pw", against: first))
    }

    @Test func preparedHashesAreUsedUpAndSaltedApart() {
        var prepared = PreparedPasswords(computing: [.hash("pw"), .hash("pw")], with: hasher)
        let first = prepared.takeHash(of: "pw"), second = prepared.takeHash(of: "pw")
        #expect(first != nil && second != nil && first?.salt != second?.salt)
        #expect(first.map { hasher.verify("pw", against: $0) } == true)
        #expect(prepared.takeHash(of: "pw") == nil && prepared.isEmpty)
    }

    @Test func preparedVerdictsHoldForTheHashTheyWereCheckedAgainstOnly() {
        let stored = hasher.hash("pw"), changed = hasher.hash("pw")
        let prepared = PreparedPasswords(computing: [.check("pw", against: stored), .check("pw", against: nil),
                                                     .check("nope", against: stored)], with: hasher)
        #expect(prepared.verdict(for: "pw", against: stored) == true)
        #expect(prepared.verdict(for: "nope", against: stored) == false)
        #expect(prepared.verdict(for: "pw", against: nil) == false)
        // The password changed since: not prepared, so it is derived again.
        #expect(prepared.verdict(for: "pw", against: changed) == nil)
    }

    @Test func constantTimeComparison() {
        #expect(constantTimeEquals([1, 2, 3], [1, 2, 3]))
        #expect(!constantTimeEquals([1, 2, 3], [1, 2, 4]))
        #expect(!constantTimeEquals([1, 2], [1, 2, 3]))
        #expect(!constantTimeEquals([], []))
    }
}

@Suite struct LoginLimitAndRevocationTests {
    @Test func failuresBlockAKeyForTheRestOfTheWindow() {
        var limiter = LoginAttemptLimiter(maxFailures: 3, windowMilliseconds: 1_000)
        for _ in 0..<3 {
            #expect(limiter.admits("u", nowMilliseconds: 100))
            limiter.recordFailure("u", nowMilliseconds: 100)
        }
        #expect(!limiter.admits("u", nowMilliseconds: 500))
        #expect(limiter.admits("other", nowMilliseconds: 500))
        #expect(limiter.admits("u", nowMilliseconds: 1_100))
        limiter.recordFailure("u", nowMilliseconds: 1_100)
        limiter.recordSuccess("u")
        #expect(limiter.admits("u", nowMilliseconds: 1_200))
        var disabled = LoginAttemptLimiter(maxFailures: 0)
        for _ in 0..<10 { disabled.recordFailure("u", nowMilliseconds: 0) }
        #expect(disabled.admits("u", nowMilliseconds: 0))
    }

    @Test func revokedTokensAreForgottenOnceExpired() {
        var revocations = TokenRevocations()
        revocations.revoke("a", expiresAtMilliseconds: 1_000)
        revocations.revoke("b", expiresAtMilliseconds: nil)
        #expect(revocations.isRevoked("a") && revocations.isRevoked("b") && !revocations.isRevoked("c"))
        revocations.prune(nowMilliseconds: 1_000)
        #expect(!revocations.isRevoked("a") && revocations.isRevoked("b"))
        #expect(revocations.count == 1)
    }

    @Test func lifetimesInKuzzleFormats() throws {
        #expect(try TokenLifetime.parse(.int(2_000)) == .milliseconds(2_000))
        #expect(try TokenLifetime.parse(.int(-1)) == .unlimited)
        #expect(try TokenLifetime.parse("-1") == .unlimited)
        #expect(try TokenLifetime.parse("2s") == .milliseconds(2_000))
        #expect(try TokenLifetime.parse("1h") == .milliseconds(3_600_000))
        #expect(try TokenLifetime.parse("1.5h") == .milliseconds(5_400_000))
        #expect(try TokenLifetime.parse("30 minutes") == .milliseconds(1_800_000))
        #expect(try TokenLifetime.parse("2 days") == .milliseconds(172_800_000))
        #expect(try TokenLifetime.parse("100") == .milliseconds(100))
        #expect(try TokenLifetime.parse("1w") == .milliseconds(604_800_000))
        #expect(throws: KuzzleError.self) { try TokenLifetime.parse("soon") }
        #expect(throws: KuzzleError.self) { try TokenLifetime.parse(.int(-5)) }
        #expect(throws: KuzzleError.invalidType("expiresIn", expected: "integer, string")) {
            try TokenLifetime.parse(.bool(true))
        }
    }
}

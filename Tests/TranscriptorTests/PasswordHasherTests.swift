import Testing

@testable import Runtime
@testable import Transcriptor

/// scrypt password hashes: RFC 7914's vector, verification, the self-describing format, upgrades.
@Suite struct PasswordHasherTests {
    @Test func scryptMatchesRFC7914() throws {
        let derived = try #require(
            PasswordHasher.derive(
                "password", salt: Array("NaCl".utf8), parameters: .init(logN: 10, r: 8, p: 16), length: 64))
        #expect(
            Hex.encode(derived)
                == "fdbabe1c9d3472007856e7190d01e9fe7c6ad7cbc8237830e77376634b3731622eaf30d92e22a3886ff109279d9830dac727afb94a83ee6d8360cbdfa2cc0640"
        )
    }

    @Test func aHashVerifiesItsPasswordAndNoOther() {
        let hasher = PasswordHasher()
        let encoded = hasher.hash("correct horse battery staple")
        #expect(encoded.hasPrefix("$scrypt$ln=15,r=8,p=3$"))
        #expect(hasher.verify("correct horse battery staple", against: encoded) == (true, false))
        #expect(hasher.verify("correct horse battery stapl", against: encoded).matches == false)
        #expect(hasher.verify("", against: encoded).matches == false)
        #expect(hasher.hash("same") != hasher.hash("same"), "every hash has its own salt")
    }

    @Test func malformedHashesNeverMatch() {
        let hasher = PasswordHasher()
        for bad in [
            "", "plain", "$scrypt$ln=15,r=8,p=3$$",
            "$scrypt$ln=40,r=8,p=3$AAAAAAAAAAAAAAAAAAAAAA==$AAAAAAAAAAAAAAAAAAAAAA==",
            "$bcrypt$ln=15,r=8,p=3$AAAAAAAAAAAAAAAAAAAAAA==$AAAAAAAAAAAAAAAAAAAAAA==",
        ] {
            #expect(hasher.verify("x", against: bad) == (false, false), "\(bad)")
        }
    }

    @Test func hashesMadeWithWeakerParametersAskToBeUpgradedOnLogin() {
        let old = PasswordHasher(parameters: .init(logN: 12, r: 8, p: 1)).hash("secret-password")
        let current = PasswordHasher()
        #expect(current.verify("secret-password", against: old) == (true, true))
        #expect(current.verify("wrong-password", against: old) == (false, false), "only a matching login upgrades")
    }
}

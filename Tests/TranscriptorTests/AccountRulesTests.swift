import Testing

@testable import Transcriptor

/// Email addresses and password rules, with the messages people read.
@Suite struct AccountRulesTests {
    @Test func emailsAreTrimmedCheckedAndComparedCaseInsensitively() throws {
        let email = try EmailAddress("  Ada.Lovelace@Example.COM ")
        #expect(email.text == "Ada.Lovelace@Example.COM")
        #expect(email.normalized == "ada.lovelace@example.com")
        #expect(email == (try EmailAddress("ada.lovelace@example.com")))
        for bad in [
            "", "ada", "ada@", "@example.com", "ada@example", "a b@example.com", "ada@@example.com", "ada@.com",
        ] {
            #expect(throws: EmailAddress.Invalid.self, "\(bad)") { try EmailAddress(bad) }
        }
        #expect { try EmailAddress("ada@example") } throws: {
            ($0 as? EmailAddress.Invalid)?.message.contains("domain such as example.com") == true
        }
    }

    @Test func passwordRulesSayWhatIsWrong() throws {
        let policy = PasswordPolicy()
        try policy.check("correct horse battery staple")
        #expect { try policy.check("short") } throws: {
            ($0 as? PasswordPolicy.Weak)?.message == "Use at least 10 characters for your password (this one has 5)."
        }
        #expect { try policy.check("password123") } throws: {
            ($0 as? PasswordPolicy.Weak)?.message.contains("most common") == true
        }
        #expect { try policy.check("aaaaaaaaaaaa") } throws: { ($0 as? PasswordPolicy.Weak) != nil }
        #expect { try policy.check(String(repeating: "xyz1", count: 40)) } throws: {
            ($0 as? PasswordPolicy.Weak)?.message == "Use at most 128 characters for your password."
        }
        let email = try EmailAddress("lovelace@example.com")
        #expect { try policy.check("lovelace-rules-2026", email: email) } throws: {
            ($0 as? PasswordPolicy.Weak)?.message == "Your password must not contain your email address."
        }
    }
}

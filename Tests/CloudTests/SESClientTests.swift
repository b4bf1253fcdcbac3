import Testing

@testable import Cloud

/// The SES v2 client against moto server: unverified senders are rejected, as in SES's sandbox.
@Suite struct SESClientTests {
    @Test func sendingNeedsAVerifiedSenderThenReturnsAMessageID() throws {
        let ses = try SESClient(configuration: motoConfiguration())
        let sender = "\(uniqueName("noreply"))@transcriptor.test"
        let email = SESClient.Email(
            from: sender, to: ["ada@example.com"], subject: "Reset your password",
            text: "Open the link", html: "<p>Open the link</p>")
        #expect { try ses.sendEmail(email) } throws: { ($0 as? AWSError)?.code == "MessageRejected" }
        try ses.createEmailIdentity(sender)
        let id = try ses.sendEmail(email)
        #expect(!id.isEmpty)
    }
}

import Cloud
import Runtime

/// The mail accounts send: verification and password-reset links into the web app, through SES
/// (in the emulator, its outbox).
public struct AccountMail {
    let accounts: AccountStore
    let ses: SESClient
    let from: String
    /// Where the links point: the web app.
    let webOrigin: String

    public init(accounts: AccountStore, ses: SESClient, from: String, webOrigin: String) {
        self.accounts = accounts
        self.ses = ses
        self.from = from
        self.webOrigin = webOrigin
    }

    /// How long the links work.
    public static let verificationLifetime: Int64 = 7 * 24 * 3600
    public static let resetLifetime: Int64 = 3600

    public func sendVerification(to user: User) throws {
        let token = try accounts.createMailToken(
            .emailVerification, userID: user.id, lifetime: Self.verificationLifetime)
        let link = "\(webOrigin)/verify-email?token=\(token.text)"
        try send(
            to: user.email, subject: "Confirm your email address for Transcriptor",
            lines: [
                "Welcome to Transcriptor.", "",
                "Confirm that this is your address by opening the link below (it works for 7 days):", "", link, "",
                "If you did not sign up, ignore this message.",
            ], link: link, action: "Confirm my address")
    }

    public func sendPasswordReset(to user: User) throws {
        let token = try accounts.createResetToken(userID: user.id, lifetime: Self.resetLifetime)
        let link = "\(webOrigin)/reset-password?token=\(token.text)"
        try send(
            to: user.email, subject: "Reset your Transcriptor password",
            lines: [
                "Someone (we hope you) asked to reset the password of your Transcriptor account.", "",
                "Choose a new password with the link below; it works once, for one hour, and any earlier",
                "reset link stops working:", "", link, "",
                "Resetting the password signs you out everywhere and revokes every API key of the account;",
                "create new keys afterwards for your scripts.", "",
                "If you did not ask for this, ignore this message: your password stays as it is.",
            ], link: link, action: "Choose a new password")
    }

    /// A billing notice (receipt, failed payment, plan changed, cancellation), linking the billing page.
    public func sendBillingNotice(to address: String, subject: String, lines: [String]) throws {
        let link = "\(webOrigin)/billing"
        try send(to: address, subject: subject, lines: lines + ["", link], link: link, action: "Open the billing page")
    }

    private func send(to address: String, subject: String, lines: [String], link: String, action: String) throws {
        let paragraphs = lines.split(separator: "", omittingEmptySubsequences: true).map {
            $0.map { $0 == link ? "<a href=\"\(XMLElement.escape(link))\">\(action)</a>" : XMLElement.escape($0) }
                .joined(separator: " ")
        }
        let html = paragraphs.map { "<p>\($0)</p>" }.joined(separator: "\n")
        try ses.sendEmail(
            .init(
                from: from, to: [address], subject: subject,
                text: lines.joined(separator: "\n"), html: "<!doctype html>\n<html><body>\n\(html)\n</body></html>"))
    }
}

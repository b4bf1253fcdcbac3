import HTTP
import Runtime

/// Amazon SES v2: sending simple (text and HTML) mail.
public final class SESClient {
    let transport: AWSTransport

    public init(configuration: AWSConfiguration, http: HTTPClient? = nil) throws {
        transport = try AWSTransport(service: .sesv2, configuration: configuration, http: http)
    }

    public struct Email: Sendable {
        public var from: String
        public var to: [String]
        public var subject: String
        public var text: String
        public var html: String?
        public var replyTo: [String]

        public init(
            from: String, to: [String], subject: String, text: String, html: String? = nil, replyTo: [String] = []
        ) {
            self.from = from
            self.to = to
            self.subject = subject
            self.text = text
            self.html = html
            self.replyTo = replyTo
        }
    }

    /// Sends a message; returns SES's message id.
    /// - Throws: `AWSError` (`MessageRejected`, `MailFromDomainNotVerifiedException`, …).
    @discardableResult
    public func sendEmail(_ email: Email) throws -> String {
        struct Content: Encodable { var Data: String; var Charset = "UTF-8" }
        struct Body: Encodable { var Text: Content; var Html: Content? }
        struct Simple: Encodable { var Subject: Content; var Body: Body }
        struct EmailContent: Encodable { var Simple: Simple }
        struct Destination: Encodable { var ToAddresses: [String] }
        struct Input: Encodable {
            var FromEmailAddress: String
            var Destination: Destination
            var ReplyToAddresses: [String]?
            var Content: EmailContent
        }
        struct Output: Decodable { var MessageId: String }
        let input = Input(
            FromEmailAddress: email.from, Destination: Destination(ToAddresses: email.to),
            ReplyToAddresses: email.replyTo.isEmpty ? nil : email.replyTo,
            Content: EmailContent(
                Simple: Simple(
                    Subject: Content(Data: email.subject),
                    Body: Body(Text: Content(Data: email.text), Html: email.html.map { Content(Data: $0) }))))
        let call = AWSCall(
            method: .post, path: "/v2/email/outbound-emails", headers: [("Content-Type", "application/json")],
            body: .bytes(try JSON.encode(input)), idempotent: false)
        let response = try transport.send(call, errorParser: AWSTransport.jsonError)
        guard response.status < 300 else { throw AWSTransport.jsonError(response) }
        do {
            return try JSON.decode(Output.self, from: response.body).MessageId
        } catch {
            throw AWSError.invalidResponse(
                "SendEmail answered with an unexpected body", status: response.status,
                requestID: AWSTransport.requestID(response))
        }
    }

    /// Starts verification of a sender address or domain (in the sandbox, recipients too).
    public func createEmailIdentity(_ identity: String) throws {
        struct Input: Encodable { var EmailIdentity: String }
        let call = AWSCall(
            method: .post, path: "/v2/email/identities", headers: [("Content-Type", "application/json")],
            body: .bytes(try JSON.encode(Input(EmailIdentity: identity))), idempotent: false)
        let response = try transport.send(call, errorParser: AWSTransport.jsonError)
        guard response.status < 300 else { throw AWSTransport.jsonError(response) }
    }
}

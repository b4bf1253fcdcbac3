import Foundation
import LocalStore

/// SES v2, locally: `SendEmail` puts the message in an outbox on disk, which the operator pages
/// show at `/_local/mail` (so a developer can click a password-reset link) and as JSON at
/// `/_local/mail.json`. Sender identities need no verification here.
final class SESOutbox: @unchecked Sendable {
    // @unchecked Sendable: the outbox folder is written under `lock`.
    struct Mail: Codable, Sendable {
        var id: String
        var sentAt: Date
        var from: String
        var to: [String]
        var replyTo: [String]
        var subject: String
        var text: String?
        var html: String?
    }

    let directory: String
    private let lock = NSLock()

    init(directory: String) throws {
        self.directory = directory
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
    }

    func handle(_ request: ServiceRequest) -> ServiceResponse {
        let path = request.rawPath
        switch (request.method, path) {
        case ("POST", "/v2/email/outbound-emails"):
            return send(request)
        case ("POST", "/v2/email/identities"):
            return .init(
                status: 200, headers: [("Content-Type", "application/json")],
                body: .bytes(Array(#"{"IdentityType":"EMAIL_ADDRESS","VerifiedForSendingStatus":true}"#.utf8)))
        default:
            return Self.error(
                404, "NotFoundException",
                "The local SES serves SendEmail and CreateEmailIdentity, not \(request.method) \(path)")
        }
    }

    private func send(_ request: ServiceRequest) -> ServiceResponse {
        guard let body = try? request.bodyBytes(),
            let input = try? JSONSerialization.jsonObject(with: Data(body)) as? [String: Any]
        else { return Self.error(400, "BadRequestException", "The request body is not JSON") }
        guard let from = input["FromEmailAddress"] as? String, !from.isEmpty else {
            return Self.error(400, "BadRequestException", "FromEmailAddress is required")
        }
        let destination = input["Destination"] as? [String: Any]
        let to =
            (destination?["ToAddresses"] as? [String] ?? []) + (destination?["CcAddresses"] as? [String] ?? [])
            + (destination?["BccAddresses"] as? [String] ?? [])
        guard !to.isEmpty else {
            return Self.error(400, "BadRequestException", "Destination needs at least one address")
        }
        guard let simple = (input["Content"] as? [String: Any])?["Simple"] as? [String: Any] else {
            return Self.error(400, "BadRequestException", "The local SES sends Content.Simple messages")
        }
        func data(_ object: Any?) -> String? { (object as? [String: Any])?["Data"] as? String }
        let bodyParts = simple["Body"] as? [String: Any]
        let mail = Mail(
            id: "local-" + UUID().uuidString.lowercased(), sentAt: Date(), from: from, to: to,
            replyTo: input["ReplyToAddresses"] as? [String] ?? [], subject: data(simple["Subject"]) ?? "",
            text: data(bodyParts?["Text"]), html: data(bodyParts?["Html"]))
        do {
            try lock.withLock {
                let encoder = JSONEncoder()
                encoder.dateEncodingStrategy = .iso8601
                let file = "\(directory)/\(Int(mail.sentAt.timeIntervalSince1970 * 1000))-\(mail.id).json"
                try encoder.encode(mail).write(to: URL(fileURLWithPath: file), options: .atomic)
            }
        } catch {
            return Self.error(500, "InternalServiceErrorException", "Could not write the outbox: \(error)")
        }
        Console.write("[SES] mail to \(to.joined(separator: ", ")): \(mail.subject) (see /_local/mail)")
        return .init(
            status: 200, headers: [("Content-Type", "application/json")],
            body: .bytes(Array("{\"MessageId\":\"\(mail.id)\"}".utf8)))
    }

    /// Every message, newest first.
    var mails: [Mail] {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        let files = ((try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []).filter {
            $0.hasSuffix(".json")
        }.sorted()
        return files.reversed().compactMap { file in
            (try? Data(contentsOf: URL(fileURLWithPath: "\(directory)/\(file)"))).flatMap {
                try? decoder.decode(Mail.self, from: $0)
            }
        }
    }

    static func error(_ status: Int, _ code: String, _ message: String) -> ServiceResponse {
        let body = (try? JSONSerialization.data(withJSONObject: ["message": message])) ?? Data()
        return .init(
            status: status, headers: [("Content-Type", "application/json"), ("x-amzn-ErrorType", code)],
            body: .bytes(Array(body)))
    }
}

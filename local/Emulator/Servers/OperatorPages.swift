import Cloud
import Foundation
import Hummingbird
import LocalTemplate

/// `/_local/`: what an operator wants to see of the running system (functions and their warm
/// processes, recent invocations) as a page and as JSON.
struct OperatorPages: Sendable {
    let lambda: LambdaService
    let template: Template
    let services: LocalServices
    let invoker: AsyncInvoker
    let emf: EMFMetrics
    let access: AccessControl

    struct QueueStatus: Codable {
        var name: String
        var visible: Int
        var inFlight: Int
        var delayed: Int
    }

    struct FunctionStatus: Codable {
        var name: String
        var executable: String
        var timeoutSeconds: Int
        var memoryMB: Int
        var concurrencyLimit: Int
        var processes: [Int32]
        var busy: Int
        var invocations: Int
        var errors: Int
        var throttles: Int
    }

    struct RoleStatus: Codable {
        var function: String
        var role: String
        var assumedRoleARN: String
        var accessKeyID: String
        var statements: Int
    }

    /// The functions' roles and what they were refused.
    struct IAMStatus: Codable {
        var mode: String
        var roles: [RoleStatus]
        var denials: Int
        var recentDenials: [AccessControl.Denial]
    }

    struct Status: Codable {
        var functions: [FunctionStatus]
        var queues: [QueueStatus]
        var pendingAsyncInvocations: Int
        var recentInvocations: [InvocationRecord]
        var iam: IAMStatus
    }

    func status() async -> Status {
        var functions: [FunctionStatus] = []
        for (name, pool) in lambda.pools.sorted(by: { $0.key < $1.key }) {
            let processes = await pool.processes
            functions.append(
                FunctionStatus(
                    name: name, executable: pool.executable, timeoutSeconds: pool.definition.timeoutSeconds,
                    memoryMB: pool.definition.memoryMB, concurrencyLimit: pool.limit, processes: processes.map(\.pid),
                    busy: processes.filter(\.busy).count, invocations: await pool.invocationCount,
                    errors: await pool.errorCount,
                    throttles: await pool.throttleCount))
        }
        let queues = template.queues.values.map(\.name).sorted().compactMap { name -> QueueStatus? in
            guard let depth = try? services.sqs.depth(queue: name) else { return nil }
            return QueueStatus(name: name, visible: depth.visible, inFlight: depth.inFlight, delayed: depth.delayed)
        }
        let roles = access.roles.sessions.map {
            RoleStatus(
                function: $0.function, role: $0.role.name, assumedRoleARN: $0.role.assumedRoleARN,
                accessKeyID: access.mode == .off ? "local" : $0.credentials.accessKeyID,
                statements: $0.role.statements.count)
        }
        return Status(
            functions: functions, queues: queues, pendingAsyncInvocations: invoker.pendingCount,
            recentInvocations: Array(lambda.recentInvocations.suffix(50).reversed()),
            iam: IAMStatus(
                mode: access.mode.rawValue, roles: roles, denials: access.denialCount,
                recentDenials: access.recentDenials))
    }

    /// A function's role credentials in the shape of Lambda's and ECS's container credentials
    /// endpoint (`AWS_CONTAINER_CREDENTIALS_FULL_URI`), so a test or the AWS CLI can act as the
    /// function: `/_local/credentials/<Function>`.
    private func credentials(_ function: String) -> Response {
        guard access.mode != .off, let session = access.roles.session(of: function) else {
            return .json(
                404, #"{"message":"No role credentials: the function does not exist, or serve runs with --iam off"}"#)
        }
        let expiration = ISO8601DateFormatter().string(from: Date().addingTimeInterval(12 * 3600))
        return Self.json([
            "AccessKeyId": session.credentials.accessKeyID, "SecretAccessKey": session.credentials.secretAccessKey,
            "Token": session.credentials.sessionToken ?? "", "Expiration": expiration,
            "RoleArn": "arn:aws:iam::\(session.role.accountID):role/\(session.role.name)",
        ])
    }

    func respond(path: String) async -> Response {
        switch path {
        case "/_local/status.json":
            return Self.json(await status())
        case "/_local/mail.json":
            return Self.json(services.ses.mails)
        case "/_local/mail", "/_local/mail/":
            return .bytes(200, headers: [("Content-Type", "text/html; charset=utf-8")], body: Array(mailPage().utf8))
        case "/_local/metrics":
            return .bytes(
                200, headers: [("Content-Type", "text/plain; version=0.0.4")], body: Array(metrics(await status()).utf8)
            )
        case "/_local", "/_local/":
            return .bytes(
                200, headers: [("Content-Type", "text/html; charset=utf-8")], body: Array(page(await status()).utf8))
        case _ where path.hasPrefix("/_local/credentials/"):
            return credentials(String(path.dropFirst("/_local/credentials/".count)))
        default:
            return .json(404, #"{"message":"Not Found"}"#)
        }
    }

    /// Pretty, key-sorted JSON with ISO-8601 dates, for people reading the operator endpoints.
    private static func json<Value: Encodable>(_ value: Value) -> Response {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        encoder.dateEncodingStrategy = .iso8601
        return .bytes(
            200, headers: [("Content-Type", "application/json")], body: Array((try? encoder.encode(value)) ?? Data()))
    }

    private func page(_ status: Status) -> String {
        let functionRows = status.functions.map {
            "<tr><td>\(XMLElement.escape($0.name))</td><td>\($0.processes.count) (\($0.busy) busy)</td><td>\($0.concurrencyLimit)</td><td>\($0.invocations)</td><td>\($0.errors)</td><td>\($0.throttles)</td><td>\($0.timeoutSeconds) s</td><td>\($0.memoryMB) MB</td></tr>"
        }.joined()
        let queueRows = status.queues.map {
            "<tr><td>\(XMLElement.escape($0.name))</td><td>\($0.visible)</td><td>\($0.inFlight)</td><td>\($0.delayed)</td></tr>"
        }.joined()
        let formatter = ISO8601DateFormatter()
        let denialRows = status.iam.recentDenials.map {
            "<tr><td>\(formatter.string(from: $0.at))</td><td>\(XMLElement.escape($0.function))</td><td><code>\(XMLElement.escape($0.action))</code></td><td><code>\(XMLElement.escape($0.resource))</code></td><td>\($0.enforced ? "denied" : "would deny")</td></tr>"
        }.joined()
        let invocationRows = status.recentInvocations.map {
            "<tr><td>\(formatter.string(from: $0.startedAt))</td><td>\(XMLElement.escape($0.function))</td><td><code>\($0.requestID)</code></td><td>\(String(format: "%.1f", $0.durationMs)) ms</td><td>\($0.outcome)</td></tr>"
        }.joined()
        return """
            <!doctype html><html lang="en"><head><meta charset="utf-8"><meta http-equiv="refresh" content="5">
            <title>Transcriptor local emulator</title>
            <style>body{font:14px system-ui,sans-serif;margin:2em}table{border-collapse:collapse;margin-bottom:2em}
            td,th{border:1px solid #ccc;padding:4px 8px;text-align:left}th{background:#f4f4f4}</style></head><body>
            <h1>Transcriptor local emulator</h1>
            <p><a href="/_local/status.json">status.json</a> · <a href="/_local/mail">mail outbox</a> · <a href="/_local/metrics">metrics</a></p>
            <h2>Functions</h2><table><tr><th>function</th><th>warm processes</th><th>concurrency limit</th><th>invocations</th><th>errors</th><th>throttles</th><th>timeout</th><th>memory</th></tr>\(functionRows)</table>
            <h2>Queues</h2><table><tr><th>queue</th><th>visible</th><th>in flight</th><th>delayed</th></tr>\(queueRows)</table>
            <p>Asynchronous invocations waiting: \(status.pendingAsyncInvocations)</p>
            <h2>IAM denials</h2><p>Roles: \(status.iam.mode) (each function signs with its own role's credentials); \(status.iam.denials) denied since the start, the last \(AccessControl.kept) here.</p>
            <table><tr><th>at</th><th>function</th><th>action</th><th>resource</th><th>outcome</th></tr>\(denialRows)</table>
            <h2>Recent invocations</h2><table><tr><th>started</th><th>function</th><th>request id</th><th>duration</th><th>outcome</th></tr>\(invocationRows)</table>
            </body></html>
            """
    }

    /// The outbox as a page whose links can be clicked (a password-reset link, say).
    private func mailPage() -> String {
        // Line by line: the escape turns newlines into references, which would end up in a link.
        func linkify(_ text: String) -> String {
            text.split(separator: "\n", omittingEmptySubsequences: false).map { line in
                XMLElement.escape(String(line)).split(separator: " ", omittingEmptySubsequences: false).map { word in
                    word.hasPrefix("http://") || word.hasPrefix("https://")
                        ? "<a href=\"\(word)\">\(word)</a>" : String(word)
                }.joined(separator: " ")
            }.joined(separator: "\n")
        }
        let formatter = ISO8601DateFormatter()
        let items = services.ses.mails.map { mail in
            """
            <article><h2>\(XMLElement.escape(mail.subject))</h2><p><b>From</b> \(XMLElement.escape(mail.from)) <b>to</b> \(XMLElement.escape(mail.to.joined(separator: ", "))) \
            <b>at</b> \(formatter.string(from: mail.sentAt))</p><pre>\(linkify(mail.text ?? ""))</pre></article>
            """
        }.joined()
        return """
            <!doctype html><html lang="en"><head><meta charset="utf-8"><title>Local mail outbox</title>
            <style>body{font:14px system-ui,sans-serif;margin:2em}article{border-bottom:1px solid #ccc;padding:1em 0}pre{white-space:pre-wrap}</style>
            </head><body><h1>Local mail outbox</h1><p>What the functions sent through SES, newest first. <a href="/_local/mail.json">JSON</a></p>
            \(items.isEmpty ? "<p>No mail yet.</p>" : items)</body></html>
            """
    }

    /// Prometheus text format.
    private func metrics(_ status: Status) -> String {
        var lines: [String] = []
        func family(_ name: String, _ help: String, _ type: String, _ samples: [(labels: String, value: Int)]) {
            lines.append("# HELP \(name) \(help)")
            lines.append("# TYPE \(name) \(type)")
            for sample in samples { lines.append("\(name){\(sample.labels)} \(sample.value)") }
        }
        family(
            "lambda_invocations_total", "Invocations of each function.", "counter",
            status.functions.map { ("function=\"\($0.name)\"", $0.invocations) })
        family(
            "lambda_errors_total", "Invocations that ended in a function error.", "counter",
            status.functions.map { ("function=\"\($0.name)\"", $0.errors) })
        family(
            "lambda_throttles_total", "Invocations refused for concurrency.", "counter",
            status.functions.map { ("function=\"\($0.name)\"", $0.throttles) })
        family(
            "lambda_warm_processes", "Warm handler processes.", "gauge",
            status.functions.map { ("function=\"\($0.name)\"", $0.processes.count) })
        family(
            "sqs_messages_visible", "Messages waiting in each queue.", "gauge",
            status.queues.map { ("queue=\"\($0.name)\"", $0.visible) })
        family(
            "sqs_messages_in_flight", "Messages received and not yet deleted.", "gauge",
            status.queues.map { ("queue=\"\($0.name)\"", $0.inFlight) })
        lines.append("# HELP lambda_async_pending Asynchronous invocations waiting to run.")
        lines.append("# TYPE lambda_async_pending gauge")
        lines.append("lambda_async_pending \(status.pendingAsyncInvocations)")
        lines.append("# HELP iam_denials_total Requests a function's role was refused (or, in report mode, would be).")
        lines.append("# TYPE iam_denials_total counter")
        lines.append("iam_denials_total \(status.iam.denials)")
        return lines.joined(separator: "\n") + "\n" + emf.exposition
    }
}

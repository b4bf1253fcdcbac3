import Foundation
import Hummingbird

/// `/_local/`: what an operator wants to see of the running system (functions and their warm
/// processes, recent invocations) as a page and as JSON.
struct OperatorPages: Sendable {
    let lambda: LambdaService

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

    struct Status: Codable {
        var functions: [FunctionStatus]
        var recentInvocations: [InvocationRecord]
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
        return Status(functions: functions, recentInvocations: Array(lambda.recentInvocations.suffix(50).reversed()))
    }

    func respond(path: String) async -> Response {
        let status = await status()
        switch path {
        case "/_local/status.json":
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
            encoder.dateEncodingStrategy = .iso8601
            return .bytes(
                200, headers: [("Content-Type", "application/json")],
                body: Array((try? encoder.encode(status)) ?? Data()))
        case "/_local", "/_local/":
            return .bytes(200, headers: [("Content-Type", "text/html; charset=utf-8")], body: Array(page(status).utf8))
        default:
            return .json(404, #"{"message":"Not Found"}"#)
        }
    }

    private func page(_ status: Status) -> String {
        func escape(_ text: String) -> String {
            text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
        }
        let functionRows = status.functions.map {
            "<tr><td>\(escape($0.name))</td><td>\($0.processes.count) (\($0.busy) busy)</td><td>\($0.concurrencyLimit)</td><td>\($0.invocations)</td><td>\($0.errors)</td><td>\($0.throttles)</td><td>\($0.timeoutSeconds) s</td><td>\($0.memoryMB) MB</td></tr>"
        }.joined()
        let formatter = ISO8601DateFormatter()
        let invocationRows = status.recentInvocations.map {
            "<tr><td>\(formatter.string(from: $0.startedAt))</td><td>\(escape($0.function))</td><td><code>\($0.requestID)</code></td><td>\(String(format: "%.1f", $0.durationMs)) ms</td><td>\($0.outcome)</td></tr>"
        }.joined()
        return """
            <!doctype html><html lang="en"><head><meta charset="utf-8"><meta http-equiv="refresh" content="5">
            <title>Transcriptor local emulator</title>
            <style>body{font:14px system-ui,sans-serif;margin:2em}table{border-collapse:collapse;margin-bottom:2em}
            td,th{border:1px solid #ccc;padding:4px 8px;text-align:left}th{background:#f4f4f4}</style></head><body>
            <h1>Transcriptor local emulator</h1>
            <p><a href="/_local/status.json">status.json</a></p>
            <h2>Functions</h2><table><tr><th>function</th><th>warm processes</th><th>concurrency limit</th><th>invocations</th><th>errors</th><th>throttles</th><th>timeout</th><th>memory</th></tr>\(functionRows)</table>
            <h2>Recent invocations</h2><table><tr><th>started</th><th>function</th><th>request id</th><th>duration</th><th>outcome</th></tr>\(invocationRows)</table>
            </body></html>
            """
    }
}

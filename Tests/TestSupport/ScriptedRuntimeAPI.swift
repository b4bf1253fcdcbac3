import Foundation

/// A Lambda Runtime API on 127.0.0.1 that hands out a scripted list of invocations and records
/// what the runtime posts back. When the script runs out, `next` closes the connection, so a
/// runtime process in a test ends by itself.
public final class ScriptedRuntimeAPI: @unchecked Sendable {
    // @unchecked Sendable: all mutable state is guarded by `condition`.

    public struct Invocation: Sendable {
        public var requestID: String
        public var payload: [UInt8]
        public var headers: [(String, String)]

        public init(
            requestID: String = UUID().uuidString.lowercased(), payload: String, headers: [(String, String)] = []
        ) {
            self.requestID = requestID
            self.payload = Array(payload.utf8)
            self.headers = headers
        }
    }

    public struct Posted: Sendable {
        public enum Kind: Sendable, Equatable { case response, error, initError }
        public var kind: Kind
        public var requestID: String?
        public var headers: [(name: String, value: String)]
        public var body: [UInt8]
        public var connection: Int

        public var bodyString: String { String(decoding: body, as: UTF8.self) }
        public func header(_ name: String) -> String? {
            headers.first { $0.name.lowercased() == name.lowercased() }?.value
        }
        public var json: [String: Any]? {
            (try? JSONSerialization.jsonObject(with: Data(body), options: [.fragmentsAllowed])) as? [String: Any]
        }
    }

    private let condition = NSCondition()
    private var pending: [Invocation]
    private var posted: [Posted] = []
    /// Close the connection after answering each posted result, as a peer's idle timeout would.
    private let dropConnectionAfterResult: Bool
    private var server: LoopbackHTTPServer!

    public init(_ invocations: [Invocation], dropConnectionAfterResult: Bool = false) throws {
        self.pending = invocations
        self.dropConnectionAfterResult = dropConnectionAfterResult
        self.server = try LoopbackHTTPServer { [unowned self] request in self.handle(request) }
    }

    /// `host:port`, the value of `AWS_LAMBDA_RUNTIME_API`.
    public var endpoint: String { "127.0.0.1:\(server.port)" }
    public var connectionCount: Int { server.connectionCount }

    public func stop() { server.stop() }

    /// Waits until `count` results were posted (or the timeout passes) and returns them all.
    public func waitForPosted(_ count: Int, timeout: TimeInterval = 20) -> [Posted] {
        let until = Date().addingTimeInterval(timeout)
        condition.lock()
        defer { condition.unlock() }
        while posted.count < count, condition.wait(until: until) {}
        return posted
    }

    public var allPosted: [Posted] {
        condition.lock()
        defer { condition.unlock() }
        return posted
    }

    private func handle(_ request: LoopbackHTTPServer.Request) -> LoopbackHTTPServer.Reply {
        let base = "/2018-06-01/runtime"
        if request.method == "GET" && request.path == "\(base)/invocation/next" {
            condition.lock()
            guard !pending.isEmpty else {
                condition.unlock()
                return .close
            }
            let invocation = pending.removeFirst()
            condition.unlock()
            var headers: [(String, String)] = [
                ("Lambda-Runtime-Aws-Request-Id", invocation.requestID),
                ("Lambda-Runtime-Deadline-Ms", String(Int64(Date().timeIntervalSince1970 * 1000) + 3000)),
                ("Lambda-Runtime-Invoked-Function-Arn", "arn:aws:lambda:us-east-1:000000000000:function:test"),
                ("Content-Type", "application/json"),
            ]
            headers.removeAll { name, _ in invocation.headers.contains { $0.0.lowercased() == name.lowercased() } }
            headers += invocation.headers
            return .respond(status: 200, headers: headers, body: invocation.payload)
        }
        let kind: Posted.Kind
        var requestID: String?
        if request.method == "POST" && request.path == "\(base)/init/error" {
            kind = .initError
        } else if request.method == "POST", request.path.hasPrefix("\(base)/invocation/") {
            let parts = request.path.dropFirst("\(base)/invocation/".count).split(separator: "/")
            guard parts.count == 2, parts[1] == "response" || parts[1] == "error" else {
                return .text(404, "{\"errorMessage\":\"no such path\"}")
            }
            requestID = String(parts[0])
            kind = parts[1] == "response" ? .response : .error
        } else {
            return .text(404, "{\"errorMessage\":\"no such path\"}")
        }
        condition.lock()
        posted.append(
            Posted(
                kind: kind, requestID: requestID, headers: request.headers, body: request.body,
                connection: request.connection))
        condition.broadcast()
        condition.unlock()
        return .text(202, "{\"status\":\"OK\"}", thenClose: dropConnectionAfterResult)
    }
}

import Foundation
import HTTPTypes
import Hummingbird
import LocalGateway
import NIOCore

extension Request {
    /// The request target as received: path and query, still percent-encoded.
    var rawPathAndQuery: (path: String, query: String) {
        let target = uri.string
        guard let question = target.firstIndex(of: "?") else { return (target, "") }
        return (String(target[..<question]), String(target[target.index(after: question)...]))
    }

    /// The headers as received, `Host` included (HTTPTypes keeps it apart, as `:authority`).
    var headerPairs: [(name: String, value: String)] {
        var pairs = head.authority.map { [("Host", $0)] } ?? []
        pairs += headers.map { ($0.name.rawName, $0.value) }
        return pairs
    }

    /// The body, up to `limit` bytes; nil when it is larger.
    func collectBytes(limit: Int) async throws -> [UInt8]? {
        var bytes: [UInt8] = []
        for try await var buffer in body {
            guard bytes.count + buffer.readableBytes <= limit else { return nil }
            bytes += buffer.readBytes(length: buffer.readableBytes) ?? []
        }
        return bytes
    }
}

extension Response {
    static func bytes(_ status: Int, headers: [(String, String)] = [], body: [UInt8]) -> Response {
        var fields = HTTPFields()
        for (name, value) in headers {
            if let fieldName = HTTPField.Name(name) { fields.append(HTTPField(name: fieldName, value: value)) }
        }
        return Response(status: .init(code: status), headers: fields, body: .init(byteBuffer: ByteBuffer(bytes: body)))
    }

    static func json(_ status: Int, _ text: String, headers: [(String, String)] = []) -> Response {
        bytes(status, headers: [("Content-Type", "application/json")] + headers, body: Array(text.utf8))
    }

    /// The refusal of a request whose `Host` is not a loopback name (`LoopbackHost`): what a page
    /// of another site sends after rebinding its name to 127.0.0.1.
    static var misdirected: Response {
        bytes(
            421, headers: [("Content-Type", "text/plain; charset=utf-8"), ("Connection", "close")],
            body: Array(
                "Misdirected request: transcriptor-local answers only a loopback Host (127.0.0.1, localhost, [::1]).\n"
                    .utf8))
    }

    init(_ gateway: GatewayResponse) {
        self = .bytes(gateway.status, headers: gateway.headers, body: gateway.body)
    }
}

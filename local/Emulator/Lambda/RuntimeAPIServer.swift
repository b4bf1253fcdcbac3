import Foundation
import LocalGateway
import NIOCore
import NIOHTTP1
import NIOPosix

/// The Lambda Runtime API for one handler process, on its own port of 127.0.0.1 (a process knows
/// only `AWS_LAMBDA_RUNTIME_API`, so a port per process is how the emulator tells them apart).
///
/// https://docs.aws.amazon.com/lambda/latest/dg/runtimes-api.html
final class RuntimeAPIServer: @unchecked Sendable {
    // @unchecked Sendable: the mutable state is touched only on `loop` (the channel's event loop).

    /// What the process reported.
    enum Report {
        case ready
        case response(requestID: String, body: [UInt8])
        case error(requestID: String, body: [UInt8], errorType: String?)
        case initError(body: [UInt8], errorType: String?)
    }

    struct Invocation {
        var requestID: String
        var payload: [UInt8]
        var deadlineMs: Int64
        var functionARN: String
        var traceID: String?
        var clientContext: String?
    }

    /// The largest response body Lambda accepts from a function: 6 MB and 100 bytes, the limit AWS's
    /// Runtime Interface Emulator holds responses to (and names in its error).
    static let maxResponseBytes = 6 * 1024 * 1024 + 100
    /// The invocation's answer when the response is larger: Lambda fails the invocation itself with
    /// this, whatever the runtime reports after its 413.
    static let responseTooLarge = ErrorPayload.json(
        type: "Function.ResponseSizeTooLarge",
        message: "Response payload size exceeded maximum allowed payload size (\(maxResponseBytes) bytes).")

    let loop: any EventLoop
    private(set) var port = 0
    private var channel: (any Channel)?
    private var waitingNext: (context: ChannelHandlerContext, keepAlive: Bool)?
    private var pending: Invocation?
    private let onReport: @Sendable (Report) -> Void
    private var readyReported = false

    init(group: any EventLoopGroup, onReport: @escaping @Sendable (Report) -> Void) {
        self.loop = group.next()
        self.onReport = onReport
    }

    func start() async throws {
        let channel = try await ServerBootstrap(group: loop)
            .serverChannelOption(.backlog, value: 8)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelOption(.socketOption(.tcp_nodelay), value: 1)
            .childChannelInitializer { channel in
                channel.pipeline.configureHTTPServerPipeline(withErrorHandling: true).flatMap {
                    channel.pipeline.addHandler(Handler(server: self))
                }
            }
            .bind(host: "127.0.0.1", port: 0).get()
        self.channel = channel
        self.port = channel.localAddress?.port ?? 0
    }

    func stop() {
        channel?.close(promise: nil)
    }

    /// Hands an invocation to the process: answers its waiting `next` now, or the next one it sends.
    func dispatch(_ invocation: Invocation) {
        loop.execute {
            if let waiting = self.waitingNext {
                self.waitingNext = nil
                self.send(invocation, on: waiting.context, keepAlive: waiting.keepAlive)
            } else {
                self.pending = invocation
            }
        }
    }

    private func send(_ invocation: Invocation, on context: ChannelHandlerContext, keepAlive: Bool) {
        var headers = HTTPHeaders([
            ("Content-Type", "application/json"),
            ("Lambda-Runtime-Aws-Request-Id", invocation.requestID),
            ("Lambda-Runtime-Deadline-Ms", String(invocation.deadlineMs)),
            ("Lambda-Runtime-Invoked-Function-Arn", invocation.functionARN),
            ("Content-Length", String(invocation.payload.count)),
        ])
        if let trace = invocation.traceID { headers.add(name: "Lambda-Runtime-Trace-Id", value: trace) }
        if let clientContext = invocation.clientContext {
            headers.add(name: "Lambda-Runtime-Client-Context", value: clientContext)
        }
        Self.write(context, status: .ok, headers: headers, body: invocation.payload, keepAlive: keepAlive)
    }

    static func write(
        _ context: ChannelHandlerContext, status: HTTPResponseStatus, headers: HTTPHeaders = [:], body: [UInt8],
        keepAlive: Bool
    ) {
        var headers = headers
        if !headers.contains(name: "Content-Length") { headers.add(name: "Content-Length", value: String(body.count)) }
        if !keepAlive { headers.add(name: "Connection", value: "close") }
        context.write(
            NIOAny(HTTPServerResponsePart.head(HTTPResponseHead(version: .http1_1, status: status, headers: headers))),
            promise: nil)
        var buffer = context.channel.allocator.buffer(capacity: body.count)
        buffer.writeBytes(body)
        context.write(NIOAny(HTTPServerResponsePart.body(.byteBuffer(buffer))), promise: nil)
        let done = context.writeAndFlush(NIOAny(HTTPServerResponsePart.end(nil)))
        if !keepAlive {
            let channel = context.channel
            done.whenComplete { _ in channel.close(promise: nil) }
        }
    }

    fileprivate func handle(_ head: HTTPRequestHead, body: [UInt8], context: ChannelHandlerContext) {
        let keepAlive = head.isKeepAlive
        let path = head.uri.split(separator: "?").first.map(String.init) ?? head.uri
        let accepted = Array(#"{"status":"OK"}"#.utf8)
        let prefix = "/2018-06-01/runtime/"
        // Only the handler process is served: a page of another site can reach this port by DNS
        // rebinding (a foreign Host) or send it a request that needs no preflight (it has an
        // Origin), and taking `next` would take the next event (a login's password, say).
        guard LoopbackHost.accepts(head.headers.first(name: "Host")), !head.headers.contains(name: "Origin") else {
            Self.write(
                context, status: .forbidden,
                body: Array(
                    #"{"errorMessage":"Only the function's process may call its Runtime API","errorType":"Forbidden"}"#
                        .utf8),
                keepAlive: false)
            return
        }
        guard path.hasPrefix(prefix) else {
            Self.write(
                context, status: .notFound,
                body: Array(#"{"errorMessage":"Unknown path","errorType":"InvalidRequest"}"#.utf8),
                keepAlive: keepAlive)
            return
        }
        let parts = path.dropFirst(prefix.count).split(separator: "/").map(String.init)
        switch (head.method, parts.count, parts.first, parts.last) {
        case (.GET, 2, "invocation", "next"):
            if !readyReported {
                readyReported = true
                onReport(.ready)
            }
            if let invocation = pending {
                pending = nil
                send(invocation, on: context, keepAlive: keepAlive)
            } else {
                waitingNext = (context, keepAlive)
            }
        case (.POST, 3, "invocation", "response"):
            guard body.count <= Self.maxResponseBytes else {
                // Answered now, as Lambda does; the runtime's own report of the failure, which
                // follows the 413, finds the invocation over.
                onReport(
                    .error(
                        requestID: parts[1], body: Self.responseTooLarge, errorType: "Function.ResponseSizeTooLarge"))
                Self.write(
                    context, status: .payloadTooLarge,
                    body: Array(
                        #"{"errorMessage":"Response payload size exceeded maximum allowed payload size (6291556 bytes).","errorType":"RequestEntityTooLarge"}"#
                            .utf8),
                    keepAlive: keepAlive)
                return
            }
            // Recorded before the 202: the process may exit the moment it has the answer.
            onReport(.response(requestID: parts[1], body: body))
            Self.write(context, status: .accepted, body: accepted, keepAlive: keepAlive)
        case (.POST, 3, "invocation", "error"):
            // Recorded before the 202: the process may exit the moment it has the answer.
            onReport(
                .error(
                    requestID: parts[1], body: body,
                    errorType: head.headers.first(name: "Lambda-Runtime-Function-Error-Type")))
            Self.write(context, status: .accepted, body: accepted, keepAlive: keepAlive)
        case (.POST, 2, "init", "error"):
            // Recorded before the 202: the process may exit the moment it has the answer.
            onReport(.initError(body: body, errorType: head.headers.first(name: "Lambda-Runtime-Function-Error-Type")))
            Self.write(context, status: .accepted, body: accepted, keepAlive: keepAlive)
        default:
            Self.write(
                context, status: .notFound,
                body: Array(#"{"errorMessage":"Unknown path","errorType":"InvalidRequest"}"#.utf8),
                keepAlive: keepAlive)
        }
    }

    fileprivate func connectionClosed(_ context: ChannelHandlerContext) {
        if waitingNext?.context === context { waitingNext = nil }
    }

    /// Collects one request at a time and hands it to the server.
    private final class Handler: ChannelInboundHandler, @unchecked Sendable {
        // @unchecked Sendable: used only on its channel's event loop.
        typealias InboundIn = HTTPServerRequestPart
        typealias OutboundOut = HTTPServerResponsePart

        let server: RuntimeAPIServer
        var head: HTTPRequestHead?
        var body: [UInt8] = []

        init(server: RuntimeAPIServer) { self.server = server }

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            switch unwrapInboundIn(data) {
            case .head(let head):
                self.head = head
                body.removeAll(keepingCapacity: true)
            case .body(var buffer):
                if let bytes = buffer.readBytes(length: buffer.readableBytes) { body += bytes }
            case .end:
                if let head { server.handle(head, body: body, context: context) }
                head = nil
            }
        }

        func channelInactive(context: ChannelHandlerContext) {
            server.connectionClosed(context)
            context.fireChannelInactive()
        }
    }
}

/// Errors of the runtime itself: its connection to the Runtime API, its settings, its payloads.
public struct RuntimeError: Error, CustomStringConvertible, Equatable, Sendable {
    private enum Code: Sendable {
        case missingSetting, invalidEndpoint, connection, protocolViolation, unexpectedStatus, invalidPayload
    }

    private let code: Code
    /// What went wrong, in words a person can act on.
    public let message: String
    /// The `errno` behind a socket failure, where there is one.
    public let systemError: Int32?

    private init(_ code: Code, _ message: String, systemError: Int32? = nil) {
        self.code = code
        self.message = message
        self.systemError = systemError
    }

    public var description: String { message }

    /// A required environment variable is unset (an init error: fix the function's configuration).
    public static func missingSetting(_ name: String) -> RuntimeError {
        RuntimeError(.missingSetting, "The setting \(name) is missing: set it in the function's environment.")
    }

    static func invalidEndpoint(_ value: String) -> RuntimeError {
        RuntimeError(.invalidEndpoint, "AWS_LAMBDA_RUNTIME_API is not host:port: \"\(value)\"")
    }

    static func connection(_ what: String, errno: Int32) -> RuntimeError {
        RuntimeError(.connection, "Runtime API connection failed: \(what) (errno \(errno))", systemError: errno)
    }

    static func connectionClosed() -> RuntimeError {
        RuntimeError(.connection, "Runtime API closed the connection")
    }

    static func protocolViolation(_ what: String) -> RuntimeError {
        RuntimeError(.protocolViolation, "Runtime API sent a malformed response: \(what)")
    }

    static func unexpectedStatus(_ status: Int, path: String, body: String) -> RuntimeError {
        RuntimeError(.unexpectedStatus, "Runtime API answered \(status) to \(path): \(body)")
    }

    /// The event could not be decoded into the handler's type.
    public static func invalidPayload(_ what: String) -> RuntimeError {
        RuntimeError(.invalidPayload, "The event could not be decoded: \(what)")
    }

    /// Equal when of the same kind, whatever the message (what tests and callers compare).
    public static func == (lhs: RuntimeError, rhs: RuntimeError) -> Bool { lhs.code == rhs.code }

    /// True for failures of the connection itself (closed, refused, reset), which a reconnect may cure.
    public var isConnectionFailure: Bool { code == .connection }
}

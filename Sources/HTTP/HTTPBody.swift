/// The body a request sends.
public enum HTTPBody: Sendable {
    /// No body. A POST or PUT still says `Content-Length: 0`.
    case none
    /// These bytes.
    case bytes([UInt8])
    /// The file's contents, streamed from disk as they are sent (never loaded whole); its size at
    /// the start of the request is the `Content-Length`.
    case file(path: String)

    var isNone: Bool {
        if case .none = self { true } else { false }
    }
}

/// Where the client puts a response body.
public enum ResponseBodyDestination: Sendable {
    /// In ``HTTPResponse/body``; a body longer than `limit` bytes fails the request with
    /// ``HTTPClientError/responseTooLarge``.
    case memory(limit: Int = ResponseBodyDestination.defaultMemoryLimit)
    /// Streamed into this file (created or truncated, mode 0644) as it arrives, with flat memory.
    /// The file holds the body of whatever status the server answered; it is removed when the
    /// request fails.
    case file(path: String)

    /// The cap on an in-memory body unless a request says otherwise: 32 MiB.
    public static let defaultMemoryLimit = 32 << 20
}

import CCurl

extension HTTPClient {
    /// Sets every option a request needs on the freshly reset handle.
    func configure(for request: HTTPRequest, headers: HeaderList, context: TransferContext) throws {
        try handle.enableErrorBuffer()
        try handle.set(CURLOPT_URL, request.url)
        try handle.set(CURLOPT_NOSIGNAL, 1)
        try handle.set(CURLOPT_PROTOCOLS_STR, "http,https")
        try handle.set(CURLOPT_REDIR_PROTOCOLS_STR, "http,https")
        // Ignore `http_proxy` and friends: a proxy would be the address vetted and connected to.
        try handle.set(CURLOPT_PROXY, "")
        if let caBundlePath { try handle.set(CURLOPT_CAINFO, caBundlePath) }

        try handle.set(CURLOPT_FOLLOWLOCATION, request.followRedirects > 0 ? 1 : 0)
        if request.followRedirects > 0 { try handle.set(CURLOPT_MAXREDIRS, request.followRedirects) }
        if let timeout = request.connectTimeout {
            try handle.set(CURLOPT_CONNECTTIMEOUT_MS, Self.milliseconds(timeout))
        }
        if let timeout = request.totalTimeout { try handle.set(CURLOPT_TIMEOUT_MS, Self.milliseconds(timeout)) }
        if let limit = request.responseSizeLimit { try handle.set(CURLOPT_MAXFILESIZE_LARGE, size: limit) }

        try configureMethod(for: request, uploadSize: context.uploadSize)
        try handle.set(headers: headers)
        try installCallbacks(context: context, vetsAddresses: addressPolicy != nil)
    }

    /// Picks libcurl's mode for the method: POST and PUT through libcurl's own (so redirects
    /// rewrite them as browsers do), other methods with a body as a POST renamed.
    private func configureMethod(for request: HTTPRequest, uploadSize: Int?) throws {
        switch (request.method, uploadSize) {
        case (.get, nil):
            try handle.set(CURLOPT_HTTPGET, 1)
        case (.head, _):
            try handle.set(CURLOPT_NOBODY, 1)
        case (.put, let size):
            try handle.set(CURLOPT_UPLOAD, 1)
            try handle.set(CURLOPT_INFILESIZE_LARGE, size: size ?? 0)
        case (.post, let size):
            try handle.set(CURLOPT_POST, 1)
            try handle.set(CURLOPT_POSTFIELDSIZE_LARGE, size: size ?? 0)
        case (let method, nil):
            try handle.set(CURLOPT_CUSTOMREQUEST, method.rawValue)
        case (let method, let size?):
            try handle.set(CURLOPT_POST, 1)
            try handle.set(CURLOPT_POSTFIELDSIZE_LARGE, size: size)
            try handle.set(CURLOPT_CUSTOMREQUEST, method.rawValue)
        }
    }

    /// The request's headers in libcurl's syntax, plus the removal of `Expect: 100-continue` (a
    /// one-second wait before large bodies) and of POST's form content type, unless given.
    static func headerLines(for request: HTTPRequest) -> [String] {
        var lines = request.headers.map { $0.value.isEmpty ? "\($0.name);" : "\($0.name): \($0.value)" }
        if request.header("Expect") == nil { lines.append("Expect:") }
        if request.header("Content-Type") == nil { lines.append("Content-Type:") }
        return lines
    }

    /// Rejects what libcurl would misread: a NUL in the URL (it would end it early), header names
    /// that are not tokens, values with line breaks (they would smuggle in headers), a HEAD with a body.
    static func validate(_ request: HTTPRequest) throws {
        if request.url.utf8.contains(0) {
            throw HTTPClientError(.invalidURL, message: "the URL contains a NUL byte")
        }
        for (name, value) in request.headers {
            let validName = !name.isEmpty && name.utf8.allSatisfy { $0 > 0x20 && $0 < 0x7f && $0 != UInt8(ascii: ":") }
            guard validName else {
                throw HTTPClientError(.invalidRequest, message: "the header name \"\(name)\" is not a token")
            }
            guard !value.utf8.contains(where: { $0 == 0 || $0 == 0x0a || $0 == 0x0d }) else {
                throw HTTPClientError(.invalidRequest, message: "the value of header \(name) contains a line break")
            }
        }
        if request.method == .head, !request.body.isNone {
            throw HTTPClientError(.invalidRequest, message: "a HEAD request cannot have a body")
        }
    }

    /// A timeout in whole milliseconds, at least 1 (0 means none to libcurl).
    static func milliseconds(_ duration: Duration) -> Int {
        let (seconds, attoseconds) = duration.components
        guard seconds < Int64.max / 1000 else { return Int.max }
        return max(1, Int(seconds * 1000 + attoseconds / 1_000_000_000_000_000))
    }
}

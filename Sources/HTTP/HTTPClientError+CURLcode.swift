import CCurl

extension HTTPClientError {
    /// The error for a failed libcurl call: every `CURLcode` maps to one kind.
    init(curlCode: CURLcode, message: String, url: String = "") {
        self.init(Self.kind(of: curlCode), message: message, url: url, curlCode: Int(curlCode.rawValue))
    }

    /// libcurl's own text for a code, for when its error buffer is empty.
    static func text(of code: CURLcode) -> String {
        String(cString: curl_easy_strerror(code))
    }

    private static func kind(of code: CURLcode) -> HTTPClientError {
        switch code {
        case CURLE_COULDNT_RESOLVE_HOST, CURLE_COULDNT_RESOLVE_PROXY:
            .couldNotResolve
        case CURLE_COULDNT_CONNECT, CURLE_QUIC_CONNECT_ERROR, CURLE_NO_CONNECTION_AVAILABLE:
            .couldNotConnect
        case CURLE_OPERATION_TIMEDOUT:
            .timedOut
        case CURLE_TOO_MANY_REDIRECTS:
            .tooManyRedirects
        case CURLE_FILESIZE_EXCEEDED:
            .responseTooLarge
        case CURLE_UNSUPPORTED_PROTOCOL:
            .unsupportedProtocol
        case CURLE_URL_MALFORMAT:
            .invalidURL
        case CURLE_SSL_CONNECT_ERROR, CURLE_PEER_FAILED_VERIFICATION, CURLE_SSL_CERTPROBLEM, CURLE_SSL_CIPHER,
            CURLE_SSL_CACERT_BADFILE, CURLE_SSL_CRL_BADFILE, CURLE_SSL_ISSUER_ERROR, CURLE_SSL_SHUTDOWN_FAILED,
            CURLE_SSL_ENGINE_NOTFOUND, CURLE_SSL_ENGINE_SETFAILED, CURLE_SSL_ENGINE_INITFAILED,
            CURLE_SSL_PINNEDPUBKEYNOTMATCH, CURLE_SSL_INVALIDCERTSTATUS, CURLE_SSL_CLIENTCERT, CURLE_USE_SSL_FAILED:
            .tls
        case CURLE_SEND_ERROR, CURLE_SEND_FAIL_REWIND, CURLE_UPLOAD_FAILED, CURLE_HTTP_POST_ERROR:
            .sendFailed
        case CURLE_RECV_ERROR, CURLE_PARTIAL_FILE, CURLE_GOT_NOTHING, CURLE_WEIRD_SERVER_REPLY, CURLE_HTTP2,
            CURLE_HTTP2_STREAM, CURLE_HTTP3, CURLE_BAD_CONTENT_ENCODING:
            .receiveFailed
        case CURLE_READ_ERROR, CURLE_WRITE_ERROR:
            .fileIO
        default:
            .other
        }
    }
}

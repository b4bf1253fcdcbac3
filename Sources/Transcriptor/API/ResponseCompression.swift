import Runtime

/// Gzip for the API's responses when the client accepts it (`Accept-Encoding`), since an HTTP API
/// leaves compression to the function: a transcript's JSON shrinks about tenfold, which also keeps
/// long ones far below Lambda's 6 MB response limit. Bodies under 1 KiB are sent as they are.
enum ResponseCompression {
    static let minimumBytes = 1024

    static func apply(_ response: APIGatewayV2Response, acceptEncoding: String?) -> APIGatewayV2Response {
        guard let acceptEncoding, acceptsGzip(acceptEncoding), response.isBase64Encoded != true,
            let body = response.body, body.utf8.count >= minimumBytes,
            response.headers?.keys.contains(where: { $0.lowercased() == "content-encoding" }) != true,
            let compressed = gzip(Array(body.utf8))
        else { return response }
        var compressedResponse = response
        compressedResponse.body = Base64.encode(compressed)
        compressedResponse.isBase64Encoded = true
        var headers = response.headers ?? [:]
        headers["content-encoding"] = "gzip"
        headers["vary"] = headers["vary"].map { "\($0), Accept-Encoding" } ?? "Accept-Encoding"
        compressedResponse.headers = headers
        return compressedResponse
    }

    /// Whether an `Accept-Encoding` value takes gzip: `gzip` (or `*`) listed with a weight above 0.
    static func acceptsGzip(_ header: String) -> Bool {
        var gzipWeight: Double?
        var anyWeight: Double?
        for item in header.split(separator: ",") {
            let parts = item.split(separator: ";").map { $0.trimmingWhitespace() }
            guard let coding = parts.first?.lowercased(), !coding.isEmpty else { continue }
            var weight = 1.0
            for parameter in parts.dropFirst() where parameter.lowercased().hasPrefix("q=") {
                weight = Double(parameter.dropFirst(2)) ?? 0
            }
            if coding == "gzip" || coding == "x-gzip" {
                gzipWeight = weight
            } else if coding == "*" {
                anyWeight = weight
            }
        }
        return (gzipWeight ?? anyWeight ?? 0) > 0
    }

    /// `bytes` as a gzip stream (RFC 1952), or nil if zlib fails.
    static func gzip(_ bytes: [UInt8], level: Int32 = 6) -> [UInt8]? {
        Deflate.compress(bytes, framing: .gzip, level: level)
    }
}

import HTTP
import Runtime

#if canImport(Glibc)
    import Glibc
#endif

/// Downloads a job's link to a local file through the guarded HTTP client: every address the
/// client connects to (the first and each redirect's, at most 5) is vetted by the URL guard at
/// connect time, so DNS cannot swap in a forbidden address between check and use. The body
/// streams to disk with a size cap and timeouts, and its first bytes must look like media.
/// Links to pages of known media sites are first resolved to their media URL with yt-dlp.
public struct MediaFetcher {
    public var urlGuard: URLGuard
    public var maxBytes: Int64
    public var connectTimeoutSeconds: Int64 = 15
    public var totalTimeoutSeconds: Int64 = 600
    public var resolver: PageResolver

    public init(urlGuard: URLGuard, maxBytes: Int64, resolver: PageResolver) {
        self.urlGuard = urlGuard
        self.maxBytes = maxBytes
        self.resolver = resolver
    }

    /// Downloads `url` into `path`.
    /// - Returns: the number of bytes.
    public func download(_ url: String, to path: String) throws(StageFailure) -> Int64 {
        var target = url
        do {
            _ = try urlGuard.check(url)
        } catch {
            throw .permanent("forbidden_url", "The link cannot be fetched: \(error.message)")
        }
        if resolver.handles(url) {
            target = try resolver.mediaURL(of: url)
            do {
                _ = try urlGuard.check(target)
            } catch {
                throw .permanent("forbidden_url", "The media behind the page cannot be fetched: \(error.message)")
            }
        }
        let client: HTTPClient
        do {
            client = try HTTPClient(addressPolicy: urlGuard.addressPolicy)
        } catch {
            throw .transient("fetch_failed", "The downloader could not start: \(error)")
        }
        let response: HTTPResponse
        do {
            response = try client.execute(
                HTTPRequest(
                    .get, url: target, headers: [("User-Agent", "Transcriptor/1.0 (+media fetch)"), ("Accept", "*/*")],
                    destination: .file(path: path), connectTimeout: .seconds(connectTimeoutSeconds),
                    totalTimeout: .seconds(totalTimeoutSeconds), followRedirects: 5, maxResponseSize: Int(maxBytes)))
        } catch {
            throw Self.failure(error)
        }
        switch response.status {
        case 200..<300: break
        case 408, 425, 429, 500...599:
            throw .transient("source_unavailable", "The link answered HTTP \(response.status); retrying.")
        default:
            throw .permanent(
                "source_refused",
                "The link answered HTTP \(response.status)\(response.status == 404 ? " (not found)" : ""); check that it points at the media file and is public."
            )
        }
        let size = Int64(response.bytesReceived)
        guard size > 0 else { throw .permanent("empty_file", "The link gave an empty file.") }
        guard MediaSniffer.looksLikeMedia(Self.head(of: path)) else {
            let type = response.header("content-type").map { " (it says \($0))" } ?? ""
            throw .permanent(
                "not_media", "The link does not give an audio or video file\(type); link to the media itself.")
        }
        return size
    }

    static func failure(_ error: any Error) -> StageFailure {
        guard let error = error as? HTTPClientError else {
            return .transient("fetch_failed", "The download failed: \(error)")
        }
        let reason = error.message.isEmpty ? error.description : error.message
        if error == .addressRefused {
            return .permanent("forbidden_url", "The link leads to an address that is never fetched: \(reason)")
        } else if error == .responseTooLarge {
            return .permanent("too_large", "The file is larger than the upload limit.")
        } else if error == .tooManyRedirects {
            return .permanent("too_many_redirects", "The link redirects more than 5 times.")
        } else if error == .couldNotResolve {
            return .permanent("unreachable_url", "The link's host name does not exist; check the link.")
        } else if error == .unsupportedProtocol || error == .invalidURL {
            return .permanent("invalid_url", "The link is not an http(s) URL that can be fetched.")
        } else if error.isTransient {
            return .transient("source_unavailable", "The link could not be downloaded (\(reason)); retrying.")
        }
        return .permanent("fetch_failed", "The link could not be downloaded: \(reason)")
    }

    static func head(of path: String) -> [UInt8] {
        (try? BlockFile(path, mode: "rb").read(512)) ?? []
    }
}

/// Pages of known media sites (a setting: `MEDIA_SITES`, domains separated by commas) are
/// resolved to their media URL with yt-dlp, called so that a link can never become an option
/// (`--` before it, no config files). Only the URL comes from yt-dlp; the download itself goes
/// through the guarded client like any other.
public struct PageResolver: Sendable {
    public var sites: [String]
    public var program: String
    public var timeoutSeconds: Int64 = 90

    public static let defaultSites = [
        "youtube.com", "youtu.be", "vimeo.com", "soundcloud.com", "dailymotion.com", "twitch.tv", "bandcamp.com",
    ]

    public init(sites: [String] = PageResolver.defaultSites, program: String = "yt-dlp") {
        self.sites = sites.map { $0.lowercased() }
        self.program = program
    }

    public static func fromEnvironment() -> PageResolver {
        let sites = Environment.get("MEDIA_SITES").map {
            $0.split(separator: ",").map { $0.trimmingWhitespace() }.filter { !$0.isEmpty }
        }
        return PageResolver(
            sites: sites ?? defaultSites,
            program: Environment.get("YTDLP").flatMap { $0.isEmpty ? nil : $0 } ?? "yt-dlp")
    }

    /// Whether `url`'s host is one of the sites or under one.
    public func handles(_ url: String) -> Bool {
        guard let host = Self.host(of: url) else { return false }
        return sites.contains { host == $0 || host.hasSuffix(".\($0)") }
    }

    static func host(of url: String) -> String? {
        guard let schemeEnd = url.firstIndex(of: ":"), url[schemeEnd...].hasPrefix("://") else { return nil }
        var rest = url[url.index(schemeEnd, offsetBy: 3)...]
        if let end = rest.firstIndex(where: { "/?#".contains($0) }) { rest = rest[..<end] }
        if let at = rest.lastIndex(of: "@") { rest = rest[rest.index(after: at)...] }
        if rest.hasPrefix("[") { return nil }
        if let colon = rest.lastIndex(of: ":") { rest = rest[..<colon] }
        let host = rest.lowercased()
        return host.isEmpty ? nil : (host.hasSuffix(".") ? String(host.dropLast()) : host)
    }

    /// The direct media URL yt-dlp finds for a page.
    public func mediaURL(of page: String) throws(StageFailure) -> String {
        let result: ChildProcess.Result
        do {
            result = try ChildProcess.run(
                program,
                [
                    "--ignore-config", "--no-playlist", "--no-warnings", "--skip-download", "--dump-single-json",
                    "--format", "bestaudio/best", "--", page,
                ], timeoutSeconds: timeoutSeconds)
        } catch {
            throw .transient("resolve_failed", "The media page could not be read (\(error)); retrying.")
        }
        guard result.exit.succeeded else {
            let reason = result.errorText.split(separator: "\n").last { $0.contains("ERROR") }.map(String.init)
            throw .permanent(
                "unresolvable_page",
                "No media was found at the page\(reason.map { ": \($0.replacingPrefix("ERROR: ", ""))" } ?? ".")")
        }
        return try Self.mediaURL(fromJSON: result.output)
    }

    /// The URL in yt-dlp's `--dump-single-json` output: the selected format's (top level), or
    /// the first of `requested_formats`.
    public static func mediaURL(fromJSON output: [UInt8]) throws(StageFailure) -> String {
        guard let info = try? JSON.decode(JSONValue.self, from: output) else {
            throw .transient("resolve_failed", "yt-dlp gave an answer that could not be read; retrying.")
        }
        if info["_type"]?.stringValue == "playlist" {
            throw .permanent("unresolvable_page", "The link is a playlist; link to one recording.")
        }
        if info["is_live"] == .bool(true) {
            throw .permanent("unresolvable_page", "The link is a live stream; link to a finished recording.")
        }
        if let url = info["url"]?.stringValue, !url.isEmpty { return url }
        if let first = info["requested_formats"]?.arrayValue?.first?["url"]?.stringValue { return first }
        throw .permanent("unresolvable_page", "No downloadable media was found at the page.")
    }
}

extension String {
    fileprivate func replacingPrefix(_ prefix: String, _ replacement: String) -> String {
        hasPrefix(prefix) ? replacement + dropFirst(prefix.count) : self
    }
}

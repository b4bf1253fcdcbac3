import HTTP
import Runtime

#if canImport(Glibc)
    import Glibc
#endif

/// Downloads a job's link to a local file through the guarded HTTP client: every address the
/// client connects to (the first and each redirect's, at most 5) is vetted by the URL guard at
/// connect time, so DNS cannot swap in a forbidden address between check and use. The body
/// streams to disk with a size cap and timeouts, and its first bytes must look like media.
///
/// Links to pages of known media sites are first resolved with yt-dlp, whose every connection
/// (pages, APIs, redirects, embeds, manifests) goes through an `EgressProxy` that applies the
/// same guard; a progressive file it finds is then fetched by the guarded client (with the
/// headers yt-dlp says it needs), and a stream that exists only as a manifest (HLS, DASH) is
/// downloaded by yt-dlp itself, through the proxy, into the scratch folder, under the size cap.
///
/// What a user reads names the problem, never the network: no resolved address, no port, no
/// connect-level detail; those go to the log.
public struct MediaFetcher {
    public var urlGuard: URLGuard
    public var maxBytes: Int64
    public var connectTimeoutSeconds: Int64 = 15
    public var totalTimeoutSeconds: Int64 = 600
    /// Left for the work after the download (storing the file) when a deadline is given.
    public var reserveSeconds: Int64 = 60
    public var resolver: PageResolver

    public init(urlGuard: URLGuard, maxBytes: Int64, resolver: PageResolver) {
        self.urlGuard = urlGuard
        self.maxBytes = maxBytes
        self.resolver = resolver
    }

    /// Downloads `url` into `path`. Every tool's time limit ends before `deadline` (the
    /// invocation's) less `reserveSeconds`.
    /// - Returns: the number of bytes.
    public func download(
        _ url: String, to path: String, deadline: Timestamp? = nil, logger: Logger
    ) throws(StageFailure) -> Int64 {
        do {
            _ = try urlGuard.check(url)
        } catch {
            throw .permanent("forbidden_url", "The link cannot be fetched: \(error.message)")
        }
        guard resolver.handles(url) else {
            return try fetch(url, headers: [], to: path, deadline: deadline, logger: logger)
        }
        let work = "\(path).yt-dlp"
        guard mkdir(work, 0o700) == 0 else {
            throw .transient("fetch_failed", "The downloader could not start; retrying.")
        }
        defer { _ = try? ChildProcess.run("rm", ["-rf", "--", work], timeoutSeconds: 60) }
        var limits = EgressProxy.Limits()
        limits.bytesIn = maxBytes + 64 << 20
        let proxy: EgressProxy
        do {
            proxy = try EgressProxy(urlGuard: urlGuard, limits: limits, logger: logger)
        } catch {
            logger.error("the egress proxy could not start: \(error)")
            throw .transient("fetch_failed", "The downloader could not start; retrying.")
        }
        defer { proxy.stop() }
        let media = try resolver.resolve(
            url, proxy: proxy, work: work, timeoutSeconds: try seconds(resolver.timeoutSeconds, deadline),
            logger: logger)
        if media.isProgressive {
            proxy.stop()
            do {
                _ = try urlGuard.check(media.url)
            } catch {
                logger.warn("the media behind a page is refused", [("reason", error.message)])
                throw .permanent(
                    "forbidden_url", "The media behind the page is at an address that is never fetched.")
            }
            return try fetch(media.url, headers: media.headers, to: path, deadline: deadline, logger: logger)
        }
        let file = try resolver.downloadStream(
            proxy: proxy, work: work, maxBytes: maxBytes,
            timeoutSeconds: try seconds(totalTimeoutSeconds, deadline), logger: logger)
        guard rename(file, path) == 0 else {
            throw .transient("fetch_failed", "The downloaded stream could not be stored; retrying.")
        }
        var info = stat()
        guard stat(path, &info) == 0, info.st_size > 0 else {
            throw .permanent("empty_file", "The stream gave an empty file.")
        }
        guard Int64(info.st_size) <= maxBytes else {
            throw .permanent("too_large", "The file is larger than the upload limit.")
        }
        guard MediaSniffer.looksLikeMedia(Self.head(of: path)) else {
            throw .permanent("not_media", "The stream is not audio or video that can be transcribed.")
        }
        return Int64(info.st_size)
    }

    /// A tool's time limit: `limit`, or less when the deadline (less the reserve) comes first.
    func seconds(_ limit: Int64, _ deadline: Timestamp?) throws(StageFailure) -> Int64 {
        guard let deadline else { return limit }
        let left = (deadline.millisecondsSinceEpoch - Timestamp.now().millisecondsSinceEpoch) / 1000 - reserveSeconds
        guard left >= 5 else {
            throw .transient("fetch_failed", "Not enough time was left for the download; retrying.")
        }
        return min(limit, left)
    }

    /// The guarded download of a media URL.
    func fetch(
        _ target: String, headers extra: [(name: String, value: String)], to path: String, deadline: Timestamp?,
        logger: Logger
    ) throws(StageFailure) -> Int64 {
        let client: HTTPClient
        do {
            client = try HTTPClient(addressPolicy: urlGuard.addressPolicy)
        } catch {
            logger.error("the HTTP client could not start: \(error)")
            throw .transient("fetch_failed", "The downloader could not start; retrying.")
        }
        var headers: [(name: String, value: String)] = [
            ("User-Agent", "Transcriptor/1.0 (+media fetch)"), ("Accept", "*/*"),
        ]
        for header in extra {
            headers.removeAll { $0.name.lowercased() == header.name.lowercased() }
            headers.append(header)
        }
        let total = try seconds(totalTimeoutSeconds, deadline)
        let response: HTTPResponse
        do {
            response = try client.execute(
                HTTPRequest(
                    .get, url: target, headers: headers, destination: .file(path: path),
                    connectTimeout: .seconds(min(connectTimeoutSeconds, total)), totalTimeout: .seconds(total),
                    followRedirects: 5, maxResponseSize: Int(maxBytes)))
        } catch {
            logger.warn("the download failed", [("error", "\(error)")])
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
            let type = response.header("content-type").map { " (it says \(Self.printable($0)))" } ?? ""
            throw .permanent(
                "not_media", "The link does not give an audio or video file\(type); link to the media itself.")
        }
        return size
    }

    /// The failure a user reads for a client error: what went wrong, without the addresses,
    /// ports or connect-level detail the error carries (the caller logs those).
    static func failure(_ error: any Error) -> StageFailure {
        guard let error = error as? HTTPClientError else {
            return .transient("fetch_failed", "The download failed; retrying.")
        }
        if error == .addressRefused {
            return .permanent(
                "forbidden_url",
                "The link leads to an address that is never fetched (this service's own machine or network, or a reserved range)."
            )
        } else if error == .responseTooLarge {
            return .permanent("too_large", "The file is larger than the upload limit.")
        } else if error == .tooManyRedirects {
            return .permanent("too_many_redirects", "The link redirects more than 5 times.")
        } else if error == .couldNotResolve {
            return .permanent("unreachable_url", "The link's host name does not exist; check the link.")
        } else if error == .unsupportedProtocol || error == .invalidURL {
            return .permanent("invalid_url", "The link is not an http(s) URL that can be fetched.")
        } else if error == .couldNotConnect {
            return .transient("source_unavailable", "The link's server did not answer; retrying.")
        } else if error == .timedOut {
            return .transient("source_unavailable", "The link's server took too long to answer; retrying.")
        } else if error == .tls {
            return .permanent(
                "fetch_failed", "The link's secure connection failed: its certificate could not be verified.")
        } else if error.isTransient {
            return .transient("source_unavailable", "The link's server broke off the download; retrying.")
        }
        return .permanent("fetch_failed", "The link could not be downloaded.")
    }

    /// A header value a person can read (printable ASCII, short).
    static func printable(_ text: String) -> String {
        String(String(decoding: text.utf8.filter { (0x20..<0x7F).contains($0) }, as: UTF8.self).prefix(100))
    }

    static func head(of path: String) -> [UInt8] {
        (try? BlockFile(path, mode: "rb").read(512)) ?? []
    }
}

/// Pages of known media sites (a setting: `MEDIA_SITES`, domains separated by commas) are
/// resolved to their media with yt-dlp, called so that a link can never become an option (`--`
/// before it, no config file), with every connection through
/// the fetch's `EgressProxy` and a minimal environment. Progressive audio is preferred over
/// manifests; a progressive file is downloaded by the guarded client, a manifest-only stream by
/// yt-dlp's own (native) downloader through the proxy, never by ffmpeg.
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

    /// yt-dlp's format choice: progressive (plain http/https) audio first, then progressive
    /// audio with video, and only then HLS or DASH; never a merge (which needs ffmpeg) and never
    /// another protocol (rtmp, websockets: they would not go through the proxy).
    public static let formatSelector = [
        "bestaudio[protocol~='^https?$']", "best[protocol~='^https?$'][acodec!=?none]",
        "bestaudio[protocol~='^(m3u8(_native)?|http_dash_segments)$']",
        "best[protocol~='^(m3u8(_native)?|http_dash_segments)$'][acodec!=?none]",
    ].joined(separator: "/")

    /// What yt-dlp chose at a page.
    public struct ResolvedMedia: Sendable {
        public var url: String
        public var protocolName: String
        /// The headers yt-dlp says the media needs (User-Agent, Referer, cookies of the site).
        public var headers: [(name: String, value: String)]
        /// A file that plain HTTP gives whole.
        public var isProgressive: Bool { protocolName == "http" || protocolName == "https" }
    }

    /// The media yt-dlp finds at `page`. Its answer is kept in `work` for `downloadStream`.
    public func resolve(
        _ page: String, proxy: EgressProxy, work: String, timeoutSeconds: Int64, logger: Logger
    ) throws(StageFailure) -> ResolvedMedia {
        let result = try run(
            [
                "--ignore-config", "--no-playlist", "--no-warnings", "--no-cache-dir",
                "--skip-download", "--dump-single-json", "--format", Self.formatSelector, "--socket-timeout",
                String(min(30, timeoutSeconds)), "--", page,
            ], proxy: proxy, timeoutSeconds: timeoutSeconds, logger: logger)
        let media = try Self.media(fromJSON: result.output)
        guard media.isProgressive || Self.streamProtocols.contains(media.protocolName) else {
            logger.warn("yt-dlp chose a protocol that is not fetched", [("protocol", media.protocolName)])
            throw .permanent("unresolvable_page", "The page's media is streamed in a way that cannot be fetched.")
        }
        let info = "\(work)/info.json"
        guard Self.write(result.output, to: info) else {
            throw .transient("resolve_failed", "The media page's answer could not be kept; retrying.")
        }
        return media
    }

    static let streamProtocols: Set<String> = ["m3u8", "m3u8_native", "http_dash_segments"]

    /// Downloads the stream `resolve` found (an HLS or DASH manifest) with yt-dlp's own
    /// downloader, through the proxy, into `work`.
    /// - Returns: the file's path.
    public func downloadStream(
        proxy: EgressProxy, work: String, maxBytes: Int64, timeoutSeconds: Int64, logger: Logger
    ) throws(StageFailure) -> String {
        let result = try run(
            [
                "--ignore-config", "--load-info-json", "\(work)/info.json",
                "--no-playlist", "--no-warnings", "--no-cache-dir", "--format", Self.formatSelector, "--downloader",
                "native", "--fixup", "never", "--no-part", "--no-mtime", "--max-filesize", String(maxBytes),
                "--socket-timeout", String(min(30, timeoutSeconds)), "--output", "\(work)/media.%(ext)s",
                "--print", "after_move:filepath", "--no-simulate",
            ], proxy: proxy, timeoutSeconds: timeoutSeconds, logger: logger)
        let file = result.outputText.split(separator: "\n").last.map(String.init) ?? ""
        guard file.hasPrefix("\(work)/media."), !file.contains("/../"), access(file, R_OK) == 0 else {
            logger.warn("yt-dlp gave no file for the stream", [("output", String(result.outputText.prefix(300)))])
            if proxy.report.tooLarge { throw .permanent("too_large", "The file is larger than the upload limit.") }
            throw .permanent("too_large", "The stream is larger than the upload limit, or gave no file.")
        }
        return file
    }

    /// The proxy for every scheme yt-dlp may fetch, as the variables it reads when no `--proxy`
    /// is given: `--proxy` sets only http and https in older versions, so a redirect to ftp://
    /// would connect directly; with `ftp_proxy` (and `all_proxy` for newer versions) it reaches
    /// the proxy too, which refuses it. The credential stays out of the command line, which every
    /// local user can read. (The child has no `no_proxy`: its environment is minimal.)
    static func proxyEnvironment(_ proxy: EgressProxy) -> [String: String] {
        let url = proxy.proxyURL
        return ["http_proxy": url, "https_proxy": url, "ftp_proxy": url, "all_proxy": url]
    }

    static func write(_ bytes: [UInt8], to path: String) -> Bool {
        let fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
        guard fd >= 0 else { return false }
        defer { close(fd) }
        var offset = 0
        while offset < bytes.count {
            let written = bytes[offset...].withUnsafeBytes { Glibc.write(fd, $0.baseAddress, $0.count) }
            if written < 0 && errno == EINTR { continue }
            guard written > 0 else { return false }
            offset += written
        }
        return true
    }

    /// Runs yt-dlp, with the proxy's variables only, and sorts a failure: what the proxy saw
    /// decides the message (refused, unresolved, unreachable, too large); otherwise yt-dlp's own
    /// reason, with any address or connect-level detail taken out. The whole reason is logged.
    func run(
        _ arguments: [String], proxy: EgressProxy, timeoutSeconds: Int64, logger: Logger
    ) throws(StageFailure) -> ChildProcess.Result {
        let result: ChildProcess.Result
        do {
            result = try ChildProcess.run(
                program, arguments, timeoutSeconds: timeoutSeconds, environment: Self.proxyEnvironment(proxy))
        } catch .timedOut {
            logger.warn("yt-dlp did not finish in time", [("seconds", String(timeoutSeconds))])
            throw .transient("resolve_failed", "The media page took too long to read; retrying.")
        } catch {
            logger.error("yt-dlp could not run: \(error)")
            throw .transient("resolve_failed", "The media page could not be read; retrying.")
        }
        guard !result.exit.succeeded else { return result }
        let report = proxy.report
        let reason = result.errorText.split(separator: "\n").last { $0.contains("ERROR") }.map(String.init)
        logger.warn(
            "yt-dlp failed",
            [
                ("exit", "\(result.exit)"), ("reason", reason ?? String(result.errorText.suffix(500))),
                ("refused", String(report.refused)), ("unreachable", String(report.unreachable)),
            ])
        if report.refused > 0 {
            throw .permanent(
                "forbidden_url",
                "The page, or something it redirects to or embeds, is at an address that is never fetched.")
        }
        if report.tooLarge { throw .permanent("too_large", "The file is larger than the upload limit.") }
        if report.unresolved > 0 {
            throw .permanent("unreachable_url", "A host name the page leads to does not exist; check the link.")
        }
        if report.unreachable > 0 {
            throw .transient("source_unavailable", "The page's server did not answer; retrying.")
        }
        if case .signal = result.exit {
            throw .transient("resolve_failed", "The media page reader stopped; retrying.")
        }
        throw .permanent(
            "unresolvable_page",
            "No media was found at the page\(reason.flatMap(Self.userReason).map { ": \($0)" } ?? ".")")
    }

    /// yt-dlp's error line as a user may read it, or nil when it is about the network (errno,
    /// urlopen, proxy, connection) or names an address.
    static func userReason(_ line: String) -> String? {
        var text = line
        if let range = text.firstRange(of: "ERROR: ") { text = String(text[range.upperBound...]) }
        for marker in [" (caused by", "; please report", "; Please report"] {
            if let range = text.firstRange(of: marker) { text = String(text[..<range.lowerBound]) }
        }
        let lowered = text.lowercased()
        let network = [
            "errno", "urlopen", "proxy", "tunnel", "connection", "refused", "timed out", "unreachable", "http error 5",
            "http error 403", "http error 407", "ssl", "certificate", "name or service", "resolve", "socket",
        ]
        if network.contains(where: lowered.contains) { return nil }
        let words = text.split(separator: " ")
        if words.contains(where: { looksLikeAddress($0) }) { return nil }
        let printable = String(decoding: text.utf8.filter { (0x20..<0x7F).contains($0) }, as: UTF8.self)
        let trimmed = printable.trimmingWhitespace()
        return trimmed.isEmpty ? nil : String(trimmed.prefix(200))
    }

    /// Whether a word holds an IPv4 address (four dotted numbers) or an IPv6 one (hex and colons).
    static func looksLikeAddress(_ word: Substring) -> Bool {
        var groups = 0
        var digits = 0
        for character in word + " " {
            if character.isASCII, character.isNumber {
                digits += 1
                continue
            }
            groups = digits > 0 ? groups + 1 : 0
            if groups >= 4 { return true }
            if character != "." { groups = 0 }
            digits = 0
        }
        // IPv6: a run of hex digits and colons with at least two colons ("fd00::1", "::ffff:a00:1").
        var colons = 0
        for character in word + " " {
            if character == ":" {
                colons += 1
            } else if !character.isHexDigit && character != "." {
                if colons >= 2 { return true }
                colons = 0
            }
        }
        return false
    }

    /// What yt-dlp's `--dump-single-json` output chose: the selected format's URL, protocol and
    /// headers (top level), or the first of `requested_formats`.
    public static func media(fromJSON output: [UInt8]) throws(StageFailure) -> ResolvedMedia {
        guard let info = try? JSON.decode(JSONValue.self, from: output) else {
            throw .transient("resolve_failed", "yt-dlp gave an answer that could not be read; retrying.")
        }
        if info["_type"]?.stringValue == "playlist" {
            throw .permanent("unresolvable_page", "The link is a playlist; link to one recording.")
        }
        if info["is_live"] == .bool(true) {
            throw .permanent("unresolvable_page", "The link is a live stream; link to a finished recording.")
        }
        var chosen = info
        if info["url"]?.stringValue?.isEmpty ?? true, let first = info["requested_formats"]?.arrayValue?.first {
            chosen = first
        }
        guard let url = chosen["url"]?.stringValue, !url.isEmpty else {
            throw .permanent("unresolvable_page", "No downloadable media was found at the page.")
        }
        let protocolName = chosen["protocol"]?.stringValue ?? (url.lowercased().hasPrefix("https:") ? "https" : "http")
        var headers: [(name: String, value: String)] = []
        if case .object(let fields)? = chosen["http_headers"] ?? info["http_headers"] {
            for (name, value) in fields {
                guard let value = value.stringValue, isForwardable(name: name, value: value) else { continue }
                headers.append((name, value))
            }
        }
        return ResolvedMedia(url: url, protocolName: protocolName, headers: headers.sorted { $0.name < $1.name })
    }

    /// A header of yt-dlp's that may go with the download: a token name that is not about the
    /// connection or the body, a value without line breaks.
    static func isForwardable(name: String, value: String) -> Bool {
        let lowered = name.lowercased()
        let refused: Set<String> = [
            "host", "content-length", "transfer-encoding", "connection", "keep-alive", "te", "trailer", "upgrade",
            "expect", "accept-encoding",
        ]
        guard !name.isEmpty, name.utf8.count <= 64, !refused.contains(lowered), !lowered.hasPrefix("proxy-") else {
            return false
        }
        guard name.utf8.allSatisfy({ (0x21..<0x7F).contains($0) && $0 != UInt8(ascii: ":") }) else { return false }
        return value.utf8.count <= 4096 && value.utf8.allSatisfy { $0 >= 0x20 && $0 != 0x7F || $0 == 9 }
    }
}

extension String {
    fileprivate func replacingPrefix(_ prefix: String, _ replacement: String) -> String {
        hasPrefix(prefix) ? replacement + dropFirst(prefix.count) : self
    }
}

import Cloud
import Foundation
import LocalDynamoDB
import LocalS3
import Runtime
import Transcriptor

/// What each fuzz target does with an input, shared by the libFuzzer executables (`make fuzz`,
/// the Fuzz package) and the regression tests that replay the corpora and every crash found in
/// `make test`. An input may be refused with an error; it must never crash, and where the code
/// promises something (a round trip, a refusal), a broken promise stops the process.
public enum FuzzEntries {
    public static let targets: [String: @Sendable ([UInt8]) -> Void] = [
        "json": json, "events": events, "sigv4": sigv4, "expressions": expressions, "subtitles": subtitles,
        "urlguard": urlGuard, "multipartform": multipartForm, "cookies": cookies, "proxyhead": proxyHead,
    ]

    /// The strict `Cookie` header parser: what it accepts is grammatical (token names,
    /// cookie-octet values), within its limits, and reads back the same when written out again;
    /// a name it answers for came exactly once and well formed.
    public static func cookies(_ bytes: [UInt8]) {
        let text = String(decoding: bytes, as: UTF8.self)
        // Split at the byte, not at grapheme clusters (`;` and a combining mark are one Character).
        let pieces = text.utf8.split(separator: UInt8(ascii: ";"), omittingEmptySubsequences: false).map {
            String(decoding: $0, as: UTF8.self)
        }
        guard let parsed = try? CookieHeader(header: text) else {
            precondition(
                text.utf8.count > CookieHeader.maxBytes || pieces.count > CookieHeader.maxPairs,
                "a header within the limits was refused whole")
            return
        }
        precondition(parsed.pairs.count + parsed.malformedNames.count <= CookieHeader.maxPairs, "over the pair limit")
        for (name, value) in parsed.pairs {
            precondition(!name.isEmpty && name.utf8.allSatisfy(CookieHeader.isTokenByte), "a name off the grammar")
            precondition(value.utf8.allSatisfy(CookieHeader.isCookieOctet), "a value off the grammar")
        }
        let again = try? CookieHeader(header: parsed.headerValue)
        precondition(again?.pairs.elementsEqual(parsed.pairs, by: ==) == true, "the cookies do not read back the same")
        // The same pairs whether the header comes whole or split into the event's entries.
        precondition((try? CookieHeader(pairs: pieces)) == parsed, "the header and its split pairs read differently")
        for name in Set(parsed.pairs.map(\.name) + parsed.malformedNames) {
            guard let value = try? parsed.value(of: name) else { continue }
            precondition(
                !parsed.malformedNames.contains(name)
                    && parsed.pairs.filter({ $0.name == name }).map(\.value) == [value],
                "value(of: \(name)) answered for a cookie that is repeated or malformed")
        }
    }

    /// The browser-form parser of the emulator's S3 (POST Object), on a body from disk: the first
    /// line of the input is the boundary, the rest the body. What it finds lies inside the body,
    /// and the fields stay within their budget.
    public static func multipartForm(_ bytes: [UInt8]) {
        guard let newline = bytes.firstIndex(of: 0x0A) else { return }
        let boundary = String(decoding: bytes[..<newline], as: UTF8.self)
        guard (1...70).contains(boundary.utf8.count) else { return }
        let body = Array(bytes[(newline + 1)...])
        let path = NSTemporaryDirectory() + "fuzz-form-\(UUID().uuidString)"
        guard FileManager.default.createFile(atPath: path, contents: Data(body)) else { return }
        defer { try? FileManager.default.removeItem(atPath: path) }
        guard let form = try? MultipartForm(path: path, boundary: boundary, fieldBudget: 256) else { return }
        if let file = form.file {
            precondition(file.offset >= 0 && file.length >= 0, "a negative file range")
            precondition(file.offset + file.length <= Int64(body.count), "the file runs past the body")
        }
        let used = form.fields.reduce(0) { $0 + $1.name.utf8.count + $1.value.utf8.count }
        // Decoding may turn each byte that is not UTF-8 into U+FFFD (3 bytes).
        precondition(used <= 3 * 256, "the fields passed their budget: \(used)")
    }

    /// The JSON decoder: whatever parses re-encodes to JSON that parses back to the same value.
    public static func json(_ bytes: [UInt8]) {
        guard let value = try? JSON.decode(JSONValue.self, from: bytes) else { return }
        guard let encoded = try? JSON.encode(value) else { preconditionFailure("a decoded value did not encode") }
        let again = try? JSON.decode(JSONValue.self, from: encoded)
        precondition(again == value, "JSON round trip changed the value")
    }

    /// The event decoders Lambda feeds our handlers.
    public static func events(_ bytes: [UInt8]) {
        _ = try? JSON.decode(APIGatewayV2Request.self, from: bytes)
        _ = try? JSON.decode(S3Event.self, from: bytes)
        _ = try? JSON.decode(SQSEvent.self, from: bytes)
        _ = try? JSON.decode(ScheduledEvent.self, from: bytes)
        if let event = try? JSON.decode(APIGatewayV2Request.self, from: bytes) {
            _ = try? APIRequest(event).json(JSONValue.self)
            _ = APIRequest(event).bearerCredential
        }
    }

    /// The SigV4 canonicaliser: method, target and header lines from the input; the canonical
    /// request is deterministic and its query is sorted.
    public static func sigv4(_ bytes: [UInt8]) {
        let lines = String(decoding: bytes, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: false)
        guard lines.count >= 2 else { return }
        let headers = lines.dropFirst(2).compactMap { line -> (name: String, value: String)? in
            guard let colon = line.firstIndex(of: ":") else { return nil }
            return (String(line[..<colon]), String(line[line.index(after: colon)...]))
        }
        let request = SignableRequest(method: String(lines[0]), target: String(lines[1]), headers: headers)
        let signer = SigV4(
            credentials: AWSCredentials(accessKeyID: "AKID", secretAccessKey: "secret"), region: "us-east-1",
            service: "s3")
        let names = Set(headers.map { $0.name.lowercased() })
        let first = signer.canonicalRequest(request, signedHeaderNames: names, payloadHash: "UNSIGNED-PAYLOAD")
        let second = signer.canonicalRequest(request, signedHeaderNames: names, payloadHash: "UNSIGNED-PAYLOAD")
        precondition(first.canonical == second.canonical, "the canonical request is not deterministic")
        // Sorted by encoded name, then by value (SigV4's rule), comparing bytes.
        let query = SigV4.canonicalQuery(request.queryParameters)
        let pairs =
            query.isEmpty
            ? []
            : query.split(separator: "&").map { pair -> ([UInt8], [UInt8]) in
                let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
                return (Array(parts[0].utf8), parts.count > 1 ? Array(parts[1].utf8) : [])
            }
        for (a, b) in zip(pairs, pairs.dropFirst()) {
            precondition(
                a.0.lexicographicallyPrecedes(b.0) || (a.0 == b.0 && !b.1.lexicographicallyPrecedes(a.1)),
                "the canonical query is not sorted: \(query)")
        }
    }

    /// The DynamoDB expression parser, on every expression kind.
    public static func expressions(_ bytes: [UInt8]) {
        let text = String(decoding: bytes, as: UTF8.self)
        for kind in ExpressionSyntax.Kind.allCases { try? ExpressionSyntax.parse(text, as: kind) }
    }

    /// The SRT and WebVTT writers on a transcript made from the input: cues are numbered from
    /// 1, each starts before it ends, and none overlaps the next.
    public static func subtitles(_ bytes: [UInt8]) {
        var segments: [Transcript.Segment] = []
        var time = 0.0
        var index = 0
        while index + 3 <= bytes.count {
            let start = time + Double(bytes[index]) / 10
            let end = start + Double(bytes[index + 1]) / 10
            let count = Int(bytes[index + 2] % 8)
            let words = (0..<count).map { number in
                Transcript.Word(
                    start: start + Double(number) * (end - start) / Double(max(count, 1)),
                    end: start + Double(number + 1) * (end - start) / Double(max(count, 1)),
                    word: String(decoding: bytes[index..<min(bytes.count, index + 3 + number)], as: UTF8.self))
            }
            let text = words.map(\.word).joined(separator: " ")
            segments.append(Transcript.Segment(start: start, end: end, text: text, words: words))
            time = end
            index += 3 + count
        }
        let transcript = Transcript(jobId: "fuzz", language: "en", durationSec: time, segments: segments)
        let formatter = SubtitleFormatter()
        let cues = formatter.cues(for: transcript)
        var previousEnd = 0.0
        for cue in cues {
            precondition(cue.start <= cue.end, "a cue ends before it starts")
            precondition(cue.start >= previousEnd - 0.0005, "cues overlap")
            previousEnd = cue.end
        }
        let srt = formatter.srt(transcript)
        var expected = 1
        var startsCue = true
        for line in srt.split(separator: "\n", omittingEmptySubsequences: false) {
            if startsCue && !line.isEmpty {
                precondition(line == String(expected), "SRT cue \(expected) is numbered \(line)")
                expected += 1
            }
            startsCue = line.isEmpty
        }
        precondition(expected == cues.count + 1, "SRT has \(expected - 1) numbered cues, not \(cues.count)")
        let vtt = formatter.vtt(transcript)
        precondition(vtt.hasPrefix("WEBVTT\n\n"), "a WebVTT file starts with its signature")
        for line in vtt.split(separator: "\n") where line.contains("-->") && !line.contains(" --> ") {
            preconditionFailure("a cue's text holds -->: \(line)")
        }
    }

    /// The URL guard: a URL it lets through never names a forbidden address literally.
    public static func urlGuard(_ bytes: [UInt8]) {
        let text = String(decoding: bytes, as: UTF8.self)
        let strict = URLGuard(allowLoopback: false)
        guard let checked = try? strict.check(text) else { return }
        precondition(checked.scheme == "http" || checked.scheme == "https", "a non-http scheme passed")
        if let address = checked.literalAddress, case .refuse = strict.decide(address) {
            preconditionFailure("\(text) passed with the forbidden address \(address)")
        }
    }

    /// The egress proxy's request-head parser: a head it accepts names a host and port the URL
    /// guard sees the same way (so what is checked is what is connected to), carries no user
    /// name, and a forwarded request goes upstream in origin form with no proxy credential, one
    /// `Connection: close`, and only well-formed CRLF lines.
    public static func proxyHead(_ bytes: [UInt8]) {
        guard let head = try? ProxyRequestHead.parse(bytes) else { return }
        precondition((1...65535).contains(head.port), "a port out of range: \(head.port)")
        precondition(!head.host.isEmpty && !head.host.contains("@") && !head.host.contains("%"), "host \(head.host)")
        let lenient = URLGuard(allowLoopback: true)
        if let checked = try? lenient.check(head.guardURL) {
            precondition(checked.port == head.port, "the guard saw port \(checked.port), the proxy \(head.port)")
            var host = head.host
            while host.hasSuffix(".") { host.removeLast() }
            precondition(checked.host == host, "the guard saw host \(checked.host), the proxy \(head.host)")
        }
        guard case .forward = head.target else { return }
        let upstream = head.upstreamHead()
        let text = String(decoding: upstream, as: UTF8.self)
        precondition(text.hasPrefix("\(head.method) /"), "not origin form: \(text.prefix(80))")
        precondition(text.hasSuffix("Connection: close\r\n\r\n"), "no Connection: close at the end")
        let lines = text.dropLast(4).split(separator: "\r\n", omittingEmptySubsequences: false)
        for line in lines {
            precondition(!line.isEmpty && !line.contains("\r") && !line.contains("\n"), "a broken line in \(text)")
            let lowered = line.lowercased()
            precondition(!lowered.hasPrefix("proxy-authorization:"), "the proxy credential went upstream")
        }
        precondition(lines.filter { $0.lowercased().hasPrefix("connection:") }.count == 1, "two Connection headers")
        precondition(lines.filter { $0.lowercased().hasPrefix("host:") }.count == 1, "not one Host header")
    }
}

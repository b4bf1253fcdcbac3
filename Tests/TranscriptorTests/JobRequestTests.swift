import Runtime
import Testing

@testable import Transcriptor

/// What `POST /v1/jobs` accepts, as pure logic: names taken from links, media types, ids.
@Suite struct JobRequestTests {
    @Test(arguments: [
        ("https://example.com/shows/Episode%2012.mp3?token=x#t=3", "Episode 12.mp3"),
        ("https://example.com/a/b/", "b"),
        ("https://example.com", "example.com"),
        ("https://example.com/", "example.com"),
        ("http://example.com/%00evil%0A.wav", "evil.wav"),
    ])
    func theFilenameOfALinkIsItsLastPathSegment(url: String, expected: String) {
        #expect(JobRequest.filename(fromURL: url) == expected)
    }

    @Test func onlyAudioAndVideoTypesAreMedia() {
        for type in ["audio/mpeg", "audio/wav", "video/mp4", "video/webm", "application/ogg", "audio/x-m4a"] {
            #expect(JobRequest.isMediaType(type), "\(type)")
        }
        for type in ["text/plain", "application/pdf", "audio/", "audio", "video/mp4; codecs=x", "audio/a,b", ""] {
            #expect(!JobRequest.isMediaType(type), "\(type)")
        }
    }

    @Test func jobIdsSortByCreationTime() {
        let earlier = Identifiers.job(at: Timestamp(millisecondsSinceEpoch: 1_700_000_000_000))
        let later = Identifiers.job(at: Timestamp(millisecondsSinceEpoch: 1_700_000_000_001))
        #expect(earlier < later)
        #expect(earlier.count == later.count)
        #expect(Identifiers.isWellFormed(earlier, prefix: "job"))
        #expect(!Identifiers.isWellFormed("job_../../x", prefix: "job"))
        #expect(!Identifiers.isWellFormed("usr_abc", prefix: "job"))
        #expect(!Identifiers.isWellFormed("job_", prefix: "job"))
    }

    @Test func theFingerprintTellsRequestsApart() {
        func checked(_ url: String, title: String) -> JobRequest.Checked {
            .init(kind: .url(url), title: title, filename: "f", language: "auto", webhookURL: nil)
        }
        #expect(
            JobRequest.fingerprint(checked("https://a/x", title: "t"))
                == JobRequest.fingerprint(checked("https://a/x", title: "t")))
        #expect(
            JobRequest.fingerprint(checked("https://a/x", title: "t"))
                != JobRequest.fingerprint(checked("https://a/y", title: "t")))
    }
}

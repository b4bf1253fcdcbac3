import Foundation
import TestSupport
import Testing
import Transcriptor

/// The recorded speech in ../shared/testdata/audio and its reference transcripts.
enum Fixtures {
    static func audio(_ name: String) -> String { TestAudio.path(name) }
    static func references() throws -> [(String, String)] { try TestAudio.references() }

    /// Times are monotonic, inside the audio, and each word inside its segment.
    static func expectWellTimed(
        _ transcript: Transcript, file: String, sourceLocation: SourceLocation = #_sourceLocation
    ) throws {
        #expect(!transcript.segments.isEmpty, "\(file): no segments", sourceLocation: sourceLocation)
        var previousEnd = 0.0
        for segment in transcript.segments {
            #expect(
                segment.start >= previousEnd - 0.001 && segment.start <= segment.end, "\(file): \(segment)",
                sourceLocation: sourceLocation)
            #expect(
                segment.end <= transcript.durationSec + 0.5, "\(file): past the end: \(segment)",
                sourceLocation: sourceLocation)
            var wordEnd = segment.start
            for word in segment.words {
                #expect(
                    word.start >= wordEnd - 0.05 && word.start <= word.end + 0.001, "\(file): \(word)",
                    sourceLocation: sourceLocation)
                #expect(
                    word.start >= segment.start - 0.05 && word.end <= segment.end + 0.05,
                    "\(file): \(word) outside \(segment.start)–\(segment.end)", sourceLocation: sourceLocation)
                wordEnd = word.end
            }
            previousEnd = segment.end
        }
    }
}

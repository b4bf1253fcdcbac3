import Foundation
import Testing

@testable import Runtime
@testable import Transcriptor

/// Media handling against the real ffmpeg and ffprobe: probing, conversion, renditions, silences,
/// chunk planning and sample-exact splitting, and the fetch stage's sniffer. Inputs are made once
/// per run from the shared recordings (`../shared/testdata/audio`), in a temporary folder.
@Suite struct MediaTests {
    static let tools = MediaTools()
    static let timeout: Int64 = 60

    // MARK: Probing

    @Test func probeReportsDurationCodecAndStreamsOfCommonFormats() throws {
        let files = try MediaFixtures.get()
        let expected: [(file: String, codec: String, rate: Int, video: Bool)] = [
            (files.jfkWAV, "pcm_s16le", 16000, false),
            (files.path("jfk.mp3"), "mp3", 16000, false),
            (files.path("jfk.m4a"), "aac", 16000, false),
            (files.path("jfk.opus"), "opus", 48000, false),
            (files.path("jfk.mp4"), "aac", 16000, true),
        ]
        for item in expected {
            let info = try Self.tools.probe(item.file, timeoutSeconds: Self.timeout)
            #expect(abs(info.durationSeconds - 11.0) < 0.1, "\(item.file): \(info.durationSeconds) s")
            #expect(info.hasAudio)
            #expect(info.hasVideo == item.video, "\(item.file)")
            #expect(info.audioCodec == item.codec)
            #expect(info.sampleRate == item.rate)
            #expect(info.channels == 1)
        }
        #expect(try Self.tools.probe(files.path("jfk.m4a"), timeoutSeconds: Self.timeout).formatName.contains("mp4"))
    }

    @Test func videoWithoutAudioIsPermanentNoAudio() throws {
        let files = try MediaFixtures.get()
        let error = Self.mediaError {
            _ = try Self.tools.probe(files.path("silent-video.mp4"), timeoutSeconds: Self.timeout)
        }
        #expect(error == .noAudio)
        #expect(error?.isPermanent == true)
        #expect(error?.code == "no_audio")
    }

    @Test func textRenamedToMP3IsPermanentNotMedia() throws {
        let files = try MediaFixtures.get()
        let error = Self.mediaError { _ = try Self.tools.probe(files.path("text.mp3"), timeoutSeconds: Self.timeout) }
        guard case .notMedia(let reason) = error else {
            Issue.record("expected notMedia, got \(String(describing: error))")
            return
        }
        #expect(reason.hasPrefix("ffprobe: "))
        #expect(!reason.contains(files.directory), "the message names no path of ours: \(reason)")
        #expect(error?.isPermanent == true)
        #expect(error?.code == "not_media")
        #expect(error?.description.hasPrefix("The file is not audio or video that can be read (ffprobe: ") == true)
    }

    /// The transcode stage stores the upload as `source`, with no extension for ffmpeg to go by.
    @Test func textWithoutAnExtensionSaysInvalidData() throws {
        let files = try MediaFixtures.get()
        let error = Self.mediaError { _ = try Self.tools.probe(files.path("notes"), timeoutSeconds: Self.timeout) }
        #expect(error == .notMedia(reason: "ffprobe: Invalid data found when processing input"))
    }

    @Test func emptyFileIsPermanentEmptyFile() throws {
        let files = try MediaFixtures.get()
        let empty = files.path("empty.mp3")
        #expect(Self.mediaError { _ = try Self.tools.probe(empty, timeoutSeconds: Self.timeout) } == .emptyFile)
        let convert = Self.mediaError {
            try Self.tools.convertToSpeechWAV(
                input: empty, output: files.path("empty-out.wav"), timeoutSeconds: Self.timeout)
        }
        #expect(convert == .emptyFile)
        #expect(convert?.isPermanent == true)
        #expect(convert?.code == "empty_file")
    }

    /// Formats outside `MediaTools.demuxers`: pictures, playlists that reach other files, and
    /// `.txt`, which ffmpeg would otherwise read as an ANSI-art video (the tty demuxer).
    @Test func imagesPlaylistsAndTextAreRefusedFormats() throws {
        let files = try MediaFixtures.get()
        for name in ["image.png", "image.jpg", "playlist.m3u8", "playlist.mp3", "notes.txt"] {
            let error = Self.mediaError { _ = try Self.tools.probe(files.path(name), timeoutSeconds: Self.timeout) }
            guard case .notMedia(let reason) = error else {
                Issue.record("\(name): expected notMedia, got \(String(describing: error))")
                continue
            }
            #expect(reason.contains("is not an accepted audio or video format"), "\(name): \(reason)")
        }
    }

    @Test func fileWithoutItsIndexIsNotMedia() throws {
        let files = try MediaFixtures.get()
        let error = Self.mediaError {
            _ = try Self.tools.probe(files.path("truncated.m4a"), timeoutSeconds: Self.timeout)
        }
        #expect(error == .notMedia(reason: "ffprobe: Invalid data found when processing input"))
    }

    @Test func missingOrStuckToolIsTransientToolFailure() throws {
        let files = try MediaFixtures.get()
        let missing = MediaTools(ffmpeg: "/nonexistent/ffmpeg", ffprobe: "/nonexistent/ffprobe")
        let notStarted = Self.mediaError { _ = try missing.probe(files.jfkWAV, timeoutSeconds: Self.timeout) }
        #expect(notStarted?.isPermanent == false)
        #expect(notStarted?.code == "media_tool_failed")
        #expect(notStarted?.description.contains("cannot start /nonexistent/ffprobe") == true)

        let stuck = MediaTools(ffmpeg: files.path("stuck.sh"), ffprobe: files.path("stuck.sh"))
        let timedOut = Self.mediaError {
            try stuck.convertToSpeechWAV(input: files.jfkWAV, output: files.path("stuck.wav"), timeoutSeconds: 1)
        }
        #expect(timedOut == .toolFailed(detail: "\(files.path("stuck.sh")) did not finish in time"))
        #expect(timedOut?.isPermanent == false)
    }

    /// The limit holds on what decodes: jfk (11 s) against limits of 5 s and 10.5 s (within the
    /// second's tolerance) and 30 s; the rendition stops where it is told.
    @Test func tooLongIsDecidedOnTheDecodedAudioAndSaysTheLimit() throws {
        let files = try MediaFixtures.get()
        let output = files.path("too-long.wav")
        let error = Self.mediaError {
            try Self.tools.convertToSpeechWAV(
                input: files.path("jfk.mp3"), output: output, maxSeconds: 5, timeoutSeconds: Self.timeout)
        }
        #expect(error == MediaError.tooLong(limit: 5))
        #expect(error?.isPermanent == true)
        #expect(error?.code == "too_long")
        #expect(error?.description.hasPrefix("The recording is longer than the longest accepted, 5 s.") == true)
        #expect(!FileManager.default.fileExists(atPath: output), "no output is left behind")
        for limit in [10.5, 30] {
            try Self.tools.convertToSpeechWAV(
                input: files.path("jfk.mp3"), output: output, maxSeconds: limit, timeoutSeconds: Self.timeout)
            #expect(abs(try MediaTools.wavDuration(output) - 11.0) < 0.1)
        }
        #expect(MediaError.tooLong(limit: 4 * 3600).description.contains("longest accepted, 4 h."))

        let rendition = files.path("rendition-cut.m4a")
        try Self.tools.makeRendition(
            input: files.path("jfk.mp3"), output: rendition, maxSeconds: 4, timeoutSeconds: Self.timeout)
        let info = try Self.tools.probe(rendition, timeoutSeconds: Self.timeout)
        #expect(abs(info.durationSeconds - 4) < 0.2, "\(info.durationSeconds)")
    }

    // MARK: Conversion

    @Test func conversionGives16kHzMono16BitWAV() throws {
        let files = try MediaFixtures.get()
        for name in ["jfk.mp3", "jfk.m4a", "jfk.opus", "jfk.mp4"] {
            let output = files.path("speech-\(name).wav")
            try Self.tools.convertToSpeechWAV(input: files.path(name), output: output, timeoutSeconds: Self.timeout)
            let format = try WAVFormat.read(output)
            #expect(format.sampleRate == 16000 && format.channels == 1 && format.bitsPerSample == 16, "\(name)")
            let seconds = try MediaTools.wavDuration(output)
            #expect(abs(seconds - 11.0) < 0.1, "\(name): \(seconds) s")
            let probed = try Self.tools.probe(output, timeoutSeconds: Self.timeout)
            #expect(probed.audioCodec == "pcm_s16le" && probed.sampleRate == 16000 && probed.channels == 1)
        }
    }

    @Test func truncatedMP3KeepsWhatDecodes() throws {
        let files = try MediaFixtures.get()
        let output = files.path("truncated-mp3.wav")
        try Self.tools.convertToSpeechWAV(
            input: files.path("truncated.mp3"), output: output, timeoutSeconds: Self.timeout)
        let seconds = try MediaTools.wavDuration(output)
        #expect(seconds > 0.1 && seconds < 1, "3000 bytes of 64 kb/s MP3 hold about a third of a second: \(seconds)")
    }

    @Test func conversionOfUndecodableInputIsNotMedia() throws {
        let files = try MediaFixtures.get()
        let output = files.path("stub-out.wav")
        let error = Self.mediaError {
            try Self.tools.convertToSpeechWAV(
                input: files.path("stub.mp3"), output: output, timeoutSeconds: Self.timeout)
        }
        guard case .notMedia(let reason) = error else {
            Issue.record("expected notMedia, got \(String(describing: error))")
            return
        }
        #expect(reason.hasPrefix("ffmpeg: "))
        #expect(!FileManager.default.fileExists(atPath: output), "no output is left behind")
        let silent = Self.mediaError {
            try Self.tools.convertToSpeechWAV(
                input: files.path("silent-video.mp4"), output: files.path("silent-out.wav"),
                timeoutSeconds: Self.timeout)
        }
        #expect(silent == .noAudio)
    }

    @Test func outputThatCannotBeWrittenIsTransient() throws {
        let files = try MediaFixtures.get()
        let error = Self.mediaError {
            try Self.tools.convertToSpeechWAV(
                input: files.jfkWAV, output: files.path("no-such-folder/out.wav"), timeoutSeconds: Self.timeout)
        }
        #expect(error?.isPermanent == false, "\(String(describing: error))")
    }

    @Test func renditionIsAACInMP4WithAtMostTwoChannels() throws {
        let files = try MediaFixtures.get()
        let mono = files.path("rendition-mono.m4a")
        try Self.tools.makeRendition(input: files.path("jfk.mp4"), output: mono, timeoutSeconds: Self.timeout)
        let monoInfo = try Self.tools.probe(mono, timeoutSeconds: Self.timeout)
        #expect(monoInfo.formatName.contains("mp4") && monoInfo.formatName.contains("mov"))
        #expect(monoInfo.audioCodec == "aac" && monoInfo.channels == 1 && !monoInfo.hasVideo)
        #expect(abs(monoInfo.durationSeconds - 11.0) < 0.1)

        let surround = files.path("rendition-surround.m4a")
        try Self.tools.makeRendition(
            input: files.path("surround.wav"), output: surround, sourceChannels: 6, timeoutSeconds: Self.timeout)
        let surroundInfo = try Self.tools.probe(surround, timeoutSeconds: Self.timeout)
        #expect(surroundInfo.audioCodec == "aac" && surroundInfo.channels == 2)

        // The index comes before the media data (faststart), so playback starts before the download ends.
        let head = try #require(FileHandle(forReadingAtPath: mono)).readData(ofLength: 4096)
        let moov = try #require(head.range(of: Data("moov".utf8)))
        #expect(head.range(of: Data("mdat".utf8)).map { moov.lowerBound < $0.lowerBound } ?? true)
    }

    // MARK: Silences, planning, splitting

    /// Where `speech-with-gaps.wav` has 1 s of digital silence between recordings.
    static let gaps: [ClosedRange<Double>] = [11.0...12.0, 19.1...20.1, 23.09...24.09]

    @Test func silencesCoverTheGapsBetweenRecordings() throws {
        let files = try MediaFixtures.get()
        let silences = try Self.tools.silences(inWAV: files.path("speech-with-gaps.wav"), timeoutSeconds: Self.timeout)
        for gap in Self.gaps {
            #expect(
                silences.contains { $0.start <= gap.lowerBound + 0.05 && $0.end >= gap.upperBound - 0.05 },
                "the gap \(gap) is found in \(silences)")
        }
        #expect(silences.allSatisfy { $0.duration >= 0.3 })
    }

    @Test func trailingSilenceEndsAtTheFileEnd() throws {
        let files = try MediaFixtures.get()
        let path = files.path("trailing-silence.wav")
        let silences = try Self.tools.silences(inWAV: path, timeoutSeconds: Self.timeout)
        let last = try #require(silences.last)
        let duration = try MediaTools.wavDuration(path)
        #expect(abs(last.end - duration) < 0.01)
        #expect(last.duration > 1.9)
    }

    @Test func silenceLogParsingKeepsOnlyTheFilterLinesAndAnOpenEnd() {
        let log = """
            Input #0, wav, from 'file:/tmp/x.wav':
                title           : silence_start: 1
            [silencedetect @ 0x55] silence_start: 6.78512
            [silencedetect @ 0x55] silence_end: 8.36663 | silence_duration: 1.5815
            [silencedetect @ 0x55] silence_start: -0.01
            [silencedetect @ 0x55] silence_end: 0.5 | silence_duration: 0.51
            [silencedetect @ 0x55] silence_start: 23.0899
            """
        let parsed = MediaTools.parseSilences(log)
        #expect(parsed.silences == [Silence(start: 6.78512, end: 8.36663), Silence(start: 0, end: 0.5)])
        #expect(parsed.openStart == 23.0899)
    }

    @Test func plannerCutsFallInsideTheSilences() throws {
        let files = try MediaFixtures.get()
        let path = files.path("speech-with-gaps.wav")
        let silences = try Self.tools.silences(inWAV: path, timeoutSeconds: Self.timeout)
        let duration = try MediaTools.wavDuration(path)
        let starts = ChunkPlanner.plan(duration: duration, silences: silences, target: 10)
        #expect(starts.count == 3, "\(starts)")
        #expect(starts.first == 0)
        for cut in starts.dropFirst() {
            #expect(Self.gaps.contains { $0.contains(cut) }, "the cut at \(cut) is in a gap")
            #expect(silences.contains { $0.contains(cut) })
        }
    }

    @Test func splitIsSampleExactAtThePlannedPositions() throws {
        let files = try MediaFixtures.get()
        let path = files.path("speech-with-gaps.wav")
        let silences = try Self.tools.silences(inWAV: path, timeoutSeconds: Self.timeout)
        let source = try WAVFormat.read(path)
        let starts = ChunkPlanner.plan(duration: source.durationSeconds, silences: silences, target: 10)
        let directory = files.path("chunks-gaps")
        let chunks = try WAVSplitter.split(path, at: starts, into: directory)

        #expect(chunks.map(\.path) == starts.indices.map { "\(directory)/chunk-000\($0).wav" })
        #expect(chunks.map(\.startFrame) == starts.map { Int(($0 * 16000).rounded()) })
        #expect(chunks.reduce(0) { $0 + $1.frameCount } == source.frameCount)
        var joined = Data()
        for chunk in chunks {
            let format = try WAVFormat.read(chunk.path)
            #expect(format.sampleRate == 16000 && format.channels == 1 && format.bitsPerSample == 16)
            #expect(format.frameCount == chunk.frameCount && format.dataOffset == 44)
            #expect(abs(chunk.startSeconds - starts[chunk.index]) < 1.0 / 16000)
            let probed = try Self.tools.probe(chunk.path, timeoutSeconds: Self.timeout)
            #expect(abs(probed.durationSeconds - chunk.durationSeconds) < 0.001, "ffprobe reads the header alike")
            joined += try Data(contentsOf: URL(fileURLWithPath: chunk.path)).dropFirst(44)
        }
        let original = try Data(contentsOf: URL(fileURLWithPath: path))
        #expect(joined == original.dropFirst(source.dataOffset), "the chunks hold exactly the source's samples")
    }

    @Test func splitReadsStreamedHeaderWithListChunk() throws {
        let files = try MediaFixtures.get()
        let path = files.path("streamed.wav")
        let bytes = try [UInt8](Data(contentsOf: URL(fileURLWithPath: path)))
        #expect(bytes[36..<40].elementsEqual("LIST".utf8), "ffmpeg writes a LIST chunk before data")
        let format = try WAVFormat.read(path)
        #expect(WAVFormat.le32(bytes, format.dataOffset - 4) == 0xFFFF_FFFF, "a pipe leaves the size unknown")
        #expect(format.frameCount == 176_000)
        #expect(try MediaTools.wavDuration(path) == 11.0)

        let chunks = try WAVSplitter.split(
            path, at: [0, 2.5, 10.99995], into: files.path("chunks-streamed"), prefix: "part-")
        #expect(chunks.map(\.frameCount) == [40_000, 135_999, 1], "a last chunk of one sample is still written")
        #expect(chunks.last?.path.hasSuffix("/part-0002.wav") == true)
        #expect(try WAVSplitter.split(path, at: [0, 11, 12], into: files.path("chunks-past-end")).count == 1)
    }

    @Test func splitRejectsWhatIsNotPCMWAV() throws {
        let files = try MediaFixtures.get()
        let error = Self.mediaError { _ = try WAVSplitter.split(files.path("jfk.mp3"), at: [0], into: files.path("x")) }
        #expect(error?.code == "not_media")
        let missing = Self.mediaError { _ = try MediaTools.wavDuration(files.path("missing.wav")) }
        #expect(missing?.isPermanent == false)
    }

    // MARK: Sniffing

    @Test func snifferRecognisesRealMediaHeads() throws {
        let files = try MediaFixtures.get()
        let names =
            ["jfk.mp3", "jfk.m4a", "jfk.opus", "jfk.mp4", "silent-video.mp4", "truncated.mp3"]
            + MediaFixtures.containers.map(\.name)
        for name in names {
            let head = try #require(FileHandle(forReadingAtPath: files.path(name))).readData(ofLength: 512)
            #expect(MediaSniffer.looksLikeMedia([UInt8](head)), "\(name) starts \(Array(head.prefix(12)))")
        }
        let wav = try #require(FileHandle(forReadingAtPath: files.jfkWAV)).readData(ofLength: 512)
        #expect(MediaSniffer.looksLikeMedia([UInt8](wav)))
        #expect(MediaSniffer.looksLikeMedia(Array("#!AMR\n".utf8) + [0x3C, 0x48, 0xF5, 0x1F]))
    }

    @Test func everySniffedContainerAlsoProbes() throws {
        let files = try MediaFixtures.get()
        for container in MediaFixtures.containers {
            let info = try Self.tools.probe(files.path(container.name), timeoutSeconds: Self.timeout)
            #expect(info.hasAudio && abs(info.durationSeconds - 2) < 0.2, "\(container.name): \(info)")
        }
    }

    @Test func snifferRejectsDocumentsArchivesImagesAndEmptyInput() throws {
        let files = try MediaFixtures.get()
        let documents: [[UInt8]] = [
            [],
            Array("Hello, world. This is a plain text file.\n".utf8),
            Array("<!DOCTYPE html><html><head><title>Video page</title></head><body></body></html>".utf8),
            Array("%PDF-1.7\n%\u{E2}\u{E3}\u{CF}\u{D3}\n1 0 obj\n<< /Type /Catalog >>\nendobj\n".utf8),
            [0x50, 0x4B, 0x03, 0x04, 0x14, 0x00, 0x00, 0x00, 0x08, 0x00] + [UInt8](repeating: 0x41, count: 300),
            Array("{\"error\":\"not found\"}".utf8),
            Array("MAC address list\n".utf8),
            Array("ID3 tags hold the title.".utf8),
            Array("caffeine, a short history".utf8),
            Array("The free plan includes 300 minutes.".utf8),
            [0xFF, 0xFE] + Array("h\0e\0l\0l\0o\0".utf8),
            [0xEF, 0xBB, 0xBF] + Array("<html></html>".utf8),
            Array(String(repeating: "G", count: 600).utf8),
        ]
        for document in documents {
            #expect(!MediaSniffer.looksLikeMedia(document), "\(String(decoding: document.prefix(20), as: UTF8.self))")
        }
        for name in ["image.png", "image.jpg", "text.mp3"] {
            let head = try #require(FileHandle(forReadingAtPath: files.path(name))).readData(ofLength: 512)
            #expect(!MediaSniffer.looksLikeMedia([UInt8](head)), "\(name)")
        }
    }

    /// The `MediaError` that `body` throws; nil (and an issue, for another error) otherwise.
    static func mediaError(_ body: () throws -> Void) -> MediaError? {
        do {
            try body()
            return nil
        } catch let error as MediaError {
            return error
        } catch {
            Issue.record("expected a MediaError, got \(error)")
            return nil
        }
    }
}

extension MediaTests {
    /// The planner on its own: windows, nearest silences, exact cuts without silences, short tails.
    @Suite struct Planning {
        @Test func audioNoLongerThanTheTargetIsOneChunk() {
            #expect(ChunkPlanner.plan(duration: 30, silences: [], target: 30) == [0])
            #expect(ChunkPlanner.plan(duration: 4, silences: [Silence(start: 1, end: 2)], target: 30) == [0])
            #expect(ChunkPlanner.plan(duration: 0, silences: [], target: 30) == [0])
        }

        @Test func withoutSilencesCutsAtTheTargetLength() {
            #expect(ChunkPlanner.plan(duration: 100, silences: [], target: 30) == [0, 30, 60, 90])
        }

        @Test func cutsAtTheMidpointOfTheSilenceNearestTheTarget() {
            let silences = [Silence(start: 20, end: 22), Silence(start: 28, end: 29), Silence(start: 34, end: 38)]
            let starts = ChunkPlanner.plan(duration: 50, silences: silences, target: 30)
            #expect(starts == [0, 28.5])
        }

        @Test func ignoresSilencesOutsideTheWindow() {
            let silences = [Silence(start: 9, end: 11), Silence(start: 39, end: 41)]
            #expect(ChunkPlanner.plan(duration: 50, silences: silences, target: 30) == [0, 30])
            #expect(
                ChunkPlanner.plan(duration: 50, silences: silences, target: 30, minimum: 5, maximum: 45) == [0, 40])
        }

        @Test func countsEachWindowFromThePreviousCut() {
            let silences = [Silence(start: 24, end: 26), Silence(start: 54, end: 56), Silence(start: 80, end: 81)]
            #expect(ChunkPlanner.plan(duration: 100, silences: silences, target: 30) == [0, 25, 55, 80.5])
        }

        @Test func mergesALastChunkUnderASecondIntoTheOneBefore() {
            #expect(ChunkPlanner.plan(duration: 60.5, silences: [], target: 30) == [0, 30])
            #expect(ChunkPlanner.plan(duration: 61.5, silences: [], target: 30) == [0, 30, 60])
            let nearEnd = [Silence(start: 30.1, end: 30.3)]
            #expect(ChunkPlanner.plan(duration: 30.5, silences: nearEnd, target: 30) == [0])
        }
    }

    /// Readable messages and job codes, without I/O.
    @Suite struct Errors {
        @Test func onlyToolFailuresAreTransient() {
            let cases: [MediaError] = [
                .notMedia(reason: "ffprobe: x"), .noAudio, .tooLong(limit: 1), .emptyFile,
                .toolFailed(detail: "ffmpeg did not finish in time"),
            ]
            #expect(cases.map(\.isPermanent) == [true, true, true, true, false])
            #expect(cases.map(\.code) == ["not_media", "no_audio", "too_long", "empty_file", "media_tool_failed"])
            #expect(cases.allSatisfy { $0.description.hasSuffix(".") })
        }

        @Test func ffmpegReasonsAreShortAndNameNoPaths() {
            let input = "/tmp/work/source"
            let whitelist =
                "[png_pipe @ 0x5597] Format not on whitelist 'aac,ac3'\nfile:/tmp/work/source: Invalid argument\n"
            #expect(
                MediaTools.reason(whitelist, input: input, tool: "ffprobe")
                    == "ffprobe: png_pipe is not an accepted audio or video format")
            let demuxer =
                "[mp3 @ 0x56] Failed to read frame size: Could not seek to 1029.\nfile:/tmp/work/source: Invalid argument"
            #expect(
                MediaTools.reason(demuxer, input: input, tool: "ffprobe")
                    == "ffprobe: mp3: Failed to read frame size: Could not seek to 1029.")
            let moov =
                "[mov,mp4,m4a,3gp,3g2,mj2 @ 0x55] moov atom not found\nfile:/tmp/work/source: Invalid data found when processing input\n"
            #expect(
                MediaTools.reason(moov, input: input, tool: "ffmpeg")
                    == "ffmpeg: Invalid data found when processing input")
            #expect(MediaTools.reason("", input: input, tool: "ffmpeg") == "ffmpeg: failed without a message")
            #expect(MediaTools.reason(String(repeating: "x", count: 500), input: input, tool: "ffmpeg").count == 208)
        }

        @Test func durationsReadAsPeopleSayThem() {
            #expect(MediaError.spoken(9.54) == "9.5 s")
            #expect(MediaError.spoken(12) == "12 s")
            #expect(MediaError.spoken(725) == "12 min 5 s")
            #expect(MediaError.spoken(4 * 3600) == "4 h")
            #expect(MediaError.spoken(3600 + 125) == "1 h 2 min")
        }
    }
}

/// Inputs made once per test run with ffmpeg, in a temporary folder removed at exit.
struct MediaFixtures: Sendable {
    let directory: String
    let recordings: String
    var jfkWAV: String { recordings + "/jfk.wav" }

    func path(_ name: String) -> String { directory + "/" + name }

    /// Two seconds of jfk.wav in other containers: every one is sniffed and probed.
    static let containers: [(name: String, options: [String])] = [
        ("short.flac", []),
        ("short.webm", ["-c:a", "libopus"]),
        ("short.mkv", ["-c:a", "libvorbis"]),
        ("short.ogg", ["-c:a", "libvorbis"]),
        ("short.aac", ["-c:a", "aac", "-f", "adts"]),
        ("short.aiff", []),
        ("short.wma", ["-c:a", "wmav2"]),
        ("short.flv", ["-c:a", "aac"]),
        ("short.ts", ["-c:a", "aac"]),
        ("short.mpg", ["-c:a", "mp2"]),
        ("short.mp2", ["-c:a", "mp2"]),
        ("short-noid3.mp3", ["-c:a", "libmp3lame", "-id3v2_version", "0", "-write_xing", "0"]),
        ("short.caf", []),
        ("short.avi", []),
        ("short.mov", ["-c:a", "aac"]),
        ("short.3gp", ["-c:a", "aac"]),
    ]

    private static let made = Result { () throws -> MediaFixtures in try MediaFixtures() }
    static func get() throws -> MediaFixtures { try made.get() }

    private static let folder = NSTemporaryDirectory() + "MediaTests-\(getpid())"

    private init() throws {
        let repo = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
        recordings = repo.deletingLastPathComponent().appendingPathComponent("shared/testdata/audio").path
        directory = Self.folder
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        atexit { try? FileManager.default.removeItem(atPath: MediaFixtures.folder) }

        let jfk = recordings + "/jfk.wav"
        try ffmpeg(["-i", jfk, "-c:a", "libmp3lame", "-b:a", "64k", path("jfk.mp3")])
        try ffmpeg(["-i", jfk, "-c:a", "aac", path("jfk.m4a")])
        try ffmpeg(["-i", jfk, "-c:a", "libopus", path("jfk.opus")])
        try ffmpeg([
            "-f", "lavfi", "-i", "testsrc=size=160x120:rate=10", "-i", jfk, "-map", "0:v", "-map", "1:a", "-t", "11",
            "-c:v", "libx264", "-pix_fmt", "yuv420p", "-c:a", "aac", path("jfk.mp4"),
        ])
        try ffmpeg([
            "-f", "lavfi", "-i", "testsrc=size=160x120:rate=10", "-t", "3", "-c:v", "libx264", "-pix_fmt", "yuv420p",
            path("silent-video.mp4"),
        ])
        try ffmpeg(["-f", "lavfi", "-i", "testsrc=size=64x64", "-frames:v", "1", path("image.png")])
        try ffmpeg(["-f", "lavfi", "-i", "testsrc=size=64x64", "-frames:v", "1", path("image.jpg")])
        try ffmpeg(["-f", "lavfi", "-i", "sine=frequency=440:duration=3", "-ac", "6", path("surround.wav")])
        try ffmpeg([
            "-i", jfk, "-f", "lavfi", "-t", "2", "-i", "anullsrc=r=16000:cl=mono",
            "-filter_complex", "[0:a][1:a]concat=n=2:v=0:a=1[out]", "-map", "[out]", path("trailing-silence.wav"),
        ])
        // jfk (11 s), then librivox 0870 (7.1 s), 0880 (2.99 s), 0890 (5.3 s), 1 s of silence between each.
        let pieces = ["jfk.wav", "librivox-0870.wav", "librivox-0880.wav", "librivox-0890.wav"]
        var inputs: [String] = []
        var labels = ""
        for (index, piece) in pieces.enumerated() {
            inputs += ["-i", recordings + "/" + piece]
            labels += "[\(2 * index):a]"
            if index < pieces.count - 1 {
                inputs += ["-f", "lavfi", "-t", "1", "-i", "anullsrc=r=16000:cl=mono"]
                labels += "[\(2 * index + 1):a]"
            }
        }
        try ffmpeg(
            inputs + [
                "-filter_complex", "\(labels)concat=n=\(2 * pieces.count - 1):v=0:a=1[out]", "-map", "[out]",
                "-c:a", "pcm_s16le", path("speech-with-gaps.wav"),
            ])
        for container in Self.containers {
            try ffmpeg(["-i", jfk, "-t", "2"] + container.options + [path(container.name)])
        }

        // Written to a pipe: ffmpeg cannot go back to fill in the data size.
        let streamed = try ChildProcess.run(
            "ffmpeg", ["-nostdin", "-v", "error", "-i", jfk, "-c:a", "pcm_s16le", "-f", "wav", "pipe:1"],
            timeoutSeconds: 60)
        try Data(streamed.output).write(to: URL(fileURLWithPath: path("streamed.wav")))

        let mp3 = try Data(contentsOf: URL(fileURLWithPath: path("jfk.mp3")))
        try mp3.prefix(3000).write(to: URL(fileURLWithPath: path("truncated.mp3")))
        try mp3.prefix(200).write(to: URL(fileURLWithPath: path("stub.mp3")))
        let m4a = try Data(contentsOf: URL(fileURLWithPath: path("jfk.m4a")))
        try m4a.prefix(3000).write(to: URL(fileURLWithPath: path("truncated.m4a")))
        let text = String(repeating: "These are meeting notes, not a recording.\n", count: 20)
        try text.write(toFile: path("text.mp3"), atomically: true, encoding: .utf8)
        try text.write(toFile: path("notes.txt"), atomically: true, encoding: .utf8)
        try text.write(toFile: path("notes"), atomically: true, encoding: .utf8)
        try Data().write(to: URL(fileURLWithPath: path("empty.mp3")))
        // A playlist that would make ffmpeg read another local file into the output.
        let playlist = "#EXTM3U\n#EXT-X-MEDIA-SEQUENCE:0\n#EXTINF:10.0,\n\(jfk)\n#EXT-X-ENDLIST\n"
        try playlist.write(toFile: path("playlist.m3u8"), atomically: true, encoding: .utf8)
        try playlist.write(toFile: path("playlist.mp3"), atomically: true, encoding: .utf8)
        try "#!/bin/sh\nsleep 30\n".write(toFile: path("stuck.sh"), atomically: true, encoding: .utf8)
        chmod(path("stuck.sh"), 0o755)
    }

    private func ffmpeg(_ arguments: [String]) throws {
        let result = try ChildProcess.run("ffmpeg", ["-nostdin", "-y", "-v", "error"] + arguments, timeoutSeconds: 60)
        guard result.exit.succeeded else {
            throw FixtureError(description: "ffmpeg \(arguments.joined(separator: " ")): \(result.errorText)")
        }
    }

    struct FixtureError: Error, CustomStringConvertible {
        let description: String
    }
}

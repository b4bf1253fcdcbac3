import ArgumentParser
import Diarization
import Foundation
import Runtime
import Speech
import Transcriptor

/// `transcriptor-local transcribe FILE`: transcribes a local audio or video file directly with an
/// engine, as the pipeline would (convert, split long audio at silences, transcribe each chunk),
/// and prints the transcript. No emulator, bucket or account involved.
struct Transcribe: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Transcribe a local audio or video file and print the transcript.")

    @Argument(help: "An audio or video file ffmpeg can read.")
    var file: String

    @Option(
        help: "whisper (default), pocketsphinx or openai (settings from the environment, as the functions read them).")
    var engine: String?

    @Option(help: "The whisper model: tiny.en, base, or a faster-whisper model folder.")
    var model: String?

    @Option(help: "auto (detect) or a language code such as en.")
    var language = "auto"

    @Option(help: "json, txt, srt or vtt.")
    var format = "txt"

    @Option(help: "Split audio longer than this many seconds into chunks at silences.")
    var chunkSeconds: Double = 300

    @Flag(help: "Say who speaks (senko on the whole recording, as the diarize stage does).")
    var speakers = false

    func run() async throws {
        guard ["json", "txt", "srt", "vtt"].contains(format) else {
            throw ValidationError("--format must be json, txt, srt or vtt")
        }
        guard FileManager.default.isReadableFile(atPath: file) else { throw ValidationError("cannot read \(file)") }
        if let engine { setenv("SPEECH_ENGINE", engine, 1) }
        if let model { setenv("WHISPER_MODEL", model, 1) }
        let speech = try SpeechEngines.fromEnvironment()
        let tools = MediaTools.fromEnvironment()
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("transcribe-\(UUID().uuidString)")
            .path
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }

        let started = Date()
        _ = try tools.probe(file, timeoutSeconds: 120)
        let wav = "\(folder)/audio.wav"
        try tools.convertToSpeechWAV(input: file, output: wav, timeoutSeconds: 3600)
        let duration = try MediaTools.wavDuration(wav)
        var starts: [Double] = [0]
        if duration > chunkSeconds {
            starts = ChunkPlanner.plan(
                duration: duration, silences: try tools.silences(inWAV: wav, timeoutSeconds: 3600), target: chunkSeconds
            )
        }
        var parts: [Transcript] = []
        for chunk in try WAVSplitter.split(wav, at: starts, into: folder) {
            let part = try speech.transcribe(
                chunk.path, language: language, deadline: Timestamp.now().adding(seconds: 3600))
            let offset = chunk.startSeconds
            parts.append(
                Transcript(
                    jobId: "", language: part.language, durationSec: part.durationSec,
                    segments: part.segments.map { segment in
                        Transcript.Segment(
                            start: segment.start + offset, end: segment.end + offset, text: segment.text,
                            words: segment.words.map {
                                Transcript.Word(
                                    start: $0.start + offset, end: $0.end + offset, word: $0.word,
                                    confidence: $0.confidence)
                            })
                    }))
        }
        let name = URL(fileURLWithPath: file).lastPathComponent
        var transcript = Transcript.merging(parts, jobId: name, durationSec: duration)
        if speakers {
            let engine = SenkoEngine(settings: try .fromDiarizeEnvironment())
            defer { engine.stop() }
            transcript = transcript.attributing(
                try engine.speakers(in: wav, deadline: Timestamp.now().adding(seconds: 3600)))
        }
        print(
            String(decoding: try TranscriptFormat(rawValue: format)!.render(transcript), as: UTF8.self), terminator: "")
        let seconds = Date().timeIntervalSince(started)
        FileHandle.standardError.write(
            Data(
                String(
                    format: "%@: %.1f s of audio in %.1f s (real-time factor %.3f) with %@, %d chunk(s)\n", name,
                    duration,
                    seconds, seconds / max(duration, 0.001), speech.name, starts.count
                ).utf8))
    }
}

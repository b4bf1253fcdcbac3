// Word error rate and real-time factor of a speech engine over the recordings of a refs.tsv,
// measured as bench/whisper_direct.py measures faster-whisper alone: the first file once untimed
// (warm-up: model load and first-call costs), then each file timed around the engine call only.
//
//   speech-bench ENGINE [MODEL] [REFS.tsv]    ENGINE: whisper | pocketsphinx
// Prints one row per file, then a JSON line with the totals.
import Foundation
import Runtime
import Speech
import Transcriptor

let arguments = CommandLine.arguments
guard arguments.count >= 2 else {
    FileHandle.standardError.write(Data("usage: speech-bench whisper|pocketsphinx [model] [refs.tsv]\n".utf8))
    exit(2)
}
let engineName = arguments[1]
let model = arguments.count > 2 ? arguments[2] : "tiny.en"
let refs = arguments.count > 3 ? arguments[3] : "../shared/testdata/audio/refs.tsv"
let folder = (refs as NSString).deletingLastPathComponent
let rows = try String(contentsOfFile: refs, encoding: .utf8).split(separator: "\n").dropFirst().compactMap {
    line -> (String, String)? in
    let parts = line.split(separator: "\t", maxSplits: 1)
    return parts.count == 2 ? ("\(folder)/\(parts[0])", String(parts[1])) : nil
}.filter { engineName != "pocketsphinx" || $0.0.hasSuffix(".wav") }

let engine: any SpeechEngine
switch engineName {
case "whisper":
    var settings = WhisperSettings()
    settings.model = model
    settings.threads = Int(ProcessInfo.processInfo.environment["WHISPER_THREADS"] ?? "2") ?? 2
    engine = WhisperEngine(settings: settings)
case "pocketsphinx":
    engine = try PocketSphinxEngine(settings: .init())
default:
    FileHandle.standardError.write(Data("unknown engine \(engineName)\n".utf8))
    exit(2)
}

func deadline() -> Timestamp { Timestamp.now().adding(seconds: 600) }
_ = try engine.transcribe(rows[0].0, language: "en", deadline: deadline())
var errors = 0
var words = 0
var audio = 0.0
var processing = 0.0
for (path, reference) in rows {
    let started = Date()
    let transcript = try engine.transcribe(path, language: "en", deadline: deadline())
    let seconds = Date().timeIntervalSince(started)
    let score = WordErrorRate.measure(reference: reference, hypothesis: transcript.text)
    errors += score.errors
    words += score.words
    audio += transcript.durationSec
    processing += seconds
    print(
        String(
            format: "%@\t%.3f\t%.3f\t%@", (path as NSString).lastPathComponent, score.rate,
            seconds / transcript.durationSec, transcript.text))
}
let name = engineName == "whisper" ? "whisper/\(model)" : engine.name
print(
    String(
        format:
            #"{"engine":"ours: %@","wer":%.4f,"rtf":%.4f,"audio_seconds":%.2f,"processing_seconds":%.3f,"words":%d}"#,
        name, Double(errors) / Double(max(words, 1)), processing / audio, audio, processing, words))

/// An object key in the media bucket, `{kind}/{userId}/{jobId}/{file}`: every stage's prefix, then
/// the user, then the job, so tenant isolation is visible in the key and a user's or a job's
/// objects can be listed and deleted. Every key the service writes is built here, and every key
/// an event names is parsed here.
public struct StorageKey: Hashable, Sendable, CustomStringConvertible {
    /// What a key holds, named by its prefix.
    public enum Kind: String, CaseIterable, Sendable {
        /// `uploads/…/source`: the user's file, uploaded or fetched; its arrival starts transcoding.
        case upload = "uploads"
        /// `audio/…/chunk-NNNN.wav`: one chunk of the speech audio, for transcription; and
        /// `audio/…/recording.wav`, the whole of it, for the speakers.
        case audio
        /// `segments/…/chunk-NNNN.json`: one chunk's transcript, and `segments/…/speakers.json`, the
        /// speakers; the arrival of each is counted by persist.
        case segments
        /// `renditions/…/audio.m4a`: the audio the browser plays.
        case rendition = "renditions"
        /// `transcripts/…/transcript.{format}`: the finished transcript in each format, as the
        /// machine wrote it; `transcripts/…/edit-{revision}.json`: its owner's edited version.
        case transcript = "transcripts"
    }

    public let kind: Kind
    public let userID: String
    public let jobID: String
    /// The last part of the key (`source`, `chunk-0003.wav`, `transcript.srt`, …).
    public let file: String

    private init(_ kind: Kind, _ userID: String, _ jobID: String, _ file: String) {
        (self.kind, self.userID, self.jobID, self.file) = (kind, userID, jobID, file)
    }

    /// The key as S3 names it.
    public var path: String { "\(kind.rawValue)/\(userID)/\(jobID)/\(file)" }

    public var description: String { path }

    /// The file as uploaded or fetched.
    public static func upload(_ userID: String, _ jobID: String) -> StorageKey {
        StorageKey(.upload, userID, jobID, "source")
    }

    /// Chunk `index` of the speech audio.
    public static func chunkAudio(_ userID: String, _ jobID: String, chunk index: Int) -> StorageKey {
        StorageKey(.audio, userID, jobID, chunkFile(index, "wav"))
    }

    /// The transcript of chunk `index`.
    public static func chunkSegments(_ userID: String, _ jobID: String, chunk index: Int) -> StorageKey {
        StorageKey(.segments, userID, jobID, chunkFile(index, "json"))
    }

    static let recordingFile = "recording.wav"
    static let speakersFile = "speakers.json"

    /// The whole speech audio of a job that asked for speakers (`audio/…/recording.wav`): the
    /// diarize stage finds the speakers in it, so they are the same people from start to end.
    public static func recording(_ userID: String, _ jobID: String) -> StorageKey {
        StorageKey(.audio, userID, jobID, recordingFile)
    }

    /// The speakers the diarize stage found (`segments/…/speakers.json`, a `SpeakersResult`): its
    /// arrival is counted by persist, like a chunk's segments.
    public static func speakers(_ userID: String, _ jobID: String) -> StorageKey {
        StorageKey(.segments, userID, jobID, speakersFile)
    }

    /// Whether the key holds the speakers of a job.
    public var isSpeakers: Bool { kind == .segments && file == Self.speakersFile }

    /// The playable rendition.
    public static func rendition(_ userID: String, _ jobID: String) -> StorageKey {
        StorageKey(.rendition, userID, jobID, "audio.m4a")
    }

    /// The finished transcript in `format` (`json`, `txt`, `srt`, `vtt`).
    public static func transcript(_ userID: String, _ jobID: String, format: String) -> StorageKey {
        StorageKey(.transcript, userID, jobID, "transcript.\(format)")
    }

    /// The owner's edited transcript, revision `revision` (32 hex digits, new with every edit, so
    /// that two edits at once never write the same object; the job item names the current one).
    public static func transcriptEdit(_ userID: String, _ jobID: String, revision: String) -> StorageKey {
        StorageKey(.transcript, userID, jobID, "edit-\(revision).json")
    }

    /// The key `text` names, or nil when it is not one this service writes: another prefix,
    /// ids of the wrong shape, a missing or extra part, or a file its kind does not hold.
    public init?(_ text: String) {
        let parts = text.split(separator: "/", omittingEmptySubsequences: false).map(String.init)
        guard parts.count == 4, let kind = Kind(rawValue: parts[0]),
            Identifiers.areWellFormed(userID: parts[1], jobID: parts[2])
        else { return nil }
        self.init(kind, parts[1], parts[2], parts[3])
        guard isWellFormedFile else { return nil }
    }

    /// The chunk number of an `audio` or `segments` key; nil for the other kinds.
    public var chunkIndex: Int? {
        let ext: String
        switch kind {
        case .audio: ext = "wav"
        case .segments: ext = "json"
        case .upload, .rendition, .transcript: return nil
        }
        guard file.hasPrefix("chunk-"), file.hasSuffix(".\(ext)") else { return nil }
        let digits = file.dropFirst(6).dropLast(ext.count + 1)
        guard !digits.isEmpty, digits.allSatisfy({ $0.isASCII && $0.isNumber }), let index = Int(digits),
            Self.chunkFile(index, ext) == file
        else { return nil }
        return index
    }

    /// Whether the file is one that the key's kind holds, as the builders above name it.
    private var isWellFormedFile: Bool {
        switch kind {
        case .upload: return file == "source"
        case .audio: return chunkIndex != nil || file == Self.recordingFile
        case .segments: return chunkIndex != nil || file == Self.speakersFile
        case .rendition: return file == "audio.m4a"
        case .transcript:
            if file.hasPrefix("edit-"), file.hasSuffix(".json") {
                let revision = file.utf8.dropFirst(5).dropLast(5)
                return revision.count == 32
                    && revision.allSatisfy { (0x30...0x39).contains($0) || (0x61...0x66).contains($0) }
            }
            guard file.hasPrefix("transcript.") else { return false }
            let format = file.utf8.dropFirst("transcript.".utf8.count)
            return !format.isEmpty && format.allSatisfy { (0x61...0x7a).contains($0) }
        }
    }

    /// `chunk-NNNN.{ext}`: at least four digits, so keys sort in chunk order.
    static func chunkFile(_ index: Int, _ ext: String) -> String {
        let digits = String(index)
        return "chunk-\(String(repeating: "0", count: max(0, 4 - digits.count)))\(digits).\(ext)"
    }

    /// The prefix holding the job's keys of one kind (`audio/{userId}/{jobId}/`).
    public static func prefix(_ kind: Kind, _ userID: String, _ jobID: String) -> String {
        "\(kind.rawValue)/\(userID)/\(jobID)/"
    }

    /// Every prefix holding the user's objects.
    public static func userPrefixes(_ userID: String) -> [String] { Kind.allCases.map { "\($0.rawValue)/\(userID)/" } }

    /// Every prefix holding the job's objects.
    public static func jobPrefixes(_ userID: String, _ jobID: String) -> [String] {
        Kind.allCases.map { prefix($0, userID, jobID) }
    }
}

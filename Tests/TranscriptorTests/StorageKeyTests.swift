import Testing

@testable import Transcriptor

/// The media bucket's keys: the exact strings every stage writes (objects stored before a deploy
/// must still be found), their parsing back, and the refusal of every other key an event could name.
@Suite struct StorageKeyTests {
    let userID = "usr_0123456789abcdefgh"
    let jobID = "job_0123456789abcdefghjk"

    @Test func eachKindIsWrittenAsBefore() {
        #expect(StorageKey.upload(userID, jobID).path == "uploads/\(userID)/\(jobID)/source")
        #expect(StorageKey.chunkAudio(userID, jobID, chunk: 3).path == "audio/\(userID)/\(jobID)/chunk-0003.wav")
        #expect(
            StorageKey.chunkSegments(userID, jobID, chunk: 12).path == "segments/\(userID)/\(jobID)/chunk-0012.json")
        #expect(StorageKey.rendition(userID, jobID).path == "renditions/\(userID)/\(jobID)/audio.m4a")
        #expect(
            StorageKey.transcript(userID, jobID, format: "srt").path == "transcripts/\(userID)/\(jobID)/transcript.srt")
        #expect("\(StorageKey.upload(userID, jobID))" == "uploads/\(userID)/\(jobID)/source")
    }

    @Test func chunkNumbersHaveAtLeastFourDigits() {
        #expect(StorageKey.chunkAudio(userID, jobID, chunk: 0).file == "chunk-0000.wav")
        #expect(StorageKey.chunkAudio(userID, jobID, chunk: 9999).file == "chunk-9999.wav")
        #expect(StorageKey.chunkSegments(userID, jobID, chunk: 12345).file == "chunk-12345.json")
    }

    @Test(arguments: [0, 1, 42, 9999, 10000])
    func everyKindParsesBackToItself(chunk: Int) throws {
        let keys: [StorageKey] =
            [
                .upload(userID, jobID), .chunkAudio(userID, jobID, chunk: chunk),
                .chunkSegments(userID, jobID, chunk: chunk), .rendition(userID, jobID),
            ] + ["json", "txt", "srt", "vtt"].map { .transcript(userID, jobID, format: $0) }
        for key in keys {
            let parsed = try #require(StorageKey(key.path), "\(key)")
            #expect(parsed == key)
            #expect(parsed.userID == userID && parsed.jobID == jobID)
        }
        #expect(StorageKey(StorageKey.chunkAudio(userID, jobID, chunk: chunk).path)?.chunkIndex == chunk)
        #expect(StorageKey(StorageKey.chunkSegments(userID, jobID, chunk: chunk).path)?.chunkIndex == chunk)
        #expect(StorageKey(StorageKey.upload(userID, jobID).path)?.chunkIndex == nil)
    }

    @Test func theKindComesFromThePrefix() {
        #expect(StorageKey("uploads/\(userID)/\(jobID)/source")?.kind == .upload)
        #expect(StorageKey("audio/\(userID)/\(jobID)/chunk-0001.wav")?.kind == .audio)
        #expect(StorageKey("segments/\(userID)/\(jobID)/chunk-0001.json")?.kind == .segments)
        #expect(StorageKey("renditions/\(userID)/\(jobID)/audio.m4a")?.kind == .rendition)
        #expect(StorageKey("transcripts/\(userID)/\(jobID)/transcript.vtt")?.kind == .transcript)
    }

    @Test(arguments: [
        "other/usr_0123456789abcdefgh/job_0123456789abcdefghjk/source",
        "Uploads/usr_0123456789abcdefgh/job_0123456789abcdefghjk/source",
        "/uploads/usr_0123456789abcdefgh/job_0123456789abcdefghjk/source",
        "uploads/../../etc",
        "uploads/usr_0123456789abcdefgh/../source",
        "uploads/usr_0123456789abcdefgh/job_0123456789abcdefghjk/..",
        "uploads/usr_0123456789abcdefgh/job_0123456789abcdefghjk/source/..",
        "uploads/usr_0123456789abcdefgh/job_0123456789abcdefghjk",
        "uploads/usr_0123456789abcdefgh/job_0123456789abcdefghjk/",
        "uploads/usr_0123456789abcdefgh//source",
        "uploads//job_0123456789abcdefghjk/source",
        "",
        "uploads/job_0123456789abcdefghjk/usr_0123456789abcdefgh/source",
        "uploads/usr_0123456789ABCDEFGH/job_0123456789abcdefghjk/source",
        "uploads/key_0123456789abcdefgh/job_0123456789abcdefghjk/source",
        "uploads/usr_0123456789abcdefgh/job_0123456789abcdefghjk/other",
        "audio/usr_0123456789abcdefgh/job_0123456789abcdefghjk/chunk-0001.json",
        "audio/usr_0123456789abcdefgh/job_0123456789abcdefghjk/chunk-1.wav",
        "audio/usr_0123456789abcdefgh/job_0123456789abcdefghjk/chunk-+001.wav",
        "audio/usr_0123456789abcdefgh/job_0123456789abcdefghjk/chunk-.wav",
        "audio/usr_0123456789abcdefgh/job_0123456789abcdefghjk/chunk-0001.wav.wav",
        "segments/usr_0123456789abcdefgh/job_0123456789abcdefghjk/chunk-0001.wav",
        "renditions/usr_0123456789abcdefgh/job_0123456789abcdefghjk/audio.mp3",
        "transcripts/usr_0123456789abcdefgh/job_0123456789abcdefghjk/transcript.",
        "transcripts/usr_0123456789abcdefgh/job_0123456789abcdefghjk/transcript.../x",
        "transcripts/usr_0123456789abcdefgh/job_0123456789abcdefghjk/transcript..",
    ])
    func foreignOrMalformedKeysAreRefused(text: String) {
        #expect(StorageKey(text) == nil)
    }

    @Test func prefixesCoverEveryKindOfAUserOrAJob() {
        #expect(
            StorageKey.userPrefixes(userID) == [
                "uploads/\(userID)/", "audio/\(userID)/", "segments/\(userID)/", "renditions/\(userID)/",
                "transcripts/\(userID)/",
            ])
        #expect(StorageKey.jobPrefixes(userID, jobID) == StorageKey.userPrefixes(userID).map { "\($0)\(jobID)/" })
        #expect(StorageKey.prefix(.audio, userID, jobID) == "audio/\(userID)/\(jobID)/")
        for key in [StorageKey.upload(userID, jobID), .rendition(userID, jobID)] {
            #expect(key.path.hasPrefix(StorageKey.prefix(key.kind, userID, jobID)))
        }
    }
}

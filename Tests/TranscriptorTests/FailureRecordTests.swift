import Runtime
import Testing

@testable import Transcriptor

/// What the failures stage reads from the failures queue: which job, which stage and why, for each
/// kind of record that lands there; and the chunk messages between transcode and transcribe.
@Suite struct FailureRecordTests {
    let userID = "usr_0123456789abcdefgh"
    let jobID = "job_0123456789abcdefghjk"

    func describe(_ text: String) throws -> (String, String, String, String?)? {
        FailuresFunction.describe(try JSON.decode(JSONValue.self, from: text))
    }

    @Test func aFetchDeadLetterNamesTheJobAndTheFetchStage() throws {
        let described = try #require(try describe(#"{"userId":"\#(userID)","jobId":"\#(jobID)"}"#))
        #expect(described.0 == userID && described.1 == jobID)
        #expect(described.2 == "fetch")
        #expect(described.3 == nil)
    }

    @Test func aChunkDeadLetterNamesTheTranscribeStage() throws {
        let message = try JSON.encodeString(ChunkMessage(userID: userID, jobID: jobID, chunk: 3))
        let described = try #require(try describe(message))
        #expect(described.2 == "transcribe")
        #expect(described.1 == jobID)
    }

    /// A diarize message also has a userId and a jobId: it must not be read as a fetch (which would
    /// fail the job as a link that could not be downloaded, where the speakers are to be given up).
    @Test func aDiarizeDeadLetterNamesTheDiarizeStageNotTheFetch() throws {
        let message = try JSON.encodeString(DiarizeMessage(userID: userID, jobID: jobID))
        let described = try #require(try describe(message))
        #expect(described.2 == "diarize")
        #expect(described.0 == userID && described.1 == jobID)
    }

    @Test func aDestinationRecordNamesTheStageByItsKeyAndCarriesTheError() throws {
        let record = """
            {"requestContext":{"functionArn":"arn:aws:lambda:us-east-1:123456789012:function:stack-PersistFunction-AB12:$LATEST","condition":"RetriesExhausted"},
             "requestPayload":{"Records":[{"s3":{"object":{"key":"segments/\(userID)/\(jobID)/chunk-0001.json"}}}]},
             "responsePayload":{"errorMessage":"Task timed out after 60.00 seconds"}}
            """
        let described = try #require(try describe(record))
        #expect(described.2 == "persist")
        #expect(described.3 == "Task timed out after 60.00 seconds")
        let upload = record.replacingOccurrences(
            of: "segments/\(userID)/\(jobID)/chunk-0001.json", with: "uploads/\(userID)/\(jobID)/source")
        #expect(try describe(upload)?.2 == "transcode")
    }

    @Test func recordsThatNameNoJobAreRecognizedAsSuch() throws {
        #expect(try describe(#"{"hello":"world"}"#) == nil)
        #expect(try describe(#"{"requestContext":{"functionArn":"arn:x"},"requestPayload":{"Records":[]}}"#) == nil)
        let foreign =
            #"{"requestContext":{"functionArn":"arn:x"},"requestPayload":{"Records":[{"s3":{"object":{"key":"uploads/../../etc"}}}]}}"#
        #expect(try describe(foreign) == nil)
    }

    @Test func aFunctionIsReInvokedByItsUnqualifiedARN() {
        #expect(
            FailuresFunction.unqualified("arn:aws:lambda:us-east-1:123456789012:function:stack-Transcode:$LATEST")
                == "arn:aws:lambda:us-east-1:123456789012:function:stack-Transcode")
        #expect(
            FailuresFunction.unqualified("arn:aws:lambda:us-east-1:123456789012:function:stack-Transcode")
                == "arn:aws:lambda:us-east-1:123456789012:function:stack-Transcode")
        #expect(FailuresFunction.unqualified("TranscodeFunction") == nil)
        #expect(FailuresFunction.unqualified(nil) == nil)
    }

    @Test func chunkMessagesRoundTripAndOnlyWellFormedOnesAreAccepted() throws {
        let message = ChunkMessage(userID: userID, jobID: jobID, chunk: 12)
        let decoded = try #require(ChunkMessage(body: try JSON.encodeString(message)))
        #expect(decoded == message)
        #expect(decoded.audioKey.path == "audio/\(userID)/\(jobID)/chunk-0012.wav")
        #expect(ChunkMessage(body: #"{"userId":"\#(userID)","jobId":"\#(jobID)"}"#) == nil, "a fetch message")
        #expect(ChunkMessage(body: #"{"stage":"transcribe","userId":"x","jobId":"y","chunk":1}"#) == nil, "not ids")
        #expect(
            ChunkMessage(body: #"{"stage":"transcribe","userId":"\#(userID)","jobId":"\#(jobID)","chunk":-1}"#) == nil)
        #expect(ChunkMessage(body: "not json") == nil)
    }
}

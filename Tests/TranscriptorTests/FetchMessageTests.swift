import Runtime
import Testing

@testable import Transcriptor

/// The fetch queue's message: the JSON the create-job route sends (messages in flight during a
/// deploy are read by the new code), read back by fetch and the failures stage.
@Suite struct FetchMessageTests {
    let userID = "usr_0123456789abcdefgh"
    let jobID = "job_0123456789abcdefghjk"

    @Test func itIsWrittenAsTheRouteWroteItBefore() throws {
        #expect(
            try JSON.encodeString(FetchMessage(userID: userID, jobID: jobID))
                == #"{"userId":"\#(userID)","jobId":"\#(jobID)"}"#)
    }

    @Test func itReadsBackWhatWasSent() throws {
        let message = FetchMessage(userID: userID, jobID: jobID)
        #expect(FetchMessage(body: try JSON.encodeString(message)) == message)
        #expect(FetchMessage(body: #"{ "jobId": "\#(jobID)", "userId": "\#(userID)" }"#) == message, "any key order")
    }

    @Test(arguments: [
        "", "not json", "[]", "null", #"{}"#,
        #"{"userId":"usr_0123456789abcdefgh"}"#,
        #"{"jobId":"job_0123456789abcdefghjk"}"#,
        #"{"userId":1,"jobId":"job_0123456789abcdefghjk"}"#,
        #"{"userId":"x","jobId":"y"}"#,
        #"{"userId":"job_0123456789abcdefghjk","jobId":"usr_0123456789abcdefgh"}"#,
        #"{"userId":"usr_0123456789abcdefgh","jobId":"job_../../etc"}"#,
    ])
    func malformedBodiesAreRefused(body: String) {
        #expect(FetchMessage(body: body) == nil)
    }

    @Test func theChunkMessageIsWrittenAsBefore() throws {
        #expect(
            try JSON.encodeString(ChunkMessage(userID: userID, jobID: jobID, chunk: 12))
                == #"{"stage":"transcribe","userId":"\#(userID)","jobId":"\#(jobID)","chunk":12}"#)
    }
}

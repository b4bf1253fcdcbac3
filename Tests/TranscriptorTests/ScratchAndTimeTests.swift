import Foundation
import Testing

@testable import Runtime
@testable import Transcriptor

/// The time a stage gives its tools, and the scratch folders an invocation cut short leaves.
@Suite struct ScratchAndTimeTests {
    @Test func toolsGetTheTimeLeftLessAReserveNeverMoreThanTheirCap() throws {
        let now = Timestamp(millisecondsSinceEpoch: 1_000_000)
        // A 900 s function: a minute is kept back.
        let long = TimeBudget(deadline: now.adding(seconds: 900), now: now)
        #expect(try long.seconds(atMost: 1800, now: now) == 840)
        #expect(try long.seconds(atMost: 120, now: now) == 120)
        #expect(try long.seconds(atMost: 1800, now: now.adding(seconds: 800)) == 40)
        // A 10 s function: a fifth is kept back.
        let short = TimeBudget(deadline: now.adding(seconds: 10), now: now)
        #expect(try short.seconds(atMost: 1800, now: now) == 8)
        // Nothing left: the stage is retried, not run into Lambda's deadline.
        #expect(throws: StageFailure.self) { try short.seconds(atMost: 1800, now: now.adding(seconds: 8)) }
        let past = TimeBudget(deadline: now.adding(seconds: -1), now: now)
        #expect(throws: StageFailure.self) { try past.seconds(atMost: 60, now: now) }
    }

    @Test func scratchFoldersOfEndedProcessesAndThisOneAreStale() throws {
        let base = FileManager.default.temporaryDirectory.appendingPathComponent("scratch-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: base) }
        // A process that has ended: a child reaped at once.
        let ended = Process()
        ended.executableURL = URL(fileURLWithPath: "/bin/true")
        try ended.run()
        ended.waitUntilExit()
        let names = [
            "transcriptor-\(ended.processIdentifier)-abc123",  // its process ended
            "transcriptor-\(getpid())-def456",  // this process, between invocations
            "transcriptor-1-ghi789",  // a live process (init): another function's work
            "transcriptor-tests.jkl012",  // not a scratch folder of ours
            "transcriptor-mno345",
            "other-\(ended.processIdentifier)-pqr678",
        ]
        for name in names {
            try FileManager.default.createDirectory(atPath: "\(base)/\(name)/in", withIntermediateDirectories: true)
            try Data("x".utf8).write(to: URL(fileURLWithPath: "\(base)/\(name)/in/file"))
        }
        Pipeline.removeStaleTemporaries(in: base)
        let left = try Set(FileManager.default.contentsOfDirectory(atPath: base))
        #expect(left == Set(names.dropFirst(2)))
        #expect(Pipeline.temporaryOwner("transcriptor-42-AbC0z9") == 42)
        #expect(Pipeline.temporaryOwner("transcriptor-0-AbC0z9") == nil)
        #expect(Pipeline.temporaryOwner("transcriptor--42-AbC0z9") == nil)
        #expect(Pipeline.temporaryOwner("transcriptor-42-AbC0z9-x") == nil)
    }
}

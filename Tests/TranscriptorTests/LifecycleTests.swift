import Testing
import Transcriptor

/// The job's lifecycle, every state × event, without I/O: what moves, what a repeated or late
/// event does (delivery is at least once), and that nothing acts on a deleted job.
@Suite struct LifecycleTests {
    typealias Action = Lifecycle.Action

    /// The columns of every row below: each state, then a job that does not exist.
    static let states: [Job.Status?] = [
        .queued, .fetching, .transcoding, .transcribing, .finalizing, .done, .failed, nil,
    ]

    static let move = Action.move(to:)
    static let past = Action.ignore(.pastStage)
    static let notYet = Action.ignore(.notYet)
    static let gone = Action.ignore(.gone)

    /// A job in `status`, two chunks planned and chunk 0 counted where it has a plan.
    static func state(_ status: Job.Status?) -> Lifecycle.State? {
        guard let status else { return nil }
        let planned = [.transcribing, .finalizing, .done].contains(status)
        return Lifecycle.State(status: status, chunksTotal: planned ? 2 : 0, doneChunks: planned ? [0] : [])
    }

    static let table: [(Lifecycle.Event, [Action])] = [
        (.fetchStarted, [move(.fetching), move(.fetching), past, past, past, past, past, gone]),
        (
            .uploadArrived,
            [move(.transcoding), move(.transcoding), move(.transcoding), .resume, past, past, past, gone]
        ),
        (.transcoded(chunks: 3), [notYet, notYet, move(.transcribing), past, past, past, past, gone]),
        (.transcoded(chunks: 0), [notYet, notYet, .ignore(.invalid), past, past, past, past, gone]),
        // Chunk 1 is the last one not counted: counting it completes the set.
        (.chunkDone(1), [notYet, notYet, notYet, .count(completes: true), past, past, past, gone]),
        // Chunk 0 was counted before: a repeat, wherever the job is since.
        (
            .chunkDone(0),
            [notYet, notYet, notYet, .ignore(.repeated), .ignore(.repeated), .ignore(.repeated), past, gone]
        ),
        (.chunkDone(2), [notYet, notYet, notYet, .ignore(.invalid), past, past, past, gone]),
        (.chunkDone(-1), [notYet, notYet, notYet, .ignore(.invalid), past, past, past, gone]),
        // One of two chunks counted: not yet; a job left finalizing (a crash) is taken again.
        (.finalizeStarted, [notYet, notYet, notYet, notYet, move(.finalizing), past, past, gone]),
        (.finalized, [notYet, notYet, notYet, notYet, move(.done), past, past, gone]),
        // No speakers asked for (or settled already): a repeat.
        (
            .speakersSettled,
            [
                notYet, notYet, notYet, .ignore(.repeated), .ignore(.repeated), .ignore(.repeated), .ignore(.repeated),
                gone,
            ]
        ),
        (.failed, [move(.failed), move(.failed), move(.failed), move(.failed), move(.failed), past, past, gone]),
        (.swept, [move(.failed), move(.failed), move(.failed), move(.failed), move(.failed), past, past, gone]),
        (.deleted, [.remove, .remove, .remove, .remove, .remove, .remove, .remove, gone]),
    ]

    @Test(arguments: table.indices)
    func everyStateAnswersEveryEventAsTheTableSays(row: Int) {
        let (event, expected) = Self.table[row]
        #expect(expected.count == Self.states.count)
        for (status, action) in zip(Self.states, expected) {
            #expect(
                Lifecycle.on(event, in: Self.state(status)) == action, "\(event) in \(status.map(\.rawValue) ?? "gone")"
            )
        }
    }

    @Test func theTableCoversEveryState() {
        #expect(Set(Self.states.compactMap { $0 }) == Set(Job.Status.allCases))
    }

    @Test func aJobIsFinalizedOnlyWhenEveryChunkIsCounted() {
        let allCounted = Lifecycle.State(status: .transcribing, chunksTotal: 2, doneChunks: [0, 1])
        #expect(Lifecycle.on(.finalizeStarted, in: allCounted) == .move(to: .finalizing))
        let noPlan = Lifecycle.State(status: .transcribing, chunksTotal: 0)
        #expect(Lifecycle.on(.finalizeStarted, in: noPlan) == .ignore(.notYet))
        // The count as the job's progress has it (a reader that did not read the set).
        let counted = Lifecycle.State(status: .transcribing, chunksTotal: 3, chunksDone: 3)
        #expect(Lifecycle.on(.finalizeStarted, in: counted) == .move(to: .finalizing))
    }

    /// A job that asked for speakers is finalized once every chunk is counted and its speakers are
    /// settled, whichever comes last; the other one does not complete it.
    @Test func speakersAndChunksCompleteAJobInEitherOrder() {
        let waitingForSpeakers = Lifecycle.State(
            status: .transcribing, chunksTotal: 2, doneChunks: [0, 1], speakersPending: true)
        #expect(Lifecycle.on(.finalizeStarted, in: waitingForSpeakers) == .ignore(.notYet))
        #expect(Lifecycle.on(.speakersSettled, in: waitingForSpeakers) == .settle(completes: true))
        let lastChunkOpen = Lifecycle.State(
            status: .transcribing, chunksTotal: 2, doneChunks: [0], speakersPending: true)
        #expect(Lifecycle.on(.chunkDone(1), in: lastChunkOpen) == .count(completes: false))
        #expect(Lifecycle.on(.speakersSettled, in: lastChunkOpen) == .settle(completes: false))
        let settled = Lifecycle.State(status: .transcribing, chunksTotal: 2, doneChunks: [0])
        #expect(Lifecycle.on(.chunkDone(1), in: settled) == .count(completes: true))
        #expect(Lifecycle.on(.speakersSettled, in: settled) == .ignore(.repeated))
        // Before transcription starts, speakers cannot be settled.
        let early = Lifecycle.State(status: .transcoding, speakersPending: true)
        #expect(Lifecycle.on(.speakersSettled, in: early) == .ignore(.notYet))
    }

    @Test func countingTheOnlyChunkCompletesTheSet() {
        let one = Lifecycle.State(status: .transcribing, chunksTotal: 1)
        #expect(Lifecycle.on(.chunkDone(0), in: one) == .count(completes: true))
        let three = Lifecycle.State(status: .transcribing, chunksTotal: 3)
        #expect(Lifecycle.on(.chunkDone(2), in: three) == .count(completes: false))
    }

    /// Replaying every event on its own result changes nothing more: a repeated delivery of an
    /// event that moved a job either moves it to the same state again or is ignored.
    @Test func aRepeatedEventNeverMovesAJobFurther() {
        for (event, _) in Self.table {
            for status in Job.Status.allCases {
                guard case .move(let to) = Lifecycle.on(event, in: Self.state(status)) else { continue }
                let again = Lifecycle.on(event, in: Lifecycle.State(status: to, chunksTotal: 2, doneChunks: [0, 1]))
                switch again {
                case .move(let next): #expect(next == to, "\(event) from \(status) then again from \(to)")
                case .ignore, .resume, .count, .settle, .remove: break
                }
            }
        }
    }

    @Test func finishedJobsNeverMoveAgain() {
        for status in [Job.Status.done, .failed] {
            for (event, _) in Self.table where event != .deleted {
                if case .move = Lifecycle.on(event, in: Self.state(status)) {
                    Issue.record("\(event) moved a \(status) job")
                }
            }
        }
    }
}

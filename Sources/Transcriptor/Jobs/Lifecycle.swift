/// How a job moves, in one place: which event takes a job from which state to which, and what
/// happens to an event that comes again (delivery is at least once), too early, too late or after
/// the job was deleted. Pure: it decides and does nothing; `JobStore` applies its decisions with
/// conditional writes (so two invocations that decide on the same state cannot both write), and
/// the stages act on what it answers.
///
/// | event \ state       | queued      | fetching    | transcoding | transcribing      | finalizing  | done, failed | gone   |
/// |---------------------|-------------|-------------|-------------|-------------------|-------------|--------------|--------|
/// | fetchStarted        | → fetching  | → fetching  | past        | past              | past        | past         | gone   |
/// | uploadArrived       | → transcoding | → transcoding | → transcoding | resume        | past        | past         | gone   |
/// | transcoded(n ≥ 1)   | not yet     | not yet     | → transcribing | past           | past        | past         | gone   |
/// | chunkDone(i)        | not yet     | not yet     | not yet     | count / repeated  | repeated or past | repeated or past | gone |
/// | speakersSettled     | not yet     | not yet     | not yet     | settle / repeated | repeated    | repeated     | gone   |
/// | finalizeStarted     | not yet     | not yet     | not yet     | → finalizing (all counted, speakers settled) | → finalizing | past | gone |
/// | finalized           | not yet     | not yet     | not yet     | not yet           | → done      | past         | gone   |
/// | failed, swept       | → failed    | → failed    | → failed    | → failed          | → failed    | past         | gone   |
/// | deleted             | remove      | remove      | remove      | remove            | remove      | remove       | gone   |
///
/// A stage that finds its event `past` or `gone` drops it (removing what it wrote for a gone
/// job); `resume` is a repeated upload event on a job whose chunks may be half written (a crash
/// half-way), which the transcode stage completes; `fetchStarted` and `finalizeStarted` may take a
/// job again in the state they move it to (a retry after a crash resumes the work).
public enum Lifecycle {
    /// What a job is, as far as its lifecycle goes: its state and, while it is transcribed, its
    /// chunks. Nil where a job is asked for means it does not exist (never made, or deleted).
    public struct State: Equatable, Sendable {
        public var status: Job.Status
        public var chunksTotal: Int
        /// How many chunks are counted (the job's progress).
        public var chunksDone: Int
        /// Which chunks are counted, where the reader has them (only chunk events need them).
        public var doneChunks: Set<Int>
        /// The job asked for speakers and they are neither found nor given up yet.
        public var speakersPending: Bool

        public init(
            status: Job.Status, chunksTotal: Int = 0, chunksDone: Int? = nil, doneChunks: Set<Int> = [],
            speakersPending: Bool = false
        ) {
            self.status = status
            self.chunksTotal = chunksTotal
            self.chunksDone = chunksDone ?? doneChunks.count
            self.doneChunks = doneChunks
            self.speakersPending = speakersPending
        }
    }

    public enum Event: Equatable, Sendable {
        /// The fetch stage takes a link job.
        case fetchStarted
        /// The job's media is stored (uploaded, or fetched): the transcode stage takes it.
        case uploadArrived
        /// The media is converted and split into `chunks` (at least one): transcription starts.
        case transcoded(chunks: Int)
        /// Chunk `index`'s segments are stored.
        case chunkDone(Int)
        /// The speakers of a job that asked for them are found, or given up (the diarize stage,
        /// which runs beside transcription on the whole recording).
        case speakersSettled
        /// Every chunk is counted (and the speakers settled): the transcript is put together.
        case finalizeStarted
        /// The transcript is stored: the job is done.
        case finalized
        /// A stage failed for good (the input's fault, or its retries ran out).
        case failed
        /// The job missed its stage's deadline (the sweep).
        case swept
        /// The owner deleted the job.
        case deleted
    }

    /// Why an event changes nothing.
    public enum Ignored: Equatable, Sendable {
        /// The job does not exist (deleted): what the stage wrote for it goes.
        case gone
        /// The job is past the event's stage (a late or repeated event).
        case pastStage
        /// The job has not reached the event's stage (out of order; it is not acted on).
        case notYet
        /// The event was counted before (a repeated chunk).
        case repeated
        /// The event names something the job does not have (a chunk outside its plan, a plan of
        /// no chunks).
        case invalid
    }

    public enum Action: Equatable, Sendable {
        /// Write the job in this state, on condition that it is still in the state decided on.
        case move(to: Job.Status)
        /// Count the chunk; `completes` when it is the last one not counted yet.
        case count(completes: Bool)
        /// Record the speakers as settled; `completes` when every chunk is counted already.
        case settle(completes: Bool)
        /// A repeated upload event on a job being transcribed: the stage checks that every chunk
        /// was written and announced, and does what is missing.
        case resume
        /// Remove the job (and what is stored for it).
        case remove
        case ignore(Ignored)
    }

    /// What `event` does to a job in `state` (nil: no such job).
    public static func on(_ event: Event, in state: State?) -> Action {
        guard let state else { return .ignore(.gone) }
        let status = state.status
        switch event {
        case .deleted:
            return .remove
        case .failed, .swept:
            return status.isFinal ? .ignore(.pastStage) : .move(to: .failed)
        case .fetchStarted:
            return [.queued, .fetching].contains(status) ? .move(to: .fetching) : .ignore(.pastStage)
        case .uploadArrived:
            switch status {
            case .queued, .fetching, .transcoding: return .move(to: .transcoding)
            case .transcribing: return .resume
            case .finalizing, .done, .failed: return .ignore(.pastStage)
            }
        case .transcoded(let chunks):
            switch status {
            case .queued, .fetching: return .ignore(.notYet)
            case .transcoding: return chunks >= 1 ? .move(to: .transcribing) : .ignore(.invalid)
            case .transcribing, .finalizing, .done, .failed: return .ignore(.pastStage)
            }
        case .chunkDone(let index):
            switch status {
            case .queued, .fetching, .transcoding:
                return .ignore(.notYet)
            case .transcribing:
                guard index >= 0, index < state.chunksTotal else { return .ignore(.invalid) }
                if state.doneChunks.contains(index) { return .ignore(.repeated) }
                return .count(
                    completes: state.doneChunks.count + 1 >= state.chunksTotal && !state.speakersPending)
            case .finalizing, .done, .failed:
                return state.doneChunks.contains(index) ? .ignore(.repeated) : .ignore(.pastStage)
            }
        case .speakersSettled:
            switch status {
            case .queued, .fetching, .transcoding: return .ignore(.notYet)
            case .transcribing:
                guard state.speakersPending else { return .ignore(.repeated) }
                return .settle(completes: state.chunksTotal > 0 && state.chunksDone >= state.chunksTotal)
            case .finalizing, .done, .failed: return .ignore(.repeated)
            }
        case .finalizeStarted:
            switch status {
            case .queued, .fetching, .transcoding: return .ignore(.notYet)
            case .transcribing:
                return state.chunksTotal > 0 && state.chunksDone >= state.chunksTotal && !state.speakersPending
                    ? .move(to: .finalizing) : .ignore(.notYet)
            case .finalizing: return .move(to: .finalizing)
            case .done, .failed: return .ignore(.pastStage)
            }
        case .finalized:
            switch status {
            case .finalizing: return .move(to: .done)
            case .done, .failed: return .ignore(.pastStage)
            default: return .ignore(.notYet)
            }
        }
    }
}

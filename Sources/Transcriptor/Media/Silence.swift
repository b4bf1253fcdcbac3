/// A stretch of quiet that ffmpeg's `silencedetect` found, in seconds from the file's start.
public struct Silence: Equatable, Sendable, Codable {
    public var start: Double
    public var end: Double

    public init(start: Double, end: Double) {
        precondition(end >= start, "a silence cannot end (\(end)) before it starts (\(start))")
        self.start = start
        self.end = end
    }

    public var duration: Double { end - start }
    /// The middle: the point furthest from speech on both sides, where a chunk is cut.
    public var midpoint: Double { (start + end) / 2 }

    public func contains(_ time: Double) -> Bool { time >= start && time <= end }
}

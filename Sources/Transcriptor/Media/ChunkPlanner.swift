/// Where to cut long audio into chunks that are transcribed in parallel: in silences, so that no
/// word is split, near a target length, so that the chunks take about as long as each other.
///
/// From each chunk's start, the ideal cut is `start + target`. Of the silences whose midpoint lies
/// within `[start + minimum, start + maximum]`, the cut is the midpoint nearest the ideal. Where
/// that window holds no silence the cut is `start + target` exactly (all we know of the audio is
/// its silences; it may split a word). Cutting goes on while what is left is longer than
/// `target`, and a last chunk shorter than `shortestTail` (1 s) is merged into the one before.
public enum ChunkPlanner {
    /// The shortest last chunk: anything shorter joins the chunk before it.
    public static let shortestTail = 1.0

    /// The start times of the chunks, in seconds, in order; the first is 0.
    /// - Parameters:
    ///   - duration: the audio's length.
    ///   - silences: the audio's silences (any order).
    ///   - target: the chunk length to aim for.
    ///   - minimum: the shortest chunk a silence may make; `target / 2` when nil.
    ///   - maximum: the longest chunk a silence may make; `target * 1.25` when nil.
    public static func plan(
        duration: Double, silences: [Silence], target: Double, minimum: Double? = nil, maximum: Double? = nil
    ) -> [Double] {
        precondition(target > 0, "the target chunk length must be positive, not \(target)")
        let minimum = minimum ?? target * 0.5
        let maximum = maximum ?? target * 1.25
        precondition(0 < minimum && minimum <= target && target <= maximum, "need 0 < minimum ≤ target ≤ maximum")
        guard duration.isFinite, duration > target else { return [0] }
        let midpoints = silences.map(\.midpoint).sorted()
        var starts = [0.0]
        var start = 0.0
        while duration - start > target {
            let ideal = start + target
            let window = (start + minimum)...(start + maximum)
            let cut =
                midpoints.filter { window.contains($0) && $0 < duration }
                .min { abs($0 - ideal) < abs($1 - ideal) } ?? ideal
            starts.append(cut)
            start = cut
        }
        if starts.count > 1, duration - start < shortestTail { starts.removeLast() }
        return starts
    }
}

/// Object keys in the media bucket: every stage's prefix, then the user, then the job, so tenant
/// isolation is visible in the key and a user's or a job's objects can be listed and deleted.
public enum StorageKeys {
    public static let stagePrefixes = ["uploads", "audio", "segments", "renditions", "transcripts"]

    public static func upload(_ userID: String, _ jobID: String) -> String { "uploads/\(userID)/\(jobID)/source" }
    public static func rendition(_ userID: String, _ jobID: String) -> String {
        "renditions/\(userID)/\(jobID)/audio.m4a"
    }
    public static func transcript(_ userID: String, _ jobID: String, format: String) -> String {
        "transcripts/\(userID)/\(jobID)/transcript.\(format)"
    }

    /// Every prefix holding the user's objects.
    public static func userPrefixes(_ userID: String) -> [String] { stagePrefixes.map { "\($0)/\(userID)/" } }
    /// Every prefix holding the job's objects.
    public static func jobPrefixes(_ userID: String, _ jobID: String) -> [String] {
        stagePrefixes.map { "\($0)/\(userID)/\(jobID)/" }
    }
}

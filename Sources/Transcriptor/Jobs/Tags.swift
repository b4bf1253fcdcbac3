/// The owner's labels on a job (`tags` on `POST /v1/jobs` and `PATCH /v1/jobs/{id}`, the filter
/// `GET /v1/jobs?tag=`): at most 20, each 1 to 40 characters once trimmed, with no control or
/// bidirectional-formatting characters. Tags that differ only in case are one tag: the first
/// spelling is kept, and the filter ignores case.
public enum Tags {
    public static let maxCount = 20
    public static let maxLength = 40

    /// The tags as stored: trimmed, in the order given, each once.
    public static func check(_ given: [String], field: String = "tags") throws(InvalidInput) -> [String] {
        var tags: [String] = []
        var seen = Set<String>()
        for (index, raw) in given.enumerated() {
            let tag = raw.trimmingWhitespace()
            guard !tag.isEmpty, tag.count <= maxLength else {
                throw InvalidInput("\(field)[\(index)] must have 1 to \(maxLength) characters.")
            }
            try DisplayText.check(tag, field: "\(field)[\(index)]")
            guard seen.insert(tag.lowercased()).inserted else { continue }
            tags.append(tag)
        }
        guard tags.count <= maxCount else { throw InvalidInput("\(field) has at most \(maxCount) tags.") }
        return tags
    }
}

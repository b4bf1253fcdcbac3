/// IAM's wildcard matching: `*` matches any run of characters (none included), `?` exactly one;
/// every other character matches itself.
enum Wildcard {
    /// Whether `text` matches `pattern`; `caseInsensitive` for actions, whose names IAM compares
    /// without regard to case.
    static func matches(_ text: String, pattern: String, caseInsensitive: Bool = false) -> Bool {
        let text = Array(caseInsensitive ? text.lowercased().unicodeScalars : text.unicodeScalars)
        let pattern = Array(caseInsensitive ? pattern.lowercased().unicodeScalars : pattern.unicodeScalars)
        // Greedy matching with backtracking to the last `*`: linear in practice, never exponential.
        var t = 0
        var p = 0
        var star: Int? = nil
        var resume = 0
        while t < text.count {
            if p < pattern.count, pattern[p] == "?" || pattern[p] == text[t] {
                t += 1
                p += 1
            } else if p < pattern.count, pattern[p] == "*" {
                star = p
                resume = t
                p += 1
            } else if let star {
                p = star + 1
                resume += 1
                t = resume
            } else {
                return false
            }
        }
        while p < pattern.count, pattern[p] == "*" { p += 1 }
        return p == pattern.count
    }

    /// Whether the ARN `resource` matches the policy's resource `pattern`: `*` alone matches
    /// everything; otherwise the six colon-separated parts (partition, service, region, account,
    /// resource) match part by part, so a wildcard never spans the colons before the resource part.
    static func matchesARN(_ resource: String, pattern: String) -> Bool {
        if pattern == "*" { return true }
        let patternParts = pattern.split(separator: ":", maxSplits: 5, omittingEmptySubsequences: false)
        let resourceParts = resource.split(separator: ":", maxSplits: 5, omittingEmptySubsequences: false)
        guard patternParts.count == 6, resourceParts.count == 6 else {
            return matches(resource, pattern: pattern)
        }
        return zip(resourceParts, patternParts).allSatisfy { matches(String($0), pattern: String($1)) }
    }
}

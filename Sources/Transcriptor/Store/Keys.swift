import Cloud
import Runtime

/// The single table's keys. Everything a user owns lives under the partition `USER#{id}`, so
/// tenant isolation is visible in every key: a query or a read always names the caller's
/// partition, and an id from another user's partition simply is not there (404). Lookup items
/// (by email, by hashed token or key) live in partitions of their own and point back at a user.
public enum Keys {
    public static func user(_ userID: String) -> String { "USER#\(userID)" }

    public static let profile = "PROFILE"
    public static func job(_ jobID: String) -> String { "JOB#\(jobID)" }
    public static let jobPrefix = "JOB#"
    public static func apiKey(_ keyID: String) -> String { "APIKEY#\(keyID)" }
    public static let apiKeyPrefix = "APIKEY#"
    public static func family(_ familyID: String) -> String { "FAMILY#\(familyID)" }
    public static let familyPrefix = "FAMILY#"
    public static func idempotency(_ keyHash: String) -> String { "IDEMPOTENCY#\(keyHash)" }
    public static func usage(_ month: String) -> String { "USAGE#\(month)" }

    /// The uniqueness claim of an email address (lowercased).
    public static func email(_ normalized: String) -> Item { ["pk": .s("EMAIL#\(normalized)"), "sk": .s("EMAIL")] }
    /// A refresh token, by the hash of its text.
    public static func refreshToken(_ hash: String) -> Item { ["pk": .s("REFRESH#\(hash)"), "sk": .s("REFRESH")] }
    /// An API key, by the hash of its text.
    public static func apiKeyLookup(_ hash: String) -> Item { ["pk": .s("KEYHASH#\(hash)"), "sk": .s("KEYHASH")] }
    /// A single-use mail token (verification, reset), by the hash of its text.
    public static func mailToken(_ hash: String) -> Item { ["pk": .s("TOKEN#\(hash)"), "sk": .s("TOKEN")] }

    /// An account whose deletion has started (`AccountStore.deleteAccount`); the sweep finishes
    /// any left half-done.
    public static func deleting(_ userID: String) -> Item { ["pk": .s("DELETING"), "sk": .s(userID)] }

    public static func owned(_ userID: String, _ sk: String) -> Item { ["pk": .s(user(userID)), "sk": .s(sk)] }

    /// The calendar month (UTC) of `time`, `2026-11`: the unit of usage and quota.
    public static func month(_ time: Timestamp) -> String {
        let c = time.components
        return "\(c.year)-\(c.month < 10 ? "0" : "")\(c.month)"
    }
}

/// Ids: a short type prefix and Crockford base32. Job ids start with the creation time in
/// milliseconds, so they sort by age and a user's jobs list newest first with no extra index.
public enum Identifiers {
    static let alphabet = Array("0123456789abcdefghjkmnpqrstvwxyz".utf8)

    static func base32(_ bytes: [UInt8]) -> String {
        var out: [UInt8] = []
        var buffer = 0
        var bits = 0
        for byte in bytes {
            buffer = (buffer << 8) | Int(byte)
            bits += 8
            while bits >= 5 {
                out.append(alphabet[(buffer >> (bits - 5)) & 31])
                bits -= 5
            }
        }
        if bits > 0 { out.append(alphabet[(buffer << (5 - bits)) & 31]) }
        return String(decoding: out, as: UTF8.self)
    }

    public static func random(_ prefix: String, bytes: Int = 10) -> String {
        "\(prefix)_\(base32(RandomBytes.generate(count: bytes)))"
    }

    /// `job_` + 10 characters of time (ms, big-endian, fixed width) + 16 random characters.
    public static func job(at time: Timestamp = .now()) -> String {
        var millis = UInt64(max(0, time.millisecondsSinceEpoch))
        var timeChars = [UInt8](repeating: 0, count: 10)
        for index in stride(from: 9, through: 0, by: -1) {
            timeChars[index] = alphabet[Int(millis & 31)]
            millis >>= 5
        }
        return "job_\(String(decoding: timeChars, as: UTF8.self))\(base32(RandomBytes.generate(count: 10)))"
    }

    /// Whether `text` has the shape of an id with `prefix` (path parameters outside it are 404s
    /// without a database read).
    public static func isWellFormed(_ text: String, prefix: String) -> Bool {
        guard text.hasPrefix("\(prefix)_") else { return false }
        let body = text.utf8.dropFirst(prefix.utf8.count + 1)
        return !body.isEmpty && body.count <= 40 && body.allSatisfy { alphabet.contains($0) }
    }

    /// Whether a user's and a job's ids have their shapes (the parts of storage keys and messages).
    public static func areWellFormed(userID: String, jobID: String) -> Bool {
        isWellFormed(userID, prefix: "usr") && isWellFormed(jobID, prefix: "job")
    }
}

extension Item {
    func string(_ name: String) -> String? { self[name]?.stringValue }
    func int(_ name: String) -> Int64? { self[name]?.int64Value }
    func double(_ name: String) -> Double? { self[name]?.numberValue.flatMap(Double.init) }
    func bool(_ name: String) -> Bool? { self[name]?.boolValue }
}

extension AWSError {
    var isConditionFailure: Bool { code == "ConditionalCheckFailedException" }

    /// For a cancelled transaction: which of its writes failed their condition, in order.
    var cancelledConditions: [Bool] {
        guard code == "TransactionCanceledException", let details,
            let json = try? JSON.decode(JSONValue.self, from: Array(details.utf8))
        else { return [] }
        let reasons = json["CancellationReasons"]?.arrayValue ?? []
        return reasons.map { $0["Code"]?.stringValue == "ConditionalCheckFailed" }
    }
}

/// An update expression that sets attributes (and removes others) by placeholders, so any
/// attribute name works, reserved words included: `SET #a0 = :a0, … REMOVE #r0, …`.
struct AttributeUpdate {
    var expression: String
    var names: [String: String] = [:]
    var values: Item = [:]

    init(set assignments: Item, remove removals: [String] = []) {
        var sets: [String] = []
        for (index, (name, value)) in assignments.sorted(by: { $0.key < $1.key }).enumerated() {
            names["#a\(index)"] = name
            values[":a\(index)"] = value
            sets.append("#a\(index) = :a\(index)")
        }
        expression = "SET " + sets.joined(separator: ", ")
        for (index, name) in removals.enumerated() { names["#r\(index)"] = name }
        if !removals.isEmpty {
            expression += " REMOVE " + removals.indices.map { "#r\($0)" }.joined(separator: ", ")
        }
    }
}

import Foundation
import LocalStore
import LocalTemplate

/// AWS Secrets Manager, locally, over its JSON 1.1 protocol (`X-Amz-Target:
/// secretsmanager.<Operation>`): secrets, their versions and the staging labels that rotation
/// moves (`AWSCURRENT`, `AWSPREVIOUS`), kept in the emulator's SQLite state. The template's
/// `AWS::SecretsManager::Secret` resources are created on the first start, with their
/// `SecretString` or a generated value, and keep their versions across restarts.
///
/// Served: CreateSecret, GetSecretValue, PutSecretValue, DescribeSecret, UpdateSecretVersionStage,
/// ListSecretVersionIds and DeleteSecret (always at once: no recovery window). IAM is not emulated:
/// any request signed with the local credentials may read any secret.
final class SecretsStore: Sendable {
    static let current = "AWSCURRENT"
    static let previous = "AWSPREVIOUS"

    let database: SQLiteDatabase
    let region: String
    let accountID: String

    init(database: SQLiteDatabase, region: String, accountID: String, secrets: [SecretDefinition]) throws {
        self.database = database
        self.region = region
        self.accountID = accountID
        try database.execute(
            """
            CREATE TABLE IF NOT EXISTS secrets (
                name TEXT PRIMARY KEY, arn TEXT NOT NULL UNIQUE, description TEXT,
                created_ms INTEGER NOT NULL, changed_ms INTEGER NOT NULL);
            CREATE TABLE IF NOT EXISTS secret_versions (
                name TEXT NOT NULL, version_id TEXT NOT NULL, string_value TEXT, binary_value BLOB,
                stages TEXT NOT NULL, created_ms INTEGER NOT NULL, PRIMARY KEY (name, version_id));
            """)
        for secret in secrets where try find(secret.name) == nil {
            let value = secret.secretString ?? Self.generate(secret.generate ?? .init())
            _ = try create(
                name: secret.name, arn: secret.arn, description: secret.description, value: .string(value),
                versionID: UUID().uuidString.lowercased())
        }
    }

    // MARK: Model

    enum Value: Equatable {
        case string(String)
        case binary([UInt8])
    }

    struct Secret {
        var name: String
        var arn: String
        var description: String?
        var createdMs: Int64
        var changedMs: Int64
    }

    struct Version {
        var id: String
        var value: Value
        var stages: [String]
        var createdMs: Int64
    }

    struct Failure: Error {
        var code: String
        var message: String

        static func notFound(_ message: String = "Secrets Manager can't find the specified secret.") -> Failure {
            Failure(code: "ResourceNotFoundException", message: message)
        }
        static func invalidParameter(_ message: String) -> Failure {
            Failure(code: "InvalidParameterException", message: message)
        }
        static func invalidRequest(_ message: String) -> Failure {
            Failure(code: "InvalidRequestException", message: message)
        }
    }

    private static func now() -> Int64 { Int64(Date().timeIntervalSince1970 * 1000) }

    /// The secret `id` names: its name, its ARN, or its ARN without the six random characters.
    func find(_ id: String) throws -> Secret? {
        var rows = try database.query(
            "SELECT name, arn, description, created_ms, changed_ms FROM secrets WHERE name = ? OR arn = ?",
            [.text(id), .text(id)])
        if rows.isEmpty, id.hasPrefix("arn:") {
            rows = try database.query(
                "SELECT name, arn, description, created_ms, changed_ms FROM secrets WHERE substr(arn, 1, length(arn) - 7) = ?",
                [.text(id)])
        }
        guard let row = rows.first, let name = row[0].text, let arn = row[1].text else { return nil }
        return Secret(
            name: name, arn: arn, description: row[2].text, createdMs: row[3].integer ?? 0,
            changedMs: row[4].integer ?? 0)
    }

    private func secret(_ id: String) throws -> Secret {
        guard let secret = try find(id) else { throw Failure.notFound() }
        return secret
    }

    func versions(of name: String) throws -> [Version] {
        try database.query(
            "SELECT version_id, string_value, binary_value, stages, created_ms FROM secret_versions WHERE name = ? ORDER BY created_ms",
            [.text(name)]
        ).map { row in
            let value: Value = row[1].text.map { .string($0) } ?? .binary(row[2].blob ?? [])
            return Version(
                id: row[0].text ?? "", value: value,
                stages: (row[3].text ?? "").split(separator: ",").map(String.init), createdMs: row[4].integer ?? 0)
        }
    }

    private func save(_ version: Version, of name: String) throws {
        var string: SQLiteDatabase.Value = .null
        var binary: SQLiteDatabase.Value = .null
        switch version.value {
        case .string(let text): string = .text(text)
        case .binary(let bytes): binary = .blob(bytes)
        }
        try database.query(
            """
            INSERT INTO secret_versions (name, version_id, string_value, binary_value, stages, created_ms)
            VALUES (?, ?, ?, ?, ?, ?)
            ON CONFLICT (name, version_id) DO UPDATE SET stages = excluded.stages
            """,
            [
                .text(name), .text(version.id), string, binary, .text(version.stages.joined(separator: ",")),
                .integer(version.createdMs),
            ])
    }

    private func touch(_ name: String) throws {
        try database.query("UPDATE secrets SET changed_ms = ? WHERE name = ?", [.integer(Self.now()), .text(name)])
    }

    // MARK: Operations

    func create(
        name: String, arn: String? = nil, description: String?, value: Value?, versionID: String
    ) throws
        -> (Secret, String?)
    {
        try database.transaction {
            if try find(name) != nil {
                throw Failure(
                    code: "ResourceExistsException",
                    message: "The operation failed because the secret \(name) already exists.")
            }
            let now = Self.now()
            let secret = Secret(
                name: name, arn: arn ?? SecretDefinition.arn(name: name, region: region, accountID: accountID),
                description: description, createdMs: now, changedMs: now)
            try database.query(
                "INSERT INTO secrets (name, arn, description, created_ms, changed_ms) VALUES (?, ?, ?, ?, ?)",
                [
                    .text(secret.name), .text(secret.arn), description.map { .text($0) } ?? .null, .integer(now),
                    .integer(now),
                ])
            guard let value else { return (secret, nil) }
            try save(Version(id: versionID, value: value, stages: [Self.current], createdMs: now), of: name)
            return (secret, versionID)
        }
    }

    /// The version with `versionID` and/or `stage` (AWSCURRENT when neither is given).
    func value(of id: String, versionID: String?, stage: String?) throws -> (Secret, Version) {
        let secret = try secret(id)
        let versions = try versions(of: secret.name)
        let wanted = stage ?? (versionID == nil ? Self.current : nil)
        guard
            let version = versions.first(where: { version in
                (versionID == nil || version.id == versionID) && (wanted == nil || version.stages.contains(wanted!))
            })
        else {
            if let versionID, let wanted {
                throw Failure.notFound(
                    "Secrets Manager can't find the specified secret value for VersionId: \(versionID) and staging label: \(wanted)"
                )
            }
            throw Failure.notFound(
                versionID.map { "Secrets Manager can't find the specified secret value for VersionId: \($0)" }
                    ?? "Secrets Manager can't find the specified secret value for staging label: \(wanted ?? "")")
        }
        return (secret, version)
    }

    /// PutSecretValue: a new version with `stages` (AWSCURRENT by default), each label taken from
    /// the version that had it; the version that was AWSCURRENT becomes AWSPREVIOUS. The same
    /// `versionID` with the same value changes nothing; with another value it is refused.
    func put(_ id: String, value: Value, versionID: String, stages: [String]?) throws -> (Secret, Version) {
        let stages = stages ?? [Self.current]
        return try database.transaction {
            let secret = try secret(id)
            var versions = try versions(of: secret.name)
            if let existing = versions.first(where: { $0.id == versionID }) {
                guard existing.value == value else {
                    throw Failure(
                        code: "ResourceExistsException",
                        message: "You can't modify an existing version, you can only create a new version.")
                }
                return (secret, existing)
            }
            let new = Version(id: versionID, value: value, stages: stages, createdMs: Self.now())
            try moveLabels(stages, to: new, in: &versions)
            for version in versions { try save(version, of: secret.name) }
            try save(new, of: secret.name)
            try touch(secret.name)
            return (secret, new)
        }
    }

    /// Takes `labels` from the other versions for `target`; if AWSCURRENT moves, the version that
    /// had it becomes AWSPREVIOUS (taken from the one that had that).
    private func moveLabels(_ labels: [String], to target: Version, in versions: inout [Version]) throws {
        let formerCurrent = versions.first { $0.stages.contains(Self.current) && $0.id != target.id }?.id
        for index in versions.indices where versions[index].id != target.id {
            versions[index].stages.removeAll { labels.contains($0) }
        }
        if labels.contains(Self.current), let formerCurrent {
            for index in versions.indices { versions[index].stages.removeAll { $0 == Self.previous } }
            if let index = versions.firstIndex(where: { $0.id == formerCurrent }) {
                versions[index].stages.append(Self.previous)
            }
        }
    }

    /// UpdateSecretVersionStage: moves one label between versions (AWSCURRENT only from the version
    /// that has it, which then becomes AWSPREVIOUS), or removes it.
    func updateStage(_ id: String, stage: String, moveTo: String?, removeFrom: String?) throws -> Secret {
        try database.transaction {
            let secret = try secret(id)
            var versions = try versions(of: secret.name)
            let holder = versions.first { $0.stages.contains(stage) }?.id
            if let removeFrom, holder != removeFrom {
                throw Failure.invalidParameter(
                    "The staging label \(stage) is not attached to version \(removeFrom), so it can't be removed from it."
                )
            }
            if let moveTo {
                guard let target = versions.first(where: { $0.id == moveTo }) else {
                    throw Failure.notFound(
                        "Secrets Manager can't find the specified secret value for VersionId: \(moveTo)")
                }
                if let holder, holder != moveTo, removeFrom == nil {
                    throw Failure.invalidParameter(
                        "The staging label \(stage) is currently attached to version \(holder). You must specify RemoveFromVersionId to move it."
                    )
                }
                try moveLabels([stage], to: target, in: &versions)
                if let index = versions.firstIndex(where: { $0.id == moveTo }), !versions[index].stages.contains(stage)
                {
                    versions[index].stages.append(stage)
                }
            } else if let removeFrom, let index = versions.firstIndex(where: { $0.id == removeFrom }) {
                if stage == Self.current {
                    throw Failure.invalidParameter("AWSCURRENT can be moved to another version, not removed.")
                }
                versions[index].stages.removeAll { $0 == stage }
            }
            for version in versions { try save(version, of: secret.name) }
            try touch(secret.name)
            return secret
        }
    }

    func delete(_ id: String) throws -> Secret {
        try database.transaction {
            let secret = try secret(id)
            try database.query("DELETE FROM secret_versions WHERE name = ?", [.text(secret.name)])
            try database.query("DELETE FROM secrets WHERE name = ?", [.text(secret.name)])
            return secret
        }
    }

    // MARK: Generated values

    static let punctuation = Array("!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~")

    /// A password as GetRandomPassword (and `GenerateSecretString`) makes one: `passwordLength`
    /// characters of the included types, at least one of each; as JSON when there is a template.
    static func generate(_ options: SecretDefinition.GenerateSecretString) -> String {
        var groups: [[Character]] = []
        if !options.excludeLowercase { groups.append(Array("abcdefghijklmnopqrstuvwxyz")) }
        if !options.excludeUppercase { groups.append(Array("ABCDEFGHIJKLMNOPQRSTUVWXYZ")) }
        if !options.excludeNumbers { groups.append(Array("0123456789")) }
        if !options.excludePunctuation { groups.append(punctuation) }
        if options.includeSpace { groups.append([" "]) }
        groups = groups.map { $0.filter { !options.excludeCharacters.contains($0) } }.filter { !$0.isEmpty }
        if groups.isEmpty { groups = [Array("abcdefghijklmnopqrstuvwxyz")] }
        let all = groups.flatMap { $0 }
        var generator = SystemRandomNumberGenerator()
        var password: [Character] = []
        while true {
            password = (0..<options.passwordLength).map { _ in all.randomElement(using: &generator)! }
            // Each included type at least once, as AWS requires by default (when the length allows).
            if groups.count > options.passwordLength
                || groups.allSatisfy({ group in password.contains(where: group.contains) })
            {
                break
            }
        }
        let text = String(password)
        guard let template = options.secretStringTemplate, let key = options.generateStringKey,
            var object = (try? JSONSerialization.jsonObject(with: Data(template.utf8))) as? [String: Any]
        else { return text }
        object[key] = text
        let data = (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])) ?? Data()
        return String(decoding: data, as: UTF8.self)
    }
}

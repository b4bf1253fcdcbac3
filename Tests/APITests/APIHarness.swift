import Cloud
import Foundation
import HTTP
import Runtime
import TestSupport
import Testing
import Transcriptor

/// The whole API as a user meets it: `transcriptor-local` serving the project's `template.yaml`
/// with the route functions of this build, on free ports and a fresh data folder.
final class APIHarness: @unchecked Sendable {
    // @unchecked Sendable: every stored property is set once in `init`.
    let emulator: EmulatorHarness
    let aws: AWSConfiguration
    /// Whether the test means to make the emulator deny a function's call (IAMEnforcementTests);
    /// in every other test a denial is a permission the template lacks, reported when it ends.
    let expectsDenials: Bool
    let bucket = "transcriptor-local-media-000000000000"

    static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()

    static let allowedHosts = "127.0.0.1,localhost"

    /// - Parameters:
    ///   - parameters: template parameter overrides (limits, say). Tests sign many users up from
    ///     127.0.0.1, so sign-ups per address are not limited unless a test sets
    ///     `SignupsPerAddressPerHour` itself.
    ///   - config: more settings for every function (KEY=VALUE lines).
    ///   - dataDirectory: serve this data folder again (after a crash).
    ///   - template: serve this template instead of the project's (a copy with a setting changed).
    ///   - serveArguments: more arguments of `serve` (`--iam report`, say).
    ///   - billing: start local Stripe (the billing suites); other suites do without its start-up.
    init(
        parameters: [String: String] = [:], environment: [String: String] = [:], config: String = "",
        reusing dataDirectory: String? = nil, template: String? = nil, serveArguments: [String] = [],
        expectsDenials: Bool = false, billing: Bool = false
    ) throws {
        self.expectsDenials = expectsDenials
        // Links and webhooks may reach this machine only: no test sends a packet elsewhere, not
        // even a DNS query for a name in a test's URL.
        emulator = try EmulatorHarness(
            templatePath: template ?? Self.repository.appendingPathComponent("template.yaml").path,
            environment: environment,
            config: "ALLOW_LOOPBACK_URLS=true\nURL_ALLOWED_HOSTS=\(Self.allowedHosts)\n\(config)",
            reusing: dataDirectory,
            arguments: parameters.merging(["SignupsPerAddressPerHour": "100000"]) { given, _ in given }
                .sorted { $0.key < $1.key }.flatMap { ["--parameter", "\($0.key)=\($0.value)"] } + serveArguments
                + (billing ? [] : ["--no-stripe"]))
        let endpoint = try Endpoint(url: emulator.aws)
        aws = AWSConfiguration(
            region: "us-east-1", credentials: AWSCredentials(accessKeyID: "local", secretAccessKey: "local-secret"),
            endpoints: Dictionary(uniqueKeysWithValues: AWSService.allCases.map { ($0, endpoint) }))
    }

    deinit {
        // The functions run with their roles enforced: a call the template does not allow that the
        // code swallowed (a best-effort delete, say) would fail only here.
        let denials = emulator.output.split(separator: "\n").filter { $0.hasPrefix("IAM denied: ") }
        if !expectsDenials, !denials.isEmpty {
            Issue.record("the emulator denied functions' calls: \(denials.joined(separator: "\n"))")
        }
    }

    /// An answer of the API, with its JSON body parsed when it has one.
    struct Reply: CustomStringConvertible, @unchecked Sendable {
        // @unchecked Sendable: a value read once its request has finished, never mutated after.
        var status: Int
        var response: HTTPResponse
        var json: [String: Any] {
            (try? JSONSerialization.jsonObject(with: Data(response.body))) as? [String: Any] ?? [:]
        }
        var text: String { response.bodyText }
        /// `error.code` of an error body.
        var errorCode: String? { (json["error"] as? [String: Any])?["code"] as? String }
        var errorMessage: String { (json["error"] as? [String: Any])?["message"] as? String ?? "" }
        func header(_ name: String) -> String? { response.header(name) }
        var description: String { "\(status) \(text)" }
    }

    /// A request through the gateway. `json` is serialized; `body` is sent as it is.
    func call(
        _ method: HTTPMethod, _ path: String, token: String? = nil, json: Any? = nil, body: String? = nil,
        headers: [(name: String, value: String)] = []
    ) throws -> Reply {
        var all = headers
        if let token { all.append(("Authorization", "Bearer \(token)")) }
        var text = body
        if let json {
            text = String(decoding: try JSONSerialization.data(withJSONObject: json), as: UTF8.self)
            all.append(("Content-Type", "application/json"))
        }
        let response = try emulator.request(method, path, headers: all, body: text)
        return Reply(status: response.status, response: response)
    }

    /// A signed-up user and the session signup gave them.
    struct Session {
        var userID: String
        var email: String
        var password: String
        var accessToken: String
        var refreshToken: String
    }

    static let password = "correct horse battery staple"

    func signup(_ email: String = "user-\(UUID().uuidString.prefix(8))@example.com") throws -> Session {
        let reply = try call(.post, "/v1/auth/signup", json: ["email": email, "password": Self.password])
        return try Session(signedUp: email, status: reply.status, json: reply.json, reply: "\(reply)")
    }

    /// `transcriptor-local plan EMAIL PLAN` against this emulator: the operator's way
    /// to put an account on a plan without payment.
    @discardableResult
    func putOnPlan(_ email: String, _ plan: String) throws -> (status: Int32, output: String) {
        let process = Process()
        process.executableURL = try TestPaths.executable("transcriptor-local")
        process.arguments = [
            "plan", email, plan, "--template", APIHarness.repository.appendingPathComponent("template.yaml").path,
            "--aws-endpoint", emulator.aws,
        ]
        process.environment = ProcessInfo.processInfo.environment.merging(["DATA_DIR": emulator.dataDirectory]) {
            $1
        }
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        try process.run()
        let output = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        return (process.terminationStatus, output)
    }

    /// Puts the account of `email` on `plan`, or throws what the command said.
    func setPlan(_ email: String, _ plan: String) throws {
        let (status, output) = try putOnPlan(email, plan)
        guard status == 0 else { throw ServerError("transcriptor-local plan failed: \(output)") }
    }

    /// The mail the outbox holds for `address`, oldest first.
    func mail(to address: String) throws -> [[String: Any]] { try Self.mail(in: emulator, to: address) }

    /// The token of the last link in mail to `address` whose path is `page` (`/verify-email`, say).
    func linkToken(to address: String, page: String) throws -> String? {
        try Self.linkToken(in: emulator, to: address, page: page)
    }

    static func mail(in emulator: EmulatorHarness, to address: String) throws -> [[String: Any]] {
        let response = try emulator.request(.get, "/_local/mail.json")
        let all = (try JSONSerialization.jsonObject(with: Data(response.body)) as? [[String: Any]]) ?? []
        // The outbox lists newest first.
        return all.filter { (($0["to"] as? [String]) ?? []).contains(address) }.reversed()
    }

    static func linkToken(in emulator: EmulatorHarness, to address: String, page: String) throws -> String? {
        for message in try mail(in: emulator, to: address).reversed() {
            let text = message["text"] as? String ?? ""
            guard let range = text.range(of: "\(page)?token=") else { continue }
            return String(text[range.upperBound...].prefix { !$0.isWhitespace })
        }
        return nil
    }

    /// The name of the access-token secret (template.yaml's TokenSigningKey) in the emulator.
    static let tokenSecretName = "transcriptor-local-TokenSigningKey"

    /// A version of the access-token secret as the functions read it (the emulator generated the
    /// first on its first start): the key of the tokens whose `kid` is its version id.
    func tokenKey(stage: String = "AWSCURRENT") throws -> AccessTokenSigner.Key {
        let value = try SecretsManagerClient(configuration: aws).getSecretValue(
            secretID: Self.tokenSecretName, stage: stage)
        return AccessTokenSigner.Key(id: value.versionID, secret: Array((value.secretString ?? "").utf8))
    }

    /// Stops every warm function process, so the next invocation of each starts cold (and reads
    /// its secrets again), as new instances on AWS do.
    func coldStartFunctions() throws {
        func processes() throws -> Set<Int> {
            let status = try JSON.decode(JSONValue.self, from: emulator.request(.get, "/_local/status.json").body)
            return Set(
                (status["functions"]?.arrayValue ?? []).flatMap { $0["processes"]?.arrayValue ?? [] }.compactMap(
                    \.intValue))
        }
        let killed = try processes()
        for pid in killed { kill(pid_t(pid), SIGKILL) }
        // The emulator sees each exit (and leaves the process out of its pool) a moment later.
        let deadline = Date().addingTimeInterval(10)
        while try !processes().isDisjoint(with: killed) && Date() < deadline { Thread.sleep(forTimeInterval: 0.05) }
    }
}

extension APIHarness {
    /// A job from a link, made by the holder of `token`; its id.
    func link(_ url: String, token: String) throws -> String {
        let created = try call(.post, "/v1/jobs", token: token, json: ["source": ["url": url]])
        #expect(created.status == 201, "\(created)")
        return try #require((created.json["job"] as? [String: Any])?["id"] as? String)
    }

    /// Polls the job until it is done or failed; its last answer.
    func finished(_ id: String, token: String, timeout: TimeInterval = 180) throws -> [String: Any] {
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            let job = try call(.get, "/v1/jobs/\(id)", token: token).json
            if let status = job["status"] as? String, status == "done" || status == "failed" { return job }
            Thread.sleep(forTimeInterval: 0.2)
        }
        throw ServerError(
            "job \(id) did not finish in \(timeout) s; emulator log:\n\(emulator.output.suffix(6000))")
    }
}

extension APIHarness.Session {
    /// The session a signup's answer gives.
    init(signedUp email: String, status: Int, json: [String: Any], reply: String) throws {
        guard status == 201, let user = json["user"] as? [String: Any], let id = user["id"] as? String,
            let access = json["accessToken"] as? String, let refresh = json["refreshToken"] as? String
        else { throw ServerError("signup failed: \(reply)") }
        self.init(userID: id, email: email, password: APIHarness.password, accessToken: access, refreshToken: refresh)
    }
}

import Cloud
import LocalIAM
import LocalTemplate
import Runtime

/// Each function's execution role (its `Policies`) and the temporary credentials Lambda hands the
/// function's processes for it: an `ASIA…` access key, a secret and a session token, made anew on
/// every start of the emulator, as a role session's are. A request signed with them acts as the
/// role; the local credentials (`local`/`local-secret`) remain unrestricted.
struct FunctionRoles: Sendable {
    /// One function's role session.
    struct Session: Sendable {
        var function: String
        var role: Role
        var credentials: AWSCredentials
    }

    private let byFunction: [String: Session]
    private let byAccessKey: [String: Session]

    init(template: Template) {
        var sessions: [String: Session] = [:]
        for (name, function) in template.functions {
            // SAM names a function's role <Function>Role; CloudFormation prefixes the stack's name.
            let role = Role(
                name: "\(template.context.stackName)-\(name)Role", sessionName: name,
                accountID: template.context.accountID, statements: function.policies)
            sessions[name] = Session(
                function: name, role: role,
                credentials: AWSCredentials(
                    accessKeyID: "ASIA" + Self.random(16, from: Self.upperAlphanumerics),
                    secretAccessKey: Self.random(40, from: Self.alphanumerics),
                    sessionToken: Base64.encode(RandomBytes.generate(count: 96))))
        }
        byFunction = sessions
        byAccessKey = Dictionary(uniqueKeysWithValues: sessions.values.map { ($0.credentials.accessKeyID, $0) })
    }

    /// The role session of a function.
    func session(of function: String) -> Session? { byFunction[function] }

    /// The role session an access key belongs to; nil for the local credentials and unknown keys.
    func session(forAccessKey accessKeyID: String) -> Session? { byAccessKey[accessKeyID] }

    /// Every function's role session, by function name.
    var sessions: [Session] { byFunction.values.sorted { $0.function < $1.function } }

    private static let upperAlphanumerics = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567")
    private static let alphanumerics = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/")

    private static func random(_ count: Int, from alphabet: [Character]) -> String {
        String(RandomBytes.generate(count: count).map { alphabet[Int($0) % alphabet.count] })
    }
}

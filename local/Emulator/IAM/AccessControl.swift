import ArgumentParser
import Foundation
import LocalIAM

/// IAM, locally: before the AWS endpoint serves a request signed with a function's role
/// credentials, the role's statements from template.yaml decide it. A denial is answered in the
/// service's own shape (by the endpoint), written to the console and kept for the status page.
final class AccessControl: @unchecked Sendable {
    // @unchecked Sendable: `recent` is guarded by `lock`; the rest is set once in `init`.

    /// What the emulator does with the functions' roles (`serve --iam`).
    enum Mode: String, Sendable, CaseIterable, ExpressibleByArgument {
        /// Deny what the role does not allow, as AWS does (the default).
        case enforce
        /// Serve everything, but log and record what AWS would deny.
        case report
        /// Functions get the unrestricted local credentials; no role is evaluated.
        case off
    }

    /// A request a role was refused (or, in report mode, would have been).
    struct Denial: Codable, Sendable {
        var at: Date
        var function: String
        var role: String
        var action: String
        var resource: String
        var message: String
        /// False in report mode: the request was served anyway.
        var enforced: Bool

        /// The message as S3 words it, with the resource in quotes.
        var s3Message: String {
            message.replacingOccurrences(of: "on resource: \(resource) ", with: "on resource: \"\(resource)\" ")
        }
    }

    /// How many denials the status page keeps.
    static let kept = 100

    let mode: Mode
    let roles: FunctionRoles
    private let lock = NSLock()
    private var recent: [Denial] = []
    private var count = 0

    init(mode: Mode, roles: FunctionRoles) {
        self.mode = mode
        self.roles = roles
    }

    /// The role a request signed with `accessKeyID` acts as; nil for the local credentials (and
    /// when enforcement is off).
    func session(forAccessKey accessKeyID: String?) -> FunctionRoles.Session? {
        guard mode != .off, let accessKeyID else { return nil }
        return roles.session(forAccessKey: accessKeyID)
    }

    /// Decides the requests one AWS request needs: nil when the role may make them all (or the
    /// caller is no role), else the denial of the first it may not make, logged and recorded. In
    /// report mode the denial is logged and recorded, and nil returned.
    func check(_ requests: [AuthorizationRequest], accessKeyID: String?) -> Denial? {
        guard let session = session(forAccessKey: accessKeyID),
            let (request, decision) = session.role.firstDenied(requests)
        else { return nil }
        let denial = Denial(
            at: Date(), function: session.function, role: session.role.name, action: request.action,
            resource: request.resource, message: session.role.denialMessage(for: request, decision: decision),
            enforced: mode == .enforce)
        record(denial, context: request.context)
        return mode == .enforce ? denial : nil
    }

    private func record(_ denial: Denial, context: RequestContext) {
        lock.withLock {
            recent.append(denial)
            count += 1
            if recent.count > Self.kept { recent.removeFirst(recent.count - Self.kept) }
        }
        let keys = context.sorted.map { key, value in
            switch value {
            case .single(let text): "\(key)=\(text)"
            case .multiple(let values): "\(key)=[\(values.joined(separator: ","))]"
            }
        }.joined(separator: " ")
        Console.write(
            "IAM \(denial.enforced ? "denied" : "would deny (report mode)"): \(denial.function) \(denial.action) on \(denial.resource)"
                + (keys.isEmpty ? "" : " (\(keys))") + ": its Policies in template.yaml do not allow it")
    }

    /// The last denials, newest first.
    var recentDenials: [Denial] { lock.withLock { recent.reversed() } }

    /// Every denial since the start.
    var denialCount: Int { lock.withLock { count } }
}

/// A function's execution role as IAM sees it: the statements of its policies, and the session a
/// function's credentials belong to (Lambda assumes the role with the function's name as the
/// session name).
public struct Role: Sendable, Equatable {
    /// The role's name (SAM's `<Function>Role`, prefixed by the stack name).
    public var name: String
    /// The assumed role's session: the function's name.
    public var sessionName: String
    public var accountID: String
    public var statements: [PolicyStatement]

    public init(name: String, sessionName: String, accountID: String, statements: [PolicyStatement]) {
        self.name = name
        self.sessionName = sessionName
        self.accountID = accountID
        self.statements = statements
    }

    /// The principal a request signed with the role's credentials comes from.
    public var assumedRoleARN: String { "arn:aws:sts::\(accountID):assumed-role/\(name)/\(sessionName)" }

    /// IAM's decision for one request.
    public enum Decision: Sendable, Equatable {
        case allowed
        /// No statement allows it.
        case implicitlyDenied
        /// A `Deny` statement covers it (whatever allows it too): its `Sid`, if it has one.
        case explicitlyDenied(sid: String?)

        public var isAllowed: Bool { self == .allowed }
    }

    /// Evaluates the role's identity-based policies: a `Deny` that covers the request wins, else an
    /// `Allow` that covers it allows it, else it is denied.
    public func decide(_ request: AuthorizationRequest) -> Decision {
        var allowed = false
        for statement in statements where statement.applies(to: request) {
            switch statement.effect {
            case .deny: return .explicitlyDenied(sid: statement.sid)
            case .allow: allowed = true
            }
        }
        return allowed ? .allowed : .implicitlyDenied
    }

    /// The first of `requests` the role may not make, with the decision; nil when all are allowed.
    public func firstDenied(_ requests: [AuthorizationRequest]) -> (AuthorizationRequest, Decision)? {
        for request in requests {
            let decision = decide(request)
            if !decision.isAllowed { return (request, decision) }
        }
        return nil
    }

    /// AWS's message for a denied request: who, what, on which resource, and why.
    public func denialMessage(for request: AuthorizationRequest, decision: Decision) -> String {
        let why =
            if case .explicitlyDenied = decision {
                "with an explicit deny in an identity-based policy"
            } else {
                "because no identity-based policy allows the \(request.action) action"
            }
        return
            "User: \(assumedRoleARN) is not authorized to perform: \(request.action) on resource: \(request.resource) \(why)"
    }
}

/// One statement of an identity-based policy (a function's `Policies` in template.yaml): its
/// effect, the actions and resources it names (or, with `NotAction`/`NotResource`, excludes) and
/// its conditions, all of which must hold.
public struct PolicyStatement: Sendable, Equatable {
    public enum Effect: String, Sendable {
        case allow = "Allow"
        case deny = "Deny"
    }

    /// `Action` (the statement covers these) or `NotAction` (it covers every other action).
    public enum Names: Sendable, Equatable {
        case only([String])
        case allBut([String])
    }

    public var sid: String?
    public var effect: Effect
    public var actions: Names
    public var resources: Names
    public var conditions: [PolicyCondition]

    public init(
        sid: String? = nil, effect: Effect, actions: Names, resources: Names, conditions: [PolicyCondition] = []
    ) {
        self.sid = sid
        self.effect = effect
        self.actions = actions
        self.resources = resources
        self.conditions = conditions
    }

    /// An `Action`/`Resource` statement.
    public init(
        sid: String? = nil, _ effect: Effect, actions: [String], resources: [String],
        conditions: [PolicyCondition] = []
    ) {
        self.init(
            sid: sid, effect: effect, actions: .only(actions), resources: .only(resources), conditions: conditions)
    }

    /// Whether the statement covers the request: its action, its resource, every condition.
    func applies(to request: AuthorizationRequest) -> Bool {
        let actionNamed: Bool
        switch actions {
        case .only(let patterns):
            actionNamed = patterns.contains { Wildcard.matches(request.action, pattern: $0, caseInsensitive: true) }
        case .allBut(let patterns):
            actionNamed = !patterns.contains { Wildcard.matches(request.action, pattern: $0, caseInsensitive: true) }
        }
        guard actionNamed else { return false }
        let resourceNamed: Bool
        switch resources {
        case .only(let patterns):
            resourceNamed = patterns.contains { Wildcard.matchesARN(request.resource, pattern: $0) }
        case .allBut(let patterns):
            resourceNamed = !patterns.contains { Wildcard.matchesARN(request.resource, pattern: $0) }
        }
        guard resourceNamed else { return false }
        return conditions.allSatisfy { $0.holds(in: request.context) }
    }
}

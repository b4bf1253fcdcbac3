import Runtime

/// `GET /v1/billing/plans` → the plans on offer, for the pricing page (no sign-in needed).
public struct BillingPlansRoute: APIRoute {
    public static var usesTokens: Bool { false }
    public init() {}

    struct Plans: Encodable {
        var plans: [Plan]
    }

    public func respond(_ call: APICall) throws -> APIGatewayV2Response {
        try .api(200, Plans(plans: call.services.settings.plans.plans))
    }
}

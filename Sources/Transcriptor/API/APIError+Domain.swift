/// The one place where what the stores and the domain refuse becomes an HTTP status and the API's
/// error body: domain code throws `JobError`, `AuthError` and `InvalidInput`, never `APIError`.
extension APIError {
    /// The API's answer to a domain error; nil for an error that is not one (a storage failure,
    /// which `APIFunction` answers with 503 or 500).
    public init?(_ error: any Error) {
        switch error {
        case let error as APIError:
            self = error
        case let error as InvalidInput:
            self = .badRequest(error.message, code: error.code)
        case let error as JobError:
            self = Self.from(error)
        case let error as AuthError:
            self = Self.from(error)
        case let error as BillingError:
            self = Self.from(error)
        default:
            return nil
        }
    }

    static func from(_ error: JobError) -> APIError {
        switch error {
        case .quotaExceeded(let minutes, let renewal):
            APIError(
                status: 402, code: "quota_exceeded",
                message: "This period's \(minutes) audio minutes are used up; more become available \(renewal).")
        case .tooManyJobs(let limit):
            APIError(
                status: 429, code: "too_many_jobs",
                message: "You have \(limit) jobs in progress, the most at once; submit more when some finish.",
                headers: ["retry-after": "60"])
        case .idempotencyKeyReused:
            APIError(
                status: 422, code: "idempotency_key_reused",
                message: "This Idempotency-Key was used for a different request; use a new key for a new job.")
        case .invalidCursor:
            .badRequest("cursor is not one this API gave out; start again without it.")
        case .busy:
            APIError(
                status: 503, code: "unavailable", message: "The job is changing right now; try deleting it again.",
                headers: ["retry-after": "1"])
        }
    }

    static func from(_ error: AuthError) -> APIError {
        switch error {
        case .unauthorized(let message):
            message.map { .unauthorized($0) } ?? .unauthorized()
        case .invalidRefreshToken:
            APIError(
                status: 401, code: "invalid_refresh_token",
                message: "The refresh token is unknown, expired, already used or signed out; log in again.")
        case .emailTaken(let address):
            .conflict("email_taken", "An account with \(address) already exists; log in instead.")
        case .tooManyAPIKeys(let limit):
            .conflict("too_many_api_keys", "An account has at most \(limit) API keys; revoke one first.")
        case .rateLimited(let message, let seconds):
            .tooManyRequests(message, retryAfterSeconds: seconds)
        }
    }

    static func from(_ error: BillingError) -> APIError {
        switch error {
        case .cardDeclined(let message):
            APIError(status: 402, code: "card_declined", message: message)
        case .unknownPlan(let id):
            .badRequest(
                "planId \"\(id.prefix(40))\" is not a paid plan (GET /v1/billing/plans lists them); to go back to Free, cancel the subscription.",
                code: "invalid_plan")
        case .noSubscription:
            APIError(status: 409, code: "no_subscription", message: "The account has no subscription to change.")
        case .refused(let message):
            .badRequest(message, code: "payment_refused")
        case .stripeUnavailable:
            APIError(
                status: 503, code: "unavailable", message: "Payments are not answering right now; try again shortly.",
                headers: ["retry-after": "5"])
        case .invalidSignature:
            .badRequest("The Stripe-Signature header does not hold for this body.", code: "invalid_signature")
        }
    }
}

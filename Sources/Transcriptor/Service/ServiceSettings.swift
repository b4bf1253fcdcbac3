import Runtime

/// What the functions are configured with: names of the resources they use, the token secret,
/// the web app's address for links in mail, and the per-user limits. Read once per cold start
/// from the environment the template (or the emulator) gives them.
public struct ServiceSettings: Sendable {
    public var tableName: String
    public var bucketName: String
    /// The fetch queue's URL; only functions that enqueue need it.
    public var fetchQueueURL: String?
    /// The transcribe queue's URL (transcode sends chunks there; transcribe times their retries).
    public var transcribeQueueURL: String?
    /// The diarize queue's URL (transcode sends the whole recording of a job that asked for
    /// speakers there).
    public var diarizeQueueURL: String?
    /// The web app's origin; links in mail point at its pages.
    public var webOrigin: String
    /// The sender of account mail.
    public var mailFrom: String
    public var limits: Limits
    /// How long a presigned upload URL is valid, in seconds.
    public var uploadURLLifetime: Int64 = 3600
    /// How long a presigned media URL is valid, in seconds.
    public var mediaURLLifetime: Int64 = 900
    /// Sign-ups one source address may make in an hour.
    public var signupsPerAddressPerHour = 20
    /// How long a plan holds after its renewal failed (`BILLING_GRACE_SECONDS`, 7 days).
    public var billingGraceSeconds: Int64 = 7 * 24 * 3600
    /// Stripe, for the billing functions (nil in functions that do not bill).
    public var stripe: Stripe?

    public struct Stripe: Sendable, Equatable {
        /// `STRIPE_API_URL`: Stripe's API (`https://api.stripe.com`; localstripe locally).
        public var apiURL: String
        /// `STRIPE_PUBLISHABLE_KEY` and `STRIPE_JS_URL`, which the web app loads Stripe.js with.
        public var publishableKey: String
        public var jsURL: String
    }

    /// Stripe's settings, or why this function has none.
    public func requireStripe() throws(Invalid) -> Stripe {
        guard let stripe else {
            throw Invalid(description: "the setting STRIPE_SECRET_ARN is missing: billing is not set up")
        }
        return stripe
    }

    /// The plans on offer (`PLANS`); `limits` caps each.
    public var plans: PlanCatalog = .freeOnly
    /// What the deployment's speech model can do (`SPEECH_MODEL`).
    public var speech = SpeechCapabilities(model: "whisper/tiny.en")

    /// The limits in force on an account of the plan `planID`.
    public func limits(forPlan planID: String) -> Limits { limits.capped(by: plans.planOrDefault(planID)) }

    public struct Limits: Sendable, Equatable, Codable {
        public var monthlyAudioMinutes: Int
        public var jobsInFlight: Int
        public var maxUploadBytes: Int64
        public var maxFileSeconds: Int

        /// DESIGN.md's defaults: 300 audio minutes a month, 20 jobs in flight, 2 GiB uploads, 4 hours.
        public static let defaults = Limits(
            monthlyAudioMinutes: 6000, jobsInFlight: 50, maxUploadBytes: 2 * 1024 * 1024 * 1024,
            maxFileSeconds: 4 * 3600)

        public init(monthlyAudioMinutes: Int, jobsInFlight: Int, maxUploadBytes: Int64, maxFileSeconds: Int) {
            self.monthlyAudioMinutes = monthlyAudioMinutes
            self.jobsInFlight = jobsInFlight
            self.maxUploadBytes = maxUploadBytes
            self.maxFileSeconds = maxFileSeconds
        }
    }

    public init(
        tableName: String, bucketName: String, fetchQueueURL: String? = nil,
        webOrigin: String = "http://127.0.0.1:3000", mailFrom: String = "Transcriptor <no-reply@transcriptor.local>",
        limits: Limits = .defaults
    ) {
        self.tableName = tableName
        self.bucketName = bucketName
        self.fetchQueueURL = fetchQueueURL
        self.webOrigin = webOrigin
        self.mailFrom = mailFrom
        self.limits = limits
    }

    /// A setting that is missing or cannot be used: the function fails its init, so the operator
    /// sees the reason in the log instead of a half-working function.
    public struct Invalid: Error, CustomStringConvertible, Sendable {
        public let description: String
    }

    /// From `TABLE_NAME`, `MEDIA_BUCKET`, `FETCH_QUEUE_URL`, `TRANSCRIBE_QUEUE_URL`, `DIARIZE_QUEUE_URL`, `WEB_ORIGIN`, `MAIL_FROM`,
    /// `LIMIT_MONTHLY_AUDIO_MINUTES`, `LIMIT_JOBS_IN_FLIGHT`, `LIMIT_UPLOAD_BYTES`, `LIMIT_FILE_SECONDS`,
    /// `LIMIT_SIGNUPS_PER_ADDRESS`.
    public static func fromEnvironment() throws(Invalid) -> ServiceSettings {
        func required(_ name: String) throws(Invalid) -> String {
            guard let value = Environment.get(name), !value.isEmpty else {
                throw Invalid(description: "the setting \(name) is missing")
            }
            return value
        }
        func number<T: FixedWidthInteger>(_ name: String, _ fallback: T) throws(Invalid) -> T {
            guard let text = Environment.get(name), !text.isEmpty else { return fallback }
            guard let value = T(text), value > 0 else {
                throw Invalid(description: "the setting \(name) must be a positive whole number, not \(text)")
            }
            return value
        }
        var settings = ServiceSettings(
            tableName: try required("TABLE_NAME"), bucketName: try required("MEDIA_BUCKET"),
            fetchQueueURL: Environment.get("FETCH_QUEUE_URL"))
        settings.transcribeQueueURL = Environment.get("TRANSCRIBE_QUEUE_URL").flatMap { $0.isEmpty ? nil : $0 }
        settings.diarizeQueueURL = Environment.get("DIARIZE_QUEUE_URL").flatMap { $0.isEmpty ? nil : $0 }
        if let origin = Environment.get("WEB_ORIGIN"), !origin.isEmpty {
            settings.webOrigin = origin.hasSuffix("/") ? String(origin.dropLast()) : origin
        }
        if let from = Environment.get("MAIL_FROM"), !from.isEmpty { settings.mailFrom = from }
        if let model = Environment.get("SPEECH_MODEL"), !model.isEmpty {
            settings.speech = SpeechCapabilities(model: model)
        }
        let defaults = Limits.defaults
        settings.limits = Limits(
            monthlyAudioMinutes: try number("LIMIT_MONTHLY_AUDIO_MINUTES", defaults.monthlyAudioMinutes),
            jobsInFlight: try number("LIMIT_JOBS_IN_FLIGHT", defaults.jobsInFlight),
            maxUploadBytes: try number("LIMIT_UPLOAD_BYTES", defaults.maxUploadBytes),
            maxFileSeconds: try number("LIMIT_FILE_SECONDS", defaults.maxFileSeconds))
        settings.signupsPerAddressPerHour = try number("LIMIT_SIGNUPS_PER_ADDRESS", settings.signupsPerAddressPerHour)
        settings.plans = try PlanCatalog.parse(try required("PLANS"))
        settings.billingGraceSeconds = try number("BILLING_GRACE_SECONDS", settings.billingGraceSeconds)
        if let apiURL = Environment.get("STRIPE_API_URL"), !apiURL.isEmpty {
            settings.stripe = Stripe(
                apiURL: apiURL, publishableKey: Environment.get("STRIPE_PUBLISHABLE_KEY") ?? "",
                jsURL: Environment.get("STRIPE_JS_URL").flatMap { $0.isEmpty ? nil : $0 } ?? "https://js.stripe.com/v3/"
            )
        }
        return settings
    }
}

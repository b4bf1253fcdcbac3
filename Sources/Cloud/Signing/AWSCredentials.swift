import Runtime

/// An access key, as the AWS SDKs read it from the environment (Lambda sets all three).
public struct AWSCredentials: Sendable, Equatable {
    public var accessKeyID: String
    public var secretAccessKey: String
    /// Temporary credentials' session token, sent as `X-Amz-Security-Token`.
    public var sessionToken: String?

    public init(accessKeyID: String, secretAccessKey: String, sessionToken: String? = nil) {
        self.accessKeyID = accessKeyID
        self.secretAccessKey = secretAccessKey
        self.sessionToken = sessionToken
    }

    /// `AWS_ACCESS_KEY_ID`, `AWS_SECRET_ACCESS_KEY` and `AWS_SESSION_TOKEN`.
    /// - Throws: `RuntimeError.missingSetting` naming the first variable that is unset.
    public static func fromEnvironment() throws -> AWSCredentials {
        AWSCredentials(
            accessKeyID: try Environment.require("AWS_ACCESS_KEY_ID"),
            secretAccessKey: try Environment.require("AWS_SECRET_ACCESS_KEY"),
            sessionToken: Environment.get("AWS_SESSION_TOKEN").flatMap { $0.isEmpty ? nil : $0 })
    }
}

/// The deployment a template is read for: what the pseudo parameters and generated names resolve to.
public struct TemplateContext: Sendable, Equatable {
    /// `AWS::StackName`, and the prefix of generated physical names.
    public var stackName: String
    /// `AWS::AccountId`, used in ARNs and queue URLs.
    public var accountID: String
    /// `AWS::Region`, used in ARNs.
    public var region: String
    /// The emulator's AWS endpoint; queue URLs are `<awsEndpoint>/<accountID>/<queue name>`.
    public var awsEndpoint: String

    public init(
        stackName: String = "transcriptor-local", accountID: String = "000000000000", region: String = "us-east-1",
        awsEndpoint: String = "http://127.0.0.1:4566"
    ) {
        self.stackName = stackName
        self.accountID = accountID
        self.region = region
        self.awsEndpoint = awsEndpoint
    }
}

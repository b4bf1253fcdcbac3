import ArgumentParser
import Cloud
import Foundation
import LocalTemplate
import Transcriptor

/// `transcriptor-local plan EMAIL PLAN`: puts an account on a plan without payment (trials, staff,
/// tests), through a running emulator's DynamoDB. On AWS the same is a one-off UpdateItem
/// (docs/operations.md).
struct PlanCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "plan", abstract: "Put an account on a plan (free, pro, business) without payment.")

    @OptionGroup var common: CommonOptions

    @Argument(help: "The account's email address.")
    var email: String

    @Argument(help: "The plan's id (the template's Plans document).")
    var plan: String

    @Option(help: "The AWS endpoint of the running emulator.")
    var awsEndpoint = "http://127.0.0.1:4566"

    func run() async throws {
        let template = try common.loadTemplate(
            dataDirectory: ProcessInfo.processInfo.environment["DATA_DIR"] ?? ".local")
        let catalog = try PlanCatalog.parse(template.parameters["Plans"] ?? "")
        guard catalog.plan(plan) != nil else {
            throw ValidationError(
                "\(plan) is not a plan; the plans are \(catalog.plans.map(\.id).joined(separator: ", "))")
        }
        guard let table = template.tables["Table"]?.name else {
            throw ValidationError("\(common.template) has no Table")
        }
        let address: EmailAddress
        do {
            address = try EmailAddress(email)
        } catch {
            throw ValidationError("\(email) is not an email address")
        }
        let endpoint = try Endpoint(url: awsEndpoint)
        let aws = AWSConfiguration(
            region: template.context.region,
            credentials: AWSCredentials(accessKeyID: "local", secretAccessKey: "local-secret"),
            endpoints: Dictionary(uniqueKeysWithValues: AWSService.allCases.map { ($0, endpoint) }))
        let accounts = AccountStore(
            db: try DynamoDBClient(configuration: aws), table: table, s3: try S3Client(configuration: aws), bucket: "")
        guard let userID = try accounts.setPlan(email: address, planID: plan) else {
            throw ValidationError("no account has the address \(email)")
        }
        print("\(email) (\(userID)) is on the \(plan) plan")
    }
}

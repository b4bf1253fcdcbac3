import Foundation
import LocalIAM
import LocalTemplate
import Testing

/// The project's template.yaml as the emulator reads it: each function's `Policies`, resolved to
/// the emulator's ARNs, decide as scripts/check-template.py says they must.
@Suite struct TemplateRolesTests {
    static let template: Template? = {
        let path = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("template.yaml").path
        return try? Template.load(path: path)
    }()
    static let bucket = "arn:aws:s3:::transcriptor-local-media-000000000000"
    static let table = "arn:aws:dynamodb:us-east-1:000000000000:table/transcriptor-local-Table"

    func role(_ function: String) throws -> Role {
        let template = try #require(Self.template)
        let definition = try #require(template.functions[function])
        return Role(
            name: "\(function)Role", sessionName: function, accountID: "000000000000", statements: definition.policies)
    }

    @Test func everyFunctionHasStatements() throws {
        let template = try #require(Self.template)
        #expect(template.functions.count > 20)
        // The plans' function reads settings only: least privilege is no statement at all.
        for (name, function) in template.functions where name != "BillingPlansFunction" {
            #expect(!function.policies.isEmpty, "\(name)")
        }
        #expect(template.functions["BillingPlansFunction"]?.policies.isEmpty == true)
    }

    @Test func listingNeedsAStagePrefixUnlessGrantedWhole() throws {
        let delete = try role("MeDeleteFunction")
        func list(_ role: Role, _ prefix: String?) -> Bool {
            var context = RequestContext()
            if let prefix { context["s3:prefix"] = .single(prefix) }
            return role.decide(.init(action: "s3:ListBucket", resource: Self.bucket, context: context)).isAllowed
        }
        #expect(list(delete, "uploads/usr_a/"))
        #expect(list(delete, "transcripts/usr_a/job_b/"))
        #expect(!list(delete, nil))
        #expect(!list(delete, "other/"))
        #expect(list(try role("JobsMediaFunction"), nil))
    }

    @Test func secretsAreReadByTheFunctionsGrantedThemOnly() throws {
        let template = try #require(Self.template)
        let key = try #require(template.secrets["TokenSigningKey"]).arn
        let read = AuthorizationRequest(action: "secretsmanager:GetSecretValue", resource: key)
        #expect(try role("AuthLoginFunction").decide(read).isAllowed)
        #expect(!(try role("TranscribeFunction").decide(read).isAllowed))
        #expect(!(try role("AuthLogoutFunction").decide(read).isAllowed))
    }

    @Test func theSweepReadsTheDeadlineIndexByNamedAttributesOnly() throws {
        let sweep = try role("SweepFunction")
        func query(_ attributes: [String]?, select: String) -> Bool {
            var context: RequestContext = [
                "dynamodb:LeadingKeys": .multiple(["DEADLINE"]), "dynamodb:Select": .single(select),
            ]
            if let attributes { context["dynamodb:Attributes"] = .multiple(attributes) }
            return sweep.decide(.init(action: "dynamodb:Query", resource: "\(Self.table)/index/gsi1", context: context))
                .isAllowed
        }
        #expect(query(["gsi1pk", "gsi1sk", "jobId", "pk", "sk", "userId"], select: "SPECIFIC_ATTRIBUTES"))
        #expect(!query(nil, select: "ALL_PROJECTED_ATTRIBUTES"))
        #expect(!query(["gsi1pk", "gsi1sk", "pk", "sk", "webhookSecret"], select: "SPECIFIC_ATTRIBUTES"))
    }
}

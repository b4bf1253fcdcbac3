import LocalIAM
import Testing

@Suite struct RoleTests {
    static let bucket = "arn:aws:s3:::media"
    static let table = "arn:aws:dynamodb:us-east-1:000000000000:table/T"

    func role(_ statements: PolicyStatement...) -> Role {
        Role(name: "stack-FnRole", sessionName: "Fn", accountID: "000000000000", statements: statements)
    }

    @Test func actionsMatchWildcardsWithoutRegardToCase() {
        let role = role(PolicyStatement(.allow, actions: ["S3:Get*", "dynamodb:?etItem"], resources: ["*"]))
        #expect(role.decide(.init(action: "s3:GetObject", resource: "\(Self.bucket)/k")) == .allowed)
        #expect(role.decide(.init(action: "s3:getobjectversion", resource: "\(Self.bucket)/k")) == .allowed)
        #expect(role.decide(.init(action: "dynamodb:GetItem", resource: Self.table)) == .allowed)
        #expect(role.decide(.init(action: "dynamodb:SetItem", resource: Self.table)) == .allowed)
        #expect(role.decide(.init(action: "s3:PutObject", resource: "\(Self.bucket)/k")) == .implicitlyDenied)
        #expect(role.decide(.init(action: "dynamodb:BatchGetItem", resource: Self.table)) == .implicitlyDenied)
    }

    @Test func resourcesMatchWildcardsWithinTheirParts() {
        let role = role(
            PolicyStatement(.allow, actions: ["s3:GetObject"], resources: ["\(Self.bucket)/uploads/*"]),
            PolicyStatement(.allow, actions: ["dynamodb:Query"], resources: ["\(Self.table)/index/*"]),
            PolicyStatement(.allow, actions: ["sqs:SendMessage"], resources: ["arn:aws:sqs:*:000000000000:q?"]))
        #expect(role.decide(.init(action: "s3:GetObject", resource: "\(Self.bucket)/uploads/u/j/f")).isAllowed)
        #expect(!role.decide(.init(action: "s3:GetObject", resource: "\(Self.bucket)/audio/u/j/f")).isAllowed)
        // Resources are case-sensitive.
        #expect(!role.decide(.init(action: "s3:GetObject", resource: "\(Self.bucket)/Uploads/x")).isAllowed)
        #expect(role.decide(.init(action: "dynamodb:Query", resource: "\(Self.table)/index/gsi1")).isAllowed)
        #expect(!role.decide(.init(action: "dynamodb:Query", resource: Self.table)).isAllowed)
        #expect(
            role.decide(.init(action: "sqs:SendMessage", resource: "arn:aws:sqs:eu-west-1:000000000000:q1")).isAllowed)
        #expect(
            !role.decide(.init(action: "sqs:SendMessage", resource: "arn:aws:sqs:eu-west-1:000000000000:q12")).isAllowed
        )
        // A wildcard in the region does not reach into the account.
        #expect(
            !role.decide(.init(action: "sqs:SendMessage", resource: "arn:aws:sqs:us-east-1:111111111111:q1")).isAllowed)
    }

    @Test func anExplicitDenyWinsOverAnyAllow() {
        let role = role(
            PolicyStatement(.allow, actions: ["s3:*"], resources: ["*"]),
            PolicyStatement(sid: "NoDeletes", .deny, actions: ["s3:DeleteObject"], resources: ["\(Self.bucket)/*"]),
            PolicyStatement(.allow, actions: ["s3:DeleteObject"], resources: ["\(Self.bucket)/uploads/*"]))
        let request = AuthorizationRequest(action: "s3:DeleteObject", resource: "\(Self.bucket)/uploads/x")
        #expect(role.decide(request) == .explicitlyDenied(sid: "NoDeletes"))
        #expect(role.decide(.init(action: "s3:PutObject", resource: "\(Self.bucket)/uploads/x")) == .allowed)
        #expect(
            role.denialMessage(for: request, decision: role.decide(request))
                == "User: arn:aws:sts::000000000000:assumed-role/stack-FnRole/Fn is not authorized to perform: "
                + "s3:DeleteObject on resource: arn:aws:s3:::media/uploads/x with an explicit deny in an identity-based policy"
        )
    }

    @Test func noStatementsDenyEverythingWithAWSsMessage() {
        let role = role()
        let request = AuthorizationRequest(
            action: "secretsmanager:GetSecretValue",
            resource: "arn:aws:secretsmanager:us-east-1:000000000000:secret:k-AbCdEf")
        #expect(role.decide(request) == .implicitlyDenied)
        #expect(
            role.denialMessage(for: request, decision: .implicitlyDenied)
                == "User: arn:aws:sts::000000000000:assumed-role/stack-FnRole/Fn is not authorized to perform: "
                + "secretsmanager:GetSecretValue on resource: arn:aws:secretsmanager:us-east-1:000000000000:secret:k-AbCdEf "
                + "because no identity-based policy allows the secretsmanager:GetSecretValue action")
    }

    @Test func notActionAndNotResourceCoverEverythingElse() {
        let role = role(
            PolicyStatement(effect: .allow, actions: .allBut(["s3:Delete*"]), resources: .only(["\(Self.bucket)/*"])),
            PolicyStatement(effect: .deny, actions: .only(["s3:*"]), resources: .allBut(["\(Self.bucket)/*"])))
        #expect(role.decide(.init(action: "s3:PutObject", resource: "\(Self.bucket)/k")).isAllowed)
        #expect(!role.decide(.init(action: "s3:DeleteObject", resource: "\(Self.bucket)/k")).isAllowed)
        #expect(
            role.decide(.init(action: "s3:PutObject", resource: "arn:aws:s3:::other/k")) == .explicitlyDenied(sid: nil))
    }

    @Test func stringLikeOnAPrefixNeedsThePrefix() throws {
        let role = role(
            PolicyStatement(
                .allow, actions: ["s3:ListBucket"], resources: [Self.bucket],
                conditions: [
                    try PolicyCondition(operator: "StringLike", key: "s3:prefix", values: ["audio/*", "renditions/*"])
                ]))
        func list(_ prefix: String?) -> Bool {
            var context = RequestContext()
            if let prefix { context["s3:prefix"] = .single(prefix) }
            return role.decide(.init(action: "s3:ListBucket", resource: Self.bucket, context: context)).isAllowed
        }
        #expect(list("audio/usr_a/job_b/"))
        #expect(list("renditions/"))
        #expect(!list("uploads/usr_a/"))
        #expect(!list(""))
        #expect(!list(nil))  // the whole bucket
    }

    /// The pipeline's statements: users' partitions only, named attributes only, no whole items.
    @Test func forAllValuesNullAndIfExistsHoldTheAttributesOfARequest() throws {
        let role = role(
            PolicyStatement(
                .allow, actions: ["dynamodb:GetItem"], resources: [Self.table],
                conditions: [
                    try PolicyCondition(
                        operator: "ForAllValues:StringLike", key: "dynamodb:LeadingKeys", values: ["USER#*"]),
                    try PolicyCondition(
                        operator: "ForAllValues:StringEquals", key: "dynamodb:Attributes",
                        values: ["pk", "sk", "status"]),
                    try PolicyCondition(
                        operator: "StringEqualsIfExists", key: "dynamodb:Select", values: ["SPECIFIC_ATTRIBUTES"]),
                    try PolicyCondition(operator: "Null", key: "dynamodb:Attributes", values: ["false"]),
                ]))
        func get(_ leading: String, _ attributes: [String]?, select: String? = "SPECIFIC_ATTRIBUTES") -> Bool {
            var context: RequestContext = ["dynamodb:LeadingKeys": .multiple([leading])]
            if let attributes { context["dynamodb:Attributes"] = .multiple(attributes) }
            if let select { context["dynamodb:Select"] = .single(select) }
            return role.decide(.init(action: "dynamodb:GetItem", resource: Self.table, context: context)).isAllowed
        }
        #expect(get("USER#usr_a", ["pk", "sk", "status"]))
        #expect(get("USER#usr_a", ["pk", "sk"]))
        #expect(get("USER#usr_a", ["pk", "sk"], select: nil))  // IfExists: no Select is fine
        #expect(!get("USER#usr_a", ["pk", "sk", "passwordHash"]))  // one attribute outside the list
        #expect(!get("KEYHASH#abc", ["pk", "sk"]))  // another partition
        #expect(!get("USER#usr_a", nil, select: "ALL_ATTRIBUTES"))  // the whole item
        #expect(!get("USER#usr_a", nil, select: nil))  // Null false: the attributes must be named
        #expect(!get("USER#usr_a", ["pk"], select: "ALL_ATTRIBUTES"))
    }

    @Test func negatedAndForAnyValueOperatorsFollowIAM() throws {
        let notSecret = try PolicyCondition(
            operator: "StringNotEquals", key: "aws:ResourceTag/kind", values: ["secret", "key"])
        #expect(notSecret.holdsFor([:]))  // a negated operator holds for a missing key
        #expect(notSecret.holdsFor(["aws:resourcetag/KIND": .single("plain")]))  // keys ignore case
        #expect(!notSecret.holdsFor(["aws:ResourceTag/kind": .single("key")]))
        let any = try PolicyCondition(
            operator: "ForAnyValue:StringEquals", key: "dynamodb:Attributes", values: ["email"])
        #expect(!any.holdsFor([:]))
        #expect(any.holdsFor(["dynamodb:Attributes": .multiple(["pk", "email"])]))
        let all = try PolicyCondition(operator: "ForAllValues:StringEquals", key: "dynamodb:Attributes", values: ["pk"])
        #expect(all.holdsFor([:]))  // true of no values: why the template pairs it with Null false
        let secure = try PolicyCondition(operator: "Bool", key: "aws:SecureTransport", values: ["false"])
        #expect(secure.holdsFor(["aws:SecureTransport": .single("FALSE")]))
        #expect(!secure.holdsFor([:]))
    }

    @Test func operatorsTheEvaluatorDoesNotKnowAreRefused() {
        #expect(throws: PolicyError.self) { try PolicyCondition(operator: "NumericLessThan", key: "k", values: ["1"]) }
        #expect(throws: PolicyError.self) {
            try PolicyCondition(operator: "ForEach:StringLike", key: "k", values: ["a"])
        }
        #expect(throws: PolicyError.self) { try PolicyCondition(operator: "NullIfExists", key: "k", values: ["true"]) }
    }
}

extension PolicyCondition {
    func holdsFor(_ context: RequestContext) -> Bool {
        let role = Role(
            name: "r", sessionName: "s", accountID: "0",
            statements: [PolicyStatement(.allow, actions: ["*"], resources: ["*"], conditions: [self])])
        return role.decide(.init(action: "x:Y", resource: "*", context: context)).isAllowed
    }
}

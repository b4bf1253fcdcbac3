import LocalIAM
import LocalStore
import Testing

@testable import LocalDynamoDB

/// Each DynamoDB request's IAM action, resource and condition keys: the request contexts
/// scripts/check-template.py evaluates the template's pipeline policies against.
@Suite struct DynamoDBAuthorizationTests {
    static let table = "arn:aws:dynamodb:us-east-1:000000000000:table/main"

    func needs(_ operation: String, _ body: String) throws -> [AuthorizationRequest] {
        try DynamoDBHarness().store.authorizationRequests(
            for: ServiceRequest(
                method: "POST", rawPath: "/", query: [],
                headers: [("X-Amz-Target", "DynamoDB_20120810.\(operation)")], body: .bytes(Array(body.utf8)),
                accessKeyID: "ASIA"))
    }

    @Test func aProjectedReadNamesItsKeysAndAttributes() throws {
        let get = try #require(
            try needs(
                "GetItem",
                ##"{"TableName":"main","Key":{"pk":{"S":"USER#u"},"sk":{"S":"JOB#j"}},"ProjectionExpression":"#s, title, doneChunks.#c","ExpressionAttributeNames":{"#s":"status","#c":"c1"}}"##
            ).first)
        #expect(get.action == "dynamodb:GetItem")
        #expect(get.resource == Self.table)
        #expect(get.context["dynamodb:LeadingKeys"] == .multiple(["USER#u"]))
        #expect(get.context["dynamodb:Attributes"] == .multiple(["doneChunks", "pk", "sk", "status", "title"]))
        #expect(get.context["dynamodb:Select"] == .single("SPECIFIC_ATTRIBUTES"))
    }

    @Test func aWholeItemReadCarriesNoAttributes() throws {
        let get = try #require(
            try needs("GetItem", ##"{"TableName":"main","Key":{"pk":{"S":"USER#u"},"sk":{"S":"PROFILE"}}}"##).first)
        #expect(get.context["dynamodb:Attributes"] == nil)
        #expect(get.context["dynamodb:Select"] == .single("ALL_ATTRIBUTES"))
    }

    @Test func anUpdateNamesWhatItWritesReadsAndChecks() throws {
        let update = try #require(
            try needs(
                "UpdateItem",
                ##"{"TableName":"main","Key":{"pk":{"S":"USER#u"},"sk":{"S":"JOB#j"}},"UpdateExpression":"SET #s = :s, chunksDone = chunksDone + :one REMOVE lastAttemptError","ConditionExpression":"attribute_exists(pk) AND #s = :t","ExpressionAttributeNames":{"#s":"status"},"ExpressionAttributeValues":{":s":{"S":"done"},":t":{"S":"persisting"},":one":{"N":"1"}},"ReturnValues":"UPDATED_NEW"}"##
            ).first)
        #expect(update.action == "dynamodb:UpdateItem")
        #expect(
            update.context["dynamodb:Attributes"]
                == .multiple(["chunksDone", "lastAttemptError", "pk", "sk", "status"]))
        #expect(update.context["dynamodb:ReturnValues"] == .single("UPDATED_NEW"))
        #expect(update.context["dynamodb:LeadingKeys"] == .multiple(["USER#u"]))
    }

    @Test func aQueryOfAnIndexIsOnTheIndexWithItsPartitionKey() throws {
        let query = try #require(
            try needs(
                "Query",
                ##"{"TableName":"main","IndexName":"byStatus","KeyConditionExpression":"#s = :s AND createdAt < :t","ProjectionExpression":"pk, sk","ExpressionAttributeNames":{"#s":"status"},"ExpressionAttributeValues":{":s":{"S":"DEADLINE"},":t":{"N":"5"}}}"##
            ).first)
        #expect(query.resource == Self.table + "/index/byStatus")
        #expect(query.context["dynamodb:LeadingKeys"] == .multiple(["DEADLINE"]))
        #expect(query.context["dynamodb:Attributes"] == .multiple(["createdAt", "pk", "sk", "status"]))
        let whole = try #require(
            try needs(
                "Query",
                ##"{"TableName":"main","IndexName":"byStatus","KeyConditionExpression":"#s = :s","ExpressionAttributeNames":{"#s":"status"},"ExpressionAttributeValues":{":s":{"S":"DEADLINE"}}}"##
            ).first)
        #expect(whole.context["dynamodb:Attributes"] == nil)
        #expect(whole.context["dynamodb:Select"] == .single("ALL_PROJECTED_ATTRIBUTES"))
    }

    @Test func aTransactionIsEachWritesOwnActionInside() throws {
        let parts = try needs(
            "TransactWriteItems",
            ##"{"TransactItems":[{"Update":{"TableName":"main","Key":{"pk":{"S":"USER#u"},"sk":{"S":"PROFILE"}},"UpdateExpression":"ADD jobsInFlight :m","ExpressionAttributeValues":{":m":{"N":"-1"}}}},{"Put":{"TableName":"scores","Item":{"pk":{"S":"p"},"score":{"N":"1"},"x":{"S":"y"}}}},{"Delete":{"TableName":"main","Key":{"pk":{"S":"KEYHASH#k"},"sk":{"S":"KEY"}}}},{"ConditionCheck":{"TableName":"main","Key":{"pk":{"S":"USER#u"},"sk":{"S":"PROFILE"}},"ConditionExpression":"attribute_exists(pk)"}}]}"##
        )
        #expect(
            parts.map(\.action) == [
                "dynamodb:UpdateItem", "dynamodb:PutItem", "dynamodb:DeleteItem", "dynamodb:ConditionCheckItem",
            ])
        #expect(parts[1].resource == "arn:aws:dynamodb:us-east-1:000000000000:table/scores")
        #expect(parts[0].context["dynamodb:Attributes"] == .multiple(["jobsInFlight", "pk", "sk"]))
        #expect(parts[1].context["dynamodb:Attributes"] == .multiple(["pk", "score", "x"]))
        #expect(parts[2].context["dynamodb:LeadingKeys"] == .multiple(["KEYHASH#k"]))
        #expect(parts.allSatisfy { $0.context["dynamodb:EnclosingOperation"] == .single("TransactWriteItems") })
        #expect(parts.allSatisfy { $0.context["dynamodb:ReturnValues"] == nil })
    }

    @Test func aBatchWriteIsItselfOnEachTable() throws {
        let parts = try needs(
            "BatchWriteItem",
            ##"{"RequestItems":{"main":[{"DeleteRequest":{"Key":{"pk":{"S":"USER#a"},"sk":{"S":"x"}}}},{"PutRequest":{"Item":{"pk":{"S":"USER#b"},"sk":{"S":"y"},"n":{"N":"1"}}}}]}}"##
        )
        #expect(parts.count == 1)
        #expect(parts[0].action == "dynamodb:BatchWriteItem")
        #expect(parts[0].context["dynamodb:LeadingKeys"] == .multiple(["USER#a", "USER#b"]))
        #expect(parts[0].context["dynamodb:Attributes"] == .multiple(["n", "pk", "sk"]))
    }
}

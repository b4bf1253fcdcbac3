import Foundation
import LocalStore
import Runtime
import Testing

@testable import LocalDynamoDB

@Suite struct DynamoDBStoreTableTests {
    @Test func describeTableReportsSchemaIndexesAndCounts() throws {
        let ddb = try DynamoDBHarness()
        try ddb.put(#"{"pk":{"S":"a"},"sk":{"S":"b"}}"#)
        let table = try #require(try ddb.ok("DescribeTable", #"{"TableName":"main"}"#)["Table"])
        #expect(table["TableName"] == "main")
        #expect(table["TableStatus"] == "ACTIVE")
        #expect(table["ItemCount"] == 1)
        #expect(table["TableArn"] == "arn:aws:dynamodb:us-east-1:000000000000:table/main")
        #expect(
            table["KeySchema"] == [
                ["AttributeName": "pk", "KeyType": "HASH"], ["AttributeName": "sk", "KeyType": "RANGE"],
            ])
        #expect(table["AttributeDefinitions"]?.arrayValue?.count == 5)
        let indexes = try #require(table["GlobalSecondaryIndexes"]?.arrayValue)
        #expect(indexes.map { $0["IndexName"] } == ["byStatus", "byOwner"])
        #expect(indexes[1]["Projection"] == ["ProjectionType": "KEYS_ONLY"])
        let missing = try ddb.failure("DescribeTable", #"{"TableName":"nope"}"#)
        #expect(missing.code == "ResourceNotFoundException")
    }

    @Test func createListAndDeleteTables() throws {
        let ddb = try DynamoDBHarness(tables: [])
        let created = try ddb.ok(
            "CreateTable",
            #"{"TableName":"t","KeySchema":[{"AttributeName":"id","KeyType":"HASH"}],"AttributeDefinitions":[{"AttributeName":"id","AttributeType":"N"}],"BillingMode":"PAY_PER_REQUEST"}"#
        )
        #expect(created["TableDescription"]?["TableStatus"] == "ACTIVE")
        #expect(
            try ddb.failure(
                "CreateTable",
                #"{"TableName":"t","KeySchema":[{"AttributeName":"id","KeyType":"HASH"}],"AttributeDefinitions":[{"AttributeName":"id","AttributeType":"N"}]}"#
            ).code == "ResourceInUseException")
        try ddb.put(#"{"id":{"N":"1"}}"#, table: "t")
        #expect(try ddb.get(#"{"id":{"N":"1.0"}}"#, table: "t") != nil)
        #expect(try ddb.ok("ListTables", "{}") == ["TableNames": ["t"]])
        #expect(ddb.store.tableNames == ["t"])
        try ddb.ok("DeleteTable", #"{"TableName":"t"}"#)
        #expect(try ddb.ok("ListTables", "{}") == ["TableNames": []])
        #expect(
            try ddb.failure("GetItem", #"{"TableName":"t","Key":{"id":{"N":"1"}}}"#).code == "ResourceNotFoundException"
        )
    }

    @Test func expireItemsDeletesItemsWhoseTTLHasPassed() throws {
        let ddb = try DynamoDBHarness()
        try ddb.put(#"{"pk":{"S":"old"},"sk":{"S":"x"},"expiresAt":{"N":"1000"}}"#)
        try ddb.put(#"{"pk":{"S":"new"},"sk":{"S":"x"},"expiresAt":{"N":"3000.5"}}"#)
        try ddb.put(#"{"pk":{"S":"text"},"sk":{"S":"x"},"expiresAt":{"S":"1000"}}"#)
        try ddb.put(#"{"pk":{"S":"none"},"sk":{"S":"x"}}"#)
        #expect(try ddb.store.expireItems(now: Timestamp(secondsSinceEpoch: 2000)) == 1)
        #expect(try ddb.get(#"{"pk":{"S":"old"},"sk":{"S":"x"}}"#) == nil)
        #expect(try ddb.get(#"{"pk":{"S":"new"},"sk":{"S":"x"}}"#) != nil)
        #expect(try ddb.get(#"{"pk":{"S":"text"},"sk":{"S":"x"}}"#) != nil)
        try ddb.ok(
            "UpdateItem",
            #"{"TableName":"main","Key":{"pk":{"S":"new"},"sk":{"S":"x"}},"UpdateExpression":"REMOVE expiresAt"}"#)
        #expect(try ddb.store.expireItems(now: Timestamp(secondsSinceEpoch: 5000)) == 0)
        let ttl = try ddb.ok("DescribeTimeToLive", #"{"TableName":"main"}"#)
        #expect(ttl["TimeToLiveDescription"] == ["TimeToLiveStatus": "ENABLED", "AttributeName": "expiresAt"])
    }

    @Test func itemsAndCreatedTablesSurviveReopeningTheDatabase() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("ddb-\(UUID().uuidString).sqlite").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        do {
            let ddb = try DynamoDBHarness(path: path)
            try ddb.put(#"{"pk":{"S":"kept"},"sk":{"S":"x"},"n":{"N":"12345678901234567890123456789012345678"}}"#)
            try ddb.ok(
                "CreateTable",
                #"{"TableName":"extra","KeySchema":[{"AttributeName":"id","KeyType":"HASH"}],"AttributeDefinitions":[{"AttributeName":"id","AttributeType":"S"}]}"#
            )
            try ddb.put(#"{"id":{"S":"e"}}"#, table: "extra")
        }
        let reopened = try DynamoDBHarness(path: path)
        #expect(
            try reopened.get(#"{"pk":{"S":"kept"},"sk":{"S":"x"}}"#)?["n"]?.n
                == "12345678901234567890123456789012345678")
        #expect(reopened.store.tableNames == ["extra", "main", "scores"])
        #expect(try reopened.get(#"{"id":{"S":"e"}}"#, table: "extra") != nil)
    }
}

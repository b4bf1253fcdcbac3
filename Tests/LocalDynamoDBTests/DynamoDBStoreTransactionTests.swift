import Runtime
import Testing

@testable import LocalDynamoDB

@Suite struct DynamoDBStoreTransactionTests {
    @Test func transactionWritesEveryActionWhenAllConditionsHold() throws {
        let ddb = try DynamoDBHarness()
        try ddb.put(#"{"pk":{"S":"user#1"},"sk":{"S":"profile"},"credits":{"N":"5"}}"#)
        try ddb.put(#"{"pk":{"S":"old"},"sk":{"S":"x"}}"#)
        try ddb.ok(
            "TransactWriteItems",
            #"""
            {"TransactItems":[
              {"Put":{"TableName":"main","Item":{"pk":{"S":"job#1"},"sk":{"S":"job"}},"ConditionExpression":"attribute_not_exists(pk)"}},
              {"Update":{"TableName":"main","Key":{"pk":{"S":"user#1"},"sk":{"S":"profile"}},"UpdateExpression":"SET credits = credits - :one","ConditionExpression":"credits >= :one","ExpressionAttributeValues":{":one":{"N":"1"}}}},
              {"Delete":{"TableName":"main","Key":{"pk":{"S":"old"},"sk":{"S":"x"}}}},
              {"ConditionCheck":{"TableName":"scores","Key":{"pk":{"S":"none"},"score":{"N":"1"}},"ConditionExpression":"attribute_not_exists(pk)"}}
            ]}
            """#)
        #expect(try ddb.get(#"{"pk":{"S":"job#1"},"sk":{"S":"job"}}"#) != nil)
        #expect(try ddb.get(#"{"pk":{"S":"user#1"},"sk":{"S":"profile"}}"#)?["credits"]?.n == "4")
        #expect(try ddb.get(#"{"pk":{"S":"old"},"sk":{"S":"x"}}"#) == nil)
        #expect(try ddb.get(#"{"pk":{"S":"none"},"score":{"N":"1"}}"#, table: "scores") == nil)
    }

    @Test func oneFailedConditionCancelsEverythingWithAReasonPerAction() throws {
        let ddb = try DynamoDBHarness()
        try ddb.put(#"{"pk":{"S":"taken"},"sk":{"S":"x"},"v":{"N":"1"}}"#)
        let failure = try ddb.failure(
            "TransactWriteItems",
            #"""
            {"TransactItems":[
              {"Put":{"TableName":"main","Item":{"pk":{"S":"taken"},"sk":{"S":"x"}},"ConditionExpression":"attribute_not_exists(pk)","ReturnValuesOnConditionCheckFailure":"ALL_OLD"}},
              {"Put":{"TableName":"main","Item":{"pk":{"S":"fresh"},"sk":{"S":"x"}}}}
            ]}
            """#)
        #expect(failure.code == "TransactionCanceledException")
        #expect(
            failure.message
                == "Transaction cancelled, please refer cancellation reasons for specific reasons [ConditionalCheckFailed, None]"
        )
        let reasons = try #require(failure.body["CancellationReasons"]?.arrayValue)
        #expect(reasons.count == 2)
        #expect(reasons[0]["Code"] == "ConditionalCheckFailed")
        #expect(reasons[0]["Message"] == "The conditional request failed")
        #expect(reasons[0]["Item"]?["v"]?.n == "1")
        #expect(reasons[1] == ["Code": "None"])
        #expect(try ddb.get(#"{"pk":{"S":"fresh"},"sk":{"S":"x"}}"#) == nil)
        #expect(try ddb.get(#"{"pk":{"S":"taken"},"sk":{"S":"x"}}"#)?["v"] != nil)
    }

    @Test func anUpdateThatCannotApplyCancelsTheTransaction() throws {
        let ddb = try DynamoDBHarness()
        try ddb.put(#"{"pk":{"S":"a"},"sk":{"S":"x"},"v":{"S":"text"}}"#)
        let failure = try ddb.failure(
            "TransactWriteItems",
            #"""
            {"TransactItems":[
              {"Put":{"TableName":"main","Item":{"pk":{"S":"b"},"sk":{"S":"x"}}}},
              {"Update":{"TableName":"main","Key":{"pk":{"S":"a"},"sk":{"S":"x"}},"UpdateExpression":"ADD v :one","ExpressionAttributeValues":{":one":{"N":"1"}}}}
            ]}
            """#)
        #expect(failure.code == "TransactionCanceledException")
        #expect(failure.body["CancellationReasons"]?[1]?["Code"] == "ValidationError")
        #expect(try ddb.get(#"{"pk":{"S":"b"},"sk":{"S":"x"}}"#) == nil)
    }

    @Test func twoActionsOnOneItemAreRefused() throws {
        let ddb = try DynamoDBHarness()
        let failure = try ddb.failure(
            "TransactWriteItems",
            #"""
            {"TransactItems":[
              {"Put":{"TableName":"main","Item":{"pk":{"S":"a"},"sk":{"S":"x"}}}},
              {"Delete":{"TableName":"main","Key":{"pk":{"S":"a"},"sk":{"S":"x"}}}}
            ]}
            """#)
        #expect(failure.code == "ValidationException")
        #expect(failure.message == "Transaction request cannot include multiple operations on one item")
    }

    @Test func batchWriteAndBatchGetHandleSeveralTables() throws {
        let ddb = try DynamoDBHarness()
        try ddb.put(#"{"pk":{"S":"gone"},"sk":{"S":"x"}}"#)
        let write = try ddb.ok(
            "BatchWriteItem",
            #"""
            {"RequestItems":{
              "main":[{"PutRequest":{"Item":{"pk":{"S":"a"},"sk":{"S":"x"},"v":{"N":"1"}}}},{"DeleteRequest":{"Key":{"pk":{"S":"gone"},"sk":{"S":"x"}}}}],
              "scores":[{"PutRequest":{"Item":{"pk":{"S":"p"},"score":{"N":"7"}}}}]
            }}
            """#)
        #expect(write["UnprocessedItems"] == [:])
        let read = try ddb.ok(
            "BatchGetItem",
            #"""
            {"RequestItems":{
              "main":{"Keys":[{"pk":{"S":"a"},"sk":{"S":"x"}},{"pk":{"S":"gone"},"sk":{"S":"x"}}],"ProjectionExpression":"v"},
              "scores":{"Keys":[{"pk":{"S":"p"},"score":{"N":"7.0"}}]}
            }}
            """#)
        #expect(read["Responses"]?["main"] == [["v": ["N": "1"]]])
        #expect(read["Responses"]?["scores"]?[0]?["score"]?.n == "7")
        #expect(read["UnprocessedKeys"] == [:])
        let duplicate = try ddb.failure(
            "BatchGetItem",
            #"{"RequestItems":{"scores":{"Keys":[{"pk":{"S":"p"},"score":{"N":"7"}},{"pk":{"S":"p"},"score":{"N":"7.00"}}]}}}"#
        )
        #expect(duplicate.message == "Provided list of item keys contains duplicates")
    }

    @Test func transactGetItemsReadsInOrder() throws {
        let ddb = try DynamoDBHarness()
        try ddb.put(#"{"pk":{"S":"a"},"sk":{"S":"x"}}"#)
        let body = try ddb.ok(
            "TransactGetItems",
            #"{"TransactItems":[{"Get":{"TableName":"main","Key":{"pk":{"S":"none"},"sk":{"S":"x"}}}},{"Get":{"TableName":"main","Key":{"pk":{"S":"a"},"sk":{"S":"x"}}}}]}"#
        )
        #expect(body["Responses"]?[0] == [:])
        #expect(body["Responses"]?[1]?["Item"]?["pk"]?.s == "a")
    }
}

import Runtime
import Testing

@testable import LocalDynamoDB

@Suite struct DynamoDBStoreItemTests {
    @Test func putThenGetReturnsTheItemWithNumbersNormalised() throws {
        let ddb = try DynamoDBHarness()
        try ddb.put(
            #"{"pk":{"S":"u#1"},"sk":{"S":"profile"},"n":{"N":"01.50"},"b":{"B":"AQID"},"ok":{"BOOL":true},"nil":{"NULL":true},"m":{"M":{"l":{"L":[{"S":"x"},{"N":"2"}]}}},"ss":{"SS":["a","b"]},"ns":{"NS":["1","2"]},"bs":{"BS":["AQ=="]}}"#
        )
        let item = try #require(try ddb.get(#"{"pk":{"S":"u#1"},"sk":{"S":"profile"}}"#))
        #expect(item["n"]?.n == "1.5")
        #expect(item["b"]?["B"]?.stringValue == "AQID")
        #expect(item["ok"]?["BOOL"] == .bool(true))
        #expect(item["nil"]?["NULL"] == .bool(true))
        #expect(item["m"]?["M"]?["l"]?["L"]?[1]?.n == "2")
        #expect(item["ss"]?["SS"] == ["a", "b"])
        #expect(item["bs"]?["BS"] == ["AQ=="])
        #expect(try ddb.get(#"{"pk":{"S":"u#1"},"sk":{"S":"other"}}"#) == nil)
    }

    @Test func getItemAppliesAProjectionWithNestedPaths() throws {
        let ddb = try DynamoDBHarness()
        try ddb.put(#"{"pk":{"S":"a"},"sk":{"S":"b"},"name":{"S":"n"},"m":{"M":{"x":{"N":"1"},"y":{"N":"2"}}}}"#)
        let body = try ddb.ok(
            "GetItem",
            ##"{"TableName":"main","Key":{"pk":{"S":"a"},"sk":{"S":"b"}},"ProjectionExpression":"#n, m.y","ExpressionAttributeNames":{"#n":"name"}}"##
        )
        #expect(body["Item"] == ["name": ["S": "n"], "m": ["M": ["y": ["N": "2"]]]])
    }

    @Test func keysAreValidatedAsAWSWordsIt() throws {
        let ddb = try DynamoDBHarness()
        var failure = try ddb.failure("PutItem", #"{"TableName":"main","Item":{"sk":{"S":"x"}}}"#)
        #expect(failure.code == "ValidationException")
        #expect(failure.message == "One or more parameter values were invalid: Missing the key pk in the item")
        failure = try ddb.failure("PutItem", #"{"TableName":"main","Item":{"pk":{"N":"1"},"sk":{"S":"x"}}}"#)
        #expect(
            failure.message
                == "One or more parameter values were invalid: Type mismatch for key pk expected: S actual: N")
        failure = try ddb.failure("GetItem", #"{"TableName":"main","Key":{"pk":{"S":"a"}}}"#)
        #expect(failure.message == "The provided key element does not match the schema")
        failure = try ddb.failure("GetItem", #"{"TableName":"main","Key":{"pk":{"S":"a"},"sk":{"N":"1"}}}"#)
        #expect(failure.message == "The provided key element does not match the schema")
        failure = try ddb.failure(
            "PutItem", #"{"TableName":"main","Item":{"pk":{"S":"a"},"sk":{"S":"b"},"status":{"N":"1"}}}"#)
        #expect(
            failure.message.hasPrefix("One or more parameter values were invalid: Type mismatch for Index Key status"))
        failure = try ddb.failure("PutItem", #"{"TableName":"main","Item":{"pk":{"S":""},"sk":{"S":"b"}}}"#)
        #expect(failure.message.contains("cannot contain an empty string value. Key: pk"))
        failure = try ddb.failure("GetItem", #"{"TableName":"nope","Key":{"pk":{"S":"a"},"sk":{"S":"b"}}}"#)
        #expect(failure.code == "ResourceNotFoundException")
        failure = try ddb.failure(
            "PutItem", #"{"TableName":"main","Item":{"pk":{"S":"a"},"sk":{"S":"b"},"s":{"SS":[]}}}"#)
        #expect(failure.code == "ValidationException")
    }

    @Test func conditionalPutRefusesAnExistingItem() throws {
        let ddb = try DynamoDBHarness()
        let put =
            #"{"TableName":"main","Item":{"pk":{"S":"a"},"sk":{"S":"b"},"v":{"N":"1"}},"ConditionExpression":"attribute_not_exists(pk)"}"#
        try ddb.ok("PutItem", put)
        let failure = try ddb.failure("PutItem", put)
        #expect(failure.code == "ConditionalCheckFailedException")
        #expect(failure.message == "The conditional request failed")
        #expect(
            failure.body["__type"]?.stringValue == "com.amazonaws.dynamodb.v20120810#ConditionalCheckFailedException")
        let withItem = try ddb.failure(
            "PutItem",
            #"{"TableName":"main","Item":{"pk":{"S":"a"},"sk":{"S":"b"}},"ConditionExpression":"attribute_not_exists(pk)","ReturnValuesOnConditionCheckFailure":"ALL_OLD"}"#
        )
        #expect(withItem.body["Item"]?["v"]?.n == "1")
    }

    @Test func putAndDeleteReturnTheOldItemWhenAsked() throws {
        let ddb = try DynamoDBHarness()
        try ddb.put(#"{"pk":{"S":"a"},"sk":{"S":"b"},"v":{"N":"1"}}"#)
        let put = try ddb.ok(
            "PutItem",
            #"{"TableName":"main","Item":{"pk":{"S":"a"},"sk":{"S":"b"},"v":{"N":"2"}},"ReturnValues":"ALL_OLD"}"#)
        #expect(put["Attributes"]?["v"]?.n == "1")
        let invalid = try ddb.failure(
            "PutItem", #"{"TableName":"main","Item":{"pk":{"S":"a"},"sk":{"S":"b"}},"ReturnValues":"ALL_NEW"}"#)
        #expect(invalid.message == "Return values set to invalid value")
        let deleted = try ddb.ok(
            "DeleteItem", #"{"TableName":"main","Key":{"pk":{"S":"a"},"sk":{"S":"b"}},"ReturnValues":"ALL_OLD"}"#)
        #expect(deleted["Attributes"]?["v"]?.n == "2")
        #expect(try ddb.ok("DeleteItem", #"{"TableName":"main","Key":{"pk":{"S":"a"},"sk":{"S":"b"}}}"#) == [:])
    }

    @Test func conditionalDeleteChecksTheStoredItem() throws {
        let ddb = try DynamoDBHarness()
        try ddb.put(#"{"pk":{"S":"a"},"sk":{"S":"b"},"v":{"N":"1"}}"#)
        let failure = try ddb.failure(
            "DeleteItem",
            #"{"TableName":"main","Key":{"pk":{"S":"a"},"sk":{"S":"b"}},"ConditionExpression":"v = :two","ExpressionAttributeValues":{":two":{"N":"2"}}}"#
        )
        #expect(failure.code == "ConditionalCheckFailedException")
        try ddb.ok(
            "DeleteItem",
            #"{"TableName":"main","Key":{"pk":{"S":"a"},"sk":{"S":"b"}},"ConditionExpression":"v = :one","ExpressionAttributeValues":{":one":{"N":"1.0"}}}"#
        )
        #expect(try ddb.get(#"{"pk":{"S":"a"},"sk":{"S":"b"}}"#) == nil)
    }

    @Test func updateItemReturnsEachReturnValuesVariant() throws {
        let ddb = try DynamoDBHarness()
        try ddb.put(
            #"{"pk":{"S":"a"},"sk":{"S":"b"},"c":{"N":"1"},"keep":{"S":"k"},"m":{"M":{"x":{"N":"1"},"y":{"N":"2"}}}}"#)
        func update(_ returnValues: String) throws -> JSONValue? {
            try ddb.ok(
                "UpdateItem",
                #"{"TableName":"main","Key":{"pk":{"S":"a"},"sk":{"S":"b"}},"UpdateExpression":"SET c = c + :one, m.x = :one","ExpressionAttributeValues":{":one":{"N":"1"}},"ReturnValues":"\#(returnValues)"}"#
            )["Attributes"]
        }
        #expect(try update("NONE") == nil)
        let allOld = try #require(try update("ALL_OLD"))
        #expect(allOld["c"]?.n == "2" && allOld["keep"] != nil)
        let updatedOld = try #require(try update("UPDATED_OLD"))
        #expect(updatedOld == ["c": ["N": "3"], "m": ["M": ["x": ["N": "1"]]]])
        let allNew = try #require(try update("ALL_NEW"))
        #expect(allNew["c"]?.n == "5" && allNew["keep"]?.s == "k" && allNew["pk"]?.s == "a")
        let updatedNew = try #require(try update("UPDATED_NEW"))
        #expect(updatedNew == ["c": ["N": "6"], "m": ["M": ["x": ["N": "1"]]]])
    }

    @Test func updateItemCreatesAMissingItemFromItsKey() throws {
        let ddb = try DynamoDBHarness()
        let body = try ddb.ok(
            "UpdateItem",
            ##"{"TableName":"main","Key":{"pk":{"S":"new"},"sk":{"S":"one"}},"UpdateExpression":"ADD hits :one SET #s = :s","ExpressionAttributeNames":{"#s":"status"},"ExpressionAttributeValues":{":one":{"N":"1"},":s":{"S":"queued"}},"ReturnValues":"ALL_NEW"}"##
        )
        #expect(
            body["Attributes"] == [
                "pk": ["S": "new"], "sk": ["S": "one"], "hits": ["N": "1"], "status": ["S": "queued"],
            ])
    }

    @Test func updateItemRefusesKeyAttributesUnusedValuesAndFailedConditions() throws {
        let ddb = try DynamoDBHarness()
        var failure = try ddb.failure(
            "UpdateItem",
            #"{"TableName":"main","Key":{"pk":{"S":"a"},"sk":{"S":"b"}},"UpdateExpression":"SET sk = :v","ExpressionAttributeValues":{":v":{"S":"x"}}}"#
        )
        #expect(
            failure.message
                == "One or more parameter values were invalid: Cannot update attribute sk. This attribute is part of the key"
        )
        failure = try ddb.failure(
            "UpdateItem",
            #"{"TableName":"main","Key":{"pk":{"S":"a"},"sk":{"S":"b"}},"UpdateExpression":"SET v = :v","ExpressionAttributeValues":{":v":{"S":"x"},":w":{"S":"y"}}}"#
        )
        #expect(failure.message == "Value provided in ExpressionAttributeValues unused in expressions: keys: {:w}")
        failure = try ddb.failure(
            "UpdateItem",
            #"{"TableName":"main","Key":{"pk":{"S":"a"},"sk":{"S":"b"}},"UpdateExpression":"SET v = :v","ConditionExpression":"attribute_exists(pk)","ExpressionAttributeValues":{":v":{"S":"x"}}}"#
        )
        #expect(failure.code == "ConditionalCheckFailedException")
        #expect(try ddb.get(#"{"pk":{"S":"a"},"sk":{"S":"b"}}"#) == nil)
        failure = try ddb.failure(
            "UpdateItem",
            #"{"TableName":"main","Key":{"pk":{"S":"a"},"sk":{"S":"b"}},"UpdateExpression":"SET #v = :v","ExpressionAttributeValues":{":v":{"S":"x"}}}"#
        )
        #expect(failure.message.contains("attribute name: #v"))
    }

    @Test func unknownOperationsAndBadJSONAreRefused() throws {
        let ddb = try DynamoDBHarness()
        #expect(try ddb.failure("Frobnicate", "{}").code == "UnknownOperationException")
        #expect(try ddb.failure("GetItem", "{not json").code == "SerializationException")
    }
}

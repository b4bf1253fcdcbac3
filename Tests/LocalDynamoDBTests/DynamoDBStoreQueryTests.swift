import Runtime
import Testing

@testable import LocalDynamoDB

@Suite struct DynamoDBStoreQueryTests {
    /// Sort keys of the returned items, as text.
    private func keys(_ body: JSONValue, _ name: String) -> [String] {
        (body["Items"]?.arrayValue ?? []).compactMap { $0[name]?.s ?? $0[name]?.n }
    }

    private func scores(_ ddb: DynamoDBHarness) throws {
        for score in ["10", "9", "-3", "2.5", "100", "0", "-20"] {
            try ddb.put(#"{"pk":{"S":"p"},"score":{"N":"\#(score)"}}"#, table: "scores")
        }
        try ddb.put(#"{"pk":{"S":"other"},"score":{"N":"1"}}"#, table: "scores")
    }

    @Test func numberSortKeysComeBackInNumericOrderBothWays() throws {
        let ddb = try DynamoDBHarness()
        try scores(ddb)
        let request =
            #"{"TableName":"scores","KeyConditionExpression":"pk = :p","ExpressionAttributeValues":{":p":{"S":"p"}}"#
        let forward = try ddb.ok("Query", request + "}")
        #expect(keys(forward, "score") == ["-20", "-3", "0", "2.5", "9", "10", "100"])
        #expect(forward["Count"] == 7 && forward["ScannedCount"] == 7 && forward["LastEvaluatedKey"] == nil)
        let backward = try ddb.ok("Query", request + #","ScanIndexForward":false}"#)
        #expect(keys(backward, "score") == ["100", "10", "9", "2.5", "0", "-3", "-20"])
    }

    @Test func sortKeyConditionsNarrowTheRange() throws {
        let ddb = try DynamoDBHarness()
        try scores(ddb)
        func query(_ condition: String, _ values: String) throws -> [String] {
            keys(
                try ddb.ok(
                    "Query",
                    #"{"TableName":"scores","KeyConditionExpression":"pk = :p AND \#(condition)","ExpressionAttributeValues":{":p":{"S":"p"},\#(values)}}"#
                ), "score")
        }
        #expect(try query("score < :v", #"":v":{"N":"2.5"}"#) == ["-20", "-3", "0"])
        #expect(try query("score <= :v", #"":v":{"N":"2.5"}"#) == ["-20", "-3", "0", "2.5"])
        #expect(try query("score > :v", #"":v":{"N":"9"}"#) == ["10", "100"])
        #expect(try query("score >= :v", #"":v":{"N":"9.0"}"#) == ["9", "10", "100"])
        #expect(try query("score = :v", #"":v":{"N":"10"}"#) == ["10"])
        #expect(try query("score BETWEEN :a AND :b", #"":a":{"N":"-3"},":b":{"N":"9"}"#) == ["-3", "0", "2.5", "9"])
        #expect(try query(":v < score", #"":v":{"N":"10"}"#) == ["100"])
    }

    @Test func stringSortKeysSortByBytesAndSupportBeginsWith() throws {
        let ddb = try DynamoDBHarness()
        for sk in ["job#2", "job#10", "job#1", "Job#3", "key#1", "jobs", "é"] {
            try ddb.put(#"{"pk":{"S":"u"},"sk":{"S":"\#(sk)"}}"#)
        }
        let all = try ddb.ok(
            "Query",
            #"{"TableName":"main","KeyConditionExpression":"pk = :p","ExpressionAttributeValues":{":p":{"S":"u"}}}"#)
        #expect(keys(all, "sk") == ["Job#3", "job#1", "job#10", "job#2", "jobs", "key#1", "é"])
        let jobs = try ddb.ok(
            "Query",
            #"{"TableName":"main","KeyConditionExpression":"pk = :p AND begins_with(sk, :prefix)","ExpressionAttributeValues":{":p":{"S":"u"},":prefix":{"S":"job#"}},"ScanIndexForward":false}"#
        )
        #expect(keys(jobs, "sk") == ["job#2", "job#10", "job#1"])
    }

    @Test func limitCountsItemsBeforeTheFilterAndPagesWithTheLastKey() throws {
        let ddb = try DynamoDBHarness()
        for index in 1...5 {
            try ddb.put(#"{"pk":{"S":"u"},"sk":{"S":"item#\#(index)"},"odd":{"BOOL":\#(index % 2 == 1)}}"#)
        }
        var start = ""
        var pages: [[String]] = []
        var scanned = 0
        repeat {
            let body = try ddb.ok(
                "Query",
                #"{"TableName":"main","KeyConditionExpression":"pk = :p","FilterExpression":"odd = :t","ExpressionAttributeValues":{":p":{"S":"u"},":t":{"BOOL":true}},"Limit":2\#(start)}"#
            )
            pages.append(keys(body, "sk"))
            scanned += body["ScannedCount"]?.intValue ?? 0
            guard let last = body["LastEvaluatedKey"] else { break }
            #expect(last["pk"]?.s == "u" && last.objectValue?.count == 2)
            start = #","ExclusiveStartKey":\#(try JSON.encodeString(last))"#
        } while pages.count < 10
        #expect(pages == [["item#1"], ["item#3"], ["item#5"]])
        #expect(scanned == 5)
    }

    @Test func indexQueriesSkipItemsWithoutTheIndexKeysAndPageWithTableAndIndexKeys() throws {
        let ddb = try DynamoDBHarness()
        for (index, created) in ["30", "10", "20", "10"].enumerated() {
            try ddb.put(
                #"{"pk":{"S":"job#\#(index)"},"sk":{"S":"job"},"status":{"S":"queued"},"createdAt":{"N":"\#(created)"}}"#
            )
        }
        try ddb.put(#"{"pk":{"S":"job#9"},"sk":{"S":"job"},"createdAt":{"N":"1"}}"#)  // no status: not in the index
        try ddb.put(#"{"pk":{"S":"job#8"},"sk":{"S":"job"},"status":{"S":"done"},"createdAt":{"N":"1"}}"#)
        let request =
            ##"{"TableName":"main","IndexName":"byStatus","KeyConditionExpression":"#s = :s AND createdAt >= :t","ExpressionAttributeNames":{"#s":"status"},"ExpressionAttributeValues":{":s":{"S":"queued"},":t":{"N":"10"}},"Limit":3"##
        let first = try ddb.ok("Query", request + "}")
        #expect(keys(first, "pk") == ["job#1", "job#3", "job#2"])
        let last = try #require(first["LastEvaluatedKey"])
        #expect(
            last == ["pk": ["S": "job#2"], "sk": ["S": "job"], "status": ["S": "queued"], "createdAt": ["N": "20"]])
        let second = try ddb.ok("Query", request + #","ExclusiveStartKey":\#(try JSON.encodeString(last))}"#)
        #expect(keys(second, "pk") == ["job#0"])
        #expect(second["LastEvaluatedKey"] == nil)

        let consistent = try ddb.failure("Query", request + #","ConsistentRead":true}"#)
        #expect(consistent.message == "Consistent reads are not supported on global secondary indexes")
    }

    @Test func keysOnlyIndexesReturnOnlyKeys() throws {
        let ddb = try DynamoDBHarness()
        try ddb.put(#"{"pk":{"S":"a"},"sk":{"S":"b"},"owner":{"S":"ada"},"secret":{"S":"x"}}"#)
        let body = try ddb.ok(
            "Query",
            ##"{"TableName":"main","IndexName":"byOwner","KeyConditionExpression":"#o = :o","ExpressionAttributeNames":{"#o":"owner"},"ExpressionAttributeValues":{":o":{"S":"ada"}}}"##
        )
        #expect(body["Items"] == [["pk": ["S": "a"], "sk": ["S": "b"], "owner": ["S": "ada"]]])
    }

    @Test func selectCountAndProjectionShapeTheAnswer() throws {
        let ddb = try DynamoDBHarness()
        try scores(ddb)
        let count = try ddb.ok(
            "Query",
            #"{"TableName":"scores","KeyConditionExpression":"pk = :p","ExpressionAttributeValues":{":p":{"S":"p"}},"Select":"COUNT"}"#
        )
        #expect(count["Count"] == 7 && count["Items"] == nil)
        let projected = try ddb.ok(
            "Query",
            #"{"TableName":"scores","KeyConditionExpression":"pk = :p","ExpressionAttributeValues":{":p":{"S":"p"}},"ProjectionExpression":"score","Limit":1}"#
        )
        #expect(projected["Items"] == [["score": ["N": "-20"]]])
    }

    @Test func malformedKeyConditionsAreRefused() throws {
        let ddb = try DynamoDBHarness()
        func message(_ condition: String, _ values: String = #"{":v":{"S":"x"}}"#) throws -> String {
            try ddb.failure(
                "Query",
                #"{"TableName":"main","KeyConditionExpression":"\#(condition)","ExpressionAttributeValues":\#(values)}"#
            ).message
        }
        #expect(try message("sk = :v") == "Query condition missed key schema element: pk")
        #expect(try message("pk = :v OR sk = :v") == "Query key condition not supported")
        #expect(try message("pk = :v AND extra = :v") == "Query key condition not supported")
        #expect(try message("pk < :v") == "Query key condition not supported")
        #expect(
            try message("pk = :v", #"{":v":{"N":"1"}}"#)
                == "One or more parameter values were invalid: Condition parameter type does not match schema type")
        let filterOnKey = try ddb.failure(
            "Query",
            #"{"TableName":"main","KeyConditionExpression":"pk = :v","FilterExpression":"sk = :v","ExpressionAttributeValues":{":v":{"S":"x"}}}"#
        )
        #expect(
            filterOnKey.message
                == "Filter Expression can only contain non-primary key attributes: Primary key attribute: sk")
    }

    @Test func scanPagesThroughTheWholeTableWithAFilter() throws {
        let ddb = try DynamoDBHarness()
        try scores(ddb)
        var seen: [String] = []
        var start = ""
        for _ in 0..<10 {
            let body = try ddb.ok(
                "Scan",
                #"{"TableName":"scores","FilterExpression":"score > :z","ExpressionAttributeValues":{":z":{"N":"0"}},"Limit":3\#(start)}"#
            )
            seen += keys(body, "score")
            guard let last = body["LastEvaluatedKey"] else { break }
            start = #","ExclusiveStartKey":\#(try JSON.encodeString(last))"#
        }
        #expect(seen.sorted() == ["1", "10", "100", "2.5", "9"])
    }
}

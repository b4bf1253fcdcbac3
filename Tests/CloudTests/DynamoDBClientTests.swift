import Foundation
import Testing

@testable import Cloud

/// The DynamoDB client against moto server and the emulator: Codable items, expressions, pagination, transactions.
@Suite struct DynamoDBClientTests {

    struct JobRecord: Codable, Equatable {
        var pk: String
        var sk: String
        var title: String
        var chunks: Int
        var duration: Double?
        var tags: [String]
        var done: Bool
    }

    /// A client and a fresh table on the backend.
    func setUp(_ backend: Backend) throws -> (DynamoDBClient, String) {
        let db = try DynamoDBClient(configuration: backend.configuration())
        let table = uniqueName("main")
        try db.createTable(
            table, key: .init(partitionKey: "pk", sortKey: "sk"),
            indexes: ["gsi1": .init(partitionKey: "gsi1pk", sortKey: "gsi1sk")])
        return (db, table)
    }

    func key(_ pk: String, _ sk: String) -> Item { ["pk": .s(pk), "sk": .s(sk)] }

    @Test(arguments: Backend.allCases)
    func codableItemsRoundTrip(_ backend: Backend) throws {
        let (db, table) = try setUp(backend)

        let record = JobRecord(
            pk: "USER#1", sk: "JOB#1", title: "Talk ü", chunks: 3, duration: 12.5, tags: ["a", "b"], done: false)
        try db.putItem(table: table, item: ItemCoder.encode(record))
        let item = try #require(try db.getItem(table: table, key: key("USER#1", "JOB#1"), consistentRead: true))
        #expect(item["chunks"] == .n("3"))
        #expect(item["tags"] == .l([.s("a"), .s("b")]))
        #expect(try ItemCoder.decode(JobRecord.self, from: item) == record)
        #expect(try db.getItem(table: table, key: key("USER#1", "JOB#404")) == nil)
        let projected = try #require(
            try db.getItem(table: table, key: key("USER#1", "JOB#1"), projection: "#t", names: ["#t": "title"]))
        #expect(projected.keys.sorted() == ["title"])
    }

    @Test(arguments: Backend.allCases)
    func conditionalPutRefusesADuplicate(_ backend: Backend) throws {
        let (db, table) = try setUp(backend)

        let item: Item = ["pk": .s("EMAIL#ada@example.com"), "sk": .s("EMAIL"), "userId": .s("u1")]
        try db.putItem(table: table, item: item, condition: "attribute_not_exists(pk)")
        #expect { try db.putItem(table: table, item: item, condition: "attribute_not_exists(pk)") } throws: {
            ($0 as? AWSError)?.code == "ConditionalCheckFailedException" && ($0 as? AWSError)?.status == 400
        }
    }

    @Test(arguments: Backend.allCases)
    func updateExpressionsAndReturnValues(_ backend: Backend) throws {
        let (db, table) = try setUp(backend)

        try db.putItem(
            table: table, item: ["pk": .s("J"), "sk": .s("1"), "done": .n("0"), "parts": .l([.s("a")]), "tmp": .s("x")])
        let new = try #require(
            try db.updateItem(
                table: table, key: key("J", "1"),
                update:
                    "SET #s = :s, parts = list_append(parts, :more), created = if_not_exists(created, :now) ADD done :one REMOVE tmp",
                names: ["#s": "status"],
                values: [":s": .s("transcribing"), ":more": .l([.s("b")]), ":now": .s("t0"), ":one": .n("1")],
                returnValues: .allNew))
        #expect(new["status"] == .s("transcribing"))
        #expect(new["parts"] == .l([.s("a"), .s("b")]))
        #expect(new["done"] == .n("1"))
        #expect(new["created"] == .s("t0"))
        #expect(new["tmp"] == nil)
        let again = try #require(
            try db.updateItem(
                table: table, key: key("J", "1"), update: "SET created = if_not_exists(created, :now) ADD done :one",
                values: [":now": .s("t1"), ":one": .n("1")], returnValues: .allNew))
        #expect(again["done"] == .n("2"))
        #expect(again["created"] == .s("t0"))
        #expect {
            try db.updateItem(
                table: table, key: key("J", "1"), update: "SET #s = :s", condition: "#s = :other",
                names: ["#s": "status"], values: [":s": .s("done"), ":other": .s("queued")])
        } throws: {
            ($0 as? AWSError)?.code == "ConditionalCheckFailedException"
        }
        let old = try #require(try db.deleteItem(table: table, key: key("J", "1"), returnValues: .allOld))
        #expect(old["status"] == .s("transcribing"))
    }

    @Test(arguments: Backend.allCases)
    func queryPaginatesInBothDirectionsAndOverAnIndex(_ backend: Backend) throws {
        let (db, table) = try setUp(backend)

        for index in 0..<7 {
            try db.putItem(
                table: table,
                item: [
                    "pk": .s("U"), "sk": .s("JOB#\(index)"), "gsi1pk": .s("STATUS#done"),
                    "gsi1sk": .s("\(index)"),
                ])
        }
        try db.putItem(table: table, item: ["pk": .s("U"), "sk": .s("KEY#1")])
        var keys: [String] = []
        var start: Item?
        var pages = 0
        repeat {
            let page = try db.query(
                table: table, keyCondition: "pk = :pk AND begins_with(sk, :job)",
                values: [":pk": .s("U"), ":job": .s("JOB#")], exclusiveStartKey: start, scanForward: false, limit: 3)
            keys += page.items.compactMap { $0["sk"]?.stringValue }
            start = page.lastEvaluatedKey
            pages += 1
        } while start != nil && pages < 10
        #expect(keys == (0..<7).reversed().map { "JOB#\($0)" })
        let byIndex = try db.query(
            table: table, index: "gsi1", keyCondition: "gsi1pk = :s AND gsi1sk BETWEEN :a AND :b",
            values: [":s": .s("STATUS#done"), ":a": .s("2"), ":b": .s("4")])
        #expect(byIndex.items.compactMap { $0["sk"]?.stringValue } == ["JOB#2", "JOB#3", "JOB#4"])
    }

    @Test(arguments: Backend.allCases)
    func transactionsApplyAllOrNothingWithReasons(_ backend: Backend) throws {
        let (db, table) = try setUp(backend)

        try db.transactWriteItems([
            .put(
                table: table, item: ["pk": .s("T"), "sk": .s("1"), "n": .n("1")], condition: "attribute_not_exists(pk)"),
            .put(table: table, item: ["pk": .s("T"), "sk": .s("2"), "n": .n("2")]),
        ])
        #expect {
            try db.transactWriteItems([
                .update(table: table, key: key("T", "2"), update: "SET n = :n", values: [":n": .n("20")]),
                .put(table: table, item: ["pk": .s("T"), "sk": .s("1")], condition: "attribute_not_exists(pk)"),
            ])
        } throws: {
            let error = $0 as? AWSError
            return error?.code == "TransactionCanceledException"
                && (error?.details ?? error?.message ?? "").contains("ConditionalCheckFailed")
        }
        #expect(
            try db.getItem(table: table, key: key("T", "2"))?["n"] == .n("2"), "the cancelled update was not applied")
    }

    @Test(arguments: Backend.allCases)
    func batchGetReturnsWhatExists(_ backend: Backend) throws {
        let (db, table) = try setUp(backend)

        try db.putItem(table: table, item: ["pk": .s("B"), "sk": .s("1")])
        try db.putItem(table: table, item: ["pk": .s("B"), "sk": .s("2")])
        let result = try db.batchGetItem([table: [key("B", "1"), key("B", "2"), key("B", "3")]])
        #expect(Set(result.items[table]?.compactMap { $0["sk"]?.stringValue } ?? []) == ["1", "2"])
        #expect(result.unprocessedKeys.isEmpty)
    }
}

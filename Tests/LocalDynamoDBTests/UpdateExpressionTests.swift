import Testing

@testable import LocalDynamoDB

@Suite struct UpdateExpressionTests {
    private let item: AttributeValue.Item = [
        "pk": .string("k"),
        "count": .number("10"),
        "price": .number("19.99"),
        "tags": .stringSet(["a", "b"]),
        "nums": .numberSet(["1", "2"]),
        "letters": .list([.string("x"), .string("y"), .string("z")]),
        "doc": .map(["deep": .map(["v": .number("1")])]),
    ]

    private func apply(
        _ text: String, names: [String: String] = [:], values: [String: AttributeValue] = [:],
        to item: AttributeValue.Item? = nil
    ) throws -> AttributeValue.Item {
        let context = ExpressionContext(names: names, values: values)
        let update = try ExpressionParser.update(text, context: context)
        try context.checkAllUsed()
        return try update.apply(to: item ?? self.item)
    }

    private func message(_ body: () throws -> Any) -> String? {
        do {
            _ = try body()
            return nil
        } catch let error as DynamoDBError {
            return error.message
        } catch {
            return "\(error)"
        }
    }

    @Test func setAssignsArithmeticAndFunctionsAgainstTheOriginalItem() throws {
        let result = try apply(
            "SET a = :v, #c = #c + :one, price = price - :cut, d = if_not_exists(d, :zero), #c2 = if_not_exists(#c, :zero), letters = list_append(letters, :more), front = list_append(:more, letters)",
            names: ["#c": "count", "#c2": "copy"],
            values: [
                ":v": .string("new"), ":one": .number("1"), ":cut": .number("0.99"), ":zero": .number("0"),
                ":more": .list([.string("w")]),
            ])
        #expect(result["a"] == .string("new"))
        #expect(result["count"] == .number("11"))
        #expect(result["price"] == .number("19"))
        #expect(result["d"] == .number("0"))
        #expect(result["copy"] == .number("10"))  // read before `count` changed
        #expect(result["letters"] == .list([.string("x"), .string("y"), .string("z"), .string("w")]))
        #expect(result["front"] == .list([.string("w"), .string("x"), .string("y"), .string("z")]))
    }

    @Test func arithmeticIsExactForLargeIntegersAndDecimals() throws {
        let start: AttributeValue.Item = ["n": .number("99999999999999999999999999999999999990"), "d": .number("0.1")]
        let result = try apply(
            "SET n = n + :nine, d = d + :d", values: [":nine": .number("9"), ":d": .number("0.2")], to: start)
        #expect(result["n"] == .number("99999999999999999999999999999999999999"))
        if case .number(let text) = result["d"] { #expect(text == "0.3") }
        #expect(try apply("SET n = n + :ten", values: [":ten": .number("10")], to: start)["n"] == .number("1e38"))
        #expect(
            message { try apply("SET n = n + :tenth", values: [":tenth": .number("0.1")], to: start) }
                == "Attempting to store more than 38 significant digits in a Number")
    }

    @Test func setOnNestedPathsNeedsTheParentAndAppendsPastTheListEnd() throws {
        let result = try apply("SET doc.deep.w = :v, letters[1] = :v, letters[10] = :v", values: [":v": .string("q")])
        #expect(result["doc"] == .map(["deep": .map(["v": .number("1"), "w": .string("q")])]))
        #expect(result["letters"] == .list([.string("x"), .string("q"), .string("z"), .string("q")]))
        #expect(
            message { try apply("SET nope.deeper = :v", values: [":v": .string("q")]) }
                == "The document path provided in the update expression is invalid for update")
    }

    @Test func removeDeletesAttributesAndListElementsByTheirOriginalIndexes() throws {
        let result = try apply("REMOVE price, letters[0], letters[2], doc.deep.v, absent")
        #expect(result["price"] == nil)
        #expect(result["letters"] == .list([.string("y")]))
        #expect(result["doc"] == .map(["deep": .map([:])]))
    }

    @Test func addSumsNumbersUnitesSetsAndCreatesMissingAttributes() throws {
        let result = try apply(
            "ADD #c :n, tags :t, nums :ns, fresh :n, freshSet :t", names: ["#c": "count"],
            values: [":n": .number("-2.5"), ":t": .stringSet(["b", "c"]), ":ns": .numberSet(["2.0", "3"])])
        #expect(result["count"] == .number("7.5"))
        #expect(result["tags"] == .stringSet(["a", "b", "c"]))
        #expect(result["nums"] == .numberSet(["1", "2", "3"]))
        #expect(result["fresh"] == .number("-2.5"))
        #expect(result["freshSet"] == .stringSet(["b", "c"]))
        #expect(
            message { try apply("ADD letters :n", values: [":n": .number("1")]) }
                == "An operand in the update expression has an incorrect data type")
        #expect(
            message { try apply("ADD newThing :s", values: [":s": .string("x")]) }?.contains("operator: ADD") == true)
    }

    @Test func deleteSubtractsFromSetsAndRemovesEmptiedOnes() throws {
        let result = try apply(
            "DELETE tags :a, nums :all", values: [":a": .stringSet(["a", "zz"]), ":all": .numberSet(["1", "2"])])
        #expect(result["tags"] == .stringSet(["b"]))
        #expect(result["nums"] == nil)
        #expect(message { try apply("DELETE #c :a", names: ["#c": "count"], values: [":a": .stringSet(["a"])]) } != nil)
    }

    @Test func clausesComeInAnyOrderButOnlyOnceAndPathsMustNotOverlap() throws {
        let result = try apply(
            "REMOVE price ADD #c :one SET a = :one", names: ["#c": "count"], values: [":one": .number("1")])
        #expect(result["price"] == nil && result["count"] == .number("11") && result["a"] == .number("1"))
        #expect(
            message { try apply("SET a = :v SET b = :v", values: [":v": .null]) }
                == #"Invalid UpdateExpression: The "SET" section can only be used once in an update expression;"#)
        #expect(
            message { try apply("SET a = :v REMOVE a", values: [":v": .null]) }
                == "Invalid UpdateExpression: Two document paths overlap with each other; must remove or rewrite one of these paths; path one: [a], path two: [a]"
        )
        #expect(
            message { try apply("SET doc = :v, doc.deep = :v", values: [":v": .null]) }?.contains("overlap") == true)
        #expect(
            message { try apply("SET a = absent", values: [:]) }
                == "The provided expression refers to an attribute that does not exist in the item")
        #expect(message { try apply("SET a = size(b)") }?.contains("not allowed in an update expression") == true)
        #expect(message { try apply("SET a :v", values: [":v": .null]) }?.contains("Syntax error") == true)
        #expect(message { try apply("UPSERT a = :v", values: [":v": .null]) }?.contains("Syntax error") == true)
    }
}

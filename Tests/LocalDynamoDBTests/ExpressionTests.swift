import Testing

@testable import LocalDynamoDB

@Suite struct ExpressionTests {
    private let item: AttributeValue.Item = [
        "name": .string("Ada"),
        "age": .number("36"),
        "score": .number("9.5"),
        "active": .bool(true),
        "tags": .stringSet(["a", "b"]),
        "ids": .numberSet(["1", "2"]),
        "payload": .binary([1, 2, 3]),
        "profile": .map(["address": .map(["city": .string("London")]), "langs": .list([.string("en"), .string("fr")])]),
        "letters": .list([.map(["c": .number("7")]), .string("x")]),
        "empty": .null,
    ]

    private func evaluate(
        _ text: String, names: [String: String] = [:], values: [String: AttributeValue] = [:]
    ) throws -> Bool {
        let context = ExpressionContext(names: names, values: values)
        let condition = try ExpressionParser.condition(text, kind: "ConditionExpression", context: context)
        try context.checkAllUsed()
        return condition.evaluate(on: item)
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

    @Test func comparesNumbersNumericallyAndStringsByBytes() throws {
        #expect(try evaluate("#a > :v", names: ["#a": "age"], values: [":v": .number("9")]))
        #expect(try evaluate("score < :v", values: [":v": .number("10")]))
        #expect(try evaluate("score = :v", values: [":v": .number("9.50")]))
        #expect(try evaluate("#n < :v", names: ["#n": "name"], values: [":v": .string("Adb")]))
        #expect(try !evaluate("#n < :v", names: ["#n": "name"], values: [":v": .string("ADA")]))
        #expect(try evaluate("payload <= :v", values: [":v": .binary([1, 2, 3])]))
    }

    @Test func comparingDifferentTypesOrMissingAttributesIsFalseExceptNotEqual() throws {
        #expect(try !evaluate("#a = :v", names: ["#a": "age"], values: [":v": .string("36")]))
        #expect(try !evaluate("#a < :v", names: ["#a": "age"], values: [":v": .string("99")]))
        #expect(try !evaluate("absent = :v", values: [":v": .string("x")]))
        #expect(try evaluate("absent <> :v", values: [":v": .string("x")]))
        #expect(try evaluate("#a <> :v", names: ["#a": "age"], values: [":v": .string("36")]))
    }

    @Test func andBindsTighterThanOrAndNotTighterThanAnd() throws {
        let values: [String: AttributeValue] = [":t": .bool(true), ":f": .bool(false)]
        // true OR (false AND false) = true; (true OR false) AND false would be false.
        #expect(try evaluate("active = :t OR active = :f AND active = :f", values: values))
        #expect(try !evaluate("(active = :t OR active = :f) AND active = :f", values: values))
        // NOT applies to its operand only: (NOT false) AND true.
        #expect(try evaluate("NOT active = :f AND active = :t", values: values))
        #expect(try !evaluate("NOT (active = :f OR active = :t)", values: values))
        #expect(try evaluate("not not active = :t", values: [":t": .bool(true)]))
    }

    @Test func betweenAndInCompareWithBounds() throws {
        #expect(
            try evaluate(
                "#a BETWEEN :lo AND :hi", names: ["#a": "age"], values: [":lo": .number("30"), ":hi": .number("36")]))
        #expect(try !evaluate("score BETWEEN :lo AND :hi", values: [":lo": .number("10"), ":hi": .number("20")]))
        #expect(
            try evaluate("#a IN (:x, :y)", names: ["#a": "age"], values: [":x": .number("1"), ":y": .number("36.0")]))
        #expect(try !evaluate("#a IN (:x)", names: ["#a": "age"], values: [":x": .number("1")]))
    }

    @Test func functionsTestExistenceTypePrefixMembershipAndSize() throws {
        #expect(try evaluate("attribute_exists(profile.address.city) AND attribute_not_exists(profile.zip)"))
        #expect(try evaluate("attribute_exists(#e)", names: ["#e": "empty"]))
        #expect(try evaluate("attribute_type(tags, :t)", values: [":t": .string("SS")]))
        #expect(try !evaluate("attribute_type(#a, :t)", names: ["#a": "age"], values: [":t": .string("S")]))
        #expect(try evaluate("begins_with(#n, :p)", names: ["#n": "name"], values: [":p": .string("Ad")]))
        #expect(try evaluate("begins_with(payload, :p)", values: [":p": .binary([1, 2])]))
        #expect(try evaluate("contains(#n, :p)", names: ["#n": "name"], values: [":p": .string("da")]))
        #expect(try evaluate("contains(tags, :p)", values: [":p": .string("b")]))
        #expect(try evaluate("contains(ids, :p)", values: [":p": .number("2.0")]))
        #expect(try !evaluate("contains(ids, :p)", values: [":p": .string("2")]))
        #expect(try evaluate("contains(profile.langs, :p)", values: [":p": .string("fr")]))
        #expect(
            try evaluate("size(tags) = :two AND size(#n) > :two", names: ["#n": "name"], values: [":two": .number("2")])
        )
        #expect(try evaluate("size(profile) = :two", values: [":two": .number("2")]))
    }

    @Test func nestedPathsReachIntoMapsAndLists() throws {
        #expect(try evaluate("letters[0].c = :v", values: [":v": .number("7")]))
        #expect(try evaluate("profile.langs[1] = :v", values: [":v": .string("fr")]))
        #expect(
            try evaluate(
                "#p.#a.city = :v", names: ["#p": "profile", "#a": "address"], values: [":v": .string("London")]))
        #expect(try !evaluate("attribute_exists(letters[5])"))
        #expect(try !evaluate("attribute_exists(name2.x[0])"))
    }

    @Test func undefinedAndUnusedPlaceholdersAreRefused() {
        #expect(
            message { try evaluate("a = :absent") }
                == "Invalid ConditionExpression: An expression attribute value used in expression is not defined; attribute value: :absent"
        )
        #expect(
            message { try evaluate("#x = :v", values: [":v": .null]) }
                == "Invalid ConditionExpression: An expression attribute name used in the document path is not defined; attribute name: #x"
        )
        #expect(
            message { try evaluate("attribute_exists(a)", values: [":v": .null]) }
                == "Value provided in ExpressionAttributeValues unused in expressions: keys: {:v}")
        #expect(
            message { try evaluate("attribute_exists(a)", names: ["#n": "n"]) }
                == "Value provided in ExpressionAttributeNames unused in expressions: keys: {#n}")
    }

    @Test func syntaxErrorsNameTheTokenAndReservedWordsAreRefused() {
        #expect(
            message { try evaluate("a = ", values: [:]) }
                == #"Invalid ConditionExpression: Syntax error; token: "<EOF>", near: "=""#)
        #expect(
            message { try evaluate("a = :v :v", values: [":v": .null]) }
                == #"Invalid ConditionExpression: Syntax error; token: ":v", near: ":v :v""#)
        #expect(message { try evaluate("(attribute_exists(a)") } != nil)
        #expect(message { try evaluate("a BETWEEN :v", values: [":v": .null]) } != nil)
        #expect(message { try evaluate("a ! :v", values: [":v": .null]) } != nil)
        #expect(
            message { try evaluate("status = :v", values: [":v": .null]) }
                == "Invalid ConditionExpression: Attribute name is a reserved keyword; reserved keyword: status")
        #expect(
            message { try evaluate("nope(a)") } == "Invalid ConditionExpression: Invalid function name; function: nope")
        #expect(
            message { try evaluate("begins_with(a)") }
                == "Invalid ConditionExpression: Incorrect number of operands for operator or function; operator or function: begins_with, number of operands: 1"
        )
        #expect(message { try evaluate("attribute_exists(:v)", values: [":v": .null]) } != nil)
        #expect(message { try evaluate("attribute_type(a, :t)", values: [":t": .string("X")]) } != nil)
        #expect(
            message { try evaluate("a BETWEEN :hi AND :lo", values: [":lo": .number("1"), ":hi": .number("5")]) }?
                .contains("requires upper bound to be greater than or equal to lower bound") == true)
        #expect(message { try evaluate("   ") } == "Invalid ConditionExpression: The expression can not be empty;")
    }

    @Test func projectionKeepsNestedPartsAndClosesUpListElements() throws {
        let context = ExpressionContext(names: ["#p": "profile"])
        let paths = try ExpressionParser.projection("#p.address.city, letters[1], age, nothing", context: context)
        let projected = Projection.apply(paths, to: item)
        #expect(projected["age"] == .number("36"))
        #expect(projected["profile"] == .map(["address": .map(["city": .string("London")])]))
        #expect(projected["letters"] == .list([.string("x")]))
        #expect(projected.count == 3)
        #expect(
            message { try ExpressionParser.projection("a, a.b", context: ExpressionContext()) }?.contains("overlap")
                == true)
    }
}

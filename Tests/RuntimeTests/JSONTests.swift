import Foundation
import Runtime
import Testing

// MARK: - Fixtures

private enum Color: String, Codable, Equatable { case red, green, blue }
private enum Level: Int, Codable, Equatable { case low = 1, high = 9 }

private struct Item: Codable, Equatable {
    var id: Int
    var name: String
    var tags: [String]
}

private struct Widths: Codable, Equatable {
    var int: Int, int8: Int8, int16: Int16, int32: Int32, int64: Int64
    var uint: UInt, uint8: UInt8, uint16: UInt16, uint32: UInt32, uint64: UInt64

    static let min = Widths(
        int: .min, int8: .min, int16: .min, int32: .min, int64: .min,
        uint: .min, uint8: .min, uint16: .min, uint32: .min, uint64: .min)
    /// `UInt` and `UInt64` top out at `Int64.max`: JSON integers here are 64-bit signed.
    static let max = Widths(
        int: .max, int8: .max, int16: .max, int32: .max, int64: .max,
        uint: UInt(Int64.max), uint8: .max, uint16: .max, uint32: .max, uint64: UInt64(Int64.max))
}

private let awkwardDoubles: [Double] = [
    0.1, 1e300, .leastNonzeroMagnitude, -0.0, .pi, 0, 1, -1.5, 2.2250738585072014e-308, .greatestFiniteMagnitude,
    -.greatestFiniteMagnitude, 9_007_199_254_740_991, 9_007_199_254_740_994, 123456.789e-20, 1.0 / 3.0,
]

private let unicodeStrings = [
    "", "plain", "emoji 🎙️👩🏽‍💻🇸🇪", "a\u{0000}b", "quote \" backslash \\ slash /", "\n\r\t\u{0008}\u{000C}\u{001F}",
    "ünïcödé ΣΩ 中文 日本語 한국어", "\u{FFFF}\u{10FFFF}", "\u{7F}\u{80}\u{7FF}\u{800}",
]

private struct Rich: Codable, Equatable {
    var title: String
    var subtitle: String?
    var missing: String?
    var flag: Bool
    var color: Color
    var level: Level
    var items: [Item]
    var scores: [String: Double]
    var byID: [Int: String]
    var nested: [String: [Item]]
    var matrix: [[Int]]
    var optionals: [Int?]
    var lowest: Widths
    var highest: Widths
    var doubles: [Double]
    var float: Float
    var floats: [Float]
    var bytes: [UInt8]
    var unicode: [String]
    var emptyObject: [String: Int]
    var emptyArray: [Item]
    var colors: [Color: Int]

    static let sample = Rich(
        title: "Quarterly call", subtitle: "with Q&A", missing: nil, flag: true, color: .green, level: .high,
        items: [Item(id: 1, name: "intro", tags: ["a", "b"]), Item(id: 2, name: "qa", tags: [])],
        scores: ["alice": 0.5, "bob": -2.25], byID: [1: "one", -7: "minus seven"],
        nested: ["x": [Item(id: 3, name: "deep", tags: ["🙂"])], "y": []], matrix: [[1, 2], [], [3]],
        optionals: [1, nil, 3], lowest: .min, highest: .max, doubles: awkwardDoubles, float: 0.1,
        floats: [.greatestFiniteMagnitude, .leastNonzeroMagnitude, -0.0, 3.4e38],
        bytes: [0, 1, 127, 128, 255], unicode: unicodeStrings, emptyObject: [:], emptyArray: [], colors: [.red: 1])
}

private struct Ordered: Codable { var zebra = 1, apple = 2, mango = 3 }

private struct Inner: Codable { var b: Int }
private struct Outer: Codable { var a: [Inner] }

private struct Point: Codable, Equatable {
    var x: Int
    var y: Int
    var labels: [String]

    private enum Keys: String, CodingKey { case position, labels }
    private enum PositionKeys: String, CodingKey { case x, y }

    init(x: Int, y: Int, labels: [String]) {
        self.x = x
        self.y = y
        self.labels = labels
    }

    init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: Keys.self)
        let position = try container.nestedContainer(keyedBy: PositionKeys.self, forKey: .position)
        x = try position.decode(Int.self, forKey: .x)
        y = try position.decode(Int.self, forKey: .y)
        var list = try container.nestedUnkeyedContainer(forKey: .labels)
        var labels: [String] = []
        while !list.isAtEnd {
            var pair = try list.nestedUnkeyedContainer()
            labels.append(try pair.decode(String.self))
        }
        self.labels = labels
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: Keys.self)
        var position = container.nestedContainer(keyedBy: PositionKeys.self, forKey: .position)
        try position.encode(x, forKey: .x)
        try position.encode(y, forKey: .y)
        var list = container.nestedUnkeyedContainer(forKey: .labels)
        for label in labels {
            var pair = list.nestedUnkeyedContainer()
            try pair.encode(label)
        }
    }
}

/// Encodes as a JSON array `[count, name, {"ok": flag}]`.
private struct Triple: Codable, Equatable {
    var count: Int
    var name: String
    var ok: Bool

    private enum Keys: String, CodingKey { case ok }

    init(count: Int, name: String, ok: Bool) {
        self.count = count
        self.name = name
        self.ok = ok
    }

    init(from decoder: any Decoder) throws {
        var container = try decoder.unkeyedContainer()
        count = try container.decode(Int.self)
        name = try container.decode(String.self)
        ok = try container.nestedContainer(keyedBy: Keys.self).decode(Bool.self, forKey: .ok)
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.unkeyedContainer()
        try container.encode(count)
        try container.encode(name)
        var nested = container.nestedContainer(keyedBy: Keys.self)
        try nested.encode(ok, forKey: .ok)
    }
}

private class Animal: Codable {
    var name: String
    init(name: String) { self.name = name }
}

/// Keeps its superclass under `"super"` through `superEncoder()` / `superDecoder()`.
private final class Dog: Animal {
    var breed: String
    private enum Keys: String, CodingKey { case breed }

    init(name: String, breed: String) {
        self.breed = breed
        super.init(name: name)
    }

    required init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: Keys.self)
        breed = try container.decode(String.self, forKey: .breed)
        try super.init(from: container.superDecoder())
    }

    override func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: Keys.self)
        try container.encode(breed, forKey: .breed)
        try super.encode(to: container.superEncoder())
    }
}

/// Shares one object with its superclass.
private final class Cat: Animal {
    var lives: Int
    private enum Keys: String, CodingKey { case lives }

    init(name: String, lives: Int) {
        self.lives = lives
        super.init(name: name)
    }

    required init(from decoder: any Decoder) throws {
        lives = try decoder.container(keyedBy: Keys.self).decode(Int.self, forKey: .lives)
        try super.init(from: decoder)
    }

    override func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: Keys.self)
        try container.encode(lives, forKey: .lives)
        try super.encode(to: encoder)
    }
}

private struct Even: Codable {
    var value: Int
    init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        value = try container.decode(Int.self)
        guard value.isMultiple(of: 2) else {
            throw DecodingError.dataCorruptedError(in: container, debugDescription: "\(value) is odd")
        }
    }
}

private struct Holder<T: Codable>: Codable { var n: T }

/// Parses our output with Foundation, to show it is JSON that another parser accepts.
private func foundationParse(_ bytes: [UInt8]) throws -> Any {
    try JSONSerialization.jsonObject(with: Data(bytes), options: [.fragmentsAllowed])
}

// MARK: - Round trips

@Suite struct JSONRoundTripTests {
    @Test func richNestedStructRoundTrips() throws {
        let bytes = try JSON.encode(Rich.sample)
        let decoded = try JSON.decode(Rich.self, from: bytes)
        #expect(decoded == Rich.sample)
        for (got, want) in zip(decoded.doubles, awkwardDoubles) { #expect(got.bitPattern == want.bitPattern) }
        for (got, want) in zip(decoded.floats, Rich.sample.floats) { #expect(got.bitPattern == want.bitPattern) }
        #expect(try JSON.decode(Rich.self, from: try JSON.encodeString(Rich.sample)) == Rich.sample)
        #expect(try JSON.decode(Rich.self, from: try JSON.encode(Rich.sample, sortedKeys: true)) == Rich.sample)
    }

    @Test func outputIsJSONThatFoundationReadsBack() throws {
        let bytes = try JSON.encode(Rich.sample)
        let parsed = try #require(try foundationParse(bytes) as? [String: Any])
        #expect(parsed["title"] as? String == "Quarterly call")
        #expect(parsed["missing"] == nil)
        #expect((parsed["unicode"] as? [String]) == unicodeStrings)
        #expect(try JSONDecoder().decode(Rich.self, from: Data(bytes)) == Rich.sample)
        // and the other way: Foundation's output decodes here
        let foreign = try JSONEncoder().encode(Rich.sample)
        #expect(try JSON.decode(Rich.self, from: [UInt8](foreign)) == Rich.sample)
    }

    @Test func doublesRoundTripBitExactly() throws {
        for value in awkwardDoubles {
            let text = try JSON.encodeString(value)
            #expect(try JSON.decode(Double.self, from: text).bitPattern == value.bitPattern, "\(text)")
            #expect(try JSON.decode([Double].self, from: try JSON.encode([value]))[0].bitPattern == value.bitPattern)
            #expect(try (foundationParse(Array(text.utf8)) as? NSNumber)?.doubleValue == value)
        }
        #expect(try JSON.encodeString(-0.0) == "-0.0")
        #expect(try JSON.encodeString(1.0) == "1.0")
    }

    @Test func integerExtremesRoundTripExactly() throws {
        #expect(try JSON.encodeString(Int64.min) == "-9223372036854775808")
        #expect(try JSON.encodeString(Int64.max) == "9223372036854775807")
        #expect(try JSON.decode(Int64.self, from: "-9223372036854775808") == .min)
        #expect(try JSON.decode(Widths.self, from: try JSON.encode(Widths.min)) == .min)
        #expect(try JSON.decode(Widths.self, from: try JSON.encode(Widths.max)) == .max)
        #expect(try JSON.decode(UInt8.self, from: "255") == 255)
        #expect(try JSON.decode(Int8.self, from: "-128") == -128)
    }

    @Test func integerDecodesFromIntegralRealButNotFromFraction() throws {
        #expect(try JSON.decode(Int.self, from: "3.0") == 3)
        #expect(try JSON.decode(UInt64.self, from: "1e19") == 10_000_000_000_000_000_000)
        #expect(try JSON.decode(Int8.self, from: "-0.0") == 0)
        let error = try #require(throws: JSONError.self) { try JSON.decode([Int].self, from: "[1, 3.5]") }
        #expect(error == .dataCorrupted)
        #expect(error.codingPath == "[1]")
        #expect(error.message.contains("not an integer"))
    }

    @Test func doubleAndFloatDecodeFromJSONIntegers() throws {
        #expect(try JSON.decode(Double.self, from: "42") == 42)
        #expect(try JSON.decode(Float.self, from: "-7") == -7)
        #expect(try JSON.decode(Double.self, from: "-9223372036854775808") == -9.223372036854775808e18)
    }

    @Test func stringsKeepUnicodeNULAndEscapes() throws {
        for string in unicodeStrings {
            let bytes = try JSON.encode(string)
            #expect(try JSON.decode(String.self, from: bytes) == string)
            #expect(try foundationParse(bytes) as? String == string)
        }
        #expect(try JSON.encodeString("a\u{0000}b") == #""a\u0000b""#)
        #expect(try JSON.encodeString("q\"\\\n") == #""q\"\\\n""#)
        #expect(try JSON.decode(String.self, from: #""\ud83c\udf99\u00e9""#) == "🎙é")
        #expect(try JSON.decode([String: String].self, from: #"{"k":"x\u0000y"}"#) == ["k": "x\u{0}y"])
    }

    @Test func topLevelScalarsEncodeAndDecode() throws {
        #expect(try JSON.encodeString(42) == "42")
        #expect(try JSON.encodeString("hi") == "\"hi\"")
        #expect(try JSON.encodeString(true) == "true")
        #expect(try JSON.encodeString(Int?.none) == "null")
        #expect(try JSON.decode(Bool.self, from: "false") == false)
        #expect(try JSON.decode(Int?.self, from: "null") == nil)
        #expect(try JSON.decode(String.self, from: " \"x\" ") == "x")
        #expect(try JSON.decode(Color.self, from: "\"blue\"") == .blue)
    }

    @Test func absentKeyAndNullBothDecodeToNilAndNilIsOmitted() throws {
        struct Optionals: Codable, Equatable {
            var a: Int?
            var b: String?
            var c: Item?
            var d: [Int]?
        }
        let absent = try JSON.decode(Optionals.self, from: "{}")
        let nulls = try JSON.decode(Optionals.self, from: #"{"a":null,"b":null,"c":null,"d":null}"#)
        #expect(absent == Optionals())
        #expect(nulls == Optionals())
        #expect(try JSON.encodeString(Optionals()) == "{}")
        #expect(try JSON.encodeString(Optionals(a: 1, d: [])) == #"{"a":1,"d":[]}"#)
        #expect(try JSON.encodeString([1, nil, 3] as [Int?]) == "[1,null,3]")
    }

    @Test func keysKeepDeclarationOrderUnlessSorted() throws {
        #expect(try JSON.encodeString(Ordered()) == #"{"zebra":1,"apple":2,"mango":3}"#)
        #expect(try JSON.encodeString(Ordered(), sortedKeys: true) == #"{"apple":2,"mango":3,"zebra":1}"#)
        let dictionary = ["b": 1, "a": 2, "c": 3, "aa": 4]
        #expect(try JSON.encodeString(dictionary, sortedKeys: true) == #"{"a":2,"aa":4,"b":1,"c":3}"#)
    }

    @Test func byteArraysAreArraysAndIntKeysAreStrings() throws {
        #expect(try JSON.encodeString([UInt8]([0, 255])) == "[0,255]")
        #expect(try JSON.encodeString([3: "c"]) == #"{"3":"c"}"#)
        #expect(try JSON.decode([Int: String].self, from: #"{"3":"c","-1":"d"}"#) == [3: "c", -1: "d"])
        #expect(try JSON.decode([UInt8].self, from: "[1,2]") == [1, 2])
    }

    @Test func nestedContainersRoundTrip() throws {
        let point = Point(x: 1, y: -2, labels: ["a", "b"])
        #expect(try JSON.encodeString(point) == #"{"position":{"x":1,"y":-2},"labels":[["a"],["b"]]}"#)
        #expect(try JSON.decode(Point.self, from: try JSON.encode(point)) == point)
        let triple = Triple(count: 2, name: "n", ok: true)
        #expect(try JSON.encodeString(triple) == #"[2,"n",{"ok":true}]"#)
        #expect(try JSON.decode(Triple.self, from: try JSON.encode(triple)) == triple)
    }

    @Test func superEncoderAndSuperDecoderKeepTheSuperclassUnderSuper() throws {
        let text = try JSON.encodeString(Dog(name: "Rex", breed: "collie"))
        #expect(text == #"{"breed":"collie","super":{"name":"Rex"}}"#)
        let dog = try JSON.decode(Dog.self, from: text)
        #expect(dog.name == "Rex" && dog.breed == "collie")

        let catText = try JSON.encodeString(Cat(name: "Tom", lives: 9))
        #expect(catText == #"{"lives":9,"name":"Tom"}"#)
        let cat = try JSON.decode(Cat.self, from: catText)
        #expect(cat.name == "Tom" && cat.lives == 9)
    }

    @Test func unkeyedSuperEncoderWritesInPlace() throws {
        struct Wrapped: Encodable {
            func encode(to encoder: any Encoder) throws {
                var container = encoder.unkeyedContainer()
                try container.encode(1)
                let sup = container.superEncoder()
                try container.encode(3)
                var inner = sup.singleValueContainer()
                try inner.encode("two")
            }
        }
        #expect(try JSON.encodeString(Wrapped()) == #"[1,"two",3]"#)
    }

    @Test func valueThatEncodesNothingIsAnEmptyObject() throws {
        struct Nothing: Encodable { func encode(to encoder: any Encoder) throws {} }
        #expect(try JSON.encodeString(["a": Nothing()]) == #"{"a":{}}"#)
    }

    @Test func containersAnswerAllKeysContainsNilAndCount() throws {
        struct Probe: Decodable {
            var keys: [String]
            var hasA: Bool
            var hasZ: Bool
            var bIsNil: Bool
            var count: Int?
            var elements: [String]

            private struct AnyKey: CodingKey {
                var stringValue: String
                init(stringValue: String) { self.stringValue = stringValue }
                init?(intValue: Int) { nil }
                var intValue: Int? { nil }
            }

            init(from decoder: any Decoder) throws {
                let container = try decoder.container(keyedBy: AnyKey.self)
                keys = container.allKeys.map(\.stringValue)
                hasA = container.contains(AnyKey(stringValue: "a"))
                hasZ = container.contains(AnyKey(stringValue: "z"))
                bIsNil = try container.decodeNil(forKey: AnyKey(stringValue: "b"))
                var list = try container.nestedUnkeyedContainer(forKey: AnyKey(stringValue: "list"))
                count = list.count
                elements = []
                while !list.isAtEnd {
                    elements.append(try list.decodeNil() ? "nil" : String(try list.decode(Int.self)))
                }
                let missing = try container.superDecoder(forKey: AnyKey(stringValue: "z"))
                #expect(try missing.singleValueContainer().decodeNil())
                #expect(missing.codingPath.map(\.stringValue) == ["z"])
            }
        }
        let probe = try JSON.decode(Probe.self, from: #"{"a":1,"b":null,"list":[1,null,3]}"#)
        #expect(probe.keys == ["a", "b", "list"])
        #expect(probe.hasA && !probe.hasZ && probe.bIsNil)
        #expect(probe.count == 3)
        #expect(probe.elements == ["1", "nil", "3"])
    }

    @Test func allInputFormsDecodeAlike() throws {
        let text = #"{"id":7,"name":"n","tags":["t"]}"#
        let bytes = Array(text.utf8)
        let fromBuffer = try bytes.withUnsafeBytes { try JSON.decode(Item.self, from: $0) }
        #expect(try JSON.decode(Item.self, from: text) == fromBuffer)
        #expect(try JSON.decode(Item.self, from: bytes) == fromBuffer)
    }
}

// MARK: - Errors

@Suite struct JSONErrorTests {
    @Test func typeMismatchNamesPathAndTypes() throws {
        let error = try #require(throws: JSONError.self) { try JSON.decode(Outer.self, from: #"{"a":[{"b":"x"}]}"#) }
        #expect(error == .typeMismatch)
        #expect(error.codingPath == "a[0].b")
        #expect(error.message == "expected Int, found string")
        #expect(error.description.contains("a[0].b"))
    }

    @Test func typeMismatchPathsThroughDictionariesNestedArraysAndNestedContainers() throws {
        let scores = try #require(throws: JSONError.self) {
            try JSON.decode(Holder<[String: Double]>.self, from: #"{"n":{"a":1,"b":"x"}}"#)
        }
        #expect(scores.codingPath == "n.b")
        let items = try #require(throws: JSONError.self) {
            try JSON.decode([String: [Item]].self, from: #"{"k":[{"id":1,"name":"a","tags":[]},{"id":"2"}]}"#)
        }
        #expect(items.codingPath == "k[1].id")
        let matrix = try #require(throws: JSONError.self) { try JSON.decode([[Int]].self, from: #"[[1],[2,true]]"#) }
        #expect(matrix.codingPath == "[1][1]")
        #expect(matrix.message == "expected Int, found bool")
        let point = try #require(throws: JSONError.self) {
            try JSON.decode([Point].self, from: #"[{"position":{"x":1,"y":"2"},"labels":[]}]"#)
        }
        #expect(point.codingPath == "[0].position.y")
        let container = try #require(throws: JSONError.self) { try JSON.decode(Outer.self, from: #"{"a":{}}"#) }
        #expect(container == .typeMismatch)
        #expect(container.codingPath == "a")
    }

    @Test func missingKeyNamesPathAndKey() throws {
        let error = try #require(throws: JSONError.self) { try JSON.decode(Outer.self, from: #"{"a":[{"b":1},{}]}"#) }
        #expect(error == .keyNotFound)
        #expect(error.codingPath == "a[1].b")
        #expect(error.message.contains("\"b\""))
    }

    @Test func nullForRequiredValueIsValueNotFound() throws {
        let error = try #require(throws: JSONError.self) { try JSON.decode(Outer.self, from: #"{"a":[{"b":null}]}"#) }
        #expect(error == .valueNotFound)
        #expect(error.codingPath == "a[0].b")
        let short = try #require(throws: JSONError.self) { try JSON.decode(Triple.self, from: "[1]") }
        #expect(short == .valueNotFound)
        #expect(short.codingPath == "[1]")
    }

    @Test func syntaxErrorCarriesJanssonMessageAndPosition() throws {
        let error = try #require(throws: JSONError.self) { try JSON.decode(JSONValue.self, from: #"{"a":1,}"#) }
        #expect(error == .syntax)
        #expect(error.line == 1)
        #expect(error.column == 8)
        #expect(error.position == 8)
        #expect(error.message.contains("'}'"))
        let later = try #require(throws: JSONError.self) { try JSON.decode(JSONValue.self, from: "[1,\n  2,,]") }
        #expect(later.line == 2)
        #expect(try #require(throws: JSONError.self) { try JSON.decode(Int.self, from: "") } == .syntax)
        #expect(try #require(throws: JSONError.self) { try JSON.decode(Int.self, from: "[1e400]") } == .syntax)
    }

    @Test func integerOverflowOnDecodeNamesPathAndNeverTraps() throws {
        let narrow = try #require(throws: JSONError.self) { try JSON.decode(Holder<UInt8>.self, from: #"{"n":256}"#) }
        #expect(narrow == .dataCorrupted)
        #expect(narrow.codingPath == "n")
        #expect(narrow.message.contains("UInt8"))
        #expect(throws: JSONError.dataCorrupted) { try JSON.decode(UInt.self, from: "-1") }
        #expect(throws: JSONError.dataCorrupted) { try JSON.decode(Int8.self, from: "-129") }
        #expect(throws: JSONError.dataCorrupted) { try JSON.decode(Int.self, from: "1e19") }
        #expect(throws: JSONError.dataCorrupted) { try JSON.decode(Float.self, from: "1e300") }
        // beyond 64 bits jansson itself refuses the text
        #expect(throws: JSONError.syntax) { try JSON.decode(UInt64.self, from: "18446744073709551615") }
    }

    @Test func unrepresentableValuesThrowInvalidValueOnEncode() throws {
        let big = try #require(throws: JSONError.self) { try JSON.encode(Holder(n: [UInt64.max])) }
        #expect(big == .invalidValue)
        #expect(big.codingPath == "n[0]")
        #expect(throws: JSONError.invalidValue) { try JSON.encode(UInt(Int64.max) + 1) }
        for value in [Double.nan, .infinity, -.infinity] {
            let error = try #require(throws: JSONError.self) { try JSON.encode(["x": value]) }
            #expect(error == .invalidValue)
            #expect(error.codingPath == "x")
        }
        #expect(throws: JSONError.invalidValue) { try JSON.encode(Float.infinity) }
        #expect(throws: JSONError.invalidValue) { try JSON.encode(JSONValue.array([.double(.nan)])) }
        #expect(throws: JSONError.invalidValue) { try JSON.encode(Holder(n: Holder(n: JSONValue.double(.nan)))) }
    }

    @Test func decodingErrorsFromUserCodePassThroughUnchanged() throws {
        let error = try #require(throws: DecodingError.self) { try JSON.decode(Holder<Even>.self, from: #"{"n":3}"#) }
        guard case .dataCorrupted(let context) = error else {
            Issue.record("expected dataCorrupted, got \(error)")
            return
        }
        #expect(context.codingPath.map(\.stringValue) == ["n"])
        #expect(context.debugDescription == "3 is odd")
        #expect(throws: DecodingError.self) { try JSON.decode(Color.self, from: "\"purple\"") }
    }

    @Test func kindsCompareByCodeAndMatchInCatch() throws {
        #expect(JSONError.syntax == .syntax)
        #expect(JSONError.syntax != .typeMismatch)
        do {
            _ = try JSON.decode(Int.self, from: "\"x\"")
            Issue.record("expected an error")
        } catch JSONError.typeMismatch {
            // matched by kind
        }
        #expect(JSONError.keyNotFound.kind == "keyNotFound")
    }
}

// MARK: - JSONValue

@Suite struct JSONValueTests {
    private static let document: JSONValue = [
        "records": [["s3": ["object": ["key": "uploads/u/j/source", "size": 1024]]]],
        "flag": true, "ratio": 0.25, "none": .null, "text": "é🎙",
    ]

    @Test func roundTripsThroughTheCoder() throws {
        let bytes = try JSON.encode(Self.document, sortedKeys: true)
        #expect(try JSON.decode(JSONValue.self, from: bytes) == Self.document)
        #expect(try foundationParse(bytes) is [String: Any])
        #expect(try JSON.decode(JSONValue.self, from: "1") == .integer(1))
        #expect(try JSON.decode(JSONValue.self, from: "1.0") == .double(1))
        #expect(try JSON.encodeString(JSONValue.double(2)) == "2.0")
    }

    @Test func subscriptsAndAccessorsReachInside() throws {
        let value = Self.document
        #expect(value["records"]?[0]?["s3"]?["object"]?["key"]?.stringValue == "uploads/u/j/source")
        #expect(value["records"]?[0]?["s3"]?["object"]?["size"]?.intValue == 1024)
        #expect(value["records"]?[1] == nil)
        #expect(value["records"]?[-1] == nil)
        #expect(value["missing"] == nil)
        #expect(value["flag"]?[0] == nil)
        #expect(value["flag"]?.boolValue == true)
        #expect(value["ratio"]?.doubleValue == 0.25)
        #expect(value["ratio"]?.int64Value == nil)
        #expect(value["none"]?.isNull == true)
        #expect(value["records"]?.arrayValue?.count == 1)
        #expect(value.objectValue?.count == 5)
        #expect(JSONValue.integer(3).doubleValue == 3)
        #expect(JSONValue.double(3).int64Value == 3)
    }

    @Test func embedsInCodableTypes() throws {
        struct Event: Codable, Equatable {
            var id: String
            var claims: JSONValue?
            var extra: [String: JSONValue]
        }
        let event = Event(id: "e", claims: ["sub": "u1", "scopes": ["a", "b"]], extra: ["n": 1, "d": 1.5])
        #expect(try JSON.decode(Event.self, from: try JSON.encode(event)) == event)
        #expect(try JSON.decode(Event.self, from: #"{"id":"e","extra":{}}"#).claims == nil)
    }

    @Test func worksWithOtherCodersThroughASingleValueContainer() throws {
        let data = try JSONEncoder().encode(Self.document)
        #expect(try JSONDecoder().decode(JSONValue.self, from: data) == Self.document)
        #expect(try JSON.decode(JSONValue.self, from: [UInt8](data)) == Self.document)
    }
}

// MARK: - Properties

/// SplitMix64: a small seeded generator, so every run checks the same documents.
private struct SplitMix64: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

private enum Random {
    static let scalarPools: [ClosedRange<UInt32>] = [
        0x20...0x7E, 0x00...0x1F, 0xA0...0x7FF, 0x800...0xD7FF, 0xE000...0xFFFD, 0x1_0000...0x1_0FFFF,
    ]

    static func string(_ rng: inout SplitMix64, allowNUL: Bool = true) -> String {
        var text = ""
        for _ in 0..<Int.random(in: 0...12, using: &rng) {
            let pool = Bool.random(using: &rng) ? scalarPools[0] : scalarPools.randomElement(using: &rng)!
            var scalar = Unicode.Scalar(UInt32.random(in: pool, using: &rng))!
            if scalar == "\u{0}" && !allowNUL { scalar = "0" }
            text.unicodeScalars.append(scalar)
        }
        return text
    }

    static func double(_ rng: inout SplitMix64) -> Double {
        switch Int.random(in: 0..<4, using: &rng) {
        case 0: return awkwardDoubles.randomElement(using: &rng)!
        case 1: return Double(Int32.random(in: .min ... .max, using: &rng)) / 8
        default:
            while true {
                let value = Double(bitPattern: rng.next())
                if value.isFinite { return value }
            }
        }
    }

    static func value(_ rng: inout SplitMix64, depth: Int) -> JSONValue {
        let choice = Int.random(in: 0..<(depth >= 5 ? 5 : 7), using: &rng)
        switch choice {
        case 0: return .null
        case 1: return .bool(Bool.random(using: &rng))
        case 2: return .integer(Int64.random(in: .min ... .max, using: &rng))
        case 3: return .double(double(&rng))
        case 4: return .string(string(&rng))
        case 5:
            return .array((0..<Int.random(in: 0...5, using: &rng)).map { _ in value(&rng, depth: depth + 1) })
        default:
            var members: [String: JSONValue] = [:]
            for _ in 0..<Int.random(in: 0...5, using: &rng) {
                members[string(&rng, allowNUL: false)] = value(&rng, depth: depth + 1)
            }
            return .object(members)
        }
    }

    static func mutate(_ bytes: [UInt8], _ rng: inout SplitMix64) -> [UInt8] {
        var bytes = bytes
        for _ in 0..<Int.random(in: 1...4, using: &rng) {
            let position = bytes.isEmpty ? 0 : Int.random(in: 0..<bytes.count, using: &rng)
            let interesting: [UInt8] = Array("{}[]\",:\\0-.eE ntf".utf8) + [0, 0xFF, 0xC3, 0x80]
            switch Int.random(in: 0..<4, using: &rng) {
            case 0 where !bytes.isEmpty: bytes[position] = interesting.randomElement(using: &rng)!
            case 1: bytes.insert(UInt8.random(in: 0...255, using: &rng), at: position)
            case 2 where !bytes.isEmpty: bytes.remove(at: position)
            default: bytes = Array(bytes.prefix(position))
            }
        }
        return bytes
    }
}

/// Whether Foundation's parse of our output holds the same value (doubles to within rounding).
private func sameValue(_ parsed: Any, _ value: JSONValue) -> Bool {
    switch value {
    case .null: return parsed is NSNull
    case .bool(let bool): return (parsed as? Bool) == bool
    case .integer(let integer): return (parsed as? NSNumber)?.int64Value == integer
    case .double(let double):
        // Foundation on Linux reads some long numbers as NSDecimalNumber, whose doubleValue is
        // off in the last digit; our own decoder is checked bit for bit elsewhere.
        guard let number = (parsed as? NSNumber)?.doubleValue else { return false }
        return number == double || abs(number - double) <= abs(double) * 1e-15
    case .string(let string): return (parsed as? String) == string
    case .array(let elements):
        guard let parsed = parsed as? [Any], parsed.count == elements.count else { return false }
        return zip(parsed, elements).allSatisfy { sameValue($0, $1) }
    case .object(let members):
        guard let parsed = parsed as? [String: Any], parsed.count == members.count else { return false }
        return members.allSatisfy { key, member in parsed[key].map { sameValue($0, member) } ?? false }
    }
}

@Suite struct JSONPropertyTests {
    @Test func randomDocumentsRoundTrip() throws {
        var rng = SplitMix64(seed: 0x5EED_0001)
        for index in 0..<500 {
            let value = Random.value(&rng, depth: 0)
            let bytes = try JSON.encode(value, sortedKeys: index.isMultiple(of: 2))
            let decoded = try JSON.decode(JSONValue.self, from: bytes)
            #expect(decoded == value, "document \(index): \(String(decoding: bytes, as: UTF8.self))")
            if index.isMultiple(of: 5) {
                #expect(sameValue(try foundationParse(bytes), value), "document \(index) read by Foundation")
            }
        }
    }

    @Test func randomBytesAndMutationsNeverCrashTheDecoder() throws {
        var rng = SplitMix64(seed: 0xBAD_5EED)
        let seeds =
            try (0..<20).map { _ in try JSON.encode(Random.value(&rng, depth: 2)) } + [
                Array(#"{"a":[1,2.5,"x",true,null,{"b":-0.0}]}"#.utf8)
            ]
        var decodedCount = 0
        for index in 0..<2000 {
            let input: [UInt8]
            if index.isMultiple(of: 2) {
                input = (0..<Int.random(in: 0...40, using: &rng)).map { _ in UInt8.random(in: 0...255, using: &rng) }
            } else {
                input = Random.mutate(seeds.randomElement(using: &rng)!, &rng)
            }
            do {
                let value = try JSON.decode(JSONValue.self, from: input)
                decodedCount += 1
                #expect(try JSON.decode(JSONValue.self, from: try JSON.encode(value)) == value)
            } catch let error as JSONError {
                #expect(error == .syntax)
            }
        }
        #expect(decodedCount > 0)
    }
}

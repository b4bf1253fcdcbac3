import Testing

@testable import LocalDynamoDB

@Suite struct DecimalNumberTests {
    private func number(_ text: String) -> DecimalNumber { DecimalNumber(text)! }

    @Test func normalisesEqualNumbersToOneForm() {
        #expect(number("1.50").description == "1.5")
        #expect(number("015").description == "15")
        #expect(number("1e3").description == "1000")
        #expect(number("-0.00").description == "0")
        #expect(number("12.5E-3").description == "0.0125")
        #expect(number("1.50") == number("15e-1"))
    }

    @Test func refusesTextThatIsNotANumber() {
        for text in ["", "-", ".", "1.2.3", "abc", "1e", "0x10", " 1"] {
            #expect(DecimalNumber(text) == nil, "\(text)")
        }
    }

    @Test func addsIntegersOf38DigitsExactly() {
        let big = number("99999999999999999999999999999999999998")
        #expect((big + number("1")).description == "99999999999999999999999999999999999999")
        #expect(
            (number("12345678901234567890123456789") + number("98765432109876543210987654321")).description
                == "111111111011111111101111111110")
    }

    @Test func addsAndSubtractsDecimalsWithoutRounding() {
        #expect((number("0.1") + number("0.2")).description == "0.3")
        #expect((number("1.005") - number("0.005")).description == "1")
        #expect((number("5") - number("7.25")).description == "-2.25")
        #expect((number("-3") + number("3")).description == "0")
        #expect((number("-1.5") - number("-1.25")).description == "-0.25")
        #expect((number("100") - number("0.001")).description == "99.999")
    }

    @Test func comparesNumericallyNotAsText() {
        #expect(number("9") < number("10"))
        #expect(number("-10") < number("-9"))
        #expect(number("-0.5") < number("0"))
        #expect(number("1.2") < number("1.25"))
        #expect(!(number("2.0") < number("2")))
    }

    @Test func sortableBytesOrderAsTheNumbers() {
        let values = ["-1000", "-12.3", "-12", "-1", "-0.5", "0", "0.001", "0.5", "1", "9", "10", "12", "12.3", "1e20"]
        let encoded = values.map { number($0).sortableBytes }
        #expect(encoded == encoded.sorted { $0.lexicographicallyPrecedes($1) })
        #expect(Set(encoded).count == values.count)
    }

    @Test func reportsNumbersDynamoDBCannotStore() {
        #expect(number(String(repeating: "1", count: 39)).storageProblem != nil)
        #expect(number("1e126").storageProblem != nil)
        #expect(number("1e-131").storageProblem != nil)
        #expect(number(String(repeating: "9", count: 38)).storageProblem == nil)
    }
}

/// A DynamoDB number: up to 38 significant decimal digits, kept exactly (never as a `Double`).
///
/// The value is `sign × digits × 10^exponent` with `digits` free of leading and trailing zeros, so
/// equal numbers have one representation ("1.50", "1.5" and "15e-1" are the same number).
struct DecimalNumber: Hashable, Comparable, Sendable, CustomStringConvertible {
    /// Decimal digits, most significant first; empty for zero.
    private(set) var digits: [UInt8]
    private(set) var exponent: Int
    private(set) var isNegative: Bool

    static let zero = DecimalNumber(digits: [], exponent: 0, isNegative: false)

    private init(digits: [UInt8], exponent: Int, isNegative: Bool) {
        var digits = digits
        var exponent = exponent
        let leading = digits.firstIndex { $0 != 0 } ?? digits.count
        digits.removeFirst(leading)
        while let last = digits.last, last == 0 {
            digits.removeLast()
            exponent += 1
        }
        self.digits = digits
        self.exponent = digits.isEmpty ? 0 : exponent
        self.isNegative = digits.isEmpty ? false : isNegative
    }

    /// Parses DynamoDB's number text: an optional sign, digits with an optional point, an optional exponent.
    init?(_ text: String) {
        var bytes = Substring(text).utf8[...]
        var negative = false
        if let first = bytes.first, first == UInt8(ascii: "-") || first == UInt8(ascii: "+") {
            negative = first == UInt8(ascii: "-")
            bytes = bytes.dropFirst()
        }
        var digits: [UInt8] = []
        var exponent = 0
        var seenPoint = false
        var seenDigit = false
        while let byte = bytes.first, byte != UInt8(ascii: "e"), byte != UInt8(ascii: "E") {
            bytes = bytes.dropFirst()
            if byte == UInt8(ascii: ".") {
                guard !seenPoint else { return nil }
                seenPoint = true
            } else if byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") {
                seenDigit = true
                digits.append(byte - UInt8(ascii: "0"))
                if seenPoint { exponent -= 1 }
            } else {
                return nil
            }
        }
        guard seenDigit else { return nil }
        if !bytes.isEmpty {
            bytes = bytes.dropFirst()
            guard let power = Int(String(decoding: bytes, as: UTF8.self)), abs(power) < 10_000 else { return nil }
            exponent += power
        }
        self.init(digits: digits, exponent: exponent, isNegative: negative)
    }

    init(_ value: Int) {
        self.init(String(value))!
    }

    var isZero: Bool { digits.isEmpty }

    /// The power of ten of the most significant digit (0 for 1–9.99…).
    var magnitude: Int { exponent + digits.count - 1 }

    /// Why DynamoDB would refuse to store this number, or nil.
    var storageProblem: String? {
        if digits.count > 38 { return "Attempting to store more than 38 significant digits in a Number" }
        if !isZero && magnitude > 125 {
            return "Number overflow. Attempting to store a number with magnitude larger than supported range"
        }
        if !isZero && magnitude < -130 {
            return "Number underflow. Attempting to store a number with magnitude smaller than supported range"
        }
        return nil
    }

    /// Plain decimal text without an exponent, as DynamoDB returns numbers.
    var description: String {
        if isZero { return "0" }
        let text = String(decoding: digits.map { $0 + UInt8(ascii: "0") }, as: UTF8.self)
        let sign = isNegative ? "-" : ""
        if exponent >= 0 { return sign + text + String(repeating: "0", count: exponent) }
        let pointIndex = digits.count + exponent
        if pointIndex > 0 {
            let index = text.index(text.startIndex, offsetBy: pointIndex)
            return sign + text[..<index] + "." + text[index...]
        }
        return sign + "0." + String(repeating: "0", count: -pointIndex) + text
    }

    static func < (lhs: DecimalNumber, rhs: DecimalNumber) -> Bool {
        if lhs.isNegative != rhs.isNegative { return lhs.isNegative }
        let ascending = compareMagnitudes(lhs, rhs)
        return lhs.isNegative ? ascending > 0 : ascending < 0
    }

    static func + (lhs: DecimalNumber, rhs: DecimalNumber) -> DecimalNumber {
        if lhs.isZero { return rhs }
        if rhs.isZero { return lhs }
        let exponent = min(lhs.exponent, rhs.exponent)
        let left = lhs.aligned(to: exponent)
        let right = rhs.aligned(to: exponent)
        if lhs.isNegative == rhs.isNegative {
            return DecimalNumber(digits: addDigits(left, right), exponent: exponent, isNegative: lhs.isNegative)
        }
        let order = compareMagnitudes(lhs, rhs)
        if order == 0 { return .zero }
        return order > 0
            ? DecimalNumber(digits: subtractDigits(left, right), exponent: exponent, isNegative: lhs.isNegative)
            : DecimalNumber(digits: subtractDigits(right, left), exponent: exponent, isNegative: rhs.isNegative)
    }

    static prefix func - (value: DecimalNumber) -> DecimalNumber {
        DecimalNumber(digits: value.digits, exponent: value.exponent, isNegative: !value.isNegative)
    }

    static func - (lhs: DecimalNumber, rhs: DecimalNumber) -> DecimalNumber { lhs + -rhs }

    /// Bytes whose byte order is the numeric order (for the SQLite sort key).
    var sortableBytes: [UInt8] {
        if isZero { return [0x02] }
        let biased = UInt16(clamping: magnitude + 0x4000)
        if isNegative {
            return [0x01, ~UInt8(biased >> 8), ~UInt8(biased & 0xff)]
                + digits.map { UInt8(ascii: "0") + 9 - $0 } + [0xff]
        }
        return [0x03, UInt8(biased >> 8), UInt8(biased & 0xff)] + digits.map { UInt8(ascii: "0") + $0 }
    }

    // MARK: Digit arithmetic

    /// The digits of `|self|` scaled so that the last one stands for `10^exponent` (`exponent <= self.exponent`).
    private func aligned(to exponent: Int) -> [UInt8] {
        digits + [UInt8](repeating: 0, count: self.exponent - exponent)
    }

    /// -1, 0 or 1 as `|lhs|` is below, equal to or above `|rhs|`.
    private static func compareMagnitudes(_ lhs: DecimalNumber, _ rhs: DecimalNumber) -> Int {
        if lhs.isZero || rhs.isZero { return lhs.isZero ? (rhs.isZero ? 0 : -1) : 1 }
        if lhs.magnitude != rhs.magnitude { return lhs.magnitude < rhs.magnitude ? -1 : 1 }
        for (left, right) in zip(lhs.digits, rhs.digits) where left != right { return left < right ? -1 : 1 }
        return lhs.digits.count == rhs.digits.count ? 0 : (lhs.digits.count < rhs.digits.count ? -1 : 1)
    }

    private static func addDigits(_ lhs: [UInt8], _ rhs: [UInt8]) -> [UInt8] {
        var result: [UInt8] = []
        var carry: UInt8 = 0
        var left = lhs.reversed().makeIterator()
        var right = rhs.reversed().makeIterator()
        while true {
            let a = left.next()
            let b = right.next()
            if a == nil && b == nil { break }
            let sum = (a ?? 0) + (b ?? 0) + carry
            result.append(sum % 10)
            carry = sum / 10
        }
        if carry > 0 { result.append(carry) }
        return result.reversed()
    }

    /// `lhs - rhs` for `lhs >= rhs`, both aligned to the same exponent.
    private static func subtractDigits(_ lhs: [UInt8], _ rhs: [UInt8]) -> [UInt8] {
        var result: [UInt8] = []
        var borrow: Int = 0
        let left = Array(lhs.reversed())
        let right = Array(rhs.reversed())
        for index in 0..<max(left.count, right.count) {
            var difference =
                Int(index < left.count ? left[index] : 0) - Int(index < right.count ? right[index] : 0) - borrow
            borrow = difference < 0 ? 1 : 0
            if difference < 0 { difference += 10 }
            result.append(UInt8(difference))
        }
        return result.reversed()
    }
}

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#endif

/// An instant in UTC with millisecond precision, written as ISO-8601 (`2026-11-28T16:22:10.123Z`).
///
/// The deployed targets do not link Foundation, so this small type stands in for `Date`.
public struct Timestamp: Hashable, Comparable, Sendable {
    /// Milliseconds since 1970-01-01T00:00:00Z.
    public var millisecondsSinceEpoch: Int64

    public init(millisecondsSinceEpoch: Int64) {
        self.millisecondsSinceEpoch = millisecondsSinceEpoch
    }

    public init(secondsSinceEpoch: Int64) {
        self.millisecondsSinceEpoch = secondsSinceEpoch * 1000
    }

    /// The current time from the system's real-time clock.
    public static func now() -> Timestamp {
        var spec = timespec()
        clock_gettime(CLOCK_REALTIME, &spec)
        return Timestamp(millisecondsSinceEpoch: Int64(spec.tv_sec) * 1000 + Int64(spec.tv_nsec) / 1_000_000)
    }

    public var secondsSinceEpoch: Int64 { floorDiv(millisecondsSinceEpoch, 1000) }

    public static func < (lhs: Timestamp, rhs: Timestamp) -> Bool {
        lhs.millisecondsSinceEpoch < rhs.millisecondsSinceEpoch
    }

    public func adding(milliseconds: Int64) -> Timestamp {
        Timestamp(millisecondsSinceEpoch: millisecondsSinceEpoch + milliseconds)
    }

    public func adding(seconds: Int64) -> Timestamp { adding(milliseconds: seconds * 1000) }

    /// The calendar fields of this instant in UTC.
    public var components: DateComponents {
        let millis = floorMod(millisecondsSinceEpoch, 1000)
        let seconds = floorDiv(millisecondsSinceEpoch, 1000)
        let days = floorDiv(seconds, 86_400)
        let secondOfDay = floorMod(seconds, 86_400)
        let (year, month, day) = civilDate(fromDays: days)
        return DateComponents(
            year: Int(year), month: Int(month), day: Int(day),
            hour: Int(secondOfDay / 3600), minute: Int(secondOfDay / 60 % 60), second: Int(secondOfDay % 60),
            millisecond: Int(millis))
    }

    /// `2026-11-28T16:22:10.123Z`.
    public var iso8601: String {
        let c = components
        return
            "\(pad(c.year, 4))-\(pad(c.month, 2))-\(pad(c.day, 2))T\(pad(c.hour, 2)):\(pad(c.minute, 2)):\(pad(c.second, 2)).\(pad(c.millisecond, 3))Z"
    }

    /// `2026-11-28T16:22:10Z`, without the fraction.
    public var iso8601Seconds: String {
        let c = components
        return
            "\(pad(c.year, 4))-\(pad(c.month, 2))-\(pad(c.day, 2))T\(pad(c.hour, 2)):\(pad(c.minute, 2)):\(pad(c.second, 2))Z"
    }

    /// Parses ISO-8601 / RFC 3339 date-times: `YYYY-MM-DDThh:mm:ss[.fraction](Z|±hh:mm)`.
    /// Fractions beyond milliseconds are truncated.
    public init?(iso8601 text: String) {
        var parser = DigitScanner(Array(text.utf8))
        guard let year = parser.number(4), parser.expect("-"), let month = parser.number(2), parser.expect("-"),
            let day = parser.number(2), parser.expect("T") || parser.expect("t") || parser.expect(" "),
            let hour = parser.number(2), parser.expect(":"), let minute = parser.number(2), parser.expect(":"),
            let second = parser.number(2)
        else { return nil }
        guard (1...12).contains(month), (1...daysIn(month: month, year: year)).contains(day), hour < 24,
            minute < 60, second < 61
        else { return nil }
        var millis: Int64 = 0
        if parser.expect(".") || parser.expect(",") {
            var digits = 0
            while let digit = parser.digit() {
                if digits < 3 { millis = millis * 10 + Int64(digit) }
                digits += 1
            }
            guard digits > 0 else { return nil }
            for _ in digits..<max(digits, 3) { millis *= 10 }
        }
        var offsetSeconds: Int64 = 0
        if parser.expect("Z") || parser.expect("z") {
        } else if let sign = parser.sign() {
            guard let offsetHours = parser.number(2) else { return nil }
            _ = parser.expect(":")
            guard let offsetMinutes = parser.number(2), offsetHours < 24, offsetMinutes < 60 else { return nil }
            offsetSeconds = sign * (offsetHours * 3600 + offsetMinutes * 60)
        } else {
            return nil
        }
        guard parser.atEnd else { return nil }
        let days = daysFromCivil(year: year, month: month, day: day)
        let seconds = days * 86_400 + hour * 3600 + minute * 60 + min(second, 59) - offsetSeconds
        self.millisecondsSinceEpoch = seconds * 1000 + millis
    }

    /// Compact forms used by AWS signing: `20150830T123600Z` and `20150830`.
    public var amzDate: String {
        let c = components
        return
            "\(pad(c.year, 4))\(pad(c.month, 2))\(pad(c.day, 2))T\(pad(c.hour, 2))\(pad(c.minute, 2))\(pad(c.second, 2))Z"
    }

    public var amzDay: String {
        let c = components
        return "\(pad(c.year, 4))\(pad(c.month, 2))\(pad(c.day, 2))"
    }

    /// Parses `20150830T123600Z`.
    public init?(amzDate text: String) {
        let bytes = Array(text.utf8)
        guard bytes.count == 16, bytes[8] == UInt8(ascii: "T"), bytes[15] == UInt8(ascii: "Z") else { return nil }
        let iso =
            "\(text.prefix(4))-\(text.dropFirst(4).prefix(2))-\(text.dropFirst(6).prefix(2))T\(text.dropFirst(9).prefix(2)):\(text.dropFirst(11).prefix(2)):\(text.dropFirst(13).prefix(2))Z"
        self.init(iso8601: iso)
    }
}

/// Calendar fields in UTC.
public struct DateComponents: Equatable, Sendable {
    public var year, month, day, hour, minute, second, millisecond: Int
}

extension Timestamp: Codable {
    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        let text = try container.decode(String.self)
        guard let value = Timestamp(iso8601: text) else {
            throw DecodingError.dataCorruptedError(
                in: container, debugDescription: "Expected an ISO-8601 date-time, found \"\(text)\"")
        }
        self = value
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(iso8601)
    }
}

extension Timestamp: CustomStringConvertible {
    public var description: String { iso8601 }
}

// MARK: - Calendar arithmetic (Howard Hinnant's days-from-civil algorithms)

private func floorDiv(_ a: Int64, _ b: Int64) -> Int64 { a >= 0 ? a / b : -((-a + b - 1) / b) }
private func floorMod(_ a: Int64, _ b: Int64) -> Int64 { a - floorDiv(a, b) * b }

private func daysFromCivil(year: Int64, month: Int64, day: Int64) -> Int64 {
    let y = month <= 2 ? year - 1 : year
    let era = floorDiv(y, 400)
    let yoe = y - era * 400
    let mp = (month + 9) % 12
    let doy = (153 * mp + 2) / 5 + day - 1
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
    return era * 146_097 + doe - 719_468
}

private func civilDate(fromDays days: Int64) -> (Int64, Int64, Int64) {
    let z = days + 719_468
    let era = floorDiv(z, 146_097)
    let doe = z - era * 146_097
    let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146_096) / 365
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
    let mp = (5 * doy + 2) / 153
    let day = doy - (153 * mp + 2) / 5 + 1
    let month = mp < 10 ? mp + 3 : mp - 9
    return (month <= 2 ? yoe + era * 400 + 1 : yoe + era * 400, month, day)
}

private func daysIn(month: Int64, year: Int64) -> Int64 {
    switch month {
    case 2: (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
    case 4, 6, 9, 11: 30
    default: 31
    }
}

private func pad(_ value: Int, _ width: Int) -> String {
    let digits = String(value)
    return digits.count >= width ? digits : String(repeating: "0", count: width - digits.count) + digits
}

private struct DigitScanner {
    let bytes: [UInt8]
    var index = 0
    init(_ bytes: [UInt8]) { self.bytes = bytes }

    var atEnd: Bool { index == bytes.count }

    mutating func digit() -> Int? {
        guard index < bytes.count, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(bytes[index]) else { return nil }
        defer { index += 1 }
        return Int(bytes[index] - UInt8(ascii: "0"))
    }

    mutating func number(_ count: Int) -> Int64? {
        var value: Int64 = 0
        for _ in 0..<count {
            guard let d = digit() else { return nil }
            value = value * 10 + Int64(d)
        }
        return value
    }

    mutating func expect(_ character: Unicode.Scalar) -> Bool {
        guard index < bytes.count, bytes[index] == UInt8(ascii: character) else { return false }
        index += 1
        return true
    }

    mutating func sign() -> Int64? {
        if expect("+") { return 1 }
        if expect("-") { return -1 }
        return nil
    }
}

import Foundation

/// EventBridge schedule expressions: `rate(5 minutes)` and `cron(0/15 * * * ? *)` (minutes, hours,
/// day of month, month, day of week, year; UTC).
struct ScheduleExpression: Sendable, Equatable {
    enum Kind: Sendable, Equatable {
        case rate(seconds: Double)
        case cron(
            minutes: Set<Int>, hours: Set<Int>, days: Set<Int>?, months: Set<Int>, weekdays: Set<Int>?, years: Set<Int>?
        )
    }

    let kind: Kind

    struct ParseError: Error, CustomStringConvertible { let description: String }

    init(_ text: String) throws {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        if trimmed.hasPrefix("rate(") && trimmed.hasSuffix(")") {
            let parts = trimmed.dropFirst(5).dropLast().split(separator: " ")
            guard parts.count == 2, let value = Double(parts[0]), value > 0 else {
                throw ParseError(description: "bad rate: \(text)")
            }
            let unit: Double
            switch parts[1] {
            case "minute", "minutes": unit = 60
            case "hour", "hours": unit = 3600
            case "day", "days": unit = 86400
            default: throw ParseError(description: "rate units are minutes, hours or days: \(text)")
            }
            kind = .rate(seconds: value * unit)
        } else if trimmed.hasPrefix("cron(") && trimmed.hasSuffix(")") {
            let fields = trimmed.dropFirst(5).dropLast().split(separator: " ").map(String.init)
            guard fields.count == 6 else { throw ParseError(description: "cron takes 6 fields: \(text)") }
            kind = .cron(
                minutes: try Self.field(fields[0], 0...59), hours: try Self.field(fields[1], 0...23),
                days: fields[2] == "?" ? nil : try Self.field(fields[2], 1...31),
                months: try Self.field(fields[3], 1...12, names: Self.months),
                weekdays: fields[4] == "?" ? nil : try Self.field(fields[4], 1...7, names: Self.weekdays),
                years: fields[5] == "*" ? nil : try Self.field(fields[5], 1970...2199))
        } else {
            throw ParseError(description: "a schedule is rate(...) or cron(...): \(text)")
        }
    }

    static let months = ["JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"]
    static let weekdays = ["SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"]

    private static func field(_ text: String, _ range: ClosedRange<Int>, names: [String] = []) throws -> Set<Int> {
        var values = Set<Int>()
        func value(_ token: Substring) throws -> Int {
            if let number = Int(token), range.contains(number) { return number }
            if let index = names.firstIndex(of: token.uppercased()) { return range.lowerBound + index }
            throw ParseError(description: "\(token) is outside \(range)")
        }
        for part in text.split(separator: ",") {
            let stepParts = part.split(separator: "/")
            let step = stepParts.count == 2 ? Int(stepParts[1]) ?? 1 : 1
            let base = stepParts[0]
            let bounds: ClosedRange<Int>
            if base == "*" || base == "?" {
                bounds = range
            } else if let dash = base.firstIndex(of: "-") {
                bounds = try value(base[..<dash])...value(base[base.index(after: dash)...])
            } else {
                let start = try value(base)
                bounds = start...(stepParts.count == 2 ? range.upperBound : start)
            }
            values.formUnion(stride(from: bounds.lowerBound, through: bounds.upperBound, by: max(1, step)))
        }
        return values
    }

    /// The first time after `date` (UTC) the schedule fires, in AWS time; for rates, `interval`.
    func next(after date: Date) -> Date? {
        switch kind {
        case .rate(let seconds):
            return date.addingTimeInterval(seconds)
        case .cron(let minutes, let hours, let days, let months, let weekdays, let years):
            var calendar = Calendar(identifier: .gregorian)
            calendar.timeZone = TimeZone(identifier: "UTC")!
            var candidate = Date(timeIntervalSince1970: (floor(date.timeIntervalSince1970 / 60) + 1) * 60)
            for _ in 0..<(366 * 24 * 60 * 2) {
                let c = calendar.dateComponents([.minute, .hour, .day, .month, .weekday, .year], from: candidate)
                if minutes.contains(c.minute!), hours.contains(c.hour!), months.contains(c.month!),
                    days.map({ $0.contains(c.day!) }) ?? true, weekdays.map({ $0.contains(c.weekday!) }) ?? true,
                    years.map({ $0.contains(c.year!) }) ?? true
                {
                    return candidate
                }
                candidate = candidate.addingTimeInterval(60)
            }
            return nil
        }
    }
}

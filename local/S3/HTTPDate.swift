import Runtime

/// RFC 1123 dates (`Sun, 06 Nov 1994 08:49:37 GMT`) for `Last-Modified` and the conditional headers.
enum HTTPDate {
    private static let weekdays = ["Thu", "Fri", "Sat", "Sun", "Mon", "Tue", "Wed"]
    private static let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]

    static func format(_ time: Timestamp) -> String {
        let c = time.components
        let days = Int(
            time.secondsSinceEpoch >= 0 ? time.secondsSinceEpoch / 86_400 : (time.secondsSinceEpoch - 86_399) / 86_400)
        let weekday = weekdays[((days % 7) + 7) % 7]
        return
            "\(weekday), \(pad(c.day)) \(months[c.month - 1]) \(c.year) \(pad(c.hour)):\(pad(c.minute)):\(pad(c.second)) GMT"
    }

    /// Parses the RFC 1123 form (the one HTTP/1.1 clients send); nil for anything else.
    static func parse(_ text: String) -> Timestamp? {
        let parts = text.split(separator: " ")
        guard parts.count == 6, parts[5] == "GMT", let month = months.firstIndex(of: String(parts[2])),
            parts[1].count == 2, parts[3].count == 4, parts[4].count == 8
        else { return nil }
        return Timestamp(iso8601: "\(parts[3])-\(pad(month + 1))-\(parts[1])T\(parts[4])Z")
    }

    private static func pad(_ value: Int) -> String { value < 10 ? "0\(value)" : String(value) }
}

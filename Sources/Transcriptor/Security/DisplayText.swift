/// What a name people read (a job's title, an API key's name, a file name) may hold: no control
/// characters (C0, DEL, C1), which break lines, logs and headers, and no bidirectional controls
/// (U+202A–U+202E, U+2066–U+2069, U+200E, U+200F, U+061C), which make text read other than it
/// is stored (`invoice‮fdp.exe` shows as `invoiceexe.pdf`).
///
/// Names the caller gives are refused with a 400 when they hold one; names derived from other
/// input (the last segment of a media URL) are stripped of them.
public enum DisplayText {
    /// Whether `scalar` is a control or a bidirectional control.
    public static func isForbidden(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x00...0x1F, 0x7F...0x9F: true
        case 0x202A...0x202E, 0x2066...0x2069, 0x200E, 0x200F, 0x061C: true
        default: false
        }
    }

    /// The first forbidden character of `text`; nil when there is none.
    public static func firstForbidden(in text: String) -> Unicode.Scalar? {
        text.unicodeScalars.first(where: isForbidden)
    }

    /// `text` without its forbidden characters.
    public static func stripped(_ text: String) -> String {
        var result = String.UnicodeScalarView()
        result.append(contentsOf: text.unicodeScalars.filter { !isForbidden($0) })
        return String(result)
    }

    /// A 400 naming the field and the character (`U+202E`) when `text` holds a forbidden one.
    /// - Throws: `InvalidInput` (`invalid_request`); the caller should remove the character.
    public static func check(_ text: String, field: String) throws(InvalidInput) {
        guard let scalar = firstForbidden(in: text) else { return }
        let hex = String(scalar.value, radix: 16, uppercase: true)
        throw InvalidInput(
            "\(field) must not hold control or bidirectional-formatting characters; remove U+\(String(repeating: "0", count: max(0, 4 - hex.count)) + hex)."
        )
    }
}

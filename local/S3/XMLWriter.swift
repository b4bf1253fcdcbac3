/// Writes S3's XML bodies: elements with escaped text, no attributes but the root's namespace.
struct XMLWriter {
    static let namespace = "http://s3.amazonaws.com/doc/2006-03-01/"

    private(set) var text = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"

    var bytes: [UInt8] { Array(text.utf8) }

    /// The document's root element, carrying the S3 namespace.
    mutating func root(_ name: String, _ body: (inout XMLWriter) -> Void) {
        text += "<\(name) xmlns=\"\(Self.namespace)\">"
        body(&self)
        text += "</\(name)>"
    }

    mutating func element(_ name: String, _ body: (inout XMLWriter) -> Void) {
        text += "<\(name)>"
        body(&self)
        text += "</\(name)>"
    }

    mutating func element(_ name: String, _ value: String) {
        text += "<\(name)>\(Self.escape(value))</\(name)>"
    }

    static func escape(_ value: String) -> String {
        var out = ""
        out.reserveCapacity(value.utf8.count)
        for scalar in value.unicodeScalars {
            switch scalar {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&apos;"
            case "\r": out += "&#13;"
            case "\n": out += "&#10;"
            case "\t": out += "&#9;"
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out
    }
}

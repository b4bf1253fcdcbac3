import Cloud

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
        text += "<\(name)>\(XMLElement.escape(value))</\(name)>"
    }
}

import CZlib
import Runtime

/// A transcript as a document to read and edit: Markdown, and Word (Office Open XML, a ZIP of XML
/// parts written here, deflated with zlib). Each has the title, then a paragraph per speaker turn
/// (per segment without speakers) with the speaker's name and, when asked, the start time.
public enum DocumentWriter {
    public static func markdown(_ transcript: Transcript, title: String, timestamps: Bool) -> String {
        var out = title.isEmpty ? "" : "# \(escapeMarkdown(title))\n\n"
        for paragraph in transcript.paragraphs(bySegment: transcript.speakers == nil) {
            var head: [String] = []
            if let name = transcript.speakerName(paragraph.speaker) { head.append("**\(escapeMarkdown(name))**") }
            if timestamps { head.append("[\(Transcript.clock(paragraph.start))]") }
            if !head.isEmpty { out += head.joined(separator: " ") + "  \n" }
            out += escapeMarkdown(paragraph.text) + "\n\n"
        }
        return out
    }

    /// Text that Markdown shows as written: its markup characters escaped, and a line start that
    /// would begin a list, heading or quote made plain.
    static func escapeMarkdown(_ text: String) -> String {
        var out = ""
        for scalar in text.unicodeScalars {
            if scalar == "\n" || scalar == "\r" || scalar == "\t" {
                out += " "
                continue
            }
            if "\\`*_[]<>#|~!".unicodeScalars.contains(scalar) { out += "\\" }
            out.unicodeScalars.append(scalar)
        }
        // "- ", "+ ", "1. " at the start would make a list, "=" under a line a heading.
        if let first = out.unicodeScalars.first, first == "-" || first == "+" || first == "=" { out = "\\" + out }
        let digits = out.prefix { $0.isASCII && $0.isNumber }
        if !digits.isEmpty, out.dropFirst(digits.count).first == "." || out.dropFirst(digits.count).first == ")" {
            out = digits + "\\" + out.dropFirst(digits.count)
        }
        return out
    }

    // MARK: Word

    public static func docx(_ transcript: Transcript, title: String, timestamps: Bool) -> [UInt8] {
        var body = ""
        if !title.isEmpty {
            body +=
                "<w:p><w:pPr><w:pStyle w:val=\"Title\"/></w:pPr><w:r><w:t xml:space=\"preserve\">\(xml(title))</w:t></w:r></w:p>"
        }
        for paragraph in transcript.paragraphs(bySegment: transcript.speakers == nil) {
            body += "<w:p>"
            if let name = transcript.speakerName(paragraph.speaker) {
                body += "<w:r><w:rPr><w:b/></w:rPr><w:t xml:space=\"preserve\">\(xml(name)) </w:t></w:r>"
            }
            if timestamps {
                body +=
                    "<w:r><w:rPr><w:color w:val=\"666666\"/></w:rPr><w:t xml:space=\"preserve\">[\(Transcript.clock(paragraph.start))] </w:t></w:r>"
            }
            body += "<w:r><w:t xml:space=\"preserve\">\(xml(paragraph.text))</w:t></w:r></w:p>"
        }
        let document =
            "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n<w:document xmlns:w=\"http://schemas.openxmlformats.org/wordprocessingml/2006/main\"><w:body>\(body)<w:sectPr><w:pgSz w:w=\"11906\" w:h=\"16838\"/><w:pgMar w:top=\"1440\" w:right=\"1440\" w:bottom=\"1440\" w:left=\"1440\" w:header=\"708\" w:footer=\"708\" w:gutter=\"0\"/></w:sectPr></w:body></w:document>"
        let contentTypes =
            "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n<Types xmlns=\"http://schemas.openxmlformats.org/package/2006/content-types\"><Default Extension=\"rels\" ContentType=\"application/vnd.openxmlformats-package.relationships+xml\"/><Default Extension=\"xml\" ContentType=\"application/xml\"/><Override PartName=\"/word/document.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml\"/><Override PartName=\"/word/styles.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.wordprocessingml.styles+xml\"/><Override PartName=\"/docProps/core.xml\" ContentType=\"application/vnd.openxmlformats-package.core-properties+xml\"/></Types>"
        let rels =
            "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\"><Relationship Id=\"rId1\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument\" Target=\"word/document.xml\"/><Relationship Id=\"rId2\" Type=\"http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties\" Target=\"docProps/core.xml\"/></Relationships>"
        let documentRels =
            "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\"><Relationship Id=\"rId1\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles\" Target=\"styles.xml\"/></Relationships>"
        let styles =
            "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n<w:styles xmlns:w=\"http://schemas.openxmlformats.org/wordprocessingml/2006/main\"><w:docDefaults><w:rPrDefault><w:rPr><w:sz w:val=\"22\"/></w:rPr></w:rPrDefault><w:pPrDefault><w:pPr><w:spacing w:after=\"160\" w:line=\"276\" w:lineRule=\"auto\"/></w:pPr></w:pPrDefault></w:docDefaults><w:style w:type=\"paragraph\" w:default=\"1\" w:styleId=\"Normal\"><w:name w:val=\"Normal\"/></w:style><w:style w:type=\"paragraph\" w:styleId=\"Title\"><w:name w:val=\"Title\"/><w:basedOn w:val=\"Normal\"/><w:next w:val=\"Normal\"/><w:pPr><w:spacing w:after=\"240\"/></w:pPr><w:rPr><w:b/><w:sz w:val=\"40\"/></w:rPr></w:style></w:styles>"
        let core =
            "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n<cp:coreProperties xmlns:cp=\"http://schemas.openxmlformats.org/package/2006/metadata/core-properties\" xmlns:dc=\"http://purl.org/dc/elements/1.1/\"><dc:title>\(xml(title))</dc:title><dc:creator>Transcriptor</dc:creator></cp:coreProperties>"
        return zip([
            ("[Content_Types].xml", Array(contentTypes.utf8)), ("_rels/.rels", Array(rels.utf8)),
            ("word/document.xml", Array(document.utf8)), ("word/_rels/document.xml.rels", Array(documentRels.utf8)),
            ("word/styles.xml", Array(styles.utf8)), ("docProps/core.xml", Array(core.utf8)),
        ])
    }

    /// Text as XML character data: the markup characters escaped, and the characters XML 1.0 may
    /// not hold (controls but tab, line feed and carriage return) left out.
    static func xml(_ text: String) -> String {
        var out = ""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "\t", "\n", "\r": out += " "
            default:
                if scalar.value < 0x20 || scalar.value == 0xFFFE || scalar.value == 0xFFFF { continue }
                out.unicodeScalars.append(scalar)
            }
        }
        return out
    }

    // MARK: ZIP

    /// A ZIP archive (APPNOTE 6.3: local headers, deflated data, central directory) of `entries`,
    /// dated 1980-01-01 so the same document gives the same bytes.
    static func zip(_ entries: [(name: String, bytes: [UInt8])]) -> [UInt8] {
        var out: [UInt8] = []
        var directory: [UInt8] = []
        for entry in entries {
            let name = Array(entry.name.utf8)
            let packed = Deflate.compress(entry.bytes, framing: .raw)
            let stored = packed == nil
            let data = packed ?? entry.bytes
            let crc = UInt32(entry.bytes.withUnsafeBufferPointer { crc32(0, $0.baseAddress, UInt32($0.count)) })
            let offset = UInt32(out.count)
            func common(_ into: inout [UInt8]) {
                into.append(little16: 20)  // version needed: 2.0 (deflate)
                into.append(little16: 0x0800)  // UTF-8 names
                into.append(little16: stored ? 0 : 8)
                into.append(little16: 0)  // time
                into.append(little16: 0x21)  // date: 1980-01-01
                into.append(little32: crc)
                into.append(little32: UInt32(data.count))
                into.append(little32: UInt32(entry.bytes.count))
                into.append(little16: UInt16(name.count))
                into.append(little16: 0)  // extra field
            }
            out.append(little32: 0x0403_4b50)
            common(&out)
            out += name
            out += data
            directory.append(little32: 0x0201_4b50)
            directory.append(little16: 20)  // made by: 2.0
            common(&directory)
            directory.append(little16: 0)  // comment
            directory.append(little16: 0)  // disk
            directory.append(little16: 0)  // internal attributes
            directory.append(little32: 0)  // external attributes
            directory.append(little32: offset)
            directory += name
        }
        let directoryOffset = UInt32(out.count)
        out += directory
        out.append(little32: 0x0605_4b50)
        out.append(little16: 0)
        out.append(little16: 0)
        out.append(little16: UInt16(entries.count))
        out.append(little16: UInt16(entries.count))
        out.append(little32: UInt32(directory.count))
        out.append(little32: directoryOffset)
        out.append(little16: 0)
        return out
    }
}

extension [UInt8] {
    fileprivate mutating func append(little16 value: UInt16) {
        append(UInt8(value & 0xff))
        append(UInt8(value >> 8))
    }

    fileprivate mutating func append(little32 value: UInt32) {
        for shift in stride(from: 0, to: 32, by: 8) { append(UInt8((value >> UInt32(shift)) & 0xff)) }
    }
}

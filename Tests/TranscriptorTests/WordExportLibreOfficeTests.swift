import Foundation
import Testing

@testable import Runtime
@testable import Transcriptor

/// The Word export opens in LibreOffice (`make test-long`, which installs LibreOffice Writer; set
/// TRANSCRIPTOR_LONG_TESTS=1): a long transcript with speakers, timestamps and characters that
/// XML and Markdown treat specially converts to text that holds every paragraph, in order.
@Suite(.enabled(if: ProcessInfo.processInfo.environment["TRANSCRIPTOR_LONG_TESTS"] == "1"))
struct WordExportLibreOfficeTests {
    @Test func libreOfficeConvertsTheWordExport() throws {
        var segments: [Transcript.Segment] = []
        for index in 0..<400 {
            let text = "Paragraph \(index): <tags> & \"quotes\", émigré, 東京, 🎙 — fin."
            segments.append(
                .init(
                    start: Double(index) * 3, end: Double(index) * 3 + 2.5, text: text,
                    speaker: index % 3 == 0 ? "S1" : "S2"))
        }
        let transcript = Transcript(
            jobId: "job_1", language: "en", durationSec: 1200, segments: segments,
            speakers: [.init(id: "S1", name: "Ada <Lovelace>"), .init(id: "S2", name: "Grace")])
        let folder = NSTemporaryDirectory() + "word-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let path = "\(folder)/talk.docx"
        try Data(DocumentWriter.docx(transcript, title: "Board & <meeting>", timestamps: true))
            .write(to: URL(fileURLWithPath: path))
        let soffice = ["/usr/bin/soffice", "/usr/bin/libreoffice"].first { FileManager.default.fileExists(atPath: $0) }
        let office = try #require(soffice, "LibreOffice is not installed (make test-long installs it)")
        let converted = try runLibreOffice(
            office, ["--headless", "--convert-to", "txt:Text", "--outdir", folder, path])
        #expect(converted.status == 0, "\(converted.output)")
        let text = try String(contentsOfFile: "\(folder)/talk.txt", encoding: .utf8)
        let lines = text.split(whereSeparator: \.isNewline).map(String.init)
        #expect(lines.first?.hasSuffix("Board & <meeting>") == true, "\(lines.prefix(2))")
        // A paragraph per speaker turn: S1 speaks every third segment, S2 the two between.
        let paragraphs = lines.filter { $0.contains("Paragraph ") }
        #expect(paragraphs.count == 267)
        #expect(paragraphs.first == "Ada <Lovelace> [00:00] Paragraph 0: <tags> & \"quotes\", émigré, 東京, 🎙 — fin.")
        #expect(paragraphs[1].hasPrefix("Grace [00:03] Paragraph 1: ") && paragraphs[1].contains(" Paragraph 2: "))
        #expect(paragraphs.last?.hasPrefix("Ada <Lovelace> [19:57] Paragraph 399:") == true, "\(paragraphs.last ?? "")")
        #expect(text.components(separatedBy: "Paragraph ").count - 1 == 400, "every segment's text, once")
        let pdf = try runLibreOffice(office, ["--headless", "--convert-to", "pdf", "--outdir", folder, path])
        #expect(pdf.status == 0 && FileManager.default.fileExists(atPath: "\(folder)/talk.pdf"), "\(pdf.output)")
    }

    /// LibreOffice with a profile of its own, so that no other instance's lock is in the way.
    func runLibreOffice(_ office: String, _ arguments: [String]) throws -> (status: Int32, output: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: office)
        process.arguments = ["-env:UserInstallation=file://\(NSTemporaryDirectory())lo-profile-test"] + arguments
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        try process.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: data, as: UTF8.self))
    }
}

import Foundation
import Runtime
import Testing

@testable import Transcriptor

/// Gzip of API responses for clients that accept it.
@Suite struct ResponseCompressionTests {
    @Test func acceptEncodingIsReadWithItsWeights() {
        for accepted in ["gzip", "gzip, deflate, br", "br;q=1.0, gzip;q=0.8", "*", "deflate, *;q=0.5", "x-gzip"] {
            #expect(ResponseCompression.acceptsGzip(accepted), "\(accepted)")
        }
        for refused in ["", "identity", "br, deflate", "gzip;q=0", "gzip; q=0.0, br", "*;q=0", "gzip;q=0, *"] {
            #expect(!ResponseCompression.acceptsGzip(refused), "\(refused)")
        }
    }

    /// Unzips with the system's gzip, a decoder other than ours.
    func gunzip(_ bytes: [UInt8]) throws -> String {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("body-\(UUID().uuidString).gz")
        try Data(bytes).write(to: file)
        defer { try? FileManager.default.removeItem(at: file) }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/gzip")
        process.arguments = ["-dc", file.path]
        let pipe = Pipe()
        process.standardOutput = pipe
        try process.run()
        let output = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        #expect(process.terminationStatus == 0)
        return String(decoding: output, as: UTF8.self)
    }

    @Test func aLargeBodyIsGzippedAndBase64EncodedWithVary() throws {
        let text = String(repeating: #"{"start":1.25,"end":1.5,"word":" hello","confidence":0.98},"#, count: 200)
        let response = APIGatewayV2Response(
            statusCode: 200, headers: ["content-type": "application/json"], body: text)
        let compressed = ResponseCompression.apply(response, acceptEncoding: "gzip, deflate")
        #expect(compressed.isBase64Encoded == true)
        #expect(compressed.headers?["content-encoding"] == "gzip")
        #expect(compressed.headers?["vary"] == "Accept-Encoding")
        #expect(compressed.headers?["content-type"] == "application/json")
        let bytes = try #require(Base64.decode(compressed.body ?? ""))
        #expect(bytes.count * 10 < text.utf8.count, "repetitive JSON shrinks more than tenfold: \(bytes.count)")
        #expect(try gunzip(bytes) == text)
    }

    @Test func smallBodiesRefusingClientsAndBinaryBodiesAreLeftAlone() {
        let large = APIGatewayV2Response(statusCode: 200, body: String(repeating: "a", count: 5000))
        #expect(ResponseCompression.apply(large, acceptEncoding: nil).isBase64Encoded == nil)
        #expect(ResponseCompression.apply(large, acceptEncoding: "identity").body == large.body)
        let small = APIGatewayV2Response(statusCode: 200, body: #"{"ok":true}"#)
        #expect(ResponseCompression.apply(small, acceptEncoding: "gzip").body == small.body)
        let binary = APIGatewayV2Response(
            statusCode: 200, body: Base64.encode([UInt8](repeating: 7, count: 4000)), isBase64Encoded: true)
        #expect(ResponseCompression.apply(binary, acceptEncoding: "gzip").headers?["content-encoding"] == nil)
    }
}

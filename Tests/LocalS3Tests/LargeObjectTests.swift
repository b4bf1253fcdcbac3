import Foundation
import LocalStore
import Runtime
import Testing

@testable import LocalS3

@Suite struct LargeObjectTests {
    /// Peak resident memory of this process (`VmHWM`), in bytes.
    private static func peakResidentBytes() -> Int {
        guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8),
            let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmHWM:") }),
            let kilobytes = Int(line.split(separator: " ").dropFirst().first ?? "")
        else { return 0 }
        return kilobytes * 1024
    }

    @Test func sixtyFourMebibytePutFromAFileKeepsMemoryFlat() throws {
        let s3 = try S3Fixture()
        let size = 64 << 20
        let upload = s3.directory + "/upload.bin"
        _ = FileManager.default.createFile(atPath: upload, contents: nil)
        let handle = try #require(FileHandle(forWritingAtPath: upload))
        var md5 = MD5()
        var chunk = [UInt8](repeating: 0, count: 1 << 20)
        for index in 0..<64 {
            for offset in stride(from: 0, to: chunk.count, by: 4096) {
                chunk[offset] = UInt8(truncatingIfNeeded: index &+ offset)
            }
            md5.update(chunk)
            try handle.write(contentsOf: chunk)
        }
        try handle.close()
        let expected = "\"\(Hex.encode(md5.finalize()))\""

        let before = Self.peakResidentBytes()
        #expect(before > 0, "VmHWM must be readable for this test to mean anything")
        let put = s3.store.handle(
            ServiceRequest(
                method: "PUT", rawPath: "/media/big.bin", query: [], headers: [],
                body: .file(path: upload, size: Int64(size)), accessKeyID: "local"))
        let get = s3.send("GET", "/media/big.bin", headers: [("range", "bytes=-16")])
        let after = Self.peakResidentBytes()

        #expect(put.status == 200)
        #expect(put.header("ETag") == expected)
        #expect(get.status == 206)
        #expect(get.header("Content-Range") == "bytes \(size - 16)-\(size - 1)/\(size)")
        #expect(get.bytes.count == 16)
        #expect(after - before < 16 << 20, "peak memory grew by \(after - before) bytes")
        #expect(try s3.store.pendingNotifications(limit: 1).first?.size == Int64(size))
    }
}

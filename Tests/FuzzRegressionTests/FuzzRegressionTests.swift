import Foundation
import FuzzEntries
import Testing

/// Every input of the fuzz corpora (`Fuzz/Corpus/<target>/`) and every crash the fuzzers found
/// (`Fuzz/Crashes/<target>/`, kept after the fix), replayed through the same entry points as the
/// fuzz targets: none may crash or break a promise.
@Suite struct FuzzRegressionTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("Fuzz")

    static func inputs(of target: String) -> [URL] {
        ["Corpus", "Crashes"].flatMap { folder in
            let directory = root.appendingPathComponent("\(folder)/\(target)")
            return
                ((try? FileManager.default.contentsOfDirectory(at: directory, includingPropertiesForKeys: nil)) ?? [])
                .filter { !$0.lastPathComponent.hasPrefix(".") }
        }
    }

    @Test(arguments: FuzzEntries.targets.keys.sorted())
    func theCorpusReplaysCleanly(target: String) throws {
        let files = Self.inputs(of: target)
        #expect(!files.isEmpty, "Fuzz/Corpus/\(target) holds the seeds")
        let entry = try #require(FuzzEntries.targets[target])
        for file in files { entry(Array(try Data(contentsOf: file))) }
    }
}

import Foundation

/// `--watch`: when a Swift source changes, rebuild (`swift build`), then restart the processes of
/// only the functions whose executables the build changed.
final class SourceWatcher: @unchecked Sendable {
    // @unchecked Sendable: used from its one polling task only.
    let packageRoot: String
    let lambda: LambdaService
    private var sourceStamp: Date?
    private var executableStamps: [String: Date] = [:]

    init(packageRoot: String, lambda: LambdaService) {
        self.packageRoot = packageRoot
        self.lambda = lambda
    }

    func run() async {
        sourceStamp = newestSource()
        for pool in lambda.pools.values { executableStamps[pool.executable] = Self.modified(pool.executable) }
        Console.write("transcriptor-local: watching \(packageRoot)/Sources for changes")
        while !Task.isCancelled {
            try? await Task.sleep(for: .seconds(1))
            let newest = newestSource()
            guard let newest, newest != sourceStamp else { continue }
            sourceStamp = newest
            Console.write("transcriptor-local: sources changed; rebuilding")
            guard rebuild() else {
                Console.write("transcriptor-local: the build failed; the running functions are unchanged")
                continue
            }
            for (name, pool) in lambda.pools.sorted(by: { $0.key < $1.key }) {
                let stamp = Self.modified(pool.executable)
                if stamp != executableStamps[pool.executable] {
                    await pool.stopAll()
                    Console.write("transcriptor-local: \(name) restarts with the new build")
                }
            }
            for pool in lambda.pools.values { executableStamps[pool.executable] = Self.modified(pool.executable) }
        }
    }

    private func rebuild() -> Bool {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["swift", "build"]
        process.currentDirectoryURL = URL(fileURLWithPath: packageRoot)
        do {
            try process.run()
            process.waitUntilExit()
            return process.terminationStatus == 0
        } catch {
            return false
        }
    }

    private func newestSource() -> Date? {
        var newest: Date?
        let enumerator = FileManager.default.enumerator(atPath: packageRoot + "/Sources")
        while let path = enumerator?.nextObject() as? String {
            guard path.hasSuffix(".swift") || path.hasSuffix(".h") || path.hasSuffix(".modulemap") else { continue }
            if let date = Self.modified(packageRoot + "/Sources/" + path), date > (newest ?? .distantPast) {
                newest = date
            }
        }
        return newest
    }

    static func modified(_ path: String) -> Date? {
        (try? FileManager.default.attributesOfItem(atPath: path))?[.modificationDate] as? Date
    }
}

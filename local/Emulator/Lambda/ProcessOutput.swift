import Foundation

/// Where handler processes' output goes: each line to the emulator's standard output, labelled
/// with the function name, and to observers (the metrics collector reads EMF lines from it).
final class ProcessOutput: @unchecked Sendable {
    // @unchecked Sendable: `observers` and the partial-line buffers are guarded by `lock`.
    private let lock = NSLock()
    private var observers: [@Sendable (String, String) -> Void] = []
    private var partial: [ObjectIdentifier: Data] = [:]
    let quiet: Bool

    init(quiet: Bool = false) { self.quiet = quiet }

    func observe(_ observer: @escaping @Sendable (_ function: String, _ line: String) -> Void) {
        lock.withLock { observers.append(observer) }
    }

    func attach(_ pipe: Pipe, function: String) {
        let key = ObjectIdentifier(pipe)
        pipe.fileHandleForReading.readabilityHandler = { [weak self] handle in
            let data = handle.availableData
            guard let self else { return }
            if data.isEmpty {
                handle.readabilityHandler = nil
                let rest = self.lock.withLock { self.partial.removeValue(forKey: key) }
                if let rest, !rest.isEmpty { self.emit(function, String(decoding: rest, as: UTF8.self)) }
                return
            }
            var lines: [String] = []
            self.lock.withLock {
                var buffer = (self.partial[key] ?? Data()) + data
                while let newline = buffer.firstIndex(of: 0x0a) {
                    lines.append(String(decoding: buffer[buffer.startIndex..<newline], as: UTF8.self))
                    buffer = Data(buffer[(newline + 1)...])
                }
                self.partial[key] = buffer
            }
            for line in lines { self.emit(function, line) }
        }
    }

    func emit(_ function: String, _ line: String) {
        if !quiet { Console.write("[\(function)] \(line)") }
        for observer in lock.withLock({ observers }) { observer(function, line) }
    }
}

/// The emulator's own console output: whole lines, never interleaved.
enum Console {
    private static let lock = NSLock()

    static func write(_ line: String) {
        lock.withLock {
            FileHandle.standardOutput.write(Data((line + "\n").utf8))
        }
    }

    /// Runs `body`; when it throws, writes what failed and why, and returns nil. For the
    /// emulator's background work (event wiring, asynchronous invocations), which has no caller to
    /// throw to but must not fail silently.
    @discardableResult
    static func reportingFailure<T>(_ what: @autoclosure () -> String, _ body: () throws -> T) -> T? {
        do {
            return try body()
        } catch {
            write("\(what()): \(error)")
            return nil
        }
    }
}

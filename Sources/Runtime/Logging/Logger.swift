#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#endif

/// Structured logging as JSON lines on standard output, which Lambda sends to CloudWatch Logs.
///
/// A line: `{"timestamp":"…","level":"INFO","logger":"…","message":"…","requestId":"…","job.id":"…"}`.
/// The threshold comes from `AWS_LAMBDA_LOG_LEVEL` (Lambda's advanced logging controls) or
/// `LOG_LEVEL`, default `INFO`. Metadata keys use dot notation (`job.id`, `user.id`); never put a
/// token, a password or a presigned URL in a line.
public struct Logger: Sendable {
    public enum Level: Int, Comparable, Sendable, CaseIterable {
        case trace, debug, info, warn, error, fatal

        public var name: String {
            switch self {
            case .trace: "TRACE"
            case .debug: "DEBUG"
            case .info: "INFO"
            case .warn: "WARN"
            case .error: "ERROR"
            case .fatal: "FATAL"
            }
        }

        public init?(name: String) {
            switch name.uppercased() {
            case "TRACE": self = .trace
            case "DEBUG": self = .debug
            case "INFO": self = .info
            case "WARN", "WARNING": self = .warn
            case "ERROR": self = .error
            case "FATAL", "CRITICAL": self = .fatal
            default: return nil
            }
        }

        public static func < (lhs: Level, rhs: Level) -> Bool { lhs.rawValue < rhs.rawValue }
    }

    /// Where lines go; standard output unless a test or tool says otherwise.
    public typealias Sink = @Sendable ([UInt8]) -> Void

    public let label: String
    public var threshold: Level
    public private(set) var metadata: [(key: String, value: String)]
    private let sink: Sink

    public init(label: String, threshold: Level = Logger.configuredLevel, sink: Sink? = nil) {
        self.label = label
        self.threshold = threshold
        self.metadata = []
        self.sink = sink ?? Logger.standardOutput
    }

    /// The level set by `AWS_LAMBDA_LOG_LEVEL` or `LOG_LEVEL`.
    public static let configuredLevel: Level =
        (Environment.get("AWS_LAMBDA_LOG_LEVEL") ?? Environment.get("LOG_LEVEL")).flatMap(Level.init(name:)) ?? .info

    /// Metrics written where this logger writes, so that whoever gave a library its logger
    /// decides where its metrics go too.
    public func metrics(namespace: String, dimensions: [(String, String)] = []) -> MetricsLogger {
        MetricsLogger(namespace: namespace, dimensions: dimensions, sink: sink)
    }

    /// A copy of this logger that adds `key` to every line (replacing an earlier value of it).
    public func with(_ key: String, _ value: String) -> Logger {
        var copy = self
        copy.metadata.removeAll { $0.key == key }
        copy.metadata.append((key, value))
        return copy
    }

    public func trace(_ message: @autoclosure () -> String, _ extra: [(String, String)] = []) {
        log(.trace, message(), extra)
    }
    public func debug(_ message: @autoclosure () -> String, _ extra: [(String, String)] = []) {
        log(.debug, message(), extra)
    }
    public func info(_ message: @autoclosure () -> String, _ extra: [(String, String)] = []) {
        log(.info, message(), extra)
    }
    public func warn(_ message: @autoclosure () -> String, _ extra: [(String, String)] = []) {
        log(.warn, message(), extra)
    }
    public func error(_ message: @autoclosure () -> String, _ extra: [(String, String)] = []) {
        log(.error, message(), extra)
    }

    public func log(_ level: Level, _ message: @autoclosure () -> String, _ extra: [(String, String)] = []) {
        guard level >= threshold else { return }
        var line: [UInt8] = []
        line.reserveCapacity(256)
        line += Array("{\"timestamp\":".utf8)
        JSONText.appendString(Timestamp.now().iso8601, to: &line)
        line += Array(",\"level\":\"\(level.name)\",\"logger\":".utf8)
        JSONText.appendString(label, to: &line)
        line += Array(",\"message\":".utf8)
        JSONText.appendString(message(), to: &line)
        for (key, value) in metadata + extra {
            line.append(UInt8(ascii: ","))
            JSONText.appendString(key, to: &line)
            line.append(UInt8(ascii: ":"))
            JSONText.appendString(value, to: &line)
        }
        line += Array("}\n".utf8)
        sink(line)
    }

    /// Writes a whole line with one `write(2)`, so lines from several processes never interleave.
    public static let standardOutput: Sink = { bytes in
        bytes.withUnsafeBytes { buffer in
            var offset = 0
            while offset < buffer.count {
                let written = write(1, buffer.baseAddress! + offset, buffer.count - offset)
                if written < 0 && errno == EINTR { continue }
                if written <= 0 { return }
                offset += written
            }
        }
    }
}

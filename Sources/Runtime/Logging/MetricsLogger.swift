/// CloudWatch Embedded Metric Format: metrics written as structured log lines, which CloudWatch
/// turns into metrics (and the local emulator into Prometheus series).
///
/// ```
/// var metrics = MetricsLogger(namespace: "Transcriptor", dimensions: ["FunctionName": "transcribe"])
/// metrics.put("AudioSeconds", 42.5, unit: .seconds)
/// metrics.flush()
/// ```
public struct MetricsLogger: Sendable {
    public enum Unit: String, Sendable {
        case count = "Count"
        case seconds = "Seconds"
        case milliseconds = "Milliseconds"
        case microseconds = "Microseconds"
        case bytes = "Bytes"
        case percent = "Percent"
        case none = "None"
    }

    public let namespace: String
    public private(set) var dimensions: [(name: String, value: String)]
    private var metrics: [(name: String, value: Double, unit: Unit)] = []
    private var properties: [(name: String, value: String)] = []
    private let sink: Logger.Sink

    public init(namespace: String, dimensions: [(String, String)] = [], sink: Logger.Sink? = nil) {
        self.namespace = namespace
        self.dimensions = dimensions
        self.sink = sink ?? Logger.standardOutput
    }

    /// Records a value; several values of one name in a flush are summed only by CloudWatch's
    /// statistics, so each `put` becomes its own metric entry in the line.
    public mutating func put(_ name: String, _ value: Double, unit: Unit = .count) {
        metrics.append((name, value, unit))
    }

    /// A searchable property of the line that is not a dimension (a job id, a request id).
    public mutating func property(_ name: String, _ value: String) {
        properties.append((name, value))
    }

    /// The EMF document for what was put since the last flush, or nil when nothing was.
    public func render(at time: Timestamp = .now()) -> String? {
        guard !metrics.isEmpty else { return nil }
        var definitions: [String] = []
        var values: [String: String] = [:]
        var order: [String] = []
        for metric in metrics {
            if values[metric.name] == nil {
                order.append(metric.name)
                definitions.append("{\"Name\":\(JSONText.quoted(metric.name)),\"Unit\":\"\(metric.unit.rawValue)\"}")
                values[metric.name] = JSONText.number(metric.value)
            } else {
                values[metric.name] =
                    "[" + [values[metric.name]!.trimmingBrackets, JSONText.number(metric.value)].joined(separator: ",")
                    + "]"
            }
        }
        let dimensionNames = dimensions.map { JSONText.quoted($0.name) }.joined(separator: ",")
        var line =
            "{\"_aws\":{\"Timestamp\":\(time.millisecondsSinceEpoch),\"CloudWatchMetrics\":[{\"Namespace\":\(JSONText.quoted(namespace)),\"Dimensions\":[[\(dimensionNames)]],\"Metrics\":[\(definitions.joined(separator: ","))]}]}"
        for dimension in dimensions {
            line += ",\(JSONText.quoted(dimension.name)):\(JSONText.quoted(dimension.value))"
        }
        for property in properties { line += ",\(JSONText.quoted(property.name)):\(JSONText.quoted(property.value))" }
        for name in order { line += ",\(JSONText.quoted(name)):\(values[name]!)" }
        return line + "}"
    }

    /// Writes the line and starts afresh (dimensions are kept).
    public mutating func flush() {
        if let line = render() { sink(Array((line + "\n").utf8)) }
        metrics.removeAll()
        properties.removeAll()
    }
}

extension String {
    fileprivate var trimmingBrackets: String {
        hasPrefix("[") && hasSuffix("]") ? String(dropFirst().dropLast()) : self
    }
}

import Foundation

/// Turns the CloudWatch Embedded Metric Format lines the functions print into Prometheus series,
/// so what an operator sees locally at `/_local/metrics` is what CloudWatch shows in the cloud.
/// Each metric becomes `emf_<Name>_total` (the sum of its values) and `emf_<Name>_count` (how
/// many values), labelled with the line's namespace, the function and the line's dimensions.
final class EMFMetrics: @unchecked Sendable {
    // @unchecked Sendable: `series` is guarded by `lock`.
    private let lock = NSLock()
    private var series: [String: (sum: Double, count: Int, unit: String)] = [:]

    /// Reads one output line of a function; lines that are not EMF are ignored.
    func observe(function: String, line: String) {
        guard line.hasPrefix("{\"_aws\""), let data = line.data(using: .utf8),
            let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any],
            let aws = object["_aws"] as? [String: Any],
            let directives = aws["CloudWatchMetrics"] as? [[String: Any]]
        else { return }
        for directive in directives {
            let namespace = directive["Namespace"] as? String ?? ""
            let dimensionNames = (directive["Dimensions"] as? [[String]])?.first ?? []
            var labels = [("namespace", namespace), ("function", function)]
            for name in dimensionNames where name != "FunctionName" {
                if let value = object[name] { labels.append((Self.labelName(name), "\(value)")) }
            }
            for metric in directive["Metrics"] as? [[String: Any]] ?? [] {
                guard let name = metric["Name"] as? String else { continue }
                let values: [Double]
                switch object[name] {
                case let number as NSNumber: values = [number.doubleValue]
                case let list as [NSNumber]: values = list.map(\.doubleValue)
                default: continue
                }
                let labelText = labels.map { "\($0.0)=\"\(Self.escape($0.1))\"" }.joined(separator: ",")
                let key = "emf_\(Self.metricName(name))|\(labelText)"
                lock.withLock {
                    var entry = series[key] ?? (0, 0, metric["Unit"] as? String ?? "None")
                    entry.sum += values.reduce(0, +)
                    entry.count += values.count
                    series[key] = entry
                }
            }
        }
    }

    /// The series in Prometheus text format.
    var exposition: String {
        let snapshot = lock.withLock { series }
        var families: [String: [String]] = [:]
        for (key, entry) in snapshot {
            let parts = key.split(separator: "|", maxSplits: 1).map(String.init)
            families["\(parts[0])_total", default: []].append("\(parts[0])_total{\(parts[1])} \(entry.sum)")
            families["\(parts[0])_count", default: []].append("\(parts[0])_count{\(parts[1])} \(entry.count)")
        }
        return families.keys.sorted().map { name in
            "# HELP \(name) From the functions' Embedded Metric Format lines.\n# TYPE \(name) counter\n"
                + families[name]!.sorted().joined(separator: "\n")
        }.joined(separator: "\n") + (families.isEmpty ? "" : "\n")
    }

    static func metricName(_ name: String) -> String {
        String(name.map { $0.isLetter || $0.isNumber ? $0 : "_" })
    }

    static func labelName(_ name: String) -> String { metricName(name).lowercased() }

    static func escape(_ value: String) -> String {
        value.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"")
            .replacingOccurrences(of: "\n", with: "\\n")
    }
}

import Foundation
import TestSupport
import Testing

@testable import Runtime

/// JSON-lines logging and CloudWatch Embedded Metric Format output.
@Suite struct LoggingTests {
    @Test func linesAreJSONWithLevelMessageAndMetadata() throws {
        let logs = LogCollector()
        let logger = logs.logger("fetch", threshold: .info).with("requestId", "r-1").with("job.id", "j-9")
        logger.info("downloaded \"talk.mp3\"\nin 2 parts", [("bytes", "1024")])
        logger.debug("not shown below the threshold")
        logger.error("failed")
        let lines = logs.objects
        try #require(lines.count == 2)
        #expect(lines[0]["level"] as? String == "INFO")
        #expect(lines[0]["logger"] as? String == "fetch")
        #expect(lines[0]["message"] as? String == "downloaded \"talk.mp3\"\nin 2 parts")
        #expect(lines[0]["requestId"] as? String == "r-1")
        #expect(lines[0]["job.id"] as? String == "j-9")
        #expect(lines[0]["bytes"] as? String == "1024")
        #expect(Timestamp(iso8601: lines[0]["timestamp"] as? String ?? "") != nil)
        #expect(lines[1]["level"] as? String == "ERROR")
        #expect(logs.all.allSatisfy { !$0.contains("\n") })
    }

    @Test func withReplacesAnEarlierValueOfTheSameKey() throws {
        let logs = LogCollector()
        logs.logger().with("job.id", "a").with("job.id", "b").info("x")
        #expect(logs.objects.first?["job.id"] as? String == "b")
        #expect(logs.all.first?.components(separatedBy: "job.id").count == 2)
    }

    @Test func levelsParseFromLambdaNames() {
        #expect(Logger.Level(name: "debug") == .debug)
        #expect(Logger.Level(name: "WARN") == .warn)
        #expect(Logger.Level(name: "nonsense") == nil)
    }

    @Test func metricsRenderAsEmbeddedMetricFormat() throws {
        let logs = LogCollector()
        var metrics = MetricsLogger(
            namespace: "Transcriptor", dimensions: [("FunctionName", "transcribe")], sink: logs.sink)
        metrics.put("AudioSeconds", 42.5, unit: .seconds)
        metrics.put("JobsCompleted", 1)
        metrics.put("JobsCompleted", 2)
        metrics.property("jobId", "j-1")
        metrics.flush()
        metrics.flush()
        try #require(logs.objects.count == 1, "an empty flush writes nothing")
        let line = logs.objects[0]
        let aws = try #require(line["_aws"] as? [String: Any])
        #expect(aws["Timestamp"] is Int)
        let directive = try #require((aws["CloudWatchMetrics"] as? [[String: Any]])?.first)
        #expect(directive["Namespace"] as? String == "Transcriptor")
        #expect(directive["Dimensions"] as? [[String]] == [["FunctionName"]])
        let definitions = try #require(directive["Metrics"] as? [[String: String]])
        #expect(
            definitions == [["Name": "AudioSeconds", "Unit": "Seconds"], ["Name": "JobsCompleted", "Unit": "Count"]])
        #expect(line["FunctionName"] as? String == "transcribe")
        #expect(line["AudioSeconds"] as? Double == 42.5)
        #expect(line["JobsCompleted"] as? [Int] == [1, 2])
        #expect(line["jobId"] as? String == "j-1")
    }
}

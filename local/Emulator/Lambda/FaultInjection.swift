import Foundation

/// Faults the emulator can inject, for reliability tests (all off unless set in the emulator's
/// environment; `/_local/` and the log say when one fires):
/// - `FAULT_KILL_RATE` (0–1): that share of invocations has its handler process SIGKILLed at a
///   random moment while it works; `FAULT_KILL_FUNCTIONS` (comma-separated logical IDs) limits it.
/// - `FAULT_DUPLICATE_RATE` (0–1): that share of S3 events, and of SQS batches handed to functions,
///   is delivered twice, the copy up to 2 s later (at-least-once delivery, as S3 and SQS may do).
/// - `FAULT_S3_ERROR_RATE` (0–1): that share of S3 requests answers 503 SlowDown, as S3 does under load.
struct FaultInjection: Sendable {
    var killRate = 0.0
    var killFunctions: Set<String>?
    var duplicateRate = 0.0
    var s3ErrorRate = 0.0

    static let current = FaultInjection(environment: ProcessInfo.processInfo.environment)

    init(environment: [String: String]) {
        func rate(_ name: String) -> Double { min(1, max(0, environment[name].flatMap(Double.init) ?? 0)) }
        killRate = rate("FAULT_KILL_RATE")
        duplicateRate = rate("FAULT_DUPLICATE_RATE")
        s3ErrorRate = rate("FAULT_S3_ERROR_RATE")
        if let names = environment["FAULT_KILL_FUNCTIONS"], !names.isEmpty {
            killFunctions = Set(names.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) })
        }
    }

    func killsAnInvocation(of function: String) -> Bool {
        guard killRate > 0, killFunctions?.contains(function) ?? true else { return false }
        return Double.random(in: 0..<1) < killRate
    }

    func duplicatesAnEvent() -> Bool { duplicateRate > 0 && Double.random(in: 0..<1) < duplicateRate }

    func failsAnS3Request() -> Bool { s3ErrorRate > 0 && Double.random(in: 0..<1) < s3ErrorRate }
}

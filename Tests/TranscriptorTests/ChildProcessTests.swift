import Foundation
import Runtime
import Testing
import Transcriptor

/// A tool's time limit holds however the tool behaves, with real processes.
@Suite struct ChildProcessTests {
    @Test func aToolThatClosesItsOutputAndKeepsRunningIsKilledAtItsDeadline() throws {
        let started = Date()
        #expect(throws: ChildProcess.Failure.self) {
            // Closes stdout and stderr at once, then runs on: reading ends, the process does not.
            try ChildProcess.run("/bin/sh", ["-c", "exec >&- 2>&-; sleep 30"], timeoutSeconds: 2)
        }
        #expect(Date().timeIntervalSince(started) < 10, "the run ended \(Date().timeIntervalSince(started)) s later")
    }

    @Test func aToolThatEndsIsWaitedForAndItsExitKept() throws {
        let result = try ChildProcess.run("/bin/sh", ["-c", "echo out; echo err >&2; exit 3"], timeoutSeconds: 10)
        #expect(result.exit == .code(3))
        #expect(result.outputText == "out\n")
        #expect(result.errorText == "err\n")
    }
}

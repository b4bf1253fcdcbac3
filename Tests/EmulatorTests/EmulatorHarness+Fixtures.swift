import Foundation
import TestSupport

extension EmulatorHarness {
    /// The emulator serving one of this suite's fixture templates.
    convenience init(
        template: String = "emulator.yaml", environment: [String: String] = [:], config: String? = nil,
        reusing existingDataDirectory: String? = nil
    ) throws {
        try self.init(
            templatePath: URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent(
                "Fixtures/\(template)"
            ).path, environment: environment, config: config, reusing: existingDataDirectory)
    }
}

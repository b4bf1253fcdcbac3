import Foundation
import TestSupport

@testable import Cloud

/// Configuration pointing every service at the shared moto server.
func motoConfiguration() throws -> AWSConfiguration {
    let moto = try MotoServer.start()
    let endpoint = try Endpoint(url: moto.endpoint)
    return AWSConfiguration(
        region: "us-east-1", credentials: AWSCredentials(accessKeyID: "testing", secretAccessKey: "testing"),
        endpoints: Dictionary(uniqueKeysWithValues: AWSService.allCases.map { ($0, endpoint) }))
}

/// A name no other test uses (buckets, queues and tables share one moto server).
func uniqueName(_ prefix: String) -> String {
    "\(prefix)-\(UUID().uuidString.lowercased().prefix(12))"
}

func temporaryFile(_ name: String = UUID().uuidString) -> String {
    FileManager.default.temporaryDirectory.appendingPathComponent("transcriptor-test-\(name)").path
}

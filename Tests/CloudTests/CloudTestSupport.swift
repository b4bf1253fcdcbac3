import Foundation
import TestSupport
import Testing

@testable import Cloud

/// The servers the client tests run against: moto (the reference for what AWS returns) and our
/// emulator, which must agree with it (the conformance suite of the emulator's issue).
enum Backend: String, CaseIterable, CustomTestStringConvertible {
    case moto, emulator

    var testDescription: String { rawValue }

    func configuration() throws -> AWSConfiguration {
        switch self {
        case .moto:
            return try motoConfiguration()
        case .emulator:
            let endpoint = try Endpoint(url: EmulatorServer.start().awsEndpoint)
            return AWSConfiguration(
                region: "us-east-1", credentials: AWSCredentials(accessKeyID: "local", secretAccessKey: "local-secret"),
                endpoints: Dictionary(uniqueKeysWithValues: AWSService.allCases.map { ($0, endpoint) }))
        }
    }
}

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

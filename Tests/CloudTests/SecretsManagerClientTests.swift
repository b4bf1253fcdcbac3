import Foundation
import Testing

@testable import Cloud

/// The Secrets Manager client against moto server and the emulator: versions, the stages
/// PutSecretValue moves, and AWS's errors.
@Suite struct SecretsManagerClientTests {
    @Test(arguments: Backend.allCases)
    func putSecretValueMakesANewCurrentAndKeepsThePreviousOne(_ backend: Backend) throws {
        let secrets = try SecretsManagerClient(configuration: backend.configuration())
        let name = uniqueName("token-key")
        let created = try secrets.createSecret(name: name, string: "the first key", description: "a test key")
        let first = try #require(created.versionID)
        #expect(created.name == name)
        #expect(created.arn.hasPrefix("arn:aws:secretsmanager:us-east-1:") && created.arn.contains(":secret:\(name)-"))

        let current = try secrets.getSecretValue(secretID: name)
        #expect(current.secretString == "the first key")
        #expect(current.versionID == first)
        #expect(current.versionStages == ["AWSCURRENT"])
        #expect(current.arn == created.arn)
        #expect { try secrets.getSecretValue(secretID: name, stage: SecretsManagerClient.previous) } throws: {
            ($0 as? AWSError)?.code == "ResourceNotFoundException"
        }

        let put = try secrets.putSecretValue(secretID: created.arn, string: "the second key")
        let second = try #require(put.versionID)
        #expect(put.versionStages == ["AWSCURRENT"])
        #expect(try secrets.getSecretValue(secretID: name).secretString == "the second key")
        let previous = try secrets.getSecretValue(secretID: name, stage: SecretsManagerClient.previous)
        #expect(previous.versionID == first && previous.secretString == "the first key")
        #expect(previous.versionStages == ["AWSPREVIOUS"])

        // A third version: the first loses its label (and still reads by its id).
        let third = try #require(try secrets.putSecretValue(secretID: name, string: "the third key").versionID)
        let stages = try secrets.describeSecret(secretID: name).versionIDsToStages.filter { !$0.value.isEmpty }
        #expect(stages == [third: ["AWSCURRENT"], second: ["AWSPREVIOUS"]])
        #expect(try secrets.describeSecret(secretID: created.arn).description == "a test key")
        let retired = try secrets.getSecretValue(secretID: name, versionID: first)
        #expect(retired.secretString == "the first key" && retired.versionStages.isEmpty)
        try secrets.deleteSecret(secretID: name)
        #expect { try secrets.getSecretValue(secretID: name) } throws: {
            ($0 as? AWSError)?.code == "ResourceNotFoundException"
        }
    }

    @Test(arguments: Backend.allCases)
    func missingAndDuplicateSecretsGetAWSsErrors(_ backend: Backend) throws {
        let secrets = try SecretsManagerClient(configuration: backend.configuration())
        #expect { try secrets.getSecretValue(secretID: uniqueName("nothing")) } throws: {
            // AWS answers 400 (moto 404).
            ($0 as? AWSError)?.code == "ResourceNotFoundException"
        }
        #expect { try secrets.putSecretValue(secretID: uniqueName("nothing"), string: "x") } throws: {
            ($0 as? AWSError)?.code == "ResourceNotFoundException"
        }
        let name = uniqueName("twice")
        _ = try secrets.createSecret(name: name, string: "one")
        #expect { try secrets.createSecret(name: name, string: "two") } throws: {
            ($0 as? AWSError)?.code == "ResourceExistsException"
        }
        // A retried PutSecretValue (the same client request token and value) makes no second version.
        let token = UUID().uuidString.lowercased()
        let once = try secrets.putSecretValue(secretID: name, string: "rotated", clientRequestToken: token)
        let again = try secrets.putSecretValue(secretID: name, string: "rotated", clientRequestToken: token)
        #expect(once.versionID == token && again.versionID == token)
        #expect(try secrets.getSecretValue(secretID: name, stage: SecretsManagerClient.previous).secretString == "one")
        try secrets.deleteSecret(secretID: name)
    }
}

import LocalTemplate
import Testing

/// `AWS::SecretsManager::Secret`: `Ref` is its ARN (stable across reads), its value or how to
/// generate one, and the mistakes CloudFormation refuses.
@Suite struct SecretDefinitionTests {
    let resources = """
          Key:
            Type: AWS::SecretsManager::Secret
            Properties:
              Description: signs tokens
              GenerateSecretString: {PasswordLength: 64, ExcludePunctuation: true}
          Named:
            Type: AWS::SecretsManager::Secret
            Properties:
              Name: app/named
              SecretString: given
        """

    @Test func refIsTheARNAndTheValueOrItsGenerationIsRead() throws {
        let value = try TemplateSamples.resolve("!Ref Key", resources: resources)
        let key = try #require(
            try Template.parse(yaml: TemplateSamples.function(value: "x", resources: resources))
                .secrets["Key"])
        #expect(value == key.arn)
        #expect(key.name == "transcriptor-local-Key")
        #expect(key.arn.hasPrefix("arn:aws:secretsmanager:us-east-1:000000000000:secret:transcriptor-local-Key-"))
        #expect(
            key.arn.count == "arn:aws:secretsmanager:us-east-1:000000000000:secret:transcriptor-local-Key-".count + 6)
        #expect(
            key.secretString == nil && key.generate?.passwordLength == 64 && key.generate?.excludePunctuation == true)
        #expect(key.description == "signs tokens")
        #expect(try TemplateSamples.resolve("!Ref Key", resources: resources) == value, "the same ARN on every read")
        #expect(
            try TemplateSamples.resolve("!GetAtt Named.Id", resources: resources)?.contains(":secret:app/named-")
                == true)
        let named = try #require(
            try Template.parse(yaml: TemplateSamples.function(value: "x", resources: resources))
                .secrets["Named"])
        #expect(named.secretString == "given" && named.generate == nil)
    }

    @Test func aValueAndAGenerationTogetherAreRefused() {
        let both = """
              Both:
                Type: AWS::SecretsManager::Secret
                Properties:
                  SecretString: x
                  GenerateSecretString: {PasswordLength: 10}
            """
        #expect(throws: TemplateError.self) {
            try Template.parse(yaml: TemplateSamples.function(value: "x", resources: both))
        }
        let half = """
              Half:
                Type: AWS::SecretsManager::Secret
                Properties:
                  GenerateSecretString: {SecretStringTemplate: '{"user":"a"}'}
            """
        #expect(throws: TemplateError.self) {
            try Template.parse(yaml: TemplateSamples.function(value: "x", resources: half))
        }
    }
}

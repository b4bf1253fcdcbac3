import LocalTemplate
import Testing

@Suite("Errors name the resource and the property at fault")
struct TemplateErrorTests {
    private func error(in yaml: String, overrides: [String: String] = [:]) throws -> TemplateError {
        try #require(throws: TemplateError.self) {
            try Template.parse(yaml: yaml, parameterOverrides: overrides)
        }
    }

    private func function(_ properties: String) -> String {
        """
        Resources:
          Fn:
            Type: AWS::Serverless::Function
            Properties:
        \(properties)
        """
    }

    @Test func imageFunctionWithoutCommandNamesImageConfigCommand() throws {
        let error = try error(in: function("      PackageType: Image\n      ImageUri: app:latest"))
        #expect(error.code == .missingProperty)
        #expect(error.resource == "Fn")
        #expect(error.property == "Properties.ImageConfig.Command")
        #expect(error.description.hasPrefix("template: resource Fn, Properties.ImageConfig.Command: "))
    }

    @Test func emptyCommandIsRefused() throws {
        let error = try error(in: function("      PackageType: Image\n      ImageConfig: {Command: []}"))
        #expect(error.property == "Properties.ImageConfig.Command")
    }

    @Test func zipFunctionIsRefusedWithWhatToDo() throws {
        let error = try error(
            in: function("      CodeUri: src/\n      Handler: app.handler\n      Runtime: provided.al2"))
        #expect(error.code == .unsupported)
        #expect(error.resource == "Fn")
        #expect(error.property == "Properties.PackageType")
        #expect(error.message.contains("only PackageType: Image functions are served; set ImageConfig.Command"))
    }

    @Test func lambdaFunctionResourceIsRefusedByType() throws {
        let error = try error(in: "Resources:\n  Raw:\n    Type: AWS::Lambda::Function\n    Properties: {}")
        #expect(error.code == .unsupported)
        #expect(error.resource == "Raw")
        #expect(error.property == "Type")
        #expect(error.message.contains("AWS::Serverless::Function"))
    }

    @Test func unknownRefNamesResourcePropertyPathAndTheBadName() throws {
        let error = try error(
            in: TemplateSamples.function(value: "!Ref Bukket").replacingOccurrences(of: "VALUE", with: "BUCKET"))
        #expect(error.code == .unknownReference)
        #expect(error.resource == "Fn")
        #expect(error.property == "Properties.Environment.Variables.BUCKET")
        #expect(error.message.contains("'Bukket'"))
    }

    @Test func unknownSubVariableNamesIt() throws {
        let error = try error(in: TemplateSamples.function(value: #"!Sub "${Nope}-x""#))
        #expect(error.property == "Properties.Environment.Variables.VALUE")
        #expect(error.message.contains("${Nope}"))
    }

    @Test func overrideOutsideAllowedValuesNamesTheParameter() throws {
        let sections = "Parameters:\n  Stage: {Type: String, Default: dev, AllowedValues: [dev, prod]}"
        let error = try error(
            in: TemplateSamples.function(value: "x", sections: sections), overrides: ["Stage": "staging"])
        #expect(error.code == .invalidParameter)
        #expect(error.resource == nil)
        #expect(error.property == "Parameters.Stage")
        #expect(error.message.contains("'staging' is not one of the AllowedValues (dev, prod)"))
    }

    @Test func parameterWithoutValueOrUnknownOverrideIsRefused() throws {
        let sections = "Parameters:\n  Email: {Type: String}"
        let missing = try error(in: TemplateSamples.function(value: "x", sections: sections))
        #expect(missing.property == "Parameters.Email")
        let unknown = try error(in: TemplateSamples.function(value: "x"), overrides: ["Stgae": "dev"])
        #expect(unknown.property == "Parameters.Stgae")
        let notNumber = try error(
            in: TemplateSamples.function(value: "x", sections: "Parameters:\n  N: {Type: Number, Default: many}"))
        #expect(notNumber.message.contains("'many' is not a number"))
    }

    @Test func unknownGetAttAttributeListsTheKnownOnes() throws {
        let error = try error(
            in: TemplateSamples.function(value: "!GetAtt Work.Endpoint", resources: TemplateSamples.targets))
        #expect(error.code == .unknownAttribute)
        #expect(error.resource == "Fn")
        #expect(error.property == "Properties.Environment.Variables.VALUE")
        #expect(error.message.contains("'Endpoint'"))
        #expect(error.message.contains("Arn, QueueName, QueueUrl"))
    }

    @Test func malformedYAMLGivesTheLine() throws {
        let error = try error(in: "Resources:\n  Fn:\n    Type: [unclosed\n")
        #expect(error.code == .invalidYAML)
        #expect(error.message.contains("line 4"))
    }

    @Test func duplicateKeysAreRefusedWithTheLine() throws {
        let error = try error(in: "Resources:\n  A: {Type: AWS::SQS::Queue}\n  A: {Type: AWS::SQS::Queue}")
        #expect(error.code == .invalidYAML)
        #expect(error.message.contains("duplicate key 'A'"))
        #expect(error.message.contains("line 2"))
    }

    @Test func unknownTagNamesWhereItIs() throws {
        let error = try error(in: TemplateSamples.function(value: "!Reff Media"))
        #expect(error.code == .invalidYAML)
        #expect(error.resource == "Fn")
        #expect(error.property == "Properties.Environment.Variables.VALUE")
        #expect(error.message.contains("!Reff"))
    }

    @Test func cyclicNamesAreAnErrorNotALoop() throws {
        let resources = """
              A:
                Type: AWS::S3::Bucket
                Properties: {BucketName: !Sub "${B}-a"}
              B:
                Type: AWS::S3::Bucket
                Properties: {BucketName: !Sub "${A}-b"}
            """
        let error = try error(in: TemplateSamples.function(value: "x", resources: resources))
        #expect(error.code == .cycle)
        #expect(error.resource == "A")
        #expect(error.message.contains("A → B → A"))
    }

    @Test func cyclicConditionsAreAnErrorNotALoop() throws {
        let sections = "Conditions:\n  X: !Not [!Condition Y]\n  Y: !Not [!Condition X]"
        let error = try error(in: TemplateSamples.function(value: "!If [X, a, b]", sections: sections))
        #expect(error.code == .cycle)
        #expect(error.property == "Conditions.X")
    }

    @Test func refToAResourceWhoseConditionIsFalseIsRefused() throws {
        let sections = "Conditions:\n  Never: !Equals [a, b]"
        let resources = "  Extra:\n    Type: AWS::SQS::Queue\n    Condition: Never"
        let error = try error(
            in: TemplateSamples.function(value: "!Ref Extra", resources: resources, sections: sections))
        #expect(error.code == .unknownReference)
        #expect(error.message.contains("condition 'Never' is false"))
    }

    @Test func unservedEventTypeAndForeignBucketAreRefused() throws {
        let api = try error(
            in: function(
                "      PackageType: Image\n      ImageConfig: {Command: [fn]}\n      Events: {Get: {Type: Api}}"))
        #expect(api.property == "Properties.Events.Get.Type")
        let s3 = try error(
            in: function(
                "      PackageType: Image\n      ImageConfig: {Command: [fn]}\n"
                    + "      Events: {Up: {Type: S3, Properties: {Bucket: elsewhere, Events: s3:ObjectCreated:*}}}"))
        #expect(s3.property == "Properties.Events.Up.Properties.Bucket")
    }

    @Test func functionNameAndDuplicateRoutesAreRefused() throws {
        let named = try error(
            in: function("      PackageType: Image\n      ImageConfig: {Command: [fn]}\n      FunctionName: x"))
        #expect(named.property == "Properties.FunctionName")
        let routes = """
            Resources:
              A:
                Type: AWS::Serverless::Function
                Properties: {PackageType: Image, ImageConfig: {Command: [a]}, Events: {E: {Type: HttpApi, Properties: {Path: /x, Method: get}}}}
              B:
                Type: AWS::Serverless::Function
                Properties: {PackageType: Image, ImageConfig: {Command: [b]}, Events: {E: {Type: HttpApi, Properties: {Path: /x, Method: GET}}}}
            """
        let duplicate = try error(in: routes)
        #expect(duplicate.resource == "B")
        #expect(duplicate.message.contains("GET /x is already served by A"))
    }

    @Test func missingFileIsUnreadable() throws {
        let error = try #require(throws: TemplateError.self) {
            try Template.load(path: fixturePath("no-such-template.yaml"))
        }
        #expect(error.code == .unreadable)
        #expect(error.message.contains("no-such-template.yaml"))
    }
}

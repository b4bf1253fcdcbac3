import LocalTemplate
import Testing

@Suite("Intrinsic functions")
struct IntrinsicFunctionTests {
    let targets = TemplateSamples.targets

    @Test func longFormsResolveLikeShortForms() throws {
        #expect(try TemplateSamples.resolve(#"{"Ref": "AWS::Region"}"#) == "us-east-1")
        #expect(try TemplateSamples.resolve(#"{"Fn::Sub": "${AWS::StackName}-x"}"#) == "transcriptor-local-x")
        #expect(
            try TemplateSamples.resolve(#"{"Fn::GetAtt": [Work, Arn]}"#, resources: targets)
                == "arn:aws:sqs:us-east-1:000000000000:work")
        #expect(try TemplateSamples.resolve(#"{"Fn::Join": ["-", [a, b]]}"#) == "a-b")
    }

    @Test func refToAResourceGivesWhatCloudFormationGives() throws {
        #expect(try TemplateSamples.resolve("!Ref Media", resources: targets) == "transcriptor-local-media")
        #expect(
            try TemplateSamples.resolve("!Ref Work", resources: targets) == "http://127.0.0.1:4566/000000000000/work")
        #expect(try TemplateSamples.resolve("!Ref Jobs", resources: targets) == "jobs")
        #expect(try TemplateSamples.resolve("!Ref Other", resources: targets) == "Other")
    }

    @Test func getAttGivesARNsURLsAndDomainNames() throws {
        #expect(
            try TemplateSamples.resolve("!GetAtt Media.Arn", resources: targets)
                == "arn:aws:s3:::transcriptor-local-media")
        #expect(
            try TemplateSamples.resolve("!GetAtt Media.DomainName", resources: targets)
                == "transcriptor-local-media.s3.amazonaws.com")
        #expect(try TemplateSamples.resolve("!GetAtt Work.QueueName", resources: targets) == "work")
        #expect(
            try TemplateSamples.resolve("!GetAtt Work.QueueUrl", resources: targets)
                == "http://127.0.0.1:4566/000000000000/work")
        #expect(
            try TemplateSamples.resolve("!GetAtt [Jobs, Arn]", resources: targets)
                == "arn:aws:dynamodb:us-east-1:000000000000:table/jobs")
        #expect(
            try TemplateSamples.resolve("!GetAtt Other.Arn", resources: targets)
                == "arn:aws:lambda:us-east-1:000000000000:function:Other")
    }

    @Test func subFillsPseudoParametersResourcesAttributesAndVariables() throws {
        #expect(
            try TemplateSamples.resolve(#"!Sub "${AWS::Partition}/${AWS::URLSuffix}/${AWS::AccountId}""#)
                == "aws/amazonaws.com/000000000000")
        #expect(
            try TemplateSamples.resolve(#"!Sub "${Media}/${Work.QueueName}""#, resources: targets)
                == "transcriptor-local-media/work")
        #expect(
            try TemplateSamples.resolve(#"!Sub ["${A}-${B}", {A: one, B: !Ref Jobs}]"#, resources: targets)
                == "one-jobs")
        #expect(try TemplateSamples.resolve(#"!Sub "${!Literal} and $plain""#) == "${Literal} and $plain")
    }

    @Test func selectSplitFindInMapAndBase64() throws {
        let mappings = """
            Mappings:
              Sizes:
                small: {Memory: 256}
            """
        #expect(try TemplateSamples.resolve(#"!Select [1, !Split [",", "a,b,c"]]"#) == "b")
        #expect(try TemplateSamples.resolve("!FindInMap [Sizes, small, Memory]", sections: mappings) == "256")
        #expect(try TemplateSamples.resolve("!Base64 hello") == "aGVsbG8=")
        #expect(try TemplateSamples.resolve(#"!Join [",", !GetAZs ""]"#) == "us-east-1a")
    }

    @Test func conditionsCombineEqualsNotAndOrAndConditionReferences() throws {
        let sections = """
            Parameters:
              Mode: {Type: String, Default: fast}
            Conditions:
              Fast: !Equals [!Ref Mode, fast]
              Slow: !Not [{Condition: Fast}]
              Either: {"Fn::Or": [{Condition: Fast}, {Condition: Slow}]}
              Both: !And [!Condition Fast, !Condition Slow]
            """
        #expect(try TemplateSamples.resolve("!If [Either, yes, no]", sections: sections) == "yes")
        #expect(try TemplateSamples.resolve("!If [Both, yes, no]", sections: sections) == "no")
        #expect(try TemplateSamples.resolve("!If [Slow, yes, !Ref AWS::NoValue]", sections: sections) == nil)
    }

    @Test func noValueDropsListItemsToo() throws {
        #expect(try TemplateSamples.resolve(#"!Join ["+", [a, !Ref AWS::NoValue, b]]"#) == "a+b")
    }

    @Test func yamlNumbersAndBooleansStayTextAsWritten() throws {
        #expect(try TemplateSamples.resolve("1.50") == "1.50")
        #expect(try TemplateSamples.resolve("true") == "true")
        #expect(try TemplateSamples.resolve("0x1F") == "0x1F")
    }

    @Test func anchorsAndAliasesAreFollowed() throws {
        let yaml = """
            Resources:
              Fn:
                Type: AWS::Serverless::Function
                Properties:
                  PackageType: Image
                  ImageConfig: &image {Command: [fn]}
              Fn2:
                Type: AWS::Serverless::Function
                Properties:
                  PackageType: Image
                  ImageConfig: *image
            """
        #expect(try Template.parse(yaml: yaml).functions["Fn2"]?.executable == "fn")
    }

    @Test func namesMayReferToOtherResourcesInAnyOrder() throws {
        let resources = """
              Archive:
                Type: AWS::S3::Bucket
                Properties:
                  BucketName: !Sub "${Media}-archive"
              Media:
                Type: AWS::S3::Bucket
                Properties:
                  BucketName: !Sub "${Jobs}-media"
              Jobs:
                Type: AWS::DynamoDB::Table
                Properties:
                  TableName: !Sub "${AWS::StackName}-jobs"
                  AttributeDefinitions: [{AttributeName: id, AttributeType: S}]
                  KeySchema: [{AttributeName: id, KeyType: HASH}]
            """
        let template = try Template.parse(yaml: TemplateSamples.function(value: "!Ref Archive", resources: resources))
        #expect(template.buckets["Archive"]?.name == "transcriptor-local-jobs-media-archive")
        #expect(template.functions["Fn"]?.environment["VALUE"] == "transcriptor-local-jobs-media-archive")
    }
}

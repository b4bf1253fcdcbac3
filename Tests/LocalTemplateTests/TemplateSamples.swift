import LocalTemplate

/// Small templates built around one function, for tests of a single feature.
enum TemplateSamples {
    /// A template whose function `Fn` has `VALUE` set to `expression`, plus `resources` and `sections`.
    static func function(value expression: String, resources: String = "", sections: String = "") -> String {
        """
        \(sections)
        Resources:
          Fn:
            Type: AWS::Serverless::Function
            Properties:
              PackageType: Image
              ImageConfig:
                Command: [fn]
              Environment:
                Variables:
                  VALUE: \(expression)
        \(resources)
        """
    }

    /// What `VALUE` resolves to in `function(value:resources:sections:)`; `nil` if it is dropped.
    static func resolve(
        _ expression: String, resources: String = "", sections: String = "", context: TemplateContext = .init()
    ) throws -> String? {
        let yaml = function(value: expression, resources: resources, sections: sections)
        return try Template.parse(yaml: yaml, context: context).functions["Fn"]?.environment["VALUE"]
    }

    /// A bucket, a queue, a table and a second function to refer to.
    static let targets = """
          Media:
            Type: AWS::S3::Bucket
          Work:
            Type: AWS::SQS::Queue
            Properties:
              QueueName: work
          Jobs:
            Type: AWS::DynamoDB::Table
            Properties:
              TableName: jobs
              AttributeDefinitions: [{AttributeName: id, AttributeType: S}]
              KeySchema: [{AttributeName: id, KeyType: HASH}]
          Other:
            Type: AWS::Serverless::Function
            Properties:
              PackageType: Image
              ImageConfig: {Command: [other]}
        """
}

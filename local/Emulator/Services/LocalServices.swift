import Cloud
import Foundation
import LocalDynamoDB
import LocalS3
import LocalSQS
import LocalStore
import LocalTemplate

/// The emulator's durable AWS services, made from the template's buckets, queues and tables, with
/// their state in the data folder.
struct LocalServices: Sendable {
    let database: SQLiteDatabase
    let s3: S3Store
    let sqs: SQSStore
    let dynamodb: DynamoDBStore
    let ses: SESOutbox
    let secrets: SecretsStore
    let uploads: String

    init(
        template: Template, dataDirectory: String, awsEndpoint: String, timeScale: TimeScale, verifier: SigV4Verifier
    ) throws {
        database = try SQLiteDatabase(path: "\(dataDirectory)/state.sqlite")
        uploads = "\(dataDirectory)/s3/tmp-uploads"
        try FileManager.default.createDirectory(atPath: uploads, withIntermediateDirectories: true)
        // Bodies that were arriving when the emulator was killed: no object refers to them.
        for name in (try? FileManager.default.contentsOfDirectory(atPath: uploads)) ?? [] {
            unlink("\(uploads)/\(name)")
        }
        s3 = try S3Store(
            directory: "\(dataDirectory)/s3", database: database,
            buckets: template.buckets.values.sorted { $0.name < $1.name }.map { bucket in
                BucketConfig(
                    name: bucket.name,
                    cors: bucket.corsRules.map {
                        BucketConfig.CORSRule(
                            allowedOrigins: $0.allowedOrigins, allowedMethods: $0.allowedMethods,
                            allowedHeaders: $0.allowedHeaders, exposedHeaders: $0.exposedHeaders, maxAge: $0.maxAge)
                    })
            }, formVerifier: verifier)
        sqs = try SQSStore(
            database: database,
            queues: template.queues.values.sorted { $0.name < $1.name }.map { queue in
                QueueConfig(
                    name: queue.name, visibilityTimeoutSeconds: queue.visibilityTimeoutSeconds,
                    messageRetentionSeconds: queue.messageRetentionSeconds, delaySeconds: queue.delaySeconds,
                    receiveWaitSeconds: queue.receiveMessageWaitTimeSeconds,
                    redrive: queue.redrive.flatMap { policy in
                        template.queues[policy.deadLetterQueue].map { ($0.name, policy.maxReceiveCount) }
                    },
                    fifo: queue.fifo, contentBasedDeduplication: queue.contentBasedDeduplication)
            },
            endpoint: awsEndpoint, accountID: template.context.accountID, region: template.context.region,
            timeScale: timeScale)
        dynamodb = try DynamoDBStore(
            database: database, tables: template.tables.values.sorted { $0.name < $1.name }.map(Self.table),
            region: template.context.region, accountID: template.context.accountID)
        ses = try SESOutbox(directory: "\(dataDirectory)/mail")
        secrets = try SecretsStore(
            database: database, region: template.context.region, accountID: template.context.accountID,
            secrets: template.secrets.values.sorted { $0.name < $1.name })
    }
}

extension LocalServices {
    /// A table of the template as the local DynamoDB serves it.
    static func table(_ table: TableDefinition) -> TableConfig {
        func key(_ attribute: KeyAttribute) -> TableConfig.KeyElement {
            .init(name: attribute.name, type: TableConfig.KeyType(rawValue: attribute.type) ?? .string)
        }
        return TableConfig(
            name: table.name, partitionKey: key(table.partitionKey), sortKey: table.sortKey.map(key),
            indexes: table.globalSecondaryIndexes.map { index in
                let projection: TableConfig.Projection
                switch index.projectionType {
                case "KEYS_ONLY": projection = .keysOnly
                case "INCLUDE": projection = .include(index.nonKeyAttributes)
                default: projection = .all
                }
                return TableConfig.IndexConfig(
                    name: index.name, partitionKey: key(index.partitionKey), sortKey: index.sortKey.map(key),
                    projection: projection)
            },
            ttlAttribute: table.ttlAttribute)
    }
}

// A function that makes one DynamoDB GetItem per invocation (table from `PROBE_TABLE`, key from
// the event's "id"), for the cold-start benchmark of a function that calls AWS.
import Cloud
import Runtime

struct Probe: LambdaHandler {
    let db: DynamoDBClient
    let table: String

    init() throws {
        db = try DynamoDBClient(configuration: .fromEnvironment())
        table = try Environment.require("PROBE_TABLE")
    }

    func handle(_ event: JSONValue, context: LambdaContext) throws -> JSONValue {
        let id = event["id"]?.stringValue ?? "probe"
        let item = try db.getItem(table: table, key: ["pk": .s(id)])
        return .object(["found": .bool(item != nil)])
    }
}

Lambda.run { try Probe() }

// The smallest function on the runtime: it answers with the event it was given. Its event can also
// ask it to fail, sleep, crash, touch a file or answer with a large body or a given response,
// which the runtime's and the emulator's tests and the benchmarks use; behind the API gateway the
// commands come in the request's JSON body. `ECHO_FAIL_INIT=message` makes its set-up fail.
import Runtime

#if canImport(Glibc)
    import Glibc
#endif

struct EchoError: Error, CustomStringConvertible {
    let description: String
}

struct Echo: LambdaHandler {
    init() throws {
        if let message = Environment.get("ECHO_FAIL_INIT") { throw EchoError(description: message) }
    }

    func handle(_ event: JSONValue, context: LambdaContext) throws -> JSONValue {
        // An API gateway event carries the commands in its body.
        let commands = event["body"]?.stringValue.flatMap { try? JSON.decode(JSONValue.self, from: $0) } ?? event
        if let respond = commands["respond"] { return respond }
        if let path = commands["touch"]?.stringValue {
            let file = fopen(path, "a")
            fputs((try JSON.encodeString(event)) + "\n", file)
            fclose(file)
        }
        return try run(commands, event: event, context: context)
    }

    func run(_ event: JSONValue, event original: JSONValue, context: LambdaContext) throws -> JSONValue {
        if let milliseconds = event["sleepMs"]?.int64Value { usleep(UInt32(milliseconds) * 1000) }
        if let message = event["fail"]?.stringValue { throw EchoError(description: message) }
        if event["crash"]?.boolValue == true { abort() }
        if let name = event["env"]?.stringValue { return Environment.get(name).map(JSONValue.string) ?? .null }
        if let count = event["bytes"]?.int64Value {
            return .object(["data": .string(String(repeating: "x", count: Int(count)))])
        }
        if event["context"]?.boolValue == true {
            return .object([
                "requestId": .string(context.requestID),
                "deadlineMs": .integer(context.deadline.millisecondsSinceEpoch),
                "functionArn": .string(context.invokedFunctionARN),
                "traceId": context.traceID.map(JSONValue.string) ?? .null,
                "traceEnv": Environment.get("_X_AMZN_TRACE_ID").map(JSONValue.string) ?? .null,
                "functionName": .string(context.function.name),
                "memoryMB": .integer(Int64(context.function.memoryMB)),
            ])
        }
        return original
    }
}

Lambda.run { try Echo() }

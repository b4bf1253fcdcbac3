// The smallest function on the runtime: it answers with the event it was given. Its event can also
// ask it to fail, sleep, crash, touch a file or answer with a large body or a given response,
// which the runtime's and the emulator's tests and the benchmarks use; behind the API gateway the
// commands come in the request's JSON body. `ECHO_FAIL_INIT=message` makes its set-up fail;
// `ECHO_LOG=path` appends every event to a file, and `ECHO_FAIL_MATCH=text` fails every event
// that contains the text (for the emulator's event-wiring tests, whose events are AWS's).
import Runtime

#if canImport(Glibc)
    import Glibc
#endif

struct EchoError: Error, CustomStringConvertible {
    let description: String
}

struct Echo: LambdaHandler {
    let log = Environment.get("ECHO_LOG")
    let failMatch = Environment.get("ECHO_FAIL_MATCH")

    init() throws {
        if let message = Environment.get("ECHO_FAIL_INIT") { throw EchoError(description: message) }
    }

    func handle(_ event: JSONValue, context: LambdaContext) throws -> JSONValue {
        if log != nil || failMatch != nil {
            let text = try JSON.encodeString(event)
            if let log { append(text, to: log) }
            if let failMatch, text.contains(failMatch) { throw EchoError(description: "asked to fail on \(failMatch)") }
        }
        // An API gateway event carries the commands in its body.
        let commands = event["body"]?.stringValue.flatMap { try? JSON.decode(JSONValue.self, from: $0) } ?? event
        if let respond = commands["respond"] { return respond }
        if let path = commands["touch"]?.stringValue { append(try JSON.encodeString(event), to: path) }
        return try run(commands, event: event, context: context)
    }

    func run(_ event: JSONValue, event original: JSONValue, context: LambdaContext) throws -> JSONValue {
        if let milliseconds = event["sleepMs"]?.int64Value { usleep(UInt32(milliseconds) * 1000) }
        if let message = event["fail"]?.stringValue { throw EchoError(description: message) }
        if event["crash"]?.boolValue == true { abort() }
        if let name = event["env"]?.stringValue { return Environment.get(name).map(JSONValue.string) ?? .null }
        if let name = event["metric"]?.stringValue {
            var metrics = MetricsLogger(
                namespace: "Transcriptor", dimensions: [("FunctionName", context.function.name)])
            metrics.put(name, 1)
            metrics.flush()
        }
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

    func append(_ line: String, to path: String) {
        guard let file = fopen(path, "a") else { return }
        fputs(line + "\n", file)
        fclose(file)
    }
}

Lambda.run { try Echo() }

// A function that links the HTTP client: for `{"url": "..."}` it fetches the URL and answers with
// the status and size; for any other event it answers with the event (the cold-start benchmark
// measures what linking libcurl and making a client costs).
import HTTP
import Runtime

struct Probe: LambdaHandler {
    let client: HTTPClient

    init() throws { client = try HTTPClient() }

    func handle(_ event: JSONValue, context: LambdaContext) throws -> JSONValue {
        guard let url = event["url"]?.stringValue else { return event }
        let response = try client.execute(HTTPRequest(.get, url: url, totalTimeout: .seconds(10)))
        return .object(["status": .integer(Int64(response.status)), "bytes": .integer(Int64(response.body.count))])
    }
}

Lambda.run { try Probe() }

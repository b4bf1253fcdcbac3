import HTTP
import Runtime

/// AWS Lambda's Invoke API, for the one call the project makes: handing an event back to a
/// function asynchronously (`InvocationType: Event`), as S3 and the pipeline's own re-drives do.
///
/// https://docs.aws.amazon.com/lambda/latest/api/API_Invoke.html
public final class LambdaClient {
    let transport: AWSTransport

    public init(configuration: AWSConfiguration, http: HTTPClient? = nil) throws {
        transport = try AWSTransport(service: .lambda, configuration: configuration, http: http)
    }

    /// Queues `payload` for an asynchronous invocation of `function` (a name, or a full or partial
    /// ARN, with an optional qualifier), with Lambda's own retries and destinations after it.
    /// - Throws: `AWSError` (`ResourceNotFoundException`, `RequestTooLargeException` over 256 KiB,
    ///   `TooManyRequestsException`, …).
    public func invokeAsynchronously(function: String, payload: [UInt8]) throws {
        let call = AWSCall(
            method: .post,
            path: "/2015-03-31/functions/\(PercentEncoding.encode(function))/invocations",
            headers: [("X-Amz-Invocation-Type", "Event"), ("Content-Type", "application/json")],
            body: .bytes(payload), idempotent: false)
        let response = try transport.send(call, errorParser: AWSTransport.jsonError)
        guard response.status == 202 else { throw AWSTransport.jsonError(response) }
    }
}

/// A handler of JSON events: Lambda's payload is decoded into `Event`, the result encoded from `Output`.
///
/// Handlers are synchronous and run on the runtime's one thread, one invocation at a time, as
/// Lambda runs them; state kept in the handler (clients, caches, a worker process) lives as long as
/// the warm instance.
public protocol LambdaHandler {
    associatedtype Event: Decodable
    associatedtype Output: Encodable

    /// - Throws: any error to fail this invocation; Lambda reports it to the caller (or retries an
    ///   asynchronous invocation) and the runtime goes on to the next event.
    mutating func handle(_ event: Event, context: LambdaContext) throws -> Output
}

/// A handler of raw payload bytes, for events that are not JSON or that the handler parses itself.
public protocol ByteLambdaHandler {
    mutating func handle(_ payload: [UInt8], context: LambdaContext) throws -> [UInt8]
}

/// The output of a handler with nothing to return: written as JSON `null`, as Lambda's runtimes do.
public struct NoOutput: Encodable, Sendable {
    public init() {}
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encodeNil()
    }
}

/// Adapts a Codable handler to bytes.
struct CodableHandlerAdapter<Handler: LambdaHandler>: ByteLambdaHandler {
    var handler: Handler

    mutating func handle(_ payload: [UInt8], context: LambdaContext) throws -> [UInt8] {
        let event: Handler.Event
        do {
            event = try JSON.decode(Handler.Event.self, from: payload)
        } catch {
            throw RuntimeError.invalidPayload("\(error)")
        }
        return try JSON.encode(handler.handle(event, context: context))
    }
}

/// A handler made from a closure.
struct ClosureHandler<Event: Decodable, Output: Encodable>: LambdaHandler {
    let body: (Event, LambdaContext) throws -> Output
    func handle(_ event: Event, context: LambdaContext) throws -> Output { try body(event, context) }
}

/// What IAM is asked about one AWS request: the action (`s3:GetObject`), the resource's ARN and
/// the request's condition keys. A request can need several (CopyObject: GetObject of the source,
/// PutObject of the copy; TransactWriteItems: each write's action on its table).
public struct AuthorizationRequest: Sendable, Equatable, CustomStringConvertible {
    public var action: String
    public var resource: String
    public var context: RequestContext

    public init(action: String, resource: String, context: RequestContext = [:]) {
        self.action = action
        self.resource = resource
        self.context = context
    }

    public var description: String { "\(action) on \(resource)" }
}

/// A request's condition keys and their values. Keys compare without regard to case, as IAM's
/// do; a key is single-valued (`s3:prefix`) or multivalued (`dynamodb:Attributes`), which only
/// the `ForAllValues`/`ForAnyValue` qualifiers read as sets.
public struct RequestContext: Sendable, Equatable, ExpressibleByDictionaryLiteral {
    public enum Value: Sendable, Equatable {
        case single(String)
        case multiple([String])

        public var values: [String] {
            switch self {
            case .single(let value): [value]
            case .multiple(let values): values
            }
        }
    }

    private var entries: [String: Value] = [:]

    public init() {}

    public init(dictionaryLiteral elements: (String, Value)...) {
        for (key, value) in elements { self[key] = value }
    }

    public subscript(key: String) -> Value? {
        get { entries[key.lowercased()] }
        set { entries[key.lowercased()] = newValue }
    }

    /// The keys (lowercased) and values, sorted by key: for logs and the status page.
    public var sorted: [(key: String, value: Value)] { entries.sorted { $0.key < $1.key }.map { ($0.key, $0.value) } }
}

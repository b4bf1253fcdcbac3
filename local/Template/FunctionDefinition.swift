import LocalIAM

/// A function the emulator runs: an `AWS::Serverless::Function` with `PackageType: Image`.
public struct FunctionDefinition: Sendable, Equatable {
    /// The function's name, which is its logical ID (functions set no `FunctionName`).
    public var name: String
    /// `ImageConfig.Command[0]`: the executable the emulator runs from the local build.
    public var executable: String
    /// The rest of `ImageConfig.Command`.
    public var arguments: [String]
    /// `Environment.Variables`, the function's own over those of `Globals.Function`.
    public var environment: [String: String]
    /// `Timeout`, 3 seconds by default.
    public var timeoutSeconds: Int
    /// `MemorySize`, 128 MB by default.
    public var memoryMB: Int
    /// `EphemeralStorage.Size`: the size of /tmp, 512 MB by default.
    public var ephemeralStorageMB: Int
    /// `Metadata.DockerBuildTarget`: the Dockerfile target whose image holds the function
    /// (`transcriptor-local serve --images` runs it in localhost/transcriptor-<target>).
    public var imageTarget: String?
    /// `ReservedConcurrentExecutions`, if set.
    public var reservedConcurrency: Int?
    /// The function's event sources, by event name.
    public var events: [String: EventSource]
    /// Retries and destinations of asynchronous invocations, if configured.
    public var eventInvokeConfig: EventInvokeConfig?
    /// The statements of `Policies`, resolved: what the function's role may do (the emulator
    /// enforces them on the requests the function signs).
    public var policies: [PolicyStatement]

    public init(
        name: String, executable: String, arguments: [String] = [], environment: [String: String] = [:],
        timeoutSeconds: Int = 3, memoryMB: Int = 128, ephemeralStorageMB: Int = 512, imageTarget: String? = nil,
        reservedConcurrency: Int? = nil, events: [String: EventSource] = [:],
        eventInvokeConfig: EventInvokeConfig? = nil, policies: [PolicyStatement] = []
    ) {
        self.name = name
        self.executable = executable
        self.arguments = arguments
        self.environment = environment
        self.timeoutSeconds = timeoutSeconds
        self.memoryMB = memoryMB
        self.ephemeralStorageMB = ephemeralStorageMB
        self.imageTarget = imageTarget
        self.reservedConcurrency = reservedConcurrency
        self.events = events
        self.eventInvokeConfig = eventInvokeConfig
        self.policies = policies
    }
}

extension FunctionDefinition {
    /// Reads a function from its resolved properties (globals already merged in).
    init(logicalID: String, properties: PropertyReader, imageTarget: String?, resolver: Resolver) throws {
        let packageType = try properties["PackageType"]
        guard try packageType.text() == "Image" else {
            let found =
                try packageType.text().map { "has PackageType: \($0)" } ?? "is a Zip function (CodeUri, Handler)"
            throw packageType.error(
                .unsupported,
                "only PackageType: Image functions are served; set ImageConfig.Command (this one \(found))")
        }
        let command = try properties["ImageConfig"]["Command"]
        guard let parts = try command.texts(), let executable = parts.first, !executable.isEmpty else {
            throw command.error(
                .missingProperty,
                "an image function names its executable in ImageConfig.Command, a non-empty list such as [fetch]")
        }
        let functionName = try properties["FunctionName"]
        guard !functionName.isPresent else {
            throw functionName.error(
                .unsupported, "functions set no FunctionName: a function's name is its logical ID, '\(logicalID)'")
        }

        var events: [String: EventSource] = [:]
        for (name, event) in try properties["Events"].entries() ?? [] {
            events[name] = try EventSource(reading: event, resolver: resolver)
        }
        let invokeConfig = try properties["EventInvokeConfig"]

        self.init(
            name: logicalID,
            executable: executable,
            arguments: Array(parts.dropFirst()),
            environment: try properties["Environment"]["Variables"].textMap() ?? [:],
            timeoutSeconds: try properties["Timeout"].integer(in: 1...900) ?? 3,
            memoryMB: try properties["MemorySize"].integer(in: 128...10240) ?? 128,
            ephemeralStorageMB: try properties["EphemeralStorage"]["Size"].integer(in: 512...10240) ?? 512,
            imageTarget: imageTarget,
            reservedConcurrency: try properties["ReservedConcurrentExecutions"].integer(in: 0...1000),
            events: events,
            eventInvokeConfig: invokeConfig.isPresent
                ? try EventInvokeConfig(reading: invokeConfig, resolver: resolver) : nil,
            policies: try Self.policyStatements(try properties["Policies"])
        )
    }
}

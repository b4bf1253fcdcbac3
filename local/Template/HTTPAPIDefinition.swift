import LocalGateway

/// The HTTP API the emulator's gateway serves: the template's `AWS::Serverless::HttpApi`, or the one
/// SAM creates implicitly (`ServerlessHttpApi`) for `HttpApi` events.
public struct HTTPAPIDefinition: Sendable, Equatable {
    /// The API's logical ID.
    public var logicalID: String
    /// `CorsConfiguration` of the API, or of `Globals.HttpApi`; `nil` when CORS is off.
    /// The gateway serves these CORS settings (the type is the gateway's, so both agree).
    public var cors: CORSConfiguration?

    public init(logicalID: String = "ServerlessHttpApi", cors: CORSConfiguration? = nil) {
        self.logicalID = logicalID
        self.cors = cors
    }
}

extension HTTPAPIDefinition {
    /// Reads an HTTP API from its resolved properties (globals already merged in).
    ///
    /// `CorsConfiguration: true` allows every origin, method and header, as SAM does.
    init(logicalID: String, properties: PropertyReader) throws {
        let cors = try properties["CorsConfiguration"]
        guard cors.value?.entries != nil else {
            let enabled = try cors.boolean() ?? false
            self.init(
                logicalID: logicalID,
                cors: enabled ? CORSConfiguration(allowOrigins: ["*"], allowMethods: ["*"], allowHeaders: ["*"]) : nil)
            return
        }
        let configuration = CORSConfiguration(
            allowOrigins: try cors["AllowOrigins"].texts() ?? [],
            allowMethods: try cors["AllowMethods"].texts()?.map { $0.uppercased() }.reduce(into: []) {
                methods, method in
                if !methods.contains(method) { methods.append(method) }
            } ?? [],
            allowHeaders: try cors["AllowHeaders"].texts() ?? [],
            exposeHeaders: try cors["ExposeHeaders"].texts() ?? [],
            maxAge: try cors["MaxAge"].integer(in: 0...86_400),
            allowCredentials: try cors["AllowCredentials"].boolean() ?? false)
        if configuration.allowCredentials && configuration.allowOrigins.contains("*") {
            throw try cors["AllowOrigins"].error(
                .invalidValue, "AllowCredentials: true needs explicit origins, not '*'")
        }
        self.init(logicalID: logicalID, cors: configuration)
    }
}

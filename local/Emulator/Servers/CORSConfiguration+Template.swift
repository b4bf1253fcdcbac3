import LocalGateway
import LocalTemplate

extension LocalGateway.CORSConfiguration {
    /// The gateway's CORS from the template's `CorsConfiguration`.
    init(_ template: LocalTemplate.CORSConfiguration) {
        self.init(
            allowOrigins: template.allowOrigins, allowMethods: template.allowMethods,
            allowHeaders: template.allowHeaders,
            exposeHeaders: template.exposeHeaders, maxAge: template.maxAge, allowCredentials: template.allowCredentials)
    }
}

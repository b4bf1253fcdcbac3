import Testing

@testable import Runtime
@testable import Transcriptor

/// What every route gets for a bad body or credential: 400s that name the field, 413 over
/// 256 KiB, and the error shape of the contract.
@Suite struct APIRequestTests {
    struct Signup: Decodable { var email: String; var password: String }

    func request(body: String?, headers: [String: String] = [:], base64: Bool = false) throws -> APIRequest {
        var event = try JSON.decode(
            APIGatewayV2Request.self,
            from: #"""
                {"version":"2.0","routeKey":"POST /v1/auth/signup","rawPath":"/v1/auth/signup","rawQueryString":"","headers":{},
                 "requestContext":{"accountId":"1","apiId":"a","domainName":"d","domainPrefix":"d",
                   "http":{"method":"POST","path":"/v1/auth/signup","protocol":"HTTP/1.1","sourceIp":"127.0.0.1","userAgent":""},
                   "requestId":"r","routeKey":"POST /v1/auth/signup","stage":"$default","time":"t","timeEpoch":0},
                 "isBase64Encoded":false}
                """#)
        event.body = body
        event.headers = headers
        event.isBase64Encoded = base64
        return APIRequest(event)
    }

    func failure(_ body: String?) throws -> APIError {
        let request = try request(body: body)
        do {
            _ = try request.json(Signup.self)
        } catch {
            return error
        }
        Issue.record("\(body ?? "nil") was accepted")
        return .internalError
    }

    @Test func badBodiesGet400sThatSayWhatIsWrong() throws {
        #expect(try request(body: #"{"email":"a@b.co","password":"secret"}"#).json(Signup.self).email == "a@b.co")
        let missing = try failure(nil)
        #expect(missing.status == 400 && missing.message == "The request needs a JSON body.")
        let malformed = try failure(#"{"email": "#)
        #expect(malformed.status == 400 && malformed.message.hasPrefix("The request body is not valid JSON"))
        let wrongType = try failure(#"{"email":42,"password":"x"}"#)
        #expect(
            wrongType.status == 400
                && wrongType.message == "The value at email has the wrong type: expected String, found number.")
        let absent = try failure(#"{"email":"a@b.co"}"#)
        #expect(absent.status == 400 && absent.message == "The field password is required.")
        let big = try failure(#"{"email":""# + String(repeating: "a", count: 256 * 1024) + #"","password":"x"}"#)
        #expect(big.status == 413 && big.code == "payload_too_large")
    }

    @Test func errorsRenderInTheContractsShape() throws {
        let response = APIError.notFound("job").response
        #expect(response.statusCode == 404)
        #expect(response.headers?["content-type"] == "application/json")
        #expect(response.body == #"{"error":{"code":"not_found","message":"No job with that id."}}"#)
        let limited = APIError.tooManyRequests("Too many attempts; wait a little.", retryAfterSeconds: 90).response
        #expect(limited.statusCode == 429)
        #expect(limited.headers?["retry-after"] == "90")
    }

    @Test func bearerCredentialsAreReadOnlyFromABearerHeader() throws {
        #expect(try request(body: nil, headers: ["authorization": "Bearer tsk_abc"]).bearerCredential == "tsk_abc")
        #expect(try request(body: nil, headers: ["authorization": "bearer  eyJ.x.y "]).bearerCredential == "eyJ.x.y")
        #expect(try request(body: nil, headers: ["authorization": "Basic dXNlcjpwYXNz"]).bearerCredential == nil)
        #expect(try request(body: nil, headers: ["authorization": "Bearer "]).bearerCredential == nil)
        #expect(try request(body: nil).bearerCredential == nil)
    }
}

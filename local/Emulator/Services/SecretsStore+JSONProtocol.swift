import Foundation
import LocalStore

/// Secrets Manager's JSON 1.1 protocol: a JSON object in, one out; errors as
/// `{"__type":"ResourceNotFoundException","Message":…}` with status 400.
extension SecretsStore {
    func handle(_ request: ServiceRequest) -> ServiceResponse {
        do {
            guard let target = request.header("x-amz-target"), target.hasPrefix("secretsmanager.") else {
                throw Failure(
                    code: "UnknownOperationException",
                    message:
                        "X-Amz-Target must be secretsmanager.<Operation>, not \(request.header("x-amz-target") ?? "none")"
                )
            }
            let body = try request.bodyBytes()
            let input: [String: Any]
            if body.allSatisfy({ $0 == 0x20 || $0 == 0x0a || $0 == 0x0d || $0 == 0x09 }) {
                input = [:]
            } else {
                guard let object = (try? JSONSerialization.jsonObject(with: Data(body))) as? [String: Any] else {
                    throw Failure(code: "SerializationException", message: "The request body is not a JSON object")
                }
                input = object
            }
            let output = try perform(String(target.dropFirst("secretsmanager.".count)), Input(object: input))
            let data = try JSONSerialization.data(withJSONObject: output, options: [.sortedKeys])
            return Self.answer(200, Array(data))
        } catch let failure as Failure {
            return Self.error(failure)
        } catch {
            return Self.answer(500, Array(#"{"__type":"InternalServiceError","Message":"\#(error)"}"#.utf8))
        }
    }

    static func answer(_ status: Int, _ body: [UInt8]) -> ServiceResponse {
        ServiceResponse(
            status: status,
            headers: [
                ("Content-Type", "application/x-amz-json-1.1"), ("x-amzn-RequestId", UUID().uuidString.lowercased()),
            ],
            body: .bytes(body))
    }

    static func error(_ failure: Failure) -> ServiceResponse {
        let object = ["__type": failure.code, "Message": failure.message]
        let data = (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])) ?? Data()
        var response = answer(400, Array(data))
        response.headers.append(("x-amzn-ErrorType", failure.code))
        return response
    }

    /// The members of a request, typed; a wrong type is `InvalidParameterException`.
    struct Input {
        let object: [String: Any]

        func string(_ key: String) throws -> String? {
            guard let value = object[key], !(value is NSNull) else { return nil }
            guard let text = value as? String else {
                throw Failure.invalidParameter("\(key) must be a string")
            }
            return text
        }

        func required(_ key: String) throws -> String {
            guard let text = try string(key), !text.isEmpty else {
                throw Failure.invalidParameter("You must specify \(key).")
            }
            return text
        }

        func strings(_ key: String) throws -> [String]? {
            guard let value = object[key], !(value is NSNull) else { return nil }
            guard let list = value as? [String] else {
                throw Failure.invalidParameter("\(key) must be a list of strings")
            }
            return list
        }

        /// `SecretString` or `SecretBinary` (base64), not both; nil when neither is given.
        func value() throws -> Value? {
            let text = try string("SecretString")
            let encoded = try string("SecretBinary")
            switch (text, encoded) {
            case (nil, nil): return nil
            case (let text?, nil):
                guard text.utf8.count <= 65536 else {
                    throw Failure.invalidParameter("SecretString is longer than 65536 bytes")
                }
                return .string(text)
            case (nil, let encoded?):
                guard let bytes = Data(base64Encoded: encoded), bytes.count <= 65536 else {
                    throw Failure.invalidParameter("SecretBinary must be base64 of at most 65536 bytes")
                }
                return .binary(Array(bytes))
            default:
                throw Failure.invalidParameter(
                    "You can't specify both a binary secret value and a string secret value in the same secret.")
            }
        }

        /// `ClientRequestToken`, the new version's id: 32 to 64 characters; a UUID when absent.
        func versionID() throws -> String {
            guard let token = try string("ClientRequestToken") else { return UUID().uuidString.lowercased() }
            guard (32...64).contains(token.count) else {
                throw Failure.invalidParameter("ClientRequestToken must have 32 to 64 characters")
            }
            return token
        }
    }

    private func perform(_ operation: String, _ input: Input) throws -> [String: Any] {
        switch operation {
        case "CreateSecret":
            let name = try input.required("Name")
            guard name.count <= 512,
                name.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || "/_+=.@-".contains($0)) })
            else {
                throw Failure.invalidParameter(
                    "Invalid name. Must be a valid name containing alphanumeric characters, or any of the following: -/_+=.@!"
                )
            }
            let (secret, versionID) = try create(
                name: name, description: try input.string("Description"), value: try input.value(),
                versionID: try input.versionID())
            var output: [String: Any] = ["ARN": secret.arn, "Name": secret.name]
            output["VersionId"] = versionID
            return output
        case "GetSecretValue":
            let (secret, version) = try value(
                of: try input.required("SecretId"), versionID: try input.string("VersionId"),
                stage: try input.string("VersionStage"))
            var output: [String: Any] = [
                "ARN": secret.arn, "Name": secret.name, "VersionId": version.id, "VersionStages": version.stages,
                "CreatedDate": Double(version.createdMs) / 1000,
            ]
            switch version.value {
            case .string(let text): output["SecretString"] = text
            case .binary(let bytes): output["SecretBinary"] = Data(bytes).base64EncodedString()
            }
            return output
        case "PutSecretValue":
            guard let value = try input.value() else {
                throw Failure.invalidParameter("You must provide either SecretString or SecretBinary.")
            }
            let (secret, version) = try put(
                try input.required("SecretId"), value: value, versionID: try input.versionID(),
                stages: try input.strings("VersionStages"))
            return ["ARN": secret.arn, "Name": secret.name, "VersionId": version.id, "VersionStages": version.stages]
        case "DescribeSecret":
            guard let secret = try find(try input.required("SecretId")) else { throw Failure.notFound() }
            var stages: [String: [String]] = [:]
            for version in try versions(of: secret.name) where !version.stages.isEmpty {
                stages[version.id] = version.stages
            }
            var output: [String: Any] = [
                "ARN": secret.arn, "Name": secret.name, "VersionIdsToStages": stages,
                "CreatedDate": Double(secret.createdMs) / 1000, "LastChangedDate": Double(secret.changedMs) / 1000,
            ]
            output["Description"] = secret.description
            return output
        case "ListSecretVersionIds":
            guard let secret = try find(try input.required("SecretId")) else { throw Failure.notFound() }
            let versions: [[String: Any]] = try versions(of: secret.name).map {
                ["VersionId": $0.id, "VersionStages": $0.stages, "CreatedDate": Double($0.createdMs) / 1000]
            }
            return ["ARN": secret.arn, "Name": secret.name, "Versions": versions]
        case "UpdateSecretVersionStage":
            let secret = try updateStage(
                try input.required("SecretId"), stage: try input.required("VersionStage"),
                moveTo: try input.string("MoveToVersionId"), removeFrom: try input.string("RemoveFromVersionId"))
            return ["ARN": secret.arn, "Name": secret.name]
        case "DeleteSecret":
            let secret = try delete(try input.required("SecretId"))
            return ["ARN": secret.arn, "Name": secret.name, "DeletionDate": Date().timeIntervalSince1970]
        default:
            throw Failure(
                code: "UnknownOperationException",
                message:
                    "The local Secrets Manager serves CreateSecret, GetSecretValue, PutSecretValue, DescribeSecret, ListSecretVersionIds, UpdateSecretVersionStage and DeleteSecret, not \(operation)"
            )
        }
    }
}

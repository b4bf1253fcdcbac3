import COpenSSL
import Cloud
import Runtime

/// Password hashing with scrypt (OpenSSL's `EVP_PBE_scrypt`), in a self-describing format so the
/// parameters can be raised later and old hashes upgraded when their owner next logs in:
///
///     $scrypt$ln=15,r=8,p=3$<salt, base64>$<hash, base64>
///
/// The default is one of OWASP's equivalent parameter sets, N=2^15 r=8 p=3 (32 MiB per hash), the
/// one for memory-tight hosts such as a Lambda function beside others on one machine.
public struct PasswordHasher: Sendable {
    public struct Parameters: Sendable, Equatable {
        /// log2 of the CPU/memory cost N.
        public var logN: Int
        public var r: Int
        public var p: Int

        public init(logN: Int, r: Int, p: Int) {
            precondition((10...22).contains(logN) && r > 0 && p > 0, "scrypt parameters out of range")
            self.logN = logN
            self.r = r
            self.p = p
        }

        /// OWASP's memory-tight set: N=2^15, r=8, p=3.
        public static let owaspCompact = Parameters(logN: 15, r: 8, p: 3)
        /// OWASP's first set: N=2^17, r=8, p=1 (128 MiB).
        public static let owaspLarge = Parameters(logN: 17, r: 8, p: 1)

        /// Memory scrypt needs: 128 · r · N bytes, plus its other buffers.
        var memoryBytes: UInt64 {
            128 * UInt64(r) * (UInt64(1) << UInt64(logN)) + 128 * UInt64(r) * UInt64(p) + 1 << 20
        }
    }

    public let parameters: Parameters
    static let saltBytes = 16
    static let hashBytes = 32

    public init(parameters: Parameters = .owaspCompact) {
        self.parameters = parameters
    }

    /// A new hash of `password` with a random salt.
    public func hash(_ password: String) -> String {
        let salt = RandomBytes.generate(count: Self.saltBytes)
        let derived = Self.derive(password, salt: salt, parameters: parameters, length: Self.hashBytes)!
        return
            "$scrypt$ln=\(parameters.logN),r=\(parameters.r),p=\(parameters.p)$\(Base64.encode(salt))$\(Base64.encode(derived))"
    }

    /// Whether `password` matches `encoded` (compared in constant time), and whether the hash
    /// should be replaced because it was made with weaker parameters than these.
    public func verify(_ password: String, against encoded: String) -> (matches: Bool, needsRehash: Bool) {
        guard let stored = Self.parse(encoded),
            let derived = Self.derive(
                password, salt: stored.salt, parameters: stored.parameters, length: stored.hash.count)
        else { return (false, false) }
        let matches = constantTimeEquals(derived, stored.hash)
        let weaker =
            stored.parameters.logN < parameters.logN || stored.parameters.r < parameters.r
            || UInt64(stored.parameters.p) << UInt64(stored.parameters.logN) < UInt64(parameters.p)
                << UInt64(parameters.logN)
        return (matches, matches && weaker)
    }

    static func parse(_ encoded: String) -> (parameters: Parameters, salt: [UInt8], hash: [UInt8])? {
        let parts = encoded.split(separator: "$", omittingEmptySubsequences: false)
        guard parts.count == 5, parts[0].isEmpty, parts[1] == "scrypt" else { return nil }
        var values: [String: Int] = [:]
        for field in parts[2].split(separator: ",") {
            let pair = field.split(separator: "=")
            guard pair.count == 2, let value = Int(pair[1]) else { return nil }
            values[String(pair[0])] = value
        }
        guard let logN = values["ln"], let r = values["r"], let p = values["p"], (10...22).contains(logN),
            (1...32).contains(r),
            (1...16).contains(p), let salt = Base64.decode(String(parts[3])),
            let hash = Base64.decode(String(parts[4])),
            salt.count >= 16, hash.count >= 16
        else { return nil }
        return (Parameters(logN: logN, r: r, p: p), salt, hash)
    }

    static func derive(_ password: String, salt: [UInt8], parameters: Parameters, length: Int) -> [UInt8]? {
        var out = [UInt8](repeating: 0, count: length)
        let passwordBytes = Array(password.utf8)
        let status = passwordBytes.withUnsafeBufferPointer { pass in
            salt.withUnsafeBufferPointer { saltBuffer in
                out.withUnsafeMutableBufferPointer { result in
                    pass.withMemoryRebound(to: CChar.self) { passChars in
                        EVP_PBE_scrypt(
                            passChars.baseAddress, passChars.count, saltBuffer.baseAddress, saltBuffer.count,
                            UInt64(1) << UInt64(parameters.logN), UInt64(parameters.r), UInt64(parameters.p),
                            parameters.memoryBytes, result.baseAddress, result.count)
                    }
                }
            }
        }
        return status == 1 ? out : nil
    }
}

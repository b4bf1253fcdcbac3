import COpenSSL
import Runtime

/// One-shot hashes and HMACs through OpenSSL.
public enum Digest {
    public static func sha256<Bytes: Collection>(_ bytes: Bytes) -> [UInt8] where Bytes.Element == UInt8 {
        oneShot(EVP_sha256(), bytes)
    }

    public static func md5<Bytes: Collection>(_ bytes: Bytes) -> [UInt8] where Bytes.Element == UInt8 {
        oneShot(EVP_md5(), bytes)
    }

    public static func sha256Hex<Bytes: Collection>(_ bytes: Bytes) -> String where Bytes.Element == UInt8 {
        Hex.encode(sha256(bytes))
    }

    public static func sha256Hex(_ text: String) -> String { sha256Hex(Array(text.utf8)) }

    /// HMAC-SHA256 of `data` under `key`.
    public static func hmacSHA256<Key: Collection, Data: Collection>(key: Key, data: Data) -> [UInt8]
    where Key.Element == UInt8, Data.Element == UInt8 {
        let keyBytes = Array(key)
        let dataBytes = Array(data)
        var out = [UInt8](repeating: 0, count: Int(EVP_MAX_MD_SIZE))
        var length: UInt32 = 0
        keyBytes.withUnsafeBytes { k in
            dataBytes.withUnsafeBytes { d in
                _ = out.withUnsafeMutableBufferPointer { o in
                    HMAC(
                        EVP_sha256(), k.baseAddress, Int32(k.count), d.baseAddress?.assumingMemoryBound(to: UInt8.self),
                        d.count, o.baseAddress, &length)
                }
            }
        }
        precondition(length == 32, "HMAC-SHA256 produced \(length) bytes")
        return Array(out.prefix(Int(length)))
    }

    public static func hmacSHA256(key: [UInt8], data: String) -> [UInt8] {
        hmacSHA256(key: key, data: Array(data.utf8))
    }

    private static func oneShot<Bytes: Collection>(_ type: OpaquePointer?, _ bytes: Bytes) -> [UInt8]
    where Bytes.Element == UInt8 {
        let hasher = StreamingDigest(type)
        hasher.update(bytes)
        return hasher.finish()
    }
}

/// An incremental hash (a file's SHA-256 or MD5 while it streams), owning one `EVP_MD_CTX`.
public final class StreamingDigest {
    private let context: OpaquePointer

    public static func sha256() -> StreamingDigest { StreamingDigest(EVP_sha256()) }
    public static func md5() -> StreamingDigest { StreamingDigest(EVP_md5()) }

    init(_ type: OpaquePointer?) {
        guard let context = EVP_MD_CTX_new() else { fatalError("OpenSSL could not allocate a digest context") }
        self.context = context
        precondition(EVP_DigestInit_ex(context, type, nil) == 1, "EVP_DigestInit_ex failed")
    }

    deinit { EVP_MD_CTX_free(context) }

    public func update<Bytes: Collection>(_ bytes: Bytes) where Bytes.Element == UInt8 {
        let done: Bool? = bytes.withContiguousStorageIfAvailable { buffer in
            EVP_DigestUpdate(context, buffer.baseAddress, buffer.count) == 1
        }
        if done == nil {
            let copy = Array(bytes)
            copy.withUnsafeBytes { _ = EVP_DigestUpdate(context, $0.baseAddress, $0.count) }
        }
    }

    public func update(_ buffer: UnsafeRawBufferPointer) {
        _ = EVP_DigestUpdate(context, buffer.baseAddress, buffer.count)
    }

    /// The digest; the hasher is spent afterwards.
    public func finish() -> [UInt8] {
        var out = [UInt8](repeating: 0, count: Int(EVP_MAX_MD_SIZE))
        var length: UInt32 = 0
        _ = out.withUnsafeMutableBufferPointer { EVP_DigestFinal_ex(context, $0.baseAddress, &length) }
        return Array(out.prefix(Int(length)))
    }
}

/// Compares secrets (signatures, token hashes) in time independent of where they differ.
public func constantTimeEquals<A: Collection, B: Collection>(_ a: A, _ b: B) -> Bool
where A.Element == UInt8, B.Element == UInt8 {
    let left = Array(a)
    let right = Array(b)
    guard left.count == right.count else { return false }
    if left.isEmpty { return true }
    return left.withUnsafeBytes { l in
        right.withUnsafeBytes { r in CRYPTO_memcmp(l.baseAddress, r.baseAddress, l.count) == 0 }
    }
}

public func constantTimeEquals(_ a: String, _ b: String) -> Bool { constantTimeEquals(Array(a.utf8), Array(b.utf8)) }

/// Cryptographically secure random bytes and identifiers, from the kernel (`getrandom`, through the
/// standard library's `SystemRandomNumberGenerator`).
public enum RandomBytes {
    public static func generate(count: Int) -> [UInt8] {
        var generator = SystemRandomNumberGenerator()
        var out = [UInt8](repeating: 0, count: count)
        var index = 0
        while index < count {
            var word = generator.next()
            for _ in 0..<min(8, count - index) {
                out[index] = UInt8(truncatingIfNeeded: word)
                word >>= 8
                index += 1
            }
        }
        return out
    }

    /// A random version-4 UUID in its lowercase text form.
    public static func uuid() -> String {
        var bytes = generate(count: 16)
        bytes[6] = bytes[6] & 0x0f | 0x40
        bytes[8] = bytes[8] & 0x3f | 0x80
        let hex = Array(Hex.encode(bytes).utf8)
        var out: [UInt8] = []
        out.reserveCapacity(36)
        for (index, char) in hex.enumerated() {
            if index == 8 || index == 12 || index == 16 || index == 20 { out.append(UInt8(ascii: "-")) }
            out.append(char)
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// A random token of `byteCount` bytes, URL-safe base64 without padding.
    public static func token(byteCount: Int = 32) -> String {
        Base64.encode(generate(count: byteCount), urlSafe: true)
    }
}

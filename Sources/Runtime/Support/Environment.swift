#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#endif

/// Reads and writes the process environment.
public enum Environment {
    public static func get(_ name: String) -> String? {
        guard let value = getenv(name) else { return nil }
        return String(cString: value)
    }

    /// A required setting: throws a `RuntimeError` naming the variable when it is unset or empty,
    /// which the runtime reports as an init error.
    public static func require(_ name: String) throws -> String {
        guard let value = get(name), !value.isEmpty else {
            throw RuntimeError.missingSetting(name)
        }
        return value
    }

    public static func set(_ name: String, _ value: String?) {
        if let value { setenv(name, value, 1) } else { unsetenv(name) }
    }

    /// Every variable, as `NAME=value` pairs split at the first `=`.
    public static func all() -> [(name: String, value: String)] {
        var out: [(String, String)] = []
        var pointer = environ
        while let entry = pointer.pointee {
            let text = String(cString: entry)
            if let equals = text.firstIndex(of: "=") {
                out.append((String(text[..<equals]), String(text[text.index(after: equals)...])))
            }
            pointer += 1
        }
        return out
    }
}

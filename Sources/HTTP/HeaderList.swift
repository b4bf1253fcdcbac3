import CCurl

/// A libcurl header list (`curl_slist`), freed on release.
final class HeaderList {
    private(set) var head: UnsafeMutablePointer<curl_slist>?

    /// Lines in libcurl's syntax: "Name: value", "Name;" for an empty value, "Name:" to drop a
    /// header libcurl would add.
    init(lines: [String]) throws {
        for line in lines {
            guard let appended = curl_slist_append(head, line) else {
                throw HTTPClientError(.other, message: "curl_slist_append failed (out of memory?)")
            }
            head = appended
        }
    }

    deinit {
        curl_slist_free_all(head)
    }
}

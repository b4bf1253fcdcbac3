import CCurl

/// Whether `curl_global_init` succeeded; a lazy global, so it runs once, thread-safely, on first use.
private let curlGlobalInitResult: UInt32 = curl_global_init(ccurl_global_default()).rawValue

/// One libcurl easy handle and its error buffer, freed together on release.
///
/// Every libcurl call that can fail goes through ``check(_:_:)``.
final class EasyHandle {
    private let handle: UnsafeMutableRawPointer
    private let errorBuffer: UnsafeMutablePointer<CChar>

    init() throws {
        try Self.check(CURLcode(rawValue: curlGlobalInitResult), "curl_global_init")
        guard let handle = curl_easy_init() else {
            throw HTTPClientError(.other, message: "curl_easy_init failed (out of memory?)")
        }
        self.handle = handle
        errorBuffer = .allocate(capacity: Int(CURL_ERROR_SIZE))
        errorBuffer.initialize(repeating: 0, count: Int(CURL_ERROR_SIZE))
    }

    deinit {
        curl_easy_cleanup(handle)
        errorBuffer.deallocate()
    }

    /// Forgets every option (and the pointers they hold), keeping the connection cache.
    func reset() {
        curl_easy_reset(handle)
    }

    func set(_ option: CURLoption, _ value: Int) throws {
        try Self.check(ccurl_setopt_long(handle, option, value), "setting option \(option.rawValue)")
    }

    func set(_ option: CURLoption, size value: Int) throws {
        try Self.check(ccurl_setopt_off_t(handle, option, curl_off_t(value)), "setting option \(option.rawValue)")
    }

    /// Sets a string option; libcurl copies the string.
    func set(_ option: CURLoption, _ value: String) throws {
        try Self.check(ccurl_setopt_string(handle, option, value), "setting option \(option.rawValue)")
    }

    func set(_ option: CURLoption, pointer value: UnsafeMutableRawPointer?) throws {
        try Self.check(ccurl_setopt_pointer(handle, option, value), "setting option \(option.rawValue)")
    }

    /// Sets `CURLOPT_HTTPHEADER`; the list must stay alive until the handle is reset.
    func set(headers: HeaderList) throws {
        try Self.check(ccurl_setopt_slist(handle, CURLOPT_HTTPHEADER, headers.head), "setting the headers")
    }

    func set(_ option: CURLoption, callback: ccurl_data_callback) throws {
        try Self.check(ccurl_setopt_data_callback(handle, option, callback), "setting callback \(option.rawValue)")
    }

    func set(openSocketCallback callback: ccurl_opensocket_callback) throws {
        try Self.check(ccurl_setopt_opensocket_callback(handle, callback), "setting the open-socket callback")
    }

    func set(seekCallback callback: ccurl_seek_callback) throws {
        try Self.check(ccurl_setopt_seek_callback(handle, callback), "setting the seek callback")
    }

    /// Points `CURLOPT_ERRORBUFFER` at this handle's buffer (again after every reset).
    func enableErrorBuffer() throws {
        try set(CURLOPT_ERRORBUFFER, pointer: UnsafeMutableRawPointer(errorBuffer))
    }

    /// Runs the transfer; on failure, returns the error with libcurl's detailed message.
    func perform() -> HTTPClientError? {
        errorBuffer[0] = 0
        let code = curl_easy_perform(handle)
        guard code != CURLE_OK else { return nil }
        let detail = String(cString: errorBuffer)
        return HTTPClientError(curlCode: code, message: detail.isEmpty ? HTTPClientError.text(of: code) : detail)
    }

    func info(_ info: CURLINFO) throws -> Int {
        var value = 0
        try Self.check(ccurl_getinfo_long(handle, info, &value), "reading info \(info.rawValue)")
        return value
    }

    func info(_ info: CURLINFO) throws -> String {
        var value: UnsafeMutablePointer<CChar>? = nil
        try Self.check(ccurl_getinfo_string(handle, info, &value), "reading info \(info.rawValue)")
        return value.map { String(cString: $0) } ?? ""
    }

    /// Throws the error for `code` unless it is `CURLE_OK`.
    private static func check(_ code: CURLcode, _ action: @autoclosure () -> String) throws {
        guard code != CURLE_OK else { return }
        throw HTTPClientError(curlCode: code, message: "\(action()): \(HTTPClientError.text(of: code))")
    }
}

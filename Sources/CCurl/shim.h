#ifndef TRANSCRIPTOR_CCURL_SHIM_H
#define TRANSCRIPTOR_CCURL_SHIM_H

#include <curl/curl.h>
#include <sys/socket.h>

// `curl_easy_setopt` and `curl_easy_getinfo` are variadic, which Swift cannot call; each argument
// type gets a typed wrapper.

static inline CURLcode ccurl_setopt_long(CURL *handle, CURLoption option, long value) {
    return curl_easy_setopt(handle, option, value);
}
static inline CURLcode ccurl_setopt_off_t(CURL *handle, CURLoption option, curl_off_t value) {
    return curl_easy_setopt(handle, option, value);
}
static inline CURLcode ccurl_setopt_string(CURL *handle, CURLoption option, const char *value) {
    return curl_easy_setopt(handle, option, value);
}
static inline CURLcode ccurl_setopt_pointer(CURL *handle, CURLoption option, void *value) {
    return curl_easy_setopt(handle, option, value);
}
static inline CURLcode ccurl_setopt_slist(CURL *handle, CURLoption option, struct curl_slist *value) {
    return curl_easy_setopt(handle, option, value);
}

typedef size_t (*ccurl_data_callback)(char *buffer, size_t size, size_t count, void *userdata);
static inline CURLcode ccurl_setopt_data_callback(CURL *handle, CURLoption option, ccurl_data_callback cb) {
    return curl_easy_setopt(handle, option, cb);
}

typedef curl_socket_t (*ccurl_opensocket_callback)(void *userdata, curlsocktype purpose, struct curl_sockaddr *address);
static inline CURLcode ccurl_setopt_opensocket_callback(CURL *handle, ccurl_opensocket_callback cb) {
    return curl_easy_setopt(handle, CURLOPT_OPENSOCKETFUNCTION, cb);
}

typedef int (*ccurl_xferinfo_callback)(void *userdata, curl_off_t dltotal, curl_off_t dlnow, curl_off_t ultotal, curl_off_t ulnow);
static inline CURLcode ccurl_setopt_xferinfo_callback(CURL *handle, ccurl_xferinfo_callback cb) {
    return curl_easy_setopt(handle, CURLOPT_XFERINFOFUNCTION, cb);
}

typedef int (*ccurl_seek_callback)(void *userdata, curl_off_t offset, int origin);
static inline CURLcode ccurl_setopt_seek_callback(CURL *handle, ccurl_seek_callback cb) {
    return curl_easy_setopt(handle, CURLOPT_SEEKFUNCTION, cb);
}

static inline CURLcode ccurl_getinfo_long(CURL *handle, CURLINFO info, long *value) {
    return curl_easy_getinfo(handle, info, value);
}
static inline CURLcode ccurl_getinfo_off_t(CURL *handle, CURLINFO info, curl_off_t *value) {
    return curl_easy_getinfo(handle, info, value);
}
static inline CURLcode ccurl_getinfo_string(CURL *handle, CURLINFO info, char **value) {
    return curl_easy_getinfo(handle, info, value);
}
static inline CURLcode ccurl_getinfo_double(CURL *handle, CURLINFO info, double *value) {
    return curl_easy_getinfo(handle, info, value);
}

/// The value a write callback returns to make libcurl stop with `CURLE_WRITE_ERROR`.
static inline size_t ccurl_write_abort(void) { return 0; }
/// The value a read callback returns to abort the transfer.
static inline size_t ccurl_read_abort(void) { return CURL_READFUNC_ABORT; }
/// What an open-socket callback returns to refuse a connection.
static inline curl_socket_t ccurl_socket_bad(void) { return CURL_SOCKET_BAD; }

/// What a seek callback returns when it moved the stream, and when it failed.
static inline int ccurl_seek_ok(void) { return CURL_SEEKFUNC_OK; }
static inline int ccurl_seek_fail(void) { return CURL_SEEKFUNC_FAIL; }
/// The flags for `curl_global_init` that initialise everything the platform needs.
static inline long ccurl_global_default(void) { return CURL_GLOBAL_DEFAULT; }

#endif

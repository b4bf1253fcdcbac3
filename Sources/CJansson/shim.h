#ifndef TRANSCRIPTOR_CJANSSON_SHIM_H
#define TRANSCRIPTOR_CJANSSON_SHIM_H

#include <jansson.h>

// jansson's reference counting and type tests are macros or inline functions Swift cannot always
// import; these typed wrappers give Swift one name for each.

static inline json_t *cjansson_incref(json_t *json) { return json_incref(json); }
static inline void cjansson_decref(json_t *json) { json_decref(json); }
static inline json_type cjansson_typeof(const json_t *json) { return json_typeof(json); }
static inline int cjansson_is_integer(const json_t *json) { return json_is_integer(json); }
static inline int cjansson_is_real(const json_t *json) { return json_is_real(json); }
static inline int cjansson_is_true(const json_t *json) { return json_is_true(json); }
static inline int cjansson_is_null(const json_t *json) { return json_is_null(json); }

/// `json_boolean(val)` is a macro.
static inline json_t *cjansson_boolean(int value) { return value ? json_true() : json_false(); }

/// Flags for `json_loadb`: reject duplicate keys is not jansson's default; allow NUL in strings.
static inline size_t cjansson_decode_flags(void) { return JSON_DECODE_ANY | JSON_ALLOW_NUL; }

/// Flags for `json_dumpb`: compact output, any value at top level, 17 significant digits so that
/// every double round-trips exactly, keys in insertion order.
static inline size_t cjansson_encode_flags(void) {
    return JSON_COMPACT | JSON_ENCODE_ANY | JSON_REAL_PRECISION(17) | JSON_PRESERVE_ORDER;
}

static inline size_t cjansson_encode_flags_sorted(void) {
    return JSON_COMPACT | JSON_ENCODE_ANY | JSON_REAL_PRECISION(17) | JSON_SORT_KEYS;
}

#endif

/* Souk public API: return codes, export macros and the opaque core types. */
#ifndef SOUK_CORE_H
#define SOUK_CORE_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Functions the core exports to plugins. */
#define SOUK_API     __attribute__((visibility("default")))
/* The one symbol a plugin exports (its descriptor). */
#define SOUK_EXPORT  __attribute__((visibility("default")))

#define SOUK_PRINTF(f, a)  __attribute__((format(printf, f, a)))

/* API calls return these; route handlers return an HTTP status instead. */
#define SOUK_OK         0
#define SOUK_ERROR     -1
#define SOUK_DECLINED  -2
#define SOUK_DONE      -3

/* HTTP methods as bits, so a route can take several. */
#define SOUK_GET      0x0001u
#define SOUK_HEAD     0x0002u
#define SOUK_POST     0x0004u
#define SOUK_PUT      0x0008u
#define SOUK_PATCH    0x0010u
#define SOUK_DELETE   0x0020u
#define SOUK_OPTIONS  0x0040u

typedef struct souk_pool_s        souk_pool_t;
typedef struct souk_request_s     souk_request_t;
typedef struct souk_plugin_ctx_s  souk_plugin_ctx_t;

/* A name/value pair; both NUL-terminated, owned by the request pool. */
typedef struct {
    const char  *name;
    const char  *value;
} souk_kv_t;

#ifdef __cplusplus
}
#endif

#endif /* SOUK_CORE_H */

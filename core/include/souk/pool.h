/* Souk public API: the per-request arena. */
#ifndef SOUK_POOL_H
#define SOUK_POOL_H

#include <stdarg.h>
#include <cjson/cJSON.h>
#include <souk/core.h>

#ifdef __cplusplus
extern "C" {
#endif

/*
 * Every request owns one pool. Memory taken from it lives until the response
 * has been sent, then the whole pool is reset at once: there is no per-object
 * free. Allocation failure aborts the worker, which the master replaces, so
 * these never return NULL.
 */
SOUK_API void *souk_palloc(souk_pool_t *p, size_t n);
SOUK_API void *souk_pcalloc(souk_pool_t *p, size_t n);
SOUK_API char *souk_pstrdup(souk_pool_t *p, const char *s);
SOUK_API char *souk_pstrndup(souk_pool_t *p, const char *s, size_t n);
SOUK_API char *souk_psprintf(souk_pool_t *p, const char *fmt, ...)
    SOUK_PRINTF(2, 3);
SOUK_API char *souk_pvsprintf(souk_pool_t *p, const char *fmt, va_list ap);

/*
 * Runs fn(arg) when the pool is reset or destroyed, last added first.
 * Returns SOUK_OK.
 */
SOUK_API int souk_pool_cleanup_add(souk_pool_t *p, void (*fn)(void *),
    void *arg);

/*
 * Hands a cJSON tree to the pool: cJSON_Delete(root) runs at reset. cJSON
 * keeps its own malloc; the pool only owns the tree's lifetime. Returns root.
 */
SOUK_API cJSON *souk_pool_json(souk_pool_t *p, cJSON *root);

#ifdef __cplusplus
}
#endif

#endif /* SOUK_POOL_H */

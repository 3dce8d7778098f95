/* Souk public API: error and diagnostic lines. */
#ifndef SOUK_LOG_H
#define SOUK_LOG_H

#include <souk/core.h>

#ifdef __cplusplus
extern "C" {
#endif

#define SOUK_LOG_ERROR  0
#define SOUK_LOG_WARN   1
#define SOUK_LOG_INFO   2
#define SOUK_LOG_DEBUG  3

/*
 * Writes one line to the error log. The core adds the time, the level, the
 * worker pid, the request id and site (when r is not NULL) and the plugin
 * whose code is running. Log once, where the error is found.
 */
SOUK_API void souk_log(souk_request_t *r, int level, const char *fmt, ...)
    SOUK_PRINTF(3, 4);

#ifdef __cplusplus
}
#endif

#endif /* SOUK_LOG_H */

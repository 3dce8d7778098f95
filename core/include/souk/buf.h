/* Souk public API: a growable byte buffer whose memory comes from a pool. */
#ifndef SOUK_BUF_H
#define SOUK_BUF_H

#include <souk/core.h>

#ifdef __cplusplus
extern "C" {
#endif

/*
 * The buffer is always NUL-terminated after souk_buf_init, so data can be
 * used as a C string. Growth copies into a larger pool block; old blocks are
 * released with the pool.
 */
typedef struct {
    char         *data;
    size_t        len;
    size_t        cap;
    souk_pool_t  *pool;
} souk_buf_t;

SOUK_API void souk_buf_init(souk_buf_t *b, souk_pool_t *p, size_t hint);
SOUK_API void souk_buf_append(souk_buf_t *b, const char *s, size_t n);
SOUK_API void souk_buf_puts(souk_buf_t *b, const char *s);
SOUK_API void souk_buf_printf(souk_buf_t *b, const char *fmt, ...)
    SOUK_PRINTF(2, 3);
/* Appends s with & < > " ' replaced by HTML entities. */
SOUK_API void souk_buf_append_html(souk_buf_t *b, const char *s);

#ifdef __cplusplus
}
#endif

#endif /* SOUK_BUF_H */

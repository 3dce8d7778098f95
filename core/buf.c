/* A growable, NUL-terminated byte buffer in pool memory. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "souk_core.h"

SOUK_API void
souk_buf_init(souk_buf_t *b, souk_pool_t *p, size_t hint)
{
    b->pool = p;
    b->cap = hint < 64 ? 64 : hint;
    b->data = souk_palloc(p, b->cap);
    b->data[0] = '\0';
    b->len = 0;
}

static void
souk_buf_reserve(souk_buf_t *b, size_t extra)
{
    size_t  cap;
    char   *d;

    if (b->len + extra + 1 <= b->cap) {
        return;
    }
    cap = b->cap * 2;
    while (cap < b->len + extra + 1) {
        cap *= 2;
    }
    d = souk_palloc(b->pool, cap);
    memcpy(d, b->data, b->len + 1);
    b->data = d;
    b->cap = cap;
}

SOUK_API void
souk_buf_append(souk_buf_t *b, const char *s, size_t n)
{
    souk_buf_reserve(b, n);
    memcpy(b->data + b->len, s, n);
    b->len += n;
    b->data[b->len] = '\0';
}

SOUK_API void
souk_buf_puts(souk_buf_t *b, const char *s)
{
    souk_buf_append(b, s, strlen(s));
}

SOUK_API void
souk_buf_printf(souk_buf_t *b, const char *fmt, ...)
{
    va_list  ap;
    int      n;

    va_start(ap, fmt);
    n = vsnprintf(b->data + b->len, b->cap - b->len, fmt, ap);
    va_end(ap);
    if (n < 0) {
        b->data[b->len] = '\0';
        return;
    }
    if ((size_t) n >= b->cap - b->len) {
        souk_buf_reserve(b, (size_t) n);
        va_start(ap, fmt);
        vsnprintf(b->data + b->len, b->cap - b->len, fmt, ap);
        va_end(ap);
    }
    b->len += (size_t) n;
}

SOUK_API void
souk_buf_append_html(souk_buf_t *b, const char *s)
{
    const char  *run = s;

    for (; *s != '\0'; s++) {
        const char  *ent;

        switch (*s) {
        case '&':  ent = "&amp;";  break;
        case '<':  ent = "&lt;";   break;
        case '>':  ent = "&gt;";   break;
        case '"':  ent = "&quot;"; break;
        case '\'': ent = "&#39;";  break;
        default:   continue;
        }
        souk_buf_append(b, run, (size_t) (s - run));
        souk_buf_puts(b, ent);
        run = s + 1;
    }
    souk_buf_append(b, run, (size_t) (s - run));
}

/* Parsing of the Cookie request header into name/value pairs. */
#include <string.h>

#include "souk_core.h"

static int
cookie_space(int c)
{
    return c == ' ' || c == '\t';
}

static void
cookie_trim(const char **s, size_t *n)
{
    while (*n > 0 && cookie_space((unsigned char) **s)) {
        (*s)++;
        (*n)--;
    }
    while (*n > 0 && cookie_space((unsigned char) (*s)[*n - 1])) {
        (*n)--;
    }
}

/*
 * A browser sends what a server once set, so the header is taken as given:
 * a pair without '=' or with an empty name is skipped rather than failing
 * the request, since the client cannot fix it. Values are commonly
 * percent-encoded by the code that set them; they are decoded when that
 * yields valid UTF-8, else kept as sent when that is valid UTF-8, else the
 * pair is dropped (accessor strings are always valid UTF-8).
 */
int
sk_cookies_parse(souk_pool_t *p, const char *s, souk_kv_t **out,
    size_t *nout)
{
    souk_kv_t   *kv;
    size_t       i, n, count = 1, k = 0;

    *out = NULL;
    *nout = 0;
    if (s == NULL) {
        return 0;
    }
    n = strlen(s);
    for (i = 0; i < n; i++) {
        if (s[i] == ';') {
            count++;
        }
    }
    kv = souk_palloc(p, count * sizeof(souk_kv_t));

    i = 0;
    while (i < n) {
        const char  *start = s + i;
        const char  *semi = memchr(start, ';', n - i);
        size_t       plen = semi ? (size_t) (semi - start) : n - i;
        const char  *name = start, *val, *eq;
        size_t       nlen, vlen;
        char        *dec;

        i += plen + 1;
        eq = memchr(start, '=', plen);
        if (eq == NULL) {
            continue;
        }
        nlen = (size_t) (eq - start);
        cookie_trim(&name, &nlen);
        val = eq + 1;
        vlen = plen - (size_t) (val - start);
        cookie_trim(&val, &vlen);
        if (vlen >= 2 && val[0] == '"' && val[vlen - 1] == '"') {
            val++;
            vlen -= 2;
        }
        if (nlen == 0 || !sk_utf8_valid(name, nlen)) {
            continue;
        }
        dec = sk_url_decode(p, val, vlen, 0);
        if (dec == NULL) {
            if (!sk_utf8_valid(val, vlen)) {
                continue;
            }
            dec = souk_pstrndup(p, val, vlen);
        }
        kv[k].name = souk_pstrndup(p, name, nlen);
        kv[k].value = dec;
        k++;
    }
    if (k > 0) {
        *out = kv;
        *nout = k;
    }
    return 0;
}

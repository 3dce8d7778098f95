/* Percent-decoding, UTF-8 checks, path normalisation and a=1&b=2 parsing. */
#include <string.h>

#include "souk_core.h"

#define URLENC_OK        0
#define URLENC_BAD_ESC   1
#define URLENC_BAD_UTF8  2
#define URLENC_NUL       3
#define URLENC_SLASH     4

int
sk_utf8_valid(const char *s, size_t n)
{
    const unsigned char  *u = (const unsigned char *) s;
    size_t                i = 0;

    while (i < n) {
        unsigned  c = u[i];
        unsigned  cp;
        size_t    k, need;

        if (c == 0) {
            return 0;
        }
        if (c < 0x80) {
            i++;
            continue;
        }
        /* Lead bytes C0, C1 and F5..FF can only start overlong or
         * out-of-range sequences. */
        if (c >= 0xc2 && c <= 0xdf) {
            need = 1;
            cp = c & 0x1f;
        } else if (c >= 0xe0 && c <= 0xef) {
            need = 2;
            cp = c & 0x0f;
        } else if (c >= 0xf0 && c <= 0xf4) {
            need = 3;
            cp = c & 0x07;
        } else {
            return 0;
        }
        if (n - i <= need) {
            return 0;
        }
        for (k = 1; k <= need; k++) {
            if ((u[i + k] & 0xc0) != 0x80) {
                return 0;
            }
            cp = (cp << 6) | (u[i + k] & 0x3f);
        }
        if ((need == 2 && cp < 0x800) || (need == 3 && cp < 0x10000)
            || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
        {
            return 0;
        }
        i += need + 1;
    }
    return 1;
}

static int
urlenc_hex(int c)
{
    if (c >= '0' && c <= '9') {
        return c - '0';
    }
    if (c >= 'a' && c <= 'f') {
        return c - 'a' + 10;
    }
    if (c >= 'A' && c <= 'F') {
        return c - 'A' + 10;
    }
    return -1;
}

/*
 * Decodes s[0..n) into dst (room for n + 1 bytes), NUL-terminates it and
 * returns URLENC_OK or why it refused. With no_slash, an encoded '/' is
 * refused: a path segment must not grow a separator after decoding.
 */
static int
urlenc_decode(const char *s, size_t n, int plus_space, int no_slash,
    char *dst, size_t *dlen)
{
    size_t  i, j = 0;

    for (i = 0; i < n; i++) {
        int  c = (unsigned char) s[i];

        if (c == '%') {
            int  hi, lo;

            if (n - i < 3) {
                return URLENC_BAD_ESC;
            }
            hi = urlenc_hex((unsigned char) s[i + 1]);
            lo = urlenc_hex((unsigned char) s[i + 2]);
            if (hi < 0 || lo < 0) {
                return URLENC_BAD_ESC;
            }
            c = hi * 16 + lo;
            i += 2;
            if (c == '/' && no_slash) {
                return URLENC_SLASH;
            }
        } else if (c == '+' && plus_space) {
            c = ' ';
        }
        if (c == 0) {
            return URLENC_NUL;
        }
        dst[j++] = (char) c;
    }
    dst[j] = '\0';
    if (!sk_utf8_valid(dst, j)) {
        return URLENC_BAD_UTF8;
    }
    *dlen = j;
    return URLENC_OK;
}

char *
sk_url_decode(souk_pool_t *p, const char *s, size_t n, int plus_space)
{
    char    *d = souk_palloc(p, n + 1);
    size_t   len;

    if (urlenc_decode(s, n, plus_space, 0, d, &len) != URLENC_OK) {
        return NULL;
    }
    return d;
}

static const char *
urlenc_path_why(int rc)
{
    switch (rc) {
    case URLENC_BAD_ESC:
        return "The request path has an invalid percent-encoding.";
    case URLENC_NUL:
        return "The request path contains a NUL byte.";
    case URLENC_SLASH:
        return "The request path contains an encoded slash (%2F), "
               "which is refused.";
    default:
        return "The request path is not valid UTF-8.";
    }
}

/*
 * Works segment by segment on the raw path so that an encoded "." or ".."
 * is judged after decoding, and an encoded '/' can be told apart from a
 * real separator (it is refused: "a%2Fb" would otherwise become two
 * segments after routing, or one, depending on who decodes first).
 */
char *
sk_path_normalize_why(souk_pool_t *p, const char *raw, size_t n,
    const char **why)
{
    char    *out, *seg;
    size_t   i, olen = 1, slen;
    int      rc, trailing = 0;

    if (n == 0 || raw[0] != '/') {
        *why = "The request path does not start with '/'.";
        return NULL;
    }
    out = souk_palloc(p, n + 2);
    seg = souk_palloc(p, n + 1);
    out[0] = '/';
    i = 1;
    while (i <= n) {
        const char  *start = raw + i;
        const char  *end = memchr(start, '/', n - i);
        size_t       rlen = end ? (size_t) (end - start) : n - i;

        rc = urlenc_decode(start, rlen, 0, 1, seg, &slen);
        if (rc != URLENC_OK) {
            *why = urlenc_path_why(rc);
            return NULL;
        }
        i += rlen + 1;
        if (slen == 0 || (slen == 1 && seg[0] == '.')) {
            /* "//" and "/./" collapse; at the end they leave a '/'. */
            trailing = 1;
            continue;
        }
        if (slen == 2 && seg[0] == '.' && seg[1] == '.') {
            *why = "The request path contains a '..' segment.";
            return NULL;
        }
        if (olen > 1) {
            out[olen++] = '/';
        }
        memcpy(out + olen, seg, slen);
        olen += slen;
        trailing = 0;
    }
    if (trailing && olen > 1) {
        out[olen++] = '/';
    }
    out[olen] = '\0';
    return out;
}

char *
sk_path_normalize(souk_pool_t *p, const char *raw, size_t n)
{
    const char  *why;

    return sk_path_normalize_why(p, raw, n, &why);
}

static const char *
urlenc_param_why(int rc)
{
    switch (rc) {
    case URLENC_BAD_ESC:
        return "A parameter has an invalid percent-encoding.";
    case URLENC_NUL:
        return "A parameter contains a NUL byte.";
    default:
        return "A parameter is not valid UTF-8.";
    }
}

/* Decodes one name or value into pool memory; 0 or an HTTP status. */
static int
urlenc_one(souk_pool_t *p, const char *s, size_t n, const sk_limits_t *l,
    const char **out, const char **why)
{
    char    *d;
    size_t   len;
    int      rc;

    /* Every escape shrinks three bytes to one: anything longer than three
     * times the limit cannot fit, so refuse it before copying. */
    if (n / 3 > l->max_param_len) {
        goto too_long;
    }
    d = souk_palloc(p, n + 1);
    rc = urlenc_decode(s, n, 1, 0, d, &len);
    if (rc != URLENC_OK) {
        *why = urlenc_param_why(rc);
        return 400;
    }
    if (len > l->max_param_len) {
        goto too_long;
    }
    *out = d;
    return 0;

too_long:
    *why = souk_psprintf(p, "A parameter name or value is longer than "
                         "%zu bytes.", l->max_param_len);
    return 400;
}

int
sk_urlencoded_parse(souk_pool_t *p, const char *s, size_t n,
    const sk_limits_t *l, souk_kv_t **out, size_t *nout, const char **why)
{
    souk_kv_t   *kv;
    size_t       i, count = 0, k = 0;
    int          rc;

    *out = NULL;
    *nout = 0;

    /* Count the non-empty pieces first: the limit is checked before any
     * decoding work, and the array is allocated once. */
    for (i = 0; i < n; i++) {
        if (s[i] != '&' && (i == 0 || s[i - 1] == '&')) {
            count++;
        }
    }
    if (count == 0) {
        return 0;
    }
    if (count > l->max_params) {
        *why = souk_psprintf(p, "Too many parameters (the limit is %zu).",
                             l->max_params);
        return 400;
    }
    kv = souk_palloc(p, count * sizeof(souk_kv_t));

    i = 0;
    while (i < n) {
        const char  *start = s + i;
        const char  *amp = memchr(start, '&', n - i);
        size_t       plen = amp ? (size_t) (amp - start) : n - i;
        const char  *eq = memchr(start, '=', plen);
        size_t       nlen = eq ? (size_t) (eq - start) : plen;

        i += plen + 1;
        if (nlen == 0) {
            /* "&&" or "=value": nothing a handler could look up. */
            continue;
        }
        rc = urlenc_one(p, start, nlen, l, &kv[k].name, why);
        if (rc != 0) {
            return rc;
        }
        if (eq != NULL) {
            rc = urlenc_one(p, eq + 1, plen - nlen - 1, l, &kv[k].value, why);
            if (rc != 0) {
                return rc;
            }
        } else {
            kv[k].value = "";
        }
        k++;
    }
    *out = kv;
    *nout = k;
    return 0;
}

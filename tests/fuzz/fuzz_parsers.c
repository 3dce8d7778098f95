/* libFuzzer target: the request sub-parsers, picked by the first byte. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "souk_core.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static souk_pool_t  *pool;
static sk_limits_t   lim = {
    .max_body = 4096, .max_drain = 4096, .max_params = 16,
    .max_param_len = 64, .max_headers = 8, .max_header_len = 128,
    .max_uri_len = 256, .max_uploads = 4, .max_json_depth = 8,
};

#define FZ_CHECK(c)  do { if (!(c)) { abort(); } } while (0)

static void
fz_utf8(const char *s)
{
    FZ_CHECK(s != NULL && sk_utf8_valid(s, strlen(s)));
}

static void
fz_kv(const souk_kv_t *kv, size_t n)
{
    size_t  i;

    for (i = 0; i < n; i++) {
        fz_utf8(kv[i].name);
        fz_utf8(kv[i].value);
    }
}

/* "boundary\nbody": the boundary goes into a Content-Type. */
static void
fz_multipart(const char *s, size_t n)
{
    const char     *nl = memchr(s, '\n', n), *why = NULL;
    size_t          blen = nl ? (size_t) (nl - s) : n, i, nf, nu;
    const char     *body = nl ? nl + 1 : "";
    size_t          len = nl ? n - blen - 1 : 0;
    char           *ct;
    souk_kv_t      *f;
    souk_upload_t  *u;
    int             rc;

    ct = souk_psprintf(pool, "multipart/form-data; boundary=%s",
                       souk_pstrndup(pool, s, blen));
    rc = sk_multipart_parse(pool, ct, body, len, &lim, &f, &nf, &u, &nu,
                            &why);
    if (rc != 0) {
        FZ_CHECK(rc == 400 && why != NULL);
        return;
    }
    FZ_CHECK(nf <= lim.max_params && nu <= lim.max_uploads);
    fz_kv(f, nf);
    for (i = 0; i < nu; i++) {
        fz_utf8(u[i].name);
        fz_utf8(u[i].filename);
        FZ_CHECK(strpbrk(u[i].filename, "/\\") == NULL);
        FZ_CHECK(u[i].data >= body && u[i].data + u[i].len <= body + len);
    }
}

static void
fz_path(const char *s, size_t n)
{
    const char  *p = sk_path_normalize(pool, s, n);
    size_t       len;

    if (p == NULL) {
        return;
    }
    len = strlen(p);
    fz_utf8(p);
    FZ_CHECK(p[0] == '/' && strstr(p, "//") == NULL);
    FZ_CHECK(strstr(p, "/./") == NULL && strstr(p, "/../") == NULL);
    FZ_CHECK(len < 3 || strcmp(p + len - 3, "/..") != 0);
    FZ_CHECK(len < 2 || strcmp(p + len - 2, "/.") != 0);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char  *s = (const char *) data + 1, *why = NULL;
    size_t       n = size - 1, nk;
    souk_kv_t   *kv;
    char        *d;
    int          rc;

    if (size == 0) {
        return 0;
    }
    if (pool == NULL) {
        pool = sk_pool_create(8192);
    }
    switch (data[0] % 5) {
    case 0:
        fz_multipart(s, n);
        break;
    case 1:
        rc = sk_urlencoded_parse(pool, s, n, &lim, &kv, &nk, &why);
        if (rc == 0) {
            FZ_CHECK(nk <= lim.max_params);
            fz_kv(kv, nk);
        } else {
            FZ_CHECK(rc == 400 && why != NULL);
        }
        break;
    case 2:
        fz_path(s, n);
        break;
    case 3:
        sk_cookies_parse(pool, souk_pstrndup(pool, s, n), &kv, &nk);
        fz_kv(kv, nk);
        break;
    default:
        d = sk_url_decode(pool, s, n, n & 1);
        if (d != NULL) {
            fz_utf8(d);
            FZ_CHECK(strlen(d) <= n);
        }
        break;
    }
    sk_pool_reset(pool);
    return 0;
}

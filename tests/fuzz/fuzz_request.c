/* libFuzzer target: FastCGI params and a body through sk_request_parse. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "souk_core.h"

/*
 * Input: byte 0 picks how many body bytes the reader hands out per call
 * (0 = all it is asked for); then "NAME=VALUE" params separated by '\n' up
 * to the first NUL byte; the rest is the body.
 */

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

typedef struct {
    const char  *p;
    size_t       len, pos, chunk;
} fz_io_t;

static souk_pool_t  *pool;
static sk_limits_t   lim = {
    .max_body = 512, .max_drain = 1024, .max_params = 16,
    .max_param_len = 64, .max_headers = 8, .max_header_len = 128,
    .max_uri_len = 256, .max_uploads = 4, .max_json_depth = 8,
};

static ssize_t
fz_read(void *io, char *buf, size_t n)
{
    fz_io_t  *m = io;
    size_t    k = m->len - m->pos;

    if (k > n) {
        k = n;
    }
    if (m->chunk != 0 && k > m->chunk) {
        k = m->chunk;
    }
    memcpy(buf, m->p + m->pos, k);
    m->pos += k;
    return (ssize_t) k;
}

#define FZ_CHECK(c)  do { if (!(c)) { abort(); } } while (0)

static void
fz_check_kv(const souk_kv_t *kv, size_t n)
{
    size_t  i;

    for (i = 0; i < n; i++) {
        FZ_CHECK(kv[i].name != NULL && kv[i].value != NULL);
        FZ_CHECK(sk_utf8_valid(kv[i].name, strlen(kv[i].name)));
        FZ_CHECK(sk_utf8_valid(kv[i].value, strlen(kv[i].value)));
    }
}

/* What a handler relies on once the parser said yes. */
static void
fz_check_ok(const souk_request_t *r)
{
    const char  *p = r->full_path;
    size_t       i;

    FZ_CHECK(p != NULL && p[0] == '/');
    FZ_CHECK(strstr(p, "//") == NULL && strstr(p, "/./") == NULL);
    FZ_CHECK(strstr(p, "/../") == NULL);
    FZ_CHECK(strlen(p) < 3 || strcmp(p + strlen(p) - 3, "/..") != 0);
    FZ_CHECK(sk_utf8_valid(p, strlen(p)));
    FZ_CHECK(r->method != 0 && r->method_name != NULL);
    FZ_CHECK(r->host != NULL && strchr(r->host, '/') == NULL);
    FZ_CHECK(r->body != NULL && r->body[r->body_len] == '\0');
    FZ_CHECK(r->body_len <= lim.max_body);
    FZ_CHECK(r->nheaders <= lim.max_headers);
    FZ_CHECK(r->nquery + r->nform <= lim.max_params);
    FZ_CHECK(r->nuploads <= lim.max_uploads);
    fz_check_kv(r->headers, r->nheaders);
    fz_check_kv(r->query, r->nquery);
    fz_check_kv(r->form, r->nform);
    fz_check_kv(r->cookies, r->ncookies);
    for (i = 0; i < r->nuploads; i++) {
        const souk_upload_t  *u = &r->uploads[i];

        FZ_CHECK(strpbrk(u->filename, "/\\") == NULL);
        FZ_CHECK(sk_utf8_valid(u->filename, strlen(u->filename)));
        FZ_CHECK(u->data >= r->body
                 && u->data + u->len <= r->body + r->body_len);
    }
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    souk_request_t   r;
    fz_io_t          io;
    const char      *nul;
    char            *env, **envp;
    size_t           elen, n = 1, i, k = 0, idlen;
    int              rc;

    if (size == 0) {
        return 0;
    }
    if (pool == NULL) {
        pool = sk_pool_create(8192);
    }
    memset(&io, 0, sizeof(io));
    io.chunk = data[0] % 17;
    data++;
    size--;
    nul = memchr(data, '\0', size);
    elen = nul ? (size_t) (nul - (const char *) data) : size;
    io.p = nul ? nul + 1 : "";
    io.len = nul ? size - elen - 1 : 0;

    env = souk_pstrndup(pool, (const char *) data, elen);
    for (i = 0; i < elen; i++) {
        n += env[i] == '\n';
    }
    envp = souk_palloc(pool, (n + 1) * sizeof(char *));
    envp[k++] = env;
    for (i = 0; i < elen; i++) {
        if (env[i] == '\n') {
            env[i] = '\0';
            envp[k++] = env + i + 1;
        }
    }
    envp[k] = NULL;

    memset(&r, 0, sizeof(r));
    r.pool = pool;
    r.limits = &lim;
    rc = sk_request_parse(&r, envp, fz_read, &io);
    idlen = strlen(r.id);
    FZ_CHECK(idlen > 0 && idlen < sizeof(r.id));
    if (rc == 0) {
        fz_check_ok(&r);
    } else {
        FZ_CHECK(rc == 400 || rc == 413 || rc == 414 || rc == 431
                 || rc == 501);
        FZ_CHECK(r.error_msg != NULL && r.error_msg[0] != '\0');
    }
    sk_pool_reset(pool);
    return 0;
}

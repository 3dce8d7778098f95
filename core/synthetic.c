/* The request a plugin command or a job runs on: bound to a site, with no
 * HTTP client, no session and the operator's full rights. */
#include <string.h>

#include <sodium.h>

#include "souk_core.h"
#include "auth_int.h"

/*
 * Every souk_* call a handler makes must work on this request, so the
 * fields a parsed request would fill get harmless values: empty tables,
 * path "/", the site's limits. The session is settled up front as one an
 * API token would have: souk_session_start declines, souk_session_set and
 * souk_session_login fail, souk_user_id is 0, and nothing is written to
 * souk_sessions by code that merely looks.
 */
static void
sk_synthetic_id(souk_request_t *r)
{
    static const char  hex[] = "0123456789abcdef";
    unsigned char      rnd[16];
    size_t             i;

    randombytes_buf(rnd, sizeof(rnd));
    for (i = 0; i < sizeof(rnd); i++) {
        r->id[2 * i] = hex[rnd[i] >> 4];
        r->id[2 * i + 1] = hex[rnd[i] & 0x0f];
    }
    r->id[2 * sizeof(rnd)] = '\0';
}

souk_request_t *
sk_request_synthetic(sk_runtime_t *rt, const sk_site_t *site,
    souk_pool_t *pool)
{
    souk_request_t  *r;
    sk_session_t    *s;

    r = souk_pcalloc(pool, sizeof(*r));
    s = souk_pcalloc(pool, sizeof(*s));
    r->pool = pool;
    r->rt = rt;
    r->limits = rt != NULL && rt->cfg != NULL ? &rt->cfg->limits : NULL;
    sk_synthetic_id(r);
    clock_gettime(CLOCK_REALTIME, &r->start);
    r->method = 0;
    r->method_name = "CLI";
    r->uri = "/";
    r->full_path = "/";
    r->path = "/";
    r->query_string = "";
    r->host = "";
    r->remote_addr = "local";
    r->site = site;
    r->enabled = site != NULL ? site->enabled
                 : rt != NULL ? rt->all_enabled : NULL;
    r->status = 200;
    r->command = 1;
    s->loaded = 1;
    s->token_auth = 1;
    r->session = s;
    return r;
}

SOUK_API int
souk_request_is_command(const souk_request_t *r)
{
    return r != NULL && r->command;
}

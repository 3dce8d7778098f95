/* The request a plugin command or a job runs on: bound to a site, with no
 * HTTP client, no session and the operator's full rights. */
#include <string.h>

#include "souk_core.h"
#include "auth_int.h"

static void
sk_synthetic_pool_free(void *pool)
{
    sk_pool_destroy(pool);
}

/*
 * Every souk_* call a handler makes must work on this request, so the
 * fields a parsed request would fill get harmless values: empty tables,
 * path "/", the site's limits. The session is settled up front as one an
 * API token would have: souk_session_start declines, souk_session_set and
 * souk_session_login fail, souk_user_id is 0, and nothing is written to
 * souk_sessions by code that merely looks.
 */
souk_request_t *
sk_request_synthetic(sk_runtime_t *rt, const sk_site_t *site,
    souk_pool_t *pool)
{
    souk_request_t  *r;
    sk_session_t    *s;

    r = souk_pcalloc(pool, sizeof(*r));
    s = souk_pcalloc(pool, sizeof(*s));
    /* The plugin's allocations go to a pool of their own, so a long
     * command can free them between batches (souk_request_pool_reset)
     * while r itself, in the caller's pool, stays. */
    r->pool = sk_pool_create(16384);
    if (r->pool == NULL) {
        r->pool = pool;         /* no reset then (see there) */
    } else {
        souk_pool_cleanup_add(pool, sk_synthetic_pool_free, r->pool);
    }
    r->own_pool = r->pool != pool;
    r->rt = rt;
    r->limits = rt != NULL && rt->cfg != NULL ? &rt->cfg->limits : NULL;
    sk_request_random_id(r);
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

SOUK_API int
souk_request_pool_reset(souk_request_t *r)
{
    if (r == NULL || !r->command || !r->own_pool) {
        return SOUK_DECLINED;
    }
    sk_pool_reset(r->pool);
    /* what pointed into the pool is gone with it */
    r->view = NULL;
    r->tmpl = NULL;
    r->theme = NULL;
    r->error_msg = NULL;
    r->resp_headers = NULL;
    r->nresp_headers = 0;
    r->resp_cap = 0;
    r->out_body = NULL;
    r->out_len = 0;
    r->out_type = NULL;
    return SOUK_OK;
}

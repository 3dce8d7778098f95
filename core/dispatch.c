/* Runs one parsed request: site, hooks, route, handler, view filter. */
#include <string.h>

#include "souk_core.h"
#include "db_int.h"

/* Actions run with the site's plugins only; NULL hooks (a bare runtime in
 * a tool or a test) means nobody listens. */
static int
sk_dispatch_action(souk_request_t *r, const char *name)
{
    if (r->rt->hooks == NULL) {
        return SOUK_OK;
    }
    return sk_hooks_run_action(r->rt->hooks, r, name, NULL);
}

/* A handler that failed leaves nothing half-made in the answer. */
static void
sk_dispatch_internal_error(souk_request_t *r)
{
    r->nresp_headers = 0;
    sk_request_fail(r, 500, "internal error");
}

static void
sk_dispatch_not_allowed(souk_request_t *r, unsigned allow)
{
    char  buf[128];

    souk_response_header(r, "Allow", sk_methods_str(allow, buf,
                                                     sizeof(buf)));
    sk_request_fail(r, 405, souk_psprintf(r->pool, "this address does "
                    "not take %s", r->method_name ? r->method_name : "it"));
}

/* Runs the handler, then the filter "view.<template>" on its model. */
static void
sk_dispatch_handler(souk_request_t *r, const sk_match_t *m)
{
    sk_runtime_t  *rt = r->rt;
    int            status;
    const char    *name;

    r->route = m->route;
    r->route_pattern = m->pattern;
    r->cur_plugin = m->owner < rt->nplugins ? rt->plugins[m->owner] : NULL;
    status = m->handler(r, m->data);
    if (status == SOUK_ERROR || status < 100 || status > 599) {
        /* cur_plugin is still the handler's, so the line names it. */
        souk_log(r, SOUK_LOG_ERROR, "route %s answered %d; the client gets "
                 "500", m->pattern, status);
        r->cur_plugin = NULL;
        sk_dispatch_internal_error(r);
        return;
    }
    r->cur_plugin = NULL;
    r->status = status;
    if (r->view == NULL || r->out_body != NULL || rt->hooks == NULL) {
        return;
    }
    name = souk_psprintf(r->pool, "view.%s", r->tmpl ? r->tmpl : "page");
    if (sk_hooks_run_filter(rt->hooks, r, name, r->view) == SOUK_ERROR) {
        souk_log(r, SOUK_LOG_ERROR, "filter %s failed; the client gets 500",
                 name);
        sk_dispatch_internal_error(r);
    }
}

static void
sk_dispatch_route(souk_request_t *r)
{
    sk_runtime_t  *rt = r->rt;
    sk_match_t     m;
    int            rc;

    if (rt->router == NULL) {
        sk_request_fail(r, 404, "no page at this address");
        return;
    }
    memset(&m, 0, sizeof(m));
    rc = sk_router_match(rt->router, r->enabled, r->method, r->path, r, &m);
    if (rc == 405) {
        sk_dispatch_not_allowed(r, m.allow);
        return;
    }
    if (rc != 200 || m.handler == NULL) {
        sk_request_fail(r, 404, "no page at this address");
        return;
    }
    /* API token, permission and CSRF token are settled before the
     * handler runs, so a refused request changes nothing. */
    rc = sk_session_check(r, m.flags, m.perm);
    if (rc != 0) {
        sk_request_fail(r, rc, r->error_msg);
    } else {
        sk_dispatch_handler(r, &m);
    }
    sk_session_finish(r);
}

void
sk_dispatch(souk_request_t *r)
{
    const sk_site_t  *site;
    const char       *full = r->full_path != NULL ? r->full_path : "/";
    size_t            plen;

    /* X-Souk-Queries counts from here: what the site refresh between
     * requests ran is no part of this answer. */
    sk_db_queries_reset(r->rt->db);
    site = sk_sites_resolve(r->rt->sites, r->host, full, &plen);
    if (site == NULL) {
        r->path = full;
        sk_request_fail(r, 404, "no site is served at this address");
        return;
    }
    r->site = site;
    r->enabled = site->enabled;
    r->path = full[plen] != '\0' ? full + plen : "/";

    if (sk_dispatch_action(r, "request.begin") == SOUK_ERROR) {
        /* The plugin that refused logged why; the client learns nothing
         * of its internals. */
        sk_dispatch_internal_error(r);
    } else {
        sk_dispatch_route(r);
    }
    if (sk_dispatch_action(r, "request.end") == SOUK_ERROR) {
        souk_log(r, SOUK_LOG_WARN, "request.end failed after the answer "
                 "was made");
    }
    r->cur_plugin = NULL;
}

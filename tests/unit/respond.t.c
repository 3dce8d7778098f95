/* Unit tests for dispatch, responses and logs, on a hand-built runtime. */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../../core/pool.c"
#include "../../core/buf.c"
#include "../../core/router.c"
#include "../../core/hook.c"
#include "../../core/config.c"
#include "../../core/site.c"
#include "../../core/log.c"
#include "../../core/response.c"
#include "../../core/respond.c"
#include "../../core/dispatch.c"
#include "tap.h"

/* Stand-ins for request.c and plugin.c. */
void
sk_limits_default(sk_limits_t *l)
{
    memset(l, 0, sizeof(*l));
}

/* Stand-ins for session.c: sessions and CSRF have their own test. */
int
sk_session_check(souk_request_t *r, unsigned route_flags, const char *perm)
{
    (void) r;
    (void) route_flags;
    (void) perm;
    return 0;
}

void
sk_session_finish(souk_request_t *r)
{
    (void) r;
}

int
sk_plugin_index(const sk_runtime_t *rt, const char *name)
{
    size_t  i;

    for (i = 0; i < rt->nplugins; i++) {
        if (strcmp(rt->plugins[i]->name, name) == 0) {
            return (int) i;
        }
    }
    return -1;
}

static sk_runtime_t  rt;
static souk_pool_t  *pool;
static int           begun, ended;
static char          dir[] = "/tmp/souk-respond-t.XXXXXX";
static char          errlog[256], acclog[256];

/* ---- the "hello" plugin's handlers and hooks ---- */

static int
h_hello(souk_request_t *r, void *data)
{
    cJSON  *v = souk_view_new(r, "hello");

    (void) data;
    cJSON_AddStringToObject(v, "title", "Greeting");
    cJSON_AddStringToObject(v, "greeting", "Hello");
    return 200;
}

static int
h_xss(souk_request_t *r, void *data)
{
    cJSON  *v = souk_view_new(r, "x\"ss");
    cJSON  *a = cJSON_AddArrayToObject(v, "list");

    (void) data;
    cJSON_AddStringToObject(v, "q", "<script>alert(1)</script>");
    cJSON_AddStringToObject(v, "<b>", "it's & more");
    cJSON_AddItemToArray(a, cJSON_CreateNumber(2.5));
    cJSON_AddItemToArray(a, cJSON_CreateNull());
    return 200;
}

static int
h_boom(souk_request_t *r, void *data)
{
    (void) data;
    souk_response_header(r, "Set-Cookie", "half=made");
    return SOUK_ERROR;
}

static int
h_weird(souk_request_t *r, void *data)
{
    (void) r;
    (void) data;
    return 42;
}

static int
h_missing(souk_request_t *r, void *data)
{
    (void) data;
    return souk_error(r, 404, "no such <product> %d", 7);
}

static int
h_raw(souk_request_t *r, void *data)
{
    (void) data;
    souk_response_header(r, "X-Frame-Options", "DENY");
    souk_response_body(r, "text/csv", "a,b\n", 4);
    return 200;
}

static int
h_redir(souk_request_t *r, void *data)
{
    (void) data;
    return souk_redirect(r, 303, "/hello");
}

static int
f_hello(souk_request_t *r, cJSON *v, void *data)
{
    (void) r;
    (void) data;
    cJSON_AddTrueToObject(v, "filtered");
    return SOUK_OK;
}

static int
a_begin(souk_request_t *r, const cJSON *e, void *data)
{
    (void) r;
    (void) e;
    (void) data;
    begun++;
    return SOUK_OK;
}

static int
a_end(souk_request_t *r, const cJSON *e, void *data)
{
    (void) r;
    (void) e;
    (void) data;
    ended++;
    return SOUK_OK;
}

static int
s_footer(souk_request_t *r, souk_buf_t *out, const cJSON *m, void *data)
{
    (void) r;
    (void) m;
    (void) data;
    souk_buf_puts(out, "<small>made with souk</small>");
    return SOUK_OK;
}

/* ---- the runtime: one plugin, two sites ---- */

static sk_plugin_t  p_hello = { .name = "hello" };
static char         h_demo[] = "demo.test", h_mini[] = "demo.test/mini";
static char         pn_hello[] = "hello";
static char        *demo_hosts[] = { h_demo }, *mini_hosts[] = { h_mini };
static char        *plugin_names[] = { pn_hello };
static sk_site_t    sites[] = {
    { .id = "demo", .hosts = demo_hosts, .nhosts = 1,
      .plugin_names = plugin_names, .nplugin_names = 1 },
    { .id = "mini", .hosts = mini_hosts, .nhosts = 1 },
};
static sk_config_t  cfg = { .sites = sites, .nsites = 2 };

static void
route(unsigned methods, const char *pattern, souk_handler_pt h)
{
    char  err[256];
    int   dup;

    if (sk_router_add(rt.router, 0, methods, pattern, h, NULL, &dup, err,
                      sizeof(err)) != SOUK_OK)
    {
        printf("Bail out! %s\n", err);
        exit(1);
    }
}

static void
setup(void)
{
    char  err[256];

    pool = sk_pool_create(4096);
    rt.cfg = &cfg;
    rt.plugins[0] = &p_hello;
    rt.nplugins = 1;
    rt.router = sk_router_create();
    rt.hooks = sk_hooks_create();
    route(SOUK_GET, "/hello", h_hello);
    route(SOUK_GET, "/xss", h_xss);
    route(SOUK_GET, "/boom", h_boom);
    route(SOUK_GET, "/weird", h_weird);
    route(SOUK_GET, "/missing", h_missing);
    route(SOUK_GET, "/raw", h_raw);
    route(SOUK_GET, "/redir", h_redir);
    sk_hooks_add(rt.hooks, SK_HOOK_FILTER, "view.hello", 0, 50,
                 (void (*)(void)) f_hello, NULL);
    sk_hooks_add(rt.hooks, SK_HOOK_ACTION, "request.begin", 0, 50,
                 (void (*)(void)) a_begin, NULL);
    sk_hooks_add(rt.hooks, SK_HOOK_ACTION, "request.end", 0, 50,
                 (void (*)(void)) a_end, NULL);
    sk_hooks_add(rt.hooks, SK_HOOK_SLOT, "page.footer", 0, 50,
                 (void (*)(void)) s_footer, NULL);
    sk_hooks_sort(rt.hooks);
    rt.sites = sk_sites_build(&cfg, &rt, err, sizeof(err));
    if (rt.sites == NULL) {
        printf("Bail out! %s\n", err);
        exit(1);
    }
}

/* ---- one request, captured ---- */

static char             out[65536];
static size_t           outlen;
static souk_request_t   req;

static int
capture(void *io, const char *buf, size_t n)
{
    (void) io;
    if (outlen + n >= sizeof(out)) {
        return -1;
    }
    memcpy(out + outlen, buf, n);
    outlen += n;
    out[outlen] = '\0';
    return (int) n;
}

static void
prepare(unsigned method, const char *mname, const char *host,
    const char *path, int json)
{
    sk_pool_reset(pool);
    memset(&req, 0, sizeof(req));
    req.pool = pool;
    req.rt = &rt;
    strcpy(req.id, "req1");
    req.method = method;
    req.method_name = mname;
    req.host = host;
    req.full_path = path;
    req.wants_json = json;
    outlen = 0;
    out[0] = '\0';
}

static void
get(const char *path, int json)
{
    prepare(SOUK_GET, "GET", "demo.test", path, json);
    sk_dispatch(&req);
    sk_respond(&req, capture, NULL);
}

static const char *
body(void)
{
    char  *p = strstr(out, "\r\n\r\n");

    return p != NULL ? p + 4 : "(no blank line)";
}

/* The value of a response header, "" when absent; copies to a static. */
static const char *
header(const char *name)
{
    static char   v[512];
    char          key[128];
    const char   *p, *end = strstr(out, "\r\n\r\n");
    size_t        n;

    snprintf(key, sizeof(key), "\r\n%s: ", name);
    p = strstr(out, key);
    if (p == NULL || end == NULL || p > end) {
        return "";
    }
    p += strlen(key);
    n = strcspn(p, "\r");
    snprintf(v, sizeof(v), "%.*s", (int) n, p);
    return v;
}

static int
count(const char *hay, const char *needle)
{
    int  n = 0;

    for (; (hay = strstr(hay, needle)) != NULL; hay++) {
        n++;
    }
    return n;
}

static int
has(const char *needle)
{
    return strstr(out, needle) != NULL;
}

/* ---- tests ---- */

static void
test_html_and_json(void)
{
    char         len[32];
    const char  *lenp = len;

    get("/hello", 0);
    ok(strncmp(out, "Status: 200 OK\r\n", 16) == 0, "CGI status line first");
    is_str(header("Content-Type"), "text/html; charset=utf-8", "HTML type");
    snprintf(len, sizeof(len), "%zu", strlen(body()));
    is_str(header("Content-Length"), lenp, "Content-Length is the body's");
    ok(strncmp(body(), "<!DOCTYPE html>", 15) == 0, "HTML page");
    ok(has("<title>Greeting</title>"), "title from the model");
    ok(has("<body data-template=\"hello\">"), "data-template");
    ok(has("<dt>greeting</dt><dd>Hello</dd>"), "model rendered as <dl>");
    ok(has("<dt>filtered</dt><dd>true</dd>"), "view.hello filter ran");
    ok(has("<footer><small>made with souk</small></footer>"),
       "page.footer slot rendered");
    ok(!has("<script") && !has("style="), "no inline script or style");
    is_int(begun, 1, "request.begin ran");
    is_int(ended, 1, "request.end ran");
    is_str(req.route_pattern, "/hello", "route pattern kept for the log");
    is_str(req.site->id, "demo", "site set");
    ok(req.cur_plugin == NULL, "cur_plugin cleared after dispatch");

    get("/hello", 1);
    is_str(header("Content-Type"), "application/json; charset=utf-8",
           "JSON type");
    is_str(body(), "{\"title\":\"Greeting\",\"greeting\":\"Hello\","
           "\"filtered\":true}", "JSON body is the filtered model");
}

static void
test_security_headers(void)
{
    get("/hello", 0);
    is_str(header("X-Content-Type-Options"), "nosniff", "nosniff");
    is_str(header("X-Frame-Options"), "SAMEORIGIN", "X-Frame-Options");
    is_str(header("Referrer-Policy"), "strict-origin-when-cross-origin",
           "Referrer-Policy");
    is_str(header("Content-Security-Policy"), "default-src 'self'; img-src "
           "'self' data:; object-src 'none'; base-uri 'self'; form-action "
           "'self'; frame-ancestors 'self'", "Content-Security-Policy");
    is_str(header("X-Request-Id"), "req1", "X-Request-Id");
    is_str(header("Cache-Control"), "", "no Cache-Control on a 200");

    get("/missing", 1);
    is_str(header("X-Content-Type-Options"), "nosniff",
           "security headers on errors too");
    is_str(header("Cache-Control"), "no-store", "errors are not cached");

    get("/raw", 0);
    is_str(header("X-Frame-Options"), "DENY", "handler's header wins");
    is_int(count(out, "X-Frame-Options"), 1, "and is not doubled");
    is_str(header("Content-Type"), "text/csv", "raw body type");
    is_str(body(), "a,b\n", "raw body sent as is");
    is_str(header("Content-Length"), "4", "raw body length");
}

static void
test_escaping(void)
{
    get("/xss", 0);
    ok(!has("<script>"), "no <script> from the model in the page");
    ok(has("<dd>&lt;script&gt;alert(1)&lt;/script&gt;</dd>"),
       "model string escaped");
    ok(has("<dt>&lt;b&gt;</dt><dd>it&#39;s &amp; more</dd>"),
       "keys and quotes escaped");
    ok(has("data-template=\"x&quot;ss\""), "template name escaped");
    ok(has("<title>x&quot;ss</title>"), "title falls back to the template");
    ok(has("<ul><li>2.5</li><li></li></ul>"), "arrays as <ul>");

    get("/missing", 0);
    is_str(header("Status"), "", "Status is the first line, not repeated");
    ok(strncmp(out, "Status: 404 Not Found\r\n", 23) == 0, "404 status");
    ok(has("<h1>404 Not Found</h1>"), "error page names the status");
    ok(has("<p>no such &lt;product&gt; 7</p>"), "error message escaped");
}

static void
test_head(void)
{
    char         getlen[32];
    const char  *getlenp = getlen;

    get("/hello", 0);
    snprintf(getlen, sizeof(getlen), "%s", header("Content-Length"));
    prepare(SOUK_HEAD, "HEAD", "demo.test", "/hello", 0);
    sk_dispatch(&req);
    sk_respond(&req, capture, NULL);
    ok(strncmp(out, "Status: 200 OK\r\n", 16) == 0, "HEAD runs the GET route");
    is_str(header("Content-Length"), getlenp, "HEAD has the GET length");
    ok(atoi(getlen) > 100, "which is not zero");
    is_str(body(), "", "HEAD has no body");
}

static void
test_errors(void)
{
    prepare(SOUK_POST, "POST", "demo.test", "/hello", 0);
    sk_dispatch(&req);
    sk_respond(&req, capture, NULL);
    ok(strncmp(out, "Status: 405 Method Not Allowed\r\n", 32) == 0, "405");
    is_str(header("Allow"), "GET, HEAD", "Allow header");

    get("/nope", 1);
    ok(strncmp(out, "Status: 404 Not Found\r\n", 23) == 0, "404 no route");
    is_str(body(), "{\"error\":{\"status\":404,\"message\":\"no page at this "
           "address\"},\"request_id\":\"req1\"}", "error JSON shape");

    prepare(SOUK_GET, "GET", "elsewhere.test", "/hello", 1);
    sk_dispatch(&req);
    sk_respond(&req, capture, NULL);
    ok(strstr(body(), "\"status\":404,\"message\":\"no site is served at "
              "this address\"") != NULL, "unknown host: 404");
    ok(req.site == NULL, "no site set");

    get("/boom", 0);
    ok(strncmp(out, "Status: 500 Internal Server Error\r\n", 35) == 0,
       "SOUK_ERROR from a handler: 500");
    is_str(header("Set-Cookie"), "", "the failed handler's headers dropped");
    get("/weird", 0);
    ok(strncmp(out, "Status: 500 ", 12) == 0, "status 42: 500");

    get("/redir", 0);
    ok(strncmp(out, "Status: 303 See Other\r\n", 23) == 0, "redirect");
    is_str(header("Location"), "/hello", "Location");
    is_str(header("Content-Length"), "0", "empty redirect body");

    prepare(SOUK_GET, "GET", NULL, NULL, 0);
    req.uri = "/x";
    sk_request_fail(&req, 400, "bad <input>");
    sk_respond(&req, capture, NULL);
    ok(strncmp(out, "Status: 400 Bad Request\r\n", 25) == 0,
       "a parse failure answered without dispatch");
    ok(has("<p>bad &lt;input&gt;</p>"), "its message escaped");
}

static void
test_api(void)
{
    prepare(SOUK_GET, "GET", "demo.test", "/", 0);
    is_int(souk_response_header(&req, "X-Ok", "fine"), SOUK_OK, "header ok");
    is_int(souk_response_header(&req, "X-Bad", "a\r\nSet-Cookie: x=1"),
           SOUK_ERROR, "CR LF in a value refused");
    is_int(souk_response_header(&req, "Bad Name", "v"), SOUK_ERROR,
           "a name that is not a token refused");
    is_int(souk_response_header(&req, "Content-Length", "1"), SOUK_ERROR,
           "Content-Length is the core's");
    is_int(req.nresp_headers, 1, "only the good header kept");
    is_int(souk_redirect(&req, 200, "/x"), SOUK_ERROR, "redirect with 200");
    ok(souk_view(&req) == NULL, "no model yet");
    souk_view_new(&req, "a");
    souk_view_new(&req, "b");
    is_str(souk_view_template(&req), "b", "souk_view_new replaces");
}

static const char *
read_file(const char *p)
{
    static char  buf[8192];
    FILE        *f = fopen(p, "r");
    size_t       n = 0;

    if (f != NULL) {
        n = fread(buf, 1, sizeof(buf) - 1, f);
        fclose(f);
    }
    buf[n] = '\0';
    return buf;
}

static void
test_logs(void)
{
    char         want[256];
    const char  *log;

    get("/boom", 0);
    sk_log_access(&req, 123);
    prepare(SOUK_GET, "GET", "demo.test", "/mini/hello", 0);
    sk_dispatch(&req);
    sk_respond(&req, capture, NULL);
    is_str(req.site->id, "mini", "host/prefix site");
    is_str(req.path, "/hello", "the prefix is stripped from the path");
    ok(strncmp(out, "Status: 404 ", 12) == 0, "hello is off on mini");
    prepare(SOUK_GET, "GET", "demo.test", "/a b\nc", 0);
    req.status = 404;
    sk_log_access(&req, 7);

    log = read_file(errlog);
    snprintf(want, sizeof(want), "Z [error] soukd[%ld] req=req1 site=demo "
             "plugin=hello: route /boom answered -1; the client gets 500\n",
             (long) getpid());
    ok(strstr(log, want) != NULL, "error line names request, site, plugin");
    ok(strncmp(log, "20", 2) == 0 && log[10] == 'T', "ISO time first");

    log = read_file(acclog);
    ok(strstr(log, "Z req=req1 site=demo method=GET path=/boom route=/boom "
              "status=500 us=123\n") != NULL, "access line");
    ok(strstr(log, " site=- method=GET path=/a%20b%0ac route=- status=404 "
              "us=7\n") != NULL, "access line: unknowns and escapes");
    is_int(count(log, "\n"), 2, "one line per request");
}

int
main(void)
{
    if (mkdtemp(dir) == NULL) {
        perror("mkdtemp");
        return 1;
    }
    snprintf(errlog, sizeof(errlog), "%s/error.log", dir);
    snprintf(acclog, sizeof(acclog), "%s/access.log", dir);
    if (sk_log_open(errlog, acclog) != SOUK_OK) {
        return 1;
    }
    setup();
    test_html_and_json();
    test_security_headers();
    test_escaping();
    test_head();
    test_errors();
    test_api();
    test_logs();

    sk_pool_destroy(pool);
    sk_sites_free(rt.sites);
    sk_router_destroy(rt.router);
    sk_hooks_destroy(rt.hooks);
    unlink(errlog);
    unlink(acclog);
    rmdir(dir);
    return done_testing();
}

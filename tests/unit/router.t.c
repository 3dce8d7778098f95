/* Unit tests for the router: patterns, constraints, 404/405, owners. */
#include "../../core/pool.c"
#include "../../core/router.c"

#include "tap.h"

static int  log_calls;

/* The real souk_log lives in core/log.c; here it only counts. */
SOUK_API void
souk_log(souk_request_t *r, int level, const char *fmt, ...)
{
    (void) r;
    (void) level;
    (void) fmt;
    log_calls++;
}

static int
h_a(souk_request_t *r, void *data)
{
    (void) r;
    (void) data;
    return 200;
}

static int
h_b(souk_request_t *r, void *data)
{
    (void) r;
    (void) data;
    return 201;
}

static unsigned char  all_on[SK_PLUGIN_MAX];

static sk_router_t     *rt;
static souk_request_t   req;
static sk_match_t       m;

static int
match(unsigned method, const char *path)
{
    return sk_router_match(rt, all_on, method, path, &req, &m);
}

static const char *
param(const char *name)
{
    size_t  i;

    for (i = 0; i < req.nparams; i++) {
        if (strcmp(req.params[i].name, name) == 0) {
            return req.params[i].value;
        }
    }
    return NULL;
}

static int
add(unsigned owner, unsigned methods, const char *pattern,
    souk_handler_pt h)
{
    char  err[256];
    int   dup;

    return sk_router_add(rt, owner, methods, pattern, h, (void *) pattern,
                         &dup, err, sizeof(err));
}

static int  nlisted;
static char listed[1024];

static void
list_route(void *arg, unsigned owner, unsigned methods, const char *pattern)
{
    char  mb[64];
    int   n;

    (void) arg;
    nlisted++;
    n = snprintf(listed + strlen(listed), sizeof(listed) - strlen(listed),
                 "%u %s %s\n", owner, sk_methods_str(methods, mb, sizeof(mb)),
                 pattern);
    (void) n;
}

static void
test_params(void)
{
    is_int(match(SOUK_GET, "/"), 200, "GET / matches the literal route");
    is_int(req.nparams, 0, "a literal route has no params");
    ok(m.handler == h_a && strcmp(m.data, "/") == 0,
       "handler and data of the matched route are returned");

    is_int(match(SOUK_GET, "/product/red-shoe"), 200, "{slug} matches");
    is_str(param("slug"), "red-shoe", "{slug} value is filled");
    is_str(m.pattern, "/product/{slug}", "m->pattern names the route");
    is_int(match(SOUK_GET, "/product/a/b"), 404, "{slug} takes one segment");
    is_int(match(SOUK_GET, "/product/"), 404, "{slug} needs one byte");
    is_int(match(SOUK_GET, "/product/x/"), 404, "trailing slash is a path");

    is_int(match(SOUK_GET, "/order/123456"), 200, "{n:[0-9]{6,}} matches 6");
    is_str(param("number"), "123456", "constrained value is filled");
    is_int(match(SOUK_GET, "/order/12345678"), 200, "{6,} takes more");
    is_int(match(SOUK_GET, "/order/12345"), 404, "{6,} refuses 5 digits");
    is_int(match(SOUK_GET, "/order/123456a"), 404,
           "constraint is anchored at the end");

    is_int(match(SOUK_GET, "/a/one/b/two"), 200, "two params match");
    ok(param("x") && param("y") && strcmp(param("x"), "one") == 0
       && strcmp(param("y"), "two") == 0, "both values land by name");
    is_int(match(SOUK_GET, "/a/one/b/TWO"), 404, "second constraint applies");

    is_int(match(SOUK_GET, "/v/xyx/last"), 200,
           "constraint with its own group matches");
    is_str(param("b"), "last", "group numbers skip the constraint's groups");
    is_str(param("a"), "xyx", "the constrained value is the whole group");

    is_int(match(SOUK_GET, "/files/a/b/c.txt"), 200, "{rest:.+} spans '/'");
    is_str(param("rest"), "a/b/c.txt", "catch-all value kept whole");

    is_int(match(SOUK_GET, "/a.b/1"), 200, "literal dot matches a dot");
    is_int(match(SOUK_GET, "/aXb/1"), 404, "literal dot is not a wildcard");
    is_int(match(SOUK_GET, "/d/7.json"), 200, "literal after a param");
    is_str(param("id"), "7", "value stops before the literal suffix");
    is_int(match(SOUK_GET, "/d/7Xjson"), 404,
           "a dot after a param is still literal");
    is_int(match(SOUK_GET, "/e/z/(a+)"), 200,
           "regex syntax in literal text matches itself");
    is_int(match(SOUK_GET, "/caf\xc3\xa9/7"), 200, "UTF-8 literal matches");
    is_str(param("id"), "7", "value after a UTF-8 literal");
    is_int(match(SOUK_GET, "/t/12-34"), 200, "\\d{2}-\\d{2} constraint");
    is_int(match(SOUK_GET, "/t/12-345"), 404, "\\d{2} is exact");
}

static void
test_methods(void)
{
    char  mb[64];

    is_int(match(SOUK_HEAD, "/product/x"), 200, "HEAD matches a GET route");
    ok(m.handler == h_a, "HEAD gets the GET handler");
    is_int(match(SOUK_POST, "/cart"), 200, "POST /cart matches");
    ok(m.handler == h_b, "POST /cart has its handler");
    is_int(match(SOUK_GET, "/cart"), 200, "GET /cart by another owner");
    ok(m.owner == 3, "owner of the matched route is reported");

    is_int(match(SOUK_DELETE, "/order/123456"), 405, "DELETE → 405");
    is_str(sk_methods_str(m.allow, mb, sizeof(mb)), "GET, HEAD, POST",
           "Allow is the union of matching routes, HEAD implied by GET");
    is_int(match(SOUK_PUT, "/cart"), 405, "PUT /cart → 405");
    is_str(sk_methods_str(m.allow, mb, sizeof(mb)), "GET, HEAD, POST",
           "Allow collects methods across routes of the same path");
    is_int(match(SOUK_OPTIONS, "/"), 405, "OPTIONS is not automatic");
    is_int(match(SOUK_POST, "/nothing"), 404, "unknown path → 404");
    is_int(m.allow, 0, "no Allow on 404");
    is_int(sk_router_match(rt, NULL, SOUK_GET, "/", &req, &m), 404,
           "no enabled set (no site) serves nothing");
}

static void
test_enabled(void)
{
    unsigned char  en[SK_PLUGIN_MAX];
    char           mb[64];

    memcpy(en, all_on, sizeof(en));
    en[1] = 0;
    is_int(sk_router_match(rt, en, SOUK_GET, "/order/123456", &req, &m), 404,
           "routes of a disabled owner do not exist");
    en[3] = 0;
    is_int(sk_router_match(rt, en, SOUK_GET, "/cart", &req, &m), 405,
           "disabled owner's GET /cart is gone, POST remains");
    is_str(sk_methods_str(m.allow, mb, sizeof(mb)), "POST",
           "Allow counts only enabled owners");
    en[2] = 0;
    is_int(sk_router_match(rt, en, SOUK_GET, "/cart", &req, &m), 404,
           "all owners of a path disabled → 404");
}

static void
test_refusals(void)
{
    char         err[256];
    const char  *s_err = err;    /* is_str wants a pointer, not an array */
    int          dup, before = (int) rt->nroutes;

    dup = 99;
    is_int(sk_router_add(rt, 4, SOUK_GET, "/product/{id}", h_b, NULL, &dup,
                         err, sizeof(err)), SOUK_ERROR,
           "same method and pattern with another name is refused");
    is_int(dup, 0, "dup_owner names the first owner");
    is_str(s_err, "route GET /product/{id} already registered",
           "duplicate error text");
    is_int(sk_router_add(rt, 4, SOUK_GET | SOUK_POST, "/product/{y:[^/]+}",
                         h_b, NULL, &dup, err, sizeof(err)), SOUK_ERROR,
           "{x} equals {y:[^/]+}");
    is_int(sk_router_add(rt, 0, SOUK_POST, "/order/{id:[0-9]{6,}}", h_b,
                         NULL, &dup, err, sizeof(err)), SOUK_ERROR,
           "overlapping method set is a duplicate");
    is_int(dup, 1, "dup_owner of the constrained route");
    is_str(s_err, "route POST /order/{id:[0-9]{6,}} already registered",
           "error names only the clashing methods");

    dup = 99;
    is_int(sk_router_add(rt, 4, SOUK_GET, "/x/{a:[0-9}", h_b, NULL, &dup,
                         err, sizeof(err)), SOUK_ERROR, "bad regex refused");
    is_int(dup, -1, "dup_owner -1 when not a duplicate");
    ok(strstr(err, "missing terminating ]") != NULL
       && strstr(err, "offset") != NULL && strstr(err, "{a}") != NULL,
       "error carries PCRE2's message, offset and param: %s", err);
    is_int(add(4, SOUK_GET, "/x/{a:a)|(b}", h_b), SOUK_ERROR,
           "a constraint cannot close its group");
    is_int(add(4, SOUK_GET, "/x/{A}", h_b), SOUK_ERROR, "upper-case name");
    is_int(add(4, SOUK_GET, "/x/{1a}", h_b), SOUK_ERROR, "digit first");
    is_int(add(4, SOUK_GET, "/x/{}", h_b), SOUK_ERROR, "empty name");
    is_int(add(4, SOUK_GET, "/x/{a}/{a}", h_b), SOUK_ERROR,
           "duplicate param name");
    is_int(add(4, SOUK_GET, "/x/{a", h_b), SOUK_ERROR, "unterminated {");
    is_int(add(4, SOUK_GET, "/x/{a:[0-9]{2}", h_b), SOUK_ERROR,
           "unterminated constraint");
    is_int(add(4, SOUK_GET, "/x/{a:}", h_b), SOUK_ERROR, "empty constraint");
    is_int(add(4, SOUK_GET, "/x}", h_b), SOUK_ERROR, "stray }");
    is_int(add(4, SOUK_GET, "x", h_b), SOUK_ERROR, "no leading /");
    is_int(add(4, 0, "/x", h_b), SOUK_ERROR, "no method");
    is_int(add(4, SOUK_GET, "/x", NULL), SOUK_ERROR, "no handler");
    is_int((int) rt->nroutes, before, "refusals leave no route behind");

    is_int(add(4, SOUK_GET, "/product/{n:[0-9]+}", h_b), SOUK_OK,
           "a different constraint is a different route");
    is_int(add(4, SOUK_PUT, "/product/{slug}", h_b), SOUK_OK,
           "same pattern, other method is fine");
}

static void
test_order(void)
{
    add(5, SOUK_GET, "/p/{slug}", h_a);
    add(5, SOUK_GET, "/p/new", h_b);
    add(5, SOUK_GET, "/q/new", h_b);
    add(5, SOUK_GET, "/q/{slug}", h_a);
    /* Documented: registration order decides, not literal-before-param. */
    is_int(match(SOUK_GET, "/p/new"), 200, "GET /p/new matches");
    ok(m.handler == h_a, "an earlier param route shadows a later literal");
    is_int(match(SOUK_GET, "/q/new"), 200, "GET /q/new matches");
    ok(m.handler == h_b, "an earlier literal wins over a later param route");
    is_int(req.nparams, 0, "params are reset for a literal match");
}

static void
test_remove(void)
{
    size_t  before = rt->nroutes;

    sk_router_remove_owner(rt, 1);
    is_int(match(SOUK_GET, "/order/123456"), 404, "removed owner's route gone");
    is_int(match(SOUK_GET, "/product/x"), 200, "other owners' routes stay");
    is_int((int) rt->nroutes, (int) before - 4, "exactly owner 1's 4 routes");
    is_int(add(6, SOUK_GET, "/order/{number:[0-9]{6,}}", h_b), SOUK_OK,
           "pattern is free again after remove_owner");
    is_int(match(SOUK_GET, "/order/123456"), 200, "the new route matches");
    ok(m.owner == 6 && m.handler == h_b, "and belongs to the new owner");
}

static void
test_each_and_str(void)
{
    sk_router_t    *r2 = sk_router_create();
    unsigned char   en[SK_PLUGIN_MAX] = { 1, 0, 1 };
    char            err[128], mb[16];
    const char     *s_listed = listed;
    int             dup;

    sk_router_add(r2, 0, SOUK_GET, "/a", h_a, NULL, &dup, err, sizeof(err));
    sk_router_add(r2, 1, SOUK_POST, "/b", h_a, NULL, &dup, err, sizeof(err));
    sk_router_add(r2, 2, SOUK_GET | SOUK_POST, "/c/{x}", h_a, NULL, &dup,
                  err, sizeof(err));
    sk_router_each(r2, en, list_route, NULL);
    is_int(nlisted, 2, "each skips disabled owners");
    is_str(s_listed, "0 GET /a\n2 GET, POST /c/{x}\n",
           "each lists in match order with methods");
    nlisted = 0;
    listed[0] = '\0';
    sk_router_each(r2, NULL, list_route, NULL);
    is_int(nlisted, 3, "each without a site lists all");
    sk_router_destroy(r2);

    is_str(sk_methods_str(0, mb, sizeof(mb)), "", "empty method set");
    is_str(sk_methods_str(SOUK_GET | SOUK_DELETE | SOUK_OPTIONS, mb, 14),
           "GET, DELETE", "truncation keeps whole names only");
}

static void
test_match_limit(void)
{
    char  path[64];

    is_int(add(7, SOUK_GET, "/m/{x:(a+)+b}", h_a), SOUK_OK,
           "pathological constraint accepted");
    snprintf(path, sizeof(path), "/m/%s", "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaacb");
    log_calls = 0;
    is_int(match(SOUK_GET, path), 404,
           "catastrophic backtracking is cut off, not matched");
    is_int(log_calls, 1, "and the give-up is logged once");
}

int
main(void)
{
    memset(all_on, 1, sizeof(all_on));
    req.pool = sk_pool_create(4096);
    rt = sk_router_create();
    ok(rt != NULL, "router created");

    ok(add(0, SOUK_GET, "/", h_a) == SOUK_OK
       && add(0, SOUK_GET, "/product/{slug}", h_a) == SOUK_OK
       && add(1, SOUK_GET | SOUK_POST, "/order/{number:[0-9]{6,}}", h_a)
          == SOUK_OK
       && add(1, SOUK_GET, "/a/{x}/b/{y:[a-z]+}", h_a) == SOUK_OK
       && add(1, SOUK_GET, "/v/{a:(x|y)+}/{b}", h_a) == SOUK_OK
       && add(1, SOUK_GET, "/files/{rest:.+}", h_a) == SOUK_OK
       && add(2, SOUK_POST, "/cart", h_b) == SOUK_OK
       && add(3, SOUK_GET, "/cart", h_a) == SOUK_OK
       && add(0, SOUK_GET, "/a.b/{x}", h_a) == SOUK_OK
       && add(0, SOUK_GET, "/d/{id}.json", h_a) == SOUK_OK
       && add(0, SOUK_GET, "/e/{x}/(a+)", h_a) == SOUK_OK
       && add(0, SOUK_GET, "/caf\xc3\xa9/{id}", h_a) == SOUK_OK
       && add(0, SOUK_GET, "/t/{d:\\d{2}-\\d{2}}", h_a) == SOUK_OK,
       "routes registered");

    test_params();
    test_methods();
    test_enabled();
    test_refusals();
    test_order();
    test_remove();
    test_each_and_str();
    test_match_limit();

    sk_router_destroy(rt);
    sk_pool_destroy(req.pool);
    return done_testing();
}

/* Unit tests for route names (core/router.c: sk_router_name and
 * sk_router_named), which the templates' url helpers resolve. */
#include <stdlib.h>
#include <string.h>

#include "../../core/pool.c"
#include "../../core/router.c"
#include "tap.h"

void
souk_log(souk_request_t *r, int level, const char *fmt, ...)
{
    (void) r;
    (void) level;
    (void) fmt;
}

static int
h(souk_request_t *r, void *data)
{
    (void) r;
    (void) data;
    return 200;
}

static int
add(sk_router_t *rt, unsigned owner, const char *pattern)
{
    char  err[256];

    return sk_router_add(rt, owner, SOUK_GET, pattern, h, NULL, NULL, err,
                         sizeof(err));
}

int
main(void)
{
    sk_router_t    *rt = sk_router_create();
    unsigned char   enabled[SK_PLUGIN_MAX];
    char            err[256];

    memset(enabled, 0, sizeof(enabled));
    enabled[1] = 1;
    is_int(add(rt, 1, "/hello"), SOUK_OK, "route added");
    is_int(sk_router_name(rt, 1, "hello.greet", err, sizeof(err)), SOUK_OK,
           "named right after");
    is_int(add(rt, 2, "/shop/{slug:[a-z]{2,}}"), SOUK_OK, "another owner");
    is_int(add(rt, 1, "/hello/{name}"), SOUK_OK, "a second route");
    is_int(sk_router_name(rt, 1, "hello.name", err, sizeof(err)), SOUK_OK,
           "the name goes to the owner's last route");
    is_str(sk_router_named(rt, NULL, "hello.name"), "/hello/{name}",
           "looked up by name");
    is_str(sk_router_named(rt, NULL, "hello.greet"), "/hello",
           "the first name stayed on the first route");
    ok(sk_router_name(rt, 1, "again", err, sizeof(err)) == SOUK_ERROR
       && strstr(err, "no unnamed route") != NULL,
       "a route is named once: %s", err);
    ok(sk_router_name(rt, 2, "hello.greet", err, sizeof(err)) == SOUK_ERROR
       && strstr(err, "already taken") != NULL,
       "names are unique across plugins: %s", err);
    ok(sk_router_name(rt, 3, "x", err, sizeof(err)) == SOUK_ERROR,
       "an owner with no routes cannot name one");
    is_int(sk_router_name(rt, 2, "shop.product", err, sizeof(err)), SOUK_OK,
           "the other owner names its own");
    ok(sk_router_named(rt, enabled, "shop.product") == NULL,
       "a route of a plugin the site does not enable has no URL");
    ok(sk_router_named(rt, enabled, "hello.greet") != NULL,
       "an enabled plugin's route has one");
    ok(sk_router_named(rt, NULL, "nope") == NULL, "unknown name");
    sk_router_remove_owner(rt, 1);
    ok(sk_router_named(rt, NULL, "hello.greet") == NULL,
       "unwinding a plugin drops its names");
    sk_router_destroy(rt);
    return done_testing();
}

/* Unit tests for the plugin loader and registry, with real fixture .so files
 * from tests/fixtures. */
#include "../../core/plugin.c"
#include "../../core/registry.c"

#include <stdlib.h>
#include <string.h>

#include "tap.h"

static char  fixdir[1024];
static char  trace[1024];

/* An array as a plain pointer, so tap.h's NULL checks do not warn. */
static const char *
S(const char *s)
{
    return s;
}

/* The fixtures call this (a weak reference) from init and fini. */
SOUK_API void souk_fixture_trace(const char *what);

SOUK_API void
souk_fixture_trace(const char *what)
{
    size_t  len = strlen(trace);

    snprintf(trace + len, sizeof(trace) - len, "%s%s", len ? "," : "", what);
}

static int
fixture_ok(souk_request_t *r, void *data)
{
    (void) r;
    (void) data;
    return 200;
}

static int
fixture_filter(souk_request_t *r, cJSON *value, void *data)
{
    (void) r;
    (void) value;
    (void) data;
    return SOUK_OK;
}

typedef struct {
    sk_config_t   cfg;
    sk_runtime_t  rt;
    char         *names[8];
    souk_kv_t     settings[1];
    char          err[1024];
    int           rc;
} world_t;

/* Loads the plugins named in the space-separated list into a fresh world. */
static void
world_load(world_t *w, const char *list)
{
    char  *copy, *tok, *save = NULL;

    memset(w, 0, sizeof(*w));
    trace[0] = '\0';
    w->cfg.plugin_dir = fixdir;
    w->settings[0].name = "alpha.flag";
    w->settings[0].value = "yes";
    w->cfg.settings = w->settings;
    w->cfg.nsettings = 1;
    copy = strdup(list);
    for (tok = strtok_r(copy, " ", &save); tok != NULL && w->cfg.nplugins < 8;
         tok = strtok_r(NULL, " ", &save))
    {
        w->names[w->cfg.nplugins++] = strdup(tok);
    }
    free(copy);
    w->cfg.plugins = w->names;
    w->rt.cfg = &w->cfg;
    w->rc = sk_plugins_load(&w->rt, w->err, sizeof(w->err));
}

static void
world_free(world_t *w)
{
    size_t  i;

    sk_plugins_unload(&w->rt);
    sk_router_destroy(w->rt.router);
    sk_hooks_destroy(w->rt.hooks);
    for (i = 0; i < w->cfg.nplugins; i++) {
        free(w->names[i]);
    }
}

typedef struct {
    unsigned  n;
    unsigned  owned[SK_PLUGIN_MAX];
    char      list[512];
} count_t;

static void
count_route(void *arg, unsigned owner, unsigned methods, const char *pattern)
{
    count_t  *c = arg;
    size_t    len = strlen(c->list);

    (void) methods;
    c->n++;
    c->owned[owner]++;
    snprintf(c->list + len, sizeof(c->list) - len, "%s%u:%s", len ? " " : "",
             owner, pattern);
}

static void
count_hook(void *arg, const char *name, int kind, int prio, unsigned owner,
    unsigned seq)
{
    count_t  *c = arg;
    size_t    len = strlen(c->list);

    (void) kind;
    (void) seq;
    c->n++;
    c->owned[owner]++;
    snprintf(c->list + len, sizeof(c->list) - len, "%s%s:%d:%u",
             len ? " " : "", name, prio, owner);
}

static count_t
routes_of(const world_t *w)
{
    count_t  c;

    memset(&c, 0, sizeof(c));
    sk_router_each(w->rt.router, NULL, count_route, &c);
    return c;
}

static count_t
hooks_of(const world_t *w)
{
    count_t  c;

    memset(&c, 0, sizeof(c));
    sk_hooks_each(w->rt.hooks, NULL, count_hook, &c);
    return c;
}

/* Checks that loading list is refused with exactly want (DIR → fixdir). */
static void
refused(const char *list, const char *want, const char *what)
{
    world_t   w;
    char      line[2048], *at;
    count_t   r;

    at = strstr(want, "DIR");
    if (at != NULL) {
        snprintf(line, sizeof(line), "%.*s%s%s", (int) (at - want), want,
                 fixdir, at + 3);
    } else {
        snprintf(line, sizeof(line), "%s", want);
    }
    world_load(&w, list);
    is_int(w.rc, SOUK_ERROR, "%s: refused", what);
    is_str(S(w.err), S(line), "%s: refusal line", what);
    r = routes_of(&w);
    if (w.rt.nplugins == 0) {
        is_int(r.n, 0, "%s: nothing registered", what);
    }
    world_free(&w);
}

static void
test_good(void)
{
    world_t             w;
    count_t             c;
    souk_plugin_ctx_t  *ctx;

    world_load(&w, "beta alpha");
    is_int(w.rc, SOUK_OK, "alpha + beta load");
    is_str(S(w.err), "", "no error line on success");
    is_int(w.rt.nplugins, 2, "two plugins loaded");
    is_str(w.rt.plugins[0]->name, "alpha", "requirement loads first");
    is_str(w.rt.plugins[1]->name, "beta", "then the plugin needing it");
    is_int(w.rt.plugins[1]->idx, 1, "idx is the load order");
    ok(w.rt.all_enabled[0] && w.rt.all_enabled[1] && !w.rt.all_enabled[2],
       "all_enabled covers exactly the loaded plugins");
    is_int(sk_plugin_index(&w.rt, "beta"), 1, "sk_plugin_index finds beta");
    is_int(sk_plugin_index(&w.rt, "gamma"), -1, "unknown name gives -1");
    is_str(S(trace), "init alpha,init beta", "inits ran in load order");

    c = hooks_of(&w);
    is_str(S(c.list), "tie:25:1 tie:50:0 tie:50:0 tie:50:1",
           "hooks: prio first, then load order on a tie");
    c = routes_of(&w);
    is_str(S(c.list), "0:/alpha", "alpha's route is owned by its idx");

    ctx = sk_plugin_ctx(w.rt.plugins[0]);
    is_str(souk_plugin_name(ctx), "alpha", "souk_plugin_name");
    is_str(souk_plugin_dir(ctx), S(fixdir), "souk_plugin_dir: the .so folder");
    is_str((const char *) souk_plugin_data(ctx), "yes",
           "init saw the setting and kept it as its data");
    ok(souk_plugin_setting(ctx, "alpha.none") == NULL, "unset setting: NULL");
    ok(souk_route_add(ctx, SOUK_GET, "/late", fixture_ok, NULL) == SOUK_ERROR,
       "a route added after start-up is refused");
    ok(souk_filter_add(ctx, "late", fixture_filter, NULL, 0) == SOUK_ERROR,
       "a hook added after start-up is refused");
    is_int(routes_of(&w).n, 1, "and the tables did not change");
    is_int(hooks_of(&w).n, 4, "hooks unchanged too");

    trace[0] = '\0';
    world_free(&w);
    is_str(S(trace), "fini beta,fini alpha", "fini runs in reverse order");
}

static void
test_order(void)
{
    world_t  w;

    world_load(&w, "beta dup_a alpha");
    is_int(w.rc, SOUK_OK, "three plugins load");
    ok(w.rt.nplugins == 3
       && strcmp(w.rt.plugins[0]->name, "dup_a") == 0
       && strcmp(w.rt.plugins[1]->name, "alpha") == 0
       && strcmp(w.rt.plugins[2]->name, "beta") == 0,
       "ready plugins go in config order: dup_a, alpha, beta");
    world_free(&w);
}

static void
test_refusals(void)
{
    refused("bad_major", "plugin \"bad_major\" (DIR/bad_major.so): built for "
            "ABI 2.0, soukd has ABI 1.0", "ABI major");
    refused("newer_minor", "plugin \"newer_minor\" (DIR/newer_minor.so): "
            "built for ABI 1.1, soukd has ABI 1.0", "newer minor");
    refused("bad_magic", "plugin \"bad_magic\" (DIR/bad_magic.so): bad "
            "descriptor magic 0xdeadbeef (not a Souk plugin descriptor)",
            "magic");
    refused("no_desc", "plugin \"no_desc\" (DIR/no_desc.so): no "
            "souk_plugin_entry descriptor (not a Souk plugin, or built "
            "without SOUK_PLUGIN)", "no descriptor");
    refused("alpha ghost", "plugin \"ghost\" (DIR/ghost.so): No such file or "
            "directory", "missing file");
    refused("../fixtures/alpha", "plugin \"../fixtures/alpha\": invalid name "
            "(want [a-z][a-z0-9_]*, at most 64 bytes)", "path in a name");
    refused("dupname", "plugin \"dupname\" (DIR/dupname.so): descriptor "
            "names \"alpha\", but the file is dupname.so", "name != file");
    refused("alpha beta alpha", "plugin \"alpha\": duplicate name (listed "
            "twice in plugins)", "duplicate name");
    refused("alpha needs_missing", "plugin \"needs_missing\": missing "
            "requirements \"nowhere\", \"nothere\" (not loaded)",
            "missing requirements");
    refused("beta", "plugin \"beta\": missing requirement \"alpha\" (not "
            "loaded)", "missing requirement");
    refused("alpha cyc_a cyc_b", "plugin \"cyc_a\": dependency cycle cyc_a "
            "-> cyc_b -> cyc_a", "cycle");
    refused("cyc_b cyc_a", "plugin \"cyc_b\": dependency cycle cyc_b "
            "-> cyc_a -> cyc_b", "cycle named from the first stuck plugin");
}

static void
test_small_struct(void)
{
    char  want[256];

    snprintf(want, sizeof(want), "plugin \"small_struct\" "
             "(DIR/small_struct.so): descriptor struct_size 16 is smaller "
             "than an ABI 1.0 descriptor (%zu bytes)", sizeof(souk_plugin_t));
    refused("small_struct", want, "struct_size");
}

static void
test_dup_route(void)
{
    world_t  w;
    count_t  c;

    world_load(&w, "dup_a dup_b");
    is_int(w.rc, SOUK_ERROR, "duplicate route refused");
    is_str(S(w.err), "plugin \"dup_b\": route GET /dup/{other} already "
           "registered by plugin \"dup_a\"", "the line names both plugins");
    c = routes_of(&w);
    is_str(S(c.list), "0:/dup/{id}",
           "dup_b's other route was unwound, dup_a's kept");
    world_free(&w);
}

static void
test_fail_init(void)
{
    world_t  w;
    count_t  c;

    world_load(&w, "alpha fail_init");
    is_int(w.rc, SOUK_ERROR, "failing init refused");
    is_str(S(w.err), "plugin \"fail_init\": init failed (returned -1)",
           "refusal line for a failing init");
    ok(strstr(trace, "init fail_init") != NULL, "its init did run");
    c = routes_of(&w);
    is_int(c.owned[1], 0, "its route was unwound");
    is_int(c.owned[0], 1, "alpha's route stays");
    c = hooks_of(&w);
    is_int(c.owned[1], 0, "its hook was unwound");
    is_int(c.owned[0], 2, "alpha's hooks stay");
    trace[0] = '\0';
    world_free(&w);
    is_str(S(trace), "fini alpha", "unload: fini only for plugins whose init "
           "succeeded");

    world_load(&w, "fail_init alpha");
    is_int(w.rc, SOUK_ERROR, "a failure stops the load");
    is_str(S(trace), "init fail_init", "no init runs after the failing one");
    trace[0] = '\0';
    world_free(&w);
    is_str(S(trace), "", "and no fini either");
}

int
main(void)
{
    const char  *top = getenv("top_builddir");

    snprintf(fixdir, sizeof(fixdir), "%s/tests/fixtures",
             top != NULL ? top : ".");
    test_good();
    test_order();
    test_refusals();
    test_small_struct();
    test_dup_route();
    test_fail_init();
    return done_testing();
}

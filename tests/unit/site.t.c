/* Unit tests for site resolution, per-site plugins and live re-read. */
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../../core/config.c"
#include "../../core/site.c"
#include "../../core/log.c"
#include "tap.h"

/* Stand-ins for request.c and plugin.c: a runtime with named plugins. */
void
sk_limits_default(sk_limits_t *l)
{
    memset(l, 0, sizeof(*l));
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

static char  dir[] = "/tmp/souk-site-t.XXXXXX";
static char  conf[256], logpath[256];

static void
write_conf(const char *text, long mtime)
{
    FILE             *f = fopen(conf, "w");
    struct timespec   ts[2];

    if (f == NULL) {
        perror(conf);
        exit(1);
    }
    fputs(text, f);
    fclose(f);
    /* Distinct mtimes, so a change is seen however fast the test runs. */
    ts[0].tv_sec = ts[1].tv_sec = mtime;
    ts[0].tv_nsec = ts[1].tv_nsec = 0;
    utimensat(AT_FDCWD, conf, ts, 0);
}

static const char *
resolve(const sk_sites_t *s, const char *host, const char *path,
    size_t *plen)
{
    const sk_site_t  *site = sk_sites_resolve(s, host, path, plen);

    return site != NULL ? site->id : "(none)";
}

static sk_plugin_t          p_hello = { .name = "hello" };
static sk_plugin_t          p_catalog = { .name = "catalog" };
static const char *const    cart_requires[] = { "catalog", NULL };
static const souk_plugin_t  cart_desc = { .name = "cart",
                                          .requires = cart_requires };
static sk_plugin_t          p_cart = { .name = "cart", .desc = &cart_desc };

static sk_runtime_t *
runtime(void)
{
    static sk_runtime_t  rt;

    memset(&rt, 0, sizeof(rt));
    rt.plugins[0] = &p_hello;
    rt.plugins[1] = &p_catalog;
    rt.plugins[2] = &p_cart;
    rt.nplugins = 3;
    return &rt;
}

static const char sites_conf[] =
    "[server]\ndefault_site = main\n"
    "[settings]\nhello.greeting = Hi\nshop.name = Souk\n"
    "[site:main]\nhosts = shop.test localhost\nplugins = hello\n"
    "hello.greeting = Welcome\n"
    "[site:brand]\nhosts = shop.test/brand\nplugins = catalog\n"
    "theme = dark\n"
    "[site:sub]\nhosts = shop.test/brand/sub, other.test/\n";

static void
test_resolve(void)
{
    char               err[256] = "";
    sk_runtime_t      *rt = runtime();
    sk_config_t       *cfg;
    sk_sites_t        *s;
    size_t             plen = 99;
    souk_request_t     r;
    const sk_site_t   *main_site;

    write_conf(sites_conf, 1000);
    cfg = sk_config_load(conf, err, sizeof(err));
    s = cfg ? sk_sites_build(cfg, rt, err, sizeof(err)) : NULL;
    if (!ok(s != NULL, "sites build")) {
        printf("# %s\n", err);
        return;
    }
    is_int(sk_sites_count(s), 3, "three sites");
    is_str(sk_sites_at(s, 1)->id, "brand", "sk_sites_at in file order");
    ok(sk_sites_at(s, 3) == NULL, "sk_sites_at past the end is NULL");

    is_str(resolve(s, "shop.test", "/x", &plen), "main", "host match");
    is_int(plen, 0, "no prefix to strip");
    is_str(resolve(s, "SHOP.Test", "/", &plen), "main", "case-insensitive");
    is_str(resolve(s, "shop.test", "/brand", &plen), "brand",
           "prefix itself");
    is_int(plen, 6, "prefix length");
    is_str(resolve(s, "shop.test", "/brand/p/1", &plen), "brand",
           "under the prefix");
    is_str(resolve(s, "shop.test", "/brandy", &plen), "main",
           "prefix only at a segment boundary");
    is_str(resolve(s, "shop.test", "/brand/sub/x", &plen), "sub",
           "longest prefix wins");
    is_int(plen, 10, "longest prefix length");
    is_str(resolve(s, "other.test", "/a", &plen), "sub",
           "a trailing '/' is no prefix");
    is_str(resolve(s, "shop.tes", "/", &plen), "main",
           "unknown host gets the default site");
    is_int(plen, 0, "default site: nothing stripped");
    is_str(resolve(s, "shop.test.evil", "/", &plen), "main",
           "no suffix match (default again)");

    main_site = sk_sites_at(s, 0);
    ok(main_site->enabled[0] && !main_site->enabled[1]
       && !main_site->enabled[2], "main: only hello on");
    ok(sk_sites_at(s, 1)->enabled[1] && !sk_sites_at(s, 1)->enabled[0],
       "brand: only catalog on");

    memset(&r, 0, sizeof(r));
    r.rt = rt;
    rt->cfg = cfg;
    r.site = main_site;
    is_str(souk_site_id(&r), "main", "souk_site_id");
    is_str(souk_site_theme(&r), "base", "no theme set: base");
    is_str(souk_setting(&r, "hello.greeting"), "Welcome",
           "site setting wins");
    is_str(souk_setting(&r, "shop.name"), "Souk",
           "falls back to the installation");
    ok(souk_setting(&r, "nope") == NULL, "unknown setting: NULL");
    r.site = sk_sites_at(s, 1);
    is_str(souk_site_theme(&r), "dark", "theme");
    is_str(souk_setting(&r, "hello.greeting"), "Hi",
           "site without it gets the installation's");
    rt->cfg = NULL;

    sk_sites_free(s);
    sk_config_free(cfg);
}

static void
test_build_errors(void)
{
    char           err[256] = "";
    const char    *e = err;
    sk_runtime_t  *rt = runtime();
    sk_config_t   *cfg;
    sk_sites_t    *s;
    size_t         plen;

    write_conf("[site:a]\nhosts = a.test\nplugins = hello nope\n", 1001);
    cfg = sk_config_load(conf, err, sizeof(err));
    s = cfg ? sk_sites_build(cfg, rt, err, sizeof(err)) : NULL;
    ok(cfg != NULL && s == NULL, "a plugin that is not loaded is refused");
    is_str(e, "site a: plugin nope is not loaded", "message names both");
    sk_config_free(cfg);

    write_conf("[site:a]\nhosts = a.test\nplugins = cart\n", 1002);
    cfg = sk_config_load(conf, err, sizeof(err));
    s = cfg ? sk_sites_build(cfg, rt, err, sizeof(err)) : NULL;
    ok(s == NULL, "cart without catalog is refused");
    is_str(e, "site a: plugin cart requires catalog, which the site does "
           "not turn on", "requirement message");
    sk_config_free(cfg);

    write_conf("[site:a]\nhosts = a.test\nplugins = cart, catalog\n", 1003);
    cfg = sk_config_load(conf, err, sizeof(err));
    s = cfg ? sk_sites_build(cfg, rt, err, sizeof(err)) : NULL;
    ok(s != NULL, "cart with catalog builds");
    ok(s != NULL && sk_sites_resolve(s, "b.test", "/", &plen) == NULL,
       "no default site: unknown host resolves to NULL");
    sk_sites_free(s);
    sk_config_free(cfg);
}

static size_t
log_size(void)
{
    struct stat  st;

    return stat(logpath, &st) == 0 ? (size_t) st.st_size : 0;
}

/* Makes the next sk_sites_refresh look at the file, or not. */
static void
set_due(sk_runtime_t *rt, int due)
{
    clock_gettime(SK_SITES_CLOCK, &rt->sites->checked);
    rt->sites->checked.tv_sec += due ? -5 : 5;
}

static void
test_refresh(void)
{
    char            err[256] = "";
    sk_runtime_t   *rt = runtime();
    souk_request_t  r;
    size_t          plen, logged;
    const char     *greeting;

    write_conf(sites_conf, 2000);
    rt->cfg = sk_config_load(conf, err, sizeof(err));
    rt->sites = rt->cfg ? sk_sites_build(rt->cfg, rt, err, sizeof(err))
                        : NULL;
    if (!ok(rt->sites != NULL, "runtime built")) {
        return;
    }
    memset(&r, 0, sizeof(r));
    r.rt = rt;
    greeting = souk_setting(&r, "hello.greeting");

    write_conf("[site:main]\nhosts = new.test\nplugins = catalog\n", 2001);
    set_due(rt, 0);
    sk_sites_refresh(rt);
    is_str(resolve(rt->sites, "shop.test", "/", &plen), "main",
           "not due: the old sites stay (at most once a second)");

    set_due(rt, 1);
    sk_sites_refresh(rt);
    is_str(resolve(rt->sites, "new.test", "/", &plen), "main",
           "due and changed: the new host is served");
    is_str(resolve(rt->sites, "shop.test", "/", &plen), "(none)",
           "the old host and the default are gone");
    ok(sk_sites_at(rt->sites, 0)->enabled[1]
       && !sk_sites_at(rt->sites, 0)->enabled[0],
       "the site's plugins changed without a restart");
    is_int(sk_sites_count(rt->sites), 1, "one site now");
    is_str(greeting, "Hi", "a setting read before stays readable");
    ok(souk_setting(&r, "hello.greeting") == NULL,
       "settings follow the new file");

    logged = log_size();
    write_conf("[site:main]\nhosts = new.test\nbogus\n", 2002);
    set_due(rt, 1);
    sk_sites_refresh(rt);
    is_str(resolve(rt->sites, "new.test", "/", &plen), "main",
           "a bad edit keeps the old sites");
    ok(log_size() > logged, "the bad edit is logged");
    logged = log_size();
    set_due(rt, 1);
    sk_sites_refresh(rt);
    is_int(log_size(), logged, "and logged once, not on every request");

    write_conf("[site:main]\nhosts = new.test\nplugins = nope\n", 2003);
    set_due(rt, 1);
    sk_sites_refresh(rt);
    ok(sk_sites_at(rt->sites, 0)->enabled[1],
       "a file naming an unloaded plugin keeps the old sites");

    write_conf("[site:main]\nhosts = back.test\nplugins = hello\n", 2004);
    set_due(rt, 1);
    sk_sites_refresh(rt);
    is_str(resolve(rt->sites, "back.test", "/", &plen), "main",
           "a good file after a bad one is picked up");

    sk_sites_free(rt->sites);
    sk_config_free(rt->cfg);
}

int
main(void)
{
    if (mkdtemp(dir) == NULL) {
        perror("mkdtemp");
        return 1;
    }
    snprintf(conf, sizeof(conf), "%s/souk.conf", dir);
    snprintf(logpath, sizeof(logpath), "%s/error.log", dir);
    if (sk_log_open(logpath, NULL) != SOUK_OK) {
        return 1;
    }
    test_resolve();
    test_build_errors();
    test_refresh();
    unlink(conf);
    if (getenv("SOUK_KEEP_LOG") == NULL) {
        unlink(logpath);
    }
    rmdir(dir);
    return done_testing();
}

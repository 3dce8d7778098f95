/* Sites as served: host/prefix resolution, per-site plugins, live re-read. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <time.h>

#include "souk_core.h"
#include "migrate.h"

/*
 * The database's sites come from core/site_db.c, which needs the database
 * code; the unit tests that include this file without it link, and then
 * serve souk.conf's sites alone.
 */
#pragma weak sk_sitedb_load
#pragma weak sk_sitedb_release
#pragma weak sk_sitedb_version

/*
 * The table keeps shallow copies of the config's sites (the strings stay
 * owned by the sk_config_t, which must outlive the table) with enabled[]
 * filled in. Hosts are few per installation, so resolution is a linear
 * scan; a hosting box with thousands of sites would want a hash here.
 */
typedef struct {
    const char  *host;
    size_t       hlen;
    const char  *prefix;        /* "/brand", or "" */
    size_t       plen;
    size_t       site;
} sk_host_entry_t;

struct sk_sites_s {
    sk_site_t         *sites;
    size_t             nsites;
    sk_host_entry_t   *hosts;
    size_t             nhosts;
    const sk_site_t   *def;
    /* for sk_sites_refresh */
    struct timespec    checked;   /* monotonic time of the last stat */
    struct timespec    mtime;     /* the file as last seen */
    off_t              size;
    int                stat_failed;
    /* sites and overrides from the database (core/site_db.c) */
    souk_pool_t       *pool;      /* what the merge copied, or NULL */
    int64_t            db_version;   /* souk_site_version seen, -1 none */
};

#ifdef CLOCK_MONOTONIC_COARSE
#define SK_SITES_CLOCK  CLOCK_MONOTONIC_COARSE
#else
#define SK_SITES_CLOCK  CLOCK_MONOTONIC
#endif

static void *
sk_sites_alloc(size_t n)
{
    void  *p = calloc(1, n ? n : 1);

    if (p == NULL) {
        abort();
    }
    return p;
}

/* Turns the site's plugin names into enabled[]; every plugin a site turns
 * on must be loaded, and so must be turned on what it requires. */
static int
sk_sites_enable(sk_site_t *site, const sk_runtime_t *rt, char *err,
    size_t errlen)
{
    size_t               i;
    int                  idx, req;
    const sk_plugin_t   *pl;
    const char *const   *r;

    memset(site->enabled, 0, sizeof(site->enabled));
    for (i = 0; i < site->nplugin_names; i++) {
        idx = sk_plugin_index(rt, site->plugin_names[i]);
        if (idx < 0 || idx >= SK_PLUGIN_MAX) {
            snprintf(err, errlen, "site %s: plugin %s is not loaded",
                     site->id, site->plugin_names[i]);
            return SOUK_ERROR;
        }
        site->enabled[idx] = 1;
    }
    for (i = 0; i < rt->nplugins && i < SK_PLUGIN_MAX; i++) {
        pl = rt->plugins[i];
        if (!site->enabled[i] || pl == NULL || pl->desc == NULL
            || pl->desc->requires == NULL)
        {
            continue;
        }
        for (r = pl->desc->requires; *r != NULL; r++) {
            req = sk_plugin_index(rt, *r);
            if (req >= 0 && req < SK_PLUGIN_MAX && !site->enabled[req]) {
                snprintf(err, errlen, "site %s: plugin %s requires %s, "
                         "which the site does not turn on", site->id,
                         pl->name, *r);
                return SOUK_ERROR;
            }
        }
    }
    return SOUK_OK;
}

static void
sk_sites_index_hosts(sk_sites_t *s)
{
    size_t            i, j, n = 0;
    sk_host_entry_t  *e;
    const char       *slash;

    for (i = 0; i < s->nsites; i++) {
        n += s->sites[i].nhosts;
    }
    s->hosts = sk_sites_alloc(n * sizeof(sk_host_entry_t));
    for (i = 0; i < s->nsites; i++) {
        for (j = 0; j < s->sites[i].nhosts; j++) {
            e = &s->hosts[s->nhosts++];
            e->host = s->sites[i].hosts[j];
            slash = strchr(e->host, '/');
            e->hlen = slash ? (size_t) (slash - e->host) : strlen(e->host);
            e->prefix = slash ? slash : "";
            e->plen = strlen(e->prefix);
            e->site = i;
        }
    }
}

sk_sites_t *
sk_sites_build(const sk_config_t *cfg, const sk_runtime_t *rt, char *err,
    size_t errlen)
{
    sk_sites_t  *s;
    size_t       i, n = cfg->nsites;
    sk_site_t   *from = cfg->sites;

    s = sk_sites_alloc(sizeof(*s));
    s->db_version = -1;
    if (rt->db != NULL && sk_sitedb_load != NULL) {
        /* Before `souk migrate` there are no tables: souk.conf alone. */
        s->pool = sk_sitedb_load(rt, cfg, &from, &n, &s->db_version);
    }
    s->sites = sk_sites_alloc(n * sizeof(sk_site_t));
    s->nsites = n;
    for (i = 0; i < n; i++) {
        s->sites[i] = from[i];
        if (sk_sites_enable(&s->sites[i], rt, err, errlen) != SOUK_OK) {
            sk_sites_free(s);
            return NULL;
        }
        if (cfg->default_site != NULL
            && strcmp(cfg->default_site, from[i].id) == 0)
        {
            s->def = &s->sites[i];
        }
    }
    if (cfg->default_site != NULL && s->def == NULL) {
        snprintf(err, errlen, "default_site %s is not a site",
                 cfg->default_site);
        sk_sites_free(s);
        return NULL;
    }
    sk_sites_index_hosts(s);
    clock_gettime(SK_SITES_CLOCK, &s->checked);
    s->mtime = cfg->file_mtime;
    s->size = cfg->file_size;
    return s;
}

void
sk_sites_free(sk_sites_t *s)
{
    if (s == NULL) {
        return;
    }
    free(s->hosts);
    free(s->sites);
    if (s->pool != NULL) {
        sk_sitedb_release(s->pool);
    }
    free(s);
}

const sk_site_t *
sk_sites_resolve(const sk_sites_t *s, const char *host, const char *path,
    size_t *prefix_len)
{
    const sk_host_entry_t  *e, *best = NULL;
    size_t                  i, hlen;

    *prefix_len = 0;
    if (s == NULL) {
        return NULL;
    }
    host = host != NULL ? host : "";
    path = path != NULL ? path : "/";
    hlen = strlen(host);
    for (i = 0; i < s->nhosts; i++) {
        e = &s->hosts[i];
        if (e->hlen != hlen || strncasecmp(e->host, host, hlen) != 0) {
            continue;
        }
        /* "/brand" takes "/brand" and "/brand/x", never "/brandy". */
        if (e->plen > 0 && (strncmp(path, e->prefix, e->plen) != 0
                            || (path[e->plen] != '\0'
                                && path[e->plen] != '/')))
        {
            continue;
        }
        if (best == NULL || e->plen > best->plen) {
            best = e;
        }
    }
    if (best != NULL) {
        *prefix_len = best->plen;
        return &s->sites[best->site];
    }
    return s->def;
}

size_t
sk_sites_count(const sk_sites_t *s)
{
    return s != NULL ? s->nsites : 0;
}

const sk_site_t *
sk_sites_at(const sk_sites_t *s, size_t i)
{
    return s != NULL && i < s->nsites ? &s->sites[i] : NULL;
}

/*
 * Moves the new file's sites and settings into the running config and
 * keeps the replaced ones alive on the retired list: a plugin may still
 * hold a pointer to a setting it read in init.
 */
static void
sk_sites_adopt(sk_config_t *cur, sk_config_t *nc)
{
    sk_site_t   *sites = cur->sites;
    size_t       nsites = cur->nsites, nset = cur->nsettings;
    souk_kv_t   *settings = cur->settings;
    char        *def = cur->default_site;

    cur->sites = nc->sites;
    cur->nsites = nc->nsites;
    cur->settings = nc->settings;
    cur->nsettings = nc->nsettings;
    cur->default_site = nc->default_site;
    cur->file_mtime = nc->file_mtime;
    cur->file_size = nc->file_size;
    nc->sites = sites;
    nc->nsites = nsites;
    nc->settings = settings;
    nc->nsettings = nset;
    nc->default_site = def;
    nc->retired = cur->retired;
    cur->retired = nc;
}

static int
sk_sites_due(sk_sites_t *s)
{
    struct timespec  now;
    long long        ns;

    clock_gettime(SK_SITES_CLOCK, &now);
    ns = (long long) (now.tv_sec - s->checked.tv_sec) * 1000000000LL
         + (now.tv_nsec - s->checked.tv_nsec);
    if (ns < 1000000000LL) {
        return 0;
    }
    s->checked = now;
    return 1;
}

/*
 * The database's sites changed (souk_site_version moved on): rebuild from
 * the running config. A version that cannot be read (no tables yet) keeps
 * what is served.
 */
static void
sk_sites_db_refresh(sk_runtime_t *rt)
{
    sk_sites_t  *s = rt->sites, *ns;
    int64_t      v;
    char         err[512];

    if (sk_sitedb_version == NULL
        || sk_sitedb_version(rt->db, &v) != SOUK_OK || v == s->db_version)
    {
        return;
    }
    ns = sk_sites_build(rt->cfg, rt, err, sizeof(err));
    if (ns == NULL) {
        sk_log_msg(SOUK_LOG_ERROR, "sites in the database: %s; the old "
                   "sites are kept", err);
        s->db_version = v;      /* logged once, not on every poll */
        return;
    }
    ns->checked = s->checked;
    ns->mtime = s->mtime;
    ns->size = s->size;
    ns->stat_failed = s->stat_failed;
    sk_sites_free(s);
    rt->sites = ns;
    sk_log_msg(SOUK_LOG_INFO, "sites in the database changed: %zu site(s) "
               "now served", ns->nsites);
}

void
sk_sites_refresh(sk_runtime_t *rt)
{
    sk_sites_t   *s = rt->sites, *ns;
    sk_config_t  *nc;
    struct stat   st;
    char          err[512];

    if (s == NULL || rt->cfg == NULL || !sk_sites_due(s)) {
        return;
    }
    if (rt->cfg->path == NULL) {
        if (rt->db != NULL) {
            sk_sites_db_refresh(rt);
        }
        return;
    }
    if (stat(rt->cfg->path, &st) != 0) {
        if (!s->stat_failed) {
            sk_log_msg(SOUK_LOG_WARN, "%s: %s; sites kept as they are",
                       rt->cfg->path, strerror(errno));
        }
        s->stat_failed = 1;
        return;
    }
    s->stat_failed = 0;
    if (st.st_mtim.tv_sec == s->mtime.tv_sec
        && st.st_mtim.tv_nsec == s->mtime.tv_nsec && st.st_size == s->size)
    {
        if (rt->db != NULL) {
            sk_sites_db_refresh(rt);
        }
        return;
    }
    /* Remember what we saw even if it fails, so a bad edit is logged once
     * and not on every request. */
    s->mtime = st.st_mtim;
    s->size = st.st_size;
    nc = sk_config_load(rt->cfg->path, err, sizeof(err));
    if (nc == NULL) {
        sk_log_msg(SOUK_LOG_ERROR, "%s; the old sites are kept", err);
        return;
    }
    ns = sk_sites_build(nc, rt, err, sizeof(err));
    if (ns == NULL) {
        sk_log_msg(SOUK_LOG_ERROR, "%s: %s; the old sites are kept",
                   rt->cfg->path, err);
        sk_config_free(nc);
        return;
    }
    sk_sites_adopt(rt->cfg, nc);
    ns->checked = s->checked;
    sk_sites_free(s);
    rt->sites = ns;
    sk_log_msg(SOUK_LOG_INFO, "%s changed: %zu site(s) now served",
               rt->cfg->path, ns->nsites);
}

SOUK_API const char *
souk_site_id(const souk_request_t *r)
{
    return r->site != NULL ? r->site->id : NULL;
}

SOUK_API const char *
souk_site_theme(const souk_request_t *r)
{
    if (r->site == NULL) {
        return NULL;
    }
    return r->site->theme != NULL ? r->site->theme : "base";
}

SOUK_API const char *
souk_site_group(const souk_request_t *r)
{
    if (r->site == NULL) {
        return NULL;
    }
    return r->site->group != NULL ? r->site->group : r->site->id;
}

static const char *
sk_kv_find(const souk_kv_t *kv, size_t n, const char *key)
{
    size_t  i;

    for (i = 0; i < n; i++) {
        if (strcmp(kv[i].name, key) == 0) {
            return kv[i].value;
        }
    }
    return NULL;
}

SOUK_API const char *
souk_setting(const souk_request_t *r, const char *key)
{
    const char  *v = NULL;

    if (r->site != NULL) {
        v = sk_kv_find(r->site->settings, r->site->nsettings, key);
    }
    if (v == NULL && r->rt != NULL && r->rt->cfg != NULL) {
        v = sk_kv_find(r->rt->cfg->settings, r->rt->cfg->nsettings, key);
    }
    return v;
}

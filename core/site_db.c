/* Sites kept in the database: merged with souk.conf's [site:*] sections
 * for serving, and changed by `souk site ...` and the admin. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "souk_core.h"
#include "db_int.h"
#include "migrate.h"
#include "theme.h"

#ifndef SOUK_THEME_DIR
#define SOUK_THEME_DIR  "/usr/local/share/souk/themes"
#endif

/*
 * The rows of souk_site_plugins and souk_site_settings are overrides: they
 * apply to a site from souk.conf as well as to one made with `souk site
 * add` (a row in souk_sites with its hosts in souk_site_hosts). A site id
 * that souk.conf also defines keeps the file's hosts and group. The merged
 * table copies what it changes into the pool p, so the config's arrays are
 * never touched.
 */

static sk_site_t *
sk_sitedb_find(sk_site_t *sites, size_t n, const char *id)
{
    size_t  i;

    for (i = 0; i < n; i++) {
        if (strcmp(sites[i].id, id) == 0) {
            return &sites[i];
        }
    }
    return NULL;
}

/* Appends one pointer to a pool array of n (copies it: the old array may
 * belong to the config). */
static char **
sk_sitedb_push(souk_pool_t *p, char **arr, size_t *n, char *s)
{
    char  **na = souk_palloc(p, (*n + 1) * sizeof(char *));

    if (*n > 0) {
        memcpy(na, arr, *n * sizeof(char *));
    }
    na[(*n)++] = s;
    return na;
}

static int
sk_sitedb_host_taken(const sk_site_t *sites, size_t n, const char *host)
{
    size_t  i, j;

    for (i = 0; i < n; i++) {
        for (j = 0; j < sites[i].nhosts; j++) {
            if (strcmp(sites[i].hosts[j], host) == 0) {
                return 1;
            }
        }
    }
    return 0;
}

static int
sk_sitedb_read_sites(souk_db_t *db, souk_pool_t *p, sk_site_t **sites,
    size_t *n, size_t ncfg)
{
    souk_stmt_t  *st;
    sk_site_t    *s;
    int           rc;

    st = souk_db_prepare(db, "SELECT id, group_id FROM souk_sites "
                         "ORDER BY id");
    if (st == NULL) {
        return SOUK_ERROR;
    }
    while ((rc = souk_stmt_step(st)) == SOUK_ROW) {
        if (sk_sitedb_find(*sites, ncfg, souk_stmt_text(st, 0)) != NULL) {
            continue;       /* souk.conf defines it: the file wins */
        }
        s = &(*sites)[(*n)++];
        memset(s, 0, sizeof(*s));
        s->id = souk_pstrdup(p, souk_stmt_text(st, 0));
        s->group = souk_pstrdup(p, souk_stmt_text(st, 1));
        if (*n % 16 == 0) {
            sk_site_t  *ns = souk_palloc(p, (*n + 16) * sizeof(sk_site_t));

            memcpy(ns, *sites, *n * sizeof(sk_site_t));
            *sites = ns;
        }
    }
    souk_stmt_reset(st);
    return rc == SOUK_DONE ? SOUK_OK : SOUK_ERROR;
}

static int
sk_sitedb_read_hosts(souk_db_t *db, souk_pool_t *p, sk_site_t *sites,
    size_t n, size_t ncfg)
{
    souk_stmt_t  *st;
    sk_site_t    *s;
    const char   *host;
    int           rc;

    st = souk_db_prepare(db, "SELECT site_id, host FROM souk_site_hosts "
                         "ORDER BY site_id, host");
    if (st == NULL) {
        return SOUK_ERROR;
    }
    while ((rc = souk_stmt_step(st)) == SOUK_ROW) {
        s = sk_sitedb_find(sites + ncfg, n - ncfg, souk_stmt_text(st, 0));
        host = souk_stmt_text(st, 1);
        if (s == NULL || host == NULL) {
            continue;
        }
        if (sk_sitedb_host_taken(sites, n, host)) {
            sk_log_msg(SOUK_LOG_WARN, "site %s: host %s is already served "
                       "by another site; ignored", s->id, host);
            continue;
        }
        s->hosts = sk_sitedb_push(p, s->hosts, &s->nhosts,
                                  souk_pstrdup(p, host));
    }
    souk_stmt_reset(st);
    return rc == SOUK_DONE ? SOUK_OK : SOUK_ERROR;
}

/* A plugin turned on or off for a site: its names list, copied. */
static void
sk_sitedb_plugin_apply(souk_pool_t *p, sk_site_t *s, const char *plugin,
    int on)
{
    char    **na;
    size_t    i, k = 0;

    for (i = 0; i < s->nplugin_names; i++) {
        if (strcmp(s->plugin_names[i], plugin) == 0) {
            break;
        }
    }
    if (on && i < s->nplugin_names) {
        return;
    }
    if (on) {
        s->plugin_names = sk_sitedb_push(p, s->plugin_names,
                                         &s->nplugin_names,
                                         souk_pstrdup(p, plugin));
        return;
    }
    if (i == s->nplugin_names) {
        return;
    }
    na = souk_palloc(p, (s->nplugin_names + 1) * sizeof(char *));
    for (i = 0; i < s->nplugin_names; i++) {
        if (strcmp(s->plugin_names[i], plugin) != 0) {
            na[k++] = s->plugin_names[i];
        }
    }
    s->plugin_names = na;
    s->nplugin_names = k;
}

static void
sk_sitedb_setting_apply(souk_pool_t *p, sk_site_t *s, const char *name,
    const char *value)
{
    souk_kv_t  *na;
    size_t      i;

    if (strcmp(name, "theme") == 0) {
        s->theme = souk_pstrdup(p, value);
        return;
    }
    na = souk_palloc(p, (s->nsettings + 1) * sizeof(souk_kv_t));
    if (s->nsettings > 0) {
        memcpy(na, s->settings, s->nsettings * sizeof(souk_kv_t));
    }
    s->settings = na;
    for (i = 0; i < s->nsettings; i++) {
        if (strcmp(na[i].name, name) == 0) {
            na[i].value = souk_pstrdup(p, value);
            return;
        }
    }
    na[i].name = souk_pstrdup(p, name);
    na[i].value = souk_pstrdup(p, value);
    s->nsettings++;
}

/* Plugins that are not loaded (any more) are skipped, not an error: the
 * admin may have dropped one from [server] plugins. */
static int
sk_sitedb_read_overrides(souk_db_t *db, const sk_runtime_t *rt,
    souk_pool_t *p, sk_site_t *sites, size_t n)
{
    souk_stmt_t  *st;
    sk_site_t    *s;
    const char   *name;
    int           rc;

    st = souk_db_prepare(db, "SELECT site_id, plugin, enabled FROM "
                         "souk_site_plugins ORDER BY site_id, plugin");
    if (st == NULL) {
        return SOUK_ERROR;
    }
    while ((rc = souk_stmt_step(st)) == SOUK_ROW) {
        s = sk_sitedb_find(sites, n, souk_stmt_text(st, 0));
        name = souk_stmt_text(st, 1);
        if (s != NULL && name != NULL && sk_plugin_index(rt, name) >= 0) {
            sk_sitedb_plugin_apply(p, s, name, souk_stmt_int(st, 2) != 0);
        }
    }
    souk_stmt_reset(st);
    if (rc != SOUK_DONE) {
        return SOUK_ERROR;
    }
    st = souk_db_prepare(db, "SELECT site_id, name, value FROM "
                         "souk_site_settings ORDER BY site_id, name");
    if (st == NULL) {
        return SOUK_ERROR;
    }
    while ((rc = souk_stmt_step(st)) == SOUK_ROW) {
        s = sk_sitedb_find(sites, n, souk_stmt_text(st, 0));
        if (s != NULL && souk_stmt_text(st, 1) != NULL) {
            sk_sitedb_setting_apply(p, s, souk_stmt_text(st, 1),
                                    souk_stmt_text(st, 2) != NULL
                                    ? souk_stmt_text(st, 2) : "");
        }
    }
    souk_stmt_reset(st);
    return rc == SOUK_DONE ? SOUK_OK : SOUK_ERROR;
}

int
sk_sitedb_version(souk_db_t *db, int64_t *version)
{
    souk_stmt_t  *st;

    st = souk_db_row(db, "SELECT version FROM souk_site_version "
                     "WHERE id = 1", "");
    if (st == NULL) {
        return SOUK_ERROR;
    }
    *version = souk_stmt_int(st, 0);
    souk_stmt_reset(st);
    return SOUK_OK;
}

int
sk_sitedb_merge(souk_db_t *db, const sk_config_t *cfg,
    const sk_runtime_t *rt, souk_pool_t *p, sk_site_t **out, size_t *nout,
    int64_t *version)
{
    sk_site_t  *sites;
    size_t      n = cfg->nsites;

    sites = souk_palloc(p, (n + 16 - n % 16) * sizeof(sk_site_t));
    if (n > 0) {
        memcpy(sites, cfg->sites, n * sizeof(sk_site_t));
    }
    /* The version first: a change made while we read makes the next poll
     * read again. */
    if (sk_sitedb_version(db, version) != SOUK_OK
        || sk_sitedb_read_sites(db, p, &sites, &n, cfg->nsites) != SOUK_OK
        || sk_sitedb_read_hosts(db, p, sites, n, cfg->nsites) != SOUK_OK
        || sk_sitedb_read_overrides(db, rt, p, sites, n) != SOUK_OK)
    {
        return SOUK_ERROR;
    }
    *out = sites;
    *nout = n;
    return SOUK_OK;
}

souk_pool_t *
sk_sitedb_load(const sk_runtime_t *rt, const sk_config_t *cfg,
    sk_site_t **sites, size_t *n, int64_t *version)
{
    souk_pool_t  *p = sk_pool_create(4096);

    if (sk_sitedb_merge(rt->db, cfg, rt, p, sites, n, version) != SOUK_OK) {
        sk_log_msg(SOUK_LOG_DEBUG, "sites in the database not read: %s",
                   souk_db_error(rt->db));
        sk_pool_destroy(p);
        *version = -1;
        return NULL;
    }
    return p;
}

void
sk_sitedb_release(souk_pool_t *p)
{
    sk_pool_destroy(p);
}

/* ---------- changes: `souk site ...` and the admin ---------- */

typedef struct {
    sk_runtime_t  *rt;
    const char    *id;
    const char    *group;
    char         **hosts;
    size_t         nhosts;
    const char    *key;        /* setting, or plugin name */
    const char    *value;
    int            on;
    char          *err;
    size_t         errlen;
} sk_sitedb_op_t;

static int
sk_sitedb_fail(sk_sitedb_op_t *op, int rc, const char *what)
{
    if (rc == SOUK_ERROR) {
        snprintf(op->err, op->errlen, "%s: %s", what,
                 souk_db_error(op->rt->db));
    }
    return rc;
}

/*
 * The merged table as it would be served, and the id's site in *site (NULL:
 * no such site). SOUK_ERROR when the tables cannot be read.
 */
static int
sk_sitedb_lookup(sk_sitedb_op_t *op, souk_pool_t *p, sk_site_t **sites,
    size_t *n, const sk_site_t **site)
{
    int64_t  v;

    *site = NULL;
    if (sk_sitedb_merge(op->rt->db, op->rt->cfg, op->rt, p, sites, n, &v)
        != SOUK_OK)
    {
        return sk_sitedb_fail(op, SOUK_ERROR, "sites");
    }
    *site = sk_sitedb_find(*sites, *n, op->id);
    return SOUK_OK;
}

static int
sk_sitedb_id_check(const char *id, const char *what, char *err,
    size_t errlen)
{
    const char  *p;

    for (p = id; *p != '\0'; p++) {
        if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z')
              || (*p >= '0' && *p <= '9') || *p == '_' || *p == '-'))
        {
            break;
        }
    }
    if (id[0] == '\0' || *p != '\0' || p - id > 64) {
        snprintf(err, errlen, "bad %s \"%s\" (up to 64 letters, digits, _ "
                 "and -)", what, id);
        return SOUK_DECLINED;
    }
    return SOUK_OK;
}

/* The theme must load; for theme.KEY the value must fit its schema. */
static int
sk_sitedb_theme_check(const sk_runtime_t *rt, const char *theme,
    const char *key, const char *value, char *err, size_t errlen)
{
    sk_themes_t  *ts;
    sk_theme_t   *t;
    char          why[512];
    int           rc = SOUK_OK;

    ts = sk_themes_create(rt->cfg->theme_dir ? rt->cfg->theme_dir
                          : SOUK_THEME_DIR, rt->cfg->assets_url);
    t = sk_theme_get(ts, theme, why, sizeof(why));
    if (t == NULL) {
        snprintf(err, errlen, "%s", why);
        rc = SOUK_DECLINED;
    } else if (key != NULL && value != NULL
               && sk_theme_setting_check(t, key, value, why, sizeof(why))
                  != SOUK_OK)
    {
        snprintf(err, errlen, "theme.%s: %s", key, why);
        rc = SOUK_DECLINED;
    }
    sk_themes_destroy(ts);
    return rc;
}

/* Bumps the version and checks the merged result as a worker would build
 * it; called last inside each change's transaction. */
static int
sk_sitedb_commit_check(sk_sitedb_op_t *op)
{
    sk_sites_t  *ns;
    int          rc;

    rc = souk_db_exec(op->rt->db, "UPDATE souk_site_version SET version = "
                      "version + 1 WHERE id = 1", "");
    if (rc != SOUK_OK) {
        return sk_sitedb_fail(op, rc, "souk_site_version");
    }
    ns = sk_sites_build(op->rt->cfg, op->rt, op->err, op->errlen);
    if (ns == NULL) {
        return SOUK_DECLINED;
    }
    sk_sites_free(ns);
    return SOUK_OK;
}

static int
sk_sitedb_add_tx(souk_db_t *db, void *arg)
{
    sk_sitedb_op_t   *op = arg;
    souk_pool_t      *p = sk_pool_create(4096);
    souk_stmt_t      *st;
    const sk_site_t  *s;
    sk_site_t        *sites;
    size_t            i, n;
    int64_t           now = (int64_t) time(NULL);
    int               rc;

    rc = sk_sitedb_lookup(op, p, &sites, &n, &s);
    if (rc == SOUK_OK && s != NULL) {
        snprintf(op->err, op->errlen, "site %s exists already", op->id);
        rc = SOUK_DECLINED;
    }
    for (i = 0; rc == SOUK_OK && i < op->nhosts; i++) {
        if (sk_sitedb_host_taken(sites, n, op->hosts[i])) {
            snprintf(op->err, op->errlen, "host %s is already served by "
                     "another site", op->hosts[i]);
            rc = SOUK_DECLINED;
        }
    }
    sk_pool_destroy(p);
    if (rc != SOUK_OK) {
        return rc;
    }
    st = souk_db_row(db, "SELECT id FROM souk_site_groups WHERE id = ?",
                     "t", op->group);
    if (st != NULL) {
        souk_stmt_reset(st);
    } else if (souk_db_error(db)[0] != '\0') {
        return sk_sitedb_fail(op, SOUK_ERROR, "souk_site_groups");
    } else {
        rc = souk_db_exec(db, "INSERT INTO souk_site_groups (id, created_at)"
                          " VALUES (?, ?)", "ti", op->group, now);
    }
    if (rc == SOUK_OK) {
        rc = souk_db_exec(db, "INSERT INTO souk_sites (id, group_id, "
                          "created_at) VALUES (?, ?, ?)", "tti", op->id,
                          op->group, now);
    }
    for (i = 0; rc == SOUK_OK && i < op->nhosts; i++) {
        rc = souk_db_exec(db, "INSERT INTO souk_site_hosts (host, site_id) "
                          "VALUES (?, ?)", "tt", op->hosts[i], op->id);
    }
    if (rc == SOUK_OK && op->value != NULL) {
        rc = souk_db_exec(db, "INSERT INTO souk_site_settings (site_id, "
                          "name, value) VALUES (?, 'theme', ?)", "tt",
                          op->id, op->value);
    }
    if (rc != SOUK_OK) {
        return sk_sitedb_fail(op, rc, "souk_sites");
    }
    return sk_sitedb_commit_check(op);
}

static int
sk_sitedb_add_hosts(sk_sitedb_op_t *op, char **hosts, size_t nhosts,
    souk_pool_t *p)
{
    const char  *why;
    size_t       i;

    op->hosts = souk_palloc(p, (nhosts + 1) * sizeof(char *));
    for (i = 0; i < nhosts; i++) {
        /* normalised in place: on a copy, the caller's stay as they are */
        op->hosts[i] = souk_pstrdup(p, hosts[i]);
        why = strlen(hosts[i]) > 191 ? "is too long"
              : sk_config_host_check(op->hosts[i]);
        if (why != NULL) {
            snprintf(op->err, op->errlen, "host \"%s\" %s", hosts[i], why);
            return SOUK_DECLINED;
        }
    }
    op->nhosts = nhosts;
    return SOUK_OK;
}

int
sk_sitedb_add(sk_runtime_t *rt, const char *id, const char *group,
    char **hosts, size_t nhosts, const char *theme, char *err,
    size_t errlen)
{
    sk_sitedb_op_t   op;
    souk_pool_t     *p;
    int              rc;

    memset(&op, 0, sizeof(op));
    op.rt = rt;
    op.id = id;
    op.group = group != NULL ? group : id;
    op.value = theme;
    op.err = err;
    op.errlen = errlen;
    if ((rc = sk_sitedb_id_check(id, "site id", err, errlen)) != SOUK_OK
        || (rc = sk_sitedb_id_check(op.group, "group", err, errlen))
           != SOUK_OK)
    {
        return rc;
    }
    if (theme != NULL
        && (rc = sk_sitedb_theme_check(rt, theme, NULL, NULL, err, errlen))
           != SOUK_OK)
    {
        return rc;
    }
    p = sk_pool_create(1024);
    rc = sk_sitedb_add_hosts(&op, hosts, nhosts, p);
    if (rc == SOUK_OK) {
        rc = souk_db_tx(rt->db, sk_sitedb_add_tx, &op);
    }
    sk_pool_destroy(p);
    return rc;
}

/* The site must exist (merged) and the change fit; then the row. */
static int
sk_sitedb_set_tx(souk_db_t *db, void *arg)
{
    sk_sitedb_op_t   *op = arg;
    souk_pool_t      *p = sk_pool_create(4096);
    sk_site_t        *sites;
    const sk_site_t  *s;
    size_t            n;
    int               rc = SOUK_OK;
    char              theme[128];

    rc = sk_sitedb_lookup(op, p, &sites, &n, &s);
    if (rc != SOUK_OK) {
        /* the database failed: err says how */
    } else if (s == NULL) {
        snprintf(op->err, op->errlen, "no site %s", op->id);
        rc = SOUK_DECLINED;
    } else if (op->value != NULL && strncmp(op->key, "theme.", 6) == 0) {
        snprintf(theme, sizeof(theme), "%s", s->theme ? s->theme : "base");
        rc = sk_sitedb_theme_check(op->rt, theme, op->key + 6, op->value,
                                   op->err, op->errlen);
    }
    sk_pool_destroy(p);
    if (rc != SOUK_OK) {
        return rc;
    }
    rc = souk_db_exec(db, "DELETE FROM souk_site_settings WHERE site_id = ? "
                      "AND name = ?", "tt", op->id, op->key);
    if (rc == SOUK_OK && op->value != NULL) {
        rc = souk_db_exec(db, "INSERT INTO souk_site_settings (site_id, "
                          "name, value) VALUES (?, ?, ?)", "ttt", op->id,
                          op->key, op->value);
    }
    if (rc != SOUK_OK) {
        return sk_sitedb_fail(op, rc, "souk_site_settings");
    }
    return sk_sitedb_commit_check(op);
}

int
sk_sitedb_set(sk_runtime_t *rt, const char *id, const char *key,
    const char *value, char *err, size_t errlen)
{
    sk_sitedb_op_t  op;
    const char     *k;
    int             rc;

    memset(&op, 0, sizeof(op));
    op.rt = rt;
    op.id = id;
    op.key = key;
    op.value = value;
    op.err = err;
    op.errlen = errlen;
    for (k = key; *k != '\0'; k++) {
        if (!((*k >= 'a' && *k <= 'z') || (*k >= 'A' && *k <= 'Z')
              || (*k >= '0' && *k <= '9') || strchr("._-", *k) != NULL))
        {
            break;
        }
    }
    if (key[0] == '\0' || *k != '\0' || k - key > 128) {
        snprintf(err, errlen, "bad setting name \"%s\" (letters, digits, "
                 ". _ and -)", key);
        return SOUK_DECLINED;
    }
    if (strcmp(key, "hosts") == 0 || strcmp(key, "plugins") == 0
        || strcmp(key, "group") == 0)
    {
        snprintf(err, errlen, "%s is not a setting (see souk site add, "
                 "enable and disable)", key);
        return SOUK_DECLINED;
    }
    if (strcmp(key, "theme") == 0 && value != NULL
        && (rc = sk_sitedb_theme_check(rt, value, NULL, NULL, err, errlen))
           != SOUK_OK)
    {
        return rc;
    }
    return souk_db_tx(rt->db, sk_sitedb_set_tx, &op);
}

static int
sk_sitedb_plugin_tx(souk_db_t *db, void *arg)
{
    sk_sitedb_op_t   *op = arg;
    souk_pool_t      *p = sk_pool_create(4096);
    const sk_site_t  *s;
    sk_site_t        *sites;
    size_t            n;
    int               rc;

    rc = sk_sitedb_lookup(op, p, &sites, &n, &s);
    sk_pool_destroy(p);
    if (rc != SOUK_OK) {
        return rc;
    }
    if (s == NULL) {
        snprintf(op->err, op->errlen, "no site %s", op->id);
        return SOUK_DECLINED;
    }
    rc = souk_db_exec(db, "DELETE FROM souk_site_plugins WHERE site_id = ? "
                      "AND plugin = ?", "tt", op->id, op->key);
    if (rc == SOUK_OK) {
        rc = souk_db_exec(db, "INSERT INTO souk_site_plugins (site_id, "
                          "plugin, enabled) VALUES (?, ?, ?)", "tti", op->id,
                          op->key, (int64_t) op->on);
    }
    if (rc != SOUK_OK) {
        return sk_sitedb_fail(op, rc, "souk_site_plugins");
    }
    return sk_sitedb_commit_check(op);
}

int
sk_sitedb_plugin(sk_runtime_t *rt, const char *id, const char *plugin,
    int on, char *err, size_t errlen)
{
    sk_sitedb_op_t  op;

    if (sk_plugin_index(rt, plugin) < 0) {
        snprintf(err, errlen, "plugin %s is not loaded", plugin);
        return SOUK_DECLINED;
    }
    memset(&op, 0, sizeof(op));
    op.rt = rt;
    op.id = id;
    op.key = plugin;
    op.on = on != 0;
    op.err = err;
    op.errlen = errlen;
    return souk_db_tx(rt->db, sk_sitedb_plugin_tx, &op);
}

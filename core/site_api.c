/* The public calls that read and change sites for the admin: a thin layer
 * over core/site_db.c reading the database afresh, not the served table. */
#include <stdio.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "souk_core.h"
#include "migrate.h"

/*
 * The served table (rt->sites) follows the database within a second; the
 * admin reads right after it writes, so these read a fresh merge instead.
 */

static void
sk_site_api_log(souk_request_t *r, int rc, const char *what, const char *err)
{
    if (rc == SOUK_ERROR) {
        sk_log_msg(SOUK_LOG_ERROR, "req=%s: %s: %s", r->id, what, err);
    }
}

static cJSON *
sk_site_api_json(const sk_site_t *s)
{
    cJSON   *o = cJSON_CreateObject(), *h;
    size_t   i;

    cJSON_AddStringToObject(o, "id", s->id);
    cJSON_AddStringToObject(o, "theme", s->theme ? s->theme : "base");
    cJSON_AddStringToObject(o, "group", s->group ? s->group : s->id);
    h = cJSON_AddArrayToObject(o, "hosts");
    for (i = 0; i < s->nhosts; i++) {
        cJSON_AddItemToArray(h, cJSON_CreateString(s->hosts[i]));
    }
    return o;
}

/* The merged table into a fresh pool; NULL (logged) when unreadable. */
static souk_pool_t *
sk_site_api_sites(souk_request_t *r, sk_site_t **sites, size_t *n)
{
    int64_t  v;

    if (r->rt == NULL || r->rt->db == NULL) {
        return NULL;
    }
    return sk_sitedb_load(r->rt, r->rt->cfg, sites, n, &v);
}

SOUK_API cJSON *
souk_site_list(souk_request_t *r)
{
    cJSON        *a = cJSON_CreateArray();
    souk_pool_t  *p;
    sk_site_t    *sites;
    size_t        i, n;

    p = sk_site_api_sites(r, &sites, &n);
    if (p == NULL) {
        return a;
    }
    for (i = 0; i < n; i++) {
        cJSON_AddItemToArray(a, sk_site_api_json(&sites[i]));
    }
    sk_sitedb_release(p);
    return a;
}

static void
sk_site_api_plugins(const sk_runtime_t *rt, const sk_site_t *s, cJSON *o)
{
    cJSON              *a = cJSON_AddArrayToObject(o, "plugins"), *pl;
    const sk_plugin_t  *p;
    size_t              i, j;
    int                 on;

    for (i = 0; i < rt->nplugins; i++) {
        p = rt->plugins[i];
        if (p == NULL) {
            continue;
        }
        on = 0;
        for (j = 0; j < s->nplugin_names; j++) {
            on |= strcmp(s->plugin_names[j], p->name) == 0;
        }
        pl = cJSON_CreateObject();
        cJSON_AddStringToObject(pl, "name", p->name);
        cJSON_AddStringToObject(pl, "summary", p->desc && p->desc->summary
                                ? p->desc->summary : "");
        cJSON_AddBoolToObject(pl, "enabled", on);
        cJSON_AddItemToArray(a, pl);
    }
}

SOUK_API cJSON *
souk_site_info(souk_request_t *r, const char *site)
{
    souk_pool_t  *p;
    sk_site_t    *sites;
    cJSON        *o = NULL, *set;
    size_t        i, n;

    p = sk_site_api_sites(r, &sites, &n);
    if (p == NULL || site == NULL) {
        if (p != NULL) {
            sk_sitedb_release(p);
        }
        return NULL;
    }
    for (i = 0; i < n && o == NULL; i++) {
        if (strcmp(sites[i].id, site) != 0) {
            continue;
        }
        o = sk_site_api_json(&sites[i]);
        sk_site_api_plugins(r->rt, &sites[i], o);
        set = cJSON_AddObjectToObject(o, "settings");
        for (n = 0; n < sites[i].nsettings; n++) {
            cJSON_AddStringToObject(set, sites[i].settings[n].name,
                                    sites[i].settings[n].value);
        }
    }
    sk_sitedb_release(p);
    return o;
}

SOUK_API int
souk_site_plugin_set(souk_request_t *r, const char *site, const char *plugin,
    int on)
{
    char  err[512];
    int   rc;

    if (r->rt == NULL || r->rt->db == NULL || site == NULL || plugin == NULL)
    {
        return SOUK_DECLINED;
    }
    rc = sk_sitedb_plugin(r->rt, site, plugin, on, err, sizeof(err));
    sk_site_api_log(r, rc, "souk_site_plugin_set", err);
    return rc;
}

SOUK_API int
souk_site_theme_set(souk_request_t *r, const char *site, const char *theme)
{
    return souk_site_setting_set(r, site, "theme", theme, NULL, 0);
}

SOUK_API int
souk_site_setting_set(souk_request_t *r, const char *site, const char *key,
    const char *value, char *why, size_t whylen)
{
    char  err[512];
    int   rc;

    if (r->rt == NULL || r->rt->db == NULL || site == NULL || key == NULL) {
        return SOUK_DECLINED;
    }
    err[0] = '\0';
    rc = sk_sitedb_set(r->rt, site, key, value, err, sizeof(err));
    sk_site_api_log(r, rc, "souk_site_setting_set", err);
    if (rc != SOUK_OK && why != NULL && whylen > 0) {
        snprintf(why, whylen, "%s", err);
    }
    return rc;
}

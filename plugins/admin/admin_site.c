/* The admin plugin's site pages: the list of sites, and per site its
 * plugins (on/off), its theme and the theme's settings. */
#include <stdlib.h>
#include <string.h>

#include "admin.h"

static const souk_ui_col_t  admin_site_cols[] = {
    { "id", "Site", 1, 0, "href" },
    { "theme", "Theme", 1, 0, NULL },
    { "group", "Group", 1, 0, NULL },
    { "hosts", "Addresses", 0, 0, NULL },
};

static const char *
admin_site_href(souk_request_t *r, const char *site, const char *tail)
{
    char        *enc = souk_ui_url_append(NULL, site, 1);
    const char  *u = admin_url(r, souk_psprintf(souk_request_pool(r),
                                                "/admin/sites/%s%s", enc,
                                                tail));

    free(enc);
    return u;
}

int
admin_sites_list(souk_request_t *r, void *data)
{
    souk_ui_table_opts_t  o;
    cJSON              *m, *all, *mine, *s, *next;
    const cJSON        *id;
    int                 rc;

    (void) data;
    if ((rc = souk_ui_guard(r, NULL, "admin.access")) != 0) {
        return rc;
    }
    m = souk_ui_page(r, "admin_sites", "Sites");
    souk_ui_crumb(m, "Admin", admin_url(r, "/admin"));
    souk_ui_crumb(m, "Sites", NULL);
    all = souk_site_list(r);
    mine = cJSON_CreateArray();
    /* Only the sites this account may manage: the others stay unnamed. */
    for (s = all != NULL ? all->child : NULL; s != NULL; s = next) {
        next = s->next;
        id = cJSON_GetObjectItemCaseSensitive(s, "id");
        if (!cJSON_IsString(id)
            || !souk_user_can_site(r, id->valuestring, "admin.sites"))
        {
            continue;
        }
        cJSON_DetachItemViaPointer(all, s);
        cJSON_AddStringToObject(s, "href",
                                admin_site_href(r, id->valuestring, ""));
        cJSON_AddItemToArray(mine, s);
    }
    cJSON_Delete(all);
    memset(&o, 0, sizeof(o));
    o.caption = "Sites you manage";
    o.empty = "This account manages no site.";
    o.base_url = admin_url(r, "/admin/sites");
    o.sort = souk_request_query(r, "sort");
    o.dir = souk_request_query(r, "dir");
    o.page = souk_request_query(r, "page");
    o.per = souk_request_query(r, "per");
    o.per_default = ADMIN_PER_PAGE;
    cJSON_AddItemToObject(m, "table",
                          souk_ui_table(admin_site_cols,
                                      sizeof(admin_site_cols)
                                      / sizeof(admin_site_cols[0]),
                                      mine, &o));
    cJSON_Delete(mine);
    return 200;
}

/* ---------- one site ---------- */

/*
 * Looks the site up and checks the user may manage it. *info is the
 * site (the caller deletes it) when 0 is returned, else the status.
 */
static int
admin_site_load(souk_request_t *r, cJSON **info)
{
    const char  *site = souk_request_param(r, "site");
    int          rc;

    *info = NULL;
    if ((rc = souk_ui_guard(r, NULL, "admin.access")) != 0) {
        return rc;
    }
    if (site == NULL || (*info = souk_site_info(r, site)) == NULL) {
        return souk_error(r, 404, "there is no such site");
    }
    if ((rc = souk_ui_guard(r, site, "admin.sites")) != 0) {
        cJSON_Delete(*info);
        *info = NULL;
        return rc;
    }
    return 0;
}

static const char *
admin_str(const cJSON *o, const char *key)
{
    const cJSON  *v = cJSON_GetObjectItemCaseSensitive(o, key);

    return cJSON_IsString(v) ? v->valuestring : "";
}

/* The admin plugin itself stays on for the site the admin is served on:
 * turning it off there would lock the user out of this very page. */
static int
admin_plugin_locked(souk_request_t *r, const char *site, const char *name)
{
    return strcmp(name, "admin") == 0 && strcmp(site, souk_site_id(r)) == 0;
}

static cJSON *
admin_site_plugins_model(souk_request_t *r, const cJSON *info)
{
    const char  *site = admin_str(info, "id");
    cJSON       *list = cJSON_CreateArray(), *o;
    const cJSON *p;
    int          on;

    cJSON_ArrayForEach(p, cJSON_GetObjectItemCaseSensitive(info, "plugins")) {
        on = cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(p, "enabled"));
        o = cJSON_CreateObject();
        cJSON_AddStringToObject(o, "name", admin_str(p, "name"));
        cJSON_AddStringToObject(o, "summary", admin_str(p, "summary"));
        cJSON_AddBoolToObject(o, "enabled", on);
        cJSON_AddStringToObject(o, "set_to", on ? "no" : "yes");
        cJSON_AddBoolToObject(o, "locked",
                              admin_plugin_locked(r, site,
                                                  admin_str(p, "name")));
        cJSON_AddItemToArray(list, o);
    }
    return list;
}

static cJSON *
admin_theme_field(souk_request_t *r, const char *current, const char *err)
{
    cJSON        *f = souk_ui_field("select", "theme", "Theme", current, err);
    cJSON        *themes = souk_theme_list(r), *o;
    cJSON        *opts = cJSON_GetObjectItemCaseSensitive(f, "options");
    const cJSON  *t;
    const char   *id;

    cJSON_ArrayForEach(t, themes) {
        if (cJSON_IsFalse(cJSON_GetObjectItemCaseSensitive(t,
                                                           "storefront")))
        {
            continue;           /* back-office themes are not for shops */
        }
        id = admin_str(t, "id");
        o = cJSON_CreateObject();
        cJSON_AddStringToObject(o, "value", id);
        cJSON_AddStringToObject(o, "label", souk_psprintf(
            souk_request_pool(r), "%s (%s)", admin_str(t, "name"), id));
        cJSON_AddBoolToObject(o, "selected", strcmp(id, current) == 0);
        cJSON_AddItemToArray(opts, o);
    }
    cJSON_Delete(themes);
    return f;
}

/*
 * The settings form of the site's theme. values: the site's own settings
 * object ("theme.KEY": value), or the values just posted; errors: KEY →
 * message, or NULL.
 */
static cJSON *
admin_settings_fields(souk_request_t *r, const char *theme,
    const cJSON *values, const cJSON *errors)
{
    cJSON        *info = souk_theme_info(r, theme), *fields;
    const cJSON  *s, *v, *e;
    const char   *key;

    fields = cJSON_CreateArray();
    cJSON_ArrayForEach(s, cJSON_GetObjectItemCaseSensitive(info,
                                                           "settings")) {
        key = souk_psprintf(souk_request_pool(r), "theme.%s", s->string);
        v = cJSON_GetObjectItemCaseSensitive(values, key);
        e = cJSON_GetObjectItemCaseSensitive(errors, s->string);
        cJSON_AddItemToArray(fields, souk_ui_field_from_schema(
            s->string, s, cJSON_IsString(v) ? v->valuestring : NULL,
            cJSON_IsString(e) ? e->valuestring : NULL));
    }
    cJSON_Delete(info);
    return fields;
}

/* Renders the site page. theme_err, posted and errors (may be NULL) show
 * a rejected form again with what the user typed. */
static int
admin_site_page(souk_request_t *r, const cJSON *info, int status,
    const char *theme_err, const cJSON *posted, const cJSON *errors)
{
    const char  *site = admin_str(info, "id");
    const char  *theme = admin_str(info, "theme");
    cJSON       *m, *d, *fields;

    m = souk_ui_page(r, "admin_site", souk_psprintf(souk_request_pool(r),
                                                  "Site %s", site));
    souk_ui_crumb(m, "Admin", admin_url(r, "/admin"));
    souk_ui_crumb(m, "Sites", admin_url(r, "/admin/sites"));
    souk_ui_crumb(m, site, NULL);
    d = cJSON_AddObjectToObject(m, "site");
    cJSON_AddStringToObject(d, "id", site);
    cJSON_AddStringToObject(d, "theme", theme);
    cJSON_AddStringToObject(d, "group", admin_str(info, "group"));
    cJSON_AddItemToObject(d, "hosts", cJSON_Duplicate(
        cJSON_GetObjectItemCaseSensitive(info, "hosts"), 1));
    cJSON_AddStringToObject(m, "plugins_action",
                            admin_site_href(r, site, "/plugins"));
    cJSON_AddItemToObject(m, "plugins", admin_site_plugins_model(r, info));

    fields = cJSON_CreateArray();
    cJSON_AddItemToArray(fields, admin_theme_field(r, theme, theme_err));
    cJSON_AddItemToObject(m, "theme_form", souk_ui_form(
        "admin-theme", admin_site_href(r, site, "/theme"), "Use this theme",
        souk_csrf_token(r), fields, theme_err != NULL
        ? "Check the fields marked below." : NULL));

    fields = admin_settings_fields(r, theme, posted != NULL ? posted
        : cJSON_GetObjectItemCaseSensitive(info, "settings"), errors);
    cJSON_AddBoolToObject(m, "has_settings",
                          cJSON_GetArraySize(fields) > 0);
    cJSON_AddItemToObject(m, "settings_form", souk_ui_form(
        "admin-settings", admin_site_href(r, site, "/settings"),
        "Save settings", souk_csrf_token(r), fields,
        errors != NULL ? "Some settings were not saved: check the fields "
                         "marked below." : NULL));
    return status;
}

int
admin_site_show(souk_request_t *r, void *data)
{
    cJSON  *info;
    int     rc;

    (void) data;
    if ((rc = admin_site_load(r, &info)) != 0) {
        return rc;
    }
    rc = admin_site_page(r, info, 200, NULL, NULL, NULL);
    cJSON_Delete(info);
    return rc;
}

/* ---------- changes ---------- */

static int
admin_back(souk_request_t *r, const char *site, const char *kind,
    const char *msg)
{
    souk_ui_flash_next(r, kind, msg);
    return souk_redirect(r, 303, admin_site_href(r, site, ""));
}

static const cJSON *
admin_find_plugin(const cJSON *info, const char *name)
{
    const cJSON  *p;

    cJSON_ArrayForEach(p, cJSON_GetObjectItemCaseSensitive(info, "plugins")) {
        if (strcmp(admin_str(p, "name"), name) == 0) {
            return p;
        }
    }
    return NULL;
}

int
admin_site_plugins(souk_request_t *r, void *data)
{
    const char  *name = souk_request_form(r, "plugin");
    const char  *set = souk_request_form(r, "enabled");
    const char  *site;
    cJSON       *info;
    int          rc, on;

    (void) data;
    if ((rc = admin_site_load(r, &info)) != 0) {
        return rc;
    }
    site = souk_pstrdup(souk_request_pool(r), admin_str(info, "id"));
    if (name == NULL || admin_find_plugin(info, name) == NULL) {
        cJSON_Delete(info);
        return souk_error(r, 422, "no such plugin is installed");
    }
    cJSON_Delete(info);
    if (set == NULL || (strcmp(set, "yes") != 0 && strcmp(set, "no") != 0)) {
        return souk_error(r, 422, "\"enabled\" must be yes or no");
    }
    on = strcmp(set, "yes") == 0;
    if (!on && admin_plugin_locked(r, site, name)) {
        return souk_error(r, 409, "the admin cannot be turned off for the "
                          "site it is served on: use another site's admin");
    }
    rc = souk_site_plugin_set(r, site, name, on);
    if (rc != SOUK_OK) {
        /* It exists (checked above): a requirement refused the change. */
        return rc == SOUK_DECLINED
               ? souk_error(r, 409, "%s cannot be turned %s for %s: a "
                            "plugin it needs is off, or a plugin that is "
                            "on needs it", name, on ? "on" : "off", site)
               : SOUK_ERROR;
    }
    return admin_back(r, site, "ok", souk_psprintf(souk_request_pool(r),
                      "%s is now %s for %s.", name, on ? "on" : "off",
                      site));
}

int
admin_site_theme(souk_request_t *r, void *data)
{
    const char  *theme = souk_request_form(r, "theme");
    const char  *site;
    cJSON       *info, *t;
    int          rc, ok;

    (void) data;
    if ((rc = admin_site_load(r, &info)) != 0) {
        return rc;
    }
    t = theme != NULL ? souk_theme_info(r, theme) : NULL;
    ok = t != NULL && !cJSON_IsFalse(cJSON_GetObjectItemCaseSensitive(
                                         t, "storefront"));
    cJSON_Delete(t);
    if (!ok || souk_site_theme_set(r, admin_str(info, "id"), theme)
               != SOUK_OK)
    {
        rc = admin_site_page(r, info, 422, "Pick one of the installed "
                             "storefront themes.", NULL, NULL);
        cJSON_Delete(info);
        return rc;
    }
    site = souk_pstrdup(souk_request_pool(r), admin_str(info, "id"));
    cJSON_Delete(info);
    return admin_back(r, site, "ok", souk_psprintf(souk_request_pool(r),
                      "%s now wears the theme %s.", site, theme));
}

/* What the settings transaction needs; errors is rebuilt on each try, as
 * souk_db_tx may run the function again after a deadlock. */
typedef struct {
    souk_request_t  *r;
    const char      *site;
    cJSON           *schema;      /* KEY → schema entry */
    cJSON           *posted;      /* "theme.KEY" → value as typed */
    cJSON           *errors;      /* KEY → why */
} admin_settings_tx_t;

static int
admin_settings_apply(souk_db_t *db, void *arg)
{
    admin_settings_tx_t  *a = arg;
    const cJSON          *s, *v;
    const char           *key, *val;
    char                  why[256];

    (void) db;
    cJSON_Delete(a->errors);
    a->errors = cJSON_CreateObject();
    cJSON_ArrayForEach(s, a->schema) {
        key = souk_psprintf(souk_request_pool(a->r), "theme.%s", s->string);
        v = cJSON_GetObjectItemCaseSensitive(a->posted, key);
        if (!cJSON_IsString(v)) {
            continue;           /* not in the form: left as it is */
        }
        /* Empty: back to the theme's default. */
        val = v->valuestring[0] != '\0' ? v->valuestring : NULL;
        why[0] = '\0';
        if (souk_site_setting_set(a->r, a->site, key, val, why,
                                  sizeof(why)) != SOUK_OK)
        {
            cJSON_AddStringToObject(a->errors, s->string,
                                    why[0] != '\0' ? why
                                    : "this value cannot be saved");
        }
    }
    return cJSON_GetArraySize(a->errors) > 0 ? SOUK_DECLINED : SOUK_OK;
}

int
admin_site_settings(souk_request_t *r, void *data)
{
    admin_settings_tx_t  a;
    cJSON               *info, *ti;
    const cJSON         *s;
    const char          *key, *v;
    int                  rc;

    (void) data;
    if ((rc = admin_site_load(r, &info)) != 0) {
        return rc;
    }
    memset(&a, 0, sizeof(a));
    a.r = r;
    a.site = souk_pstrdup(souk_request_pool(r), admin_str(info, "id"));
    ti = souk_theme_info(r, admin_str(info, "theme"));
    a.schema = cJSON_GetObjectItemCaseSensitive(ti, "settings");
    a.posted = cJSON_CreateObject();
    cJSON_ArrayForEach(s, a.schema) {
        key = souk_psprintf(souk_request_pool(r), "theme.%s", s->string);
        if ((v = souk_request_form(r, key)) != NULL) {
            cJSON_AddStringToObject(a.posted, key, v);
        }
    }
    rc = souk_db_tx(souk_db(r), admin_settings_apply, &a);
    if (rc == SOUK_OK) {
        rc = admin_back(r, a.site, "ok", "Theme settings saved.");
    } else if (a.errors != NULL && cJSON_GetArraySize(a.errors) > 0) {
        /* Nothing was written: the transaction rolled back. */
        rc = admin_site_page(r, info, 422, NULL, a.posted, a.errors);
    } else {
        rc = SOUK_ERROR;
    }
    cJSON_Delete(a.errors);
    cJSON_Delete(a.posted);
    cJSON_Delete(ti);
    cJSON_Delete(info);
    return rc;
}

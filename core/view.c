/* Renders HTML answers through the site's theme: template lookup, the
 * globals frame of the template contract, slots and route URLs. */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <unistd.h>

#include "template.h"
#include "theme.h"

/* "Not Found" for 404 (core/respond.c). */
const char *sk_status_reason(int status);

#ifndef SOUK_THEME_DIR
#define SOUK_THEME_DIR "/usr/local/share/souk/themes"
#endif
#ifndef SOUK_PLUGIN_DATA_DIR
#define SOUK_PLUGIN_DATA_DIR "/usr/local/share/souk/plugins"
#endif

/*
 * Per worker: one theme folder and one template cache per theme, because a
 * cache's loader must give the same file for the same name (a child theme
 * resolves "header" differently from its parent). Both live until the
 * process ends; a change of theme_dir takes a reload, like every [server]
 * key.
 */
typedef struct {
    sk_theme_t      *theme;
    sk_tpl_cache_t  *cache;
    const char      *plugin_data_dir;
} sk_view_cache_t;

static struct {
    sk_themes_t      *themes;
    sk_view_cache_t **caches;
    size_t            ncaches;
    char             *plugin_data_dir;
    int               explicit_dir;   /* theme_dir set in souk.conf */
    char              warned[8][65];  /* themes already reported missing */
    time_t            failed_at[8];   /* when each was last tried */
} sk_view;

/* Refuses names that could climb out of the theme folder. */
static int
sk_view_name_ok(const char *name)
{
    const char  *p;

    if (name[0] == '\0' || name[0] == '/' || strlen(name) > 200) {
        return 0;
    }
    for (p = name; *p != '\0'; p++) {
        if (*p == '\\' || (p[0] == '.' && (p == name || p[-1] == '/')
                           && (p[1] == '.' || p[1] == '/' || p[1] == '\0')))
        {
            return 0;
        }
    }
    return 1;
}

static char *
sk_view_join(const char *fmt, const char *a, const char *b, const char *c)
{
    size_t  n = strlen(fmt) + strlen(a) + strlen(b) + strlen(c) + 1;
    char   *p = malloc(n);

    if (p == NULL) {
        abort();
    }
    snprintf(p, n, fmt, a, b, c);
    return p;
}

int
sk_template_contract(const char *path)
{
    char   head[128];
    FILE  *f = fopen(path, "re");
    size_t n;
    int    v = 0;

    if (f == NULL) {
        return 0;
    }
    n = fread(head, 1, sizeof(head) - 1, f);
    fclose(f);
    head[n] = '\0';
    if (sscanf(head, " {{! contract: %d", &v) != 1) {
        v = 0;
    }
    return v;
}

/* A theme's copy of a plugin template that forked an older contract than
 * the plugin's default: logged once, when the cache first loads it. */
static void
sk_view_fork_check(const char *override, const char *dflt)
{
    int  mine = sk_template_contract(override);
    int  theirs = sk_template_contract(dflt);

    if (theirs > mine) {
        sk_log_msg(SOUK_LOG_WARN, "%s follows template contract %d but its "
                   "default %s is at contract %d: compare and update the "
                   "override", override, mine, dflt, theirs);
    }
}

/*
 * Page templates are asked for as "@PLUGIN:NAME" (or "NAME" for the core's
 * own pages) and found in the chain's plugins/PLUGIN/ and templates/, then
 * in the plugin's own folder; partials and parents in partials/ and
 * layouts/, with plugins/PLUGIN/X falling back to the plugin's folder.
 */
static int
sk_view_load(void *ctx, const char *name, const char *from_file,
    char **path_out)
{
    sk_view_cache_t  *vc = ctx;
    const char       *rels[3] = { NULL, NULL, NULL }, *colon, *rest;
    char             *plugin = NULL, *dflt = NULL, *found;
    char              tmp[256];

    *path_out = NULL;
    if (from_file == NULL && name[0] == '@'
        && (colon = strchr(name, ':')) != NULL)
    {
        plugin = strndup(name + 1, (size_t) (colon - name - 1));
        name = colon + 1;
    }
    if (!sk_view_name_ok(name) || (plugin && !sk_view_name_ok(plugin))) {
        free(plugin);
        *path_out = strdup("template name leaves the theme folder");
        return SOUK_ERROR;
    }
    if (from_file == NULL) {
        rels[0] = plugin ? sk_view_join("plugins/%s/%s%s.mustache", plugin,
                                        name, "") : NULL;
        rels[plugin ? 1 : 0] = sk_view_join("templates/%s%s%s.mustache",
                                            name, "", "");
    } else {
        rels[0] = sk_view_join("partials/%s%s%s.mustache", name, "", "");
        rels[1] = sk_view_join("layouts/%s%s%s.mustache", name, "", "");
        rest = strncmp(name, "plugins/", 8) == 0 ? strchr(name + 8, '/')
                                                 : NULL;
        if (rest != NULL && (size_t) (rest - name - 8) < sizeof(tmp)) {
            snprintf(tmp, sizeof(tmp), "%.*s", (int) (rest - name - 8),
                     name + 8);
            plugin = strdup(tmp);
            name = rest + 1;
        }
    }
    if (plugin != NULL) {
        dflt = sk_view_join("%s/%s/templates/%s.mustache",
                            vc->plugin_data_dir, plugin, name);
    }
    found = sk_theme_find(vc->theme, rels);
    if (found != NULL && dflt != NULL && access(dflt, R_OK) == 0) {
        sk_view_fork_check(found, dflt);
    }
    if (found == NULL && dflt != NULL && access(dflt, R_OK) == 0) {
        found = dflt;
        dflt = NULL;
    }
    free((char *) rels[0]);
    free((char *) rels[1]);
    free(plugin);
    free(dflt);
    *path_out = found;
    return found != NULL ? SOUK_OK : SOUK_DECLINED;
}

const char *
sk_view_default_dir(int plugins)
{
    return plugins ? SOUK_PLUGIN_DATA_DIR : SOUK_THEME_DIR;
}

sk_tpl_load_pt
sk_view_loader(sk_theme_t *t, const char *plugin_data_dir, void **ctx)
{
    sk_view_cache_t  *vc = calloc(1, sizeof(*vc));

    if (vc == NULL) {
        abort();
    }
    vc->theme = t;
    vc->plugin_data_dir = plugin_data_dir != NULL ? plugin_data_dir
                                                  : SOUK_PLUGIN_DATA_DIR;
    *ctx = vc;
    return sk_view_load;
}

static void
sk_view_setup(const sk_config_t *cfg)
{
    if (sk_view.themes != NULL) {
        return;
    }
    sk_view.explicit_dir = cfg->theme_dir != NULL;
    sk_view.themes = sk_themes_create(cfg->theme_dir ? cfg->theme_dir
                                      : SOUK_THEME_DIR, cfg->assets_url);
    sk_view.plugin_data_dir = strdup(cfg->plugin_data_dir
                                     ? cfg->plugin_data_dir
                                     : SOUK_PLUGIN_DATA_DIR);
    if (sk_view.plugin_data_dir == NULL || sk_helpers_register() != SOUK_OK)
    {
        abort();
    }
}

void
sk_view_shutdown(void)
{
    size_t  i;

    for (i = 0; i < sk_view.ncaches; i++) {
        sk_tpl_cache_destroy(sk_view.caches[i]->cache);
        free(sk_view.caches[i]);
    }
    free(sk_view.caches);
    free(sk_view.plugin_data_dir);
    sk_themes_destroy(sk_view.themes);
    memset(&sk_view, 0, sizeof(sk_view));
}

static time_t
sk_view_now(void)
{
    struct timespec  ts;

    clock_gettime(CLOCK_MONOTONIC_COARSE, &ts);
    return ts.tv_sec;
}

/* A theme that could not be loaded is not tried again for a second, so a
 * site wearing a missing theme costs no file look-ups per request, yet a
 * theme installed later is picked up. */
static int
sk_view_recently_failed(const char *id)
{
    size_t  i;

    for (i = 0; i < 8 && sk_view.warned[i][0] != '\0'; i++) {
        if (strcmp(sk_view.warned[i], id) == 0) {
            return sk_view_now() - sk_view.failed_at[i] < 1;
        }
    }
    return 0;
}

/* Logs a theme that cannot be loaded once per worker, not per request. */
static void
sk_view_warn_once(const char *id, const char *err)
{
    size_t  i;

    for (i = 0; i < 8 && sk_view.warned[i][0] != '\0'; i++) {
        if (strcmp(sk_view.warned[i], id) == 0) {
            sk_view.failed_at[i] = sk_view_now();
            return;
        }
    }
    if (i < 8) {
        snprintf(sk_view.warned[i], sizeof(sk_view.warned[i]), "%s", id);
        sk_view.failed_at[i] = sk_view_now();
    }
    sk_log_msg(sk_view.explicit_dir ? SOUK_LOG_ERROR : SOUK_LOG_WARN,
               "%s; %s", err, sk_view.explicit_dir
               ? "answering with the built-in page"
               : "no theme installed, answering with the built-in page");
}

static sk_view_cache_t *
sk_view_cache(const sk_config_t *cfg, const char *id)
{
    sk_theme_t       *t;
    sk_view_cache_t  *vc;
    char              err[512];
    size_t            i;

    sk_view_setup(cfg);
    if (sk_view_recently_failed(id)) {
        return NULL;
    }
    t = sk_theme_get(sk_view.themes, id, err, sizeof(err));
    if (t == NULL) {
        sk_view_warn_once(id, err);
        return NULL;
    }
    for (i = 0; i < sk_view.ncaches; i++) {
        if (sk_view.caches[i]->theme == t) {
            return sk_view.caches[i];
        }
    }
    vc = malloc(sizeof(*vc));
    sk_view.caches = realloc(sk_view.caches,
                             (sk_view.ncaches + 1) * sizeof(vc));
    if (vc == NULL || sk_view.caches == NULL) {
        abort();
    }
    vc->theme = t;
    vc->plugin_data_dir = sk_view.plugin_data_dir;
    vc->cache = sk_tpl_cache_create(sk_view_load, vc,
                                    cfg->dev_mode ? SK_TPL_DEV : 0);
    if (vc->cache == NULL) {
        abort();
    }
    sk_view.caches[sk_view.ncaches++] = vc;
    return vc;
}

/* ---------- the globals frame ---------- */

static const char *
sk_view_setting(const souk_request_t *r, const char *key, const char *dflt)
{
    const char  *v = souk_setting(r, key);

    return v != NULL && v[0] != '\0' ? v : dflt;
}

/* The site's path prefix: what full_path has before path. */
static const char *
sk_view_base_path(souk_request_t *r)
{
    size_t  fl, pl;

    if (r->full_path == NULL || r->path == NULL) {
        return "";
    }
    fl = strlen(r->full_path);
    pl = strlen(r->path);
    if (fl >= pl && strcmp(r->full_path + fl - pl, r->path) == 0) {
        return souk_pstrndup(r->pool, r->full_path, fl - pl);
    }
    /* "/brand" served as the site's "/" */
    return strcmp(r->path, "/") == 0 ? r->full_path : "";
}

SOUK_API const char *
souk_site_base_path(souk_request_t *r)
{
    return sk_view_base_path(r);
}

/*
 * A handler that answers 4xx with a view of its own and without
 * souk_error (a form shown again with its field errors) gets that view
 * rendered; souk_error and the core's own errors get the error page.
 */
static int
sk_view_is_error_page(const souk_request_t *r, int status)
{
    return status >= 400
           && (status >= 500 || r->view == NULL || r->tmpl == NULL
               || r->error_msg != NULL);
}

static const char *
sk_view_new_nonce(souk_request_t *r)
{
    static const char  hex[] = "0123456789abcdef";
    unsigned char      rnd[16];
    char              *s = souk_palloc(r->pool, 33);
    size_t             i;

    if (getrandom(rnd, sizeof(rnd), 0) != (ssize_t) sizeof(rnd)) {
        abort();                /* the kernel's CSPRNG does not fail */
    }
    for (i = 0; i < sizeof(rnd); i++) {
        s[2 * i] = hex[rnd[i] >> 4];
        s[2 * i + 1] = hex[rnd[i] & 15];
    }
    s[32] = '\0';
    return s;
}

static cJSON *
sk_view_request(const souk_request_t *r)
{
    cJSON   *o = cJSON_CreateObject(), *q = cJSON_CreateObject();
    size_t   i;

    cJSON_AddStringToObject(o, "method", r->method_name ? r->method_name
                                                        : "GET");
    cJSON_AddStringToObject(o, "path", r->path ? r->path : "/");
    cJSON_AddStringToObject(o, "full_path", r->full_path ? r->full_path
                                                         : "/");
    cJSON_AddStringToObject(o, "host", r->host ? r->host : "");
    cJSON_AddBoolToObject(o, "https", r->https);
    cJSON_AddStringToObject(o, "id", r->id);
    for (i = 0; i < r->nquery; i++) {
        if (!cJSON_HasObjectItem(q, r->query[i].name)) {
            cJSON_AddStringToObject(q, r->query[i].name, r->query[i].value);
        }
    }
    cJSON_AddItemToObject(o, "query", q);
    return o;
}

static cJSON *
sk_view_page(souk_request_t *r, sk_view_ctx_t *vc, int status,
    const char *msg, const char *nonce)
{
    cJSON        *o = cJSON_CreateObject(), *e;
    const cJSON  *title = cJSON_GetObjectItemCaseSensitive(r->view, "title");
    int           err = sk_view_is_error_page(r, status);
    const char   *tmpl = err ? "error" : r->tmpl != NULL ? r->tmpl : "page";

    cJSON_AddStringToObject(o, "template", tmpl);
    cJSON_AddNumberToObject(o, "status", status);
    cJSON_AddStringToObject(o, "lang", vc->lang);
    cJSON_AddStringToObject(o, "csp_nonce", nonce);
    cJSON_AddBoolToObject(o, "is_error", err);
    if (err) {
        e = cJSON_AddObjectToObject(o, "error");
        cJSON_AddNumberToObject(e, "status", status);
        cJSON_AddStringToObject(e, "reason", sk_status_reason(status));
        cJSON_AddStringToObject(e, "message", msg ? msg
                                              : sk_status_reason(status));
        cJSON_AddStringToObject(o, "title", sk_status_reason(status));
    } else {
        cJSON_AddStringToObject(o, "title", cJSON_IsString(title)
                                            ? title->valuestring : tmpl);
    }
    return o;
}

/* The globals: built per answer in the request pool; t and assets are
 * references into the theme (process memory), never copied. */
static cJSON *
sk_view_globals(souk_request_t *r, sk_view_ctx_t *vc, int status,
    const char *msg, const char *nonce)
{
    cJSON  *g = souk_pool_json(r->pool, cJSON_CreateObject());
    cJSON  *shop = cJSON_AddObjectToObject(g, "shop");

    cJSON_AddStringToObject(shop, "id", r->site->id);
    cJSON_AddStringToObject(shop, "name",
                            sk_view_setting(r, "shop.name", r->site->id));
    cJSON_AddStringToObject(shop, "theme", vc->theme->id);
    cJSON_AddStringToObject(shop, "locale", vc->lang);
    cJSON_AddStringToObject(shop, "currency", vc->currency);
    cJSON_AddStringToObject(shop, "base_path", vc->base_path);
    cJSON_AddItemToObject(g, "request", sk_view_request(r));
    cJSON_AddItemToObject(g, "page", sk_view_page(r, vc, status, msg,
                                                  nonce));
    /* A theme worn for one answer (souk_view_theme) takes its defaults:
     * the site's settings were checked against the site's own theme. */
    cJSON_AddItemToObject(g, "settings",
                          r->theme != NULL
                          ? sk_theme_settings(vc->theme, NULL, 0)
                          : sk_theme_settings(vc->theme, r->site->settings,
                                              r->site->nsettings));
    /* An object reference takes the first member, not the object. */
    cJSON_AddItemToObject(g, "t", cJSON_CreateObjectReference(vc->tr->child));
    cJSON_AddItemToObject(g, "assets", cJSON_CreateObjectReference(
                                           vc->theme->assets->child));
    vc->slots = souk_pool_json(r->pool, cJSON_CreateObject());
    return g;
}

/* ---------- computed names: slot.NAME and url.ROUTE ---------- */

static const cJSON *
sk_view_missing(void *ctx, const char *name)
{
    sk_view_ctx_t  *vc = ctx;
    const cJSON    *have;
    cJSON          *v;
    const char     *pattern;
    souk_buf_t      b;

    if (vc == NULL || vc->r == NULL) {
        return NULL;
    }
    have = cJSON_GetObjectItemCaseSensitive(vc->slots, name);
    if (have != NULL) {
        return have;            /* each slot runs once per page */
    }
    souk_buf_init(&b, vc->r->pool, 256);
    if (strncmp(name, "slot.", 5) == 0 && name[5] != '\0') {
        souk_slot_render(vc->r, name + 5, vc->model, &b);
    } else if (strncmp(name, "url.", 4) == 0) {
        pattern = sk_router_named(vc->router, vc->enabled, name + 4);
        if (pattern == NULL
            || sk_url_build(&b, vc->base_path, pattern, NULL) != SOUK_OK)
        {
            b.len = 0;
        }
    } else {
        return NULL;
    }
    v = b.len > 0 ? cJSON_CreateString(b.data) : cJSON_CreateNull();
    cJSON_AddItemToObject(vc->slots, name, v);
    return v;
}

/* ---------- rendering ---------- */

/* The template to use, as the loader's name; NULL when the theme and the
 * plugin have none (then the built-in page answers). */
static const char *
sk_view_template(souk_request_t *r, sk_view_cache_t *c, int status)
{
    const sk_plugin_t  *pl = NULL;
    const char         *names[2];
    char               *path;
    size_t              i;
    unsigned            owner;

    if (sk_view_is_error_page(r, status)) {
        names[0] = souk_psprintf(r->pool, "error/%d", status);
        names[1] = "error";
    } else {
        if (r->route != NULL && r->rt != NULL) {
            owner = sk_route_owner(r->route);
            pl = owner < r->rt->nplugins ? r->rt->plugins[owner] : NULL;
        }
        names[0] = r->tmpl != NULL ? r->tmpl : "page";
        if (pl != NULL) {
            names[0] = souk_psprintf(r->pool, "@%s:%s", pl->name, names[0]);
        }
        names[1] = NULL;
    }
    for (i = 0; i < 2 && names[i] != NULL; i++) {
        path = NULL;
        if (sk_view_load(c, names[i], NULL, &path) == SOUK_OK) {
            free(path);
            return names[i];
        }
        free(path);
    }
    return NULL;
}

int
sk_view_render(souk_request_t *r, int status, const char *msg,
    souk_buf_t *b, const char **nonce)
{
    sk_view_cache_t  *c;
    sk_view_ctx_t     vc;
    sk_tpl_env_t      env;
    sk_tpl_error_t    err;
    const sk_tpl_t   *tpl;
    const char       *name;
    const cJSON      *frames[2];
    const char       *theme;
    size_t            nframes = 1;

    *nonce = NULL;
    theme = r->theme != NULL ? r->theme
            : r->site != NULL ? r->site->theme : NULL;
    if (r->site == NULL || theme == NULL || theme[0] == '\0'
        || r->rt == NULL || r->rt->cfg == NULL)
    {
        return SOUK_DECLINED;
    }
    c = sk_view_cache(r->rt->cfg, theme);
    if (c == NULL || (name = sk_view_template(r, c, status)) == NULL) {
        return SOUK_DECLINED;
    }
    tpl = sk_tpl_cache_get(c->cache, name, &err);
    if (tpl == NULL) {
        souk_log(r, SOUK_LOG_ERROR, "theme %s: %s", c->theme->id, err.msg);
        return SOUK_ERROR;
    }
    memset(&vc, 0, sizeof(vc));
    vc.r = r;
    vc.theme = c->theme;
    vc.lang = sk_view_setting(r, "shop.locale", c->theme->default_locale);
    vc.currency = sk_view_setting(r, "shop.currency", "EUR");
    vc.base_path = sk_view_base_path(r);
    vc.tr = sk_theme_locale(c->theme, vc.lang);
    vc.model = sk_view_is_error_page(r, status) ? NULL : r->view;
    vc.router = r->rt->router;
    vc.enabled = r->enabled;
    *nonce = sk_view_new_nonce(r);
    frames[0] = sk_view_globals(r, &vc, status, msg, *nonce);
    if (vc.model != NULL) {
        frames[nframes++] = vc.model;
    }
    memset(&env, 0, sizeof(env));
    env.missing = sk_view_missing;
    env.ctx = &vc;
    if (sk_tpl_render(c->cache, tpl, frames, nframes, &env, b, &err)
        != SOUK_OK)
    {
        souk_log(r, SOUK_LOG_ERROR, "theme %s: %s", c->theme->id, err.msg);
        *nonce = NULL;
        return SOUK_ERROR;
    }
    return SOUK_OK;
}

/* ---------- themes for plugins (souk/theme.h) ---------- */

SOUK_API int
souk_view_theme(souk_request_t *r, const char *theme)
{
    const char  *p;

    if (theme == NULL || theme[0] == '\0' || strlen(theme) > 64) {
        return SOUK_ERROR;
    }
    for (p = theme; *p != '\0'; p++) {
        if (!((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9')
              || *p == '-' || *p == '_'))
        {
            return SOUK_ERROR;
        }
    }
    r->theme = souk_pstrdup(r->pool, theme);
    return SOUK_OK;
}

static cJSON *
sk_view_theme_summary(const sk_theme_t *t)
{
    cJSON        *o = cJSON_CreateObject();
    const cJSON  *d = cJSON_GetObjectItemCaseSensitive(t->json, "description");
    const cJSON  *sf = cJSON_GetObjectItemCaseSensitive(t->json,
                                                        "storefront");

    cJSON_AddStringToObject(o, "id", t->id);
    cJSON_AddStringToObject(o, "name", t->name ? t->name : t->id);
    cJSON_AddStringToObject(o, "version", t->version ? t->version : "");
    cJSON_AddStringToObject(o, "description",
                            cJSON_IsString(d) ? d->valuestring : "");
    if (t->parent != NULL) {
        cJSON_AddStringToObject(o, "parent", t->parent->id);
    } else {
        cJSON_AddNullToObject(o, "parent");
    }
    cJSON_AddBoolToObject(o, "storefront", !cJSON_IsFalse(sf));
    return o;
}

static sk_theme_t *
sk_view_theme_load(souk_request_t *r, const char *id)
{
    sk_theme_t  *t;
    char         err[512];

    if (r->rt == NULL || r->rt->cfg == NULL || !sk_view_name_ok(id)
        || strchr(id, '/') != NULL)
    {
        return NULL;
    }
    sk_view_setup(r->rt->cfg);
    t = sk_theme_get(sk_view.themes, id, err, sizeof(err));
    if (t == NULL) {
        souk_log(r, SOUK_LOG_WARN, "%s", err);
    }
    return t;
}

SOUK_API cJSON *
souk_theme_info(souk_request_t *r, const char *theme)
{
    sk_theme_t        *t = sk_view_theme_load(r, theme);
    const sk_theme_t  *chain[SK_THEME_MAX_CHAIN + 1], *th;
    const cJSON       *s;
    cJSON             *o, *set;
    size_t             n = 0;

    if (t == NULL) {
        return NULL;
    }
    o = sk_view_theme_summary(t);
    set = cJSON_AddObjectToObject(o, "settings");
    for (th = t; th != NULL && n < SK_THEME_MAX_CHAIN + 1; th = th->parent) {
        chain[n++] = th;
    }
    /* Root first, so a parent's keys come first and a child's re-declared
     * key replaces the parent's where it stands. */
    while (n-- > 0) {
        cJSON_ArrayForEach(s, chain[n]->schema) {
            if (cJSON_HasObjectItem(set, s->string)) {
                cJSON_ReplaceItemInObjectCaseSensitive(set, s->string,
                    cJSON_Duplicate(s, 1));
            } else {
                cJSON_AddItemToObject(set, s->string, cJSON_Duplicate(s, 1));
            }
        }
    }
    return o;
}

static int
sk_view_theme_cmp(const void *a, const void *b)
{
    return strcmp(*(char *const *) a, *(char *const *) b);
}

SOUK_API cJSON *
souk_theme_list(souk_request_t *r)
{
    cJSON          *list = cJSON_CreateArray();
    char          **ids = NULL;
    size_t          n = 0, i;
    DIR            *d;
    struct dirent  *e;
    sk_theme_t     *t;
    char            path[4096];

    if (r->rt == NULL || r->rt->cfg == NULL) {
        return list;
    }
    sk_view_setup(r->rt->cfg);
    d = opendir(sk_themes_dir(sk_view.themes));
    while (d != NULL && (e = readdir(d)) != NULL) {
        if (e->d_name[0] == '.' || !sk_view_name_ok(e->d_name)) {
            continue;
        }
        /* Only folders that are themes; a stray folder is not an error. */
        snprintf(path, sizeof(path), "%s/%s/theme.json",
                 sk_themes_dir(sk_view.themes), e->d_name);
        if (access(path, R_OK) != 0) {
            continue;
        }
        ids = realloc(ids, (n + 1) * sizeof(*ids));
        if (ids == NULL || (ids[n] = strdup(e->d_name)) == NULL) {
            abort();
        }
        n++;
    }
    if (d != NULL) {
        closedir(d);
    }
    if (n > 0) {
        qsort(ids, n, sizeof(*ids), sk_view_theme_cmp);
    }
    for (i = 0; i < n; i++) {
        t = sk_view_theme_load(r, ids[i]);
        if (t != NULL) {
            cJSON_AddItemToArray(list, sk_view_theme_summary(t));
        }
        free(ids[i]);
    }
    free(ids);
    return list;
}

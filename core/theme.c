/* Themes: theme.json, the parent chain, file lookup, hashed assets,
 * merged locales and the settings schema. */
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "theme.h"

/*
 * Themes are loaded once per process, on first use, and never change
 * afterwards (a new theme version takes a reload), so pointers into them
 * may be kept for the process's life. Only libc and cJSON are used, so the
 * unit tests and `souk theme check` can load themes without the rest of
 * the core.
 */
struct sk_themes_s {
    char         *dir;
    char         *assets_url;
    sk_theme_t  **all;
    size_t        n;
};

/* Asset hashes: 10 hex digits (40 bits) of FNV-1a 64 over the content. A
 * collision only means a browser keeps a stale copy, so a fast, simple
 * hash is enough; it is not a security boundary. */
#define SK_ASSET_HASH_LEN  10
#define SK_ASSET_MAX_DEPTH 8
#define SK_STRING_MAX      200

static void *
sk_theme_alloc(size_t n)
{
    void  *p = calloc(1, n ? n : 1);

    if (p == NULL) {
        abort();
    }
    return p;
}

static char *
sk_theme_strdup(const char *s)
{
    char  *d = strdup(s);

    if (d == NULL) {
        abort();
    }
    return d;
}

static char *
sk_theme_path(const char *a, const char *b)
{
    size_t  n = strlen(a) + 1 + strlen(b) + 1;
    char   *p = sk_theme_alloc(n);

    snprintf(p, n, "%s/%s", a, b);
    return p;
}

/* Reads a JSON file: NULL with why set when missing or malformed. */
static cJSON *
sk_theme_json(const char *path, const char **why)
{
    char   *text = sk_file_read(path, NULL);
    cJSON  *j;

    if (text == NULL) {
        *why = strerror(errno ? errno : ENOENT);
        return NULL;
    }
    j = cJSON_Parse(text);
    free(text);
    if (j == NULL) {
        *why = "not valid JSON";
    }
    return j;
}

sk_themes_t *
sk_themes_create(const char *theme_dir, const char *assets_url)
{
    sk_themes_t  *ts = sk_theme_alloc(sizeof(*ts));
    size_t        n;

    ts->dir = sk_theme_strdup(theme_dir);
    ts->assets_url = sk_theme_strdup(assets_url ? assets_url : "/assets");
    n = strlen(ts->assets_url);
    while (n > 0 && ts->assets_url[n - 1] == '/') {
        ts->assets_url[--n] = '\0';
    }
    return ts;
}

const char *
sk_themes_dir(const sk_themes_t *ts)
{
    return ts->dir;
}

static void
sk_theme_free(sk_theme_t *t)
{
    free(t->id);
    free(t->name);
    free(t->version);
    free(t->dir);
    free(t->default_locale);
    cJSON_Delete(t->json);
    cJSON_Delete(t->assets);
    cJSON_Delete(t->locales);
    free(t);
}

void
sk_themes_destroy(sk_themes_t *ts)
{
    size_t  i;

    if (ts == NULL) {
        return;
    }
    for (i = 0; i < ts->n; i++) {
        sk_theme_free(ts->all[i]);
    }
    free(ts->all);
    free(ts->dir);
    free(ts->assets_url);
    free(ts);
}

static int
sk_theme_id_ok(const char *id)
{
    const char  *p;

    for (p = id; *p != '\0'; p++) {
        if (!(islower((unsigned char) *p) || isdigit((unsigned char) *p)
              || *p == '-' || *p == '_'))
        {
            return 0;
        }
    }
    return p != id && p - id <= 64;
}

static uint64_t
sk_fnv1a(const char *s, size_t n)
{
    uint64_t  h = 0xcbf29ce484222325ULL;
    size_t    i;

    for (i = 0; i < n; i++) {
        h ^= (unsigned char) s[i];
        h *= 0x100000001b3ULL;
    }
    return h;
}

void
sk_theme_asset_key(const char *rel, char *buf, size_t len)
{
    size_t  i;

    for (i = 0; len > 0 && i < len - 1 && rel[i] != '\0'; i++) {
        if (rel[i] == '/') {
            buf[i] = '.';
        } else if (isalnum((unsigned char) rel[i]) || rel[i] == '_') {
            buf[i] = rel[i];
        } else {
            buf[i] = '_';
        }
    }
    if (len > 0) {
        buf[i] = '\0';
    }
}

/* Sets tree[a][b]...[leaf] = url for the dotted key, replacing a leaf. */
static void
sk_theme_tree_set(cJSON *tree, const char *key, const char *url)
{
    char        part[256];
    const char *dot;
    size_t      n;
    cJSON      *sub;

    while ((dot = strchr(key, '.')) != NULL) {
        n = (size_t) (dot - key);
        if (n >= sizeof(part)) {
            return;
        }
        memcpy(part, key, n);
        part[n] = '\0';
        sub = cJSON_GetObjectItemCaseSensitive(tree, part);
        if (!cJSON_IsObject(sub)) {
            cJSON_DeleteItemFromObjectCaseSensitive(tree, part);
            sub = cJSON_AddObjectToObject(tree, part);
        }
        tree = sub;
        key = dot + 1;
    }
    cJSON_DeleteItemFromObjectCaseSensitive(tree, key);
    cJSON_AddStringToObject(tree, key, url);
}

/* One asset: its URL is PREFIX/THEME/REL with the hash before the
 * extension ("theme.css" → "theme.3f9a1c07e2.css"). */
static void
sk_theme_asset_add(sk_theme_t *t, const char *rel, const char *file)
{
    char         key[512], url[1024], hex[24];
    char        *data;
    size_t       len;
    const char  *slash, *dot;
    int          stem;

    data = sk_file_read(file, &len);
    if (data == NULL) {
        return;
    }
    snprintf(hex, sizeof(hex), "%016llx",
             (unsigned long long) sk_fnv1a(data, len));
    free(data);
    slash = strrchr(rel, '/');
    dot = strrchr(slash ? slash + 1 : rel, '.');
    if (dot == NULL || dot == (slash ? slash + 1 : rel)) {
        dot = rel + strlen(rel);        /* no extension, or a dot file */
    }
    stem = (int) (dot - rel);
    snprintf(url, sizeof(url), "%s/%s/%.*s.%.*s%s", t->assets_url, t->id,
             stem, rel, SK_ASSET_HASH_LEN, hex, dot);
    sk_theme_asset_key(rel, key, sizeof(key));
    sk_theme_tree_set(t->assets, key, url);
}

static void
sk_theme_assets_walk(sk_theme_t *t, const char *dir, const char *rel,
    int depth)
{
    DIR            *d;
    struct dirent  *e;
    struct stat     st;
    char           *full, *sub;

    if (depth > SK_ASSET_MAX_DEPTH || (d = opendir(dir)) == NULL) {
        return;
    }
    while ((e = readdir(d)) != NULL) {
        if (e->d_name[0] == '.') {
            continue;           /* ".", "..", and hidden files */
        }
        full = sk_theme_path(dir, e->d_name);
        sub = rel[0] ? sk_theme_path(rel, e->d_name)
                     : sk_theme_strdup(e->d_name);
        if (stat(full, &st) == 0) {
            if (S_ISDIR(st.st_mode)) {
                sk_theme_assets_walk(t, full, sub, depth + 1);
            } else if (S_ISREG(st.st_mode)) {
                sk_theme_asset_add(t, sub, full);
            }
        }
        free(full);
        free(sub);
    }
    closedir(d);
}

/* Reads THEME_DIR/id/theme.json into a theme without its parent linked. */
static sk_theme_t *
sk_theme_load_one(sk_themes_t *ts, const char *id, char *err, size_t errlen)
{
    sk_theme_t   *t;
    char         *dir, *file;
    const char   *why = NULL;
    const cJSON  *v;

    dir = sk_theme_path(ts->dir, id);
    file = sk_theme_path(dir, "theme.json");
    t = sk_theme_alloc(sizeof(*t));
    t->dir = dir;
    t->assets_url = ts->assets_url;
    t->json = sk_theme_json(file, &why);
    if (t->json == NULL) {
        snprintf(err, errlen, "theme %s: %s: %s", id, file, why);
        goto fail;
    }
    v = cJSON_GetObjectItemCaseSensitive(t->json, "id");
    if (!cJSON_IsString(v) || strcmp(v->valuestring, id) != 0) {
        snprintf(err, errlen, "theme %s: %s: \"id\" must be \"%s\"", id,
                 file, id);
        goto fail;
    }
    t->id = sk_theme_strdup(id);
    v = cJSON_GetObjectItemCaseSensitive(t->json, "name");
    t->name = sk_theme_strdup(cJSON_IsString(v) ? v->valuestring : id);
    v = cJSON_GetObjectItemCaseSensitive(t->json, "version");
    t->version = sk_theme_strdup(cJSON_IsString(v) ? v->valuestring : "0");
    v = cJSON_GetObjectItemCaseSensitive(t->json, "default_locale");
    t->default_locale = sk_theme_strdup(cJSON_IsString(v) ? v->valuestring
                                                          : "en");
    v = cJSON_GetObjectItemCaseSensitive(t->json, "contract");
    if (!cJSON_IsNumber(v) || v->valuedouble < 1
        || v->valuedouble > SK_CONTRACT_VERSION
        || v->valuedouble != (double) (int) v->valuedouble)
    {
        snprintf(err, errlen, "theme %s: %s: \"contract\" must be a "
                 "template-contract version from 1 to %d", id, file,
                 SK_CONTRACT_VERSION);
        goto fail;
    }
    t->contract = (int) v->valuedouble;
    v = cJSON_GetObjectItemCaseSensitive(t->json, "settings");
    if (v != NULL && !cJSON_IsNull(v) && !cJSON_IsObject(v)) {
        snprintf(err, errlen, "theme %s: %s: \"settings\" must be an "
                 "object", id, file);
        goto fail;
    }
    t->schema = cJSON_IsObject(v) ? v : NULL;
    t->locales = cJSON_CreateObject();
    free(file);
    return t;

fail:
    free(file);
    sk_theme_free(t);
    return NULL;
}

static sk_theme_t *
sk_themes_lookup(const sk_themes_t *ts, const char *id)
{
    size_t  i;

    for (i = 0; i < ts->n; i++) {
        if (strcmp(ts->all[i]->id, id) == 0) {
            return ts->all[i];
        }
    }
    return NULL;
}

/* Assets are merged once the parent is linked: the parent's tree first,
 * then the theme's own files over it. */
static void
sk_theme_assets(sk_theme_t *t)
{
    char  *dir = sk_theme_path(t->dir, "assets");

    t->assets = t->parent != NULL ? cJSON_Duplicate(t->parent->assets, 1)
                                  : cJSON_CreateObject();
    if (t->assets == NULL) {
        abort();
    }
    sk_theme_assets_walk(t, dir, "", 0);
    free(dir);
}

sk_theme_t *
sk_theme_get(sk_themes_t *ts, const char *id, char *err, size_t errlen)
{
    sk_theme_t   *chain[SK_THEME_MAX_CHAIN], *t;
    const cJSON  *p;
    const char   *want = id;
    size_t        n = 0, i, j;

    /* Loaded themes are complete (parents linked); load the missing part
     * of the chain bottom-up, then link it top-down. */
    while ((t = sk_themes_lookup(ts, want)) == NULL) {
        if (!sk_theme_id_ok(want)) {
            snprintf(err, errlen, "theme \"%s\": bad name (a-z, 0-9, - "
                     "and _)", want);
            goto fail;
        }
        for (j = 0; j < n; j++) {
            if (strcmp(chain[j]->id, want) == 0) {
                snprintf(err, errlen, "theme %s: broken inheritance: "
                         "parent chain loops back to %s", id, want);
                goto fail;
            }
        }
        if (n == SK_THEME_MAX_CHAIN) {
            snprintf(err, errlen, "theme %s: broken inheritance: more than "
                     "%d parents", id, SK_THEME_MAX_CHAIN);
            goto fail;
        }
        t = sk_theme_load_one(ts, want, err, errlen);
        if (t == NULL) {
            if (n > 0) {
                size_t  used = strlen(err);

                snprintf(err + used, errlen - used, " (parent of %s)",
                         chain[n - 1]->id);
            }
            goto fail;
        }
        chain[n++] = t;
        p = cJSON_GetObjectItemCaseSensitive(t->json, "parent");
        if (p == NULL || cJSON_IsNull(p)) {
            t = NULL;
            break;
        }
        if (!cJSON_IsString(p)) {
            snprintf(err, errlen, "theme %s: \"parent\" must be a theme id "
                     "or null", want);
            goto fail;
        }
        want = p->valuestring;
    }
    /* t is the first already-loaded ancestor, or NULL. */
    for (i = n; i-- > 0;) {
        chain[i]->parent = t;
        sk_theme_assets(chain[i]);
        t = chain[i];
    }
    ts->all = realloc(ts->all, (ts->n + n) * sizeof(sk_theme_t *));
    if (ts->all == NULL) {
        abort();
    }
    for (i = 0; i < n; i++) {
        ts->all[ts->n++] = chain[i];
    }
    return n > 0 ? chain[0] : t;

fail:
    for (j = 0; j < n; j++) {
        sk_theme_free(chain[j]);
    }
    return NULL;
}

char *
sk_theme_find(const sk_theme_t *t, const char *const *rels)
{
    const char *const  *r;
    char               *p;

    for (; t != NULL; t = t->parent) {
        for (r = rels; *r != NULL; r++) {
            p = sk_theme_path(t->dir, *r);
            if (access(p, R_OK) == 0) {
                return p;
            }
            free(p);
        }
    }
    return NULL;
}

/* ---------- settings ---------- */

const cJSON *
sk_theme_setting_schema(const sk_theme_t *t, const char *key)
{
    const cJSON  *s;

    for (; t != NULL; t = t->parent) {
        s = cJSON_GetObjectItemCaseSensitive(t->schema, key);
        if (cJSON_IsObject(s)) {
            return s;
        }
    }
    return NULL;
}

static const char *
sk_schema_type(const cJSON *s)
{
    const cJSON  *v = cJSON_GetObjectItemCaseSensitive(s, "type");

    return cJSON_IsString(v) ? v->valuestring : "string";
}

static int
sk_color_ok(const char *v)
{
    size_t  n = strlen(v), i;

    if (v[0] != '#' || (n != 4 && n != 7)) {
        return 0;
    }
    for (i = 1; i < n; i++) {
        if (!isxdigit((unsigned char) v[i])) {
            return 0;
        }
    }
    return 1;
}

/* -1 when v is not a boolean word. */
static int
sk_bool_parse(const char *v)
{
    static const char  *yes[] = { "true", "yes", "on", "1" };
    static const char  *no[] = { "false", "no", "off", "0" };
    size_t              i;

    for (i = 0; i < 4; i++) {
        if (strcasecmp(v, yes[i]) == 0) {
            return 1;
        }
        if (strcasecmp(v, no[i]) == 0) {
            return 0;
        }
    }
    return -1;
}

static double
sk_schema_num(const cJSON *s, const char *name, double dflt)
{
    const cJSON  *v = cJSON_GetObjectItemCaseSensitive(s, name);

    return cJSON_IsNumber(v) ? v->valuedouble : dflt;
}

static int
sk_setting_int(const cJSON *s, const char *value, long long *out, char *why,
    size_t whylen)
{
    char       *end;
    long long   v;
    double      min = sk_schema_num(s, "min", -1e15);
    double      max = sk_schema_num(s, "max", 1e15);

    errno = 0;
    v = strtoll(value, &end, 10);
    if (value[0] == '\0' || *end != '\0' || errno != 0) {
        snprintf(why, whylen, "\"%s\" is not a whole number", value);
        return SOUK_ERROR;
    }
    if ((double) v < min || (double) v > max) {
        snprintf(why, whylen, "%lld is outside %.0f to %.0f", v, min, max);
        return SOUK_ERROR;
    }
    *out = v;
    return SOUK_OK;
}

static int
sk_setting_number(const cJSON *s, const char *value, double *out, char *why,
    size_t whylen)
{
    char    *end;
    double   v;
    double   min = sk_schema_num(s, "min", -1e15);
    double   max = sk_schema_num(s, "max", 1e15);

    errno = 0;
    v = strtod(value, &end);
    if (value[0] == '\0' || *end != '\0' || errno != 0 || v != v) {
        snprintf(why, whylen, "\"%s\" is not a number", value);
        return SOUK_ERROR;
    }
    if (v < min || v > max) {
        snprintf(why, whylen, "%s is outside %g to %g", value, min, max);
        return SOUK_ERROR;
    }
    if (out != NULL) {
        *out = v;
    }
    return SOUK_OK;
}

static int
sk_setting_enum(const cJSON *s, const char *value, char *why, size_t whylen)
{
    const cJSON  *vals = cJSON_GetObjectItemCaseSensitive(s, "values");
    const cJSON  *v;

    cJSON_ArrayForEach(v, vals) {
        if (cJSON_IsString(v) && strcmp(v->valuestring, value) == 0) {
            return SOUK_OK;
        }
    }
    snprintf(why, whylen, "\"%s\" is not one of the allowed values", value);
    return SOUK_ERROR;
}

int
sk_theme_setting_check(const sk_theme_t *t, const char *key,
    const char *value, char *why, size_t whylen)
{
    const cJSON  *s = sk_theme_setting_schema(t, key);
    const char   *type;
    long long     n;
    double        max;

    if (s == NULL) {
        snprintf(why, whylen, "theme %s has no setting \"%s\"", t->id, key);
        return SOUK_ERROR;
    }
    type = sk_schema_type(s);
    if (strcmp(type, "color") == 0) {
        if (!sk_color_ok(value)) {
            snprintf(why, whylen, "\"%s\" is not a colour (#rgb or "
                     "#rrggbb)", value);
            return SOUK_ERROR;
        }
    } else if (strcmp(type, "boolean") == 0) {
        if (sk_bool_parse(value) < 0) {
            snprintf(why, whylen, "\"%s\" is not true or false", value);
            return SOUK_ERROR;
        }
    } else if (strcmp(type, "integer") == 0) {
        return sk_setting_int(s, value, &n, why, whylen);
    } else if (strcmp(type, "number") == 0) {
        return sk_setting_number(s, value, NULL, why, whylen);
    } else if (strcmp(type, "enum") == 0) {
        return sk_setting_enum(s, value, why, whylen);
    } else if (strcmp(type, "string") == 0) {
        max = sk_schema_num(s, "max", SK_STRING_MAX);
        if ((double) strlen(value) > max) {
            snprintf(why, whylen, "longer than %.0f bytes", max);
            return SOUK_ERROR;
        }
    } else {
        snprintf(why, whylen, "theme %s: setting \"%s\" has unknown type "
                 "\"%s\"", t->id, key, type);
        return SOUK_ERROR;
    }
    return SOUK_OK;
}

/* A site value converted to the schema's type; NULL if it does not fit
 * (the configuration check refuses those, so this is belt and braces). */
static cJSON *
sk_setting_value(const sk_theme_t *t, const char *key, const char *value)
{
    const cJSON  *s = sk_theme_setting_schema(t, key);
    const char   *type = sk_schema_type(s);
    char          why[160];
    long long     n;
    double        d;

    if (sk_theme_setting_check(t, key, value, why, sizeof(why)) != SOUK_OK) {
        return NULL;
    }
    if (strcmp(type, "boolean") == 0) {
        return cJSON_CreateBool(sk_bool_parse(value) == 1);
    }
    if (strcmp(type, "integer") == 0) {
        sk_setting_int(s, value, &n, why, sizeof(why));
        return cJSON_CreateNumber((double) n);
    }
    if (strcmp(type, "number") == 0) {
        sk_setting_number(s, value, &d, why, sizeof(why));
        return cJSON_CreateNumber(d);
    }
    return cJSON_CreateString(value);
}

cJSON *
sk_theme_settings(const sk_theme_t *t, const souk_kv_t *kv, size_t nkv)
{
    cJSON             *o = cJSON_CreateObject(), *v, *next;
    const cJSON       *s, *d;
    const sk_theme_t  *th;
    size_t             i;

    /* Defaults first, child before parent so the child's default wins. */
    for (th = t; th != NULL; th = th->parent) {
        cJSON_ArrayForEach(s, th->schema) {
            if (cJSON_HasObjectItem(o, s->string)) {
                continue;
            }
            /* No default and no site value: absent (falsey), so a
             * template emits a setting only when someone chose it. */
            d = cJSON_GetObjectItemCaseSensitive(s, "default");
            v = d != NULL && !cJSON_IsNull(d) ? cJSON_Duplicate(d, 1)
                                              : cJSON_CreateNull();
            cJSON_AddItemToObject(o, s->string, v);
        }
    }
    for (i = 0; i < nkv; i++) {
        if (strncmp(kv[i].name, "theme.", 6) != 0) {
            continue;
        }
        v = sk_setting_value(t, kv[i].name + 6, kv[i].value);
        if (v != NULL) {
            cJSON_ReplaceItemInObjectCaseSensitive(o, kv[i].name + 6, v);
        }
    }
    /* The nulls only kept a parent's default from filling a child's
     * setting that has none; drop them now. */
    for (v = o->child; v != NULL; v = next) {
        next = v->next;
        if (cJSON_IsNull(v)) {
            cJSON_Delete(cJSON_DetachItemViaPointer(o, v));
        }
    }
    return o;
}

/* ---------- locales ---------- */

/* Copies into dst every key of src that dst lacks, recursing into objects
 * both have: dst holds the preferred translations. */
static void
sk_locale_fill(cJSON *dst, const cJSON *src)
{
    const cJSON  *s;
    cJSON        *d;

    cJSON_ArrayForEach(s, src) {
        d = cJSON_GetObjectItemCaseSensitive(dst, s->string);
        if (d == NULL) {
            cJSON_AddItemToObject(dst, s->string, cJSON_Duplicate(s, 1));
        } else if (cJSON_IsObject(d) && cJSON_IsObject(s)) {
            sk_locale_fill(d, s);
        }
    }
}

static void
sk_locale_merge_file(cJSON *dst, const sk_theme_t *t, const char *lang)
{
    char        rel[96];
    char       *path;
    const char *why;
    cJSON      *j;

    if (!sk_theme_id_ok(lang)) {
        return;
    }
    snprintf(rel, sizeof(rel), "locales/%s.json", lang);
    path = sk_theme_path(t->dir, rel);
    j = sk_theme_json(path, &why);
    free(path);
    if (cJSON_IsObject(j)) {
        sk_locale_fill(dst, j);
    }
    cJSON_Delete(j);
}

const cJSON *
sk_theme_locale(sk_theme_t *t, const char *lang)
{
    cJSON             *tr;
    const sk_theme_t  *th;

    if (lang == NULL || !sk_theme_id_ok(lang)) {
        lang = t->default_locale;
    }
    tr = cJSON_GetObjectItemCaseSensitive(t->locales, lang);
    if (tr != NULL) {
        return tr;
    }
    tr = cJSON_AddObjectToObject(t->locales, lang);
    for (th = t; th != NULL; th = th->parent) {
        sk_locale_merge_file(tr, th, lang);
        sk_locale_merge_file(tr, th, th->default_locale);
    }
    return tr;
}

const char *
sk_theme_translate(const cJSON *tr, const char *key)
{
    char         part[128];
    const char  *dot;
    size_t       n;

    while ((dot = strchr(key, '.')) != NULL) {
        n = (size_t) (dot - key);
        if (n >= sizeof(part)) {
            return NULL;
        }
        memcpy(part, key, n);
        part[n] = '\0';
        tr = cJSON_GetObjectItemCaseSensitive(tr, part);
        key = dot + 1;
    }
    tr = cJSON_GetObjectItemCaseSensitive(tr, key);
    return cJSON_IsString(tr) ? tr->valuestring : NULL;
}

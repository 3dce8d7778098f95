/* Internal to the core: themes (theme.json, parents, lookup, assets,
 * locales, settings), the template helpers and the page view. */
#ifndef SOUK_THEME_H
#define SOUK_THEME_H

#include "souk_core.h"
#include "template.h"

/* The template-contract version this core renders (template-contract.md). */
#define SK_CONTRACT_VERSION  1
/* Parent chains longer than this are refused as broken inheritance. */
#define SK_THEME_MAX_CHAIN   8

typedef struct sk_theme_s   sk_theme_t;
typedef struct sk_themes_s  sk_themes_t;

/*
 * A loaded theme. Everything here is process memory owned by the sk_themes_t
 * that loaded it and read-only after loading (the locale cache grows on
 * first use of a language).
 */
struct sk_theme_s {
    char         *id;
    char         *name;
    char         *version;
    char         *dir;             /* absolute folder of the theme */
    int           contract;        /* template-contract version it needs */
    char         *default_locale;  /* "en" when theme.json says nothing */
    sk_theme_t   *parent;          /* NULL for a root theme */
    cJSON        *json;            /* theme.json as read */
    const cJSON  *schema;          /* json["settings"] or NULL */
    cJSON        *assets;          /* key tree → URL, parents merged in */
    cJSON        *locales;         /* lang → merged translations (cache) */
    const char   *assets_url;      /* "/assets" */
};

/*
 * The themes of one folder, loaded on first use by id and kept for the
 * process. assets_url is the URL prefix under which nginx serves
 * THEME/assets/ ("/assets").
 */
sk_themes_t *sk_themes_create(const char *theme_dir, const char *assets_url);
void sk_themes_destroy(sk_themes_t *ts);
const char *sk_themes_dir(const sk_themes_t *ts);

/*
 * The theme with that id and its parents, loaded and checked: theme.json
 * parses, its id matches the folder, the contract is one this core knows,
 * every parent exists and the chain has no cycle. NULL with a one-line err.
 */
sk_theme_t *sk_theme_get(sk_themes_t *ts, const char *id, char *err,
    size_t errlen);

/*
 * Finds a file along the chain: for each theme from t up, DIR/rel for each
 * rel in rels (NULL-terminated), first hit wins. Returns a malloc'ed
 * absolute path or NULL.
 */
char *sk_theme_find(const sk_theme_t *t, const char *const *rels);

/* The schema entry of a setting, searched from t up, or NULL. */
const cJSON *sk_theme_setting_schema(const sk_theme_t *t, const char *key);
/*
 * Checks a site's value for setting key ("accent", without "theme.") against
 * the schema. SOUK_OK, or SOUK_ERROR with why filled (unknown setting, bad
 * colour, not a number, out of range, not one of the values, too long).
 */
int sk_theme_setting_check(const sk_theme_t *t, const char *key,
    const char *value, char *why, size_t whylen);
/*
 * The settings object for a site: each schema key (child wins) with the
 * site's value from kv ("theme.KEY" names) converted to its type, else the
 * default. A new cJSON the caller owns.
 */
cJSON *sk_theme_settings(const sk_theme_t *t, const souk_kv_t *kv,
    size_t nkv);

/*
 * The translations for lang merged along the fallbacks (t[lang], t[default],
 * parent[lang], parent[default] ...). Owned by the theme; never NULL.
 */
const cJSON *sk_theme_locale(sk_theme_t *t, const char *lang);
/* A dotted key ("nav.home") in a translations object: string or NULL. */
const char *sk_theme_translate(const cJSON *tr, const char *key);

/* The asset key for a path under assets/ ("img/logo.svg" → "img.logo_svg"),
 * into buf. */
void sk_theme_asset_key(const char *rel, char *buf, size_t len);

/* ---------- helpers (core/helpers.c) ---------- */

/*
 * What the helpers and the missing-name hook know about the page being
 * rendered: the engine passes it to modifiers as sk_tpl_modarg_t.ctx. Any
 * field may be NULL (souk render without a request): helpers then use en,
 * EUR, no prefix and no translations.
 */
typedef struct {
    souk_request_t     *r;
    sk_theme_t         *theme;
    const char         *lang;
    const char         *currency;
    const char         *base_path;     /* site prefix, "" for none */
    const cJSON        *tr;            /* translations for lang */
    const cJSON        *model;         /* passed to slot callbacks */
    cJSON              *slots;         /* slot name → output (per render) */
    const sk_router_t  *router;
    sk_enabled_t        enabled;
} sk_view_ctx_t;

/*
 * Formats minor units of currency cur for locale lang ("en", "de"; others
 * use en) onto out: integer arithmetic only. SOUK_ERROR for an unknown
 * currency code.
 */
int sk_money_format(souk_buf_t *out, long long minor, const char *cur,
    const char *lang);
/* Parses a whole number of minor units from a cJSON number or a digit
 * string. SOUK_ERROR when it is not a whole number within ±2^63. */
int sk_money_amount(const cJSON *v, long long *minor);
/* Formats an ISO 8601 date ("2026-11-22", "2026-11-22T10:00:00Z") in style
 * "short", "long" or "iso". SOUK_ERROR on a malformed date or style. */
int sk_date_format(souk_buf_t *out, const char *iso, const char *style,
    const char *lang);
/*
 * Writes the path of a route pattern ("/hello/{name:[a-z]+}") with its
 * parameters filled from params (a scalar for a route's only parameter, or
 * an object by name), percent-encoded, after base. SOUK_ERROR when a
 * parameter has no value.
 */
int sk_url_build(souk_buf_t *out, const char *base, const char *pattern,
    const cJSON *params);
/* Registers money, date, url and t with the template engine. */
int sk_helpers_register(void);

/* ---------- the page view (core/view.c) ---------- */

/*
 * Renders r's answer (view model or error page) through its site's theme
 * into b. SOUK_DECLINED when the site wears no theme that can be loaded
 * (the caller then writes the built-in page); SOUK_ERROR when rendering
 * failed (logged; the caller answers 500 with the built-in page).
 */
int sk_view_render(souk_request_t *r, int status, const char *msg,
    souk_buf_t *b, const char **nonce);
/*
 * The loader soukd uses for theme t, for the `souk` command: page names
 * are "NAME" or "@PLUGIN:NAME", partials as in templates. *ctx is malloc'ed
 * (free it after the cache); plugin_data_dir NULL means the installed one.
 */
sk_tpl_load_pt sk_view_loader(sk_theme_t *t, const char *plugin_data_dir,
    void **ctx);
/* The installed themes folder (0) or plugin data folder (1). */
const char *sk_view_default_dir(int plugins);
/* The version a template file declares in its leading "{{! contract: N }}"
 * comment, or 0 when it declares none. */
int sk_template_contract(const char *path);
/* Frees the worker's themes and compiled templates (process exit). */
void sk_view_shutdown(void);

#endif /* SOUK_THEME_H */

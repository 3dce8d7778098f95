/* Unit tests for themes (core/theme.c): theme.json, parents, lookup,
 * hashed assets, merged locales and the settings schema. */
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../../core/file.c"
#include "../../core/theme.c"
#include "tap.h"

static char  dir[] = "/tmp/souk-theme-t.XXXXXX";

/* Writes dir/rel, creating its folders. */
static void
put(const char *rel, const char *text)
{
    char   path[512], *p;
    FILE  *f;

    snprintf(path, sizeof(path), "%s/%s", dir, rel);
    for (p = path + strlen(dir) + 1; (p = strchr(p, '/')) != NULL; p++) {
        *p = '\0';
        mkdir(path, 0755);
        *p = '/';
    }
    f = fopen(path, "w");
    if (f == NULL) {
        perror(path);
        exit(1);
    }
    fputs(text, f);
    fclose(f);
}

static void
fixtures(void)
{
    put("base/theme.json",
        "{\"id\":\"base\",\"name\":\"Base\",\"version\":\"1.2.0\","
        "\"parent\":null,\"contract\":1,\"default_locale\":\"en\","
        "\"settings\":{"
        "\"accent\":{\"type\":\"color\"},"
        "\"tagline\":{\"type\":\"string\",\"default\":\"Fresh\",\"max\":10},"
        "\"show_search\":{\"type\":\"boolean\",\"default\":true},"
        "\"columns\":{\"type\":\"integer\",\"default\":3,\"min\":1,"
        "\"max\":6},"
        "\"ratio\":{\"type\":\"number\",\"default\":1.5},"
        "\"font\":{\"type\":\"enum\",\"values\":[\"system\",\"serif\"],"
        "\"default\":\"system\"}}}");
    put("base/assets/theme.css", "body{color:#111}");
    put("base/assets/img/logo.svg", "<svg/>");
    put("base/assets/.hidden", "x");
    put("base/partials/header.mustache", "base header");
    put("base/partials/footer.mustache", "base footer");
    put("base/locales/en.json",
        "{\"nav\":{\"home\":\"Home\",\"cart\":\"Cart\"},\"only_en\":\"E\"}");
    put("base/locales/de.json", "{\"nav\":{\"home\":\"Start\"}}");
    put("kid/theme.json",
        "{\"id\":\"kid\",\"parent\":\"base\",\"contract\":1,"
        "\"settings\":{\"tagline\":{\"type\":\"string\",\"default\":\"Kid\"}}"
        "}");
    put("kid/assets/theme.css", "body{color:#222}");
    put("kid/assets/skin-dark.css", "a{}");
    put("kid/partials/header.mustache", "kid header");
    put("kid/locales/de.json", "{\"nav\":{\"cart\":\"Korb\"}}");
    put("loop1/theme.json", "{\"id\":\"loop1\",\"parent\":\"loop2\","
        "\"contract\":1}");
    put("loop2/theme.json", "{\"id\":\"loop2\",\"parent\":\"loop1\","
        "\"contract\":1}");
    put("orphan/theme.json", "{\"id\":\"orphan\",\"parent\":\"gone\","
        "\"contract\":1}");
    put("future/theme.json", "{\"id\":\"future\",\"contract\":99}");
    put("liar/theme.json", "{\"id\":\"someone\",\"contract\":1}");
    put("broken/theme.json", "{\"id\":\"broken\",");
}

static void
test_chain(sk_themes_t *ts)
{
    sk_theme_t  *kid, *base, *again;
    char         err[512];

    kid = sk_theme_get(ts, "kid", err, sizeof(err));
    ok(kid != NULL, "child theme loads: %s", kid ? "" : err);
    if (kid == NULL) {
        exit(1);
    }
    base = kid->parent;
    ok(base != NULL && strcmp(base->id, "base") == 0, "parent linked");
    ok(base->parent == NULL, "base is the root");
    is_str(base->name, "Base", "name from theme.json");
    is_str(kid->name, "kid", "name defaults to the id");
    is_str(base->version, "1.2.0", "version");
    is_int(kid->contract, 1, "contract");
    is_str(kid->default_locale, "en", "default locale defaults to en");
    again = sk_theme_get(ts, "base", err, sizeof(err));
    ok(again == base, "a theme is loaded once and shared with its children");
}

static void
test_errors(sk_themes_t *ts)
{
    char  err[512];

    ok(sk_theme_get(ts, "loop1", err, sizeof(err)) == NULL
       && strstr(err, "broken inheritance") != NULL
       && strstr(err, "loop") != NULL, "a parent cycle is refused: %s", err);
    ok(sk_theme_get(ts, "orphan", err, sizeof(err)) == NULL
       && strstr(err, "gone") != NULL && strstr(err, "parent of orphan"),
       "a missing parent is named: %s", err);
    ok(sk_theme_get(ts, "future", err, sizeof(err)) == NULL
       && strstr(err, "contract") != NULL,
       "a contract this core does not know is refused: %s", err);
    ok(sk_theme_get(ts, "liar", err, sizeof(err)) == NULL
       && strstr(err, "\"id\" must be \"liar\"") != NULL,
       "theme.json id must match its folder: %s", err);
    ok(sk_theme_get(ts, "broken", err, sizeof(err)) == NULL
       && strstr(err, "not valid JSON") != NULL, "bad JSON: %s", err);
    ok(sk_theme_get(ts, "nothere", err, sizeof(err)) == NULL
       && strstr(err, "theme.json") != NULL, "missing theme: %s", err);
    ok(sk_theme_get(ts, "../base", err, sizeof(err)) == NULL
       && strstr(err, "bad name") != NULL, "a path is no theme name");
}

static const char *
asset(const sk_theme_t *t, const char *a, const char *b)
{
    const cJSON  *v = cJSON_GetObjectItemCaseSensitive(t->assets, a);

    if (b != NULL) {
        v = cJSON_GetObjectItemCaseSensitive(v, b);
    }
    return cJSON_IsString(v) ? v->valuestring : NULL;
}

static int
hashed(const char *url, const char *prefix, const char *ext)
{
    size_t  pl = strlen(prefix), i;

    if (url == NULL || strncmp(url, prefix, pl) != 0) {
        return 0;
    }
    for (i = 0; i < SK_ASSET_HASH_LEN; i++) {
        if (!isxdigit((unsigned char) url[pl + i])
            || isupper((unsigned char) url[pl + i]))
        {
            return 0;
        }
    }
    return strcmp(url + pl + SK_ASSET_HASH_LEN, ext) == 0;
}

static void
test_assets(sk_themes_t *ts)
{
    char          err[512], key[64];
    sk_theme_t   *kid = sk_theme_get(ts, "kid", err, sizeof(err));
    const char   *kcss = asset(kid, "theme_css", NULL);
    const char   *bcss = asset(kid->parent, "theme_css", NULL);

    ok(hashed(bcss, "/static/base/theme.", ".css"),
       "asset URL: prefix, theme, name, 10 hex digits, extension: %s", bcss);
    ok(hashed(kcss, "/static/kid/theme.", ".css"),
       "a child's own file wins at the same path: %s", kcss);
    ok(strcmp(kcss + strlen("/static/kid/"), bcss + strlen("/static/base/"))
       != 0, "different content, different hash");
    ok(hashed(asset(kid, "img", "logo_svg"), "/static/base/img/logo.",
              ".svg"), "a file the child lacks comes from the parent, "
       "nested by folder: %s", asset(kid, "img", "logo_svg"));
    ok(asset(kid, "skin_dark_css", NULL) != NULL, "'-' and '.' become '_'");
    ok(asset(kid->parent, "skin_dark_css", NULL) == NULL,
       "the parent does not see its child's files");
    ok(cJSON_GetObjectItemCaseSensitive(kid->parent->assets, "_hidden")
       == NULL, "hidden files are not assets");
    sk_theme_asset_key("img/my-logo.v2.png", key, sizeof(key));
    ok(strcmp(key, "img.my_logo_v2_png") == 0, "asset key of a nested "
       "path: %s", key);
}

static void
test_find(sk_themes_t *ts)
{
    char               err[512];
    sk_theme_t        *kid = sk_theme_get(ts, "kid", err, sizeof(err));
    const char        *hdr[] = { "partials/header.mustache", NULL };
    const char        *ftr[] = { "partials/footer.mustache", NULL };
    const char        *none[] = { "partials/none.mustache", NULL };
    char              *p;

    p = sk_theme_find(kid, hdr);
    ok(p != NULL && strstr(p, "/kid/partials/header.mustache") != NULL,
       "the child's override is found first: %s", p);
    free(p);
    p = sk_theme_find(kid, ftr);
    ok(p != NULL && strstr(p, "/base/partials/footer.mustache") != NULL,
       "anything else falls through to the parent: %s", p);
    free(p);
    ok(sk_theme_find(kid, none) == NULL, "missing everywhere: NULL");
}

static void
test_settings(sk_themes_t *ts)
{
    char               err[512], why[256];
    sk_theme_t        *kid = sk_theme_get(ts, "kid", err, sizeof(err));
    souk_kv_t          kv[] = {
        { "theme.accent", "#a0b" }, { "theme.columns", "5" },
        { "theme.show_search", "no" }, { "hello.greeting", "Hi" },
    };
    cJSON             *s;
    const cJSON       *v;

#define CHECK(k, val) sk_theme_setting_check(kid, k, val, why, sizeof(why))
    is_int(CHECK("accent", "#12abEF"), SOUK_OK, "colour #rrggbb");
    is_int(CHECK("accent", "#fff"), SOUK_OK, "colour #rgb");
    ok(CHECK("accent", "red;}") == SOUK_ERROR && strstr(why, "colour"),
       "a colour that is not hex is refused: %s", why);
    ok(CHECK("nope", "1") == SOUK_ERROR && strstr(why, "no setting"),
       "an unknown setting is refused: %s", why);
    is_int(CHECK("columns", "6"), SOUK_OK, "integer at max");
    ok(CHECK("columns", "7") == SOUK_ERROR && strstr(why, "outside"),
       "integer over max: %s", why);
    ok(CHECK("columns", "2.5") == SOUK_ERROR, "integer with a fraction");
    is_int(CHECK("ratio", "2.25"), SOUK_OK, "number with a fraction");
    ok(CHECK("ratio", "abc") == SOUK_ERROR, "number that is not one");
    is_int(CHECK("font", "serif"), SOUK_OK, "enum value");
    ok(CHECK("font", "comic") == SOUK_ERROR, "not an enum value: %s", why);
    is_int(CHECK("show_search", "off"), SOUK_OK, "boolean word");
    ok(CHECK("show_search", "maybe") == SOUK_ERROR, "not a boolean");
    ok(CHECK("tagline", "this is far too long") == SOUK_OK,
       "the child re-declared tagline without max (child's schema wins)");
#undef CHECK

    s = sk_theme_settings(kid, kv, sizeof(kv) / sizeof(kv[0]));
    v = cJSON_GetObjectItemCaseSensitive(s, "accent");
    ok(cJSON_IsString(v) && strcmp(v->valuestring, "#a0b") == 0,
       "the site's value");
    v = cJSON_GetObjectItemCaseSensitive(s, "columns");
    ok(cJSON_IsNumber(v) && v->valuedouble == 5, "integer typed as number");
    v = cJSON_GetObjectItemCaseSensitive(s, "show_search");
    ok(cJSON_IsFalse(v), "boolean typed as false");
    v = cJSON_GetObjectItemCaseSensitive(s, "tagline");
    ok(cJSON_IsString(v) && strcmp(v->valuestring, "Kid") == 0,
       "the child's default wins over the parent's");
    v = cJSON_GetObjectItemCaseSensitive(s, "font");
    ok(cJSON_IsString(v) && strcmp(v->valuestring, "system") == 0,
       "the parent's default fills the rest");
    ok(!cJSON_HasObjectItem(s, "greeting") && !cJSON_HasObjectItem(s,
       "hello.greeting"), "plugin settings are not theme settings");
    cJSON_Delete(s);
    s = sk_theme_settings(kid, NULL, 0);
    ok(!cJSON_HasObjectItem(s, "accent"),
       "no default and not set: absent, so templates can test for it");
    cJSON_Delete(s);
}

static void
test_locales(sk_themes_t *ts)
{
    char          err[512];
    sk_theme_t   *kid = sk_theme_get(ts, "kid", err, sizeof(err));
    const cJSON  *de = sk_theme_locale(kid, "de");

    is_str(sk_theme_translate(de, "nav.cart"), "Korb", "the theme's own");
    is_str(sk_theme_translate(de, "nav.home"), "Start",
           "missing in the child: the parent's text in that language");
    is_str(sk_theme_translate(de, "only_en"), "E",
           "then the default locale up the chain");
    ok(sk_theme_translate(de, "nav.none") == NULL, "missing everywhere");
    ok(sk_theme_locale(kid, "de") == de, "merged once per language");
    is_str(sk_theme_translate(sk_theme_locale(kid, "fr"), "nav.home"),
           "Home", "an unknown language falls back to the default");
    is_str(sk_theme_translate(sk_theme_locale(kid, "../x"), "nav.cart"),
           "Cart", "a language that is no file name is the default");
}

int
main(void)
{
    sk_themes_t  *ts;
    char          cmd[600];

    if (mkdtemp(dir) == NULL) {
        perror("mkdtemp");
        return 1;
    }
    fixtures();
    ts = sk_themes_create(dir, "/static/");
    ok(strcmp(sk_themes_dir(ts), dir) == 0, "theme folder");
    test_chain(ts);
    test_errors(ts);
    test_assets(ts);
    test_find(ts);
    test_settings(ts);
    test_locales(ts);
    sk_themes_destroy(ts);
    snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
    if (system(cmd) != 0) {
        return 1;
    }
    return done_testing();
}

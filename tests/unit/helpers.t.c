/* Unit tests for the template helpers (core/helpers.c): money from minor
 * units, dates, route URLs, translations. */
#include <stdlib.h>
#include <string.h>

#include "../../core/pool.c"
#include "../../core/buf.c"
#include "../../core/file.c"
#include "../../core/theme.c"
#include "../../core/helpers.c"
#include "tap.h"

/* Stand-ins: the engine's registry and the router. */
static struct {
    const char          *name;
    sk_tpl_modifier_pt   fn;
    unsigned             flags;
} mods[8];
static size_t  nmods;
static int     warnings;

int
sk_tpl_modifier_add(const char *name, sk_tpl_modifier_pt fn, unsigned flags)
{
    mods[nmods].name = name;
    mods[nmods].fn = fn;
    mods[nmods++].flags = flags;
    return SOUK_OK;
}

const char *
sk_router_named(const sk_router_t *rt, sk_enabled_t enabled,
    const char *name)
{
    (void) rt;
    (void) enabled;
    if (strcmp(name, "hello.name") == 0) {
        return "/hello/{name:[A-Za-z0-9_-]{1,32}}";
    }
    if (strcmp(name, "shop.item") == 0) {
        return "/c/{cat}/item/{id:[0-9]+}";
    }
    return NULL;
}

void
sk_log_msg(int level, const char *fmt, ...)
{
    (void) level;
    (void) fmt;
    warnings++;
}

static souk_pool_t  *pool;

static const char *
money(long long minor, const char *cur, const char *lang)
{
    souk_buf_t  b;

    souk_buf_init(&b, pool, 64);
    if (sk_money_format(&b, minor, cur, lang) != SOUK_OK) {
        return "(error)";
    }
    return b.data;
}

static void
test_money(void)
{
    is_str(money(0, "EUR", "en"), "\xe2\x82\xac" "0.00", "zero");
    is_str(money(5, "EUR", "en"), "\xe2\x82\xac" "0.05", "cents only");
    is_str(money(123450, "EUR", "en"), "\xe2\x82\xac" "1,234.50",
           "en: grouping and point");
    is_str(money(123450, "EUR", "de"), "1.234,50" SK_NBSP "\xe2\x82\xac",
           "de: dot groups, comma, symbol after");
    is_str(money(-199, "USD", "en"), "-$1.99", "negative, en");
    is_str(money(-199, "EUR", "de"), "-1,99" SK_NBSP "\xe2\x82\xac",
           "negative, de");
    is_str(money(100000000, "USD", "en"), "$1,000,000.00", "a million");
    is_str(money(LLONG_MAX, "USD", "en"),
           "$92,233,720,368,547,758.07", "the largest amount, exactly");
    is_str(money(LLONG_MIN, "USD", "en"),
           "-$92,233,720,368,547,758.08", "the smallest amount, exactly");
    is_str(money(1234, "JPY", "en"), "\xc2\xa5" "1,234",
           "JPY has no decimals");
    is_str(money(1234, "JPY", "de"), "1.234" SK_NBSP "\xc2\xa5", "JPY, de");
    is_str(money(1234567, "KWD", "en"), "KWD" SK_NBSP "1,234.567",
           "KWD has three decimals; a code gets a space");
    is_str(money(-5, "KWD", "de"), "-0,005" SK_NBSP "KWD",
           "three decimals, tiny and negative");
    is_str(money(999, "GBP", "fr"), "\xc2\xa3" "9.99",
           "an unknown language falls back to en");
    is_str(money(100, "XYZ", "en"), "(error)", "an unknown currency");
    is_str(money(100, "eur", "en"), "(error)", "codes are upper case");
}

static int
amount(const char *json, long long *out)
{
    cJSON  *v = cJSON_Parse(json);
    int     rc = sk_money_amount(v, out);

    cJSON_Delete(v);
    return rc;
}

static void
test_amount(void)
{
    long long  n = 0;

    ok(amount("1999", &n) == SOUK_OK && n == 1999, "a JSON integer");
    ok(amount("-42", &n) == SOUK_OK && n == -42, "negative");
    ok(amount("\"9223372036854775807\"", &n) == SOUK_OK && n == LLONG_MAX,
       "a digit string holds amounts past 2^53");
    ok(amount("19.99", &n) == SOUK_ERROR, "a fraction is refused, never "
       "rounded");
    ok(amount("1e300", &n) == SOUK_ERROR, "a huge double is refused");
    ok(amount("\"12.5\"", &n) == SOUK_ERROR, "a decimal string is refused");
    ok(amount("\"99999999999999999999\"", &n) == SOUK_ERROR,
       "a digit string past 2^63 is refused");
    ok(amount("\"\"", &n) == SOUK_ERROR, "an empty string");
    ok(amount("true", &n) == SOUK_ERROR, "a boolean");
}

static const char *
date(const char *iso, const char *style, const char *lang)
{
    souk_buf_t  b;

    souk_buf_init(&b, pool, 64);
    if (sk_date_format(&b, iso, style, lang) != SOUK_OK) {
        return "(error)";
    }
    return b.data;
}

static void
test_dates(void)
{
    is_str(date("2026-11-22", NULL, "en"), "Nov 22, 2026", "en short");
    is_str(date("2026-11-22", "long", "en"), "November 22, 2026", "en long");
    is_str(date("2026-03-05", "short", "de"), "05.03.2026", "de short");
    is_str(date("2026-03-05", "long", "de"), "5. M\xc3\xa4rz 2026",
           "de long");
    is_str(date("2026-11-22T23:59:59+05:00", "iso", "en"), "2026-11-22",
           "date-time: the date part as written");
    is_str(date("2024-02-29", "iso", "en"), "2024-02-29", "leap day");
    is_str(date("2023-02-29", NULL, "en"), "(error)", "no leap day");
    is_str(date("2026-13-01", NULL, "en"), "(error)", "month 13");
    is_str(date("2026-04-31", NULL, "en"), "(error)", "April 31");
    is_str(date("22.11.2026", NULL, "en"), "(error)", "not ISO 8601");
    is_str(date("2026-11-22x", NULL, "en"), "(error)", "trailing junk");
    is_str(date("2026-11-22", "weird", "en"), "(error)", "unknown style");
}

static const char *
url(const char *pattern, const char *params)
{
    souk_buf_t  b;
    cJSON      *p = params ? cJSON_Parse(params) : NULL;
    int         rc;

    souk_buf_init(&b, pool, 64);
    rc = sk_url_build(&b, "/brand", pattern, p);
    cJSON_Delete(p);
    return rc == SOUK_OK ? b.data : "(error)";
}

static void
test_urls(void)
{
    is_str(url("/hello", NULL), "/brand/hello", "site prefix first");
    is_str(url("/", NULL), "/brand/", "the home route");
    is_str(url("/hello/{name:[A-Za-z0-9_-]{1,32}}", "\"Amina\""),
           "/brand/hello/Amina", "a scalar fills the only parameter; "
           "braces in the constraint are skipped");
    is_str(url("/c/{cat}/item/{id:[0-9]+}", "{\"cat\":\"a b/c\",\"id\":7}"),
           "/brand/c/a%20b%2Fc/item/7", "parameters by name, "
           "percent-encoded; numbers printed");
    is_str(url("/c/{cat}/item/{id}", "{\"cat\":\"x\"}"), "(error)",
           "a missing parameter");
    is_str(url("/hello/{name}", NULL), "(error)", "no parameters given");
}

/* Runs a registered modifier as the engine would. */
static const char *
run(const char *name, const char *json, const char *arg,
    const sk_view_ctx_t *vc)
{
    sk_tpl_modarg_t  a;
    souk_buf_t       b;
    cJSON           *v = json ? cJSON_Parse(json) : NULL;
    size_t           i;

    souk_buf_init(&b, pool, 64);
    memset(&a, 0, sizeof(a));
    a.value = v;
    a.text = cJSON_IsString(v) ? v->valuestring : json;
    a.len = a.text ? strlen(a.text) : 0;
    a.arg = arg;
    a.ctx = (void *) vc;
    a.pool = pool;
    for (i = 0; i < nmods; i++) {
        if (strcmp(mods[i].name, name) == 0) {
            mods[i].fn(&a, &b);
        }
    }
    cJSON_Delete(v);
    return b.data;
}

static void
test_modifiers(void)
{
    sk_view_ctx_t  vc;
    cJSON         *tr = cJSON_Parse("{\"cart\":{\"empty\":\"Leer\"}}");
    int            before;

    ok(sk_helpers_register() == SOUK_OK && nmods == 4,
       "money, date, url and t are registered");
    is_int(mods[2].flags & SK_TPL_MOD_ARG, SK_TPL_MOD_ARG,
           "url needs a route name");
    memset(&vc, 0, sizeof(vc));
    vc.lang = "de";
    vc.currency = "JPY";
    vc.base_path = "";
    vc.tr = tr;
    is_str(run("money", "{\"amount\":1999,\"currency\":\"EUR\"}", NULL, &vc),
           "19,99" SK_NBSP "\xe2\x82\xac", "money object in the page's locale");
    is_str(run("money", "500", NULL, &vc), "500" SK_NBSP "\xc2\xa5",
           "a bare amount takes the shop's currency");
    is_str(run("money", "500", "KWD", &vc), "0,500" SK_NBSP "KWD",
           "money=CUR names the currency");
    before = warnings;
    is_str(run("money", "19.99", NULL, &vc), "",
           "a fraction renders nothing");
    ok(warnings > before, "and logs a warning");
    is_str(run("money", "100", NULL, NULL), "\xe2\x82\xac" "1.00",
           "outside a request: en and EUR");
    is_str(run("date", "\"2026-11-22\"", "long", &vc), "22. November 2026",
           "date in the page's locale");
    is_str(run("date", "\"soon\"", NULL, &vc), "", "a bad date is empty");
    is_str(run("url", "\"Zo\xc3\xab\"", "hello.name", &vc),
           "/hello/Zo%C3%AB", "url=ROUTE with a parameter");
    is_str(run("url", "\"x\"", "no.such", &vc), "", "an unknown route");
    is_str(run("t", "\"cart.empty\"", NULL, &vc), "Leer", "t looks up a key");
    is_str(run("t", "\"cart.none\"", NULL, &vc), "", "t: a missing key");
    cJSON_Delete(tr);
}

int
main(void)
{
    pool = sk_pool_create(4096);
    test_money();
    test_amount();
    test_dates();
    test_urls();
    test_modifiers();
    sk_pool_destroy(pool);
    return done_testing();
}

/* Unit tests of the catalog model's pure helpers: whole numbers from JSON
 * (money and counts never go through a fraction), the why buffer, and
 * which addresses a watch takes. */
#include <string.h>

#include "tap.h"

#include "../../plugins/catalog/catalog.c"
#include "../../plugins/catalog/model_util.c"
#include "../../plugins/catalog/watch.c"

/* The plugin's other parts: not under test here. */
int
cat_store_init(souk_plugin_ctx_t *ctx)
{
    (void) ctx;
    return SOUK_OK;
}

int
cat_admin_init(souk_plugin_ctx_t *ctx)
{
    (void) ctx;
    return SOUK_OK;
}

int
cat_api_init(souk_plugin_ctx_t *ctx)
{
    (void) ctx;
    return SOUK_OK;
}

int
cat_cli_init(souk_plugin_ctx_t *ctx)
{
    (void) ctx;
    return SOUK_OK;
}

int
cat_model_init(souk_plugin_ctx_t *ctx)
{
    (void) ctx;
    return SOUK_OK;
}

static int
json_int(const char *text, int64_t min, int64_t max, int64_t *out)
{
    cJSON  *v = cJSON_Parse(text);
    int     rc = souk_json_int(v, min, max, out);

    cJSON_Delete(v);
    return rc;
}

static void
test_json_int(void)
{
    int64_t  n = -7;

    ok(json_int("4900", 0, 1000000, &n) == SOUK_OK && n == 4900,
       "a whole number");
    ok(json_int("\"4900\"", 0, 1000000, &n) == SOUK_OK && n == 4900,
       "a decimal string");
    n = -7;
    ok(json_int("49.5", 0, 1000000, &n) == SOUK_DECLINED && n == -7,
       "a fraction is refused and *out untouched");
    ok(json_int("-1", 0, 1000000, &n) == SOUK_DECLINED, "below min");
    ok(json_int("1000001", 0, 1000000, &n) == SOUK_DECLINED, "above max");
    ok(json_int("1e300", 0, INT64_MAX, &n) == SOUK_DECLINED,
       "beyond what a double holds exactly");
    ok(json_int("9007199254740992", 0, INT64_MAX, &n) == SOUK_OK
       && n == INT64_C(9007199254740992), "2^53 still exact");
    ok(json_int("\"12abc\"", 0, 100, &n) == SOUK_DECLINED,
       "a string with letters");
    ok(json_int("\" 12\"", 0, 100, &n) == SOUK_DECLINED,
       "a string with a leading space");
    ok(json_int("true", 0, 100, &n) == SOUK_DECLINED, "a boolean");
    ok(json_int("null", 0, 100, &n) == SOUK_DECLINED, "null");
    ok(souk_json_int(NULL, 0, 100, &n) == SOUK_DECLINED, "absent");
}

static void
test_decline(void)
{
    char  why[16];

    ok(cat_decline(why, sizeof(why), "no SKU \"%s\" here", "ABCDEFGHIJ")
       == SOUK_DECLINED, "declines");
    ok(strlen(why) == sizeof(why) - 1 && strncmp(why, "no SKU", 6) == 0,
       "cut to the buffer, still terminated: %s", why);
    ok(cat_decline(NULL, 0, "x") == SOUK_DECLINED, "no buffer is fine");
}

static void
test_email(void)
{
    ok(cat_email_ok("ada@example.test"), "plain address");
    ok(!cat_email_ok("ada@localhost"), "no dot in the domain");
    ok(!cat_email_ok("@example.test"), "no local part");
    ok(!cat_email_ok("ada@"), "no domain");
    ok(!cat_email_ok("a@b@example.test"), "two @");
    ok(!cat_email_ok("ada lovelace@example.test"), "a space");
    ok(!cat_email_ok("ada@example.test\r\nBcc: x@y.z"), "header injection");
    ok(!cat_email_ok("<ada@example.test>"), "angle brackets");
    ok(!cat_email_ok(NULL), "NULL");
}

/* Amounts in mail and the back office follow the currency's decimals. */
static void
test_money_format(void)
{
    char         buf[32];
    const char  *b = buf;

    cat_money_format(buf, sizeof(buf), 3500, "EUR");
    is_str(b, "35.00", "EUR: two decimals");
    cat_money_format(buf, sizeof(buf), 5, "EUR");
    is_str(b, "0.05", "EUR: leading zero kept");
    cat_money_format(buf, sizeof(buf), 3500, "JPY");
    is_str(b, "3500", "JPY: no decimals");
    cat_money_format(buf, sizeof(buf), 1250, "KWD");
    is_str(b, "1.250", "KWD: three decimals");
    cat_money_format(buf, sizeof(buf), -199, "USD");
    is_str(b, "-1.99", "a negative amount");
    cat_money_format(buf, sizeof(buf), INT64_MIN, "EUR");
    is_str(b, "-92233720368547758.08", "the most negative amount");
    is_int(cat_money_decimals("XPF"), 0, "XPF has no minor unit");
    is_int(cat_money_decimals("eur"), 2, "an unknown code: two");
}

int
main(void)
{
    test_money_format();
    test_json_int();
    test_decline();
    test_email();
    return done_testing();
}

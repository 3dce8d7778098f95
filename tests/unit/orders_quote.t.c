/* Unit tests of the checkout's arithmetic and rules without a database:
 * tax included and excluded with half-up rounding (0 %, 100 %, JPY, huge
 * amounts), discounts split over lines, whole quotes from their parts,
 * and addresses checked per country. */
#include <string.h>

#include "tap.h"

#include "../../plugins/orders/orders.c"
#include "../../plugins/orders/address.c"
#include "../../plugins/orders/checkout_rules.c"
#include "../../plugins/orders/quote.c"

/* The plugin's other parts; not under test here. */
int ord_place_init(souk_plugin_ctx_t *c) { (void) c; return SOUK_OK; }
int ord_customer_init(souk_plugin_ctx_t *c) { (void) c; return SOUK_OK; }
int ord_staff_init(souk_plugin_ctx_t *c) { (void) c; return SOUK_OK; }
int ord_payhooks_init(souk_plugin_ctx_t *c) { (void) c; return SOUK_OK; }
int ord_checkout_init(souk_plugin_ctx_t *c) { (void) c; return SOUK_OK; }

/* An array as a pointer, so tap.h's NULL checks stay meaningful. */
static const char *
str(const char *s)
{
    return s;
}

static void
test_tax(void)
{
    /* excluded: round(net * bp / 10000) */
    is_int(ord_tax_of(1000, 1900, 0), 190, "19 %% of 10.00");
    is_int(ord_tax_of(50, 1900, 0), 10, "9.5 rounds up to 10");
    is_int(ord_tax_of(49, 1900, 0), 9, "9.31 rounds down");
    is_int(ord_tax_of(75, 1900, 0), 14, "14.25 rounds down");
    is_int(ord_tax_of(150, 1000, 0), 15, "exact");
    is_int(ord_tax_of(1234, 0, 0), 0, "0 %%");
    is_int(ord_tax_of(1234, 10000, 0), 1234, "100 %% doubles");
    is_int(ord_tax_of(0, 1900, 0), 0, "nothing taxed");
    is_int(ord_tax_of(-5, 1900, 0), 0, "never negative");
    /* included: round(gross * bp / (10000 + bp)) */
    is_int(ord_tax_of(1190, 1900, 1), 190, "19 %% inside 11.90");
    is_int(ord_tax_of(5997, 1900, 1), 958, "957.5.. rounds up");
    is_int(ord_tax_of(333, 1900, 1), 53, "53.17 rounds down");
    is_int(ord_tax_of(1, 10000, 1), 1, "100 %%: 0.5 rounds up");
    is_int(ord_tax_of(3, 10000, 1), 2, "100 %%: 1.5 rounds up");
    is_int(ord_tax_of(4, 10000, 1), 2, "100 %%: half of 4");
    is_int(ord_tax_of(1000, 0, 1), 0, "0 %% included");
    /* JPY has no minor digits: the same integers */
    is_int(ord_tax_of(1000, 1000, 1), 91, "JPY 1000 incl. 10 %%: 90.9");
    is_int(ord_tax_of(1100, 1000, 1), 100, "JPY 1100 incl. 10 %%");
    is_int(ord_tax_of(999, 800, 0), 80, "JPY 999 + 8 %%: 79.92");
    /* big amounts do not overflow */
    is_int(ord_tax_of(INT64_C(1000000000000000), 10000, 0),
           INT64_C(1000000000000000), "10^15 at 100 %%");
    is_int(ord_tax_of(INT64_C(4000000000000000000), 2000, 1),
           INT64_C(666666666666666667), "4e18 incl. 20 %%");
}

static void
test_split(void)
{
    int64_t  a[3] = { 100, 300, 0 }, out[3];
    int64_t  b[3] = { 1, 1, 1 };

    ord_discount_split(a, 2, 100, out);
    ok(out[0] == 25 && out[1] == 75, "in proportion");
    ord_discount_split(b, 3, 2, out);
    is_int(out[0] + out[1] + out[2], 2, "the rest is placed");
    ok(out[0] <= 1 && out[1] <= 1 && out[2] <= 1, "never above a line");
    ord_discount_split(a, 3, 1000, out);
    ok(out[0] == 100 && out[1] == 300 && out[2] == 0, "capped at totals");
    ord_discount_split(a, 2, 0, out);
    ok(out[0] == 0 && out[1] == 0, "no discount");
    ord_discount_split(a, 2, 7, out);
    is_int(out[0] + out[1], 7, "odd amounts sum up");
}

static cJSON *
cart_new(void)
{
    return cJSON_Parse("{\"id\":7,\"currency\":\"EUR\",\"subtotal\":6330,"
        "\"weight_g\":400,\"discount_total\":0,\"lines\":["
        "{\"sku\":\"A\",\"kind\":\"product\",\"quantity\":3,"
        "\"unit_price\":1999,\"line_total\":5997},"
        "{\"sku\":\"B\",\"kind\":\"product\",\"quantity\":1,"
        "\"unit_price\":333,\"line_total\":333}]}");
}

static int64_t
qint(const cJSON *q, const char *k)
{
    return ord_jint(q, k);
}

static void
test_quote(void)
{
    cJSON           *cart = cart_new(), *q;
    cJSON           *ship = cJSON_Parse("[{\"code\":\"post\",\"name\":\"P\","
                        "\"kind\":\"flat\",\"price\":490},{\"code\":\"shop\","
                        "\"name\":\"S\",\"kind\":\"pickup\",\"price\":0}]");
    cJSON           *pay = cJSON_Parse("[{\"code\":\"pay_later\","
                                       "\"name\":\"x\"}]");
    cJSON           *none = cJSON_CreateArray(), *api;
    ord_tax_rule_t   de = { 1, 1900, 1, "MwSt" }, ny = { 1, 888, 0, "NY" };
    ord_tax_rule_t   no = { 0, 0, 0, "" };
    char             why[ORD_WHY];

    q = ord_quote_make(cart, ship, &de, 1, "EUR", pay, NULL, NULL, why,
                       sizeof(why));
    ok(q != NULL, "quoted");
    is_int(qint(q, "subtotal"), 6330, "subtotal");
    is_int(qint(q, "shipping_total"), 490, "first method");
    is_int(qint(q, "tax_total"), 958 + 53 + 78, "included tax");
    is_int(qint(q, "total"), 6820, "total as shown");
    is_int(ord_jint(cJSON_GetArrayItem(cJSON_GetObjectItem(q, "lines"), 0),
                    "tax_amount"), 958, "line tax");
    api = ord_quote_api(q);
    is_int(ord_jint(cJSON_GetObjectItem(api, "total"), "amount"), 6820,
           "API money object");
    cJSON_Delete(api);
    cJSON_Delete(q);
    q = ord_quote_make(cart, ship, &ny, 0, "EUR", pay, "shop", "pay_later",
                       why, sizeof(why));
    /* 5997 * .0888 = 532.5: 533; 333 * .0888 = 29.57: 30; pickup free */
    is_int(qint(q, "tax_total"), 533 + 30, "excluded tax");
    is_int(qint(q, "total"), 6330 + 563, "net + tax");
    is_str(ord_jstr(cJSON_GetObjectItem(q, "shipping"), "code"), "shop",
           "chosen method");
    cJSON_Delete(q);
    q = ord_quote_make(cart, ship, &no, 0, "EUR", pay, NULL, NULL, why,
                       sizeof(why));
    is_int(qint(q, "tax_total"), 0, "no rule: no tax");
    cJSON_Delete(q);
    cJSON_ReplaceItemInObject(cart, "discount_total",
                              cJSON_CreateNumber(1000));
    q = ord_quote_make(cart, ship, &de, 0, "EUR", pay, NULL, NULL, why,
                       sizeof(why));
    /* 1000 split 947 + 1 (the rest, to the larger line) / 52: taxed
     * (5049 -> 959.31: 959) + (281 -> 53.39: 53) + shipping 93.1: 93 */
    is_int(qint(q, "discount_total"), 1000, "discount kept");
    is_int(qint(q, "tax_total"), 959 + 53 + 93, "tax after discount");
    is_int(qint(q, "total"), 6330 - 1000 + 490 + 1105, "discounted total");
    cJSON_Delete(q);
    ok(ord_quote_make(cart, ship, &de, 1, "EUR", pay, "drone", NULL, why,
                      sizeof(why)) == NULL, "unknown method refused");
    is_str(str(why), "Shipping: method drone is not available for this address",
           "why names it");
    ok(ord_quote_make(cart, none, &de, 1, "EUR", pay, NULL, NULL, why,
                      sizeof(why)) == NULL, "nothing ships there");
    ok(strncmp(why, "Shipping:", 9) == 0, "why: %s", why);
    ok(ord_quote_make(cart, ship, &de, 1, "EUR", none, NULL, NULL, why,
                      sizeof(why)) == NULL, "no payment method");
    ok(strncmp(why, "Payment:", 8) == 0, "why: %s", why);
    ok(!ord_cart_services_only(cart), "goods ship");
    cJSON_Delete(cart);
    cJSON_Delete(ship);
    cJSON_Delete(pay);
    cJSON_Delete(none);
}

static int
addr(const char *json, ord_address_t *a, char *why, size_t whylen)
{
    cJSON  *o = cJSON_Parse(json);
    int     rc = ord_address_from_json(o, NULL, a, why, whylen);

    cJSON_Delete(o);
    return rc;
}

#define BASE  "\"name\":\"A\",\"line1\":\"B 1\",\"city\":\"C\""

static void
test_address(void)
{
    ord_address_t  a;
    char           why[ORD_WHY];

    ok(addr("{" BASE ",\"country\":\"gb\",\"postcode\":\"sw1a1aa\"}", &a,
            why, sizeof(why)) == SOUK_OK, "GB without the space");
    is_str(str(a.postcode), "SW1A 1AA", "GB made canonical");
    is_str(str(a.country), "GB", "country upper-cased");
    ok(addr("{" BASE ",\"country\":\"CA\",\"postcode\":\"k1a 0b1\","
            "\"region\":\"qc\"}", &a, why, sizeof(why)) == SOUK_OK, "CA");
    is_str(str(a.postcode), "K1A 0B1", "CA canonical");
    is_str(str(a.region), "QC", "province upper-cased");
    ok(addr("{" BASE ",\"country\":\"US\",\"postcode\":\"10001\"}", &a,
            why, sizeof(why)) == SOUK_DECLINED, "US needs a state");
    ok(strncmp(why, "Region:", 7) == 0, "why: %s", why);
    ok(addr("{" BASE ",\"country\":\"AU\",\"postcode\":\"2000\","
            "\"region\":\"NSW\"}", &a, why, sizeof(why)) == SOUK_OK, "AU");
    ok(addr("{" BASE ",\"country\":\"DE\",\"postcode\":\"1234\"}", &a,
            why, sizeof(why)) == SOUK_DECLINED, "DE has 5 digits");
    is_str(str(why), "Postcode: not a valid postcode for DE", "named");
    ok(addr("{" BASE ",\"country\":\"NL\",\"postcode\":\"1012AB\"}", &a,
            why, sizeof(why)) == SOUK_OK, "NL");
    is_str(str(a.postcode), "1012 AB", "NL canonical");
    ok(addr("{" BASE ",\"country\":\"JP\",\"postcode\":\"1000001\"}", &a,
            why, sizeof(why)) == SOUK_OK, "JP without the dash");
    ok(addr("{" BASE ",\"country\":\"LV\",\"postcode\":\"lv-1050\"}", &a,
            why, sizeof(why)) == SOUK_OK, "LV with its prefix");
    is_str(str(a.postcode), "LV-1050", "LV canonical");
    ok(addr("{" BASE ",\"country\":\"HK\"}", &a, why, sizeof(why))
       == SOUK_OK, "HK has no postcodes");
    ok(addr("{" BASE ",\"country\":\"XY\",\"postcode\":\"1\"}", &a, why,
            sizeof(why)) == SOUK_DECLINED, "unknown country");
    ok(strncmp(why, "Country:", 8) == 0, "why: %s", why);
    ok(addr("{\"name\":\"A\\u0001\",\"line1\":\"B\",\"city\":\"C\","
            "\"country\":\"HK\"}", &a, why, sizeof(why)) == SOUK_DECLINED,
       "control character");
    ok(addr("{\"name\":\"A\\u0085\",\"line1\":\"B\",\"city\":\"C\","
            "\"country\":\"HK\"}", &a, why, sizeof(why)) == SOUK_DECLINED,
       "C1 control character");
    ok(addr("{\"name\":\"  \",\"line1\":\"B\",\"city\":\"C\","
            "\"country\":\"HK\"}", &a, why, sizeof(why)) == SOUK_DECLINED,
       "blank name");
    is_str(str(why), "Name: required", "named");
    ok(addr("{\"name\":\"  Ann  \",\"line1\":\"B\",\"city\":\"C\","
            "\"country\":\"HK\",\"line2\":null}", &a, why, sizeof(why))
       == SOUK_OK, "trimmed, null line2");
    is_str(str(a.name), "Ann", "trimmed");
    ok(addr("[1]", &a, why, sizeof(why)) == SOUK_DECLINED, "not an object");
    ok(ord_in_list("DE, fr ,AT", "FR"), "list with blanks");
    ok(!ord_in_list("DEU,FR", "DE"), "no prefix match");
    ok(ord_ships_to("DE,AT", "AT") && !ord_ships_to("DE,AT", "A")
       && ord_ships_to("", "JP"), "shipping countries");
}

int
main(void)
{
    test_tax();
    test_split();
    test_quote();
    test_address();
    return done_testing();
}

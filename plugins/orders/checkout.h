/* What the checkout's files share (checkout*.c, quote.c, setup*.c):
 * shipping and tax rules as loaded, the pure quote arithmetic, helpers. */
#ifndef ORDERS_CHECKOUT_H
#define ORDERS_CHECKOUT_H

#include "orders.h"

#define ORD_CODE_LEN  33        /* shipping method codes: 1..32 */

/* The tax rule for a destination (region row beats country row). */
typedef struct {
    int      found;
    int64_t  rate_bp;           /* 0..10000 */
    int      shipping;          /* shipping taxed at the same rate */
    char     name[101];
} ord_tax_rule_t;

/* ---- quote.c: arithmetic, no database (unit-tested) ---- */

/* Tax in a gross amount (prices include tax) or on a net one, rounded
 * half up; integers only. */
int64_t ord_tax_of(int64_t amount, int64_t rate_bp, int included);
/* Splits discount over n amounts in proportion (largest share last gets
 * the rounding rest), writing out[i]; never more than each amount. */
void ord_discount_split(const int64_t *amounts, size_t n, int64_t discount,
    int64_t *out);
/*
 * The quote from its parts: the priced cart, the shipping options on
 * offer for the destination (each {"code","name","kind","price",...}),
 * the tax rule, the payment methods and the chosen codes (NULL: the
 * first). The document ord_quote returns (a new cJSON the caller owns),
 * or NULL with why.
 */
cJSON *ord_quote_make(const cJSON *cart, const cJSON *ship_options,
    const ord_tax_rule_t *rule, int included, const char *currency,
    const cJSON *pay_methods, const char *shipping, const char *payment,
    char *why, size_t whylen);
/* The quote with its money as {"amount","currency"} objects, for the API
 * (a new cJSON the caller owns). */
cJSON *ord_quote_api(const cJSON *q);
/* Non-zero when every line is a service (nothing to ship). */
int ord_cart_services_only(const cJSON *cart);

/* ---- checkout_rules.c: shipping and tax rules from the database;
 * address.c: the countries ---- */

/* The shipping options for a destination and a parcel: each active
 * method of the site in position order that ships to the country, priced
 * ({"code","name","kind","price","warehouse_id"?}). A site with no
 * methods at all offers the built-in "standard" flat rate
 * (orders.flat_rate). A new array the caller owns; NULL on error. */
cJSON *ord_shipping_options(souk_request_t *r, const char *country,
    int64_t weight_g, int64_t goods, const char *currency);
/* Fills rule for (country, region) of the request's site. */
int ord_tax_rule_find(souk_request_t *r, const char *country,
    const char *region, ord_tax_rule_t *rule);
/* The comma list of countries the site sells to as an array of codes
 * (every known one when orders.countries is empty); caller owns it. */
cJSON *ord_countries_json(souk_request_t *r);
/* Non-zero when code is a country address.c knows. */
int ord_country_known(const char *code);

/* ---- checkout_util.c ---- */
/* A string member, or "" (never NULL). */
const char *ord_jstr(const cJSON *o, const char *key);
/* A number member as int64 (0 when absent). */
int64_t ord_jint(const cJSON *o, const char *key);
/* A path inside the site, with its prefix; formatted, in the pool. */
const char *ord_url(souk_request_t *r, const char *fmt, ...)
    SOUK_PRINTF(2, 3);
/* A form field trimmed of surrounding blanks, NULL when absent (pool). */
const char *ord_form(souk_request_t *r, const char *name);

/* ---- checkout.c, checkout_api.c ---- */
/* The signed-in user's address book entry id as an address object
 * (pool), or NULL when it is not theirs. */
cJSON *ord_book_address(souk_request_t *r, int64_t id);
/* A customer note: at most 1000 bytes, no control characters but line
 * breaks and tabs. SOUK_OK or SOUK_DECLINED with why. */
int ord_note_ok(const char *note, char *why, size_t whylen);
int ord_checkout_api_init(souk_plugin_ctx_t *ctx);

/* ---- setup_api.c: the set-up's model and staff API ---- */
/* The site's shipping methods (id 0: all; else that one, if the site's)
 * with their rates / its tax rules, as the API shows them: new arrays. */
cJSON *ord_methods_list(souk_request_t *r, int64_t id);
cJSON *ord_tax_list(souk_request_t *r, int64_t id);
/* Checks and saves a method (id 0: new; else a PUT: members absent keep
 * their value, "rates" replaces all rates) or a tax rule. SOUK_OK with
 * *out_id, SOUK_ERROR, or a 4xx status with why naming the field (400
 * bad value, 404 not this site's, 409 code or country/region taken). */
int ord_method_save(souk_request_t *r, const cJSON *doc, int64_t id,
    int64_t *out_id, char *why, size_t whylen);
int ord_tax_save(souk_request_t *r, const cJSON *doc, int64_t id,
    int64_t *out_id, char *why, size_t whylen);
/* SOUK_OK, SOUK_DECLINED (not this site's), SOUK_ERROR. */
int ord_method_delete(souk_request_t *r, int64_t id);
int ord_tax_delete(souk_request_t *r, int64_t id);
int ord_setup_api_init(souk_plugin_ctx_t *ctx);
/* Helpers of the checks (setup_api.c): text of 1..cap bytes without
 * control characters copied to dst; a JSON bool (or 0/1, dflt when
 * absent); doc's members laid over a copy of stored (a new cJSON). */
int ord_plain(const cJSON *v, size_t cap, char *dst);
int ord_bool_take(const cJSON *v, int dflt, int *out);
cJSON *ord_merge(const cJSON *stored, const cJSON *doc);

/* ---- setup.c: the back-office pages ---- */
int ord_setup_init(souk_plugin_ctx_t *ctx);

#endif /* ORDERS_CHECKOUT_H */

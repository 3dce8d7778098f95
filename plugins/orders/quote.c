/* Pricing a cart for an address: the priced cart, payment methods on
 * offer, shipping, tax and totals in integer minor units, never floats. */
#include <stdlib.h>
#include <string.h>

#include "checkout.h"

/* ---------- arithmetic ---------- */

int64_t
ord_tax_of(int64_t amount, int64_t rate_bp, int included)
{
    __int128  num, den;

    if (amount <= 0 || rate_bp <= 0) {
        return 0;
    }
    /* round(a * bp / d), half up, for a >= 0: floor((2 a bp + d) / 2d);
     * 128 bits so no basket is too large to tax. */
    den = included ? (__int128) 10000 + rate_bp : (__int128) 10000;
    num = (__int128) amount * rate_bp * 2 + den;
    return (int64_t) (num / (den * 2));
}

void
ord_discount_split(const int64_t *amounts, size_t n, int64_t discount,
    int64_t *out)
{
    __int128  total = 0;
    int64_t   left, share;
    size_t    i, big = 0;

    for (i = 0; i < n; i++) {
        out[i] = 0;
        total += amounts[i];
        if (amounts[i] > amounts[big]) {
            big = i;
        }
    }
    if (n == 0 || total <= 0 || discount <= 0) {
        return;
    }
    if (discount > total) {
        discount = (int64_t) total;
    }
    left = discount;
    for (i = 0; i < n; i++) {
        share = (int64_t) ((__int128) discount * amounts[i] / total);
        out[i] = share;
        left -= share;
    }
    /* The rounding rest (less than n units) goes to the largest lines
     * first, each taking at most what it has left. */
    for (i = 0; left > 0 && i < n; i++) {
        size_t   k = (big + i) % n;
        int64_t  room = amounts[k] - out[k];

        share = room < left ? room : left;
        out[k] += share;
        left -= share;
    }
}

int
ord_cart_services_only(const cJSON *cart)
{
    const cJSON  *l;
    int           n = 0;

    cJSON_ArrayForEach(l, cJSON_GetObjectItemCaseSensitive(cart, "lines")) {
        if (strcmp(ord_jstr(l, "kind"), "service") != 0) {
            return 0;
        }
        n++;
    }
    return n > 0;
}

/* The option whose code is code (NULL or "": the first), or NULL. */
static const cJSON *
ord_pick(const cJSON *options, const char *code)
{
    const cJSON  *o;

    cJSON_ArrayForEach(o, options) {
        if (code == NULL || code[0] == '\0'
            || strcmp(ord_jstr(o, "code"), code) == 0)
        {
            return o;
        }
    }
    return NULL;
}

/* Lines with their discount share and tax; returns the lines' tax. */
static int64_t
ord_quote_lines(cJSON *lines, int64_t discount, const ord_tax_rule_t *rule,
    int included)
{
    size_t    n = (size_t) cJSON_GetArraySize(lines), i = 0;
    int64_t  *amounts, *shares, tax = 0, t;
    int64_t   bp = rule->found ? rule->rate_bp : 0;
    cJSON    *l;

    amounts = calloc(2 * n + 2, sizeof(int64_t));
    if (amounts == NULL) {
        abort();       /* as the pool does: a worker out of memory dies */
    }
    shares = amounts + n + 1;
    cJSON_ArrayForEach(l, lines) {
        amounts[i++] = ord_jint(l, "line_total");
    }
    ord_discount_split(amounts, n, discount, shares);
    i = 0;
    cJSON_ArrayForEach(l, lines) {
        t = ord_tax_of(amounts[i] - shares[i], bp, included);
        cJSON_DeleteItemFromObjectCaseSensitive(l, "tax_rate_bp");
        cJSON_DeleteItemFromObjectCaseSensitive(l, "tax_amount");
        cJSON_DeleteItemFromObjectCaseSensitive(l, "discount_amount");
        cJSON_AddNumberToObject(l, "discount_amount", (double) shares[i]);
        cJSON_AddNumberToObject(l, "tax_rate_bp", (double) bp);
        cJSON_AddNumberToObject(l, "tax_amount", (double) t);
        tax += t;
        i++;
    }
    free(amounts);
    return tax;
}

/* Drops a half-built quote; the caller has written why. */
static cJSON *
ord_quote_fail(cJSON *q, int rc)
{
    (void) rc;
    cJSON_Delete(q);
    return NULL;
}

cJSON *
ord_quote_make(const cJSON *cart, const cJSON *ship_options,
    const ord_tax_rule_t *rule, int included, const char *currency,
    const cJSON *pay_methods, const char *shipping, const char *payment,
    char *why, size_t whylen)
{
    const cJSON  *ship, *pay;
    cJSON        *q, *lines, *tax;
    int64_t       subtotal = 0, discount, shipping_total, line_tax, ship_tax;
    const cJSON  *l;

    q = cJSON_CreateObject();
    cJSON_AddStringToObject(q, "currency", currency);
    cJSON_AddNumberToObject(q, "prices_include_tax", included ? 1 : 0);
    lines = cJSON_Duplicate(cJSON_GetObjectItemCaseSensitive(cart, "lines"),
                            1);
    if (!cJSON_IsArray(lines) || cJSON_GetArraySize(lines) == 0) {
        cJSON_Delete(lines);
        return ord_quote_fail(q, ord_decline(why, whylen, "Your cart is "
                                             "empty"));
    }
    cJSON_AddItemToObject(q, "lines", lines);
    cJSON_ArrayForEach(l, lines) {
        subtotal += ord_jint(l, "line_total");
    }
    discount = ord_jint(cart, "discount_total");
    discount = discount < 0 ? 0 : discount > subtotal ? subtotal : discount;

    ship = ord_pick(ship_options, shipping);
    if (cJSON_GetArraySize(ship_options) == 0) {
        return ord_quote_fail(q, ord_decline(why, whylen, "Shipping: no "
                              "delivery method ships to this address"));
    }
    if (ship == NULL) {
        return ord_quote_fail(q, ord_decline(why, whylen, "Shipping: "
                              "method %s is not available for this address",
                              shipping));
    }
    pay = ord_pick(pay_methods, payment);
    if (cJSON_GetArraySize(pay_methods) == 0) {
        return ord_quote_fail(q, ord_decline(why, whylen, "Payment: no "
                              "payment method is available"));
    }
    if (pay == NULL) {
        return ord_quote_fail(q, ord_decline(why, whylen, "Payment: "
                              "method %s is not offered", payment));
    }
    shipping_total = ord_jint(ship, "price");
    line_tax = ord_quote_lines(lines, discount, rule, included);
    ship_tax = rule->found && rule->shipping
               ? ord_tax_of(shipping_total, rule->rate_bp, included) : 0;

    cJSON_AddNumberToObject(q, "subtotal", (double) subtotal);
    cJSON_AddNumberToObject(q, "discount_total", (double) discount);
    cJSON_AddNumberToObject(q, "shipping_total", (double) shipping_total);
    cJSON_AddNumberToObject(q, "shipping_tax", (double) ship_tax);
    cJSON_AddNumberToObject(q, "tax_total", (double) (line_tax + ship_tax));
    cJSON_AddNumberToObject(q, "total", (double) (subtotal - discount
                            + shipping_total
                            + (included ? 0 : line_tax + ship_tax)));
    cJSON_AddNumberToObject(q, "weight_g", (double) ord_jint(cart,
                                                             "weight_g"));
    tax = cJSON_AddObjectToObject(q, "tax");
    cJSON_AddStringToObject(tax, "name", rule->found ? rule->name : "");
    cJSON_AddNumberToObject(tax, "rate_bp", rule->found
                                            ? (double) rule->rate_bp : 0);
    cJSON_AddBoolToObject(tax, "shipping", rule->found && rule->shipping);
    cJSON_AddItemToObject(q, "shipping", cJSON_Duplicate(ship, 1));
    cJSON_AddItemToObject(q, "shipping_options",
                          cJSON_Duplicate(ship_options, 1));
    cJSON_AddItemToObject(q, "payment", cJSON_Duplicate(pay, 1));
    cJSON_AddItemToObject(q, "payment_options",
                          cJSON_Duplicate(pay_methods, 1));
    return q;
}

/* ---------- the API's view ---------- */

static void
ord_money_obj(cJSON *o, const char *key, const char *cur)
{
    cJSON  *v = cJSON_GetObjectItemCaseSensitive(o, key), *m;

    if (!cJSON_IsNumber(v)) {
        return;
    }
    m = cJSON_CreateObject();
    cJSON_AddNumberToObject(m, "amount", v->valuedouble);
    cJSON_AddStringToObject(m, "currency", cur);
    cJSON_ReplaceItemInObjectCaseSensitive(o, key, m);
}

cJSON *
ord_quote_api(const cJSON *q)
{
    static const char *const  top[] = { "subtotal", "discount_total",
        "shipping_total", "shipping_tax", "tax_total", "total", NULL };
    static const char *const  line[] = { "unit_price", "line_total",
        "tax_amount", "discount_amount", NULL };
    cJSON                    *a = cJSON_Duplicate(q, 1), *o;
    const char               *cur = ord_jstr(q, "currency");
    size_t                    i;

    for (i = 0; top[i] != NULL; i++) {
        ord_money_obj(a, top[i], cur);
    }
    cJSON_ArrayForEach(o, cJSON_GetObjectItemCaseSensitive(a, "lines")) {
        for (i = 0; line[i] != NULL; i++) {
            ord_money_obj(o, line[i], cur);
        }
    }
    ord_money_obj(cJSON_GetObjectItemCaseSensitive(a, "shipping"), "price",
                  cur);
    cJSON_ArrayForEach(o, cJSON_GetObjectItemCaseSensitive(a,
                                                           "shipping_options"))
    {
        ord_money_obj(o, "price", cur);
    }
    cJSON_ReplaceItemInObjectCaseSensitive(a, "prices_include_tax",
        cJSON_CreateBool(ord_jint(q, "prices_include_tax") != 0));
    return a;
}

/* ---------- the request side ---------- */

cJSON *
ord_cart_priced(souk_request_t *r, char *why, size_t whylen)
{
    cJSON        *v, *cart;
    const cJSON  *l, *p;

    v = souk_pool_json(souk_request_pool(r), cJSON_CreateObject());
    if (souk_filter_run(r, "cart.priced", v) != SOUK_OK
        || souk_filter_run(r, "cart.totals", v) != SOUK_OK)
    {
        ord_decline(why, whylen, "The cart could not be priced");
        return NULL;
    }
    cart = cJSON_GetObjectItemCaseSensitive(v, "cart");
    if (!cJSON_IsObject(cart)
        || cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(cart,
                                                               "lines")) == 0)
    {
        ord_decline(why, whylen, "Your cart is empty");
        return NULL;
    }
    cJSON_ArrayForEach(l, cJSON_GetObjectItemCaseSensitive(cart, "lines")) {
        p = cJSON_GetObjectItemCaseSensitive(l, "problem");
        if (!cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(l, "sellable"))
            || (cJSON_IsString(p) && p->valuestring[0] != '\0')
            || ord_jint(l, "quantity") <= 0 || ord_jint(l, "line_total") < 0)
        {
            ord_decline(why, whylen, "%s", cJSON_IsString(p)
                        && p->valuestring[0] != '\0' ? p->valuestring
                        : "A line of your cart cannot be sold");
            return NULL;
        }
    }
    return cart;
}

static int
ord_no(const char *v)
{
    return v != NULL && (strcmp(v, "no") == 0 || strcmp(v, "0") == 0
                         || strcmp(v, "false") == 0
                         || strcmp(v, "off") == 0);
}

cJSON *
ord_payment_methods(souk_request_t *r)
{
    cJSON        *v, *methods, *m;
    const cJSON  *ok;

    v = souk_pool_json(souk_request_pool(r), cJSON_CreateObject());
    methods = cJSON_AddArrayToObject(v, "methods");
    if (!ord_no(souk_setting(r, "orders.pay_later"))) {
        m = cJSON_CreateObject();
        cJSON_AddStringToObject(m, "code", "pay_later");
        cJSON_AddStringToObject(m, "name", "Pay later (invoice)");
        cJSON_AddBoolToObject(m, "offsite", 0);
        cJSON_AddStringToObject(m, "pay_timing", "before");
        cJSON_AddNumberToObject(m, "hold_minutes", 0);
        cJSON_AddItemToArray(methods, m);
    }
    if (souk_filter_run(r, "checkout.payment_methods", v) != SOUK_OK) {
        souk_log(r, SOUK_LOG_WARN, "checkout.payment_methods failed: only "
                 "the built-in methods are offered");
    }
    ok = cJSON_GetObjectItemCaseSensitive(v, "methods");
    return cJSON_IsArray(ok) ? (cJSON *) ok : methods;
}

cJSON *
ord_quote(souk_request_t *r, const cJSON *cart, const ord_address_t *a,
    const char *shipping, const char *payment, char *why, size_t whylen)
{
    ord_tax_rule_t   rule;
    cJSON           *opts, *q;
    const char      *cur = ord_jstr(cart, "currency");
    int64_t          goods;

    if (cur[0] == '\0') {
        cur = ord_currency(r);
    }
    goods = ord_jint(cart, "subtotal") - ord_jint(cart, "discount_total");
    if (ord_cart_services_only(cart)) {
        /* Nothing to deliver: one free "none" option, whatever was asked. */
        opts = cJSON_CreateArray();
        q = cJSON_CreateObject();
        cJSON_AddStringToObject(q, "code", "none");
        cJSON_AddStringToObject(q, "name", "No delivery needed");
        cJSON_AddStringToObject(q, "kind", "none");
        cJSON_AddNumberToObject(q, "price", 0);
        cJSON_AddItemToArray(opts, q);
        shipping = NULL;
    } else {
        opts = ord_shipping_options(r, a->country, ord_jint(cart, "weight_g"),
                                    goods, cur);
    }
    if (opts == NULL
        || ord_tax_rule_find(r, a->country, a->region, &rule) != SOUK_OK)
    {
        cJSON_Delete(opts);
        ord_decline(why, whylen, "The order could not be priced");
        return NULL;
    }
    q = ord_quote_make(cart, opts, &rule, ord_prices_include_tax(r), cur,
                       ord_payment_methods(r), shipping, payment, why,
                       whylen);
    cJSON_Delete(opts);
    return q != NULL ? souk_pool_json(souk_request_pool(r), q) : NULL;
}

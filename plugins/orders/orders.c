/* The orders plugin: its descriptor, permissions and shared helpers. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include <sodium.h>

#include "orders.h"

int64_t
ord_now(void)
{
    return (int64_t) time(NULL);
}

const char *
ord_currency(souk_request_t *r)
{
    const char  *c = souk_setting(r, "shop.currency");

    return c != NULL && souk_money_decimals(c) >= 0 ? c : "EUR";
}

int
ord_prices_include_tax(souk_request_t *r)
{
    const char  *v = souk_setting(r, "orders.prices_include_tax");

    return !(v != NULL && (strcmp(v, "no") == 0 || strcmp(v, "0") == 0
                           || strcmp(v, "false") == 0));
}

void
ord_number_new(char out[ORD_NUMBER_LEN])
{
    /* Crockford base32: no I, L, O or U to misread on the phone */
    static const char  digits[] = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";
    unsigned char      raw[ORD_NUMBER_LEN - 1];
    size_t             i;

    randombytes_buf(raw, sizeof(raw));
    for (i = 0; i < sizeof(raw); i++) {
        out[i] = digits[raw[i] & 31];
    }
    out[ORD_NUMBER_LEN - 1] = '\0';
}

void
ord_random_hex(char *out, size_t nbytes)
{
    unsigned char  raw[64];

    if (nbytes > sizeof(raw)) {
        nbytes = sizeof(raw);
    }
    randombytes_buf(raw, nbytes);
    sodium_bin2hex(out, 2 * nbytes + 1, raw, nbytes);
}

void
ord_hash_hex(const char *s, char out[65])
{
    unsigned char  h[32];

    crypto_generichash(h, sizeof(h), (const unsigned char *) s, strlen(s),
                       NULL, 0);
    sodium_bin2hex(out, 65, h, sizeof(h));
}

int
ord_decline(char *why, size_t whylen, const char *fmt, ...)
{
    va_list  ap;

    if (why != NULL && whylen > 0) {
        va_start(ap, fmt);
        vsnprintf(why, whylen, fmt, ap);
        va_end(ap);
    }
    return SOUK_DECLINED;
}

cJSON *
ord_money_add(cJSON *obj, const char *key, int64_t amount, const char *cur)
{
    cJSON  *m = cJSON_AddObjectToObject(obj, key);

    if (m != NULL) {
        cJSON_AddNumberToObject(m, "amount", (double) amount);
        cJSON_AddStringToObject(m, "currency", cur);
    }
    return m;
}

/* Who may do what in the back office: clerks see and fulfil orders,
 * managers also cancel, decide change requests and set up checkout. */
static int
ord_permissions(souk_plugin_ctx_t *ctx)
{
    static const char *const  clerk[] = { "admin.access", "orders.view",
        "orders.fulfil", NULL };
    static const char *const  manager[] = { "admin.access", "orders.view",
        "orders.fulfil", "orders.manage", "orders.settings", NULL };

    if (souk_permission_declare(ctx, "orders.view",
            "see orders, their timeline and customers") != SOUK_OK
        || souk_permission_declare(ctx, "orders.fulfil",
            "pick, pack and ship orders, add notes") != SOUK_OK
        || souk_permission_declare(ctx, "orders.manage",
            "mark paid, hold, cancel, decide change requests") != SOUK_OK
        || souk_permission_declare(ctx, "orders.settings",
            "shipping methods, rates and tax rules") != SOUK_OK
        || souk_role_declare(ctx, "orders_clerk", clerk) != SOUK_OK
        || souk_role_declare(ctx, "orders_manager", manager) != SOUK_OK)
    {
        return SOUK_ERROR;
    }
    return SOUK_OK;
}

static int
orders_init(souk_plugin_ctx_t *ctx)
{
    if (sodium_init() < 0
        || ord_permissions(ctx) != SOUK_OK
        || ord_checkout_init(ctx) != SOUK_OK
        || ord_place_init(ctx) != SOUK_OK
        || ord_customer_init(ctx) != SOUK_OK
        || ord_staff_init(ctx) != SOUK_OK
        || ord_payhooks_init(ctx) != SOUK_OK)
    {
        return SOUK_ERROR;
    }
    return SOUK_OK;
}

static const char *const orders_requires[] = { "cart", "accounts", NULL };

SOUK_PLUGIN(orders,
    .version  = "1.0.0",
    .requires = orders_requires,
    .init     = orders_init,
    .summary  = "checkout, orders, their lifecycle, change requests");

/* The payments plugin: payment records and their state machine, the
 * offline methods, webhooks, refunds, payment links and the back office.
 * Card gateways are other plugins registering a provider (souk/payment.h). */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include <sodium.h>

#include "pay.h"

int64_t
pay_now(void)
{
    return (int64_t) time(NULL);
}

int
pay_decline(char *why, size_t whylen, const char *fmt, ...)
{
    va_list  ap;

    if (why != NULL && whylen > 0) {
        va_start(ap, fmt);
        vsnprintf(why, whylen, fmt, ap);
        va_end(ap);
    }
    return SOUK_DECLINED;
}

void
pay_random_hex(char *out, size_t nbytes)
{
    unsigned char  raw[64];

    if (nbytes > sizeof(raw)) {
        nbytes = sizeof(raw);
    }
    randombytes_buf(raw, nbytes);
    sodium_bin2hex(out, 2 * nbytes + 1, raw, nbytes);
}

void
pay_hash_hex(const char *s, char out[65])
{
    unsigned char  h[32];

    crypto_generichash(h, sizeof(h), (const unsigned char *) s, strlen(s),
                       NULL, 0);
    sodium_bin2hex(out, 65, h, sizeof(h));
}

const char *
pay_base_url(souk_request_t *r)
{
    const char  *set = souk_setting(r, "payments.base_url");
    const char  *host = souk_request_header(r, "Host");

    if (set != NULL && set[0] != '\0') {
        return set;
    }
    return souk_psprintf(souk_request_pool(r), "%s://%s%s",
                            souk_request_https(r) ? "https" : "http",
                            host != NULL ? host : "localhost",
                            souk_site_base_path(r));
}

/* Non-zero when the comma-separated list holds word. */
static int
pay_list_has(const char *list, const char *word)
{
    size_t       n = strlen(word);
    const char  *p = list;

    while (*p != '\0') {
        while (*p == ',' || *p == ' ') {
            p++;
        }
        if (strncmp(p, word, n) == 0
            && (p[n] == '\0' || p[n] == ',' || p[n] == ' '))
        {
            return 1;
        }
        while (*p != '\0' && *p != ',') {
            p++;
        }
    }
    return 0;
}

int
pay_method_enabled(souk_request_t *r, const char *method)
{
    const char  *list = souk_setting(r, "payments.methods");

    if (method == NULL || souk_pay_provider(r, method) == NULL) {
        return 0;
    }
    return list == NULL || pay_list_has(list, method);
}

const char *
pay_method_name(souk_request_t *r, const char *method)
{
    const souk_pay_provider_t  *p = souk_pay_provider(r, method);
    const char                 *set;

    set = souk_setting(r, souk_psprintf(souk_request_pool(r),
                                           "payments.%s.name", method));
    if (set != NULL && set[0] != '\0') {
        return set;
    }
    return p != NULL ? p->name : method;
}

/* Clerks see payments and record bank receipts; managers also refund,
 * send links and set the methods up. */
static int
pay_permissions(souk_plugin_ctx_t *ctx)
{
    static const char *const  clerk[] = { "admin.access", "payments.view",
        "payments.record", NULL };
    static const char *const  manager[] = { "admin.access", "payments.view",
        "payments.record", "payments.refund", "payments.settings", NULL };

    if (souk_permission_declare(ctx, "payments.view",
            "see payments, their events and the reconciliation") != SOUK_OK
        || souk_permission_declare(ctx, "payments.record",
            "record bank transfers received, send payment links") != SOUK_OK
        || souk_permission_declare(ctx, "payments.refund",
            "refund payments") != SOUK_OK
        || souk_permission_declare(ctx, "payments.settings",
            "choose and name the site's payment methods") != SOUK_OK
        || souk_role_declare(ctx, "payments_clerk", clerk) != SOUK_OK
        || souk_role_declare(ctx, "payments_manager", manager) != SOUK_OK)
    {
        return SOUK_ERROR;
    }
    return SOUK_OK;
}

static int
payments_init(souk_plugin_ctx_t *ctx)
{
    if (sodium_init() < 0
        || pay_permissions(ctx) != SOUK_OK
        || pay_engine_init(ctx) != SOUK_OK
        || pay_offline_init(ctx) != SOUK_OK
        || pay_admin_init(ctx) != SOUK_OK)
    {
        return SOUK_ERROR;
    }
    return SOUK_OK;
}

static const char *const payments_requires[] = { "orders", NULL };

SOUK_PLUGIN(payments,
    .version  = "1.0.0",
    .requires = payments_requires,
    .init     = payments_init,
    .summary  = "payments: providers, offline methods, webhooks, refunds, "
                "payment links, reconciliation");

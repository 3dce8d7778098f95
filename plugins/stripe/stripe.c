/* The Stripe adapter: serves payment method "card" through Stripe
 * Checkout (a hosted page), its webhooks and its refunds. */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "stripe.h"

static int stripe_init(souk_plugin_ctx_t *ctx);
static void stripe_fini(souk_plugin_ctx_t *ctx);
static int stripe_webhook(souk_request_t *r, souk_pay_event_t *ev,
    char *why, size_t whylen);

static const char *const stripe_requires[] = { "payments", NULL };

SOUK_PLUGIN(stripe,
    .version  = "1.0.0",
    .requires = stripe_requires,
    .init     = stripe_init,
    .fini     = stripe_fini,
    .summary  = "stripe: card payments through Stripe Checkout");

/* Card money is taken on the hosted page before the order ships; stock is
 * held for an hour, longer than a Checkout Session normally stays open. */
static const souk_pay_provider_t  stripe_provider = {
    .method       = "card",
    .name         = "Card",
    .offsite      = 1,
    .pay_timing   = "before",
    .hold_minutes = 60,
    .start        = stripe_start,
    .confirm      = stripe_confirm,
    .capture      = stripe_capture,
    .cancel       = stripe_cancel,
    .refund       = stripe_refund,
    .webhook      = stripe_webhook,
};

static int
stripe_init(souk_plugin_ctx_t *ctx)
{
    if (stripe_http_init() != SOUK_OK) {
        return SOUK_ERROR;
    }
    if (souk_pay_provider_add(ctx, &stripe_provider) != SOUK_OK) {
        stripe_http_fini();
        return SOUK_ERROR;
    }
    return SOUK_OK;
}

static void
stripe_fini(souk_plugin_ctx_t *ctx)
{
    (void) ctx;
    stripe_http_fini();
}

/* Verifies the Stripe-Signature header with the site's signing secret,
 * then reads the event. The secret is per site: another site's secret
 * never verifies this site's events. */
static int
stripe_webhook(souk_request_t *r, souk_pay_event_t *ev, char *why,
    size_t whylen)
{
    const char  *secret = souk_setting(r, "stripe.webhook_secret");
    const char  *body;
    size_t       len;
    int          rc;

    memset(ev, 0, sizeof(*ev));
    if (secret == NULL || secret[0] == '\0') {
        souk_log(r, SOUK_LOG_WARN, "stripe: a webhook arrived but "
                 "stripe.webhook_secret is not set for this site");
        snprintf(why, whylen, "webhooks are not set up");
        return SOUK_DECLINED;
    }
    body = souk_request_body(r, &len);
    rc = stripe_sig_verify(souk_request_header(r, "Stripe-Signature"), body,
                           len, secret, (int64_t) time(NULL), why, whylen);
    if (rc != SOUK_OK) {
        souk_log(r, SOUK_LOG_INFO, "stripe: webhook refused: %s", why);
        return SOUK_DECLINED;
    }
    rc = stripe_event_read(body, len, ev, why, whylen);
    if (rc == SOUK_DECLINED) {
        souk_log(r, SOUK_LOG_INFO, "stripe: webhook refused: %s", why);
    }
    return rc;
}

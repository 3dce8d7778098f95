/* The provider's calls: a Checkout Session to start, asking about it,
 * expiring it, capturing a payment intent and refunding one. Each builds
 * a form, calls Stripe once (http.c retries) and reads the answer. */
#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include "stripe.h"

/* Stripe's ids ("cs_test_a1B2", "pi_3N...") go into URL paths: anything
 * but letters, digits and '_' could change the path, so it is refused. */
static int
stripe_id_ok(const char *id)
{
    size_t  i;

    if (id == NULL || id[0] == '\0' || strlen(id) >= 128) {
        return 0;
    }
    for (i = 0; id[i] != '\0'; i++) {
        if (!isalnum((unsigned char) id[i]) && id[i] != '_') {
            return 0;
        }
    }
    return 1;
}

/* Copies a string member of o into out (size outlen): 0 when absent, not
 * a string or too long. */
static int
stripe_get_str(const cJSON *o, const char *name, char *out, size_t outlen)
{
    const cJSON  *v = cJSON_GetObjectItemCaseSensitive(o, name);

    if (cJSON_IsObject(v)) {
        v = cJSON_GetObjectItemCaseSensitive(v, "id");
    }
    if (!cJSON_IsString(v) || strlen(v->valuestring) >= outlen) {
        out[0] = '\0';
        return 0;
    }
    memcpy(out, v->valuestring, strlen(v->valuestring) + 1);
    return 1;
}

static int64_t
stripe_get_int(const cJSON *o, const char *name)
{
    const cJSON  *v = cJSON_GetObjectItemCaseSensitive(o, name);

    return cJSON_IsNumber(v) && v->valuedouble >= 0 ? (int64_t) v->valuedouble
                                                    : 0;
}

static int
stripe_is(const cJSON *o, const char *name, const char *value)
{
    const cJSON  *v = cJSON_GetObjectItemCaseSensitive(o, name);

    return cJSON_IsString(v) && strcmp(v->valuestring, value) == 0;
}

static int
stripe_bad_answer(char *why, size_t whylen, const char *what)
{
    snprintf(why, whylen, "the card gateway's answer has no %s", what);
    return SOUK_ERROR;
}

/* The Checkout Session's form: one line for the whole order at the
 * amount the server computed (never one the browser sent), our ids in
 * metadata so every event can be matched to its payment. */
static const char *
stripe_session_form(souk_request_t *r, const souk_pay_call_t *c)
{
    stripe_form_t  f;
    char           cur[4];
    size_t         i;

    for (i = 0; i < 3; i++) {
        cur[i] = (char) tolower((unsigned char) c->currency[i]);
    }
    cur[3] = '\0';
    stripe_form_init(&f, r);
    stripe_form_add(&f, "mode", "payment");
    stripe_form_add(&f, "success_url", c->return_url);
    stripe_form_add(&f, "cancel_url", c->cancel_url);
    stripe_form_add(&f, "client_reference_id", c->order_number);
    if (c->email != NULL && c->email[0] != '\0') {
        stripe_form_add(&f, "customer_email", c->email);
    }
    stripe_form_add(&f, "line_items[0][price_data][currency]", cur);
    stripe_form_addi(&f, "line_items[0][price_data][unit_amount]", c->amount);
    stripe_form_add(&f, "line_items[0][price_data][product_data][name]",
                    c->description);
    stripe_form_add(&f, "line_items[0][quantity]", "1");
    stripe_form_addi(&f, "metadata[payment_id]", c->payment_id);
    stripe_form_add(&f, "metadata[order_number]", c->order_number);
    stripe_form_addi(&f, "payment_intent_data[metadata][payment_id]",
                     c->payment_id);
    stripe_form_add(&f, "payment_intent_data[metadata][order_number]",
                    c->order_number);
    return f.b.data;
}

int
stripe_start(souk_request_t *r, const souk_pay_call_t *c,
    souk_pay_result_t *out, char *why, size_t whylen)
{
    stripe_conf_t  cf;
    cJSON         *a;
    int            rc;

    if (c->amount <= 0 || c->currency == NULL || strlen(c->currency) != 3) {
        snprintf(why, whylen, "nothing to pay by card");
        return SOUK_DECLINED;
    }
    if ((rc = stripe_conf(r, &cf, why, whylen)) != SOUK_OK) {
        return rc;
    }
    rc = stripe_call(r, &cf, "POST", "/v1/checkout/sessions",
                     stripe_session_form(r, c), c->idem_key, &a, why,
                     whylen);
    if (rc != SOUK_OK) {
        return rc;
    }
    if (!stripe_get_str(a, "id", out->ref, sizeof(out->ref))
        || !stripe_id_ok(out->ref))
    {
        return stripe_bad_answer(why, whylen, "session id");
    }
    if (!stripe_get_str(a, "url", out->redirect, sizeof(out->redirect))
        || (strncmp(out->redirect, "https://", 8) != 0
            && strncmp(out->redirect, "http://", 7) != 0))
    {
        return stripe_bad_answer(why, whylen, "payment page");
    }
    snprintf(out->state, sizeof(out->state), "%s", SOUK_PAY_PENDING);
    out->amount = stripe_get_int(a, "amount_total");
    return SOUK_OK;
}

/* What Stripe says of the session; the state moves only by webhook. */
int
stripe_confirm(souk_request_t *r, const souk_pay_call_t *c,
    souk_pay_result_t *out, char *why, size_t whylen)
{
    stripe_conf_t  cf;
    cJSON         *a;
    int            rc;

    if (!stripe_id_ok(c->provider_ref)) {
        snprintf(why, whylen, "the payment has no Checkout Session");
        return SOUK_DECLINED;
    }
    if ((rc = stripe_conf(r, &cf, why, whylen)) != SOUK_OK) {
        return rc;
    }
    rc = stripe_call(r, &cf, "GET", souk_psprintf(souk_request_pool(r),
                     "/v1/checkout/sessions/%s", c->provider_ref), NULL,
                     NULL, &a, why, whylen);
    if (rc != SOUK_OK) {
        return rc;
    }
    snprintf(out->ref, sizeof(out->ref), "%s", c->provider_ref);
    stripe_get_str(a, "payment_intent", out->txn, sizeof(out->txn));
    out->amount = stripe_get_int(a, "amount_total");
    snprintf(out->state, sizeof(out->state), "%s",
             stripe_is(a, "payment_status", "paid") ? SOUK_PAY_CAPTURED
             : stripe_is(a, "status", "expired") ? SOUK_PAY_FAILED
             : SOUK_PAY_PENDING);
    return SOUK_OK;
}

/* Expires an open session, so its page can no longer take money. */
int
stripe_cancel(souk_request_t *r, const souk_pay_call_t *c,
    souk_pay_result_t *out, char *why, size_t whylen)
{
    stripe_conf_t  cf;
    cJSON         *a;
    int            rc;

    if (!stripe_id_ok(c->provider_ref)) {
        snprintf(why, whylen, "the payment has no Checkout Session");
        return SOUK_DECLINED;
    }
    if ((rc = stripe_conf(r, &cf, why, whylen)) != SOUK_OK) {
        return rc;
    }
    rc = stripe_call(r, &cf, "POST", souk_psprintf(souk_request_pool(r),
                     "/v1/checkout/sessions/%s/expire", c->provider_ref),
                     NULL, c->idem_key, &a, why, whylen);
    if (rc != SOUK_OK) {
        return rc;
    }
    snprintf(out->ref, sizeof(out->ref), "%s", c->provider_ref);
    snprintf(out->state, sizeof(out->state), "%s", SOUK_PAY_VOIDED);
    return SOUK_OK;
}

int
stripe_capture(souk_request_t *r, const souk_pay_call_t *c,
    souk_pay_result_t *out, char *why, size_t whylen)
{
    stripe_conf_t  cf;
    stripe_form_t  f;
    cJSON         *a;
    int            rc;

    if (!stripe_id_ok(c->provider_txn) || c->amount <= 0) {
        snprintf(why, whylen, "the payment has no payment intent to "
                 "capture");
        return SOUK_DECLINED;
    }
    if ((rc = stripe_conf(r, &cf, why, whylen)) != SOUK_OK) {
        return rc;
    }
    stripe_form_init(&f, r);
    stripe_form_addi(&f, "amount_to_capture", c->amount);
    rc = stripe_call(r, &cf, "POST", souk_psprintf(souk_request_pool(r),
                     "/v1/payment_intents/%s/capture", c->provider_txn),
                     f.b.data, c->idem_key, &a, why, whylen);
    if (rc != SOUK_OK) {
        return rc;
    }
    snprintf(out->txn, sizeof(out->txn), "%s", c->provider_txn);
    out->amount = stripe_get_int(a, "amount_received");
    snprintf(out->state, sizeof(out->state), "%s",
             stripe_is(a, "status", "succeeded") ? SOUK_PAY_CAPTURED
                                                 : SOUK_PAY_AUTHORIZED);
    return SOUK_OK;
}

/* A refund of c->amount; c->idem_key is the refund's own, so the
 * payments plugin's retries (and its job after a crash) refund once. */
int
stripe_refund(souk_request_t *r, const souk_pay_call_t *c,
    souk_pay_result_t *out, char *why, size_t whylen)
{
    stripe_conf_t  cf;
    stripe_form_t  f;
    cJSON         *a;
    int            rc;

    if (!stripe_id_ok(c->provider_txn) || c->amount <= 0) {
        snprintf(why, whylen, "the payment has no card payment to refund");
        return SOUK_DECLINED;
    }
    if ((rc = stripe_conf(r, &cf, why, whylen)) != SOUK_OK) {
        return rc;
    }
    stripe_form_init(&f, r);
    stripe_form_add(&f, "payment_intent", c->provider_txn);
    stripe_form_addi(&f, "amount", c->amount);
    stripe_form_add(&f, "metadata[reason]",
                    c->reason != NULL ? c->reason : "");
    stripe_form_addi(&f, "metadata[payment_id]", c->payment_id);
    rc = stripe_call(r, &cf, "POST", "/v1/refunds", f.b.data, c->idem_key,
                     &a, why, whylen);
    if (rc != SOUK_OK) {
        return rc;
    }
    if (!stripe_get_str(a, "id", out->txn, sizeof(out->txn))) {
        return stripe_bad_answer(why, whylen, "refund id");
    }
    out->amount = stripe_get_int(a, "amount");
    /* "pending" refunds almost always succeed and cannot be taken back:
     * the money is on its way. Only failed or canceled is a refusal. */
    if (stripe_is(a, "status", "failed") || stripe_is(a, "status",
                                                       "canceled"))
    {
        snprintf(why, whylen, "the card gateway did not refund (%s)",
                 stripe_is(a, "status", "failed") ? "failed" : "canceled");
        return SOUK_DECLINED;
    }
    out->state[0] = '\0';
    return SOUK_OK;
}

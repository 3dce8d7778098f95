/* The shopper's return page after a hosted payment page (and its "back"
 * link), and "try again". It informs only: a payment moves by webhook. */
#include <stdio.h>
#include <string.h>

#include "pay.h"


static int64_t
pay_jint(const cJSON *o, const char *key)
{
    const cJSON  *v = cJSON_GetObjectItemCaseSensitive(o, key);

    return cJSON_IsNumber(v) ? (int64_t) v->valuedouble : 0;
}

static const char *
pay_jstr(const cJSON *o, const char *key)
{
    const cJSON  *v = cJSON_GetObjectItemCaseSensitive(o, key);

    return cJSON_IsString(v) ? v->valuestring : "";
}

/* What the shopper may still pay for the payment's order: > 0 only while
 * the order waits for payment. */
static int64_t
pay_still_due(souk_request_t *r, const pay_t *p)
{
    cJSON    *o;
    int64_t   due = 0;

    if (pay_order_summary(r, p->order_id, NULL, &o) != SOUK_OK) {
        return 0;
    }
    if (strcmp(pay_jstr(o, "status"), "pending_payment") == 0) {
        due = pay_jint(o, "total") - pay_jint(o, "paid_amount");
    }
    cJSON_Delete(o);
    return due;
}

static int
pay_state_received(const char *s)
{
    return strcmp(s, SOUK_PAY_CAPTURED) == 0
           || strcmp(s, SOUK_PAY_PARTIALLY_REFUNDED) == 0
           || strcmp(s, SOUK_PAY_REFUNDED) == 0;
}

/* The state in words, and a word for the page's class. */
static const char *
pay_state_words(const pay_t *p, int cancelled, const char **cls)
{
    if (pay_state_received(p->state)) {
        *cls = "received";
        return "Payment received";
    }
    if (strcmp(p->state, SOUK_PAY_FAILED) == 0) {
        *cls = "failed";
        return "Payment failed";
    }
    if (strcmp(p->state, SOUK_PAY_VOIDED) == 0 || cancelled) {
        *cls = "cancelled";
        return "Payment cancelled";
    }
    *cls = "waiting";
    return "Waiting for the payment provider's confirmation";
}

/* Asks the provider, for the words only: "your bank confirmed". */
static const char *
pay_return_confirm(souk_request_t *r, const souk_pay_provider_t *prov,
    const pay_t *p)
{
    souk_pay_call_t    c;
    souk_pay_result_t  out;
    char               why[PAY_WHY];

    if (prov == NULL || prov->confirm == NULL || p->provider_ref[0] == '\0'
        || strcmp(p->state, SOUK_PAY_PENDING) != 0)
    {
        return NULL;
    }
    memset(&c, 0, sizeof(c));
    memset(&out, 0, sizeof(out));
    c.site = p->site;
    c.payment_id = p->id;
    c.payment_key = p->pkey;
    c.order_number = p->order_number;
    c.amount = p->amount;
    c.currency = p->currency;
    c.email = p->email;
    c.description = "";
    c.return_url = "";
    c.cancel_url = "";
    c.provider_ref = p->provider_ref;
    c.provider_txn = p->provider_txn;
    c.idem_key = "";
    c.reason = "";
    if (prov->confirm(r, &c, &out, why, sizeof(why)) == SOUK_OK
        && strcmp(out.state, SOUK_PAY_CAPTURED) == 0)
    {
        return "Your bank confirmed the payment: we are recording it. "
               "This page shows it in a moment.";
    }
    return NULL;
}

static int
pay_return_page(souk_request_t *r, void *data)
{
    souk_pool_t                *pool = souk_request_pool(r);
    const souk_pay_provider_t  *prov;
    const char                 *cls, *words, *note;
    int                         cancelled, rc;
    int64_t                     due;
    pay_t                       p;
    cJSON                      *m;

    (void) data;
    rc = pay_load_key(r, souk_request_param(r, "key"), 0, &p);
    if (rc != SOUK_OK) {
        return rc == SOUK_DECLINED ? souk_error(r, 404, "No such payment")
               : SOUK_ERROR;
    }
    prov = souk_pay_provider(r, p.method);
    cancelled = souk_request_query(r, "cancelled") != NULL;
    words = pay_state_words(&p, cancelled, &cls);
    note = cancelled ? NULL : pay_return_confirm(r, prov, &p);
    due = pay_state_received(p.state) ? 0 : pay_still_due(r, &p);
    m = souk_view_new(r, "pay_return");
    cJSON_AddStringToObject(m, "title", words);
    cJSON_AddStringToObject(m, "state_text", words);
    cJSON_AddStringToObject(m, "state_class", cls);
    cJSON_AddBoolToObject(m, "cancelled", cancelled);
    if (note != NULL) {
        cJSON_AddStringToObject(m, "confirm_note", note);
    }
    cJSON_AddStringToObject(m, "order_number", p.order_number);
    cJSON_AddStringToObject(m, "order_href", souk_psprintf(pool,
                            "%s/orders/%s", souk_site_base_path(r),
                            p.order_number));
    cJSON_AddItemToObject(m, "payment", pay_json(r, &p));
    cJSON_AddBoolToObject(m, "can_retry", due > 0 && prov != NULL
                          && prov->offsite && pay_method_enabled(r, p.method));
    cJSON_AddStringToObject(m, "retry_action", souk_psprintf(pool,
                            "%s/payments/retry/%s", souk_site_base_path(r),
                            p.pkey));
    if (!souk_request_wants_json(r)) {
        cJSON_AddStringToObject(m, "csrf_token", souk_csrf_token(r));
    }
    return 200;
}

/* The old hosted page is closed first (best effort: should it have been
 * paid meanwhile, its webhook still records it). */
static void
pay_retry_close(souk_request_t *r, const pay_t *p)
{
    const souk_pay_provider_t  *prov = souk_pay_provider(r, p->method);
    souk_pay_call_t             c;
    souk_pay_result_t           out;
    char                        why[PAY_WHY];

    if (prov == NULL || prov->cancel == NULL
        || strcmp(p->state, SOUK_PAY_PENDING) != 0
        || p->provider_ref[0] == '\0')
    {
        return;
    }
    memset(&c, 0, sizeof(c));
    c.site = p->site;
    c.payment_id = p->id;
    c.payment_key = p->pkey;
    c.order_number = p->order_number;
    c.amount = p->amount;
    c.currency = p->currency;
    c.email = p->email;
    c.description = "";
    c.return_url = "";
    c.cancel_url = "";
    c.provider_ref = p->provider_ref;
    c.provider_txn = p->provider_txn;
    c.idem_key = souk_psprintf(souk_request_pool(r), "cancel-%s", p->pkey);
    c.reason = "";
    (void) prov->cancel(r, &c, &out, why, sizeof(why));
}

static int
pay_retry(souk_request_t *r, void *data)
{
    const souk_pay_provider_t  *prov;
    char                        redirect[1024], why[PAY_WHY];
    int64_t                     due;
    pay_t                       p, np;
    cJSON                      *m;
    int                         rc;

    (void) data;
    rc = pay_load_key(r, souk_request_param(r, "key"), 0, &p);
    if (rc != SOUK_OK) {
        return rc == SOUK_DECLINED ? souk_error(r, 404, "No such payment")
               : SOUK_ERROR;
    }
    prov = souk_pay_provider(r, p.method);
    due = pay_state_received(p.state) ? 0 : pay_still_due(r, &p);
    if (due <= 0 || prov == NULL || !prov->offsite) {
        return souk_error(r, 409, "Order %s does not wait for this payment",
                          p.order_number);
    }
    pay_retry_close(r, &p);
    why[0] = '\0';
    rc = pay_begin(r, p.order_id, p.order_number, p.method, due, p.currency,
                   p.email, &np, redirect, sizeof(redirect), why,
                   sizeof(why));
    if (rc == SOUK_ERROR) {
        return SOUK_ERROR;
    }
    if (souk_request_wants_json(r)) {
        m = souk_view_new(r, "pay_return");
        cJSON_AddStringToObject(m, "redirect", redirect);
        cJSON_AddItemToObject(m, "payment", pay_json(r, &np));
        if (rc != SOUK_OK) {
            cJSON_AddStringToObject(m, "error", why);
        }
        return rc == SOUK_OK ? 201 : 502;
    }
    /* the hosted page is another origin: see souk_redirect_offsite */
    if (strncmp(redirect, "http", 4) == 0) {
        return souk_redirect_offsite(r, redirect);
    }
    return souk_redirect(r, 303, redirect);
}

int
pay_return_init(souk_plugin_ctx_t *ctx)
{
    if (souk_route_add(ctx, SOUK_GET, "/payments/return/{key:[0-9a-f]{32}}",
                       pay_return_page, NULL) != SOUK_OK
        || souk_route_name(ctx, "payments.return") != SOUK_OK
        || souk_route_add(ctx, SOUK_POST,
                          "/payments/retry/{key:[0-9a-f]{32}}", pay_retry,
                          NULL) != SOUK_OK
        || souk_route_name(ctx, "payments.retry") != SOUK_OK)
    {
        return SOUK_ERROR;
    }
    return SOUK_OK;
}

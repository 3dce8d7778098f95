/* Offering the site's payment methods at checkout and starting payments:
 * the record in one transaction, the provider's call outside any, its
 * reference stored in a second. */
#include <stdio.h>
#include <string.h>

#include "pay.h"


/* filter checkout.payment_methods: every provider this site offers. */
static int
pay_methods_filter(souk_request_t *r, cJSON *v, void *data)
{
    const souk_pay_provider_t  *p;
    cJSON                      *list, *m, *have;
    size_t                      i;
    int                         dup;

    (void) data;
    list = cJSON_GetObjectItemCaseSensitive(v, "methods");
    if (!cJSON_IsArray(list)) {
        return SOUK_OK;
    }
    for (i = 0; (p = souk_pay_provider_at(r, i)) != NULL; i++) {
        if (!pay_method_enabled(r, p->method)) {
            continue;
        }
        dup = 0;
        cJSON_ArrayForEach(have, list) {
            const cJSON  *c = cJSON_GetObjectItemCaseSensitive(have, "code");

            dup |= cJSON_IsString(c) && strcmp(c->valuestring,
                                               p->method) == 0;
        }
        if (dup || (m = cJSON_CreateObject()) == NULL) {
            continue;
        }
        cJSON_AddStringToObject(m, "code", p->method);
        cJSON_AddStringToObject(m, "name", pay_method_name(r, p->method));
        cJSON_AddBoolToObject(m, "offsite", p->offsite);
        cJSON_AddStringToObject(m, "pay_timing", p->pay_timing != NULL
                                ? p->pay_timing : "before");
        cJSON_AddNumberToObject(m, "hold_minutes", p->hold_minutes);
        cJSON_AddItemToArray(list, m);
    }
    return SOUK_OK;
}

typedef struct {
    souk_request_t  *r;
    int64_t          order_id;
    const char      *number;
    const char      *method;
    int64_t          amount;
    const char      *currency;
    const char      *email;
    pay_t           *p;
    const souk_pay_result_t *res;   /* tx2: the provider's answer */
    int              ok;             /* tx2: the provider said yes */
    const char      *why;            /* tx2: its refusal */
    int              offsite;
} pay_begin_t;

static int
pay_begin_tx1(souk_db_t *db, void *arg)
{
    pay_begin_t  *b = arg;

    (void) db;
    return pay_create(b->r, b->order_id, b->number, b->method, b->amount,
                      b->currency, b->email, b->p);
}

static int
pay_fire_started(pay_begin_t *b)
{
    cJSON  *ev = cJSON_CreateObject();
    int     rc;

    if (ev == NULL) {
        return SOUK_ERROR;
    }
    cJSON_AddNumberToObject(ev, "payment_id", (double) b->p->id);
    cJSON_AddStringToObject(ev, "method", b->p->method);
    cJSON_AddNumberToObject(ev, "order_id", (double) b->p->order_id);
    cJSON_AddStringToObject(ev, "number", b->p->order_number);
    cJSON_AddNumberToObject(ev, "amount", (double) b->p->amount);
    cJSON_AddStringToObject(ev, "currency", b->p->currency);
    cJSON_AddStringToObject(ev, "ref", b->p->provider_ref);
    cJSON_AddStringToObject(ev, "reference", b->p->reference);
    rc = souk_action_run(b->r, "payment.started", ev);
    cJSON_Delete(ev);
    return rc;
}

/* Stores the provider's reference (an offline method's is also what the
 * payer quotes) and records "started", or fails the payment. */
static int
pay_begin_tx2(souk_db_t *db, void *arg)
{
    pay_begin_t   *b = arg;
    pay_change_t   c;
    char           why[PAY_WHY];
    const char    *ref = b->res->ref;
    int            rc;

    rc = pay_load(b->r, b->p->id, 1, b->p);
    if (rc != SOUK_OK) {
        return SOUK_ERROR;
    }
    memset(&c, 0, sizeof(c));
    if (!b->ok) {
        c.to = SOUK_PAY_FAILED;
        c.kind = "started";
        c.note = b->why;
        return pay_apply(b->r, b->p, &c, why, sizeof(why));
    }
    if (souk_db_exec(db, "UPDATE payments SET provider_ref = ?, reference = "
                     "?, updated_at = ? WHERE id = ? AND site_id = ?",
                     "ttiit", ref, !b->offsite && strlen(ref) <= 40 ? ref
                     : "", pay_now(), b->p->id, b->p->site) != SOUK_OK)
    {
        return SOUK_ERROR;
    }
    snprintf(b->p->provider_ref, sizeof(b->p->provider_ref), "%s", ref);
    /* what an offline payer quotes; a longer ref is no reference */
    if (!b->offsite && strlen(ref) < sizeof(b->p->reference)) {
        memcpy(b->p->reference, ref, strlen(ref) + 1);
    }
    c.kind = "started";
    c.ref = ref;
    c.note = b->offsite ? "Sent to the payment page" : "Awaiting payment";
    if ((rc = pay_apply(b->r, b->p, &c, why, sizeof(why))) != SOUK_OK) {
        return rc;
    }
    return pay_fire_started(b);
}

/* The provider's call for a new payment, outside any transaction. */
static int
pay_begin_call(souk_request_t *r, const souk_pay_provider_t *prov,
    const pay_t *p, souk_pay_result_t *res, char *why, size_t whylen)
{
    souk_pool_t     *pool = souk_request_pool(r);
    souk_pay_call_t  c;
    const char      *ret;

    memset(res, 0, sizeof(*res));
    if (prov->start == NULL) {
        return SOUK_OK;
    }
    ret = souk_psprintf(pool, "%s/payments/return/%s", pay_base_url(r),
                        p->pkey);
    memset(&c, 0, sizeof(c));
    c.site = p->site;
    c.payment_id = p->id;
    c.payment_key = p->pkey;
    c.order_number = p->order_number;
    c.amount = p->amount;
    c.currency = p->currency;
    c.email = p->email;
    c.description = souk_psprintf(pool, "Order %s", p->order_number);
    c.return_url = ret;
    c.cancel_url = souk_psprintf(pool, "%s?cancelled=1", ret);
    c.provider_ref = "";
    c.provider_txn = "";
    c.idem_key = souk_psprintf(pool, "start-%s", p->pkey);
    c.reason = "";
    why[0] = '\0';
    return prov->start(r, &c, res, why, whylen);
}

int
pay_begin(souk_request_t *r, int64_t order_id, const char *number,
    const char *method, int64_t amount, const char *currency,
    const char *email, pay_t *p, char *redirect, size_t redirlen,
    char *why, size_t whylen)
{
    const souk_pay_provider_t  *prov = souk_pay_provider(r, method);
    pay_begin_t                 b = { r, order_id, number, method, amount,
                                      currency, email, p, NULL, 0, NULL, 0 };
    souk_pay_result_t           res;
    int                         rc;

    if (redirect != NULL && redirlen > 0) {
        redirect[0] = '\0';
    }
    if (prov == NULL || !pay_method_enabled(r, method)) {
        return pay_decline(why, whylen, "Payment method %s is not offered",
                           method);
    }
    if (amount <= 0) {
        return pay_decline(why, whylen, "Nothing to pay");
    }
    b.offsite = prov->offsite;
    if ((rc = souk_db_tx(souk_db(r), pay_begin_tx1, &b)) != SOUK_OK) {
        return rc == SOUK_DECLINED ? rc : SOUK_ERROR;
    }
    rc = pay_begin_call(r, prov, p, &res, why, whylen);
    if (rc != SOUK_OK && why[0] == '\0') {
        pay_decline(why, whylen, "The payment provider could not be "
                    "reached: please try again");
    }
    if (rc == SOUK_OK && prov->offsite && res.redirect[0] == '\0') {
        rc = pay_decline(why, whylen, "The payment provider gave no "
                         "payment page");
    }
    b.res = &res;
    b.ok = rc == SOUK_OK;
    b.why = why;
    souk_log(r, b.ok ? SOUK_LOG_INFO : SOUK_LOG_WARN, "payment %lld (%s) "
             "for order %s %s", (long long) p->id, method, number,
             b.ok ? "started" : "refused at start");
    if (souk_db_tx(souk_db(r), pay_begin_tx2, &b) != SOUK_OK) {
        return SOUK_ERROR;
    }
    if (redirect != NULL) {
        snprintf(redirect, redirlen, "%s", b.ok ? res.redirect
                 : souk_psprintf(souk_request_pool(r), "%s/payments/return/"
                                 "%s", souk_site_base_path(r), p->pkey));
    }
    return b.ok ? SOUK_OK : SOUK_DECLINED;
}

/* filter order.payment_start, after the order's commit: a method with a
 * provider begins its payment here; others (pay_later) are orders'. */
static int
pay_start_filter(souk_request_t *r, cJSON *v, void *data)
{
    const cJSON  *m = cJSON_GetObjectItemCaseSensitive(v, "payment_method");
    const cJSON  *id = cJSON_GetObjectItemCaseSensitive(v, "order_id");
    const cJSON  *num = cJSON_GetObjectItemCaseSensitive(v, "number");
    const cJSON  *tot = cJSON_GetObjectItemCaseSensitive(v, "total");
    const cJSON  *cur = cJSON_GetObjectItemCaseSensitive(v, "currency");
    const cJSON  *em = cJSON_GetObjectItemCaseSensitive(v, "email");
    char          redirect[1024], why[PAY_WHY];
    pay_t         p;
    int           rc;

    (void) data;
    if (!cJSON_IsString(m) || souk_pay_provider(r, m->valuestring) == NULL
        || !cJSON_IsNumber(id) || !cJSON_IsString(num)
        || !cJSON_IsNumber(tot) || !cJSON_IsString(cur))
    {
        return SOUK_OK;
    }
    why[0] = '\0';
    rc = pay_begin(r, (int64_t) id->valuedouble, num->valuestring,
                   m->valuestring, (int64_t) tot->valuedouble,
                   cur->valuestring, cJSON_IsString(em) ? em->valuestring
                   : "", &p, redirect, sizeof(redirect), why, sizeof(why));
    if (rc == SOUK_ERROR) {
        return SOUK_ERROR;
    }
    if (redirect[0] != '\0') {
        cJSON_ReplaceItemInObjectCaseSensitive(v, "redirect",
            cJSON_CreateString(redirect));
    }
    return SOUK_OK;
}

int
pay_start_init(souk_plugin_ctx_t *ctx)
{
    if (souk_filter_add(ctx, "checkout.payment_methods", pay_methods_filter,
                        NULL, SOUK_PRIO_MIDDLE) != SOUK_OK
        || souk_filter_add(ctx, "order.payment_start", pay_start_filter,
                           NULL, SOUK_PRIO_MIDDLE) != SOUK_OK)
    {
        return SOUK_ERROR;
    }
    return SOUK_OK;
}

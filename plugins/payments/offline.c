/* The offline methods: cash on delivery and bank transfer as providers,
 * and cash on delivery's money, counted when the order is delivered. */
#include <stdio.h>
#include <string.h>

#include "pay.h"

/* The other parts of the offline methods (bank.c, link.c, link_page.c);
 * declared here because only pay_offline_init calls them. */

/* Nothing to start: the driver collects the cash at the door. */
static int
pay_cod_start(souk_request_t *r, const souk_pay_call_t *c,
    souk_pay_result_t *out, char *why, size_t whylen)
{
    (void) r;
    (void) c;
    (void) why;
    (void) whylen;
    out->ref[0] = '\0';
    out->redirect[0] = '\0';
    return SOUK_OK;
}

/* A prefix the payer can type into a transfer's reference line: upper-case
 * letters, digits and '-', at most 20, so prefix + number fits the
 * reference column (40). */
static int
pay_bank_prefix_ok(const char *s)
{
    size_t  n = 0;

    for (; s[n] != '\0'; n++) {
        if (!((s[n] >= 'A' && s[n] <= 'Z') || (s[n] >= '0' && s[n] <= '9')
              || s[n] == '-'))
        {
            return 0;
        }
    }
    return n > 0 && n <= 20;
}

/* The reference the payer quotes on the transfer: "SOUK-" and the order
 * number, so staff matching a bank statement find the order at once. */
static int
pay_bank_start(souk_request_t *r, const souk_pay_call_t *c,
    souk_pay_result_t *out, char *why, size_t whylen)
{
    const char  *prefix = souk_setting(r, "payments.bank_transfer.prefix");

    (void) why;
    (void) whylen;
    if (prefix == NULL || !pay_bank_prefix_ok(prefix)) {
        prefix = "SOUK-";
    }
    snprintf(out->ref, sizeof(out->ref), "%s%s", prefix, c->order_number);
    out->redirect[0] = '\0';
    return SOUK_OK;
}

static const souk_pay_provider_t  pay_cod_provider = {
    .method = "cod",
    .name = "Cash on delivery",
    .offsite = 0,
    .pay_timing = "on_delivery",
    .hold_minutes = 0,
    .start = pay_cod_start,
};

static const souk_pay_provider_t  pay_bank_provider = {
    .method = "bank_transfer",
    .name = "Bank transfer",
    .offsite = 0,
    .pay_timing = "before",
    .hold_minutes = 0,
    .start = pay_bank_start,
};

static int64_t
pay_ev_int(const cJSON *ev, const char *key)
{
    const cJSON  *v = cJSON_GetObjectItemCaseSensitive(ev, key);

    return cJSON_IsNumber(v) ? (int64_t) v->valuedouble : 0;
}

/* The order's open payments of method, oldest first (at most n). */
static int
pay_open_ids(souk_request_t *r, int64_t order_id, const char *method,
    int64_t *ids, size_t n, size_t *found)
{
    souk_stmt_t  *st;
    int           rc;

    *found = 0;
    st = souk_db_prepare(souk_db(r), "SELECT id FROM payments WHERE site_id "
                         "= ? AND order_id = ? AND method = ? AND state = "
                         "'pending' ORDER BY id");
    if (st == NULL
        || souk_stmt_bind_text(st, 1, souk_site_id(r), -1) != SOUK_OK
        || souk_stmt_bind_int(st, 2, order_id) != SOUK_OK
        || souk_stmt_bind_text(st, 3, method, -1) != SOUK_OK)
    {
        return SOUK_ERROR;
    }
    while ((rc = souk_stmt_step(st)) == SOUK_ROW && *found < n) {
        ids[(*found)++] = souk_stmt_int(st, 0);
    }
    souk_stmt_reset(st);
    return rc == SOUK_ERROR ? SOUK_ERROR : SOUK_OK;
}

static const char *
pay_obj_str(const cJSON *o, const char *key)
{
    const cJSON  *v = cJSON_GetObjectItemCaseSensitive(o, key);

    return cJSON_IsString(v) ? v->valuestring : "";
}

/* A COD order with no open payment (its start failed, or it was placed
 * before the plugin was on) still gets its cash recorded: a payment made
 * now, inside the delivery's transaction. SOUK_DECLINED: not COD. */
static int
pay_cod_create(souk_request_t *r, const cJSON *ev, int64_t due, pay_t *p)
{
    cJSON  *o = NULL;
    int     rc;

    if ((rc = pay_order_summary(r, pay_ev_int(ev, "order_id"), NULL, &o))
        != SOUK_OK)
    {
        return rc;
    }
    if (strcmp(pay_obj_str(o, "payment_method"), "cod") != 0) {
        cJSON_Delete(o);
        return SOUK_DECLINED;
    }
    rc = pay_create(r, pay_ev_int(ev, "order_id"), pay_obj_str(o, "number"),
                    "cod", due, pay_obj_str(o, "currency"),
                    pay_obj_str(o, "email"), p);
    cJSON_Delete(o);
    return rc;
}

/* The payment to capture on delivery: the open COD one, its amount set
 * to what the order owes now (the order may have changed since it was
 * placed), or a new one. SOUK_DECLINED: not a COD order. */
static int
pay_cod_payment(souk_request_t *r, const cJSON *ev, int64_t due, pay_t *p)
{
    int64_t  ids[1];
    size_t   n;

    if (pay_open_ids(r, pay_ev_int(ev, "order_id"), "cod", ids, 1, &n)
        != SOUK_OK)
    {
        return SOUK_ERROR;
    }
    if (n == 0) {
        return pay_cod_create(r, ev, due, p);
    }
    if (pay_load(r, ids[0], 1, p) != SOUK_OK) {
        return SOUK_ERROR;
    }
    if (p->amount - p->captured != due) {
        if (souk_db_exec(souk_db(r), "UPDATE payments SET amount = ? WHERE "
                         "id = ? AND state = 'pending'", "ii",
                         p->captured + due, p->id) != SOUK_OK)
        {
            return SOUK_ERROR;
        }
        p->amount = p->captured + due;
    }
    return SOUK_OK;
}

/* order.delivered, inside orders' transaction: the driver brought back the
 * cash, so the COD payment is captured with what the order still owes.
 * Orders then counts it as paid (payment.received) and allows completed.
 * Any failure rolls the delivery back: the two go together. */
static int
pay_cod_delivered(souk_request_t *r, const cJSON *ev, void *data)
{
    int64_t       due;
    pay_t         p;
    pay_change_t  c;
    char          why[PAY_WHY];
    int           rc;

    (void) data;
    due = pay_ev_int(ev, "total") - pay_ev_int(ev, "paid_amount");
    if (due <= 0) {
        return SOUK_OK;
    }
    rc = pay_cod_payment(r, ev, due, &p);
    if (rc != SOUK_OK) {
        return rc == SOUK_DECLINED ? SOUK_OK : SOUK_ERROR;
    }
    memset(&c, 0, sizeof(c));
    c.to = SOUK_PAY_CAPTURED;
    c.received = due;
    c.kind = "received";
    c.note = "cash collected on delivery";
    c.actor = pay_ev_int(ev, "actor");
    if (pay_apply(r, &p, &c, why, sizeof(why)) != SOUK_OK) {
        souk_log(r, SOUK_LOG_ERROR, "order %s: cash on delivery not "
                 "recorded: %s", p.order_number, why);
        return SOUK_ERROR;
    }
    return SOUK_OK;
}

/* order.cancelled, inside orders' transaction: the order's open offline
 * payments that hold no money are voided (nobody will pay them now). A
 * bank transfer partly received stays open: that money goes back by a
 * refund, which the engine starts from the cancellation. */
static int
pay_offline_cancelled(souk_request_t *r, const cJSON *ev, void *data)
{
    static const char *const  methods[] = { "cod", "bank_transfer", NULL };
    int64_t                   ids[16];
    size_t                    n, i, k;
    pay_t                     p;
    pay_change_t              c;
    char                      why[PAY_WHY];

    (void) data;
    memset(&c, 0, sizeof(c));
    c.to = SOUK_PAY_VOIDED;
    c.kind = "note";
    c.note = "the order was cancelled";
    c.actor = pay_ev_int(ev, "actor");
    for (k = 0; methods[k] != NULL; k++) {
        if (pay_open_ids(r, pay_ev_int(ev, "order_id"), methods[k], ids, 16,
                         &n) != SOUK_OK)
        {
            return SOUK_ERROR;
        }
        for (i = 0; i < n; i++) {
            if (pay_load(r, ids[i], 1, &p) != SOUK_OK) {
                return SOUK_ERROR;
            }
            if (p.captured > 0) {
                continue;
            }
            if (pay_apply(r, &p, &c, why, sizeof(why)) != SOUK_OK) {
                souk_log(r, SOUK_LOG_ERROR, "payment %lld not voided: %s",
                         (long long) p.id, why);
                return SOUK_ERROR;
            }
        }
    }
    return SOUK_OK;
}

int
pay_offline_init(souk_plugin_ctx_t *ctx)
{
    if (souk_pay_provider_add(ctx, &pay_cod_provider) != SOUK_OK
        || souk_pay_provider_add(ctx, &pay_bank_provider) != SOUK_OK
        || souk_action_add(ctx, "order.delivered", pay_cod_delivered, NULL,
                           SOUK_PRIO_MIDDLE) != SOUK_OK
        || souk_action_add(ctx, "order.cancelled", pay_offline_cancelled,
                           NULL, SOUK_PRIO_MIDDLE) != SOUK_OK
        || pay_bank_init(ctx) != SOUK_OK
        || pay_link_init(ctx) != SOUK_OK
        || pay_link_page_init(ctx) != SOUK_OK)
    {
        return SOUK_ERROR;
    }
    return SOUK_OK;
}

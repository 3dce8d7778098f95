/* Refunds: reserved in one transaction, asked of the provider outside any,
 * settled in a second; the job that finishes what a crash or an outage
 * left pending; refunds owed when an order is cancelled or changed. */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "pay.h"


/* A pending refund the job may take at once (made by an order hook, no
 * request is calling the provider for it); others wait this long, so the
 * job never races the request that is asking the provider right now. */
#define PAY_REFUND_QUEUED  "queued"
#define PAY_REFUND_STALE   60

typedef struct {
    int64_t  id;
    int64_t  payment_id;
    int64_t  amount;
    int64_t  actor;
    char     reason[501];
} pay_refund_row_t;

typedef struct {
    souk_request_t  *r;
    int64_t          payment_id;
    int64_t          amount;
    const char      *reason;
    const char      *why_init;    /* the row's why: "" or "queued" */
    int64_t          actor;
    int64_t          refund_id;
    char            *why;
    size_t           whylen;
} pay_reserve_t;

/* Step 1 (also the hooks'): a pending row, its amount reserved so two
 * refunds at once can never give back more than was captured. */
static int
pay_refund_reserve(pay_reserve_t *v, pay_t *p)
{
    souk_db_t  *db = souk_db(v->r);
    int64_t     now = pay_now();

    if (strcmp(p->state, SOUK_PAY_CAPTURED) != 0
        && strcmp(p->state, SOUK_PAY_PARTIALLY_REFUNDED) != 0)
    {
        return pay_decline(v->why, v->whylen, "Payment %" PRId64 " is %s: "
                           "only a received payment can be refunded", p->id,
                           p->state);
    }
    if (v->amount <= 0
        || v->amount > p->captured - p->refunded - p->refund_pending)
    {
        return pay_decline(v->why, v->whylen, "At most %" PRId64 " (minor "
                           "units) of payment %" PRId64 " can be refunded",
                           p->captured - p->refunded - p->refund_pending,
                           p->id);
    }
    if (souk_db_exec(db, "UPDATE payments SET refund_pending = "
                     "refund_pending + ?, updated_at = ? WHERE id = ? AND "
                     "site_id = ? AND captured - refunded - refund_pending "
                     ">= ?", "iiiti", v->amount, now, p->id, p->site,
                     v->amount) != SOUK_OK)
    {
        return SOUK_ERROR;
    }
    if (souk_db_changes(db) != 1) {
        return pay_decline(v->why, v->whylen, "The payment changed meanwhile:"
                           " try again");
    }
    p->refund_pending += v->amount;
    if (souk_db_exec(db, "INSERT INTO payment_refunds (site_id, payment_id, "
                     "order_id, amount, currency, reason, state, why, actor, "
                     "created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, "
                     "'pending', ?, ?, ?, ?)", "tiiitt" "tiii", p->site,
                     p->id, p->order_id, v->amount, p->currency, v->reason,
                     v->why_init, v->actor, now, now) != SOUK_OK)
    {
        return SOUK_ERROR;
    }
    v->refund_id = souk_db_last_id(db);
    return SOUK_OK;
}

static int
pay_refund_tx1(souk_db_t *db, void *arg)
{
    pay_reserve_t  *v = arg;
    pay_t           p;
    int             rc;

    (void) db;
    rc = pay_load(v->r, v->payment_id, 1, &p);
    if (rc != SOUK_OK) {
        return rc == SOUK_DECLINED
               ? pay_decline(v->why, v->whylen, "No such payment") : rc;
    }
    return pay_refund_reserve(v, &p);
}

typedef struct {
    souk_request_t          *r;
    const pay_refund_row_t  *row;
    int                      outcome;   /* provider: SOUK_OK, DECLINED, ERROR */
    const char              *txn;
    const char              *why;
    int                      settled;   /* this run settled the row */
} pay_settle_t;

static int
pay_refund_load(souk_request_t *r, int64_t id, pay_refund_row_t *row)
{
    souk_stmt_t  *st;

    st = souk_db_row(souk_db(r), "SELECT id, payment_id, amount, actor, "
                     "reason FROM payment_refunds WHERE id = ? AND site_id = "
                     "? AND state = 'pending'", "it", id, souk_site_id(r));
    if (st == NULL) {
        return souk_db_error(souk_db(r))[0] == '\0' ? SOUK_DECLINED
               : SOUK_ERROR;
    }
    row->id = souk_stmt_int(st, 0);
    row->payment_id = souk_stmt_int(st, 1);
    row->amount = souk_stmt_int(st, 2);
    row->actor = souk_stmt_int(st, 3);
    snprintf(row->reason, sizeof(row->reason), "%s", souk_stmt_text(st, 4));
    souk_stmt_reset(st);
    return SOUK_OK;
}

/* The provider gave the money back: the row, the reservation, the move
 * and the mail, together. */
static int
pay_settle_ok(pay_settle_t *s, pay_t *p)
{
    const pay_refund_row_t  *row = s->row;
    pay_change_t             c;
    char                     why[PAY_WHY];
    int                      rc;

    if (souk_db_exec(souk_db(s->r), "UPDATE payments SET refund_pending = "
                     "refund_pending - ? WHERE id = ? AND site_id = ?",
                     "iit", row->amount, p->id, p->site) != SOUK_OK)
    {
        return SOUK_ERROR;
    }
    p->refund_pending -= row->amount;
    memset(&c, 0, sizeof(c));
    c.to = p->refunded + row->amount >= p->captured ? SOUK_PAY_REFUNDED
           : SOUK_PAY_PARTIALLY_REFUNDED;
    c.refunded = row->amount;
    c.kind = "refund";
    c.ref = s->txn;
    c.note = row->reason;
    c.actor = row->actor;
    c.refund_id = row->id;
    c.reason = row->reason;
    if ((rc = pay_apply(s->r, p, &c, why, sizeof(why))) != SOUK_OK) {
        souk_log(s->r, SOUK_LOG_ERROR, "refund %" PRId64 ": %s", row->id,
                 rc == SOUK_DECLINED ? why : "could not be recorded");
        return SOUK_ERROR;
    }
    return pay_mail(s->r, p, "refund", row->amount, row->reason, NULL);
}

/* The provider refused: the row failed, the reservation released. */
static int
pay_settle_failed(pay_settle_t *s, pay_t *p)
{
    pay_change_t  c;
    char          why[PAY_WHY], note[400];

    if (souk_db_exec(souk_db(s->r), "UPDATE payments SET refund_pending = "
                     "refund_pending - ? WHERE id = ? AND site_id = ?",
                     "iit", s->row->amount, p->id, p->site) != SOUK_OK)
    {
        return SOUK_ERROR;
    }
    p->refund_pending -= s->row->amount;
    snprintf(note, sizeof(note), "Refund refused: %s", s->why);
    memset(&c, 0, sizeof(c));
    c.kind = "refund";
    c.note = note;
    c.actor = s->row->actor;
    c.refund_id = s->row->id;
    return pay_apply(s->r, p, &c, why, sizeof(why));
}

static int
pay_refund_tx3(souk_db_t *db, void *arg)
{
    pay_settle_t  *s = arg;
    const char    *state = s->outcome == SOUK_OK ? "succeeded"
                           : s->outcome == SOUK_DECLINED ? "failed"
                           : "pending";
    pay_t          p;
    int            rc;

    s->settled = 0;
    /* conditional on pending: the job and a request settle a row once */
    if (souk_db_exec(db, "UPDATE payment_refunds SET state = ?, provider_txn "
                     "= ?, why = ?, attempts = attempts + 1, updated_at = ? "
                     "WHERE id = ? AND site_id = ? AND state = 'pending'",
                     "tttiit", state, s->txn, s->why, pay_now(), s->row->id,
                     souk_site_id(s->r)) != SOUK_OK)
    {
        return SOUK_ERROR;
    }
    if (souk_db_changes(db) != 1 || s->outcome == SOUK_ERROR) {
        return SOUK_OK;
    }
    s->settled = 1;
    if ((rc = pay_load(s->r, s->row->payment_id, 1, &p)) != SOUK_OK) {
        return SOUK_ERROR;
    }
    return s->outcome == SOUK_OK ? pay_settle_ok(s, &p)
           : pay_settle_failed(s, &p);
}

/* Steps 2 and 3 for one pending row: the provider's refund (idempotency
 * key "refund-ID", so asking again refunds once), then its outcome. */
static int
pay_refund_finish(souk_request_t *r, int64_t refund_id, char *why,
    size_t whylen)
{
    const souk_pay_provider_t  *prov;
    pay_refund_row_t            row;
    souk_pay_call_t             c;
    souk_pay_result_t           out;
    pay_settle_t                s;
    pay_t                       p;
    int                         rc;

    if ((rc = pay_refund_load(r, refund_id, &row)) != SOUK_OK
        || (rc = pay_load(r, row.payment_id, 0, &p)) != SOUK_OK)
    {
        return rc == SOUK_DECLINED ? SOUK_OK : rc;   /* settled already */
    }
    prov = souk_pay_provider(r, p.method);
    memset(&out, 0, sizeof(out));
    why[0] = '\0';
    rc = SOUK_OK;
    if (prov != NULL && prov->refund != NULL) {
        memset(&c, 0, sizeof(c));
        c.site = p.site;
        c.payment_id = p.id;
        c.payment_key = p.pkey;
        c.order_number = p.order_number;
        c.amount = row.amount;
        c.currency = p.currency;
        c.email = p.email;
        c.description = souk_psprintf(souk_request_pool(r), "Order %s",
                                      p.order_number);
        c.return_url = "";
        c.cancel_url = "";
        c.provider_ref = p.provider_ref;
        c.provider_txn = p.provider_txn;
        c.idem_key = souk_psprintf(souk_request_pool(r), "refund-%" PRId64,
                                   row.id);
        c.reason = row.reason;
        rc = prov->refund(r, &c, &out, why, whylen);
    } else if (prov == NULL) {
        /* the method's plugin is off for the site: try again later */
        snprintf(why, whylen, "The %s provider is off", p.method);
        rc = SOUK_ERROR;
    }
    if (rc != SOUK_OK && why[0] == '\0') {
        snprintf(why, whylen, "%s", rc == SOUK_DECLINED ? "refused"
                 : "The payment provider could not be reached");
    }
    souk_log(r, rc == SOUK_OK ? SOUK_LOG_INFO : SOUK_LOG_WARN, "refund %"
             PRId64 " of payment %" PRId64 ": %s", row.id, p.id,
             rc == SOUK_OK ? "done" : rc == SOUK_DECLINED ? "refused"
             : "provider unreachable, retried later");
    s.r = r;
    s.row = &row;
    s.outcome = rc == SOUK_OK || rc == SOUK_DECLINED ? rc : SOUK_ERROR;
    s.txn = out.txn;
    s.why = rc == SOUK_OK ? "" : why;
    if (souk_db_tx(souk_db(r), pay_refund_tx3, &s) != SOUK_OK) {
        return SOUK_ERROR;
    }
    return s.outcome;
}

int
pay_refund(souk_request_t *r, int64_t payment_id, int64_t amount,
    const char *reason, int64_t actor, int64_t *refund_id, char *why,
    size_t whylen)
{
    pay_reserve_t  v = { r, payment_id, amount, reason, "", actor, 0, why,
                         whylen };
    int            rc;

    if (refund_id != NULL) {
        *refund_id = 0;
    }
    if (reason == NULL || reason[0] == '\0') {
        return pay_decline(why, whylen, "A refund needs a reason");
    }
    if ((rc = souk_db_tx(souk_db(r), pay_refund_tx1, &v)) != SOUK_OK) {
        return rc;
    }
    if (refund_id != NULL) {
        *refund_id = v.refund_id;
    }
    return pay_refund_finish(r, v.refund_id, why, whylen);
}

/* Job payments.refunds: pending refunds nobody is asking for now. */
static int
pay_refund_job(souk_request_t *r, void *data)
{
    souk_stmt_t  *st;
    int64_t       ids[32];
    size_t        n = 0, i;
    char          why[PAY_WHY];
    int           rc;

    (void) data;
    st = souk_db_prepare(souk_db(r), "SELECT id FROM payment_refunds WHERE "
                         "site_id = ? AND state = 'pending' AND (why = ? OR "
                         "updated_at <= ?) ORDER BY id");
    if (st == NULL) {
        return SOUK_ERROR;
    }
    souk_stmt_bind_text(st, 1, souk_site_id(r), -1);
    souk_stmt_bind_text(st, 2, PAY_REFUND_QUEUED, -1);
    souk_stmt_bind_int(st, 3, pay_now() - PAY_REFUND_STALE);
    while (n < sizeof(ids) / sizeof(ids[0])
           && (rc = souk_stmt_step(st)) == SOUK_ROW)
    {
        ids[n++] = souk_stmt_int(st, 0);
    }
    souk_stmt_reset(st);
    for (i = 0; i < n; i++) {
        /* a refusal is recorded on the row; the next one still runs */
        if (pay_refund_finish(r, ids[i], why, sizeof(why)) == SOUK_ERROR) {
            souk_log(r, SOUK_LOG_WARN, "refund %" PRId64 " stays pending",
                     ids[i]);
        }
    }
    return SOUK_OK;
}

/* Inside orders' transaction: refunds of amount against the order's
 * received payments, oldest first, queued for the job. */
static int
pay_refund_owed(souk_request_t *r, int64_t order_id, int64_t amount,
    const char *reason)
{
    cJSON         *list = pay_list_for_order(r, order_id, 0), *it;
    pay_reserve_t  v;
    pay_t          p;
    char           why[PAY_WHY];
    int64_t        left = amount, take;
    int            n, i, rc;

    if (list == NULL) {
        return SOUK_ERROR;
    }
    n = cJSON_GetArraySize(list);
    for (i = n - 1; i >= 0 && left > 0; i--) {     /* the list is newest first */
        it = cJSON_GetArrayItem(list, i);
        rc = pay_load(r, (int64_t) cJSON_GetObjectItem(it, "id")->valuedouble,
                      1, &p);
        if (rc == SOUK_ERROR) {
            cJSON_Delete(list);
            return SOUK_ERROR;
        }
        take = p.captured - p.refunded - p.refund_pending;
        if (rc != SOUK_OK || take <= 0) {
            continue;
        }
        take = take < left ? take : left;
        memset(&v, 0, sizeof(v));
        v.r = r;
        v.amount = take;
        v.reason = reason;
        v.why_init = PAY_REFUND_QUEUED;
        v.why = why;
        v.whylen = sizeof(why);
        if ((rc = pay_refund_reserve(&v, &p)) == SOUK_ERROR) {
            cJSON_Delete(list);
            return SOUK_ERROR;
        }
        left -= rc == SOUK_OK ? take : 0;
    }
    cJSON_Delete(list);
    return SOUK_OK;
}

static int
pay_refund_cancelled(souk_request_t *r, const cJSON *ev, void *data)
{
    const cJSON  *amt = cJSON_GetObjectItemCaseSensitive(ev, "refund");
    const cJSON  *why = cJSON_GetObjectItemCaseSensitive(ev, "reason");
    const cJSON  *id = cJSON_GetObjectItemCaseSensitive(ev, "order_id");

    (void) data;
    if (!cJSON_IsNumber(amt) || amt->valuedouble <= 0 || !cJSON_IsNumber(id)) {
        return SOUK_OK;
    }
    return pay_refund_owed(r, (int64_t) id->valuedouble,
        (int64_t) amt->valuedouble, souk_psprintf(souk_request_pool(r),
        "Order cancelled: %.440s", cJSON_IsString(why)
        && why->valuestring[0] != '\0' ? why->valuestring
        : "no reason given"));
}

static int
pay_refund_changed(souk_request_t *r, const cJSON *ev, void *data)
{
    const cJSON  *amt = cJSON_GetObjectItemCaseSensitive(ev, "refund_due");
    const cJSON  *id = cJSON_GetObjectItemCaseSensitive(ev, "order_id");

    (void) data;
    if (!cJSON_IsNumber(amt) || amt->valuedouble <= 0 || !cJSON_IsNumber(id)) {
        return SOUK_OK;
    }
    return pay_refund_owed(r, (int64_t) id->valuedouble,
                           (int64_t) amt->valuedouble, "Order changed");
}

int
pay_refund_init(souk_plugin_ctx_t *ctx)
{
    if (souk_action_add(ctx, "order.cancelled", pay_refund_cancelled, NULL,
                        SOUK_PRIO_MIDDLE) != SOUK_OK
        || souk_action_add(ctx, "order.changed", pay_refund_changed, NULL,
                           SOUK_PRIO_MIDDLE) != SOUK_OK
        || souk_job_add(ctx, "payments.refunds", 10, pay_refund_job, NULL)
           != SOUK_OK)
    {
        return SOUK_ERROR;
    }
    return SOUK_OK;
}

/* POST /webhooks/payments/{method}: a provider's verified event, applied
 * in one transaction with its event id, so a replay or a retry changes
 * nothing and an event out of order moves nothing backwards. */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "pay.h"


typedef struct {
    souk_request_t          *r;
    const char              *method;
    const souk_pay_event_t  *ev;
    int                      status;      /* the HTTP answer */
    const char              *answer;      /* "processed", "duplicate", ... */
    char                     flag[256];
} pay_hook_t;

/* A move the event does not make, recorded for staff all the same. */
static int
pay_hook_record(pay_hook_t *h, pay_t *p, const char *kind, const char *note,
    const char *flag)
{
    pay_change_t  c;
    char          why[PAY_WHY];

    memset(&c, 0, sizeof(c));
    c.event_id = h->ev->event_id;
    c.kind = kind;
    c.type = h->ev->type;
    c.ref = h->ev->ref[0] != '\0' ? h->ev->ref : h->ev->txn;
    c.note = note;
    c.flag = flag;
    return pay_apply(h->r, p, &c, why, sizeof(why));
}

static void
pay_hook_money(char *buf, size_t len, int64_t minor, const char *cur)
{
    char  num[40];

    if (souk_money_format(num, sizeof(num), minor, cur) != SOUK_OK) {
        snprintf(num, sizeof(num), "%" PRId64, minor);
    }
    snprintf(buf, len, "%s %s", num, cur);
}

/* Money in: the amount and currency must be what is still due. */
static int
pay_hook_money_in(pay_hook_t *h, pay_t *p)
{
    const souk_pay_event_t  *ev = h->ev;
    int64_t                  due = p->amount - p->captured;
    pay_change_t             c;
    char                     got[64], want[64], why[PAY_WHY];

    if (strcmp(ev->currency, p->currency) != 0 || ev->amount != due) {
        pay_hook_money(got, sizeof(got), ev->amount, ev->currency);
        pay_hook_money(want, sizeof(want), due, p->currency);
        snprintf(h->flag, sizeof(h->flag), "amount mismatch: got %s, "
                 "expected %s", got, want);
        h->status = 422;
        h->answer = "flagged";
        return pay_hook_record(h, p, "flag", h->flag, h->flag);
    }
    memset(&c, 0, sizeof(c));
    c.to = ev->state;
    c.received = strcmp(ev->state, SOUK_PAY_CAPTURED) == 0 ? ev->amount : 0;
    c.event_id = ev->event_id;
    c.kind = "webhook";
    c.type = ev->type;
    c.ref = ev->ref[0] != '\0' ? ev->ref : ev->txn;
    c.txn = ev->txn;
    c.note = c.received > 0 ? "Payment received" : "Payment authorized";
    return pay_apply(h->r, p, &c, why, sizeof(why));
}

static int
pay_hook_find(pay_hook_t *h, pay_t *p)
{
    int  rc = SOUK_DECLINED;

    if (h->ev->payment_id > 0) {
        rc = pay_load(h->r, h->ev->payment_id, 1, p);
        /* a payment of another method is not this event's */
        if (rc == SOUK_OK && strcmp(p->method, h->method) != 0) {
            rc = SOUK_DECLINED;
        }
    } else if (h->ev->ref[0] != '\0') {
        rc = pay_load_ref(h->r, h->method, h->ev->ref, 1, p);
    }
    return rc;
}

static int
pay_hook_tx(souk_db_t *db, void *arg)
{
    pay_hook_t              *h = arg;
    const souk_pay_event_t  *ev = h->ev;
    pay_t                    p;
    pay_change_t             c;
    char                     note[160], why[PAY_WHY];
    int                      rc;

    (void) db;
    h->status = 200;
    h->answer = "processed";
    h->flag[0] = '\0';
    if ((rc = pay_hook_find(h, &p)) != SOUK_OK) {
        h->status = 404;
        return rc;
    }
    if (ev->state[0] == '\0' || strcmp(ev->state, p.state) == 0) {
        rc = pay_hook_record(h, &p, "webhook", "recorded", NULL);
    } else if (!souk_pay_move_ok(p.state, ev->state)) {
        snprintf(note, sizeof(note), "out of order: %s after %s, ignored",
                 ev->state, p.state);
        h->answer = "ignored";
        rc = pay_hook_record(h, &p, "webhook", note, NULL);
    } else if (strcmp(ev->state, SOUK_PAY_CAPTURED) == 0
               || strcmp(ev->state, SOUK_PAY_AUTHORIZED) == 0)
    {
        rc = pay_hook_money_in(h, &p);
    } else {
        memset(&c, 0, sizeof(c));
        c.to = ev->state;
        c.event_id = ev->event_id;
        c.kind = "webhook";
        c.type = ev->type;
        c.ref = ev->ref[0] != '\0' ? ev->ref : ev->txn;
        c.note = strcmp(ev->state, SOUK_PAY_FAILED) == 0 ? "Payment failed"
                 : "Payment cancelled";
        rc = pay_apply(h->r, &p, &c, why, sizeof(why));
    }
    if (rc == SOUK_DONE) {
        h->status = 200;
        h->answer = "duplicate";
        return SOUK_OK;              /* nothing was written: commit nothing */
    }
    return rc;
}

/* The answer as JSON whatever the client's Accept says: a gateway reads
 * only the status, people debugging read the body. */
static int
pay_hook_answer(souk_request_t *r, int status, cJSON *m)
{
    char  *text = cJSON_PrintUnformatted(m);
    char  *copy;

    cJSON_Delete(m);
    if (text == NULL) {
        return SOUK_ERROR;
    }
    copy = souk_pstrdup(souk_request_pool(r), text);
    cJSON_free(text);
    souk_response_body(r, "application/json", copy, strlen(copy));
    return status;
}

static int
pay_hook_error(souk_request_t *r, int status, const char *msg)
{
    cJSON  *m = cJSON_CreateObject();

    cJSON_AddStringToObject(m, "error", msg);
    return pay_hook_answer(r, status, m);
}

static int
pay_webhook(souk_request_t *r, void *data)
{
    const char                 *method = souk_request_param(r, "method");
    const souk_pay_provider_t  *prov = souk_pay_provider(r, method);
    souk_pay_event_t            ev;
    pay_hook_t                  h;
    cJSON                      *m;
    char                        why[PAY_WHY];
    int                         rc;

    (void) data;
    /* the provider being on is enough: a method taken off the site's
     * list still hears about the payments it started */
    if (prov == NULL || prov->webhook == NULL) {
        return pay_hook_error(r, 404, "No such payment method");
    }
    memset(&ev, 0, sizeof(ev));
    why[0] = '\0';
    rc = prov->webhook(r, &ev, why, sizeof(why));
    if (rc == SOUK_DECLINED || rc == SOUK_ERROR) {
        souk_log(r, SOUK_LOG_INFO, "webhook %s refused: %s", method,
                 why[0] != '\0' ? why : "unreadable");
        return pay_hook_error(r, 400, why[0] != '\0' ? why
                              : "The event could not be read");
    }
    if (rc == SOUK_DONE) {
        souk_log(r, SOUK_LOG_INFO, "webhook %s event %s (%s) ignored",
                 method, ev.event_id, ev.type);
        m = cJSON_CreateObject();
        cJSON_AddBoolToObject(m, "received", 1);
        cJSON_AddBoolToObject(m, "ignored", 1);
        return pay_hook_answer(r, 200, m);
    }
    if (ev.state[0] != '\0' && !souk_pay_state_ok(ev.state)) {
        return pay_hook_error(r, 400, "The event names no payment state");
    }
    h.r = r;
    h.method = method;
    h.ev = &ev;
    rc = souk_db_tx(souk_db(r), pay_hook_tx, &h);
    souk_log(r, SOUK_LOG_INFO, "webhook %s event %s (%s) payment %" PRId64
             " ref %s: %s", method, ev.event_id, ev.type, ev.payment_id,
             ev.ref, rc == SOUK_OK ? h.answer : h.status == 404
             ? "no such payment" : "failed");
    if (h.status == 404 && rc != SOUK_OK) {
        return pay_hook_error(r, 404, "No such payment");
    }
    if (rc != SOUK_OK) {
        return SOUK_ERROR;           /* 500: the provider sends it again */
    }
    if (h.status == 422) {
        return pay_hook_error(r, 422, h.flag);
    }
    m = cJSON_CreateObject();
    cJSON_AddBoolToObject(m, "received", 1);
    cJSON_AddStringToObject(m, "event_id", ev.event_id);
    if (strcmp(h.answer, "duplicate") == 0) {
        cJSON_AddBoolToObject(m, "duplicate", 1);
    } else if (strcmp(h.answer, "ignored") == 0) {
        cJSON_AddBoolToObject(m, "ignored", 1);
    }
    return pay_hook_answer(r, 200, m);
}

int
pay_webhook_init(souk_plugin_ctx_t *ctx)
{
    if (souk_route_add(ctx, SOUK_POST, "/webhooks/payments/"
                       "{method:[a-z][a-z0-9_]*}", pay_webhook, NULL)
        != SOUK_OK
        || souk_route_flags(ctx, SOUK_ROUTE_NO_CSRF) != SOUK_OK
        || souk_route_name(ctx, "payments.webhook") != SOUK_OK)
    {
        return SOUK_ERROR;
    }
    return SOUK_OK;
}

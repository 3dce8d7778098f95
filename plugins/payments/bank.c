/* Bank transfer: the details mail when the payment starts, staff recording
 * the money received (in parts or at once), and the reminder job for
 * transfers that have not come in. */
#include <stdio.h>
#include <string.h>

#include "pay.h"


#define PAY_NOTE_MAX  500

static const char *
pay_bank_money(souk_request_t *r, int64_t minor, const char *cur)
{
    char  buf[40];

    if (souk_money_format(buf, sizeof(buf), minor, cur) != SOUK_OK) {
        snprintf(buf, sizeof(buf), "%lld", (long long) minor);
    }
    return souk_psprintf(souk_request_pool(r), "%s %s", buf, cur);
}

/* payment.started, inside the engine's transaction that stores the
 * reference: the payer gets the bank details with it. */
static int
pay_bank_started(souk_request_t *r, const cJSON *ev, void *data)
{
    const cJSON  *m = cJSON_GetObjectItemCaseSensitive(ev, "method");
    const cJSON  *id = cJSON_GetObjectItemCaseSensitive(ev, "payment_id");
    pay_t         p;

    (void) data;
    if (!cJSON_IsString(m) || strcmp(m->valuestring, "bank_transfer") != 0
        || !cJSON_IsNumber(id))
    {
        return SOUK_OK;
    }
    if (pay_load(r, (int64_t) id->valuedouble, 0, &p) != SOUK_OK) {
        return SOUK_ERROR;
    }
    /* the mail itself carries the account and the reference */
    return pay_mail(r, &p, "bank_details", p.amount - p.captured, NULL,
                    NULL);
}

/* ---- recording money received ---- */

typedef struct {
    souk_request_t  *r;
    int64_t          id;
    int64_t          amount;
    const char      *note;
    int64_t          actor;
    char            *why;
    size_t           whylen;
} pay_receive_t;

static int
pay_receive_tx(souk_db_t *db, void *arg)
{
    pay_receive_t  *a = arg;
    pay_t           p;
    pay_change_t    c;
    int64_t         due;
    int             rc;

    (void) db;
    if ((rc = pay_load(a->r, a->id, 1, &p)) != SOUK_OK) {
        return rc == SOUK_DECLINED
               ? pay_decline(a->why, a->whylen, "No such payment") : rc;
    }
    if (strcmp(p.method, "bank_transfer") != 0
        || strcmp(p.state, SOUK_PAY_PENDING) != 0)
    {
        return pay_decline(a->why, a->whylen, "Payment %lld is not an open "
                           "bank transfer", (long long) p.id);
    }
    due = p.amount - p.captured;
    if (a->amount > due) {
        return pay_decline(a->why, a->whylen, "That is more than the %s "
                           "still due", pay_bank_money(a->r, due,
                                                       p.currency));
    }
    memset(&c, 0, sizeof(c));
    /* captured only once the whole amount is in; a part keeps it open */
    c.to = a->amount == due ? SOUK_PAY_CAPTURED : NULL;
    c.received = a->amount;
    c.kind = "received";
    c.note = a->note != NULL && a->note[0] != '\0' ? a->note
             : "bank transfer received";
    c.actor = a->actor;
    return pay_apply(a->r, &p, &c, a->why, a->whylen);
}

int
pay_bank_receive(souk_request_t *r, int64_t payment_id, int64_t amount,
    const char *note, int64_t actor, char *why, size_t whylen)
{
    pay_receive_t  a = { r, payment_id, amount, note, actor, why, whylen };

    if (amount <= 0) {
        return pay_decline(why, whylen, "The amount received must be more "
                           "than 0");
    }
    return souk_db_tx(souk_db(r), pay_receive_tx, &a);
}

/* ---- the routes ---- */

/* Text from staff: trimmed of nothing, at most max bytes, no control
 * characters but line breaks and tabs. NULL when refused. */
static const char *
pay_bank_note(const char *s)
{
    const unsigned char  *p;

    if (s == NULL) {
        return "";
    }
    if (strlen(s) > PAY_NOTE_MAX) {
        return NULL;
    }
    for (p = (const unsigned char *) s; *p != '\0'; p++) {
        if ((*p < 0x20 && *p != '\n' && *p != '\r' && *p != '\t')
            || *p == 0x7f)
        {
            return NULL;
        }
    }
    return s;
}

/* The payment named by the route's {id} on this site, or 0. */
static int
pay_bank_param(souk_request_t *r, pay_t *p)
{
    int64_t  id;

    if (souk_int_parse(souk_request_param(r, "id"), 1, INT64_MAX, &id)
        != SOUK_OK || pay_load(r, id, 0, p) != SOUK_OK)
    {
        return 0;
    }
    return 1;
}

/* POST /admin/payments/{id}/receive: the back office's form (amount as
 * money text, note). Every outcome goes back to the order's payments page
 * with a message. */
static int
pay_bank_receive_form(souk_request_t *r, void *data)
{
    const char  *text = souk_request_form(r, "amount");
    const char  *note = pay_bank_note(souk_request_form(r, "note"));
    char         why[PAY_WHY] = "";
    int64_t      amount;
    pay_t        p;
    int          rc;

    (void) data;
    if ((rc = souk_ui_guard(r, NULL, "payments.record")) != 0) {
        return rc;
    }
    if (!pay_bank_param(r, &p)) {
        return souk_error(r, 404, "there is no such payment");
    }
    if (text == NULL || souk_money_parse(text, p.currency, &amount)
        != SOUK_OK)
    {
        pay_decline(why, sizeof(why), "Amount: a sum like 12.50 in %s",
                    p.currency);
        rc = SOUK_DECLINED;
    } else if (note == NULL) {
        rc = pay_decline(why, sizeof(why), "Note: at most %d characters, "
                         "no control characters", PAY_NOTE_MAX);
    } else {
        rc = pay_bank_receive(r, p.id, amount, note, souk_user_id(r), why,
                              sizeof(why));
    }
    if (rc == SOUK_OK) {
        souk_ui_flash_next(r, "ok", souk_psprintf(souk_request_pool(r),
                           "Recorded %s received for order %s",
                           pay_bank_money(r, amount, p.currency),
                           p.order_number));
    } else if (rc == SOUK_DECLINED) {
        souk_ui_flash_next(r, "error", why);
    } else {
        return SOUK_ERROR;
    }
    return souk_redirect(r, 303, souk_psprintf(souk_request_pool(r),
                         "%s/admin/payments/orders/%s",
                         souk_site_base_path(r), p.order_number));
}

/* POST /api/v1/staff/payments/{id}/receipts {"amount": minor, "note"}. */
static int
pay_bank_receive_api(souk_request_t *r, void *data)
{
    const cJSON  *j = souk_request_json(r), *a, *n;
    const char   *note = "";
    char          why[PAY_WHY] = "";
    int64_t       amount;
    pay_t         p;
    int           rc;

    (void) data;
    if (!pay_bank_param(r, &p)) {
        return souk_error(r, 404, "no such payment");
    }
    if (!cJSON_IsObject(j)) {
        return souk_error(r, 400, "send a JSON object "
                          "(Content-Type: application/json)");
    }
    a = cJSON_GetObjectItemCaseSensitive(j, "amount");
    n = cJSON_GetObjectItemCaseSensitive(j, "note");
    if (a == NULL || souk_json_int(a, INT64_MIN + 1, INT64_MAX, &amount)
        != SOUK_OK)
    {
        return souk_error(r, 400, "amount is a whole number of minor units "
                          "(1250 for 12.50 %s)", p.currency);
    }
    if (n != NULL && !cJSON_IsNull(n)
        && (!cJSON_IsString(n) || (note = pay_bank_note(n->valuestring))
                                  == NULL))
    {
        return souk_error(r, 400, "note is text of at most %d characters",
                          PAY_NOTE_MAX);
    }
    rc = pay_bank_receive(r, p.id, amount, note, souk_user_id(r), why,
                          sizeof(why));
    if (rc == SOUK_DECLINED) {
        return souk_error(r, 422, "%s", why);
    }
    if (rc != SOUK_OK || pay_load(r, p.id, 0, &p) != SOUK_OK) {
        return SOUK_ERROR;
    }
    cJSON_AddItemToObject(souk_view_new(r, "pay_payment"), "payment",
                          pay_json(r, &p));
    return 201;
}

/* ---- the reminder job ---- */

typedef struct {
    souk_request_t  *r;
    int64_t          id;
} pay_remind_t;

/* Claims the reminder (reminded_at IS NULL in the update itself) and
 * queues the mail in the same transaction: a second run, or a second
 * host, finds nothing to claim. */
static int
pay_remind_tx(souk_db_t *db, void *arg)
{
    pay_remind_t  *a = arg;
    pay_t          p;
    int64_t        now = pay_now();

    if (souk_db_exec(db, "UPDATE payments SET reminded_at = ?, updated_at = "
                     "? WHERE id = ? AND site_id = ? AND method = "
                     "'bank_transfer' AND state = 'pending' AND reminded_at "
                     "IS NULL", "iiit", now, now, a->id,
                     souk_site_id(a->r)) != SOUK_OK)
    {
        return SOUK_ERROR;
    }
    if (souk_db_changes(db) != 1) {
        return SOUK_OK;
    }
    if (pay_load(a->r, a->id, 0, &p) != SOUK_OK) {
        return SOUK_ERROR;
    }
    return pay_mail(a->r, &p, "bank_reminder", p.amount - p.captured, NULL,
                    NULL);
}

/* Bank transfers still open after payments.bank_transfer.reminder_days
 * (default 7) and never reminded: one reminder each, each in its own
 * transaction so one failure keeps none of the others back. */
static int
pay_bank_reminders(souk_request_t *r, void *data)
{
    souk_db_t     *db = souk_db(r);
    souk_stmt_t   *st;
    const char    *set = souk_setting(r, "payments.bank_transfer."
                                      "reminder_days");
    int64_t        days = 7, ids[100];
    size_t         n = 0, i;
    int            rc, failed = 0;

    (void) data;
    if (set != NULL && set[0] != '\0'
        && souk_int_parse(set, 1, 365, &days) != SOUK_OK)
    {
        days = 7;
    }
    st = souk_db_prepare(db, "SELECT id FROM payments WHERE site_id = ? AND "
                         "method = 'bank_transfer' AND state = 'pending' AND "
                         "reminded_at IS NULL AND created_at < ? ORDER BY id "
                         "LIMIT 100");
    if (st == NULL || souk_stmt_bind_text(st, 1, souk_site_id(r), -1)
                      != SOUK_OK
        || souk_stmt_bind_int(st, 2, pay_now() - days * 86400) != SOUK_OK)
    {
        return SOUK_ERROR;
    }
    while ((rc = souk_stmt_step(st)) == SOUK_ROW && n < 100) {
        ids[n++] = souk_stmt_int(st, 0);
    }
    souk_stmt_reset(st);
    if (rc == SOUK_ERROR) {
        return SOUK_ERROR;
    }
    for (i = 0; i < n; i++) {
        pay_remind_t  a = { r, ids[i] };

        if (souk_db_tx(db, pay_remind_tx, &a) != SOUK_OK) {
            failed = 1;
        }
    }
    return failed ? SOUK_ERROR : SOUK_OK;
}

int
pay_bank_init(souk_plugin_ctx_t *ctx)
{
    if (souk_action_add(ctx, "payment.started", pay_bank_started, NULL,
                        SOUK_PRIO_MIDDLE) != SOUK_OK
        || souk_route_add(ctx, SOUK_POST, "/admin/payments/{id:[0-9]+}/"
                          "receive", pay_bank_receive_form, NULL) != SOUK_OK
        || souk_route_add(ctx, SOUK_POST, "/api/v1/staff/payments/"
                          "{id:[0-9]+}/receipts", pay_bank_receive_api, NULL)
           != SOUK_OK
        || souk_route_permission(ctx, "payments.record") != SOUK_OK
        || souk_job_add(ctx, "payments.bank_reminders", 300,
                        pay_bank_reminders, NULL) != SOUK_OK)
    {
        return SOUK_ERROR;
    }
    return SOUK_OK;
}

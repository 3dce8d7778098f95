/* Payment links (pay later): staff or the system send an order's buyer a
 * link to pay what is still due; the link is closed once the order is paid
 * in full or cancelled. The shopper's page is link_page.c. */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "pay.h"


#define PAY_LINK_NOTE_MAX  500
#define PAY_NUMBER_RE      "{number:[0-9A-Z]{10}}"

static int64_t
pay_link_int(const cJSON *o, const char *key)
{
    const cJSON  *v = cJSON_GetObjectItemCaseSensitive(o, key);

    return cJSON_IsNumber(v) ? (int64_t) v->valuedouble : 0;
}

static const char *
pay_link_str(const cJSON *o, const char *key)
{
    const cJSON  *v = cJSON_GetObjectItemCaseSensitive(o, key);

    return cJSON_IsString(v) ? v->valuestring : "";
}

static const char *
pay_link_money(souk_request_t *r, int64_t minor, const char *cur)
{
    char  buf[40];

    if (souk_money_format(buf, sizeof(buf), minor, cur) != SOUK_OK) {
        snprintf(buf, sizeof(buf), "%lld", (long long) minor);
    }
    return souk_psprintf(souk_request_pool(r), "%s %s", buf, cur);
}

static const char *
pay_link_time(souk_request_t *r, int64_t t)
{
    time_t     tt = (time_t) t;
    struct tm  tm;
    char       buf[32];

    if (gmtime_r(&tt, &tm) == NULL) {
        return "";
    }
    strftime(buf, sizeof(buf), "%Y-%m-%dT%H:%M:%SZ", &tm);
    return souk_pstrdup(souk_request_pool(r), buf);
}

/* One link to create: the token is made before the transaction, so a
 * retried attempt stores the hash of the very token it mails. */
typedef struct {
    souk_request_t  *r;
    const char      *number;
    int64_t          amount;        /* 0: what is still due */
    const char      *note;
    int64_t          actor;
    char             token[49];
    /* out */
    int              status;        /* HTTP status of a refusal */
    int64_t          due_amount;    /* what the link asks for */
    int64_t          expires_at;
    char             currency[4];
    char            *url;
    size_t           urllen;
    char            *why;
    size_t           whylen;
} pay_link_new_t;

static int
pay_link_refuse(pay_link_new_t *a, int status, const char *msg)
{
    a->status = status;
    return pay_decline(a->why, a->whylen, "%s", msg);
}

/* The row and the mail, inside the caller's transaction. */
static int
pay_link_write(pay_link_new_t *a, const cJSON *o)
{
    souk_request_t  *r = a->r;
    const char      *set = souk_setting(r, "payments.link_days");
    int64_t          days = 14, now = pay_now();
    char             hash[65];
    pay_t            p;

    if (set != NULL && set[0] != '\0'
        && souk_int_parse(set, 1, 365, &days) != SOUK_OK)
    {
        days = 14;
    }
    a->expires_at = now + days * 86400;
    pay_hash_hex(a->token, hash);
    if (souk_db_exec(souk_db(r), "INSERT INTO payment_links (site_id, "
                     "token_hash, order_id, order_number, amount, currency, "
                     "email, note, state, created_by, created_at, "
                     "expires_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'open', ?, "
                     "?, ?)", "ttiti" "ttt" "iii", souk_site_id(r), hash,
                     pay_link_int(o, "order_id"), pay_link_str(o, "number"),
                     a->due_amount, a->currency, pay_link_str(o, "email"),
                     a->note, a->actor, now, a->expires_at) != SOUK_OK)
    {
        return SOUK_ERROR;
    }
    snprintf(a->url, a->urllen, "%s/pay/%s", pay_base_url(r), a->token);
    /* the mail is about the order: a payment-shaped record of it */
    memset(&p, 0, sizeof(p));
    p.order_id = pay_link_int(o, "order_id");
    p.amount = a->due_amount;
    p.created_at = now;
    snprintf(p.site, sizeof(p.site), "%s", souk_site_id(r));
    snprintf(p.order_number, sizeof(p.order_number), "%s",
             pay_link_str(o, "number"));
    snprintf(p.method, sizeof(p.method), "link");
    snprintf(p.state, sizeof(p.state), "%s", SOUK_PAY_PENDING);
    snprintf(p.currency, sizeof(p.currency), "%s", a->currency);
    snprintf(p.email, sizeof(p.email), "%s", pay_link_str(o, "email"));
    return pay_mail(r, &p, "link", a->due_amount, a->note, a->url);
}

/* Checks the order (this site's, not cancelled, not paid in full) and the
 * amount (0 < amount <= due), then writes. Inside a transaction. */
static int
pay_link_new(pay_link_new_t *a)
{
    cJSON       *o = NULL;
    int64_t      due;
    const char  *status;
    int          rc;

    rc = pay_order_summary(a->r, 0, a->number, &o);
    if (rc != SOUK_OK) {
        return rc == SOUK_DECLINED ? pay_link_refuse(a, 404, "No such "
                                                     "order") : rc;
    }
    status = pay_link_str(o, "status");
    due = pay_link_int(o, "total") - pay_link_int(o, "paid_amount");
    snprintf(a->currency, sizeof(a->currency), "%s",
             pay_link_str(o, "currency"));
    if (strcmp(status, "cancelled") == 0) {
        rc = pay_link_refuse(a, 409, "The order is cancelled: there is "
                             "nothing to pay");
    } else if (due <= 0) {
        rc = pay_link_refuse(a, 409, "The order is paid in full already");
    } else if (a->amount < 0 || a->amount > due) {
        a->status = 422;
        rc = pay_decline(a->why, a->whylen, "Amount: more than 0 and at "
                         "most the %s still due",
                         pay_link_money(a->r, due, a->currency));
    } else {
        a->due_amount = a->amount > 0 ? a->amount : due;
        rc = pay_link_write(a, o);
    }
    cJSON_Delete(o);
    return rc;
}

static int
pay_link_tx(souk_db_t *db, void *arg)
{
    (void) db;
    return pay_link_new(arg);
}

static void
pay_link_prepare(pay_link_new_t *a, souk_request_t *r, const char *number,
    int64_t amount, const char *note, int64_t actor, char *url,
    size_t urllen, char *why, size_t whylen)
{
    memset(a, 0, sizeof(*a));
    a->r = r;
    a->number = number;
    a->amount = amount;
    a->note = note != NULL ? note : "";
    a->actor = actor;
    a->url = url;
    a->urllen = urllen;
    a->why = why;
    a->whylen = whylen;
    a->status = 500;
    pay_random_hex(a->token, 24);
}

int
pay_link_send(souk_request_t *r, const char *number, int64_t amount,
    const char *note, int64_t actor, char *url, size_t urllen, char *why,
    size_t whylen)
{
    pay_link_new_t  a;

    pay_link_prepare(&a, r, number, amount, note, actor, url, urllen, why,
                     whylen);
    return souk_db_tx(souk_db(r), pay_link_tx, &a);
}

/* ---- the staff routes ---- */

static const char *
pay_link_note_ok(const char *s)
{
    const unsigned char  *p;

    if (s == NULL) {
        return "";
    }
    if (strlen(s) > PAY_LINK_NOTE_MAX) {
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

/* The order's currency, or NULL when there is no such order here. */
static const char *
pay_link_currency(souk_request_t *r, const char *number)
{
    cJSON       *o = NULL;
    const char  *cur;

    if (pay_order_summary(r, 0, number, &o) != SOUK_OK) {
        return NULL;
    }
    cur = souk_pstrdup(souk_request_pool(r), pay_link_str(o, "currency"));
    cJSON_Delete(o);
    return cur;
}

/* POST /admin/payments/orders/{number}/link: amount (money text, empty:
 * what is still due) and note; back to the order's payments page with a
 * message either way. */
static int
pay_link_form(souk_request_t *r, void *data)
{
    const char      *number = souk_request_param(r, "number");
    const char      *text = souk_request_form(r, "amount");
    const char      *note = pay_link_note_ok(souk_request_form(r, "note"));
    const char      *cur;
    char             why[PAY_WHY] = "", url[512];
    int64_t          amount = 0;
    pay_link_new_t   a;
    int              rc;

    (void) data;
    memset(&a, 0, sizeof(a));
    if ((rc = souk_ui_guard(r, NULL, "payments.record")) != 0) {
        return rc;
    }
    if ((cur = pay_link_currency(r, number)) == NULL) {
        return souk_error(r, 404, "there is no such order");
    }
    if (text != NULL && text[0] != '\0'
        && (souk_money_parse(text, cur, &amount) != SOUK_OK || amount == 0))
    {
        rc = pay_decline(why, sizeof(why), "Amount: a sum like 12.50 in %s,"
                         " or empty for all that is due", cur);
    } else if (note == NULL) {
        rc = pay_decline(why, sizeof(why), "Note: at most %d characters, "
                         "no control characters", PAY_LINK_NOTE_MAX);
    } else {
        pay_link_prepare(&a, r, number, amount, note, souk_user_id(r), url,
                         sizeof(url), why, sizeof(why));
        rc = souk_db_tx(souk_db(r), pay_link_tx, &a);
    }
    if (rc == SOUK_OK) {
        souk_ui_flash_next(r, "ok", souk_psprintf(souk_request_pool(r),
                           "Payment link for %s sent: %s",
                           pay_link_money(r, a.due_amount, a.currency),
                           url));
    } else if (rc == SOUK_DECLINED) {
        souk_ui_flash_next(r, "error", why);
    } else {
        return SOUK_ERROR;
    }
    return souk_redirect(r, 303, souk_psprintf(souk_request_pool(r),
                         "%s/admin/payments/orders/%s",
                         souk_site_base_path(r), number));
}

/* POST /api/v1/staff/orders/{number}/payment-links {"amount"?, "note"?}
 * → 201 {"url","amount","currency","expires_at"}. */
static int
pay_link_api(souk_request_t *r, void *data)
{
    const cJSON     *j = souk_request_json(r), *av, *nv;
    const char      *note = "";
    char             why[PAY_WHY] = "", url[512];
    int64_t          amount = 0;
    pay_link_new_t   a;
    cJSON           *m;
    int              rc;

    (void) data;
    if (!cJSON_IsObject(j)) {
        return souk_error(r, 400, "send a JSON object "
                          "(Content-Type: application/json)");
    }
    av = cJSON_GetObjectItemCaseSensitive(j, "amount");
    nv = cJSON_GetObjectItemCaseSensitive(j, "note");
    if (av != NULL && !cJSON_IsNull(av)
        && (souk_json_int(av, 1, INT64_MAX, &amount) != SOUK_OK))
    {
        return souk_error(r, cJSON_IsNumber(av) && av->valuedouble <= 0
                          ? 422 : 400, "amount is a whole number of minor "
                          "units, more than 0 (or absent: all that is due)");
    }
    if (nv != NULL && !cJSON_IsNull(nv)
        && (!cJSON_IsString(nv)
            || (note = pay_link_note_ok(nv->valuestring)) == NULL))
    {
        return souk_error(r, 400, "note is text of at most %d characters",
                          PAY_LINK_NOTE_MAX);
    }
    pay_link_prepare(&a, r, souk_request_param(r, "number"), amount, note,
                     souk_user_id(r), url, sizeof(url), why, sizeof(why));
    rc = souk_db_tx(souk_db(r), pay_link_tx, &a);
    if (rc == SOUK_DECLINED) {
        return souk_error(r, a.status, "%s", why);
    }
    if (rc != SOUK_OK) {
        return SOUK_ERROR;
    }
    m = souk_view_new(r, "pay_link_sent");
    cJSON_AddStringToObject(m, "url", url);
    cJSON_AddNumberToObject(m, "amount", (double) a.due_amount);
    cJSON_AddStringToObject(m, "currency", a.currency);
    cJSON_AddStringToObject(m, "expires_at", pay_link_time(r, a.expires_at));
    return 201;
}

/* ---- hooks ---- */

static int
pay_link_yes(const char *v)
{
    return v != NULL && (strcmp(v, "yes") == 0 || strcmp(v, "true") == 0
                         || strcmp(v, "1") == 0 || strcmp(v, "on") == 0);
}

/* order.placed with orders' own "pay later" and payments.pay_later.
 * send_link = yes: the link and its mail go with the order, in its
 * transaction (no network). An order with nothing to pay gets none. */
static int
pay_link_placed(souk_request_t *r, const cJSON *ev, void *data)
{
    pay_link_new_t  a;
    char            why[PAY_WHY], url[512];
    int             rc;

    (void) data;
    if (strcmp(pay_link_str(ev, "payment_method"), "pay_later") != 0
        || !pay_link_yes(souk_setting(r, "payments.pay_later.send_link")))
    {
        return SOUK_OK;
    }
    pay_link_prepare(&a, r, pay_link_str(ev, "number"), 0,
                     "Pay for your order when it suits you.", 0, url,
                     sizeof(url), why, sizeof(why));
    rc = pay_link_new(&a);
    return rc == SOUK_DECLINED ? SOUK_OK : rc;
}

/* payment.received, after orders counted it (SOUK_PRIO_LATE): the link
 * whose payment now holds its amount is paid (a partial link too), and
 * once the order is paid in full all its open links are done. */
static int
pay_link_received(souk_request_t *r, const cJSON *ev, void *data)
{
    souk_db_t  *db = souk_db(r);
    cJSON      *o = NULL;
    int64_t     id = pay_link_int(ev, "order_id");
    int         rc, paid;

    (void) data;
    if (souk_db_exec(db, "UPDATE payment_links SET state = 'paid' WHERE "
                     "site_id = ? AND payment_id = ? AND state = 'open' AND "
                     "amount <= ?", "tii", souk_site_id(r),
                     pay_link_int(ev, "payment_id"),
                     pay_link_int(ev, "captured")) != SOUK_OK)
    {
        return SOUK_ERROR;
    }
    if ((rc = pay_order_summary(r, id, NULL, &o)) != SOUK_OK) {
        return rc == SOUK_DECLINED ? SOUK_OK : rc;
    }
    paid = pay_link_int(o, "paid_amount") >= pay_link_int(o, "total");
    cJSON_Delete(o);
    if (!paid) {
        return SOUK_OK;
    }
    return souk_db_exec(db, "UPDATE payment_links SET state = 'paid' WHERE "
                        "site_id = ? AND order_id = ? AND state = 'open'",
                        "ti", souk_site_id(r), id);
}

/* order.cancelled: nothing is left to pay through its links. */
static int
pay_link_cancelled(souk_request_t *r, const cJSON *ev, void *data)
{
    (void) data;
    return souk_db_exec(souk_db(r), "UPDATE payment_links SET state = "
                        "'cancelled' WHERE site_id = ? AND order_id = ? AND "
                        "state = 'open'", "ti", souk_site_id(r),
                        pay_link_int(ev, "order_id"));
}

int
pay_link_init(souk_plugin_ctx_t *ctx)
{
    if (souk_route_add(ctx, SOUK_POST, "/admin/payments/orders/"
                       PAY_NUMBER_RE "/link", pay_link_form, NULL)
        != SOUK_OK
        || souk_route_add(ctx, SOUK_POST, "/api/v1/staff/orders/"
                          PAY_NUMBER_RE "/payment-links", pay_link_api, NULL)
           != SOUK_OK
        || souk_route_permission(ctx, "payments.record") != SOUK_OK
        || souk_action_add(ctx, "order.placed", pay_link_placed, NULL,
                           SOUK_PRIO_LATE) != SOUK_OK
        || souk_action_add(ctx, "payment.received", pay_link_received, NULL,
                           SOUK_PRIO_LATE) != SOUK_OK
        || souk_action_add(ctx, "order.cancelled", pay_link_cancelled, NULL,
                           SOUK_PRIO_MIDDLE) != SOUK_OK)
    {
        return SOUK_ERROR;
    }
    return SOUK_OK;
}

/* A payment's record: loading it (always site-checked), its JSON, creating
 * it, and pay_apply, the one place its state and money change. */
#include <stdio.h>
#include <string.h>

#include "pay.h"

#define PAY_COLS "SELECT id, order_id, amount, captured, refunded, " \
    "refund_pending, created_at, site_id, pkey, order_number, method, " \
    "state, currency, provider_ref, provider_txn, reference, email, flag " \
    "FROM payments WHERE "

static void
pay_copy(char *dst, size_t len, const char *src)
{
    snprintf(dst, len, "%s", src != NULL ? src : "");
}

static void
pay_read(souk_stmt_t *st, pay_t *p)
{
    memset(p, 0, sizeof(*p));
    p->id = souk_stmt_int(st, 0);
    p->order_id = souk_stmt_int(st, 1);
    p->amount = souk_stmt_int(st, 2);
    p->captured = souk_stmt_int(st, 3);
    p->refunded = souk_stmt_int(st, 4);
    p->refund_pending = souk_stmt_int(st, 5);
    p->created_at = souk_stmt_int(st, 6);
    pay_copy(p->site, sizeof(p->site), souk_stmt_text(st, 7));
    pay_copy(p->pkey, sizeof(p->pkey), souk_stmt_text(st, 8));
    pay_copy(p->order_number, sizeof(p->order_number),
             souk_stmt_text(st, 9));
    pay_copy(p->method, sizeof(p->method), souk_stmt_text(st, 10));
    pay_copy(p->state, sizeof(p->state), souk_stmt_text(st, 11));
    pay_copy(p->currency, sizeof(p->currency), souk_stmt_text(st, 12));
    pay_copy(p->provider_ref, sizeof(p->provider_ref),
             souk_stmt_text(st, 13));
    pay_copy(p->provider_txn, sizeof(p->provider_txn),
             souk_stmt_text(st, 14));
    pay_copy(p->reference, sizeof(p->reference), souk_stmt_text(st, 15));
    pay_copy(p->email, sizeof(p->email), souk_stmt_text(st, 16));
    pay_copy(p->flag, sizeof(p->flag), souk_stmt_text(st, 17));
}

/* Runs "PAY_COLS where" with the site bound last. MariaDB locks with FOR
 * UPDATE (a plain read there sees the transaction's old snapshot); SQLite's
 * write transaction already keeps other writers out. */
static int
pay_load_where(souk_request_t *r, const char *where, int lock,
    const char *a, int64_t id, const char *b, pay_t *p)
{
    souk_db_t    *db = souk_db(r);
    souk_stmt_t  *st;
    const char   *sql;
    int           rc, i = 1;

    sql = souk_psprintf(souk_request_pool(r), "%s%s AND site_id = ?%s",
                        PAY_COLS, where,
                        lock && souk_db_dialect(db) == SOUK_DB_MARIADB
                        ? " FOR UPDATE" : "");
    st = souk_db_prepare(db, sql);
    if (st == NULL) {
        return SOUK_ERROR;
    }
    if (a != NULL) {
        souk_stmt_bind_text(st, i++, a, -1);
    } else {
        souk_stmt_bind_int(st, i++, id);
    }
    if (b != NULL) {
        souk_stmt_bind_text(st, i++, b, -1);
    }
    souk_stmt_bind_text(st, i, souk_site_id(r), -1);
    rc = souk_stmt_step(st);
    if (rc == SOUK_ROW) {
        pay_read(st, p);
    }
    souk_stmt_reset(st);
    return rc == SOUK_ROW ? SOUK_OK
           : rc == SOUK_DONE ? SOUK_DECLINED : SOUK_ERROR;
}

int
pay_load(souk_request_t *r, int64_t id, int lock, pay_t *p)
{
    return pay_load_where(r, "id = ?", lock, NULL, id, NULL, p);
}

int
pay_load_key(souk_request_t *r, const char *pkey, int lock, pay_t *p)
{
    if (pkey == NULL || strlen(pkey) != 32) {
        return SOUK_DECLINED;
    }
    return pay_load_where(r, "pkey = ?", lock, pkey, 0, NULL, p);
}

int
pay_load_ref(souk_request_t *r, const char *method, const char *ref,
    int lock, pay_t *p)
{
    if (method == NULL || ref == NULL || ref[0] == '\0') {
        return SOUK_DECLINED;
    }
    return pay_load_where(r, "method = ? AND provider_ref = ?", lock, method,
                          0, ref, p);
}

/* {"amount","currency","text"}: text is "12.50 EUR". */
static void
pay_money_add(cJSON *o, const char *key, int64_t minor, const char *cur)
{
    cJSON  *m = cJSON_AddObjectToObject(o, key);
    char    num[40], text[48];

    cJSON_AddNumberToObject(m, "amount", (double) minor);
    cJSON_AddStringToObject(m, "currency", cur);
    if (souk_money_format(num, sizeof(num), minor, cur) != SOUK_OK) {
        snprintf(num, sizeof(num), "%lld", (long long) minor);
    }
    snprintf(text, sizeof(text), "%s %s", num, cur);
    cJSON_AddStringToObject(m, "text", text);
}

static const char *
pay_state_label(const char *s)
{
    static const char *const  map[][2] = {
        { SOUK_PAY_PENDING, "Pending" },
        { SOUK_PAY_AUTHORIZED, "Authorized" },
        { SOUK_PAY_CAPTURED, "Received" },
        { SOUK_PAY_PARTIALLY_REFUNDED, "Partially refunded" },
        { SOUK_PAY_REFUNDED, "Refunded" },
        { SOUK_PAY_FAILED, "Failed" },
        { SOUK_PAY_VOIDED, "Voided" },
    };
    size_t  i;

    for (i = 0; i < sizeof(map) / sizeof(map[0]); i++) {
        if (strcmp(s, map[i][0]) == 0) {
            return map[i][1];
        }
    }
    return s;
}

cJSON *
pay_json(souk_request_t *r, const pay_t *p)
{
    cJSON    *o = cJSON_CreateObject();
    int64_t   refundable = p->captured - p->refunded - p->refund_pending;

    if (o == NULL) {
        return NULL;
    }
    if (refundable < 0) {
        refundable = 0;
    }
    cJSON_AddNumberToObject(o, "id", (double) p->id);
    cJSON_AddStringToObject(o, "key", p->pkey);
    cJSON_AddNumberToObject(o, "order_id", (double) p->order_id);
    cJSON_AddStringToObject(o, "order_number", p->order_number);
    cJSON_AddStringToObject(o, "method", p->method);
    cJSON_AddStringToObject(o, "method_name", pay_method_name(r, p->method));
    cJSON_AddStringToObject(o, "state", p->state);
    cJSON_AddStringToObject(o, "state_label", pay_state_label(p->state));
    cJSON_AddNumberToObject(o, "amount", (double) p->amount);
    cJSON_AddNumberToObject(o, "captured", (double) p->captured);
    cJSON_AddNumberToObject(o, "refunded", (double) p->refunded);
    cJSON_AddNumberToObject(o, "refund_pending", (double) p->refund_pending);
    cJSON_AddNumberToObject(o, "refundable", (double) refundable);
    cJSON_AddStringToObject(o, "currency", p->currency);
    cJSON_AddStringToObject(o, "provider_ref", p->provider_ref);
    cJSON_AddStringToObject(o, "provider_txn", p->provider_txn);
    cJSON_AddStringToObject(o, "reference", p->reference);
    cJSON_AddStringToObject(o, "flag", p->flag);
    cJSON_AddBoolToObject(o, "flagged", p->flag[0] != '\0');
    cJSON_AddNumberToObject(o, "created_at", (double) p->created_at);
    pay_money_add(o, "amount_money", p->amount, p->currency);
    pay_money_add(o, "captured_money", p->captured, p->currency);
    pay_money_add(o, "refunded_money", p->refunded, p->currency);
    pay_money_add(o, "refundable_money", refundable, p->currency);
    return o;
}

/* The payment's events, oldest first. */
static cJSON *
pay_events_json(souk_request_t *r, const pay_t *p)
{
    souk_stmt_t  *st;
    cJSON        *a = cJSON_CreateArray(), *e;
    int           rc;

    st = souk_db_prepare(souk_db(r), "SELECT id, kind, type, from_state, "
                         "to_state, amount, provider_ref, event_id, note, "
                         "actor, created_at FROM payment_events WHERE "
                         "payment_id = ? AND site_id = ? ORDER BY id");
    if (a == NULL || st == NULL) {
        cJSON_Delete(a);
        return NULL;
    }
    souk_stmt_bind_int(st, 1, p->id);
    souk_stmt_bind_text(st, 2, p->site, -1);
    while ((rc = souk_stmt_step(st)) == SOUK_ROW) {
        e = cJSON_CreateObject();
        cJSON_AddNumberToObject(e, "id", (double) souk_stmt_int(st, 0));
        cJSON_AddStringToObject(e, "kind", souk_stmt_text(st, 1));
        cJSON_AddStringToObject(e, "type", souk_stmt_text(st, 2));
        cJSON_AddStringToObject(e, "from", souk_stmt_text(st, 3));
        cJSON_AddStringToObject(e, "to", souk_stmt_text(st, 4));
        cJSON_AddNumberToObject(e, "amount", (double) souk_stmt_int(st, 5));
        pay_money_add(e, "amount_money", souk_stmt_int(st, 5), p->currency);
        cJSON_AddStringToObject(e, "provider_ref", souk_stmt_text(st, 6));
        cJSON_AddStringToObject(e, "event_id", souk_stmt_is_null(st, 7)
                                ? "" : souk_stmt_text(st, 7));
        cJSON_AddStringToObject(e, "note", souk_stmt_text(st, 8));
        cJSON_AddNumberToObject(e, "actor", (double) souk_stmt_int(st, 9));
        cJSON_AddNumberToObject(e, "created_at",
                                (double) souk_stmt_int(st, 10));
        cJSON_AddItemToArray(a, e);
    }
    souk_stmt_reset(st);
    if (rc != SOUK_DONE) {
        cJSON_Delete(a);
        return NULL;
    }
    return a;
}

cJSON *
pay_list_for_order(souk_request_t *r, int64_t order_id, int with_events)
{
    souk_stmt_t  *st;
    pay_t         ps[64];
    size_t        n = 0, i;
    cJSON        *a, *o, *ev;
    int           rc;

    st = souk_db_prepare(souk_db(r), PAY_COLS "order_id = ? AND site_id = ? "
                         "ORDER BY id DESC");
    if (st == NULL) {
        return NULL;
    }
    souk_stmt_bind_int(st, 1, order_id);
    souk_stmt_bind_text(st, 2, souk_site_id(r), -1);
    while (n < sizeof(ps) / sizeof(ps[0])
           && (rc = souk_stmt_step(st)) == SOUK_ROW)
    {
        pay_read(st, &ps[n++]);
    }
    souk_stmt_reset(st);
    if (n < sizeof(ps) / sizeof(ps[0]) && rc != SOUK_DONE) {
        return NULL;
    }
    a = cJSON_CreateArray();
    for (i = 0; a != NULL && i < n; i++) {
        o = pay_json(r, &ps[i]);
        if (o == NULL) {
            cJSON_Delete(a);
            return NULL;
        }
        cJSON_AddItemToArray(a, o);
        if (with_events) {
            if ((ev = pay_events_json(r, &ps[i])) == NULL) {
                cJSON_Delete(a);
                return NULL;
            }
            cJSON_AddItemToObject(o, "events", ev);
        }
    }
    return a;
}

/* One payment_events row. event_id NULL: ours (never a duplicate). An
 * event id the site's method already recorded: SOUK_DONE, nothing
 * written (INSERT ... IGNORE claims it, as orders claims a key). */
static int
pay_event_insert(souk_request_t *r, const pay_t *p, const char *event_id,
    const char *kind, const char *type, const char *from, const char *to,
    int64_t amount, const char *ref, const char *note, int64_t actor)
{
    souk_db_t   *db = souk_db(r);
    const char  *sql = souk_db_dialect(db) == SOUK_DB_MARIADB
        ? "INSERT IGNORE INTO payment_events (site_id, payment_id, method, "
          "event_id, kind, type, from_state, to_state, amount, provider_ref, "
          "note, actor, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, "
          "?, ?)"
        : "INSERT OR IGNORE INTO payment_events (site_id, payment_id, "
          "method, event_id, kind, type, from_state, to_state, amount, "
          "provider_ref, note, actor, created_at) VALUES (?, ?, ?, ?, ?, ?, "
          "?, ?, ?, ?, ?, ?, ?)";
    char         n[1001];

    pay_copy(n, sizeof(n), note);
    if (souk_db_exec(db, sql, "titttttti" "ttii", p->site, p->id, p->method,
                     event_id != NULL && event_id[0] != '\0' ? event_id
                     : NULL, kind, type != NULL ? type : "",
                     from != NULL ? from : "", to != NULL ? to : "", amount,
                     ref != NULL ? ref : "", n, actor, pay_now()) != SOUK_OK)
    {
        return SOUK_ERROR;
    }
    return souk_db_changes(db) == 1 ? SOUK_OK : SOUK_DONE;
}

/* Non-zero when the site's method already recorded event_id. A locking
 * read on MariaDB, to see a row another transaction just committed. */
static int
pay_event_seen(souk_request_t *r, const pay_t *p, const char *event_id)
{
    souk_db_t    *db = souk_db(r);
    souk_stmt_t  *st;

    if (event_id == NULL || event_id[0] == '\0') {
        return 0;
    }
    st = souk_db_row(db, souk_db_dialect(db) == SOUK_DB_MARIADB
                     ? "SELECT id FROM payment_events WHERE site_id = ? AND "
                       "method = ? AND event_id = ? LOCK IN SHARE MODE"
                     : "SELECT id FROM payment_events WHERE site_id = ? AND "
                       "method = ? AND event_id = ?", "ttt", p->site,
                     p->method, event_id);
    if (st == NULL) {
        return souk_db_error(db)[0] == '\0' ? 0 : -1;
    }
    souk_stmt_reset(st);
    return 1;
}

/* The ledger row of a payment's order, when it has none yet (the order
 * was placed before the plugin was on): due is the order's total. */
static int
pay_ledger_ensure(souk_request_t *r, const pay_t *p)
{
    souk_db_t    *db = souk_db(r);
    souk_stmt_t  *st;
    cJSON        *o = NULL;
    const cJSON  *t, *s;
    int64_t       due = p->amount;
    const char   *status = "pending_payment";

    st = souk_db_row(db, "SELECT order_id FROM payment_ledger WHERE site_id "
                     "= ? AND order_id = ?", "ti", p->site, p->order_id);
    if (st != NULL) {
        souk_stmt_reset(st);
        return SOUK_OK;
    }
    if (souk_db_error(db)[0] != '\0') {
        return SOUK_ERROR;
    }
    if (pay_order_summary(r, p->order_id, NULL, &o) == SOUK_OK) {
        t = cJSON_GetObjectItemCaseSensitive(o, "total");
        s = cJSON_GetObjectItemCaseSensitive(o, "status");
        due = cJSON_IsNumber(t) ? (int64_t) t->valuedouble : due;
        status = cJSON_IsString(s) ? souk_pstrdup(souk_request_pool(r),
                                                  s->valuestring) : status;
    }
    cJSON_Delete(o);
    return souk_db_exec(db, "INSERT INTO payment_ledger (site_id, order_id, "
                        "order_number, currency, due, status, method, "
                        "placed_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, "
                        "?, ?)", "titti" "ttii", p->site, p->order_id,
                        p->order_number, p->currency,
                        strcmp(status, "cancelled") == 0 ? 0 : due, status,
                        p->method, pay_now(), pay_now());
}

int
pay_create(souk_request_t *r, int64_t order_id, const char *number,
    const char *method, int64_t amount, const char *currency,
    const char *email, pay_t *p)
{
    souk_db_t  *db = souk_db(r);
    int64_t     now = pay_now();
    char        note[160], num[40];

    memset(p, 0, sizeof(*p));
    pay_random_hex(p->pkey, 16);
    if (souk_db_exec(db, "INSERT INTO payments (site_id, pkey, order_id, "
                     "order_number, method, state, amount, currency, email, "
                     "created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, "
                     "?, ?, ?, ?)", "ttitt" "titt" "ii", souk_site_id(r),
                     p->pkey, order_id, number, method, SOUK_PAY_PENDING,
                     amount, currency, email != NULL ? email : "", now,
                     now) != SOUK_OK)
    {
        return SOUK_ERROR;
    }
    p->id = souk_db_last_id(db);
    p->order_id = order_id;
    p->amount = amount;
    p->created_at = now;
    pay_copy(p->site, sizeof(p->site), souk_site_id(r));
    pay_copy(p->order_number, sizeof(p->order_number), number);
    pay_copy(p->method, sizeof(p->method), method);
    pay_copy(p->state, sizeof(p->state), SOUK_PAY_PENDING);
    pay_copy(p->currency, sizeof(p->currency), currency);
    pay_copy(p->email, sizeof(p->email), email);
    if (souk_money_format(num, sizeof(num), amount, currency) != SOUK_OK) {
        snprintf(num, sizeof(num), "%lld", (long long) amount);
    }
    snprintf(note, sizeof(note), "Payment of %s %s by %s", num, currency,
             method);
    if (pay_event_insert(r, p, NULL, "created", NULL, "", SOUK_PAY_PENDING,
                         amount, NULL, note, souk_user_id(r)) != SOUK_OK)
    {
        return SOUK_ERROR;
    }
    return pay_ledger_ensure(r, p);
}

typedef struct {
    souk_request_t      *r;
    pay_t               *p;
    const pay_change_t  *c;
    const char          *to;
    char                *why;
    size_t               whylen;
} pay_apply_t;

static int
pay_fire_received(souk_request_t *r, const pay_t *p, const pay_change_t *c)
{
    cJSON  *ev = cJSON_CreateObject();
    int     rc;

    if (ev == NULL) {
        return SOUK_ERROR;
    }
    cJSON_AddNumberToObject(ev, "order_id", (double) p->order_id);
    cJSON_AddStringToObject(ev, "number", p->order_number);
    cJSON_AddStringToObject(ev, "site", p->site);
    cJSON_AddNumberToObject(ev, "payment_id", (double) p->id);
    cJSON_AddStringToObject(ev, "method", p->method);
    cJSON_AddNumberToObject(ev, "amount", (double) c->received);
    cJSON_AddStringToObject(ev, "currency", p->currency);
    cJSON_AddNumberToObject(ev, "captured", (double) p->captured);
    cJSON_AddStringToObject(ev, "note", c->note != NULL ? c->note : "");
    cJSON_AddNumberToObject(ev, "actor", (double) c->actor);
    rc = souk_action_run(r, "payment.received", ev);
    cJSON_Delete(ev);
    return rc;
}

static int
pay_fire_refunded(souk_request_t *r, const pay_t *p, const pay_change_t *c)
{
    cJSON  *ev = cJSON_CreateObject();
    int     rc;

    if (ev == NULL) {
        return SOUK_ERROR;
    }
    cJSON_AddNumberToObject(ev, "order_id", (double) p->order_id);
    cJSON_AddStringToObject(ev, "number", p->order_number);
    cJSON_AddStringToObject(ev, "site", p->site);
    cJSON_AddNumberToObject(ev, "payment_id", (double) p->id);
    cJSON_AddStringToObject(ev, "method", p->method);
    cJSON_AddNumberToObject(ev, "amount", (double) c->refunded);
    cJSON_AddStringToObject(ev, "currency", p->currency);
    cJSON_AddNumberToObject(ev, "refunded", (double) p->refunded);
    cJSON_AddNumberToObject(ev, "refund_id", (double) c->refund_id);
    cJSON_AddStringToObject(ev, "reason", c->reason != NULL ? c->reason
                            : "");
    cJSON_AddNumberToObject(ev, "actor", (double) c->actor);
    rc = souk_action_run(r, "payment.refunded", ev);
    cJSON_Delete(ev);
    return rc;
}

/* The conditional UPDATE: matches only while the state is still the one
 * read, so a stale p changes nothing. */
static int
pay_apply_row(pay_apply_t *a)
{
    souk_db_t           *db = souk_db(a->r);
    const pay_change_t  *c = a->c;
    const char          *txn = c->txn != NULL ? c->txn : "";

    if (souk_db_exec(db, "UPDATE payments SET state = ?, captured = captured "
                     "+ ?, refunded = refunded + ?, provider_txn = CASE WHEN "
                     "? = '' THEN provider_txn ELSE ? END, flag = CASE WHEN "
                     "? = 1 THEN ? ELSE flag END, updated_at = ? WHERE id = "
                     "? AND site_id = ? AND state = ?", "tiitt" "itii" "tt",
                     a->to, c->received, c->refunded, txn, txn,
                     (int64_t) (c->flag != NULL), c->flag != NULL ? c->flag
                     : "", pay_now(), a->p->id, a->p->site,
                     a->p->state) != SOUK_OK)
    {
        return SOUK_ERROR;
    }
    if (souk_db_changes(db) != 1) {
        return pay_decline(a->why, a->whylen, "The payment changed meanwhile:"
                           " try again");
    }
    return SOUK_OK;
}

/* Runs as a savepoint of the caller's transaction: a duplicate event or a
 * failed action takes back everything pay_apply wrote, and only that. */
static int
pay_apply_tx(souk_db_t *db, void *arg)
{
    pay_apply_t         *a = arg;
    const pay_change_t  *c = a->c;
    pay_t               *p = a->p;
    int                  rc, moved = strcmp(a->to, p->state) != 0;

    (void) db;
    rc = pay_event_seen(a->r, p, c->event_id);
    if (rc != 0) {
        return rc < 0 ? SOUK_ERROR : SOUK_DONE;
    }
    if ((rc = pay_apply_row(a)) != SOUK_OK) {
        return rc;
    }
    rc = pay_event_insert(a->r, p, c->event_id, c->kind != NULL ? c->kind
                          : "note", c->type, p->state, moved ? a->to : "",
                          c->received > 0 ? c->received : c->refunded,
                          c->ref != NULL && c->ref[0] != '\0' ? c->ref
                          : c->txn, c->note, c->actor);
    if (rc != SOUK_OK) {
        return rc;
    }
    if ((c->received != 0 || c->refunded != 0)
        && pay_ledger_add(a->r, p->order_id, c->received, c->refunded)
           != SOUK_OK)
    {
        return SOUK_ERROR;
    }
    p->captured += c->received;
    p->refunded += c->refunded;
    pay_copy(p->state, sizeof(p->state), a->to);
    if ((c->received > 0 && pay_fire_received(a->r, p, c) != SOUK_OK)
        || (c->refunded > 0 && pay_fire_refunded(a->r, p, c) != SOUK_OK))
    {
        return SOUK_ERROR;
    }
    return SOUK_OK;
}

int
pay_apply(souk_request_t *r, pay_t *p, const pay_change_t *c, char *why,
    size_t whylen)
{
    pay_apply_t  a = { r, p, c, p->state, why, whylen };
    pay_t        keep = *p;
    int          rc;

    if (c->to != NULL && strcmp(c->to, p->state) != 0) {
        if (!souk_pay_move_ok(p->state, c->to)) {
            return pay_decline(why, whylen, "A %s payment cannot become %s",
                               p->state, c->to);
        }
        a.to = c->to;
    }
    if (c->received < 0 || c->refunded < 0) {
        return pay_decline(why, whylen, "Negative amounts are not moves");
    }
    rc = souk_db_tx(souk_db(r), pay_apply_tx, &a);
    if (rc != SOUK_OK) {
        *p = keep;                 /* the savepoint took it all back */
        return rc;
    }
    if (c->txn != NULL && c->txn[0] != '\0') {
        pay_copy(p->provider_txn, sizeof(p->provider_txn), c->txn);
    }
    if (c->flag != NULL) {
        pay_copy(p->flag, sizeof(p->flag), c->flag);
    }
    return SOUK_OK;
}

int
pay_order_summary(souk_request_t *r, int64_t order_id, const char *number,
    cJSON **o)
{
    cJSON  *v = cJSON_CreateObject();

    *o = NULL;
    if (v == NULL) {
        return SOUK_ERROR;
    }
    if (number != NULL && number[0] != '\0') {
        cJSON_AddStringToObject(v, "number", number);
    } else {
        cJSON_AddNumberToObject(v, "order_id", (double) order_id);
    }
    if (souk_filter_run(r, "order.summary", v) != SOUK_OK) {
        cJSON_Delete(v);
        return SOUK_ERROR;
    }
    if (!cJSON_IsString(cJSON_GetObjectItemCaseSensitive(v, "status"))) {
        cJSON_Delete(v);
        return SOUK_DECLINED;
    }
    *o = v;
    return SOUK_OK;
}

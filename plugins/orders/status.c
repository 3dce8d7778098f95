/* The order state machine: which moves are legal, and making one. */
#include <stdio.h>
#include <string.h>

#include "orders.h"

static const char *const  ord_statuses[] = {
    "pending_payment", "paid", "picking", "packed", "shipped", "delivered",
    "completed", "on_hold", "cancelled", NULL
};

/* The forward path; on_hold and cancelled are handled apart. */
static const struct {
    const char  *from;
    const char  *to;
} ord_forward[] = {
    { "pending_payment", "paid" },
    { "paid", "picking" },
    { "picking", "packed" },
    { "packed", "shipped" },
    { "shipped", "delivered" },
    { "delivered", "completed" },
};

int
ord_status_ok(const char *s)
{
    size_t  i;

    for (i = 0; s != NULL && ord_statuses[i] != NULL; i++) {
        if (strcmp(s, ord_statuses[i]) == 0) {
            return 1;
        }
    }
    return 0;
}

int
ord_status_cancellable(const char *s)
{
    return strcmp(s, "pending_payment") == 0 || strcmp(s, "paid") == 0
           || strcmp(s, "picking") == 0 || strcmp(s, "packed") == 0
           || strcmp(s, "on_hold") == 0;
}

int
ord_transition_ok(const char *from, const char *to, const char *pay_timing,
    const char *held_from)
{
    int     on_delivery = pay_timing != NULL
                          && strcmp(pay_timing, "on_delivery") == 0;
    size_t  i;

    if (!ord_status_ok(from) || !ord_status_ok(to) || strcmp(from, to) == 0) {
        return 0;
    }
    if (strcmp(from, "on_hold") == 0) {
        /* back where it was held, or cancelled */
        return strcmp(to, "cancelled") == 0
               || (held_from != NULL && strcmp(to, held_from) == 0);
    }
    if (strcmp(to, "on_hold") == 0 || strcmp(to, "cancelled") == 0) {
        return ord_status_cancellable(from);
    }
    /* cash on delivery: fulfilled before it is paid */
    if (on_delivery && strcmp(from, "pending_payment") == 0
        && strcmp(to, "picking") == 0)
    {
        return 1;
    }
    for (i = 0; i < sizeof(ord_forward) / sizeof(ord_forward[0]); i++) {
        if (strcmp(from, ord_forward[i].from) == 0
            && strcmp(to, ord_forward[i].to) == 0)
        {
            return 1;
        }
    }
    return 0;
}

static void
ord_copy(char *dst, size_t len, const char *src)
{
    snprintf(dst, len, "%s", src != NULL ? src : "");
}

int
ord_head_load(souk_request_t *r, int64_t order_id, ord_head_t *h)
{
    souk_db_t    *db = souk_db(r);
    souk_stmt_t  *st;

    st = souk_db_row(db, "SELECT id, user_id, total, paid_amount, site_id, "
                     "number, status, held_from, pay_timing, currency, email "
                     "FROM orders WHERE id = ? AND site_id = ?", "it",
                     order_id, souk_site_id(r));
    if (st == NULL) {
        return souk_db_error(db)[0] == '\0' ? SOUK_DECLINED : SOUK_ERROR;
    }
    memset(h, 0, sizeof(*h));
    h->id = souk_stmt_int(st, 0);
    h->user_id = souk_stmt_int(st, 1);
    h->total = souk_stmt_int(st, 2);
    h->paid_amount = souk_stmt_int(st, 3);
    ord_copy(h->site, sizeof(h->site), souk_stmt_text(st, 4));
    ord_copy(h->number, sizeof(h->number), souk_stmt_text(st, 5));
    ord_copy(h->status, sizeof(h->status), souk_stmt_text(st, 6));
    ord_copy(h->held_from, sizeof(h->held_from), souk_stmt_text(st, 7));
    ord_copy(h->pay_timing, sizeof(h->pay_timing), souk_stmt_text(st, 8));
    ord_copy(h->currency, sizeof(h->currency), souk_stmt_text(st, 9));
    ord_copy(h->email, sizeof(h->email), souk_stmt_text(st, 10));
    souk_stmt_reset(st);
    return SOUK_OK;
}

int64_t
ord_id_by_number(souk_request_t *r, const char *number)
{
    souk_db_t    *db = souk_db(r);
    souk_stmt_t  *st;
    int64_t       id;

    if (number == NULL || strlen(number) != ORD_NUMBER_LEN - 1) {
        return 0;
    }
    st = souk_db_row(db, "SELECT id FROM orders WHERE site_id = ? AND "
                     "number = ?", "tt", souk_site_id(r), number);
    if (st == NULL) {
        return souk_db_error(db)[0] == '\0' ? 0 : -1;
    }
    id = souk_stmt_int(st, 0);
    souk_stmt_reset(st);
    return id;
}

int
ord_event_add(souk_request_t *r, int64_t order_id, const char *kind,
    const char *from, const char *to, const char *note, int64_t actor,
    int public_)
{
    return souk_db_exec(souk_db(r), "INSERT INTO order_events (order_id, "
                        "kind, from_status, to_status, note, actor, public, "
                        "created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                        "ittttiii", order_id, kind, from, to,
                        note != NULL ? note : "", actor, (int64_t) public_,
                        ord_now())
           == SOUK_OK ? SOUK_OK : SOUK_ERROR;
}

typedef struct {
    souk_request_t  *r;
    int64_t          order_id;
    const char      *to;
    const char      *note;
    int64_t          actor;
    int              public_;
    char            *why;
    size_t           whylen;
} ord_move_t;

/* The status columns the move sets, by a conditional update on the status
 * it was read in: a second, concurrent move of the same order finds no
 * row and is refused as stale. */
static int
ord_move_row(ord_move_t *m, const ord_head_t *h)
{
    souk_db_t   *db = souk_db(m->r);
    int64_t      now = ord_now();
    const char  *to = m->to;
    int          rc;

    if (strcmp(to, "on_hold") == 0) {
        rc = souk_db_exec(db, "UPDATE orders SET status = ?, held_from = ?, "
                          "updated_at = ? WHERE id = ? AND status = ?",
                          "ttiit", to, h->status, now, h->id, h->status);
    } else if (strcmp(to, "paid") == 0) {
        rc = souk_db_exec(db, "UPDATE orders SET status = ?, held_from = "
                          "NULL, paid_at = ?, hold_until = NULL, paid_amount "
                          "= CASE WHEN paid_amount < total THEN total ELSE "
                          "paid_amount END, updated_at = ? WHERE id = ? AND "
                          "status = ?", "tiiit", to, now, now, h->id,
                          h->status);
    } else if (strcmp(to, "cancelled") == 0) {
        rc = souk_db_exec(db, "UPDATE orders SET status = ?, held_from = "
                          "NULL, cancelled_at = ?, hold_until = NULL, "
                          "cancel_reason = ?, updated_at = ? WHERE id = ? "
                          "AND status = ?", "titiit", to, now,
                          m->note != NULL ? m->note : "", now, h->id,
                          h->status);
    } else {
        const char  *col = strcmp(to, "shipped") == 0 ? "shipped_at"
                           : strcmp(to, "delivered") == 0 ? "delivered_at"
                           : "updated_at";
        char         sql[200];

        snprintf(sql, sizeof(sql), "UPDATE orders SET status = ?, held_from "
                 "= NULL, %s = ?, updated_at = ? WHERE id = ? AND status = ?",
                 col);
        rc = souk_db_exec(db, sql, "tiiit", to, now, now, h->id, h->status);
    }
    if (rc != SOUK_OK) {
        return SOUK_ERROR;
    }
    if (souk_db_changes(db) != 1) {
        return ord_decline(m->why, m->whylen, "Order %s changed meanwhile: "
                           "reload and try again", h->number);
    }
    return SOUK_OK;
}

/* Every allocated unit of every line back to its warehouse. */
static int
ord_return_all(souk_request_t *r, const ord_head_t *h, const char *kind)
{
    souk_db_t    *db = souk_db(r);
    souk_stmt_t  *st;
    int64_t       ids[512];
    size_t        n = 0, i;
    int           rc;

    st = souk_db_prepare(db, "SELECT id FROM order_lines WHERE order_id = ? "
                         "ORDER BY variant_id");
    if (st == NULL || souk_stmt_bind_int(st, 1, h->id) != SOUK_OK) {
        return SOUK_ERROR;
    }
    while ((rc = souk_stmt_step(st)) == SOUK_ROW && n < 512) {
        ids[n++] = souk_stmt_int(st, 0);
    }
    souk_stmt_reset(st);
    if (rc != SOUK_DONE && rc != SOUK_ROW) {
        return SOUK_ERROR;
    }
    for (i = 0; i < n; i++) {
        if (ord_stock_return(r, h->number, ids[i], -1, kind) != SOUK_OK) {
            return SOUK_ERROR;
        }
    }
    return SOUK_OK;
}

static int
ord_move_fire(ord_move_t *m, const ord_head_t *h)
{
    cJSON  *ev = cJSON_CreateObject();
    char    name[40];
    int     rc;

    if (ev == NULL) {
        return SOUK_ERROR;
    }
    cJSON_AddNumberToObject(ev, "order_id", (double) h->id);
    cJSON_AddStringToObject(ev, "number", h->number);
    cJSON_AddStringToObject(ev, "site", h->site);
    cJSON_AddStringToObject(ev, "from", h->status);
    cJSON_AddStringToObject(ev, "to", m->to);
    cJSON_AddNumberToObject(ev, "actor", (double) m->actor);
    cJSON_AddNumberToObject(ev, "total", (double) h->total);
    cJSON_AddNumberToObject(ev, "paid_amount", (double) h->paid_amount);
    cJSON_AddStringToObject(ev, "currency", h->currency);
    if (strcmp(m->to, "cancelled") == 0) {
        cJSON_AddNumberToObject(ev, "refund", (double) h->paid_amount);
        cJSON_AddStringToObject(ev, "reason", m->note != NULL ? m->note : "");
    }
    snprintf(name, sizeof(name), "order.%s", m->to);
    rc = souk_action_run(m->r, name, ev);
    cJSON_Delete(ev);
    return rc;
}

static int
ord_move_tx(souk_db_t *db, void *arg)
{
    ord_move_t  *m = arg;
    ord_head_t   h;
    int          rc;

    (void) db;
    rc = ord_head_load(m->r, m->order_id, &h);
    if (rc != SOUK_OK) {
        return rc == SOUK_DECLINED
               ? ord_decline(m->why, m->whylen, "No such order") : rc;
    }
    if (!ord_transition_ok(h.status, m->to, h.pay_timing, h.held_from)) {
        return ord_decline(m->why, m->whylen, "Order %s is %s: it cannot "
                           "become %s", h.number, h.status, m->to);
    }
    /* cash on delivery completes only once the cash is recorded */
    if (strcmp(m->to, "completed") == 0 && h.paid_amount < h.total) {
        return ord_decline(m->why, m->whylen, "Order %s is not paid in "
                           "full: it cannot be completed", h.number);
    }
    if ((rc = ord_move_row(m, &h)) != SOUK_OK) {
        return rc;
    }
    if (strcmp(m->to, "cancelled") == 0
        && ord_return_all(m->r, &h, m->note != NULL
                          && strcmp(m->note, "expired") == 0
                          ? "release" : "return") != SOUK_OK)
    {
        return SOUK_ERROR;
    }
    if (ord_event_add(m->r, h.id, "status", h.status, m->to, m->note,
                      m->actor, m->public_) != SOUK_OK
        || ord_move_fire(m, &h) != SOUK_OK
        || ord_mail_status(m->r, h.id, m->to) != SOUK_OK)
    {
        return SOUK_ERROR;
    }
    return SOUK_OK;
}

int
ord_transition(souk_request_t *r, int64_t order_id, const char *to,
    const char *note, int64_t actor, int public_, char *why, size_t whylen)
{
    ord_move_t  m = { r, order_id, to, note, actor, public_, why, whylen };

    if (!ord_status_ok(to)) {
        return ord_decline(why, whylen, "Unknown status");
    }
    return souk_db_tx(souk_db(r), ord_move_tx, &m);
}

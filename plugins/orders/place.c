/* Placing an order: one transaction from the idempotency key to the
 * confirmation mail; the off-site payment hook; the holds job. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "orders.h"

#define ORD_LINES_MAX  200

typedef struct {
    souk_request_t        *r;
    const ord_checkout_t  *co;
    ord_placed_t          *out;
    char                  *why;
    size_t                 whylen;
    const char            *owner;
    const char            *email;
    const char            *guest_hash;   /* "" for an account's order */
    const char            *guest_token;  /* for the mail's link, or "" */
    int                    status;       /* the HTTP answer */
} ord_ptx_t;

/* An order placed with this key before: the answer it had. */
static int
ord_place_replay(ord_ptx_t *p, souk_db_t *db)
{
    souk_stmt_t  *st;

    st = souk_db_row(db, "SELECT o.id, o.number, o.status, o.total, "
                     "o.currency FROM order_idempotency k JOIN orders o ON "
                     "o.id = k.order_id WHERE k.site_id = ? AND k.owner = ? "
                     "AND k.idem_key = ?", "ttt", souk_site_id(p->r),
                     p->owner, p->co->idem_key);
    if (st == NULL) {
        return SOUK_ERROR;             /* a claim without its order */
    }
    p->out->id = souk_stmt_int(st, 0);
    snprintf(p->out->number, sizeof(p->out->number), "%s",
             souk_stmt_text(st, 1));
    snprintf(p->out->status, sizeof(p->out->status), "%s",
             souk_stmt_text(st, 2));
    p->out->total = souk_stmt_int(st, 3);
    snprintf(p->out->currency, sizeof(p->out->currency), "%s",
             souk_stmt_text(st, 4));
    souk_stmt_reset(st);
    p->out->replay = 1;
    p->status = 200;
    return SOUK_OK;
}

/*
 * The key is claimed by the transaction's first statement, a write: on
 * SQLite that takes the write lock before anything is read (so nothing
 * read later is stale), and on MariaDB a second request with the same key
 * waits on the first's row and then finds it taken.
 */
static int
ord_place_claim(ord_ptx_t *p, souk_db_t *db)
{
    const char  *sql = souk_db_dialect(db) == SOUK_DB_MARIADB
        ? "INSERT IGNORE INTO order_idempotency (site_id, owner, idem_key, "
          "order_id, created_at) VALUES (?, ?, ?, 0, ?)"
        : "INSERT OR IGNORE INTO order_idempotency (site_id, owner, "
          "idem_key, order_id, created_at) VALUES (?, ?, ?, 0, ?)";

    if (souk_db_exec(db, sql, "ttti", souk_site_id(p->r), p->owner,
                     p->co->idem_key, ord_now()) != SOUK_OK)
    {
        return SOUK_ERROR;
    }
    return souk_db_changes(db) == 1 ? SOUK_OK : SOUK_DONE;
}

static const char *
ord_str(const cJSON *o, const char *key)
{
    const cJSON  *v = cJSON_GetObjectItemCaseSensitive(o, key);

    return cJSON_IsString(v) ? v->valuestring : "";
}

static int64_t
ord_int(const cJSON *o, const char *key)
{
    const cJSON  *v = cJSON_GetObjectItemCaseSensitive(o, key);

    return cJSON_IsNumber(v) ? (int64_t) v->valuedouble : 0;
}

static int
ord_place_head(ord_ptx_t *p, souk_db_t *db, const cJSON *q,
    const char *number, int64_t cart_id)
{
    const ord_address_t  *a = &p->co->addr;
    const cJSON          *ship = cJSON_GetObjectItemCaseSensitive(q,
                                                                  "shipping");
    const cJSON          *pay = cJSON_GetObjectItemCaseSensitive(q,
                                                                 "payment");
    const cJSON          *off = cJSON_GetObjectItemCaseSensitive(pay,
                                                                 "offsite");
    int64_t               now = ord_now(), hold = ord_int(pay,
                                                          "hold_minutes");
    int64_t               pickup = ord_int(ship, "warehouse_id");
    const char           *timing = ord_str(pay, "pay_timing");
    souk_stmt_t          *st;
    int                   i = 1;

    st = souk_db_prepare(db, "INSERT INTO orders (site_id, number, user_id, "
        "email, guest_token_hash, status, currency, prices_include_tax, "
        "subtotal, discount_total, shipping_total, tax_total, total, "
        "weight_g, payment_method, pay_timing, shipping_method, "
        "shipping_name, pickup_warehouse_id, ship_name, ship_line1, "
        "ship_line2, ship_city, ship_region, ship_postcode, ship_country, "
        "ship_phone, customer_note, hold_until, cart_id, placed_at, "
        "updated_at) VALUES (?, ?, ?, ?, ?, 'pending_payment', ?, ?, ?, ?, "
        "?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
    if (st == NULL) {
        return SOUK_ERROR;
    }
    souk_stmt_bind_text(st, i++, souk_site_id(p->r), -1);
    souk_stmt_bind_text(st, i++, number, -1);
    souk_stmt_bind_int(st, i++, souk_user_id(p->r));
    souk_stmt_bind_text(st, i++, p->email, -1);
    souk_stmt_bind_text(st, i++, p->guest_hash, -1);
    souk_stmt_bind_text(st, i++, ord_str(q, "currency"), -1);
    souk_stmt_bind_int(st, i++, ord_int(q, "prices_include_tax"));
    souk_stmt_bind_int(st, i++, ord_int(q, "subtotal"));
    souk_stmt_bind_int(st, i++, ord_int(q, "discount_total"));
    souk_stmt_bind_int(st, i++, ord_int(q, "shipping_total"));
    souk_stmt_bind_int(st, i++, ord_int(q, "tax_total"));
    souk_stmt_bind_int(st, i++, ord_int(q, "total"));
    souk_stmt_bind_int(st, i++, ord_int(q, "weight_g"));
    souk_stmt_bind_text(st, i++, ord_str(pay, "code"), -1);
    souk_stmt_bind_text(st, i++, strcmp(timing, "on_delivery") == 0
                        ? "on_delivery" : "before", -1);
    souk_stmt_bind_text(st, i++, ord_str(ship, "code"), -1);
    souk_stmt_bind_text(st, i++, ord_str(ship, "name"), -1);
    if (pickup > 0) {
        souk_stmt_bind_int(st, i++, pickup);
    } else {
        souk_stmt_bind_null(st, i++);
    }
    souk_stmt_bind_text(st, i++, a->name, -1);
    souk_stmt_bind_text(st, i++, a->line1, -1);
    souk_stmt_bind_text(st, i++, a->line2, -1);
    souk_stmt_bind_text(st, i++, a->city, -1);
    souk_stmt_bind_text(st, i++, a->region, -1);
    souk_stmt_bind_text(st, i++, a->postcode, -1);
    souk_stmt_bind_text(st, i++, a->country, -1);
    souk_stmt_bind_text(st, i++, a->phone, -1);
    souk_stmt_bind_text(st, i++, p->co->note != NULL ? p->co->note : "", -1);
    /* an off-site payment holds the stock until its deadline */
    if (cJSON_IsTrue(off) && hold > 0) {
        souk_stmt_bind_int(st, i++, now + hold * 60);
    } else {
        souk_stmt_bind_null(st, i++);
    }
    souk_stmt_bind_int(st, i++, cart_id);
    souk_stmt_bind_int(st, i++, now);
    souk_stmt_bind_int(st, i++, now);
    return souk_stmt_step(st) == SOUK_DONE ? SOUK_OK : SOUK_ERROR;
}

/* One line and its stock. Lines arrive sorted by variant, so every order
 * locks stock rows in the same order. */
static int
ord_place_line(ord_ptx_t *p, souk_db_t *db, int64_t order_id,
    const char *number, const cJSON *l)
{
    int64_t  qty = ord_int(l, "quantity"), line_id;

    if (qty <= 0 || souk_db_exec(db, "INSERT INTO order_lines (order_id, "
            "variant_id, product_id, sku, name, options, kind, quantity, "
            "unit_price, line_total, tax_rate_bp, tax_amount, weight_g) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", "iiitttt"
            "iiiiii", order_id, ord_int(l, "variant_id"),
            ord_int(l, "product_id"), ord_str(l, "sku"), ord_str(l, "name"),
            ord_str(l, "options"), ord_str(l, "kind"), qty,
            ord_int(l, "unit_price"), ord_int(l, "line_total"),
            ord_int(l, "tax_rate_bp"), ord_int(l, "tax_amount"),
            ord_int(l, "weight_g")) != SOUK_OK)
    {
        return SOUK_ERROR;
    }
    line_id = souk_db_last_id(db);
    if (strcmp(ord_str(l, "kind"), "service") == 0) {
        return SOUK_OK;
    }
    return ord_stock_take(p->r, number, line_id, ord_int(l, "variant_id"),
                          qty, p->why, p->whylen);
}

static int
ord_line_cmp(const void *a, const void *b)
{
    int64_t  x = ord_int(*(const cJSON *const *) a, "variant_id");
    int64_t  y = ord_int(*(const cJSON *const *) b, "variant_id");

    return x < y ? -1 : x > y;
}

static int
ord_place_lines(ord_ptx_t *p, souk_db_t *db, int64_t order_id,
    const char *number, const cJSON *q)
{
    const cJSON  *lines = cJSON_GetObjectItemCaseSensitive(q, "lines");
    const cJSON  *sorted[ORD_LINES_MAX], *l;
    size_t        n = 0, i;
    int           rc;

    cJSON_ArrayForEach(l, lines) {
        if (n == ORD_LINES_MAX) {
            p->status = 422;
            return ord_decline(p->why, p->whylen, "At most %d lines in one "
                               "order", ORD_LINES_MAX);
        }
        sorted[n++] = l;
    }
    if (n == 0) {
        p->status = 409;
        return ord_decline(p->why, p->whylen, "The cart is empty");
    }
    qsort(sorted, n, sizeof(sorted[0]), ord_line_cmp);
    for (i = 0; i < n; i++) {
        rc = ord_place_line(p, db, order_id, number, sorted[i]);
        if (rc != SOUK_OK) {
            p->status = 409;
            return rc;
        }
    }
    return SOUK_OK;
}

static int
ord_place_fire(ord_ptx_t *p, int64_t order_id, const char *number,
    int64_t cart_id, const cJSON *q)
{
    cJSON  *ev = cJSON_CreateObject();
    int     rc;

    if (ev == NULL) {
        return SOUK_ERROR;
    }
    cJSON_AddNumberToObject(ev, "order_id", (double) order_id);
    cJSON_AddStringToObject(ev, "number", number);
    cJSON_AddStringToObject(ev, "site", souk_site_id(p->r));
    cJSON_AddNumberToObject(ev, "cart_id", (double) cart_id);
    cJSON_AddNumberToObject(ev, "user_id", (double) souk_user_id(p->r));
    cJSON_AddStringToObject(ev, "email", p->email);
    cJSON_AddNumberToObject(ev, "total", (double) ord_int(q, "total"));
    cJSON_AddStringToObject(ev, "currency", ord_str(q, "currency"));
    cJSON_AddStringToObject(ev, "payment_method",
        ord_str(cJSON_GetObjectItemCaseSensitive(q, "payment"), "code"));
    rc = souk_action_run(p->r, "order.placed", ev);
    cJSON_Delete(ev);
    return rc;
}

static int
ord_place_tx(souk_db_t *db, void *arg)
{
    ord_ptx_t   *p = arg;
    const cJSON *cart, *q;
    char         number[ORD_NUMBER_LEN];
    int64_t      order_id, cart_id;
    int          rc;

    p->status = 500;
    p->out->replay = 0;
    rc = ord_place_claim(p, db);
    if (rc == SOUK_DONE) {
        return ord_place_replay(p, db);
    }
    if (rc != SOUK_OK) {
        return rc;
    }
    cart = ord_cart_priced(p->r, p->why, p->whylen);
    if (cart == NULL) {
        p->status = 409;
        return SOUK_DECLINED;
    }
    q = ord_quote(p->r, cart, &p->co->addr, p->co->shipping, p->co->payment,
                  p->why, p->whylen);
    if (q == NULL) {
        p->status = 422;
        return SOUK_DECLINED;
    }
    cart_id = ord_int(cart, "id");
    ord_number_new(number);
    if (ord_place_head(p, db, q, number, cart_id) != SOUK_OK) {
        return SOUK_ERROR;
    }
    order_id = souk_db_last_id(db);
    if (souk_db_exec(db, "UPDATE order_idempotency SET order_id = ? WHERE "
                     "site_id = ? AND owner = ? AND idem_key = ?", "itt" "t",
                     order_id, souk_site_id(p->r), p->owner,
                     p->co->idem_key) != SOUK_OK)
    {
        return SOUK_ERROR;
    }
    if ((rc = ord_place_lines(p, db, order_id, number, q)) != SOUK_OK) {
        return rc;
    }
    if (ord_event_add(p->r, order_id, "placed", NULL, "pending_payment",
                      "Order placed", souk_user_id(p->r), 1) != SOUK_OK
        || ord_mail_placed(p->r, order_id, p->guest_token) != SOUK_OK
        || ord_place_fire(p, order_id, number, cart_id, q) != SOUK_OK)
    {
        return SOUK_ERROR;
    }
    p->out->id = order_id;
    p->out->total = ord_int(q, "total");
    snprintf(p->out->number, sizeof(p->out->number), "%s", number);
    snprintf(p->out->status, sizeof(p->out->status), "pending_payment");
    snprintf(p->out->currency, sizeof(p->out->currency), "%s",
             ord_str(q, "currency"));
    p->status = 201;
    return SOUK_OK;
}

/* Who the key belongs to: the account, or the guest's session. For a
 * guest it is derived from the session's CSRF token (a hash: the token
 * itself never lands in a table), so twenty requests of one session at
 * once agree on it without any of them writing to the session first. */
static const char *
ord_place_owner(souk_request_t *r, char *buf, size_t len)
{
    const char  *csrf;
    char         h[65];

    if (souk_user_id(r) > 0) {
        snprintf(buf, len, "u:%lld", (long long) souk_user_id(r));
        return buf;
    }
    csrf = souk_csrf_token(r);
    if (csrf == NULL || csrf[0] == '\0') {
        return NULL;
    }
    ord_hash_hex(csrf, h);
    snprintf(buf, len, "g:%.32s", h);
    return buf;
}

static int
ord_key_ok(const char *k)
{
    size_t  n = k != NULL ? strlen(k) : 0, i;

    if (n == 0 || n > 128) {
        return 0;
    }
    for (i = 0; i < n; i++) {
        if (k[i] < 0x21 || k[i] > 0x7e) {
            return 0;
        }
    }
    return 1;
}

static int
ord_email_ok(const char *e)
{
    const char  *at = e != NULL ? strchr(e, '@') : NULL;
    size_t       n = e != NULL ? strlen(e) : 0, i;

    if (at == NULL || at == e || strchr(at + 1, '@') != NULL
        || strchr(at, '.') == NULL || n > 320 || e[n - 1] == '.')
    {
        return 0;
    }
    for (i = 0; i < n; i++) {
        if ((unsigned char) e[i] <= 0x20 || e[i] == 0x7f) {
            return 0;
        }
    }
    return 1;
}

/* After the commit: an off-site method's plugin starts its payment (it
 * may call a gateway, which must never happen inside a transaction that
 * can be retried) and names the page to send the buyer to. */
static void
ord_place_payment_start(souk_request_t *r, ord_placed_t *out,
    const char *method, const char *email)
{
    cJSON         *v = cJSON_CreateObject();
    const cJSON   *to;

    if (v == NULL) {
        return;
    }
    cJSON_AddNumberToObject(v, "order_id", (double) out->id);
    cJSON_AddStringToObject(v, "number", out->number);
    cJSON_AddStringToObject(v, "payment_method", method);
    cJSON_AddNumberToObject(v, "total", (double) out->total);
    cJSON_AddStringToObject(v, "currency", out->currency);
    cJSON_AddStringToObject(v, "email", email != NULL ? email : "");
    cJSON_AddStringToObject(v, "redirect", "");
    if (souk_filter_run(r, "order.payment_start", v) == SOUK_OK) {
        to = cJSON_GetObjectItemCaseSensitive(v, "redirect");
        if (cJSON_IsString(to)) {
            snprintf(out->redirect, sizeof(out->redirect), "%s",
                     to->valuestring);
        }
    }
    cJSON_Delete(v);
}

int
ord_place(souk_request_t *r, const ord_checkout_t *co, ord_placed_t *out,
    char *why, size_t whylen)
{
    ord_ptx_t    p = { r, co, out, why, whylen, NULL, NULL, "", "", 500 };
    char         owner[80], token[65], hash[65];
    int          rc;

    memset(out, 0, sizeof(*out));
    if (!ord_key_ok(co->idem_key)) {
        ord_decline(why, whylen, "Idempotency-Key: 1 to 128 printable "
                    "characters");
        return 400;
    }
    p.email = souk_user_id(r) > 0 && (co->email == NULL || !co->email[0])
              ? souk_user_email(r, souk_user_id(r)) : co->email;
    if (!ord_email_ok(p.email)) {
        ord_decline(why, whylen, "Email: not a valid email address");
        return 400;
    }
    p.owner = ord_place_owner(r, owner, sizeof(owner));
    if (p.owner == NULL) {
        return SOUK_ERROR;
    }
    /* A guest's order is theirs through a random token: its hash is
     * stored, the token goes to their session and their mail. Made once,
     * outside the transaction, so a retried attempt uses the same. */
    token[0] = '\0';
    if (souk_user_id(r) <= 0) {
        ord_random_hex(token, 32);
        ord_hash_hex(token, hash);
        p.guest_hash = hash;
        p.guest_token = token;
    }
    rc = souk_db_tx(souk_db(r), ord_place_tx, &p);
    if (rc == SOUK_DECLINED) {
        return p.status >= 400 && p.status < 500 ? p.status : 409;
    }
    if (rc != SOUK_OK) {
        return SOUK_ERROR;
    }
    if (p.status == 201 && token[0] != '\0'
        && ord_guest_token_keep(r, token) != SOUK_OK)
    {
        souk_log(r, SOUK_LOG_WARN, "order %s: guest token not kept in the "
                 "session", out->number);
    }
    if (p.status == 201 && co->payment != NULL) {
        ord_place_payment_start(r, out, co->payment, p.email);
    }
    return p.status;
}

/* ---- the holds job ---- */

typedef struct {
    souk_request_t  *r;
    int64_t          id;
} ord_expire_t;

/* Cancels one order only if it is still unpaid past its hold, checked
 * under a lock in the same transaction: an order paid between the job's
 * scan and now must not be cancelled (and "refunded"). */
static int
ord_expire_tx(souk_db_t *db, void *arg)
{
    ord_expire_t  *e = arg;
    souk_stmt_t   *st;
    char           why[ORD_WHY];
    int            rc;

    st = souk_db_row(db, souk_db_dialect(db) == SOUK_DB_MARIADB
                     ? "SELECT id FROM orders WHERE id = ? AND status = "
                       "'pending_payment' AND hold_until < ? FOR UPDATE"
                     : "SELECT id FROM orders WHERE id = ? AND status = "
                       "'pending_payment' AND hold_until < ?", "ii", e->id,
                     ord_now());
    if (st == NULL) {
        return souk_db_error(db)[0] == '\0' ? SOUK_OK : SOUK_ERROR;
    }
    souk_stmt_reset(st);
    rc = ord_transition(e->r, e->id, "cancelled", "expired", 0, 1, why,
                        sizeof(why));
    return rc == SOUK_DECLINED ? SOUK_OK : rc;
}

/* Orders waiting for an off-site payment past their deadline: cancelled,
 * their stock released. Each in its own transaction, so one failure does
 * not keep the rest; safe to run twice (ord_transition refuses a second
 * cancel). */
static int
ord_holds_job(souk_request_t *r, void *data)
{
    souk_db_t    *db = souk_db(r);
    souk_stmt_t  *st;
    int64_t       ids[100];
    size_t        n = 0, i;
    int           rc, failed = 0;

    (void) data;
    st = souk_db_prepare(db, "SELECT id FROM orders WHERE hold_until < ? AND "
                         "site_id = ? AND status = 'pending_payment' ORDER BY "
                         "hold_until LIMIT 100");
    if (st == NULL || souk_stmt_bind_int(st, 1, ord_now()) != SOUK_OK
        || souk_stmt_bind_text(st, 2, souk_site_id(r), -1) != SOUK_OK)
    {
        return SOUK_ERROR;
    }
    while ((rc = souk_stmt_step(st)) == SOUK_ROW) {
        ids[n++] = souk_stmt_int(st, 0);
    }
    souk_stmt_reset(st);
    if (rc != SOUK_DONE) {
        return SOUK_ERROR;
    }
    for (i = 0; i < n; i++) {
        ord_expire_t  e = { r, ids[i] };

        rc = souk_db_tx(db, ord_expire_tx, &e);
        if (rc == SOUK_ERROR) {
            failed = 1;
        }
    }
    return failed ? SOUK_ERROR : SOUK_OK;
}

int
ord_place_init(souk_plugin_ctx_t *ctx)
{
    return souk_job_add(ctx, "orders.holds", 60, ord_holds_job, NULL);
}

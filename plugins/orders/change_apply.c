/* Accepting a change request: the new address, or the lines changed with
 * their stock taken or returned and the totals worked out again, all in
 * one transaction; when it cannot be done the request is declined with
 * the reason and the order stays as it was. */
#include <stdio.h>
#include <string.h>

#include "change.h"

#define ORD_ALLOC_MAX  64

typedef struct {
    souk_request_t      *r;
    const ord_change_t  *c;
    const char          *note;
    int64_t              actor;
    char                *why;
    size_t               whylen;
    int                  give_up;      /* declined: close the request */
    /* the order as read */
    ord_head_t           h;
    int                  incl;         /* prices include tax */
    int64_t              subtotal, discount, shipping, tax, lines_tax;
    char                 country[3], region[65], method[33];
} ord_accept_t;

/* Half-up tax of a line: the part of amount that is tax when prices
 * include it, or what is added on top when they do not. */
static int64_t
ord_tax_of(int64_t amount, int64_t rate_bp, int incl)
{
    int64_t  den = incl ? 10000 + rate_bp : 10000;

    return rate_bp <= 0 ? 0 : (2 * amount * rate_bp + den) / (2 * den);
}

/* The destination's rule: a region row wins over the country's. */
static int
ord_tax_rule(ord_accept_t *t, int64_t *rate, int *on_shipping)
{
    souk_stmt_t  *st;

    *rate = 0;
    *on_shipping = 0;
    st = souk_db_row(souk_db(t->r), "SELECT rate_bp, shipping FROM "
                     "order_tax_rules WHERE site_id = ? AND country = ? AND "
                     "(region = ? OR region = '') ORDER BY region DESC",
                     "ttt", souk_site_id(t->r), t->country, t->region);
    if (st == NULL) {
        return souk_db_error(souk_db(t->r))[0] == '\0' ? SOUK_OK
                                                       : SOUK_ERROR;
    }
    *rate = souk_stmt_int(st, 0);
    *on_shipping = souk_stmt_int(st, 1) != 0;
    souk_stmt_reset(st);
    return SOUK_OK;
}

static int
ord_accept_read(ord_accept_t *t)
{
    souk_stmt_t  *st;
    int           rc;

    if ((rc = ord_head_load(t->r, t->c->order_id, &t->h)) != SOUK_OK) {
        return rc;
    }
    st = souk_db_row(souk_db(t->r), "SELECT o.prices_include_tax, "
                     "o.subtotal, o.discount_total, o.shipping_total, "
                     "o.tax_total, o.ship_country, o.ship_region, "
                     "o.shipping_method, (SELECT COALESCE(SUM(tax_amount), "
                     "0) FROM order_lines l WHERE l.order_id = o.id) FROM "
                     "orders o WHERE o.id = ?", "i", t->h.id);
    if (st == NULL) {
        return SOUK_ERROR;
    }
    t->incl = souk_stmt_int(st, 0) != 0;
    t->subtotal = souk_stmt_int(st, 1);
    t->discount = souk_stmt_int(st, 2);
    t->shipping = souk_stmt_int(st, 3);
    t->tax = souk_stmt_int(st, 4);
    snprintf(t->country, sizeof(t->country), "%s", souk_stmt_text(st, 5));
    snprintf(t->region, sizeof(t->region), "%s", souk_stmt_text(st, 6));
    snprintf(t->method, sizeof(t->method), "%s", souk_stmt_text(st, 7));
    t->lines_tax = souk_stmt_int(st, 8);
    souk_stmt_reset(st);
    return SOUK_OK;
}

/* Stock for n more units of a line. ord_stock_take writes one allocation
 * row per warehouse and the table's key is (line, warehouse), so the
 * line's rows are set aside first and added back after. */
static int
ord_take_more(ord_accept_t *t, int64_t line_id, int64_t variant_id,
    int64_t n)
{
    souk_db_t    *db = souk_db(t->r);
    souk_stmt_t  *st;
    int64_t       wh[ORD_ALLOC_MAX], q[ORD_ALLOC_MAX];
    size_t        k = 0, i;
    int           rc;

    st = souk_db_prepare(db, "SELECT warehouse_id, quantity FROM "
                         "order_allocations WHERE line_id = ?");
    if (st == NULL || souk_stmt_bind_int(st, 1, line_id) != SOUK_OK) {
        return SOUK_ERROR;
    }
    while ((rc = souk_stmt_step(st)) == SOUK_ROW && k < ORD_ALLOC_MAX) {
        wh[k] = souk_stmt_int(st, 0);
        q[k++] = souk_stmt_int(st, 1);
    }
    souk_stmt_reset(st);
    if ((rc != SOUK_DONE && rc != SOUK_ROW)
        || souk_db_exec(db, "DELETE FROM order_allocations WHERE line_id = "
                        "?", "i", line_id) != SOUK_OK)
    {
        return SOUK_ERROR;
    }
    rc = ord_stock_take(t->r, t->h.number, line_id, variant_id, n, t->why,
                        t->whylen);
    if (rc != SOUK_OK) {
        t->give_up = rc == SOUK_DECLINED;
        return rc;
    }
    for (i = 0; i < k; i++) {
        if (souk_db_exec(db, "UPDATE order_allocations SET quantity = "
                         "quantity + ? WHERE line_id = ? AND warehouse_id = "
                         "?", "iii", q[i], line_id, wh[i]) != SOUK_OK
            || (souk_db_changes(db) == 0
                && souk_db_exec(db, "INSERT INTO order_allocations (line_id,"
                                " warehouse_id, quantity) VALUES (?, ?, ?)",
                                "iii", line_id, wh[i], q[i]) != SOUK_OK))
        {
            return SOUK_ERROR;
        }
    }
    return SOUK_OK;
}

/* A line to quantity nq (0 removes it): stock taken or returned, its
 * total, tax and weight in step; the unit price stays as sold. */
static int
ord_line_set(ord_accept_t *t, int64_t line_id, int64_t nq)
{
    souk_db_t    *db = souk_db(t->r);
    souk_stmt_t  *st;
    int64_t       q, vid, unit, rate, w, lt;
    int           service, rc;

    st = souk_db_row(db, "SELECT quantity, variant_id, unit_price, "
                     "tax_rate_bp, weight_g, kind FROM order_lines WHERE id = "
                     "? AND order_id = ?", "ii", line_id, t->h.id);
    if (st == NULL) {
        t->give_up = 1;
        return ord_decline(t->why, t->whylen, "line %lld is no longer on "
                           "the order", (long long) line_id);
    }
    q = souk_stmt_int(st, 0);
    vid = souk_stmt_int(st, 1);
    unit = souk_stmt_int(st, 2);
    rate = souk_stmt_int(st, 3);
    w = q > 0 ? souk_stmt_int(st, 4) / q : 0;
    service = strcmp(souk_stmt_text(st, 5), "service") == 0;
    souk_stmt_reset(st);
    if (nq > q && !service
        && (rc = ord_take_more(t, line_id, vid, nq - q)) != SOUK_OK)
    {
        return rc;
    }
    if (nq < q && ord_stock_return(t->r, t->h.number, line_id, q - nq,
                                   "return") != SOUK_OK)
    {
        return SOUK_ERROR;
    }
    if (nq == 0) {
        return souk_db_exec(db, "DELETE FROM order_allocations WHERE "
                            "line_id = ?", "i", line_id) == SOUK_OK
               && souk_db_exec(db, "DELETE FROM order_lines WHERE id = ?",
                               "i", line_id) == SOUK_OK
               ? SOUK_OK : SOUK_ERROR;
    }
    lt = unit * nq;
    return souk_db_exec(db, "UPDATE order_lines SET quantity = ?, "
                        "line_total = ?, tax_amount = ?, weight_g = ? WHERE "
                        "id = ?", "iiiii", nq, lt, ord_tax_of(lt, rate,
                                                              t->incl),
                        w * nq, line_id);
}

static int
ord_apply_quantities(ord_accept_t *t)
{
    const cJSON  *e;
    int64_t       id, q;
    int           rc;

    cJSON_ArrayForEach(e, cJSON_GetObjectItem(t->c->payload, "lines")) {
        if (souk_json_int(cJSON_GetObjectItem(e, "id"), 1, INT64_MAX, &id)
            != SOUK_OK
            || souk_json_int(cJSON_GetObjectItem(e, "quantity"), 0, 1000, &q)
               != SOUK_OK)
        {
            return SOUK_ERROR;          /* checked when it was made */
        }
        if ((rc = ord_line_set(t, id, q)) != SOUK_OK) {
            return rc;
        }
    }
    return SOUK_OK;
}

/* A new line at today's catalog price, or more of a line already there
 * (at the price it was sold at). */
static int
ord_add_item(ord_accept_t *t, const char *sku, int64_t q)
{
    souk_db_t       *db = souk_db(t->r);
    souk_stmt_t     *st;
    ord_sellable_t   s;
    int64_t          rate, lt, line_id;
    int              on_ship, rc;

    rc = ord_change_sellable(t->r, sku, t->h.currency, &s);
    if (rc != SOUK_OK) {
        t->give_up = rc == SOUK_DECLINED;
        return rc == SOUK_DECLINED ? ord_decline(t->why, t->whylen, "%s is "
                                                 "no longer for sale", sku)
                                   : rc;
    }
    st = souk_db_row(db, "SELECT id, quantity FROM order_lines WHERE "
                     "order_id = ? AND variant_id = ?", "ii", t->h.id,
                     s.variant_id);
    if (st != NULL) {
        line_id = souk_stmt_int(st, 0);
        q += souk_stmt_int(st, 1);
        souk_stmt_reset(st);
        return ord_line_set(t, line_id, q);
    }
    if (ord_tax_rule(t, &rate, &on_ship) != SOUK_OK) {
        return SOUK_ERROR;
    }
    lt = s.price * q;
    if (souk_db_exec(db, "INSERT INTO order_lines (order_id, variant_id, "
                     "product_id, sku, name, options, kind, quantity, "
                     "unit_price, line_total, tax_rate_bp, tax_amount, "
                     "weight_g) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, "
                     "?)", "iiitttt" "iiiiii", t->h.id, s.variant_id,
                     s.product_id, s.sku, s.name, s.options, s.kind, q,
                     s.price, lt, rate, ord_tax_of(lt, rate, t->incl),
                     s.weight_g * q) != SOUK_OK)
    {
        return SOUK_ERROR;
    }
    line_id = souk_db_last_id(db);
    if (strcmp(s.kind, "service") == 0) {
        return SOUK_OK;
    }
    rc = ord_stock_take(t->r, t->h.number, line_id, s.variant_id, q, t->why,
                        t->whylen);
    t->give_up = rc == SOUK_DECLINED;
    return rc;
}

static int
ord_apply_items(ord_accept_t *t)
{
    const cJSON  *e;
    int64_t       q;
    const char   *sku;
    int           rc;

    cJSON_ArrayForEach(e, cJSON_GetObjectItem(t->c->payload, "add")) {
        sku = cJSON_GetStringValue(cJSON_GetObjectItem(e, "sku"));
        if (sku == NULL || souk_json_int(cJSON_GetObjectItem(e, "quantity"),
                                         1, 1000, &q) != SOUK_OK)
        {
            return SOUK_ERROR;
        }
        if ((rc = ord_add_item(t, sku, q)) != SOUK_OK) {
            return rc;
        }
    }
    return SOUK_OK;
}

static int
ord_apply_address(ord_accept_t *t)
{
    ord_address_t  a;

    if (ord_address_from_json(t->c->payload, t->r, &a, t->why, t->whylen)
        != SOUK_OK)
    {
        t->give_up = 1;
        return SOUK_DECLINED;
    }
    return souk_db_exec(souk_db(t->r), "UPDATE orders SET ship_name = ?, "
                        "ship_line1 = ?, ship_line2 = ?, ship_city = ?, "
                        "ship_region = ?, ship_postcode = ?, ship_country = "
                        "?, ship_phone = ?, updated_at = ? WHERE id = ?",
                        "tttttttt" "ii", a.name, a.line1, a.line2, a.city,
                        a.region, a.postcode, a.country, a.phone, ord_now(),
                        t->h.id);
}

/*
 * Totals after the lines changed. Shipping stays as charged, with one
 * exception: an order that shipped free under a flat method's free_over
 * and whose goods now fall below it pays that method's price (a table
 * rate is not quoted again: it stays free). Tax on shipping is kept as
 * charged (or taken from the destination's rule for a new charge).
 */
static int
ord_recompute(ord_accept_t *t, int64_t *new_total)
{
    souk_db_t    *db = souk_db(t->r);
    souk_stmt_t  *st;
    int64_t       sub, ltax, weight, ship = t->shipping, stax, disc, rate;
    int           on_ship;

    st = souk_db_row(db, "SELECT COALESCE(SUM(line_total), 0), "
                     "COALESCE(SUM(tax_amount), 0), COALESCE(SUM(weight_g), "
                     "0) FROM order_lines WHERE order_id = ?", "i", t->h.id);
    if (st == NULL) {
        return SOUK_ERROR;
    }
    sub = souk_stmt_int(st, 0);
    ltax = souk_stmt_int(st, 1);
    weight = souk_stmt_int(st, 2);
    souk_stmt_reset(st);
    stax = t->tax > t->lines_tax ? t->tax - t->lines_tax : 0;
    disc = t->discount < sub ? t->discount : sub;
    if (ship == 0) {
        st = souk_db_row(db, "SELECT price FROM order_shipping_methods "
                         "WHERE site_id = ? AND code = ? AND kind = 'flat' "
                         "AND free_over > 0 AND free_over > ?", "tti",
                         souk_site_id(t->r), t->method, sub - disc);
        if (st != NULL) {
            ship = souk_stmt_int(st, 0);
            souk_stmt_reset(st);
            if (ord_tax_rule(t, &rate, &on_ship) != SOUK_OK) {
                return SOUK_ERROR;
            }
            stax = on_ship ? ord_tax_of(ship, rate, t->incl) : 0;
        }
    }
    *new_total = sub - disc + ship + (t->incl ? 0 : ltax + stax);
    return souk_db_exec(db, "UPDATE orders SET subtotal = ?, discount_total "
                        "= ?, shipping_total = ?, tax_total = ?, total = ?, "
                        "weight_g = ?, updated_at = ? WHERE id = ?",
                        "iiiiiiii", sub, disc, ship, ltax + stax, *new_total,
                        weight, ord_now(), t->h.id);
}

static int
ord_accept_fire(ord_accept_t *t, int64_t new_total, int64_t refund)
{
    cJSON  *ev = cJSON_CreateObject();
    int     rc;

    if (ev == NULL) {
        return SOUK_ERROR;
    }
    cJSON_AddNumberToObject(ev, "order_id", (double) t->h.id);
    cJSON_AddStringToObject(ev, "number", t->h.number);
    cJSON_AddStringToObject(ev, "site", t->h.site);
    cJSON_AddStringToObject(ev, "kind", t->c->kind);
    cJSON_AddNumberToObject(ev, "old_total", (double) t->h.total);
    cJSON_AddNumberToObject(ev, "new_total", (double) new_total);
    cJSON_AddNumberToObject(ev, "paid_amount", (double) t->h.paid_amount);
    cJSON_AddNumberToObject(ev, "refund_due", (double) refund);
    cJSON_AddStringToObject(ev, "currency", t->h.currency);
    rc = souk_action_run(t->r, "order.changed", ev);
    cJSON_Delete(ev);
    return rc;
}

static int
ord_accept_tx(souk_db_t *db, void *arg)
{
    ord_accept_t  *t = arg;
    int64_t        new_total, refund = 0;
    int            rc;
    char           note[600];

    t->give_up = 0;
    if (souk_db_exec(db, "UPDATE order_change_requests SET status = "
                     "'accepted', reason = ?, decided_by = ?, decided_at = ? "
                     "WHERE id = ? AND status = 'open'", "tiii", t->note,
                     t->actor, ord_now(), t->c->id) != SOUK_OK)
    {
        return SOUK_ERROR;
    }
    if (souk_db_changes(db) != 1) {
        return ord_decline(t->why, t->whylen, "Change request %lld is no "
                           "longer open", (long long) t->c->id);
    }
    if ((rc = ord_accept_read(t)) != SOUK_OK) {
        return rc == SOUK_DECLINED ? SOUK_ERROR : rc;
    }
    if (!ord_status_cancellable(t->h.status)) {
        t->give_up = 1;
        return ord_decline(t->why, t->whylen, "shipped");
    }
    new_total = t->h.total;
    if (t->c->payload == NULL) {
        return SOUK_ERROR;
    }
    if (strcmp(t->c->kind, "address") == 0) {
        rc = ord_apply_address(t);
    } else {
        rc = strcmp(t->c->kind, "quantities") == 0 ? ord_apply_quantities(t)
                                                   : ord_apply_items(t);
        if (rc == SOUK_OK) {
            rc = ord_recompute(t, &new_total);
        }
    }
    if (rc != SOUK_OK) {
        return rc;
    }
    if (t->h.paid_amount > new_total) {
        refund = t->h.paid_amount - new_total;
    }
    snprintf(note, sizeof(note), "Change request (%s) accepted. Total %s "
             "-> %s %s%s%s%s%s", t->c->kind,
             ord_staff_money(t->r, t->h.total, t->h.currency),
             ord_staff_money(t->r, new_total, t->h.currency), t->h.currency,
             refund > 0 ? ". Refund due: " : "",
             refund > 0 ? ord_staff_money(t->r, refund, t->h.currency) : "",
             t->note[0] != '\0' ? ". " : "", t->note);
    if (ord_event_add(t->r, t->h.id, "change", NULL, NULL, note, t->actor, 1)
        != SOUK_OK
        || ord_accept_fire(t, new_total, refund) != SOUK_OK)
    {
        return SOUK_ERROR;
    }
    return ord_mail_status(t->r, t->h.id, "changed");
}

int
ord_change_accept(souk_request_t *r, const ord_change_t *c,
    const char *note, int64_t actor, char *why, size_t whylen)
{
    ord_accept_t  t;
    char          reason[ORD_WHY], why2[ORD_WHY];
    int           rc;

    memset(&t, 0, sizeof(t));
    t.r = r;
    t.c = c;
    t.note = note != NULL ? note : "";
    t.actor = actor;
    t.why = why;
    t.whylen = whylen;
    rc = souk_db_tx(souk_db(r), ord_accept_tx, &t);
    if (rc == SOUK_ERROR) {
        souk_log(r, SOUK_LOG_ERROR, "orders: accepting change request %lld "
                 "failed: %s", (long long) c->id, souk_db_error(souk_db(r)));
    }
    if (rc != SOUK_DECLINED || !t.give_up) {
        return rc;
    }
    /* the accept rolled back whole; close the request with the reason */
    snprintf(reason, sizeof(reason), "%s", why);
    rc = ord_change_decline_now(r, c->id, reason, actor, why2,
                                sizeof(why2));
    if (rc != SOUK_OK) {
        return rc == SOUK_DECLINED ? ord_decline(why, whylen, "%s", why2)
                                   : rc;
    }
    return ord_decline(why, whylen, "The change could not be made (%s): "
                       "the request was declined", reason);
}

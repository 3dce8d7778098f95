/* Changing carts: adding, setting and removing lines, emptying a cart
 * once its order is placed, and adopting a guest cart at login. Every
 * change is one transaction that re-checks the catalog inside it. */
#include <stdio.h>
#include <string.h>

#include "cart.h"

typedef struct {
    souk_request_t  *r;
    const char      *owner;
    int64_t          uid;
    const char      *sku;        /* add */
    int64_t          line_id;    /* set */
    int64_t          qty;
    int              status;     /* the HTTP status of a refusal */
    char            *why;
    size_t           whylen;
} cart_edit_t;

static int
cart_refuse(cart_edit_t *e, int status, int rc)
{
    e->status = status;
    return rc;
}

/* The line of variant_id in cart_id: its id and quantity, 0 when none. */
static int64_t
cart_line_of(souk_db_t *db, int64_t cart_id, int64_t variant_id,
    int64_t *qty)
{
    souk_stmt_t  *st;
    int64_t       id;

    *qty = 0;
    st = souk_db_row(db, "SELECT id, quantity FROM cart_lines WHERE "
                     "cart_id = ? AND variant_id = ?", "ii", cart_id,
                     variant_id);
    if (st == NULL) {
        return souk_db_error(db)[0] == '\0' ? 0 : SOUK_ERROR;
    }
    id = souk_stmt_int(st, 0);
    *qty = souk_stmt_int(st, 1);
    souk_stmt_reset(st);
    return id;
}

/* Sets variant's quantity in cart_id: a new line when it has none (at
 * most CART_MAX_LINES of them). SOUK_OK, SOUK_DECLINED, SOUK_ERROR. */
static int
cart_line_put(souk_request_t *r, int64_t cart_id, int64_t line_id,
    const cart_item_t *it, int64_t qty, char *why, size_t whylen)
{
    souk_db_t    *db = souk_db(r);
    souk_stmt_t  *st;
    int64_t       n;

    if (line_id > 0) {
        return souk_db_exec(db, "UPDATE cart_lines SET quantity = ? WHERE "
                            "id = ?", "ii", qty, line_id);
    }
    st = souk_db_row(db, "SELECT COUNT(*) FROM cart_lines WHERE cart_id = ?",
                     "i", cart_id);
    if (st == NULL) {
        return SOUK_ERROR;
    }
    n = souk_stmt_int(st, 0);
    souk_stmt_reset(st);
    if (n >= CART_MAX_LINES) {
        return cart_decline(why, whylen, "A cart holds at most %d lines; "
                            "remove one first", CART_MAX_LINES);
    }
    return souk_db_exec(db, "INSERT INTO cart_lines (cart_id, variant_id, "
                        "sku, quantity, added_at) VALUES (?, ?, ?, ?, ?)",
                        "iitii", cart_id, it->variant_id, it->sku, qty,
                        cart_now());
}

static int
cart_add_tx(souk_db_t *db, void *arg)
{
    cart_edit_t  *e = arg;
    cart_item_t   it;
    int64_t       cart_id, line_id, have;
    int           rc;

    if ((cart_id = cart_get_or_make(e->r, e->owner, e->uid)) < 0) {
        return SOUK_ERROR;
    }
    rc = cart_item_load(e->r, e->sku, 0, &it, e->why, e->whylen);
    if (rc != SOUK_OK) {
        return cart_refuse(e, 422, rc);
    }
    if ((line_id = cart_line_of(db, cart_id, it.variant_id, &have)) < 0) {
        return SOUK_ERROR;
    }
    rc = cart_item_fits(e->r, &it, have + e->qty, e->why, e->whylen);
    if (rc == SOUK_OK) {
        rc = cart_line_put(e->r, cart_id, line_id, &it, have + e->qty,
                           e->why, e->whylen);
    }
    return cart_refuse(e, rc == SOUK_OK ? 201 : 422, rc);
}

int
cart_add(souk_request_t *r, const char *sku, int64_t qty, char *why,
    size_t whylen)
{
    cart_edit_t  e;
    cart_item_t  it;
    char         owner[CART_OWNER_LEN];
    int64_t      uid;
    int          rc;

    rc = cart_owner(r, 0, owner, &uid);
    if (rc == SOUK_DECLINED) {
        /* A first add: refuse what cannot go in before a session and a
         * cart are made for it. */
        rc = cart_item_load(r, sku, 0, &it, why, whylen);
        if (rc == SOUK_OK) {
            rc = cart_item_fits(r, &it, qty, why, whylen);
        }
        if (rc != SOUK_OK) {
            return rc == SOUK_DECLINED ? 422 : SOUK_ERROR;
        }
        rc = cart_owner(r, 1, owner, &uid);
        if (rc == SOUK_DECLINED) {
            cart_decline(why, whylen, "a cart needs a session or an API "
                         "token");
            return 403;
        }
    }
    if (rc != SOUK_OK) {
        return SOUK_ERROR;
    }
    memset(&e, 0, sizeof(e));
    e.r = r;
    e.owner = owner;
    e.uid = uid;
    e.sku = sku;
    e.qty = qty;
    e.why = why;
    e.whylen = whylen;
    rc = souk_db_tx(souk_db(r), cart_add_tx, &e);
    return rc == SOUK_OK ? 201 : rc == SOUK_DECLINED ? e.status : SOUK_ERROR;
}

static int
cart_set_tx(souk_db_t *db, void *arg)
{
    cart_edit_t  *e = arg;
    cart_item_t   it;
    souk_stmt_t  *st;
    int64_t       cart_id, variant_id;
    int           rc;

    if ((cart_id = cart_get_or_make(e->r, e->owner, e->uid)) < 0) {
        return SOUK_ERROR;
    }
    st = souk_db_row(db, "SELECT variant_id FROM cart_lines WHERE id = ? "
                     "AND cart_id = ?", "ii", e->line_id, cart_id);
    if (st == NULL) {
        if (souk_db_error(db)[0] != '\0') {
            return SOUK_ERROR;
        }
        /* Another visitor's line is simply not found. */
        cart_decline(e->why, e->whylen, "There is no such line in your "
                     "cart");
        return cart_refuse(e, 404, SOUK_DECLINED);
    }
    variant_id = souk_stmt_int(st, 0);
    souk_stmt_reset(st);
    if (e->qty == 0) {
        return souk_db_exec(db, "DELETE FROM cart_lines WHERE id = ?", "i",
                            e->line_id);
    }
    rc = cart_item_load(e->r, NULL, variant_id, &it, e->why, e->whylen);
    if (rc == SOUK_OK) {
        rc = cart_item_fits(e->r, &it, e->qty, e->why, e->whylen);
    }
    if (rc == SOUK_OK) {
        rc = cart_line_put(e->r, cart_id, e->line_id, &it, e->qty, e->why,
                           e->whylen);
    }
    return cart_refuse(e, 422, rc);
}

int
cart_set(souk_request_t *r, int64_t line_id, int64_t qty, char *why,
    size_t whylen)
{
    cart_edit_t  e;
    char         owner[CART_OWNER_LEN];
    int64_t      uid, id;
    int          rc;

    rc = cart_owner(r, 0, owner, &uid);
    if (rc == SOUK_ERROR) {
        return SOUK_ERROR;
    }
    id = rc == SOUK_OK ? cart_find(r, owner) : 0;
    if (id <= 0) {
        cart_decline(why, whylen, "There is no such line in your cart");
        return id == 0 ? 404 : SOUK_ERROR;
    }
    memset(&e, 0, sizeof(e));
    e.r = r;
    e.owner = owner;
    e.uid = uid;
    e.line_id = line_id;
    e.qty = qty;
    e.why = why;
    e.whylen = whylen;
    rc = souk_db_tx(souk_db(r), cart_set_tx, &e);
    return rc == SOUK_OK ? 200 : rc == SOUK_DECLINED ? e.status : SOUK_ERROR;
}

/* "order.placed": the order has the cart's lines now. Runs inside the
 * order's transaction, so both happen or neither. */
int
cart_order_placed(souk_request_t *r, const cJSON *event, void *data)
{
    int64_t  cart_id;

    (void) data;
    if (souk_json_int(cJSON_GetObjectItemCaseSensitive(event, "cart_id"), 1,
                      INT64_MAX, &cart_id) != SOUK_OK)
    {
        return SOUK_OK;         /* an order made from no cart */
    }
    if (souk_db_exec(souk_db(r), "DELETE FROM cart_lines WHERE cart_id IN "
                     "(SELECT id FROM cart_carts WHERE id = ? AND site_id = "
                     "?)", "it", cart_id, souk_site_id(r)) != SOUK_OK)
    {
        souk_log(r, SOUK_LOG_ERROR, "cannot empty cart %lld: %s",
                 (long long) cart_id, souk_db_error(souk_db(r)));
        return SOUK_ERROR;
    }
    return SOUK_OK;
}

typedef struct {
    int64_t  variant_id;
    int64_t  qty;
} cart_move_t;

/* Moves one guest line into the account's cart: quantities add up,
 * capped at what is available and at cart.max_quantity; a line no longer
 * for sale stays behind (and goes with the guest cart). */
static int
cart_merge_line(souk_request_t *r, int64_t to, const cart_move_t *m)
{
    cart_item_t  it;
    char         why[CART_WHY];
    int64_t      line_id, have, cap, want;
    int          rc;

    rc = cart_item_load(r, NULL, m->variant_id, &it, why, sizeof(why));
    if (rc != SOUK_OK) {
        return rc == SOUK_DECLINED ? SOUK_OK : rc;
    }
    if ((line_id = cart_line_of(souk_db(r), to, it.variant_id, &have)) < 0) {
        return SOUK_ERROR;
    }
    cap = cart_max_quantity(r);
    if (it.available >= 0 && it.available < cap) {
        cap = it.available;
    }
    want = have + m->qty < cap ? have + m->qty : cap;
    if (want <= have) {
        return SOUK_OK;
    }
    rc = cart_line_put(r, to, line_id, &it, want, why, sizeof(why));
    return rc == SOUK_DECLINED ? SOUK_OK : rc;
}

static int
cart_merge_tx(souk_db_t *db, void *arg)
{
    cart_edit_t   *e = arg;
    cart_move_t    moves[CART_MAX_LINES];
    souk_stmt_t   *st;
    char           owner[CART_OWNER_LEN];
    int64_t        from, to;
    size_t         n = 0, i;
    int            rc;

    if ((from = cart_find(e->r, e->owner)) <= 0) {
        return from == 0 ? SOUK_OK : SOUK_ERROR;
    }
    snprintf(owner, sizeof(owner), "u:%lld", (long long) e->uid);
    if ((to = cart_get_or_make(e->r, owner, e->uid)) < 0) {
        return SOUK_ERROR;
    }
    st = souk_db_prepare(db, "SELECT variant_id, quantity FROM cart_lines "
                         "WHERE cart_id = ? ORDER BY id");
    if (st == NULL || souk_stmt_bind_int(st, 1, from) != SOUK_OK) {
        return SOUK_ERROR;
    }
    while (n < CART_MAX_LINES && (rc = souk_stmt_step(st)) == SOUK_ROW) {
        moves[n].variant_id = souk_stmt_int(st, 0);
        moves[n++].qty = souk_stmt_int(st, 1);
    }
    souk_stmt_reset(st);
    for (i = 0; i < n; i++) {
        if (cart_merge_line(e->r, to, &moves[i]) != SOUK_OK) {
            return SOUK_ERROR;
        }
    }
    if (souk_db_exec(db, "DELETE FROM cart_lines WHERE cart_id = ?", "i",
                     from) != SOUK_OK
        || souk_db_exec(db, "DELETE FROM cart_carts WHERE id = ?", "i",
                        from) != SOUK_OK)
    {
        return SOUK_ERROR;
    }
    return SOUK_OK;
}

/* "session.login" {"user_id"}: the session still carries the guest's
 * cart token; its cart on this site joins the account's, then goes. */
int
cart_login(souk_request_t *r, const cJSON *event, void *data)
{
    cart_edit_t   e;
    const char   *t = souk_session_get(r, "cart");
    char          owner[CART_OWNER_LEN];
    int64_t       uid;
    int           rc;

    (void) data;
    if (t == NULL) {
        return SOUK_OK;
    }
    if (souk_json_int(cJSON_GetObjectItemCaseSensitive(event, "user_id"), 1,
                      INT64_MAX, &uid) != SOUK_OK)
    {
        return SOUK_OK;
    }
    memset(&e, 0, sizeof(e));
    e.r = r;
    e.uid = uid;
    if (strlen(t) == 32) {
        snprintf(owner, sizeof(owner), "g:%s", t);
        e.owner = owner;
        rc = souk_db_tx(souk_db(r), cart_merge_tx, &e);
        if (rc != SOUK_OK) {
            souk_log(r, SOUK_LOG_ERROR, "cannot merge the guest cart into "
                     "account %lld", (long long) uid);
            return SOUK_ERROR;
        }
    }
    return souk_session_set(r, "cart", NULL);
}

/* A guest cart untouched for cart.guest_days (default 30) can no longer
 * be reached: its session has long expired. */
static int
cart_sweep_tx(souk_db_t *db, void *arg)
{
    souk_request_t  *r = arg;
    int64_t          days, before;

    if (souk_int_parse(souk_setting(r, "cart.guest_days"), 1, 3650, &days)
        != SOUK_OK)
    {
        days = 30;
    }
    before = cart_now() - days * 86400;
    if (souk_db_exec(db, "DELETE FROM cart_lines WHERE cart_id IN (SELECT "
                     "id FROM cart_carts WHERE site_id = ? AND owner LIKE "
                     "'g:%' AND updated_at < ?)", "ti", souk_site_id(r),
                     before) != SOUK_OK
        || souk_db_exec(db, "DELETE FROM cart_carts WHERE site_id = ? AND "
                        "owner LIKE 'g:%' AND updated_at < ? AND NOT EXISTS "
                        "(SELECT 1 FROM cart_lines l WHERE l.cart_id = "
                        "cart_carts.id)", "ti", souk_site_id(r), before)
           != SOUK_OK)
    {
        souk_log(r, SOUK_LOG_ERROR, "cannot sweep guest carts: %s",
                 souk_db_error(db));
        return SOUK_ERROR;
    }
    return SOUK_OK;
}

int
cart_sweep_job(souk_request_t *r, void *data)
{
    (void) data;
    return souk_db_tx(souk_db(r), cart_sweep_tx, r);
}

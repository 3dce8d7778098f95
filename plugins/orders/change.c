/* Change requests: a customer asks to change an order before shipment
 * (address, quantities, items); staff accept it (change_apply.c does the
 * work) or decline it with a reason. */
#include <stdio.h>
#include <string.h>

#include "change.h"

#define ORD_CHANGE_QTY_MAX  1000
#define ORD_CHANGE_LINES    64

int
ord_change_sellable(souk_request_t *r, const char *sku, const char *cur,
    ord_sellable_t *out)
{
    souk_stmt_t  *st;

    if (sku == NULL || sku[0] == '\0' || strlen(sku) > 64) {
        return SOUK_DECLINED;
    }
    /* the cart's rules: a listed product of this group, shown on this
     * site, with a price in the order's currency */
    st = souk_db_row(souk_db(r), "SELECT v.id, v.product_id, v.sku, p.name, "
                     "v.options, p.kind, v.weight_g, pr.amount FROM "
                     "catalog_variants v JOIN catalog_products p ON p.id = "
                     "v.product_id JOIN catalog_product_sites ps ON "
                     "ps.product_id = p.id AND ps.site_id = ? JOIN "
                     "catalog_prices pr ON pr.variant_id = v.id AND "
                     "pr.currency = ? WHERE v.group_id = ? AND v.sku = ? AND "
                     "p.group_id = ? AND p.status = 'listed'", "ttttt",
                     souk_site_id(r), cur, souk_site_group(r), sku,
                     souk_site_group(r));
    if (st == NULL) {
        return souk_db_error(souk_db(r))[0] == '\0' ? SOUK_DECLINED
                                                    : SOUK_ERROR;
    }
    memset(out, 0, sizeof(*out));
    out->variant_id = souk_stmt_int(st, 0);
    out->product_id = souk_stmt_int(st, 1);
    snprintf(out->sku, sizeof(out->sku), "%s", souk_stmt_text(st, 2));
    snprintf(out->name, sizeof(out->name), "%s", souk_stmt_text(st, 3));
    snprintf(out->options, sizeof(out->options), "%s",
             souk_stmt_text(st, 4));
    snprintf(out->kind, sizeof(out->kind), "%s", souk_stmt_text(st, 5));
    out->weight_g = souk_stmt_int(st, 6);
    out->price = souk_stmt_int(st, 7);
    souk_stmt_reset(st);
    return SOUK_OK;
}

/* {"lines":[{"id","quantity"}]}: this order's lines, each once, at least
 * one left, something changes. */
static int
ord_change_check_qty(souk_request_t *r, int64_t order_id,
    const cJSON *payload, char *why, size_t whylen)
{
    const cJSON  *lines = cJSON_GetObjectItemCaseSensitive(payload, "lines");
    const cJSON  *e;
    int64_t       ids[ORD_CHANGE_LINES], id, q, have, n_lines = 0, n_zero = 0;
    int           n = 0, i, changed = 0;
    souk_stmt_t  *st;

    if (!cJSON_IsArray(lines) || cJSON_GetArraySize(lines) == 0
        || cJSON_GetArraySize(lines) > ORD_CHANGE_LINES)
    {
        return ord_decline(why, whylen, "Lines: a list of {\"id\", "
                           "\"quantity\"} (1 to %d)", ORD_CHANGE_LINES);
    }
    cJSON_ArrayForEach(e, lines) {
        if (souk_json_int(cJSON_GetObjectItem(e, "id"), 1, INT64_MAX, &id)
            != SOUK_OK
            || souk_json_int(cJSON_GetObjectItem(e, "quantity"), 0,
                             ORD_CHANGE_QTY_MAX, &q) != SOUK_OK)
        {
            return ord_decline(why, whylen, "Lines: each has a line id and "
                               "a quantity from 0 to %d",
                               ORD_CHANGE_QTY_MAX);
        }
        for (i = 0; i < n; i++) {
            if (ids[i] == id) {
                return ord_decline(why, whylen, "Lines: line %lld is "
                                   "named twice", (long long) id);
            }
        }
        ids[n++] = id;
        st = souk_db_row(souk_db(r), "SELECT quantity FROM order_lines "
                         "WHERE id = ? AND order_id = ?", "ii", id,
                         order_id);
        if (st == NULL) {
            return ord_decline(why, whylen, "Lines: the order has no line "
                               "%lld", (long long) id);
        }
        have = souk_stmt_int(st, 0);
        souk_stmt_reset(st);
        changed |= have != q;
        n_zero += q == 0;
    }
    st = souk_db_row(souk_db(r), "SELECT COUNT(*) FROM order_lines WHERE "
                     "order_id = ?", "i", order_id);
    if (st != NULL) {
        n_lines = souk_stmt_int(st, 0);
        souk_stmt_reset(st);
    }
    if (n_zero >= n_lines) {
        return ord_decline(why, whylen, "Lines: at least one line must stay "
                           "(to drop them all, cancel the order)");
    }
    return changed ? SOUK_OK
                   : ord_decline(why, whylen, "Lines: nothing would change");
}

/* {"add":[{"sku","quantity"}]}: each for sale on this site. */
static int
ord_change_check_items(souk_request_t *r, const ord_head_t *h,
    const cJSON *payload, char *why, size_t whylen)
{
    const cJSON     *add = cJSON_GetObjectItemCaseSensitive(payload, "add");
    const cJSON     *e;
    const char      *sku;
    ord_sellable_t   s;
    int64_t          q;
    int              rc;

    if (!cJSON_IsArray(add) || cJSON_GetArraySize(add) == 0
        || cJSON_GetArraySize(add) > ORD_CHANGE_LINES)
    {
        return ord_decline(why, whylen, "Add: a list of {\"sku\", "
                           "\"quantity\"} (1 to %d)", ORD_CHANGE_LINES);
    }
    cJSON_ArrayForEach(e, add) {
        sku = cJSON_GetStringValue(cJSON_GetObjectItem(e, "sku"));
        if (souk_json_int(cJSON_GetObjectItem(e, "quantity"), 1,
                          ORD_CHANGE_QTY_MAX, &q) != SOUK_OK)
        {
            return ord_decline(why, whylen, "Add: each quantity is from 1 "
                               "to %d", ORD_CHANGE_QTY_MAX);
        }
        rc = ord_change_sellable(r, sku, h->currency, &s);
        if (rc == SOUK_DECLINED) {
            return ord_decline(why, whylen, "Add: %s is not for sale here",
                               sku != NULL ? sku : "(no SKU)");
        }
        if (rc != SOUK_OK) {
            return SOUK_ERROR;
        }
    }
    return SOUK_OK;
}

typedef struct {
    souk_request_t  *r;
    int64_t          order_id;
    const char      *kind;
    const cJSON     *payload;
    const char      *message;
    int64_t          actor;
    int64_t         *id;
    char            *why;
    size_t           whylen;
} ord_create_t;

/* The JSON text of j in the request's pool, NULL on error. */
static const char *
ord_json_text(souk_request_t *r, const cJSON *j)
{
    char        *txt = cJSON_PrintUnformatted(j);
    const char  *out;

    if (txt == NULL) {
        return NULL;
    }
    out = souk_pstrdup(souk_request_pool(r), txt);
    cJSON_free(txt);
    return out;
}

/* Checks the order and the payload; the stored payload is the checked
 * one (an address as ord_address_json wrote it). NULL with why said, or
 * NULL with why empty on error. */
static const char *
ord_change_check(ord_create_t *c, const ord_head_t *h)
{
    ord_address_t  a;
    cJSON         *j;
    const char    *out;

    if (strcmp(c->kind, "address") == 0) {
        if (ord_address_from_json(c->payload, c->r, &a, c->why, c->whylen)
            != SOUK_OK)
        {
            return NULL;
        }
        j = ord_address_json(&a);
        out = ord_json_text(c->r, j);
        cJSON_Delete(j);
        return out;
    }
    if ((strcmp(c->kind, "quantities") == 0
         ? ord_change_check_qty(c->r, h->id, c->payload, c->why, c->whylen)
         : ord_change_check_items(c->r, h, c->payload, c->why, c->whylen))
        != SOUK_OK)
    {
        return NULL;
    }
    return ord_json_text(c->r, c->payload);
}

static int
ord_create_tx(souk_db_t *db, void *arg)
{
    ord_create_t  *c = arg;
    ord_head_t     h;
    souk_stmt_t   *st;
    const char    *payload;
    int            rc;

    if ((rc = ord_head_load(c->r, c->order_id, &h)) != SOUK_OK) {
        return rc == SOUK_DECLINED
               ? ord_decline(c->why, c->whylen, "No such order") : rc;
    }
    if (!ord_status_cancellable(h.status)) {
        return ord_decline(c->why, c->whylen, "Order %s is %s: it can no "
                           "longer be changed", h.number, h.status);
    }
    st = souk_db_row(db, "SELECT id FROM order_change_requests WHERE "
                     "order_id = ? AND status = 'open'", "i", h.id);
    if (st != NULL) {
        souk_stmt_reset(st);
        return ord_decline(c->why, c->whylen, "Order %s already has an open "
                           "change request", h.number);
    }
    if ((payload = ord_change_check(c, &h)) == NULL) {
        return c->why[0] != '\0' ? SOUK_DECLINED : SOUK_ERROR;
    }
    if (souk_db_exec(db, "INSERT INTO order_change_requests (order_id, "
                     "kind, payload, message, status, created_by, "
                     "created_at) VALUES (?, ?, ?, ?, 'open', ?, ?)",
                     "itttii", h.id, c->kind, payload, c->message,
                     c->actor, ord_now()) != SOUK_OK)
    {
        return SOUK_ERROR;
    }
    *c->id = souk_db_last_id(db);
    return ord_event_add(c->r, h.id, "change", NULL, NULL,
                         souk_psprintf(souk_request_pool(c->r),
                                       "Change requested (%s)", c->kind),
                         c->actor, 1);
}

int
ord_change_create(souk_request_t *r, int64_t order_id, const char *kind,
    const cJSON *payload, const char *message, int64_t actor, int64_t *id,
    char *why, size_t whylen)
{
    ord_create_t  c = { r, order_id, kind, payload, NULL, actor, id, why,
                        whylen };
    int64_t       dummy;

    if (why != NULL && whylen > 0) {
        why[0] = '\0';
    }
    if (id == NULL) {
        c.id = &dummy;
    }
    if (kind == NULL || (strcmp(kind, "address") != 0
                         && strcmp(kind, "quantities") != 0
                         && strcmp(kind, "items") != 0))
    {
        return ord_decline(why, whylen, "Kind: address, quantities or "
                           "items");
    }
    c.message = ord_staff_clean(r, message, 1000, 1);
    if (c.message == NULL) {
        return ord_decline(why, whylen, "Message: at most 1000 characters, "
                           "no control characters");
    }
    return souk_db_tx(souk_db(r), ord_create_tx, &c);
}

/* ---------- deciding ---------- */

int
ord_change_load(souk_request_t *r, int64_t change_id, ord_change_t *c)
{
    souk_stmt_t  *st;

    st = souk_db_row(souk_db(r), "SELECT c.id, c.order_id, c.kind, "
                     "c.payload, c.status FROM order_change_requests c JOIN "
                     "orders o ON o.id = c.order_id WHERE c.id = ? AND "
                     "o.site_id = ?", "it", change_id, souk_site_id(r));
    if (st == NULL) {
        return souk_db_error(souk_db(r))[0] == '\0' ? SOUK_DECLINED
                                                    : SOUK_ERROR;
    }
    memset(c, 0, sizeof(*c));
    c->id = souk_stmt_int(st, 0);
    c->order_id = souk_stmt_int(st, 1);
    snprintf(c->kind, sizeof(c->kind), "%s", souk_stmt_text(st, 2));
    c->payload = souk_pool_json(souk_request_pool(r),
                                cJSON_Parse(souk_stmt_text(st, 3)));
    snprintf(c->status, sizeof(c->status), "%s", souk_stmt_text(st, 4));
    souk_stmt_reset(st);
    return SOUK_OK;
}

typedef struct {
    souk_request_t  *r;
    int64_t          change_id;
    const char      *reason;
    int64_t          actor;
    char            *why;
    size_t           whylen;
} ord_decline_t;

/* Closes the request as declined: only an open one, by a conditional
 * update, so two managers deciding at once make one decision. */
static int
ord_decline_tx(souk_db_t *db, void *arg)
{
    ord_decline_t  *d = arg;
    ord_change_t    c;
    int             rc;

    if ((rc = ord_change_load(d->r, d->change_id, &c)) != SOUK_OK) {
        return rc == SOUK_DECLINED
               ? ord_decline(d->why, d->whylen, "No such change request")
               : rc;
    }
    if (souk_db_exec(db, "UPDATE order_change_requests SET status = "
                     "'declined', reason = ?, decided_by = ?, decided_at = ? "
                     "WHERE id = ? AND status = 'open'", "tiii", d->reason,
                     d->actor, ord_now(), c.id) != SOUK_OK)
    {
        return SOUK_ERROR;
    }
    if (souk_db_changes(db) != 1) {
        return ord_decline(d->why, d->whylen, "Change request %lld is no "
                           "longer open", (long long) c.id);
    }
    if (ord_event_add(d->r, c.order_id, "change", NULL, NULL,
                      souk_psprintf(souk_request_pool(d->r), "Change "
                                    "request (%s) declined: %s", c.kind,
                                    d->reason), d->actor, 1) != SOUK_OK)
    {
        return SOUK_ERROR;
    }
    return ord_mail_status(d->r, c.order_id, "changed");
}

int
ord_change_decline_now(souk_request_t *r, int64_t change_id,
    const char *reason, int64_t actor, char *why, size_t whylen)
{
    ord_decline_t  d = { r, change_id, reason, actor, why, whylen };

    return souk_db_tx(souk_db(r), ord_decline_tx, &d);
}

int
ord_change_decide(souk_request_t *r, int64_t change_id, int accept,
    const char *reason, int64_t actor, char *why, size_t whylen)
{
    ord_change_t  c;
    const char   *text;
    int           rc;

    if (why != NULL && whylen > 0) {
        why[0] = '\0';
    }
    if ((rc = ord_change_load(r, change_id, &c)) != SOUK_OK) {
        return rc == SOUK_DECLINED
               ? ord_decline(why, whylen, "No such change request") : rc;
    }
    if (strcmp(c.status, "open") != 0) {
        return ord_decline(why, whylen, "Change request %lld is already %s",
                           (long long) c.id, c.status);
    }
    text = ord_staff_clean(r, reason, 1000, 1);
    if (!accept) {
        if (text == NULL || text[0] == '\0') {
            return ord_decline(why, whylen, "Reason: say why the request "
                               "is declined (1 to 1000 characters)");
        }
        return ord_change_decline_now(r, change_id, text, actor, why,
                                      whylen);
    }
    if (text == NULL) {
        return ord_decline(why, whylen, "Reason: at most 1000 characters");
    }
    return ord_change_accept(r, &c, text, actor, why, whylen);
}

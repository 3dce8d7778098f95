/* Taking an order line's units from warehouse stock, and giving them back.
 * catalog_stock and catalog_stock_moves are the catalog's tables: orders
 * change them only here, by the conditional updates their CHECKs expect. */
#include <stdio.h>
#include <string.h>

#include "orders.h"

#define ORD_WAREHOUSES_MAX  64

static int
ord_stock_fire(souk_request_t *r, int64_t variant_id)
{
    cJSON  *ev = cJSON_CreateObject();
    int     rc;

    if (ev == NULL) {
        return SOUK_ERROR;
    }
    cJSON_AddNumberToObject(ev, "variant_id", (double) variant_id);
    rc = souk_action_run(r, "stock.changed", ev);
    cJSON_Delete(ev);
    return rc;
}

static int
ord_stock_move(souk_request_t *r, int64_t variant_id, int64_t warehouse_id,
    const char *kind, int64_t delta, const char *number)
{
    return souk_db_exec(souk_db(r), "INSERT INTO catalog_stock_moves "
                        "(variant_id, warehouse_id, kind, delta_on_hand, ref, "
                        "actor, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
                        "iititii", variant_id, warehouse_id, kind, delta,
                        number, souk_user_id(r), ord_now());
}

/* Takes up to want units from one warehouse row: the most it can without
 * going below what is reserved, in one statement, so it holds whatever
 * runs at the same time. Returns the units taken (0..want) or -1. */
static int64_t
ord_take_from(souk_request_t *r, int64_t variant_id, int64_t wh,
    int64_t want)
{
    souk_db_t    *db = souk_db(r);
    souk_stmt_t  *st;
    int64_t       avail, n;
    /* Read, then take conditionally. MariaDB reads with FOR UPDATE (a
     * plain read there is the transaction's old snapshot); SQLite's write
     * transaction already excludes other writers. Should the update still
     * match no row, read again, a bounded number of times. */
    int  tries;
    int  maria = souk_db_dialect(db) == SOUK_DB_MARIADB;

    for (tries = 0; tries < 4; tries++) {
        st = souk_db_row(db, maria
                         ? "SELECT on_hand - reserved FROM catalog_stock "
                           "WHERE variant_id = ? AND warehouse_id = ? FOR "
                           "UPDATE"
                         : "SELECT on_hand - reserved FROM catalog_stock "
                           "WHERE variant_id = ? AND warehouse_id = ?", "ii",
                         variant_id, wh);
        if (st == NULL) {
            return souk_db_error(db)[0] == '\0' ? 0 : -1;
        }
        avail = souk_stmt_int(st, 0);
        souk_stmt_reset(st);
        if (avail <= 0) {
            return 0;
        }
        n = avail < want ? avail : want;
        if (souk_db_exec(db, "UPDATE catalog_stock SET on_hand = on_hand - ? "
                         "WHERE variant_id = ? AND warehouse_id = ? AND "
                         "on_hand - reserved >= ?", "iiii", n, variant_id, wh,
                         n) != SOUK_OK)
        {
            return -1;
        }
        if (souk_db_changes(db) == 1) {
            return n;
        }
    }
    return 0;
}

/* A line's units from one warehouse, added to its row there if any (a
 * change request raising a quantity takes more for the same line). One
 * upsert on the primary key: an UPDATE-then-INSERT let MariaDB scan the
 * warehouse index for the missing row and next-key lock every allocation
 * of the warehouse, which deadlocked concurrent checkouts. */
static int
ord_allocate(souk_db_t *db, int64_t line_id, int64_t wh, int64_t n)
{
    return souk_db_exec(db, souk_db_dialect(db) == SOUK_DB_MARIADB
                        ? "INSERT INTO order_allocations (line_id, "
                          "warehouse_id, quantity) VALUES (?, ?, ?) ON "
                          "DUPLICATE KEY UPDATE quantity = quantity + "
                          "VALUES(quantity)"
                        : "INSERT INTO order_allocations (line_id, "
                          "warehouse_id, quantity) VALUES (?, ?, ?) ON "
                          "CONFLICT (line_id, warehouse_id) DO UPDATE SET "
                          "quantity = quantity + excluded.quantity", "iii",
                        line_id, wh, n);
}

int
ord_stock_take(souk_request_t *r, const char *number, int64_t line_id,
    int64_t variant_id, int64_t qty, char *why, size_t whylen)
{
    souk_db_t    *db = souk_db(r);
    souk_stmt_t  *st;
    int64_t       whs[ORD_WAREHOUSES_MAX], left = qty, got, total = 0;
    size_t        n = 0, i;
    int           rc;
    char          sku[65] = "";

    /* Warehouses in id order: every order locks rows in the same order,
     * so two orders for the same SKUs wait rather than deadlock. */
    st = souk_db_prepare(db, "SELECT s.warehouse_id FROM catalog_stock s "
                         "JOIN catalog_warehouses w ON w.id = s.warehouse_id "
                         "WHERE s.variant_id = ? AND w.active = 1 ORDER BY "
                         "s.warehouse_id");
    if (st == NULL || souk_stmt_bind_int(st, 1, variant_id) != SOUK_OK) {
        return SOUK_ERROR;
    }
    while ((rc = souk_stmt_step(st)) == SOUK_ROW && n < ORD_WAREHOUSES_MAX) {
        whs[n++] = souk_stmt_int(st, 0);
    }
    souk_stmt_reset(st);
    if (rc != SOUK_DONE && rc != SOUK_ROW) {
        return SOUK_ERROR;
    }
    for (i = 0; i < n && left > 0; i++) {
        got = ord_take_from(r, variant_id, whs[i], left);
        if (got < 0) {
            return SOUK_ERROR;
        }
        if (got == 0) {
            continue;
        }
        if (ord_allocate(db, line_id, whs[i], got) != SOUK_OK
            || ord_stock_move(r, variant_id, whs[i], "sale", -got, number)
               != SOUK_OK)
        {
            return SOUK_ERROR;
        }
        left -= got;
        total += got;
    }
    if (left > 0) {
        /* what was taken above is rolled back with the caller's tx */
        st = souk_db_row(db, "SELECT sku FROM catalog_variants WHERE id = ?",
                         "i", variant_id);
        if (st != NULL) {
            snprintf(sku, sizeof(sku), "%s", souk_stmt_text(st, 0));
            souk_stmt_reset(st);
        }
        return ord_decline(why, whylen, "Only %lld left of %s",
                           (long long) total, sku);
    }
    return ord_stock_fire(r, variant_id);
}

int
ord_stock_return(souk_request_t *r, const char *number, int64_t line_id,
    int64_t qty, const char *kind)
{
    souk_db_t    *db = souk_db(r);
    souk_stmt_t  *st;
    int64_t       whs[ORD_WAREHOUSES_MAX], have[ORD_WAREHOUSES_MAX];
    int64_t       variant_id, left, n_back;
    size_t        n = 0, i;
    int           rc;

    st = souk_db_row(db, "SELECT variant_id FROM order_lines WHERE id = ?",
                     "i", line_id);
    if (st == NULL) {
        return souk_db_error(db)[0] == '\0' ? SOUK_OK : SOUK_ERROR;
    }
    variant_id = souk_stmt_int(st, 0);
    souk_stmt_reset(st);
    st = souk_db_prepare(db, "SELECT warehouse_id, quantity FROM "
                         "order_allocations WHERE line_id = ? ORDER BY "
                         "warehouse_id DESC");
    if (st == NULL || souk_stmt_bind_int(st, 1, line_id) != SOUK_OK) {
        return SOUK_ERROR;
    }
    while ((rc = souk_stmt_step(st)) == SOUK_ROW && n < ORD_WAREHOUSES_MAX) {
        whs[n] = souk_stmt_int(st, 0);
        have[n++] = souk_stmt_int(st, 1);
    }
    souk_stmt_reset(st);
    if (rc != SOUK_DONE && rc != SOUK_ROW) {
        return SOUK_ERROR;
    }
    if (n == 0) {
        return SOUK_OK;                     /* a service: nothing taken */
    }
    left = qty < 0 ? INT64_MAX : qty;
    for (i = 0; i < n && left > 0; i++) {
        n_back = have[i] < left ? have[i] : left;
        if (souk_db_exec(db, "UPDATE catalog_stock SET on_hand = on_hand + ? "
                         "WHERE variant_id = ? AND warehouse_id = ?", "iii",
                         n_back, variant_id, whs[i]) != SOUK_OK
            || ord_stock_move(r, variant_id, whs[i], kind, n_back, number)
               != SOUK_OK
            || (n_back == have[i]
                ? souk_db_exec(db, "DELETE FROM order_allocations WHERE "
                               "line_id = ? AND warehouse_id = ?", "ii",
                               line_id, whs[i])
                : souk_db_exec(db, "UPDATE order_allocations SET quantity = "
                               "quantity - ? WHERE line_id = ? AND "
                               "warehouse_id = ?", "iii", n_back, line_id,
                               whs[i])) != SOUK_OK)
        {
            return SOUK_ERROR;
        }
        left -= n_back;
    }
    return ord_stock_fire(r, variant_id);
}

/* The product editor's history (workflow events, price changes, stock
 * moves: newest first, the last CBO_HISTORY of each) and the list of
 * warehouses the stock forms offer. Reads only. */
#include <stdio.h>
#include <string.h>

#include "back_office.h"

/* Who did it: an email for a user id, "system" for 0; one look-up per
 * distinct id of the page. */
static const char *
cbo_actor(souk_request_t *r, cJSON *seen, int64_t uid)
{
    char          key[32];
    const cJSON  *v;
    const char   *email;

    if (uid == 0) {
        return "system";
    }
    snprintf(key, sizeof(key), "%lld", (long long) uid);
    if ((v = cJSON_GetObjectItemCaseSensitive(seen, key)) != NULL) {
        return v->valuestring;
    }
    email = souk_user_email(r, uid);
    if (email == NULL) {
        email = souk_psprintf(souk_request_pool(r), "user %s", key);
    }
    cJSON_AddStringToObject(seen, key, email);
    return email;
}

typedef cJSON *(*cbo_history_row_pt)(souk_request_t *r, souk_stmt_t *st);

/* The rows sql finds for the product (its two parameters: the product's id
 * and CBO_HISTORY), each made by row (with an "actor_id"), then named by
 * their "actor". */
static cJSON *
cbo_history_rows(souk_request_t *r, const char *sql, int64_t id,
    cJSON *seen, cbo_history_row_pt row)
{
    souk_stmt_t  *st;
    cJSON        *out = cJSON_CreateArray(), *o;

    if ((st = souk_db_prepare(souk_db(r), sql)) == NULL) {
        return out;
    }
    souk_stmt_bind_int(st, 1, id);
    souk_stmt_bind_int(st, 2, CBO_HISTORY);
    while (souk_stmt_step(st) == SOUK_ROW) {
        cJSON_AddItemToArray(out, row(r, st));
    }
    /* Emails after the loop: the look-up would reset this statement. */
    cJSON_ArrayForEach(o, out) {
        cJSON_AddStringToObject(o, "actor", cbo_actor(r, seen, (int64_t)
            cJSON_GetObjectItemCaseSensitive(o, "actor_id")->valuedouble));
    }
    return out;
}

static cJSON *
cbo_event_row(souk_request_t *r, souk_stmt_t *st)
{
    cJSON  *o = cJSON_CreateObject();

    cJSON_AddStringToObject(o, "action", souk_stmt_text(st, 0));
    cJSON_AddStringToObject(o, "from", souk_stmt_is_null(st, 1) ? ""
                            : souk_stmt_text(st, 1));
    cJSON_AddStringToObject(o, "to", souk_stmt_is_null(st, 2) ? ""
                            : souk_stmt_text(st, 2));
    cJSON_AddStringToObject(o, "note", souk_stmt_text(st, 3));
    cJSON_AddStringToObject(o, "at", cbo_time_text(r, souk_stmt_int(st, 4)));
    cJSON_AddNumberToObject(o, "actor_id", (double) souk_stmt_int(st, 5));
    return o;
}

static cJSON *
cbo_price_row(souk_request_t *r, souk_stmt_t *st)
{
    cJSON       *o = cJSON_CreateObject();
    const char  *cur;

    cur = souk_pstrdup(souk_request_pool(r), souk_stmt_text(st, 2));
    cJSON_AddStringToObject(o, "at", cbo_time_text(r, souk_stmt_int(st, 0)));
    cJSON_AddStringToObject(o, "sku", souk_stmt_text(st, 1));
    cJSON_AddStringToObject(o, "currency", cur);
    cJSON_AddStringToObject(o, "old", souk_stmt_is_null(st, 3) ? ""
                            : cbo_money_text(r, souk_stmt_int(st, 3), cur));
    cJSON_AddStringToObject(o, "new", cbo_money_text(r, souk_stmt_int(st, 4),
                                                     cur));
    cJSON_AddStringToObject(o, "reason", souk_stmt_text(st, 5));
    cJSON_AddNumberToObject(o, "actor_id", (double) souk_stmt_int(st, 6));
    return o;
}

static cJSON *
cbo_move_row(souk_request_t *r, souk_stmt_t *st)
{
    cJSON  *o = cJSON_CreateObject();

    cJSON_AddStringToObject(o, "at", cbo_time_text(r, souk_stmt_int(st, 0)));
    cJSON_AddStringToObject(o, "sku", souk_stmt_text(st, 1));
    cJSON_AddStringToObject(o, "warehouse", souk_stmt_text(st, 2));
    cJSON_AddStringToObject(o, "kind", souk_stmt_text(st, 3));
    cJSON_AddNumberToObject(o, "on_hand", (double) souk_stmt_int(st, 4));
    cJSON_AddNumberToObject(o, "reserved", (double) souk_stmt_int(st, 5));
    cJSON_AddStringToObject(o, "note", souk_stmt_text(st, 6));
    cJSON_AddNumberToObject(o, "actor_id", (double) souk_stmt_int(st, 7));
    cJSON_AddStringToObject(o, "ref", souk_stmt_text(st, 8));
    return o;
}

cJSON *
cbo_history(souk_request_t *r, int64_t product_id)
{
    cJSON  *h = cJSON_CreateObject(), *seen = cJSON_CreateObject();

    cJSON_AddItemToObject(h, "events", cbo_history_rows(r, "SELECT action, "
        "from_status, to_status, note, created_at, actor FROM catalog_events "
        "WHERE product_id = ? ORDER BY id DESC LIMIT ?", product_id, seen,
        cbo_event_row));
    cJSON_AddItemToObject(h, "prices", cbo_history_rows(r, "SELECT "
        "l.created_at, v.sku, l.currency, l.old_amount, l.new_amount, "
        "l.reason, l.actor FROM catalog_price_log l JOIN catalog_variants v "
        "ON v.id = l.variant_id WHERE v.product_id = ? ORDER BY l.id DESC "
        "LIMIT ?", product_id, seen, cbo_price_row));
    cJSON_AddItemToObject(h, "moves", cbo_history_rows(r, "SELECT "
        "m.created_at, v.sku, w.code, m.kind, m.delta_on_hand, "
        "m.delta_reserved, m.note, m.actor, m.ref FROM catalog_stock_moves m "
        "JOIN catalog_variants v ON v.id = m.variant_id JOIN "
        "catalog_warehouses w ON w.id = m.warehouse_id WHERE v.product_id = "
        "? ORDER BY m.id DESC LIMIT ?", product_id, seen, cbo_move_row));
    cJSON_Delete(seen);
    return h;
}

cJSON *
cbo_warehouse_list(souk_request_t *r)
{
    souk_stmt_t  *st;
    cJSON        *out = cJSON_CreateArray(), *o;
    int64_t       id;

    st = souk_db_prepare(souk_db(r), "SELECT id, code, name, line1, line2, "
                         "city, postcode, country, active FROM "
                         "catalog_warehouses ORDER BY code");
    if (st == NULL) {
        return out;
    }
    while (souk_stmt_step(st) == SOUK_ROW) {
        id = souk_stmt_int(st, 0);
        o = cJSON_CreateObject();
        cJSON_AddNumberToObject(o, "id", (double) id);
        cJSON_AddStringToObject(o, "code", souk_stmt_text(st, 1));
        cJSON_AddStringToObject(o, "name", souk_stmt_text(st, 2));
        cJSON_AddStringToObject(o, "line1", souk_stmt_text(st, 3));
        cJSON_AddStringToObject(o, "line2", souk_stmt_text(st, 4));
        cJSON_AddStringToObject(o, "city", souk_stmt_text(st, 5));
        cJSON_AddStringToObject(o, "postcode", souk_stmt_text(st, 6));
        cJSON_AddStringToObject(o, "country", souk_stmt_text(st, 7));
        cJSON_AddBoolToObject(o, "active", souk_stmt_int(st, 8) != 0);
        cJSON_AddStringToObject(o, "href", cbo_url(r, "/admin/catalog/"
                                "warehouses?edit=%lld", (long long) id));
        cJSON_AddStringToObject(o, "receipts", cbo_url(r, "/admin/catalog/"
                                "warehouses/%lld/receipts", (long long) id));
        cJSON_AddItemToArray(out, o);
    }
    return out;
}

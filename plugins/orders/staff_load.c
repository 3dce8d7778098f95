/* The order document staff see: the customer document of load.c (or, while
 * that is missing, our own head and lines) with every event, where each
 * line's units were taken from, the change requests and the moves allowed
 * now. */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "staff.h"

static const struct {
    const char  *status;
    const char  *label;
} ord_labels[] = {
    { "pending_payment", "Pending payment" }, { "paid", "Paid" },
    { "picking", "Picking" }, { "packed", "Packed" },
    { "shipped", "Shipped" }, { "delivered", "Delivered" },
    { "completed", "Completed" }, { "on_hold", "On hold" },
    { "cancelled", "Cancelled" },
};

const char *
ord_staff_status_label(const char *s)
{
    size_t  i;

    for (i = 0; s != NULL && i < sizeof(ord_labels) / sizeof(ord_labels[0]);
         i++)
    {
        if (strcmp(s, ord_labels[i].status) == 0) {
            return ord_labels[i].label;
        }
    }
    return s != NULL ? s : "";
}

const char *
ord_staff_move_perm(const char *from, const char *to)
{
    /* money and exceptions are a manager's; the warehouse's daily moves
     * (pick, pack, ship, deliver, complete) a clerk's */
    if (strcmp(to, "paid") == 0 || strcmp(to, "on_hold") == 0
        || strcmp(to, "cancelled") == 0 || strcmp(from, "on_hold") == 0)
    {
        return "orders.manage";
    }
    return "orders.fulfil";
}

const char *
ord_staff_money(souk_request_t *r, int64_t v, const char *cur)
{
    char  buf[40];

    if (souk_money_format(buf, sizeof(buf), v, cur) != SOUK_OK) {
        snprintf(buf, sizeof(buf), "%lld", (long long) v);
    }
    return souk_pstrdup(souk_request_pool(r), buf);
}

const char *
ord_staff_time(souk_request_t *r, int64_t t)
{
    struct tm  tm;
    time_t     tt = (time_t) t;
    char       buf[32];

    if (t <= 0 || gmtime_r(&tt, &tm) == NULL) {
        return "";
    }
    strftime(buf, sizeof(buf), "%Y-%m-%d %H:%M", &tm);
    return souk_pstrdup(souk_request_pool(r), buf);
}

static const char *
ord_iso(souk_request_t *r, int64_t t)
{
    struct tm  tm;
    time_t     tt = (time_t) t;
    char       buf[32];

    if (t <= 0 || gmtime_r(&tt, &tm) == NULL) {
        return "";
    }
    strftime(buf, sizeof(buf), "%Y-%m-%dT%H:%M:%SZ", &tm);
    return souk_pstrdup(souk_request_pool(r), buf);
}

/* ---------- what staff see on top ---------- */

/* Columns only staff need, whatever load.c gives. */
static int
ord_staff_head(souk_request_t *r, int64_t id, cJSON *doc)
{
    souk_stmt_t  *st;
    const char   *from;

    st = souk_db_row(souk_db(r), "SELECT status, held_from, pay_timing, "
                     "user_id, cancel_reason, weight_g, payment_method, "
                     "placed_at FROM orders WHERE id = ? AND site_id = ?",
                     "it", id, souk_site_id(r));
    if (st == NULL) {
        return SOUK_ERROR;
    }
    from = souk_pstrdup(souk_request_pool(r), souk_stmt_text(st, 0));
    cJSON_DeleteItemFromObjectCaseSensitive(doc, "status_label");
    cJSON_AddStringToObject(doc, "status_label", ord_staff_status_label(from));
    cJSON_DeleteItemFromObjectCaseSensitive(doc, "held_from");
    cJSON_AddStringToObject(doc, "held_from", souk_stmt_text(st, 1));
    cJSON_DeleteItemFromObjectCaseSensitive(doc, "pay_timing");
    cJSON_AddStringToObject(doc, "pay_timing", souk_stmt_text(st, 2));
    cJSON_DeleteItemFromObjectCaseSensitive(doc, "user_id");
    cJSON_AddNumberToObject(doc, "user_id", (double) souk_stmt_int(st, 3));
    cJSON_DeleteItemFromObjectCaseSensitive(doc, "cancel_reason");
    cJSON_AddStringToObject(doc, "cancel_reason", souk_stmt_text(st, 4));
    cJSON_DeleteItemFromObjectCaseSensitive(doc, "weight_g");
    cJSON_AddNumberToObject(doc, "weight_g", (double) souk_stmt_int(st, 5));
    cJSON_AddStringToObject(doc, "placed_text",
                            ord_staff_time(r, souk_stmt_int(st, 7)));
    souk_stmt_reset(st);
    return SOUK_OK;
}

/* lines[].allocations: {"warehouse" (code), "warehouse_name","quantity"}. */
static int
ord_staff_alloc(souk_request_t *r, cJSON *doc)
{
    souk_stmt_t  *st;
    cJSON        *line, *arr, *o;
    int64_t       lid;
    int           rc;

    cJSON_ArrayForEach(line, cJSON_GetObjectItemCaseSensitive(doc, "lines")) {
        if (souk_json_int(cJSON_GetObjectItemCaseSensitive(line, "id"), 1,
                          INT64_MAX, &lid) != SOUK_OK)
        {
            continue;
        }
        cJSON_DeleteItemFromObjectCaseSensitive(line, "allocations");
        arr = cJSON_AddArrayToObject(line, "allocations");
        st = souk_db_prepare(souk_db(r), "SELECT w.code, w.name, "
                             "a.quantity FROM order_allocations a JOIN "
                             "catalog_warehouses w ON w.id = a.warehouse_id "
                             "WHERE a.line_id = ? ORDER BY w.id");
        if (st == NULL || souk_stmt_bind_int(st, 1, lid) != SOUK_OK) {
            return SOUK_ERROR;
        }
        while ((rc = souk_stmt_step(st)) == SOUK_ROW) {
            o = cJSON_CreateObject();
            cJSON_AddStringToObject(o, "warehouse", souk_stmt_text(st, 0));
            cJSON_AddStringToObject(o, "warehouse_name",
                                    souk_stmt_text(st, 1));
            cJSON_AddNumberToObject(o, "quantity",
                                    (double) souk_stmt_int(st, 2));
            cJSON_AddItemToArray(arr, o);
        }
        souk_stmt_reset(st);
        if (rc != SOUK_DONE) {
            return SOUK_ERROR;
        }
    }
    return SOUK_OK;
}

/* events[]: every one, oldest first, with who and whether public. */
static int
ord_staff_events(souk_request_t *r, int64_t id, cJSON *doc)
{
    souk_stmt_t  *st;
    cJSON        *arr, *o;
    int           rc;

    cJSON_DeleteItemFromObjectCaseSensitive(doc, "events");
    arr = cJSON_AddArrayToObject(doc, "events");
    st = souk_db_prepare(souk_db(r), "SELECT e.id, e.kind, e.from_status, "
                         "e.to_status, e.note, e.actor, e.public, "
                         "e.created_at, COALESCE(u.email, '') FROM "
                         "order_events e LEFT JOIN souk_users u ON u.id = "
                         "e.actor WHERE e.order_id = ? ORDER BY e.id");
    if (st == NULL || souk_stmt_bind_int(st, 1, id) != SOUK_OK) {
        return SOUK_ERROR;
    }
    while ((rc = souk_stmt_step(st)) == SOUK_ROW) {
        o = cJSON_CreateObject();
        cJSON_AddNumberToObject(o, "id", (double) souk_stmt_int(st, 0));
        cJSON_AddStringToObject(o, "kind", souk_stmt_text(st, 1));
        cJSON_AddStringToObject(o, "from", souk_stmt_text(st, 2));
        cJSON_AddStringToObject(o, "to", souk_stmt_text(st, 3));
        cJSON_AddStringToObject(o, "note", souk_stmt_text(st, 4));
        cJSON_AddNumberToObject(o, "actor", (double) souk_stmt_int(st, 5));
        cJSON_AddBoolToObject(o, "public", souk_stmt_int(st, 6) != 0);
        cJSON_AddStringToObject(o, "at", ord_iso(r, souk_stmt_int(st, 7)));
        cJSON_AddStringToObject(o, "at_text",
                                ord_staff_time(r, souk_stmt_int(st, 7)));
        cJSON_AddStringToObject(o, "actor_email", souk_stmt_text(st, 8));
        cJSON_AddItemToArray(arr, o);
    }
    souk_stmt_reset(st);
    return rc == SOUK_DONE ? SOUK_OK : SOUK_ERROR;
}

static int
ord_staff_changes(souk_request_t *r, int64_t id, cJSON *doc)
{
    souk_stmt_t  *st;
    cJSON        *arr, *o, *p;
    int           rc, open = 0;

    cJSON_DeleteItemFromObjectCaseSensitive(doc, "change_requests");
    arr = cJSON_AddArrayToObject(doc, "change_requests");
    st = souk_db_prepare(souk_db(r), "SELECT id, kind, payload, message, "
                         "status, reason, created_at, decided_at FROM "
                         "order_change_requests WHERE order_id = ? ORDER BY "
                         "id");
    if (st == NULL || souk_stmt_bind_int(st, 1, id) != SOUK_OK) {
        return SOUK_ERROR;
    }
    while ((rc = souk_stmt_step(st)) == SOUK_ROW) {
        o = cJSON_CreateObject();
        cJSON_AddNumberToObject(o, "id", (double) souk_stmt_int(st, 0));
        cJSON_AddStringToObject(o, "kind", souk_stmt_text(st, 1));
        p = cJSON_Parse(souk_stmt_text(st, 2));
        cJSON_AddItemToObject(o, "payload", p != NULL ? p
                                                      : cJSON_CreateNull());
        cJSON_AddStringToObject(o, "payload_text", souk_stmt_text(st, 2));
        cJSON_AddStringToObject(o, "message", souk_stmt_text(st, 3));
        cJSON_AddStringToObject(o, "status", souk_stmt_text(st, 4));
        cJSON_AddBoolToObject(o, "open",
                              strcmp(souk_stmt_text(st, 4), "open") == 0);
        open |= strcmp(souk_stmt_text(st, 4), "open") == 0;
        cJSON_AddStringToObject(o, "reason", souk_stmt_text(st, 5));
        cJSON_AddStringToObject(o, "created_at",
                                ord_iso(r, souk_stmt_int(st, 6)));
        cJSON_AddStringToObject(o, "created_text",
                                ord_staff_time(r, souk_stmt_int(st, 6)));
        cJSON_AddItemToArray(arr, o);
    }
    souk_stmt_reset(st);
    cJSON_AddBoolToObject(doc, "has_open_change", open);
    return rc == SOUK_DONE ? SOUK_OK : SOUK_ERROR;
}

/* transitions[]: the statuses the state machine allows from here, for
 * the buttons; "allowed" says whether this user may make the move. */
static void
ord_staff_moves(souk_request_t *r, cJSON *doc)
{
    static const char *const  all[] = { "paid", "picking", "packed",
        "shipped", "delivered", "completed", "on_hold", "cancelled",
        "pending_payment", NULL };
    const char  *from, *pt, *held, *perm;
    cJSON       *arr, *o;
    size_t       i;

    from = cJSON_GetStringValue(cJSON_GetObjectItem(doc, "status"));
    pt = cJSON_GetStringValue(cJSON_GetObjectItem(doc, "pay_timing"));
    held = cJSON_GetStringValue(cJSON_GetObjectItem(doc, "held_from"));
    arr = cJSON_AddArrayToObject(doc, "transitions");
    for (i = 0; from != NULL && all[i] != NULL; i++) {
        if (!ord_transition_ok(from, all[i], pt, held)) {
            continue;
        }
        perm = ord_staff_move_perm(from, all[i]);
        o = cJSON_CreateObject();
        cJSON_AddStringToObject(o, "to", all[i]);
        cJSON_AddStringToObject(o, "label", strcmp(from, "on_hold") == 0
                                && strcmp(all[i], "cancelled") != 0
                                ? "Release hold"
                                : ord_staff_status_label(all[i]));
        cJSON_AddStringToObject(o, "perm", perm);
        cJSON_AddBoolToObject(o, "allowed", souk_user_can(r, perm));
        cJSON_AddBoolToObject(o, "is_ship", strcmp(all[i], "shipped") == 0);
        cJSON_AddItemToArray(arr, o);
    }
    cJSON_AddBoolToObject(doc, "has_transitions",
                          cJSON_GetArraySize(arr) > 0);
}

cJSON *
ord_staff_doc(souk_request_t *r, int64_t order_id)
{
    cJSON  *doc;

    /* the customer's document and its lines; the events, change requests
     * and allocations staff see (with who and which warehouse) are read
     * below, so load.c is not asked for them too */
    doc = ord_load(r, order_id, ORD_LOAD_LINES);
    if (doc == NULL
        || ord_staff_head(r, order_id, doc) != SOUK_OK
        || ord_staff_alloc(r, doc) != SOUK_OK
        || ord_staff_events(r, order_id, doc) != SOUK_OK
        || ord_staff_changes(r, order_id, doc) != SOUK_OK)
    {
        return NULL;
    }
    ord_staff_moves(r, doc);
    return doc;
}

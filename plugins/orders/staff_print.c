/* Printable pages for the warehouse: the pick list of one warehouse (what
 * to take off the shelves, summed by SKU and per order) and an order's
 * packing slip (what is in the parcel, never its prices). */
#include <stdio.h>
#include <string.h>

#include "staff.h"

/* Orders the warehouse should pick now: paid or being picked, and cash
 * on delivery orders, which are fulfilled before they are paid. */
#define ORD_PICKABLE \
    "(o.status IN ('paid', 'picking') OR (o.status = 'pending_payment' " \
    "AND o.pay_timing = 'on_delivery'))"

static void
ord_pick_warehouses(souk_request_t *r, cJSON *m, const char *code)
{
    souk_stmt_t  *st;
    cJSON        *arr = cJSON_AddArrayToObject(m, "warehouses"), *o;

    st = souk_db_prepare(souk_db(r), "SELECT code, name FROM "
                         "catalog_warehouses WHERE active = 1 ORDER BY "
                         "code");
    if (st == NULL) {
        return;
    }
    while (souk_stmt_step(st) == SOUK_ROW) {
        o = cJSON_CreateObject();
        cJSON_AddStringToObject(o, "code", souk_stmt_text(st, 0));
        cJSON_AddStringToObject(o, "name", souk_stmt_text(st, 1));
        cJSON_AddBoolToObject(o, "selected", code != NULL
                              && strcmp(code, souk_stmt_text(st, 0)) == 0);
        cJSON_AddStringToObject(o, "href", souk_psprintf(
            souk_request_pool(r), "%s/admin/orders/picklist?warehouse=%s",
            souk_site_base_path(r), souk_stmt_text(st, 0)));
        cJSON_AddItemToArray(arr, o);
    }
    souk_stmt_reset(st);
}

/* skus[]: {"sku","name","options","quantity"} summed over the orders. */
static int
ord_pick_skus(souk_request_t *r, int64_t wid, cJSON *m)
{
    souk_stmt_t  *st;
    cJSON        *arr = cJSON_AddArrayToObject(m, "skus"), *o;
    int64_t       units = 0;
    int           rc;

    st = souk_db_prepare(souk_db(r), "SELECT l.sku, MIN(l.name), "
                         "MIN(l.options), SUM(a.quantity) FROM "
                         "order_allocations a JOIN order_lines l ON l.id = "
                         "a.line_id JOIN orders o ON o.id = l.order_id WHERE "
                         "o.site_id = ? AND a.warehouse_id = ? AND "
                         ORD_PICKABLE " GROUP BY l.sku ORDER BY l.sku");
    if (st == NULL
        || souk_stmt_bind_text(st, 1, souk_site_id(r), -1) != SOUK_OK
        || souk_stmt_bind_int(st, 2, wid) != SOUK_OK)
    {
        return SOUK_ERROR;
    }
    while ((rc = souk_stmt_step(st)) == SOUK_ROW) {
        o = cJSON_CreateObject();
        cJSON_AddStringToObject(o, "sku", souk_stmt_text(st, 0));
        cJSON_AddStringToObject(o, "name", souk_stmt_text(st, 1));
        cJSON_AddStringToObject(o, "options", souk_stmt_text(st, 2));
        cJSON_AddNumberToObject(o, "quantity", (double) souk_stmt_int(st, 3));
        units += souk_stmt_int(st, 3);
        cJSON_AddItemToArray(arr, o);
    }
    souk_stmt_reset(st);
    cJSON_AddBoolToObject(m, "has_skus", cJSON_GetArraySize(arr) > 0);
    cJSON_AddNumberToObject(m, "units", (double) units);
    return rc == SOUK_DONE ? SOUK_OK : SOUK_ERROR;
}

/* orders[]: {"number","status_label","href","lines":[{"sku","name",
 * "options","quantity"}]}, oldest first (first in, first out). */
static int
ord_pick_orders(souk_request_t *r, int64_t wid, cJSON *m)
{
    souk_stmt_t  *st;
    cJSON        *arr = cJSON_AddArrayToObject(m, "orders"), *o = NULL, *l;
    int64_t       last = 0;
    int           rc;

    st = souk_db_prepare(souk_db(r), "SELECT o.id, o.number, o.status, "
                         "l.sku, l.name, l.options, a.quantity FROM "
                         "order_allocations a JOIN order_lines l ON l.id = "
                         "a.line_id JOIN orders o ON o.id = l.order_id WHERE "
                         "o.site_id = ? AND a.warehouse_id = ? AND "
                         ORD_PICKABLE " ORDER BY o.placed_at, o.id, l.id");
    if (st == NULL
        || souk_stmt_bind_text(st, 1, souk_site_id(r), -1) != SOUK_OK
        || souk_stmt_bind_int(st, 2, wid) != SOUK_OK)
    {
        return SOUK_ERROR;
    }
    while ((rc = souk_stmt_step(st)) == SOUK_ROW) {
        if (o == NULL || souk_stmt_int(st, 0) != last) {
            last = souk_stmt_int(st, 0);
            o = cJSON_CreateObject();
            cJSON_AddStringToObject(o, "number", souk_stmt_text(st, 1));
            cJSON_AddStringToObject(o, "status", souk_stmt_text(st, 2));
            cJSON_AddStringToObject(o, "status_label",
                ord_staff_status_label(souk_stmt_text(st, 2)));
            cJSON_AddStringToObject(o, "href", souk_psprintf(
                souk_request_pool(r), "%s/admin/orders/%s",
                souk_site_base_path(r), souk_stmt_text(st, 1)));
            cJSON_AddArrayToObject(o, "lines");
            cJSON_AddItemToArray(arr, o);
        }
        l = cJSON_CreateObject();
        cJSON_AddStringToObject(l, "sku", souk_stmt_text(st, 3));
        cJSON_AddStringToObject(l, "name", souk_stmt_text(st, 4));
        cJSON_AddStringToObject(l, "options", souk_stmt_text(st, 5));
        cJSON_AddNumberToObject(l, "quantity", (double) souk_stmt_int(st, 6));
        cJSON_AddItemToArray(cJSON_GetObjectItem(o, "lines"), l);
    }
    souk_stmt_reset(st);
    cJSON_AddBoolToObject(m, "has_orders", cJSON_GetArraySize(arr) > 0);
    return rc == SOUK_DONE ? SOUK_OK : SOUK_ERROR;
}

int
ord_bo_picklist(souk_request_t *r, void *data)
{
    const char   *code = souk_request_query(r, "warehouse");
    souk_stmt_t  *st;
    cJSON        *m, *w;
    int64_t       wid = 0;
    int           rc;

    (void) data;
    if ((rc = souk_ui_guard(r, NULL, "orders.view")) != 0) {
        return rc;
    }
    m = souk_ui_page(r, "admin_order_picklist", "Pick list");
    souk_ui_crumb(m, "Admin", souk_psprintf(souk_request_pool(r),
                  "%s/admin", souk_site_base_path(r)));
    souk_ui_crumb(m, "Orders", souk_psprintf(souk_request_pool(r),
                  "%s/admin/orders", souk_site_base_path(r)));
    souk_ui_crumb(m, "Pick list", NULL);
    ord_pick_warehouses(r, m, code);
    if (code == NULL || code[0] == '\0') {
        cJSON_AddFalseToObject(m, "warehouse");
        return 200;
    }
    st = souk_db_row(souk_db(r), "SELECT id, code, name FROM "
                     "catalog_warehouses WHERE code = ?", "t", code);
    if (st == NULL) {
        return souk_error(r, 404, "there is no warehouse %s", code);
    }
    wid = souk_stmt_int(st, 0);
    w = cJSON_AddObjectToObject(m, "warehouse");
    cJSON_AddStringToObject(w, "code", souk_stmt_text(st, 1));
    cJSON_AddStringToObject(w, "name", souk_stmt_text(st, 2));
    souk_stmt_reset(st);
    cJSON_AddStringToObject(m, "printed_at", ord_staff_time(r, ord_now()));
    if (ord_pick_skus(r, wid, m) != SOUK_OK
        || ord_pick_orders(r, wid, m) != SOUK_OK)
    {
        return SOUK_ERROR;
    }
    return 200;
}

/* The slip's model is built apart from the order document so that no
 * price can reach it, in HTML or JSON. */
int
ord_bo_slip(souk_request_t *r, void *data)
{
    souk_stmt_t  *st;
    cJSON        *m, *doc, *lines, *l, *e;
    int64_t       id;
    int           rc;
    static const char *const  keep[] = { "number", "email", "address",
        "shipping", "customer_note", "placed_at", "placed_text",
        "carrier", "tracking_number", NULL };
    size_t        i;

    (void) data;
    if ((rc = souk_ui_guard(r, NULL, "orders.view")) != 0) {
        return rc;
    }
    if ((id = ord_staff_order_param(r)) == 0) {
        return souk_error(r, 404, "there is no such order");
    }
    if ((doc = ord_staff_doc(r, id)) == NULL) {
        return SOUK_ERROR;
    }
    m = souk_ui_page(r, "admin_order_slip", souk_psprintf(
        souk_request_pool(r), "Packing slip %s",
        cJSON_GetStringValue(cJSON_GetObjectItem(doc, "number"))));
    for (i = 0; keep[i] != NULL; i++) {
        e = cJSON_GetObjectItem(doc, keep[i]);
        if (e != NULL) {
            cJSON_AddItemToObject(m, keep[i], cJSON_Duplicate(e, 1));
        }
    }
    lines = cJSON_AddArrayToObject(m, "lines");
    cJSON_ArrayForEach(e, cJSON_GetObjectItem(doc, "lines")) {
        l = cJSON_CreateObject();
        cJSON_AddStringToObject(l, "sku", cJSON_GetStringValue(
                                cJSON_GetObjectItem(e, "sku")));
        cJSON_AddStringToObject(l, "name", cJSON_GetStringValue(
                                cJSON_GetObjectItem(e, "name")));
        cJSON_AddStringToObject(l, "options", cJSON_GetStringValue(
                                cJSON_GetObjectItem(e, "options")) != NULL
                                ? cJSON_GetStringValue(cJSON_GetObjectItem(
                                    e, "options")) : "");
        cJSON_AddItemToObject(l, "quantity", cJSON_Duplicate(
            cJSON_GetObjectItem(e, "quantity"), 1));
        cJSON_AddItemToArray(lines, l);
    }
    st = souk_db_row(souk_db(r), "SELECT SUM(quantity) FROM order_lines "
                     "WHERE order_id = ?", "i", id);
    if (st != NULL) {
        cJSON_AddNumberToObject(m, "units", (double) souk_stmt_int(st, 0));
        souk_stmt_reset(st);
    }
    cJSON_AddStringToObject(m, "shop_name", souk_setting(r, "shop.name")
                            != NULL ? souk_setting(r, "shop.name") : "");
    return 200;
}

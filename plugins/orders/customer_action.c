/* What a customer does to their order: cancel it before shipment, or ask
 * for a change (address, quantities, items) that staff then decide. */
#include <stdio.h>
#include <string.h>

#include "customer.h"

#define ORD_CHANGE_LINES_MAX  50     /* lines or items in one request */
#define ORD_QTY_MAX           9999

typedef struct {
    souk_request_t  *r;
    int64_t          id;
    ord_head_t       head;
    char             why[ORD_WHY];
} ord_act_t;

/*
 * Finds the visitor's order and refuses what no longer applies: 404 for
 * an order that is not theirs (the same as none), 409 once shipped or
 * cancelled. 0 when the action may go on, else the answer.
 */
static int
ord_act_start(ord_act_t *a, souk_request_t *r, const char *what)
{
    int  by_key, rc;

    memset(a, 0, sizeof(*a));
    a->r = r;
    a->id = ord_cust_find(r, souk_request_param(r, "number"), &by_key);
    if (a->id < 0) {
        return SOUK_ERROR;
    }
    if (a->id == 0) {
        return souk_error(r, 404, "No such order");
    }
    rc = ord_head_load(r, a->id, &a->head);
    if (rc != SOUK_OK) {
        return rc == SOUK_DECLINED ? souk_error(r, 404, "No such order")
                                   : SOUK_ERROR;
    }
    if (strcmp(a->head.status, "cancelled") == 0) {
        return ord_cust_page(r, a->id, 409, souk_psprintf(
            souk_request_pool(r), "Order %s is cancelled", a->head.number));
    }
    if (!ord_status_cancellable(a->head.status)) {
        return ord_cust_page(r, a->id, 409, souk_psprintf(
            souk_request_pool(r), "Order %s has shipped: %s",
            a->head.number, what));
    }
    return 0;
}

/* After a POST: JSON gets the answer, a browser the page (303). */
static int
ord_act_done(ord_act_t *a, const char *flash)
{
    if (souk_request_wants_json(a->r)) {
        return ord_cust_page(a->r, a->id, 200, NULL);
    }
    ord_cust_flash_set(a->r, flash);
    return souk_redirect(a->r, 303, ord_cust_path(a->r, souk_psprintf(
        souk_request_pool(a->r), "/orders/%s", a->head.number)));
}

/* POST /orders/NUMBER/cancel and /api/v1/orders/NUMBER/cancel. */
static int
ord_cancel_post(souk_request_t *r, void *data)
{
    ord_act_t    a;
    const char  *reason = ord_cust_input(r, "reason"), *bad;
    int          rc;

    (void) data;
    if ((rc = ord_act_start(&a, r, "return it instead")) != 0) {
        return rc;
    }
    if (ord_cust_input_bad(r, "reason")) {
        return ord_cust_page(r, a.id, 400, "Reason: text expected");
    }
    if ((bad = ord_cust_text_bad(reason, ORD_CUST_REASON_MAX)) != NULL) {
        return ord_cust_page(r, a.id, 400, souk_psprintf(
            souk_request_pool(r), "Reason: %s", bad));
    }
    rc = ord_transition(r, a.id, "cancelled", reason != NULL ? reason : "",
                        souk_user_id(r), 1, a.why, sizeof(a.why));
    if (rc == SOUK_DECLINED) {
        return ord_cust_page(r, a.id, 409, a.why);
    }
    if (rc != SOUK_OK) {
        return SOUK_ERROR;
    }
    return ord_act_done(&a, souk_psprintf(souk_request_pool(r),
                        "Order %s is cancelled.", a.head.number));
}

/* ---------- change requests ---------- */

static int
ord_line_of(ord_act_t *a, int64_t line_id)
{
    souk_stmt_t  *st;

    st = souk_db_row(souk_db(a->r), "SELECT id FROM order_lines WHERE "
                     "id = ? AND order_id = ?", "ii", line_id, a->id);
    if (st == NULL) {
        return souk_db_error(souk_db(a->r))[0] == '\0' ? 0 : SOUK_ERROR;
    }
    souk_stmt_reset(st);
    return 1;
}

/* One {"id","quantity"}: the line must be this order's, named once. */
static int
ord_qty_line(ord_act_t *a, const cJSON *l, cJSON *out, int *status)
{
    int64_t       id, q;
    const cJSON  *o;
    cJSON        *n;
    int           rc;

    *status = 400;
    if (!cJSON_IsObject(l)
        || souk_json_int(cJSON_GetObjectItem(l, "id"), 1, INT64_MAX, &id)
           != SOUK_OK)
    {
        return ord_decline(a->why, sizeof(a->why), "Lines: each needs the "
                           "id of a line of this order");
    }
    if (souk_json_int(cJSON_GetObjectItem(l, "quantity"), 0, ORD_QTY_MAX,
                      &q) != SOUK_OK)
    {
        return ord_decline(a->why, sizeof(a->why), "Line %lld: quantity "
                           "must be a whole number from 0 to %d",
                           (long long) id, ORD_QTY_MAX);
    }
    cJSON_ArrayForEach(o, out) {
        if ((int64_t) cJSON_GetObjectItem(o, "id")->valuedouble == id) {
            return ord_decline(a->why, sizeof(a->why), "Line %lld is "
                               "named twice", (long long) id);
        }
    }
    if ((rc = ord_line_of(a, id)) != 1) {
        *status = 422;
        return rc == 0 ? ord_decline(a->why, sizeof(a->why), "Line %lld "
                                     "is not part of order %s",
                                     (long long) id, a->head.number)
                       : SOUK_ERROR;
    }
    n = cJSON_CreateObject();
    cJSON_AddNumberToObject(n, "id", (double) id);
    cJSON_AddNumberToObject(n, "quantity", (double) q);
    cJSON_AddItemToArray(out, n);
    return SOUK_OK;
}

/* {"lines":[{"id","quantity"}]} from JSON, or form fields qty_LINEID. */
static cJSON *
ord_qty_payload(ord_act_t *a, cJSON *p, int *status)
{
    const cJSON     *j = souk_request_json(a->r), *l, *lines;
    const souk_kv_t *kv;
    cJSON           *out = cJSON_AddArrayToObject(p, "lines"), *tmp;
    size_t           n = 0, i;

    if (j != NULL) {
        lines = cJSON_GetObjectItem(j, "lines");
        if (!cJSON_IsArray(lines)) {
            *status = 400;
            ord_decline(a->why, sizeof(a->why), "Lines: a list of "
                        "{\"id\", \"quantity\"} is required");
            return NULL;
        }
        cJSON_ArrayForEach(l, lines) {
            if (ord_qty_line(a, l, out, status) != SOUK_OK) {
                return NULL;
            }
        }
    } else {
        kv = souk_request_pairs(a->r, "form", &n);
        for (i = 0; i < n; i++) {
            if (strncmp(kv[i].name, "qty_", 4) != 0) {
                continue;
            }
            tmp = cJSON_CreateObject();
            cJSON_AddStringToObject(tmp, "id", kv[i].name + 4);
            cJSON_AddStringToObject(tmp, "quantity", kv[i].value);
            if (ord_qty_line(a, tmp, out, status) != SOUK_OK) {
                cJSON_Delete(tmp);
                return NULL;
            }
            cJSON_Delete(tmp);
        }
    }
    n = (size_t) cJSON_GetArraySize(out);
    if (n == 0 || n > ORD_CHANGE_LINES_MAX) {
        *status = 400;
        ord_decline(a->why, sizeof(a->why), "Lines: name from 1 to %d "
                    "lines to change", ORD_CHANGE_LINES_MAX);
        return NULL;
    }
    return p;
}

static int
ord_item_ok(ord_act_t *a, const cJSON *it, cJSON *out)
{
    const cJSON  *sku = cJSON_GetObjectItem(it, "sku");
    int64_t       q;
    cJSON        *o;

    if (!cJSON_IsString(sku) || sku->valuestring[0] == '\0'
        || strlen(sku->valuestring) > 64
        || ord_cust_text_bad(sku->valuestring, 64) != NULL)
    {
        return ord_decline(a->why, sizeof(a->why), "Items: each needs a "
                           "SKU");
    }
    if (souk_json_int(cJSON_GetObjectItem(it, "quantity"), 1, ORD_QTY_MAX,
                      &q) != SOUK_OK)
    {
        return ord_decline(a->why, sizeof(a->why), "Item %s: quantity must "
                           "be a whole number from 1 to %d",
                           sku->valuestring, ORD_QTY_MAX);
    }
    o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "sku", sku->valuestring);
    cJSON_AddNumberToObject(o, "quantity", (double) q);
    cJSON_AddItemToArray(out, o);
    return SOUK_OK;
}

/* {"add":[{"sku","quantity"}]} from JSON, or the form's sku + quantity. */
static cJSON *
ord_items_payload(ord_act_t *a, cJSON *p, int *status)
{
    const cJSON  *j = souk_request_json(a->r), *it, *add;
    cJSON        *out = cJSON_AddArrayToObject(p, "add"), *tmp;
    int           rc = SOUK_OK, n;

    *status = 400;
    if (j != NULL) {
        add = cJSON_GetObjectItem(j, "add");
        if (!cJSON_IsArray(add)) {
            ord_decline(a->why, sizeof(a->why), "Add: a list of "
                        "{\"sku\", \"quantity\"} is required");
            return NULL;
        }
        cJSON_ArrayForEach(it, add) {
            if (!cJSON_IsObject(it) || ord_item_ok(a, it, out) != SOUK_OK) {
                if (!cJSON_IsObject(it)) {
                    ord_decline(a->why, sizeof(a->why), "Items: each needs "
                                "a SKU");
                }
                return NULL;
            }
        }
    } else {
        tmp = cJSON_CreateObject();
        cJSON_AddStringToObject(tmp, "sku", souk_request_form(a->r, "sku")
                                ? souk_request_form(a->r, "sku") : "");
        cJSON_AddStringToObject(tmp, "quantity",
                                souk_request_form(a->r, "quantity")
                                ? souk_request_form(a->r, "quantity") : "");
        rc = ord_item_ok(a, tmp, out);
        cJSON_Delete(tmp);
        if (rc != SOUK_OK) {
            return NULL;
        }
    }
    n = cJSON_GetArraySize(out);
    if (n == 0 || n > ORD_CHANGE_LINES_MAX) {
        ord_decline(a->why, sizeof(a->why), "Add: from 1 to %d items",
                    ORD_CHANGE_LINES_MAX);
        return NULL;
    }
    return p;
}

/* The new address, validated as the checkout validates one. */
static cJSON *
ord_address_payload(ord_act_t *a, int *status)
{
    const cJSON    *j = souk_request_json(a->r);
    ord_address_t   addr;
    cJSON          *p;
    int             rc;

    *status = 400;
    memset(&addr, 0, sizeof(addr));
    if (j != NULL) {
        if (!cJSON_IsObject(cJSON_GetObjectItem(j, "address"))) {
            ord_decline(a->why, sizeof(a->why), "Address: an object with "
                        "name, line1, city, postcode and country is "
                        "required");
            return NULL;
        }
        rc = ord_address_from_json(cJSON_GetObjectItem(j, "address"), a->r,
                                   &addr, a->why, sizeof(a->why));
    } else {
        rc = ord_address_from_form(a->r, "address_", &addr, a->why,
                                   sizeof(a->why));
    }
    if (rc != SOUK_OK) {
        *status = rc == SOUK_DECLINED ? 400 : 500;
        return NULL;
    }
    p = ord_address_json(&addr);
    if (p == NULL) {
        *status = 500;
        return NULL;
    }
    return souk_pool_json(souk_request_pool(a->r), p);
}

static int
ord_change_answer(ord_act_t *a, int64_t cid)
{
    cJSON        *doc, *c, *m;

    if (!souk_request_wants_json(a->r)) {
        return ord_act_done(a, "We received your request. We will mail "
                            "you once it is decided.");
    }
    doc = ord_load(a->r, a->id, ORD_LOAD_CHANGES);
    if (doc == NULL) {
        return SOUK_ERROR;
    }
    m = souk_view_new(a->r, "order_change_request");
    cJSON_ArrayForEach(c, cJSON_GetObjectItem(doc, "change_requests")) {
        if ((int64_t) cJSON_GetObjectItem(c, "id")->valuedouble == cid) {
            cJSON_AddItemToObject(m, "change_request",
                                  cJSON_Duplicate(c, 1));
        }
    }
    return 201;
}

/* POST /orders/NUMBER/change-requests and the API's. */
static int
ord_change_post(souk_request_t *r, void *data)
{
    ord_act_t    a;
    const char  *kind = ord_cust_input(r, "kind");
    const char  *msg = ord_cust_input(r, "message"), *bad;
    cJSON       *p = NULL;
    int64_t      cid = 0, open;
    int          rc, status = 400;

    (void) data;
    if ((rc = ord_act_start(&a, r, "changes are no longer possible")) != 0) {
        return rc;
    }
    if ((open = ord_cust_open_changes(r, a.id)) < 0) {
        return SOUK_ERROR;
    }
    if (open > 0) {
        return ord_cust_page(r, a.id, 409, souk_psprintf(
            souk_request_pool(r), "Order %s already has a change request "
            "waiting for an answer", a.head.number));
    }
    if (ord_cust_input_bad(r, "message") || ord_cust_input_bad(r, "kind")) {
        return ord_cust_page(r, a.id, 400, "Kind and message: text "
                             "expected");
    }
    if ((bad = ord_cust_text_bad(msg, ORD_CUST_MESSAGE_MAX)) != NULL) {
        return ord_cust_page(r, a.id, 400, souk_psprintf(
            souk_request_pool(r), "Message: %s", bad));
    }
    if (kind != NULL && strcmp(kind, "address") == 0) {
        p = ord_address_payload(&a, &status);
    } else if (kind != NULL && (strcmp(kind, "quantities") == 0
                                || strcmp(kind, "items") == 0))
    {
        p = souk_pool_json(souk_request_pool(r), cJSON_CreateObject());
        p = kind[0] == 'q' ? ord_qty_payload(&a, p, &status)
                           : ord_items_payload(&a, p, &status);
    } else {
        snprintf(a.why, sizeof(a.why), "Kind must be address, quantities "
                 "or items");
    }
    if (p == NULL) {
        return status == 500 ? SOUK_ERROR
                             : ord_cust_page(r, a.id, status, a.why);
    }
    rc = ord_change_create(r, a.id, kind, p, msg != NULL ? msg : "",
                           souk_user_id(r), &cid, a.why, sizeof(a.why));
    if (rc == SOUK_DECLINED) {
        return ord_cust_page(r, a.id, 422, a.why);
    }
    if (rc != SOUK_OK) {
        return SOUK_ERROR;
    }
    return ord_change_answer(&a, cid);
}

int
ord_cust_action_init(souk_plugin_ctx_t *ctx)
{
    static const char *const  paths[] = {
        "/orders/{number:[0-9A-HJKMNP-TV-Z]{10}}/cancel",
        "/api/v1/orders/{number:[0-9A-HJKMNP-TV-Z]{10}}/cancel",
        "/orders/{number:[0-9A-HJKMNP-TV-Z]{10}}/change-requests",
        "/api/v1/orders/{number:[0-9A-HJKMNP-TV-Z]{10}}/change-requests",
    };
    size_t                    i;

    for (i = 0; i < sizeof(paths) / sizeof(paths[0]); i++) {
        if (souk_route_add(ctx, SOUK_POST, paths[i],
                           i < 2 ? ord_cancel_post : ord_change_post, NULL)
            != SOUK_OK)
        {
            return SOUK_ERROR;
        }
    }
    return SOUK_OK;
}

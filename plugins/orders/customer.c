/* The customer's order pages: the confirmation and detail page and the
 * order history, as HTML and as JSON (GET /api/v1/orders...). */
#include <stdio.h>
#include <string.h>

#include "customer.h"

/* Crockford base32, as ord_number_new writes them. */
#define ORD_NUMBER_RE  "{number:[0-9A-HJKMNP-TV-Z]{10}}"
/* How long after placing the page greets the buyer with thanks. */
#define ORD_THANKS_SECONDS  3600

const char *
ord_cust_input(souk_request_t *r, const char *name)
{
    const cJSON  *j = souk_request_json(r), *v;

    if (j != NULL) {
        v = cJSON_GetObjectItem(j, name);
        return cJSON_IsString(v) ? v->valuestring : NULL;
    }
    return souk_request_form(r, name);
}

int
ord_cust_input_bad(souk_request_t *r, const char *name)
{
    const cJSON  *j = souk_request_json(r), *v;

    v = j != NULL ? cJSON_GetObjectItem(j, name) : NULL;
    return v != NULL && !cJSON_IsString(v) && !cJSON_IsNull(v);
}

const char *
ord_cust_text_bad(const char *s, size_t max)
{
    const unsigned char  *p;

    if (s == NULL) {
        return NULL;
    }
    if (strlen(s) > max) {
        return "too long";
    }
    for (p = (const unsigned char *) s; *p != '\0'; p++) {
        if ((*p < 0x20 && *p != '\n' && *p != '\t' && *p != '\r')
            || *p == 0x7f)
        {
            return "control characters are not allowed";
        }
    }
    return NULL;
}

void
ord_cust_flash_set(souk_request_t *r, const char *msg)
{
    (void) souk_session_set(r, "orders.flash", msg);
}

static void
ord_flash_take(souk_request_t *r, cJSON *m)
{
    const char  *f;

    if (!souk_session_active(r)
        || (f = souk_session_get(r, "orders.flash")) == NULL)
    {
        return;
    }
    cJSON_AddStringToObject(m, "flash", f);
    (void) souk_session_set(r, "orders.flash", NULL);
}

/* Whether to greet the buyer: the order is theirs, fresh and untouched. */
static int
ord_page_thanks(souk_request_t *r, int64_t order_id, const char *status)
{
    souk_stmt_t  *st;
    int64_t       placed;

    if (strcmp(status, "pending_payment") != 0
        && strcmp(status, "paid") != 0)
    {
        return 0;
    }
    st = souk_db_row(souk_db(r), "SELECT placed_at FROM orders WHERE id = ?",
                     "i", order_id);
    if (st == NULL) {
        return 0;
    }
    placed = souk_stmt_int(st, 0);
    souk_stmt_reset(st);
    return ord_now() - placed < ORD_THANKS_SECONDS;
}

/* What only the HTML page needs: thanks, forms, the open request. */
static void
ord_page_extras(souk_request_t *r, cJSON *m, cJSON *doc, int64_t order_id)
{
    const char   *href = cJSON_GetObjectItem(doc, "href")->valuestring;
    const cJSON  *c;
    cJSON        *o;

    cJSON_AddBoolToObject(m, "thanks", ord_page_thanks(r, order_id,
        cJSON_GetObjectItem(doc, "status")->valuestring));
    cJSON_AddStringToObject(m, "csrf_token", souk_csrf_token(r));
    cJSON_AddStringToObject(m, "cancel_href", souk_psprintf(
        souk_request_pool(r), "%s/cancel", href));
    cJSON_AddStringToObject(m, "change_href", souk_psprintf(
        souk_request_pool(r), "%s/change-requests", href));
    cJSON_AddStringToObject(m, "history_href",
                            ord_cust_path(r, "/account/orders"));
    cJSON_AddBoolToObject(m, "signed_in", souk_user_id(r) > 0);
    cJSON_AddStringToObject(m, "payment_name", ord_cust_payment_name(r,
        cJSON_GetObjectItem(doc, "payment_method")->valuestring));
    cJSON_AddBoolToObject(m, "has_tracking",
        cJSON_GetObjectItem(doc, "tracking_number")->valuestring[0] != '\0'
        || cJSON_GetObjectItem(doc, "carrier")->valuestring[0] != '\0');
    cJSON_AddBoolToObject(m, "has_discount", cJSON_GetObjectItem(
        cJSON_GetObjectItem(doc, "discount_total"), "amount")->valuedouble
        > 0);
    cJSON_AddBoolToObject(m, "has_changes", cJSON_GetArraySize(
        cJSON_GetObjectItem(doc, "change_requests")) > 0);
    cJSON_ArrayForEach(c, cJSON_GetObjectItem(doc, "change_requests")) {
        if (cJSON_IsTrue(cJSON_GetObjectItem(c, "open"))) {
            o = cJSON_Duplicate(c, 1);
            cJSON_AddItemToObject(m, "open_change", o);
            break;
        }
    }
}

int
ord_cust_page(souk_request_t *r, int64_t order_id, int status,
    const char *error)
{
    cJSON  *doc, *m;

    /* an API client gets the core's error shape, as from any route */
    if (error != NULL && souk_request_wants_json(r)) {
        return souk_error(r, status, "%s", error);
    }
    doc = ord_load(r, order_id, ORD_LOAD_LINES | ORD_LOAD_PUBLIC
                                | ORD_LOAD_CHANGES);
    if (doc == NULL) {
        return SOUK_ERROR;
    }
    m = souk_view_new(r, "order");
    if (error != NULL) {
        cJSON_AddStringToObject(m, "error", error);
    }
    if (!souk_request_wants_json(r)) {
        cJSON_AddStringToObject(m, "title", souk_psprintf(
            souk_request_pool(r), "Order %s",
            cJSON_GetObjectItem(doc, "number")->valuestring));
        ord_flash_take(r, m);
        ord_page_extras(r, m, doc, order_id);
    }
    /* the model owns a copy: the pool owns doc */
    cJSON_AddItemToObject(m, "order", cJSON_Duplicate(doc, 1));
    return status;
}

/* GET /orders/NUMBER and /api/v1/orders/NUMBER. */
static int
ord_order_get(souk_request_t *r, void *data)
{
    const char  *number = souk_request_param(r, "number");
    int64_t      id;
    int          by_key;

    (void) data;
    id = ord_cust_find(r, number, &by_key);
    if (id < 0) {
        return SOUK_ERROR;
    }
    if (id == 0) {
        return souk_error(r, 404, "No such order");
    }
    /* the mailed link works once more without ?key= in this browser */
    if (by_key && !souk_request_token_auth(r)
        && ord_guest_token_keep(r, souk_request_query(r, "key"))
           == SOUK_ERROR)
    {
        return SOUK_ERROR;
    }
    return ord_cust_page(r, id, 200, NULL);
}

/* ---------- the history ---------- */

static int
ord_history_rows(souk_request_t *r, cJSON *list, int64_t uid, int64_t page)
{
    souk_stmt_t  *st;
    cJSON        *o;
    const char   *num, *status, *cur;
    int           rc;

    st = souk_db_prepare(souk_db(r), "SELECT o.number, o.status, "
                         "o.placed_at, o.total, o.currency, (SELECT "
                         "COALESCE(SUM(l.quantity), 0) FROM order_lines l "
                         "WHERE l.order_id = o.id) FROM orders o WHERE "
                         "o.site_id = ? AND o.user_id = ? ORDER BY "
                         "o.placed_at DESC, o.id DESC LIMIT ? OFFSET ?");
    if (st == NULL
        || souk_stmt_bind_text(st, 1, souk_site_id(r), -1) != SOUK_OK
        || souk_stmt_bind_int(st, 2, uid) != SOUK_OK
        || souk_stmt_bind_int(st, 3, ORD_CUST_PER_PAGE) != SOUK_OK
        || souk_stmt_bind_int(st, 4, (page - 1) * ORD_CUST_PER_PAGE)
           != SOUK_OK)
    {
        return SOUK_ERROR;
    }
    while ((rc = souk_stmt_step(st)) == SOUK_ROW) {
        num = souk_stmt_text(st, 0);
        status = souk_stmt_text(st, 1);
        cur = souk_stmt_text(st, 4);
        o = cJSON_CreateObject();
        cJSON_AddStringToObject(o, "number", num);
        cJSON_AddStringToObject(o, "status", status);
        cJSON_AddStringToObject(o, "status_label",
                                ord_cust_status_label(status));
        cJSON_AddStringToObject(o, "placed_at",
                                ord_cust_time(r, souk_stmt_int(st, 2)));
        ord_money_add(o, "total", souk_stmt_int(st, 3), cur);
        cJSON_AddNumberToObject(o, "items", (double) souk_stmt_int(st, 5));
        cJSON_AddStringToObject(o, "href", ord_cust_path(r, souk_psprintf(
                                souk_request_pool(r), "/orders/%s", num)));
        cJSON_AddItemToArray(list, o);
    }
    return rc == SOUK_DONE ? SOUK_OK : SOUK_ERROR;
}

static void
ord_history_pager(souk_request_t *r, cJSON *m, int64_t page, int64_t pages)
{
    const char  *base = ord_cust_path(r, "/account/orders");

    if (page > 1) {
        cJSON_AddStringToObject(m, "prev_href", souk_psprintf(
            souk_request_pool(r), "%s?page=%lld", base,
            (long long) (page - 1)));
    }
    if (page < pages) {
        cJSON_AddStringToObject(m, "next_href", souk_psprintf(
            souk_request_pool(r), "%s?page=%lld", base,
            (long long) (page + 1)));
    }
}

/* GET /account/orders and /api/v1/orders: the signed-in customer's
 * orders on this site, newest first. */
static int
ord_history_get(souk_request_t *r, void *data)
{
    const char   *v = souk_request_query(r, "page");
    int64_t       uid = souk_user_id(r), page = 1, total, pages;
    souk_stmt_t  *st;
    cJSON        *m;

    (void) data;
    if (uid <= 0) {
        if (souk_request_wants_json(r)) {
            return souk_error(r, 401, "sign in or send an API token");
        }
        return souk_redirect(r, 303, ord_cust_path(r, "/account/login"));
    }
    if (v != NULL && souk_int_parse(v, 1, 1000000, &page) != SOUK_OK) {
        return souk_error(r, 400, "page must be a whole number from 1");
    }
    st = souk_db_row(souk_db(r), "SELECT COUNT(*) FROM orders WHERE "
                     "site_id = ? AND user_id = ?", "ti", souk_site_id(r),
                     uid);
    if (st == NULL) {
        return SOUK_ERROR;
    }
    total = souk_stmt_int(st, 0);
    souk_stmt_reset(st);
    pages = total == 0 ? 1 : (total + ORD_CUST_PER_PAGE - 1)
                             / ORD_CUST_PER_PAGE;
    m = souk_view_new(r, "orders");
    if (ord_history_rows(r, cJSON_AddArrayToObject(m, "orders"), uid, page)
        != SOUK_OK)
    {
        return SOUK_ERROR;
    }
    cJSON_AddNumberToObject(m, "page", (double) page);
    cJSON_AddNumberToObject(m, "per_page", ORD_CUST_PER_PAGE);
    cJSON_AddNumberToObject(m, "pages", (double) pages);
    cJSON_AddNumberToObject(m, "total", (double) total);
    if (!souk_request_wants_json(r)) {
        cJSON_AddStringToObject(m, "title", "Your orders");
        cJSON_AddBoolToObject(m, "has_orders", total > 0);
        cJSON_AddStringToObject(m, "account_href",
                                ord_cust_path(r, "/account"));
        ord_history_pager(r, m, page, pages);
    }
    return 200;
}

int
ord_customer_init(souk_plugin_ctx_t *ctx)
{
    if (souk_route_add(ctx, SOUK_GET, "/orders/" ORD_NUMBER_RE,
                       ord_order_get, NULL) != SOUK_OK
        || souk_route_name(ctx, "orders.order") != SOUK_OK
        || souk_route_add(ctx, SOUK_GET, "/api/v1/orders/" ORD_NUMBER_RE,
                          ord_order_get, NULL) != SOUK_OK
        || souk_route_add(ctx, SOUK_GET, "/account/orders",
                          ord_history_get, NULL) != SOUK_OK
        || souk_route_name(ctx, "orders.history") != SOUK_OK
        || souk_route_add(ctx, SOUK_GET, "/api/v1/orders",
                          ord_history_get, NULL) != SOUK_OK
        || ord_cust_action_init(ctx) != SOUK_OK
        || ord_cust_invoice_init(ctx) != SOUK_OK)
    {
        return SOUK_ERROR;
    }
    return SOUK_OK;
}

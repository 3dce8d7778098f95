/* Orders as JSON documents for pages, mails and the APIs, and who may see
 * which: an account its own orders, a guest those whose token it holds. */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include <sodium.h>

#include "customer.h"

#define ORD_TOKENS_MAX    20     /* guest tokens a session remembers */
#define ORD_TOKEN_MIN     16
#define ORD_TOKEN_MAX     128

/* The head's columns, in the order ord_load_head reads them. */
#define ORD_HEAD_COLS                                                      \
    "id, number, status, user_id, email, currency, prices_include_tax, "   \
    "subtotal, discount_total, shipping_total, tax_total, total, "         \
    "paid_amount, payment_method, pay_timing, shipping_method, "           \
    "shipping_name, ship_name, ship_line1, ship_line2, ship_city, "        \
    "ship_region, ship_postcode, ship_country, ship_phone, carrier, "      \
    "tracking_number, tracking_url, customer_note, cancel_reason, "        \
    "placed_at, updated_at, paid_at, shipped_at, delivered_at, "           \
    "cancelled_at, hold_until, held_from, weight_g, pickup_warehouse_id"

static const struct {
    const char  *code;
    const char  *label;
} ord_labels[] = {
    { "pending_payment", "Pending payment" },
    { "paid", "Paid" },
    { "picking", "Being picked" },
    { "packed", "Packed" },
    { "shipped", "Shipped" },
    { "delivered", "Delivered" },
    { "completed", "Completed" },
    { "on_hold", "On hold" },
    { "cancelled", "Cancelled" },
};

const char *
ord_cust_status_label(const char *status)
{
    size_t  i;

    for (i = 0; status != NULL && i < sizeof(ord_labels)
                                      / sizeof(ord_labels[0]); i++)
    {
        if (strcmp(status, ord_labels[i].code) == 0) {
            return ord_labels[i].label;
        }
    }
    return "";
}

const char *
ord_cust_time(souk_request_t *r, int64_t t)
{
    time_t     tt = (time_t) t;
    struct tm  tm;
    char       buf[32];

    if (t <= 0 || gmtime_r(&tt, &tm) == NULL) {
        return NULL;
    }
    strftime(buf, sizeof(buf), "%Y-%m-%dT%H:%M:%SZ", &tm);
    return souk_pstrdup(souk_request_pool(r), buf);
}

const char *
ord_cust_path(souk_request_t *r, const char *path)
{
    return souk_psprintf(souk_request_pool(r), "%s%s",
                         souk_site_base_path(r), path);
}

static const char *
ord_text(souk_stmt_t *st, int col)
{
    const char  *s = souk_stmt_text(st, col);

    return s != NULL ? s : "";
}

/* A time column as ISO text, or JSON null while it has not happened. */
static void
ord_time_add(souk_request_t *r, cJSON *o, const char *key, souk_stmt_t *st,
    int col)
{
    const char  *t = souk_stmt_is_null(st, col) ? NULL
                     : ord_cust_time(r, souk_stmt_int(st, col));

    if (t != NULL) {
        cJSON_AddStringToObject(o, key, t);
    } else {
        cJSON_AddNullToObject(o, key);
    }
}

static void
ord_address_add(cJSON *doc, souk_stmt_t *st)
{
    static const char *const  keys[] = { "name", "line1", "line2", "city",
        "region", "postcode", "country", "phone" };
    cJSON                    *a = cJSON_AddObjectToObject(doc, "address");
    size_t                    i;

    for (i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
        cJSON_AddStringToObject(a, keys[i], ord_text(st, 17 + (int) i));
    }
}

/* The orders row as the document's top level (statement on its row). */
static void
ord_load_head(souk_request_t *r, cJSON *doc, souk_stmt_t *st)
{
    const char  *cur = ord_text(st, 5);
    cJSON       *o;

    cJSON_AddNumberToObject(doc, "id", (double) souk_stmt_int(st, 0));
    cJSON_AddStringToObject(doc, "number", ord_text(st, 1));
    cJSON_AddStringToObject(doc, "status", ord_text(st, 2));
    cJSON_AddStringToObject(doc, "status_label",
                            ord_cust_status_label(ord_text(st, 2)));
    ord_time_add(r, doc, "placed_at", st, 30);
    cJSON_AddBoolToObject(doc, "guest", souk_stmt_int(st, 3) == 0);
    cJSON_AddStringToObject(doc, "email", ord_text(st, 4));
    cJSON_AddStringToObject(doc, "currency", cur);
    cJSON_AddBoolToObject(doc, "prices_include_tax",
                          souk_stmt_int(st, 6) != 0);
    ord_money_add(doc, "subtotal", souk_stmt_int(st, 7), cur);
    ord_money_add(doc, "discount_total", souk_stmt_int(st, 8), cur);
    ord_money_add(doc, "shipping_total", souk_stmt_int(st, 9), cur);
    ord_money_add(doc, "tax_total", souk_stmt_int(st, 10), cur);
    ord_money_add(doc, "total", souk_stmt_int(st, 11), cur);
    ord_money_add(doc, "paid_amount", souk_stmt_int(st, 12), cur);
    cJSON_AddStringToObject(doc, "payment_method", ord_text(st, 13));
    cJSON_AddStringToObject(doc, "pay_timing", ord_text(st, 14));
    o = cJSON_AddObjectToObject(doc, "shipping");
    cJSON_AddStringToObject(o, "code", ord_text(st, 15));
    cJSON_AddStringToObject(o, "name", ord_text(st, 16));
    if (!souk_stmt_is_null(st, 39)) {
        cJSON_AddNumberToObject(o, "pickup_warehouse_id",
                                (double) souk_stmt_int(st, 39));
    }
    ord_address_add(doc, st);
    cJSON_AddStringToObject(doc, "carrier", ord_text(st, 25));
    cJSON_AddStringToObject(doc, "tracking_number", ord_text(st, 26));
    cJSON_AddStringToObject(doc, "tracking_url", ord_text(st, 27));
    cJSON_AddStringToObject(doc, "customer_note", ord_text(st, 28));
    cJSON_AddStringToObject(doc, "cancel_reason", ord_text(st, 29));
    ord_time_add(r, doc, "updated_at", st, 31);
    ord_time_add(r, doc, "paid_at", st, 32);
    ord_time_add(r, doc, "shipped_at", st, 33);
    ord_time_add(r, doc, "delivered_at", st, 34);
    ord_time_add(r, doc, "cancelled_at", st, 35);
    ord_time_add(r, doc, "pay_by", st, 36);
    if (!souk_stmt_is_null(st, 37)) {
        cJSON_AddStringToObject(doc, "held_from", ord_text(st, 37));
    }
    cJSON_AddNumberToObject(doc, "weight_g", (double) souk_stmt_int(st, 38));
}

static int
ord_load_alloc(souk_request_t *r, cJSON *line, int64_t line_id)
{
    souk_stmt_t  *st;
    cJSON        *list = cJSON_AddArrayToObject(line, "allocations"), *a;
    int           rc;

    st = souk_db_prepare(souk_db(r), "SELECT a.warehouse_id, w.code, "
                         "a.quantity FROM order_allocations a LEFT JOIN "
                         "catalog_warehouses w ON w.id = a.warehouse_id "
                         "WHERE a.line_id = ? ORDER BY a.warehouse_id");
    if (st == NULL || souk_stmt_bind_int(st, 1, line_id) != SOUK_OK) {
        return SOUK_ERROR;
    }
    while ((rc = souk_stmt_step(st)) == SOUK_ROW) {
        a = cJSON_CreateObject();
        cJSON_AddNumberToObject(a, "warehouse_id",
                                (double) souk_stmt_int(st, 0));
        cJSON_AddStringToObject(a, "warehouse", ord_text(st, 1));
        cJSON_AddNumberToObject(a, "quantity", (double) souk_stmt_int(st, 2));
        cJSON_AddItemToArray(list, a);
    }
    return rc == SOUK_DONE ? SOUK_OK : SOUK_ERROR;
}

static int
ord_load_lines(souk_request_t *r, cJSON *doc, int64_t id, const char *cur,
    unsigned flags)
{
    souk_stmt_t  *st;
    cJSON        *list = cJSON_AddArrayToObject(doc, "lines"), *l;
    int           rc;

    st = souk_db_prepare(souk_db(r), "SELECT id, sku, name, options, "
                         "quantity, unit_price, line_total, tax_rate_bp, "
                         "tax_amount, kind, variant_id, product_id, "
                         "weight_g FROM order_lines WHERE order_id = ? "
                         "ORDER BY id");
    if (st == NULL || souk_stmt_bind_int(st, 1, id) != SOUK_OK) {
        return SOUK_ERROR;
    }
    while ((rc = souk_stmt_step(st)) == SOUK_ROW) {
        l = cJSON_CreateObject();
        cJSON_AddNumberToObject(l, "id", (double) souk_stmt_int(st, 0));
        cJSON_AddStringToObject(l, "sku", ord_text(st, 1));
        cJSON_AddStringToObject(l, "name", ord_text(st, 2));
        cJSON_AddStringToObject(l, "options", ord_text(st, 3));
        cJSON_AddNumberToObject(l, "quantity", (double) souk_stmt_int(st, 4));
        ord_money_add(l, "unit_price", souk_stmt_int(st, 5), cur);
        ord_money_add(l, "line_total", souk_stmt_int(st, 6), cur);
        cJSON_AddNumberToObject(l, "tax_rate_bp",
                                (double) souk_stmt_int(st, 7));
        cJSON_AddStringToObject(l, "tax_rate",
                                ord_cust_rate(r, souk_stmt_int(st, 7)));
        ord_money_add(l, "tax_amount", souk_stmt_int(st, 8), cur);
        cJSON_AddStringToObject(l, "kind", ord_text(st, 9));
        cJSON_AddNumberToObject(l, "variant_id",
                                (double) souk_stmt_int(st, 10));
        cJSON_AddNumberToObject(l, "product_id",
                                (double) souk_stmt_int(st, 11));
        cJSON_AddNumberToObject(l, "weight_g", (double) souk_stmt_int(st, 12));
        cJSON_AddItemToArray(list, l);
    }
    if (rc != SOUK_DONE) {
        return SOUK_ERROR;
    }
    if (flags & ORD_LOAD_ALLOC) {
        cJSON_ArrayForEach(l, list) {
            if (ord_load_alloc(r, l, (int64_t) cJSON_GetObjectItem(l, "id")
                                                   ->valuedouble) != SOUK_OK)
            {
                return SOUK_ERROR;
            }
        }
    }
    return SOUK_OK;
}

/* What the timeline calls an event: the status it reached, else its
 * kind ("Note", "Change"). */
static const char *
ord_event_label(const char *kind, const char *to)
{
    if (strcmp(kind, "placed") == 0) {
        return "Order placed";
    }
    if (to != NULL && to[0] != '\0' && ord_cust_status_label(to)[0] != '\0')
    {
        return ord_cust_status_label(to);
    }
    return strcmp(kind, "note") == 0 ? "Note"
           : strcmp(kind, "change") == 0 ? "Change"
           : strcmp(kind, "shipment") == 0 ? "Shipment"
           : strcmp(kind, "payment") == 0 ? "Payment"
           : strcmp(kind, "mail") == 0 ? "Mail" : kind;
}

static int
ord_load_events(souk_request_t *r, cJSON *doc, int64_t id, int all)
{
    souk_stmt_t  *st;
    cJSON        *list = cJSON_AddArrayToObject(doc, "events"), *e;
    int           rc;

    st = souk_db_prepare(souk_db(r), all
        ? "SELECT kind, from_status, to_status, note, created_at, actor, "
          "public, id FROM order_events WHERE order_id = ? ORDER BY id"
        : "SELECT kind, from_status, to_status, note, created_at, actor, "
          "public, id FROM order_events WHERE order_id = ? AND public = 1 "
          "ORDER BY id");
    if (st == NULL || souk_stmt_bind_int(st, 1, id) != SOUK_OK) {
        return SOUK_ERROR;
    }
    while ((rc = souk_stmt_step(st)) == SOUK_ROW) {
        e = cJSON_CreateObject();
        cJSON_AddStringToObject(e, "kind", ord_text(st, 0));
        if (souk_stmt_is_null(st, 1)) {
            cJSON_AddNullToObject(e, "from");
        } else {
            cJSON_AddStringToObject(e, "from", ord_text(st, 1));
        }
        if (souk_stmt_is_null(st, 2)) {
            cJSON_AddNullToObject(e, "to");
        } else {
            cJSON_AddStringToObject(e, "to", ord_text(st, 2));
        }
        cJSON_AddStringToObject(e, "label", ord_event_label(ord_text(st, 0),
                                                           ord_text(st, 2)));
        cJSON_AddStringToObject(e, "note", ord_text(st, 3));
        ord_time_add(r, e, "at", st, 4);
        if (all) {
            /* who did it and whether the customer sees it: staff only */
            cJSON_AddNumberToObject(e, "id", (double) souk_stmt_int(st, 7));
            cJSON_AddNumberToObject(e, "actor", (double) souk_stmt_int(st, 5));
            cJSON_AddBoolToObject(e, "public", souk_stmt_int(st, 6) != 0);
        }
        cJSON_AddItemToArray(list, e);
    }
    return rc == SOUK_DONE ? SOUK_OK : SOUK_ERROR;
}

static int
ord_load_changes(souk_request_t *r, cJSON *doc, int64_t id)
{
    souk_stmt_t  *st;
    cJSON        *list = cJSON_AddArrayToObject(doc, "change_requests"), *c;
    cJSON        *p;
    int           rc;

    st = souk_db_prepare(souk_db(r), "SELECT id, kind, payload, status, "
                         "reason, created_at, message, decided_at FROM "
                         "order_change_requests WHERE order_id = ? "
                         "ORDER BY id");
    if (st == NULL || souk_stmt_bind_int(st, 1, id) != SOUK_OK) {
        return SOUK_ERROR;
    }
    while ((rc = souk_stmt_step(st)) == SOUK_ROW) {
        c = cJSON_CreateObject();
        cJSON_AddNumberToObject(c, "id", (double) souk_stmt_int(st, 0));
        cJSON_AddStringToObject(c, "kind", ord_text(st, 1));
        /* stored as JSON text by ord_change_create; shown as JSON */
        p = cJSON_Parse(ord_text(st, 2));
        cJSON_AddItemToObject(c, "payload", p != NULL ? p
                              : cJSON_CreateObject());
        cJSON_AddStringToObject(c, "status", ord_text(st, 3));
        cJSON_AddBoolToObject(c, "open", strcmp(ord_text(st, 3), "open")
                                         == 0);
        cJSON_AddStringToObject(c, "reason", ord_text(st, 4));
        ord_time_add(r, c, "created_at", st, 5);
        cJSON_AddStringToObject(c, "message", ord_text(st, 6));
        ord_time_add(r, c, "decided_at", st, 7);
        cJSON_AddItemToArray(list, c);
    }
    return rc == SOUK_DONE ? SOUK_OK : SOUK_ERROR;
}

int64_t
ord_cust_open_changes(souk_request_t *r, int64_t order_id)
{
    souk_stmt_t  *st;
    int64_t       n;

    st = souk_db_row(souk_db(r), "SELECT COUNT(*) FROM "
                     "order_change_requests WHERE order_id = ? AND "
                     "status = 'open'", "i", order_id);
    if (st == NULL) {
        return -1;
    }
    n = souk_stmt_int(st, 0);
    souk_stmt_reset(st);
    return n;
}

/* can_cancel, can_request_change, href, invoice_href. */
static int
ord_load_actions(souk_request_t *r, cJSON *doc, int64_t id)
{
    const char  *status = cJSON_GetObjectItem(doc, "status")->valuestring;
    const char  *number = cJSON_GetObjectItem(doc, "number")->valuestring;
    int          before = ord_status_cancellable(status);
    int64_t      open = ord_cust_open_changes(r, id);

    if (open < 0) {
        return SOUK_ERROR;
    }
    cJSON_AddBoolToObject(doc, "can_cancel", before);
    cJSON_AddBoolToObject(doc, "can_request_change", before && open == 0);
    cJSON_AddStringToObject(doc, "href", ord_cust_path(r,
        souk_psprintf(souk_request_pool(r), "/orders/%s", number)));
    cJSON_AddStringToObject(doc, "invoice_href", ord_cust_path(r,
        souk_psprintf(souk_request_pool(r), "/orders/%s/invoice", number)));
    return SOUK_OK;
}

cJSON *
ord_load(souk_request_t *r, int64_t order_id, unsigned flags)
{
    souk_db_t    *db = souk_db(r);
    souk_stmt_t  *st;
    cJSON        *doc;
    char          cur[4];

    st = souk_db_row(db, "SELECT " ORD_HEAD_COLS " FROM orders WHERE "
                     "id = ? AND site_id = ?", "it", order_id,
                     souk_site_id(r));
    if (st == NULL) {
        if (souk_db_error(db)[0] != '\0') {
            souk_log(r, SOUK_LOG_ERROR, "orders: loading order %lld: %s",
                     (long long) order_id, souk_db_error(db));
        }
        return NULL;
    }
    doc = souk_pool_json(souk_request_pool(r), cJSON_CreateObject());
    ord_load_head(r, doc, st);
    snprintf(cur, sizeof(cur), "%s", ord_text(st, 5));
    souk_stmt_reset(st);
    if (((flags & (ORD_LOAD_LINES | ORD_LOAD_ALLOC))
         && ord_load_lines(r, doc, order_id, cur, flags) != SOUK_OK)
        || ((flags & (ORD_LOAD_EVENTS | ORD_LOAD_PUBLIC))
            && ord_load_events(r, doc, order_id,
                               (flags & ORD_LOAD_EVENTS) != 0) != SOUK_OK)
        || ((flags & ORD_LOAD_CHANGES)
            && ord_load_changes(r, doc, order_id) != SOUK_OK)
        || ord_load_actions(r, doc, order_id) != SOUK_OK)
    {
        souk_log(r, SOUK_LOG_ERROR, "orders: loading order %lld: %s",
                 (long long) order_id, souk_db_error(db));
        return NULL;
    }
    return doc;
}

/* ---------- who may see an order ---------- */

static int
ord_token_ok(const char *t)
{
    size_t  n = t != NULL ? strlen(t) : 0;
    size_t  i;

    if (n < ORD_TOKEN_MIN || n > ORD_TOKEN_MAX) {
        return 0;
    }
    for (i = 0; i < n; i++) {
        if (!((t[i] >= '0' && t[i] <= '9') || (t[i] >= 'a' && t[i] <= 'z')
              || (t[i] >= 'A' && t[i] <= 'Z') || t[i] == '-' || t[i] == '_'))
        {
            return 0;
        }
    }
    return 1;
}

/* Compares in constant time: the hash is a secret's stand-in. */
static int
ord_token_matches(const char *token, const char *hash)
{
    char  h[65];

    if (!ord_token_ok(token) || strlen(hash) != 64) {
        return 0;
    }
    ord_hash_hex(token, h);
    return sodium_memcmp(h, hash, 64) == 0;
}

/* Whether a token in the session's list (space separated) opens it. */
static int
ord_session_matches(souk_request_t *r, const char *hash)
{
    const char  *list, *p, *sp;
    char         tok[ORD_TOKEN_MAX + 1];
    size_t       n;

    if (!souk_session_active(r)
        || (list = souk_session_get(r, "order_tokens")) == NULL)
    {
        return 0;
    }
    for (p = list; *p != '\0'; p = *sp != '\0' ? sp + 1 : sp) {
        sp = strchr(p, ' ');
        sp = sp != NULL ? sp : p + strlen(p);
        n = (size_t) (sp - p);
        if (n > 0 && n <= ORD_TOKEN_MAX) {
            memcpy(tok, p, n);
            tok[n] = '\0';
            if (ord_token_matches(tok, hash)) {
                return 1;
            }
        }
    }
    return 0;
}

int64_t
ord_cust_find(souk_request_t *r, const char *number, int *by_key)
{
    souk_db_t    *db = souk_db(r);
    souk_stmt_t  *st;
    int64_t       id, uid;
    char          hash[65];

    *by_key = 0;
    if (number == NULL || strlen(number) != ORD_NUMBER_LEN - 1) {
        return 0;
    }
    st = souk_db_row(db, "SELECT id, user_id, guest_token_hash FROM orders "
                     "WHERE site_id = ? AND number = ?", "tt",
                     souk_site_id(r), number);
    if (st == NULL) {
        return souk_db_error(db)[0] == '\0' ? 0 : -1;
    }
    id = souk_stmt_int(st, 0);
    uid = souk_stmt_int(st, 1);
    snprintf(hash, sizeof(hash), "%s", ord_text(st, 2));
    souk_stmt_reset(st);
    if (uid > 0) {
        /* an account's order is its own alone, whatever key is shown */
        return uid == souk_user_id(r) ? id : 0;
    }
    if (hash[0] == '\0') {
        return 0;
    }
    if (ord_token_matches(souk_request_query(r, "key"), hash)) {
        *by_key = 1;
        return id;
    }
    return ord_session_matches(r, hash) ? id : 0;
}

int64_t
ord_find_own(souk_request_t *r, const char *number)
{
    int  by_key;

    return ord_cust_find(r, number, &by_key);
}

int
ord_guest_token_keep(souk_request_t *r, const char *token)
{
    const char  *list = NULL, *p, *sp;
    const char  *starts[ORD_TOKENS_MAX];
    size_t       lens[ORD_TOKENS_MAX], n = 0, i, len, tl;
    souk_buf_t   b;

    if (!ord_token_ok(token)) {
        return SOUK_DECLINED;
    }
    tl = strlen(token);
    if (souk_session_active(r)) {
        list = souk_session_get(r, "order_tokens");
    }
    /* keep the newest ORD_TOKENS_MAX - 1 others, oldest dropped first */
    for (p = list != NULL ? list : ""; *p != '\0';
         p = *sp != '\0' ? sp + 1 : sp)
    {
        sp = strchr(p, ' ');
        sp = sp != NULL ? sp : p + strlen(p);
        len = (size_t) (sp - p);
        if (len == 0) {
            continue;
        }
        if (len == tl && memcmp(p, token, tl) == 0) {
            return SOUK_OK;                  /* already kept */
        }
        if (n == ORD_TOKENS_MAX - 1) {
            memmove(starts, starts + 1, (n - 1) * sizeof(starts[0]));
            memmove(lens, lens + 1, (n - 1) * sizeof(lens[0]));
            n--;
        }
        starts[n] = p;
        lens[n++] = len;
    }
    souk_buf_init(&b, souk_request_pool(r), 64 * (n + 1));
    for (i = 0; i < n; i++) {
        souk_buf_append(&b, starts[i], lens[i]);
        souk_buf_puts(&b, " ");
    }
    souk_buf_puts(&b, token);
    return souk_session_set(r, "order_tokens", b.data) == SOUK_OK
           ? SOUK_OK : SOUK_ERROR;
}

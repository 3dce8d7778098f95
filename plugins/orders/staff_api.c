/* The staff JSON API on orders: list, the full document, moves, shipping,
 * notes and decisions on change requests (bearer token, or session plus
 * X-CSRF-Token; the core checks orders.view, each handler the rest). */
#include <stdio.h>
#include <string.h>

#include "staff.h"

/* The JSON object body, or NULL after answering 400 in *status. */
static const cJSON *
ord_api_body(souk_request_t *r, int *status)
{
    const cJSON  *j = souk_request_json(r);

    if (!cJSON_IsObject(j)) {
        *status = souk_error(r, 400, "send a JSON object "
                             "(Content-Type: application/json)");
        return NULL;
    }
    return j;
}

/* An optional string member: SOUK_OK with *out ("" when absent or null),
 * SOUK_DECLINED when it is there and not a string. */
static int
ord_api_str(const cJSON *j, const char *key, const char **out)
{
    const cJSON  *v = cJSON_GetObjectItemCaseSensitive(j, key);

    *out = "";
    if (v == NULL || cJSON_IsNull(v)) {
        return SOUK_OK;
    }
    if (!cJSON_IsString(v)) {
        return SOUK_DECLINED;
    }
    *out = v->valuestring;
    return SOUK_OK;
}

/* "public": true/false (or 1/0); absent is false. -1 when malformed. */
static int
ord_api_bool(const cJSON *j, const char *key)
{
    const cJSON  *v = cJSON_GetObjectItemCaseSensitive(j, key);
    int64_t       n;

    if (v == NULL || cJSON_IsNull(v)) {
        return 0;
    }
    if (cJSON_IsBool(v)) {
        return cJSON_IsTrue(v);
    }
    return souk_json_int(v, 0, 1, &n) == SOUK_OK ? (int) n : -1;
}

static int
ord_api_order(souk_request_t *r, int64_t id, int status)
{
    cJSON  *doc = ord_staff_doc(r, id);

    if (doc == NULL) {
        return SOUK_ERROR;
    }
    /* the document belongs to the pool: the view gets its own copy */
    cJSON_AddItemToObject(souk_view_new(r, "orders_staff_order"), "order",
                          cJSON_Duplicate(doc, 1));
    return status;
}

int
ord_api_list(souk_request_t *r, void *data)
{
    ord_filter_t  f;
    cJSON        *res, *m, *e;
    const char   *p = souk_request_query(r, "page");

    (void) data;
    memset(&f, 0, sizeof(f));
    f.status = souk_request_query(r, "status");
    f.q = souk_request_query(r, "q");
    f.payment = souk_request_query(r, "payment");
    f.page = 1;
    f.per = ORD_STAFF_PER;
    if (f.status != NULL && f.status[0] != '\0' && !ord_status_ok(f.status))
    {
        return souk_error(r, 422, "status is one of pending_payment, paid, "
                          "picking, packed, shipped, delivered, completed, "
                          "on_hold, cancelled");
    }
    if (p != NULL && souk_int_parse(p, 1, 1000000, &f.page) != SOUK_OK) {
        return souk_error(r, 422, "page is a whole number from 1");
    }
    if ((res = ord_staff_list(r, &f)) == NULL) {
        return SOUK_ERROR;
    }
    m = souk_view_new(r, "orders_staff_list");
    cJSON_ArrayForEach(e, res) {
        cJSON_AddItemToObject(m, e->string, cJSON_Duplicate(e, 1));
    }
    return 200;
}

int
ord_api_show(souk_request_t *r, void *data)
{
    int64_t  id = ord_staff_order_param(r);

    (void) data;
    if (id == 0) {
        return souk_error(r, 404, "no such order");
    }
    return ord_api_order(r, id, 200);
}

int
ord_api_transition(souk_request_t *r, void *data)
{
    const cJSON  *j;
    const char   *to, *note, *perm;
    char          why[ORD_WHY];
    ord_head_t    h;
    int64_t       id = ord_staff_order_param(r);
    int           rc, pub, status = 400;

    (void) data;
    if (id == 0 || ord_head_load(r, id, &h) != SOUK_OK) {
        return souk_error(r, 404, "no such order");
    }
    if ((j = ord_api_body(r, &status)) == NULL) {
        return status;
    }
    if (ord_api_str(j, "to", &to) != SOUK_OK || !ord_status_ok(to)) {
        return souk_error(r, 422, "to is a status: paid, picking, packed, "
                          "shipped, delivered, completed, on_hold, "
                          "cancelled (or the held status to release)");
    }
    if (ord_api_str(j, "note", &note) != SOUK_OK
        || (note = ord_staff_clean(r, note, ORD_NOTE_MAX, 1)) == NULL)
    {
        return souk_error(r, 422, "note is text of at most %d characters",
                          ORD_NOTE_MAX);
    }
    if ((pub = ord_api_bool(j, "public")) < 0) {
        return souk_error(r, 422, "public is true or false");
    }
    perm = ord_staff_move_perm(h.status, to);
    if (!souk_user_can(r, perm)) {
        return souk_error(r, 403, "your account may not move orders to %s "
                          "(needs %s)", to, perm);
    }
    rc = ord_transition(r, id, to, note[0] != '\0' ? note : NULL,
                        souk_user_id(r), pub, why, sizeof(why));
    if (rc == SOUK_DECLINED) {
        return souk_error(r, 409, "%s", why);
    }
    if (rc != SOUK_OK) {
        return SOUK_ERROR;
    }
    return ord_api_order(r, id, 200);
}

int
ord_api_ship(souk_request_t *r, void *data)
{
    const cJSON  *j;
    ord_ship_t    s;
    char          why[ORD_WHY];
    int64_t       id = ord_staff_order_param(r);
    int           rc, bad, status = 400;

    (void) data;
    if (id == 0) {
        return souk_error(r, 404, "no such order");
    }
    if ((j = ord_api_body(r, &status)) == NULL) {
        return status;
    }
    if (!souk_user_can(r, "orders.fulfil")) {
        return souk_error(r, 403, "your account may not ship orders");
    }
    if (ord_api_str(j, "carrier", &s.carrier) != SOUK_OK
        || ord_api_str(j, "tracking_number", &s.tracking_number) != SOUK_OK
        || ord_api_str(j, "tracking_url", &s.tracking_url) != SOUK_OK
        || ord_api_str(j, "note", &s.note) != SOUK_OK)
    {
        return souk_error(r, 422, "carrier, tracking_number, tracking_url "
                          "and note are strings");
    }
    rc = ord_staff_ship(r, id, &s, &bad, why, sizeof(why));
    if (rc == SOUK_DECLINED) {
        return souk_error(r, bad ? 422 : 409, "%s", why);
    }
    if (rc != SOUK_OK) {
        return SOUK_ERROR;
    }
    return ord_api_order(r, id, 200);
}

int
ord_api_note(souk_request_t *r, void *data)
{
    const cJSON  *j;
    const char   *note;
    char          why[ORD_WHY];
    int64_t       id = ord_staff_order_param(r);
    int           rc, pub, status = 400;

    (void) data;
    if (id == 0) {
        return souk_error(r, 404, "no such order");
    }
    if ((j = ord_api_body(r, &status)) == NULL) {
        return status;
    }
    if (!souk_user_can(r, "orders.fulfil")) {
        return souk_error(r, 403, "your account may not add notes");
    }
    if (ord_api_str(j, "note", &note) != SOUK_OK) {
        return souk_error(r, 422, "note is a string");
    }
    if ((pub = ord_api_bool(j, "public")) < 0) {
        return souk_error(r, 422, "public is true or false");
    }
    rc = ord_staff_note(r, id, note, pub, why, sizeof(why));
    if (rc == SOUK_DECLINED) {
        return souk_error(r, 422, "%s", why);
    }
    if (rc != SOUK_OK) {
        return SOUK_ERROR;
    }
    return ord_api_order(r, id, 201);
}

/* The order of change request id when it is on this site, else 0. */
static int64_t
ord_api_change_order(souk_request_t *r, int64_t cid)
{
    souk_stmt_t  *st;
    int64_t       oid;

    st = souk_db_row(souk_db(r), "SELECT c.order_id FROM "
                     "order_change_requests c JOIN orders o ON o.id = "
                     "c.order_id WHERE c.id = ? AND o.site_id = ?", "it",
                     cid, souk_site_id(r));
    if (st == NULL) {
        return 0;
    }
    oid = souk_stmt_int(st, 0);
    souk_stmt_reset(st);
    return oid;
}

int
ord_api_change(souk_request_t *r, void *data)
{
    const cJSON  *j;
    const char   *decision, *reason;
    char          why[ORD_WHY];
    int64_t       cid, oid;
    int           rc, status = 400;

    (void) data;
    if (souk_int_parse(souk_request_param(r, "id"), 1, INT64_MAX, &cid)
        != SOUK_OK || (oid = ord_api_change_order(r, cid)) == 0)
    {
        return souk_error(r, 404, "no such change request");
    }
    if ((j = ord_api_body(r, &status)) == NULL) {
        return status;
    }
    if (!souk_user_can(r, "orders.manage")) {
        return souk_error(r, 403, "your account may not decide change "
                          "requests");
    }
    if (ord_api_str(j, "decision", &decision) != SOUK_OK
        || (strcmp(decision, "accept") != 0
            && strcmp(decision, "decline") != 0))
    {
        return souk_error(r, 422, "decision is accept or decline");
    }
    if (ord_api_str(j, "reason", &reason) != SOUK_OK) {
        return souk_error(r, 422, "reason is a string");
    }
    rc = ord_change_decide(r, cid, strcmp(decision, "accept") == 0, reason,
                           souk_user_id(r), why, sizeof(why));
    if (rc == SOUK_DECLINED) {
        return souk_error(r, strncmp(why, "Reason", 6) == 0 ? 422 : 409,
                          "%s", why);
    }
    if (rc != SOUK_OK) {
        return SOUK_ERROR;
    }
    return ord_api_order(r, oid, 200);
}

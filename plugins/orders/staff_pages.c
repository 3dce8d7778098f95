/* The back office's order pages: the filtered list, one order's detail
 * (lines, allocations, totals, timeline, change requests) and its forms:
 * move, ship, note, decide a change request. A form that is refused shows
 * the page again with the reason and its status; one that works goes back
 * to the order (303) with a message. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "staff.h"

static const char *
ord_bo_url(souk_request_t *r, const char *path)
{
    return souk_psprintf(souk_request_pool(r), "%s%s",
                         souk_site_base_path(r), path);
}

static cJSON *
ord_bo_page(souk_request_t *r, const char *tmpl, const char *heading)
{
    cJSON  *m = souk_ui_page(r, tmpl, heading);

    souk_ui_crumb(m, "Admin", ord_bo_url(r, "/admin"));
    souk_ui_crumb(m, "Orders", ord_bo_url(r, "/admin/orders"));
    return m;
}

/* ---------- the list ---------- */

/* A date filter "YYYY-MM-DD" as Unix seconds at 00:00 UTC; 0 when empty,
 * -1 when malformed. */
static int64_t
ord_bo_date(const char *s)
{
    struct tm  tm;
    int        y, mo, d, n = 0;
    int64_t    t;

    if (s == NULL || s[0] == '\0') {
        return 0;
    }
    if (sscanf(s, "%4d-%2d-%2d%n", &y, &mo, &d, &n) != 3 || n != 10
        || s[10] != '\0' || y < 1970 || y > 9999 || mo < 1 || mo > 12
        || d < 1 || d > 31)
    {
        return -1;
    }
    memset(&tm, 0, sizeof(tm));
    tm.tm_year = y - 1900;
    tm.tm_mon = mo - 1;
    tm.tm_mday = d;
    t = (int64_t) timegm(&tm);
    /* timegm moves 31 February on to March: refuse what it changed */
    return tm.tm_mday == d && tm.tm_mon == mo - 1 ? t : -1;
}

static void
ord_bo_options(souk_request_t *r, cJSON *m, const char *status,
    const char *payment)
{
    static const char *const  sts[] = { "pending_payment", "paid",
        "picking", "packed", "shipped", "delivered", "completed", "on_hold",
        "cancelled", NULL };
    cJSON        *arr, *o;
    souk_stmt_t  *st;
    size_t        i;

    arr = cJSON_AddArrayToObject(m, "statuses");
    for (i = 0; sts[i] != NULL; i++) {
        o = cJSON_CreateObject();
        cJSON_AddStringToObject(o, "value", sts[i]);
        cJSON_AddStringToObject(o, "label", ord_staff_status_label(sts[i]));
        cJSON_AddBoolToObject(o, "selected", status != NULL
                              && strcmp(status, sts[i]) == 0);
        cJSON_AddItemToArray(arr, o);
    }
    arr = cJSON_AddArrayToObject(m, "payments");
    st = souk_db_prepare(souk_db(r), "SELECT DISTINCT payment_method FROM "
                         "orders WHERE site_id = ? ORDER BY payment_method");
    if (st == NULL
        || souk_stmt_bind_text(st, 1, souk_site_id(r), -1) != SOUK_OK)
    {
        return;
    }
    while (souk_stmt_step(st) == SOUK_ROW) {
        o = cJSON_CreateObject();
        cJSON_AddStringToObject(o, "value", souk_stmt_text(st, 0));
        cJSON_AddBoolToObject(o, "selected", payment != NULL
                              && strcmp(payment, souk_stmt_text(st, 0)) == 0);
        cJSON_AddItemToArray(arr, o);
    }
    souk_stmt_reset(st);
}

/* The list's link to page n keeping the filters. */
static const char *
ord_bo_page_link(souk_request_t *r, const ord_filter_t *f, const char *from,
    const char *to, int64_t n)
{
    char        *u = souk_ui_url_append(NULL, ord_bo_url(r, "/admin/orders"
                                                            "?page="), 0);
    const char  *out;
    char         num[24];
    const char  *keys[] = { "&status=", "&q=", "&payment=", "&from=",
        "&to=" };
    const char  *vals[] = { f->status, f->q, f->payment, from, to };
    size_t       i;

    snprintf(num, sizeof(num), "%lld", (long long) n);
    u = souk_ui_url_append(u, num, 0);
    for (i = 0; i < 5; i++) {
        if (vals[i] != NULL && vals[i][0] != '\0') {
            u = souk_ui_url_append(u, keys[i], 0);
            u = souk_ui_url_append(u, vals[i], 1);
        }
    }
    out = souk_pstrdup(souk_request_pool(r), u);
    free(u);
    return out;
}

int
ord_bo_list(souk_request_t *r, void *data)
{
    ord_filter_t  f;
    cJSON        *m, *res, *o, *e, *fl, *row;
    const char   *from = souk_request_query(r, "from");
    const char   *to = souk_request_query(r, "to");
    const char   *p = souk_request_query(r, "page");
    int64_t       page, pages;
    int           rc;

    (void) data;
    if ((rc = souk_ui_guard(r, NULL, "orders.view")) != 0) {
        return rc;
    }
    memset(&f, 0, sizeof(f));
    m = ord_bo_page(r, "admin_orders", "Orders");
    f.status = souk_request_query(r, "status");
    f.q = souk_request_query(r, "q");
    f.payment = souk_request_query(r, "payment");
    f.per = ORD_STAFF_PER;
    if (p == NULL || souk_int_parse(p, 1, 1000000, &f.page) != SOUK_OK) {
        f.page = 1;
    }
    if (f.status != NULL && f.status[0] != '\0' && !ord_status_ok(f.status))
    {
        souk_ui_flash(m, "error", "Unknown status: showing every status");
        f.status = NULL;
    }
    if ((f.from = ord_bo_date(from)) < 0 || (f.to = ord_bo_date(to)) < 0) {
        souk_ui_flash(m, "error", "Dates are YYYY-MM-DD: the date filter "
                      "was left out");
        f.from = f.to = 0;
        from = to = NULL;
    } else if (f.to > 0) {
        f.to += 86400;                    /* "to" includes that whole day */
    }
    ord_bo_options(r, m, f.status, f.payment);
    if ((res = ord_staff_list(r, &f)) == NULL) {
        return SOUK_ERROR;
    }
    fl = cJSON_AddObjectToObject(m, "filters");
    cJSON_AddStringToObject(fl, "q", f.q != NULL ? f.q : "");
    cJSON_AddStringToObject(fl, "from", from != NULL ? from : "");
    cJSON_AddStringToObject(fl, "to", to != NULL ? to : "");
    cJSON_AddStringToObject(fl, "action", ord_bo_url(r, "/admin/orders"));
    o = cJSON_AddArrayToObject(m, "orders");
    cJSON_ArrayForEach(e, cJSON_GetObjectItem(res, "orders")) {
        row = cJSON_Duplicate(e, 1);
        cJSON_AddStringToObject(row, "href", ord_bo_url(r, souk_psprintf(
            souk_request_pool(r), "/admin/orders/%s",
            cJSON_GetStringValue(cJSON_GetObjectItem(row, "number")))));
        cJSON_AddItemToArray(o, row);
    }
    cJSON_AddBoolToObject(m, "has_rows", cJSON_GetArraySize(o) > 0);
    page = (int64_t) cJSON_GetNumberValue(cJSON_GetObjectItem(res, "page"));
    pages = (int64_t) cJSON_GetNumberValue(cJSON_GetObjectItem(res,
                                                               "pages"));
    o = cJSON_AddObjectToObject(m, "paging");
    cJSON_AddNumberToObject(o, "total",
                            cJSON_GetNumberValue(cJSON_GetObjectItem(res,
                                                                 "total")));
    cJSON_AddNumberToObject(o, "page", (double) page);
    cJSON_AddNumberToObject(o, "pages", (double) pages);
    if (page > 1) {
        cJSON_AddStringToObject(o, "prev", ord_bo_page_link(r, &f, from, to,
                                                            page - 1));
    } else {
        cJSON_AddFalseToObject(o, "prev");
    }
    if (page < pages) {
        cJSON_AddStringToObject(o, "next", ord_bo_page_link(r, &f, from, to,
                                                            page + 1));
    } else {
        cJSON_AddFalseToObject(o, "next");
    }
    return 200;
}

/* ---------- one order ---------- */

static int
ord_bo_detail(souk_request_t *r, int64_t id, int status, const char *error)
{
    cJSON       *m, *doc;
    const char  *num, *base;

    if ((doc = ord_staff_doc(r, id)) == NULL) {
        return SOUK_ERROR;
    }
    num = cJSON_GetStringValue(cJSON_GetObjectItem(doc, "number"));
    m = ord_bo_page(r, "admin_order", souk_psprintf(souk_request_pool(r),
                                                    "Order %s", num));
    souk_ui_crumb(m, num, NULL);
    if (error != NULL) {
        souk_ui_flash(m, "error", error);
    }
    cJSON_AddItemToObject(m, "order", cJSON_Duplicate(doc, 1));
    base = souk_psprintf(souk_request_pool(r), "%s/admin/orders/%s",
                         souk_site_base_path(r), num);
    cJSON_AddStringToObject(m, "transition_action",
                            souk_psprintf(souk_request_pool(r),
                                          "%s/transition", base));
    cJSON_AddStringToObject(m, "ship_action", souk_psprintf(
        souk_request_pool(r), "%s/ship", base));
    cJSON_AddStringToObject(m, "note_action", souk_psprintf(
        souk_request_pool(r), "%s/notes", base));
    cJSON_AddStringToObject(m, "change_action", souk_psprintf(
        souk_request_pool(r), "%s/changes/", base));
    cJSON_AddStringToObject(m, "slip_href", souk_psprintf(
        souk_request_pool(r), "%s/packing-slip", base));
    cJSON_AddBoolToObject(m, "can_fulfil", souk_user_can(r,
                                                         "orders.fulfil"));
    cJSON_AddBoolToObject(m, "can_manage", souk_user_can(r,
                                                         "orders.manage"));
    return status;
}

int
ord_bo_show(souk_request_t *r, void *data)
{
    int64_t  id;
    int      rc;

    (void) data;
    if ((rc = souk_ui_guard(r, NULL, "orders.view")) != 0) {
        return rc;
    }
    if ((id = ord_staff_order_param(r)) == 0) {
        return souk_error(r, 404, "there is no such order");
    }
    return ord_bo_detail(r, id, 200, NULL);
}

/* After a form: 303 to the order with a message, or the page again. */
static int
ord_bo_done(souk_request_t *r, int64_t id, int rc, int bad_status,
    const char *ok, const char *why)
{
    if (rc == SOUK_OK) {
        souk_ui_flash_next(r, "ok", ok);
        return souk_redirect(r, 303, ord_bo_url(r, souk_psprintf(
            souk_request_pool(r), "/admin/orders/%s",
            souk_request_param(r, "number"))));
    }
    if (rc == SOUK_DECLINED) {
        return ord_bo_detail(r, id, bad_status, why);
    }
    return SOUK_ERROR;
}

static int
ord_bo_checked(souk_request_t *r, const char *name)
{
    const char  *v = souk_request_form(r, name);

    return v != NULL && (strcmp(v, "yes") == 0 || strcmp(v, "1") == 0
                         || strcmp(v, "on") == 0);
}

int
ord_bo_transition(souk_request_t *r, void *data)
{
    const char  *to = souk_request_form(r, "to"), *note, *perm;
    char         why[ORD_WHY] = "";
    ord_head_t   h;
    int64_t      id;
    int          rc;

    (void) data;
    if ((rc = souk_ui_guard(r, NULL, "orders.view")) != 0) {
        return rc;
    }
    if ((id = ord_staff_order_param(r)) == 0
        || ord_head_load(r, id, &h) != SOUK_OK)
    {
        return souk_error(r, 404, "there is no such order");
    }
    if (to == NULL || !ord_status_ok(to)) {
        return ord_bo_detail(r, id, 422, "Choose a status to move to");
    }
    perm = ord_staff_move_perm(h.status, to);
    if (!souk_user_can(r, perm)) {
        return souk_error(r, 403, "your account may not move orders to %s",
                          to);
    }
    note = ord_staff_clean(r, souk_request_form(r, "note"), ORD_NOTE_MAX, 1);
    if (note == NULL) {
        return ord_bo_detail(r, id, 422, "Note: at most 2000 characters, "
                             "no control characters");
    }
    rc = ord_transition(r, id, to, note[0] != '\0' ? note : NULL,
                        souk_user_id(r), ord_bo_checked(r, "public"), why,
                        sizeof(why));
    return ord_bo_done(r, id, rc, 409, souk_psprintf(souk_request_pool(r),
                       "Order %s is now %s", h.number,
                       ord_staff_status_label(to)), why);
}

int
ord_bo_ship(souk_request_t *r, void *data)
{
    ord_ship_t  s;
    char        why[ORD_WHY] = "";
    int64_t     id;
    int         rc, bad;

    (void) data;
    if ((rc = souk_ui_guard(r, NULL, "orders.fulfil")) != 0) {
        return rc;
    }
    if ((id = ord_staff_order_param(r)) == 0) {
        return souk_error(r, 404, "there is no such order");
    }
    s.carrier = souk_request_form(r, "carrier");
    s.tracking_number = souk_request_form(r, "tracking_number");
    s.tracking_url = souk_request_form(r, "tracking_url");
    s.note = souk_request_form(r, "note");
    rc = ord_staff_ship(r, id, &s, &bad, why, sizeof(why));
    return ord_bo_done(r, id, rc, bad ? 422 : 409, "Shipped: the customer "
                       "is told the tracking number", why);
}

int
ord_bo_note(souk_request_t *r, void *data)
{
    char     why[ORD_WHY] = "";
    int64_t  id;
    int      rc, pub;

    (void) data;
    if ((rc = souk_ui_guard(r, NULL, "orders.fulfil")) != 0) {
        return rc;
    }
    if ((id = ord_staff_order_param(r)) == 0) {
        return souk_error(r, 404, "there is no such order");
    }
    pub = ord_bo_checked(r, "public");
    rc = ord_staff_note(r, id, souk_request_form(r, "note"), pub, why,
                        sizeof(why));
    return ord_bo_done(r, id, rc, 422, pub ? "Note added: the customer sees "
                       "it" : "Private note added", why);
}

int
ord_bo_change(souk_request_t *r, void *data)
{
    const char   *d = souk_request_form(r, "decision");
    char          why[ORD_WHY] = "";
    int64_t       id, cid;
    souk_stmt_t  *st;
    int           rc, accept;

    (void) data;
    if ((rc = souk_ui_guard(r, NULL, "orders.manage")) != 0) {
        return rc;
    }
    if ((id = ord_staff_order_param(r)) == 0
        || souk_int_parse(souk_request_param(r, "id"), 1, INT64_MAX, &cid)
           != SOUK_OK)
    {
        return souk_error(r, 404, "there is no such order");
    }
    /* the request must be this order's (and so this site's) */
    st = souk_db_row(souk_db(r), "SELECT id FROM order_change_requests "
                     "WHERE id = ? AND order_id = ?", "ii", cid, id);
    if (st == NULL) {
        return souk_error(r, 404, "there is no such change request");
    }
    souk_stmt_reset(st);
    if (d == NULL || (strcmp(d, "accept") != 0 && strcmp(d, "decline") != 0))
    {
        return ord_bo_detail(r, id, 422, "Accept or decline the request");
    }
    accept = strcmp(d, "accept") == 0;
    rc = ord_change_decide(r, cid, accept, souk_request_form(r, "reason"),
                           souk_user_id(r), why, sizeof(why));
    return ord_bo_done(r, id, rc, strncmp(why, "Reason", 6) == 0 ? 422 : 409,
                       accept ? "Change request accepted and applied"
                              : "Change request declined", why);
}

/* The reconciliation: per order, what it should have collected (the
 * ledger's due) against what moved (captured - refunded), with the
 * differences and the flagged payments first in mind. The back office
 * page (HTML or CSV) and the staff API both read pay_recon_list. */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "admin.h"

/* The rows staff must look at: an order past payment (or cancelled)
 * whose net is not its due, or with a flagged payment. */
#define PAY_RECON_DIFF \
    "((l.status <> 'pending_payment' AND l.captured - l.refunded <> l.due)" \
    " OR EXISTS (SELECT 1 FROM payments p WHERE p.site_id = l.site_id AND " \
    "p.order_id = l.order_id AND p.flag <> ''))"

int
pay_recon_filter(souk_request_t *r, pay_recon_filter_t *f, char *why,
    size_t whylen)
{
    const char  *show = souk_request_query(r, "show");
    const char  *p = souk_request_query(r, "page");

    memset(f, 0, sizeof(*f));
    f->per = PAY_RECON_PER;
    f->page = 1;
    if (show != NULL && show[0] != '\0' && strcmp(show, "all") != 0
        && strcmp(show, "differences") != 0)
    {
        return pay_decline(why, whylen, "show is differences or all");
    }
    f->all = show != NULL && strcmp(show, "all") == 0;
    if ((f->from = pay_admin_date(souk_request_query(r, "from"))) < 0
        || (f->to = pay_admin_date(souk_request_query(r, "to"))) < 0)
    {
        return pay_decline(why, whylen, "from and to are dates "
                           "(YYYY-MM-DD)");
    }
    if (f->to > 0) {
        f->to += 86400;                   /* "to" includes that whole day */
    }
    if (p != NULL && p[0] != '\0'
        && souk_int_parse(p, 1, 1000000, &f->page) != SOUK_OK)
    {
        return pay_decline(why, whylen, "page is a whole number from 1");
    }
    return SOUK_OK;
}

/* The WHERE clause and its binds (site, from, to in that order). */
static const char *
pay_recon_where(souk_request_t *r, const pay_recon_filter_t *f)
{
    return souk_psprintf(souk_request_pool(r), " FROM payment_ledger l "
                         "WHERE l.site_id = ?%s%s%s",
                         f->from > 0 ? " AND l.placed_at >= ?" : "",
                         f->to > 0 ? " AND l.placed_at < ?" : "",
                         f->all ? "" : " AND " PAY_RECON_DIFF);
}

static souk_stmt_t *
pay_recon_prepare(souk_request_t *r, const pay_recon_filter_t *f,
    const char *head, const char *tail, int *next)
{
    souk_stmt_t  *st;
    int           i = 1, rc;

    st = souk_db_prepare(souk_db(r), souk_psprintf(souk_request_pool(r),
                         "%s%s%s", head, pay_recon_where(r, f), tail));
    if (st == NULL) {
        return NULL;
    }
    rc = souk_stmt_bind_text(st, i++, souk_site_id(r), -1);
    if (rc == SOUK_OK && f->from > 0) {
        rc = souk_stmt_bind_int(st, i++, f->from);
    }
    if (rc == SOUK_OK && f->to > 0) {
        rc = souk_stmt_bind_int(st, i++, f->to);
    }
    *next = i;
    return rc == SOUK_OK ? st : NULL;
}

static void
pay_recon_money(souk_request_t *r, cJSON *o, const char *key, int64_t v,
    const char *cur)
{
    cJSON_AddNumberToObject(o, key, (double) v);
    pay_admin_money_add(o, souk_psprintf(souk_request_pool(r), "%s_money",
                                         key), v, cur);
    cJSON_AddStringToObject(o, souk_psprintf(souk_request_pool(r),
                            "%s_text", key), pay_admin_money(r, v, cur));
}

static cJSON *
pay_recon_row(souk_request_t *r, souk_stmt_t *st)
{
    cJSON       *o = cJSON_CreateObject();
    const char  *cur = souk_stmt_text(st, 5);
    const char  *status = souk_stmt_text(st, 4);
    const char  *flag = souk_stmt_text(st, 9);
    int64_t      due = souk_stmt_int(st, 6), net;
    int          diff;

    net = souk_stmt_int(st, 7) - souk_stmt_int(st, 8);
    diff = strcmp(status, "pending_payment") != 0 && net != due;
    cJSON_AddNumberToObject(o, "order_id", (double) souk_stmt_int(st, 0));
    cJSON_AddStringToObject(o, "number", souk_stmt_text(st, 1));
    cJSON_AddNumberToObject(o, "placed_at", (double) souk_stmt_int(st, 2));
    cJSON_AddStringToObject(o, "placed_text", pay_admin_time(r,
                            souk_stmt_int(st, 2)));
    cJSON_AddStringToObject(o, "method", souk_stmt_text(st, 3));
    cJSON_AddStringToObject(o, "status", status);
    cJSON_AddStringToObject(o, "currency", cur);
    pay_recon_money(r, o, "due", due, cur);
    pay_recon_money(r, o, "captured", souk_stmt_int(st, 7), cur);
    pay_recon_money(r, o, "refunded", souk_stmt_int(st, 8), cur);
    pay_recon_money(r, o, "net", net, cur);
    pay_recon_money(r, o, "difference", net - due, cur);
    cJSON_AddBoolToObject(o, "mismatch", diff);
    cJSON_AddBoolToObject(o, "flagged", diff || flag[0] != '\0');
    cJSON_AddStringToObject(o, "flag", flag);
    return o;
}

static int
pay_recon_rows(souk_request_t *r, const pay_recon_filter_t *f, int64_t page,
    cJSON *arr)
{
    souk_stmt_t  *st;
    int           i, rc = SOUK_OK;

    st = pay_recon_prepare(r, f, "SELECT l.order_id, l.order_number, "
                           "l.placed_at, l.method, l.status, l.currency, "
                           "l.due, l.captured, l.refunded, COALESCE(("
                           "SELECT MAX(p.flag) FROM payments p WHERE "
                           "p.site_id = l.site_id AND p.order_id = "
                           "l.order_id AND p.flag <> ''), '')",
                           f->page > 0 ? " ORDER BY l.placed_at DESC, "
                           "l.order_id DESC LIMIT ? OFFSET ?"
                           : " ORDER BY l.placed_at DESC, l.order_id DESC",
                           &i);
    if (st == NULL) {
        return SOUK_ERROR;
    }
    if (f->page > 0
        && (souk_stmt_bind_int(st, i, f->per) != SOUK_OK
            || souk_stmt_bind_int(st, i + 1, (page - 1) * f->per)
               != SOUK_OK))
    {
        return SOUK_ERROR;
    }
    while ((rc = souk_stmt_step(st)) == SOUK_ROW) {
        cJSON_AddItemToArray(arr, pay_recon_row(r, st));
    }
    souk_stmt_reset(st);
    return rc == SOUK_DONE ? SOUK_OK : SOUK_ERROR;
}

/* Totals per currency over every filtered row (not just the page);
 * *count gets the number of rows. */
static int
pay_recon_totals(souk_request_t *r, const pay_recon_filter_t *f,
    cJSON *arr, int64_t *count)
{
    souk_stmt_t  *st;
    cJSON        *o;
    const char   *cur;
    int64_t       net, due;
    int           i, rc;

    *count = 0;
    st = pay_recon_prepare(r, f, "SELECT l.currency, COUNT(*), "
                           "SUM(l.due), SUM(l.captured), SUM(l.refunded)",
                           " GROUP BY l.currency ORDER BY l.currency", &i);
    if (st == NULL) {
        return SOUK_ERROR;
    }
    while ((rc = souk_stmt_step(st)) == SOUK_ROW) {
        o = cJSON_CreateObject();
        cur = souk_stmt_text(st, 0);
        due = souk_stmt_int(st, 2);
        net = souk_stmt_int(st, 3) - souk_stmt_int(st, 4);
        cJSON_AddStringToObject(o, "currency", cur);
        cJSON_AddNumberToObject(o, "orders", (double) souk_stmt_int(st, 1));
        pay_recon_money(r, o, "due", due, cur);
        pay_recon_money(r, o, "captured", souk_stmt_int(st, 3), cur);
        pay_recon_money(r, o, "refunded", souk_stmt_int(st, 4), cur);
        pay_recon_money(r, o, "net", net, cur);
        pay_recon_money(r, o, "difference", net - due, cur);
        *count += souk_stmt_int(st, 1);
        cJSON_AddItemToArray(arr, o);
    }
    souk_stmt_reset(st);
    return rc == SOUK_DONE ? SOUK_OK : SOUK_ERROR;
}

cJSON *
pay_recon_list(souk_request_t *r, const pay_recon_filter_t *f)
{
    cJSON    *res;
    int64_t   total, pages, page = f->page;

    res = souk_pool_json(souk_request_pool(r), cJSON_CreateObject());
    if (pay_recon_totals(r, f, cJSON_AddArrayToObject(res, "totals"),
                         &total) != SOUK_OK)
    {
        return NULL;
    }
    pages = f->page > 0 && total > 0 ? (total + f->per - 1) / f->per : 1;
    if (page > pages) {
        page = pages;
    }
    if (pay_recon_rows(r, f, page, cJSON_AddArrayToObject(res, "rows"))
        != SOUK_OK)
    {
        return NULL;
    }
    cJSON_AddNumberToObject(res, "total", (double) total);
    cJSON_AddNumberToObject(res, "page", (double) (page > 0 ? page : 1));
    cJSON_AddNumberToObject(res, "pages", (double) pages);
    return res;
}

/* ---------- the page ---------- */

/* A CSV field: quoted when it holds a comma, quote or newline; text
 * starting = + @ (or - not followed by a digit) gets a leading ' so a
 * spreadsheet never runs it as a formula. */
static void
pay_csv_field(souk_buf_t *b, const char *s, int last)
{
    const char  *c;
    int          defuse;

    defuse = s[0] == '=' || s[0] == '+' || s[0] == '@'
             || (s[0] == '-' && !isdigit((unsigned char) s[1]));
    if (defuse || strpbrk(s, ",\"\r\n") != NULL) {
        souk_buf_puts(b, defuse ? "\"'" : "\"");
        for (c = s; *c != '\0'; c++) {
            souk_buf_append(b, c, 1);
            if (*c == '"') {
                souk_buf_append(b, c, 1);
            }
        }
        souk_buf_puts(b, "\"");
    } else {
        souk_buf_puts(b, s);
    }
    souk_buf_puts(b, last ? "\r\n" : ",");
}

static int
pay_recon_csv(souk_request_t *r, const cJSON *res)
{
    static const char *const  keys[] = { "number", "placed_text", "method",
        "status", "currency", "due_text", "captured_text", "refunded_text",
        "net_text", "difference_text", "flag", NULL };
    souk_buf_t    b;
    const cJSON  *row;
    size_t        i;

    souk_buf_init(&b, souk_request_pool(r), 4096);
    souk_buf_puts(&b, "number,placed,method,status,currency,due,captured,"
                  "refunded,net,difference,flag\r\n");
    cJSON_ArrayForEach(row, cJSON_GetObjectItemCaseSensitive(res, "rows")) {
        for (i = 0; keys[i] != NULL; i++) {
            pay_csv_field(&b, cJSON_GetStringValue(
                cJSON_GetObjectItemCaseSensitive(row, keys[i])),
                keys[i + 1] == NULL);
        }
    }
    if (souk_response_header(r, "Content-Disposition", "attachment; "
                             "filename=\"payments-reconciliation.csv\"")
        != SOUK_OK)
    {
        return SOUK_ERROR;
    }
    souk_response_body(r, "text/csv; charset=utf-8", b.data, b.len);
    return 200;
}

/* The list's link to page n (or to the CSV) keeping the filters. */
static const char *
pay_recon_link(souk_request_t *r, const pay_recon_filter_t *f,
    const char *tail)
{
    char        *u = souk_ui_url_append(NULL, pay_admin_url(r,
                                        "/admin/payments?show="), 0);
    const char  *from = souk_request_query(r, "from");
    const char  *to = souk_request_query(r, "to");
    const char  *out;

    u = souk_ui_url_append(u, f->all ? "all" : "differences", 0);
    if (f->from > 0) {
        u = souk_ui_url_append(u, "&from=", 0);
        u = souk_ui_url_append(u, from, 1);
    }
    if (f->to > 0) {
        u = souk_ui_url_append(u, "&to=", 0);
        u = souk_ui_url_append(u, to, 1);
    }
    u = souk_ui_url_append(u, tail, 0);
    out = souk_pstrdup(souk_request_pool(r), u);
    free(u);
    return out;
}

static void
pay_recon_paging(souk_request_t *r, cJSON *m, const pay_recon_filter_t *f,
    const cJSON *res)
{
    cJSON    *o = cJSON_AddObjectToObject(m, "paging");
    int64_t   page, pages;

    page = (int64_t) cJSON_GetNumberValue(cJSON_GetObjectItem(res, "page"));
    pages = (int64_t) cJSON_GetNumberValue(cJSON_GetObjectItem(res,
                                                               "pages"));
    cJSON_AddNumberToObject(o, "total", cJSON_GetNumberValue(
        cJSON_GetObjectItem(res, "total")));
    cJSON_AddNumberToObject(o, "page", (double) page);
    cJSON_AddNumberToObject(o, "pages", (double) pages);
    if (page > 1) {
        cJSON_AddStringToObject(o, "prev", pay_recon_link(r, f, souk_psprintf(
            souk_request_pool(r), "&page=%lld", (long long) page - 1)));
    } else {
        cJSON_AddFalseToObject(o, "prev");
    }
    if (page < pages) {
        cJSON_AddStringToObject(o, "next", pay_recon_link(r, f, souk_psprintf(
            souk_request_pool(r), "&page=%lld", (long long) page + 1)));
    } else {
        cJSON_AddFalseToObject(o, "next");
    }
}

static void
pay_recon_links(souk_request_t *r, cJSON *rows)
{
    cJSON  *row;

    cJSON_ArrayForEach(row, rows) {
        cJSON_AddStringToObject(row, "href", pay_admin_url(r, souk_psprintf(
            souk_request_pool(r), "/admin/payments/orders/%s",
            cJSON_GetStringValue(cJSON_GetObjectItem(row, "number")))));
    }
}

int
pay_bo_recon(souk_request_t *r, void *data)
{
    pay_recon_filter_t  f;
    const char         *fmt = souk_request_query(r, "format");
    char                why[PAY_WHY] = "";
    cJSON              *m, *res, *fl;
    int                 rc, csv;

    (void) data;
    if ((rc = souk_ui_guard(r, NULL, "payments.view")) != 0) {
        return rc;
    }
    csv = fmt != NULL && strcmp(fmt, "csv") == 0;
    if (pay_recon_filter(r, &f, why, sizeof(why)) != SOUK_OK) {
        return souk_error(r, 400, "%s", why);
    }
    if (csv) {
        f.page = 0;                        /* the export has every row */
    }
    if ((res = pay_recon_list(r, &f)) == NULL) {
        return SOUK_ERROR;
    }
    if (csv) {
        return pay_recon_csv(r, res);
    }
    m = pay_admin_page(r, "admin_payments", "Payments: reconciliation");
    fl = cJSON_AddObjectToObject(m, "filters");
    cJSON_AddBoolToObject(fl, "all", f.all);
    cJSON_AddStringToObject(fl, "from", f.from > 0
                            ? souk_request_query(r, "from") : "");
    cJSON_AddStringToObject(fl, "to", f.to > 0
                            ? souk_request_query(r, "to") : "");
    cJSON_AddStringToObject(fl, "action", pay_admin_url(r,
                                                        "/admin/payments"));
    cJSON_AddStringToObject(m, "csv_href", pay_recon_link(r, &f,
                                                          "&format=csv"));
    pay_recon_links(r, cJSON_GetObjectItem(res, "rows"));
    cJSON_AddItemToObject(m, "rows", cJSON_Duplicate(
        cJSON_GetObjectItem(res, "rows"), 1));
    cJSON_AddItemToObject(m, "totals", cJSON_Duplicate(
        cJSON_GetObjectItem(res, "totals"), 1));
    cJSON_AddBoolToObject(m, "has_rows", cJSON_GetArraySize(
        cJSON_GetObjectItem(res, "rows")) > 0);
    cJSON_AddBoolToObject(m, "can_settings", souk_user_can(r,
                          "payments.settings"));
    cJSON_AddStringToObject(m, "settings_href", pay_admin_url(r,
                            "/admin/payments/settings"));
    pay_recon_paging(r, m, &f, res);
    return 200;
}

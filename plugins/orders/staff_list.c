/* The staff's list of orders: this site's orders filtered by status,
 * dates, payment method and a search by number or email, newest first,
 * a page at a time. The back office page and the API both read it. */
#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include "staff.h"

#define ORD_WHERE_MAX  8

typedef struct {
    char          sql[600];
    size_t        n;
    const char   *texts[ORD_WHERE_MAX];
    int64_t       ints[ORD_WHERE_MAX];
    char          kinds[ORD_WHERE_MAX];
    int           nargs;
} ord_where_t;

static void
ord_where_add(ord_where_t *w, const char *cond, char kind, const char *t,
    int64_t i)
{
    w->n += (size_t) snprintf(w->sql + w->n, sizeof(w->sql) - w->n,
                              " AND %s", cond);
    w->kinds[w->nargs] = kind;
    w->texts[w->nargs] = t;
    w->ints[w->nargs] = i;
    w->nargs++;
}

/* "%q%" with LIKE's own characters escaped by '!' (one escape character
 * both engines read the same way, unlike a backslash). */
static const char *
ord_like(souk_request_t *r, const char *q)
{
    size_t  n = strlen(q), i, j = 1;
    char   *out = souk_palloc(souk_request_pool(r), 2 * n + 3);

    out[0] = '%';
    for (i = 0; i < n; i++) {
        if (q[i] == '%' || q[i] == '_' || q[i] == '!') {
            out[j++] = '!';
        }
        out[j++] = (char) tolower((unsigned char) q[i]);
    }
    out[j++] = '%';
    out[j] = '\0';
    return out;
}

static const char *
ord_upper(souk_request_t *r, const char *q)
{
    char    *u = souk_pstrdup(souk_request_pool(r), q);
    size_t   i;

    for (i = 0; u[i] != '\0'; i++) {
        u[i] = (char) toupper((unsigned char) u[i]);
    }
    return u;
}

static void
ord_where_build(souk_request_t *r, const ord_filter_t *f, ord_where_t *w)
{
    memset(w, 0, sizeof(*w));
    w->n = (size_t) snprintf(w->sql, sizeof(w->sql), " FROM orders WHERE "
                             "site_id = ?");
    w->kinds[0] = 't';
    w->texts[0] = souk_site_id(r);
    w->nargs = 1;
    if (f->status != NULL && f->status[0] != '\0') {
        ord_where_add(w, "status = ?", 't', f->status, 0);
    }
    if (f->payment != NULL && f->payment[0] != '\0') {
        ord_where_add(w, "payment_method = ?", 't', f->payment, 0);
    }
    if (f->from > 0) {
        ord_where_add(w, "placed_at >= ?", 'i', NULL, f->from);
    }
    if (f->to > 0) {
        ord_where_add(w, "placed_at < ?", 'i', NULL, f->to);
    }
    if (f->q != NULL && f->q[0] != '\0') {
        /* a number is matched whole (upper-cased), an email in part */
        w->n += (size_t) snprintf(w->sql + w->n, sizeof(w->sql) - w->n,
                                  " AND (number = ? OR LOWER(email) LIKE ? "
                                  "ESCAPE '!')");
        w->kinds[w->nargs] = 't';
        w->texts[w->nargs++] = ord_upper(r, f->q);
        w->kinds[w->nargs] = 't';
        w->texts[w->nargs++] = ord_like(r, f->q);
    }
}

static souk_stmt_t *
ord_where_prepare(souk_request_t *r, const ord_where_t *w, const char *head,
    const char *tail)
{
    souk_stmt_t  *st;
    const char   *sql;
    int           i, rc = SOUK_OK;

    sql = souk_psprintf(souk_request_pool(r), "%s%s%s", head, w->sql, tail);
    if ((st = souk_db_prepare(souk_db(r), sql)) == NULL) {
        return NULL;
    }
    for (i = 0; i < w->nargs && rc == SOUK_OK; i++) {
        rc = w->kinds[i] == 't'
             ? souk_stmt_bind_text(st, i + 1, w->texts[i], -1)
             : souk_stmt_bind_int(st, i + 1, w->ints[i]);
    }
    return rc == SOUK_OK ? st : NULL;
}

static cJSON *
ord_list_row(souk_request_t *r, souk_stmt_t *st)
{
    cJSON       *o = cJSON_CreateObject();
    const char  *cur = souk_stmt_text(st, 4);

    cJSON_AddNumberToObject(o, "id", (double) souk_stmt_int(st, 0));
    cJSON_AddStringToObject(o, "number", souk_stmt_text(st, 1));
    cJSON_AddStringToObject(o, "status", souk_stmt_text(st, 2));
    cJSON_AddStringToObject(o, "status_label",
                            ord_staff_status_label(souk_stmt_text(st, 2)));
    cJSON_AddStringToObject(o, "email", souk_stmt_text(st, 3));
    ord_money_add(o, "total", souk_stmt_int(st, 5), cur);
    cJSON_AddStringToObject(o, "total_text",
                            ord_staff_money(r, souk_stmt_int(st, 5), cur));
    cJSON_AddStringToObject(o, "currency", cur);
    cJSON_AddStringToObject(o, "payment_method", souk_stmt_text(st, 6));
    cJSON_AddNumberToObject(o, "placed_at", (double) souk_stmt_int(st, 7));
    cJSON_AddStringToObject(o, "placed_text",
                            ord_staff_time(r, souk_stmt_int(st, 7)));
    return o;
}

cJSON *
ord_staff_list(souk_request_t *r, const ord_filter_t *f)
{
    ord_where_t   w;
    souk_stmt_t  *st;
    cJSON        *res, *arr;
    int64_t       total, pages, page = f->page;
    int           rc;

    ord_where_build(r, f, &w);
    if ((st = ord_where_prepare(r, &w, "SELECT COUNT(*)", "")) == NULL
        || souk_stmt_step(st) != SOUK_ROW)
    {
        return NULL;
    }
    total = souk_stmt_int(st, 0);
    souk_stmt_reset(st);
    pages = total == 0 ? 1 : (total + f->per - 1) / f->per;
    if (page > pages) {
        page = pages;
    }
    res = souk_pool_json(souk_request_pool(r), cJSON_CreateObject());
    arr = cJSON_AddArrayToObject(res, "orders");
    st = ord_where_prepare(r, &w, "SELECT id, number, status, email, "
                           "currency, total, payment_method, placed_at",
                           " ORDER BY placed_at DESC, id DESC LIMIT ? "
                           "OFFSET ?");
    if (st == NULL
        || souk_stmt_bind_int(st, w.nargs + 1, f->per) != SOUK_OK
        || souk_stmt_bind_int(st, w.nargs + 2, (page - 1) * f->per)
           != SOUK_OK)
    {
        return NULL;
    }
    while ((rc = souk_stmt_step(st)) == SOUK_ROW) {
        cJSON_AddItemToArray(arr, ord_list_row(r, st));
    }
    souk_stmt_reset(st);
    if (rc != SOUK_DONE) {
        return NULL;
    }
    cJSON_AddNumberToObject(res, "total", (double) total);
    cJSON_AddNumberToObject(res, "page", (double) page);
    cJSON_AddNumberToObject(res, "pages", (double) pages);
    return res;
}

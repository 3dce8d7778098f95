/* The comparison: up to four products kept in the visitor's session and
 * shown side by side with their attributes (GET and POST /compare). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store.h"

#define CAT_COMPARE_KEY  "catalog.compare"

typedef struct {
    int64_t  ids[CAT_COMPARE_MAX];
    size_t   n;
} cat_cmp_t;

/* The session's list: product ids separated by spaces. */
static void
cat_cmp_read(souk_request_t *r, cat_cmp_t *c)
{
    const char  *s = NULL;
    char        *end;
    long long    v;

    c->n = 0;
    if (souk_session_active(r)) {
        s = souk_session_get(r, CAT_COMPARE_KEY);
    }
    while (s != NULL && *s != '\0' && c->n < CAT_COMPARE_MAX) {
        v = strtoll(s, &end, 10);
        if (end == s) {
            break;
        }
        if (v > 0) {
            c->ids[c->n++] = v;
        }
        s = end;
    }
}

static int
cat_cmp_write(souk_request_t *r, const cat_cmp_t *c)
{
    char    buf[CAT_COMPARE_MAX * 21 + 1];
    size_t  i, n = 0;

    buf[0] = '\0';
    for (i = 0; i < c->n; i++) {
        n += (size_t) snprintf(buf + n, sizeof(buf) - n, "%s%lld",
                               i > 0 ? " " : "", (long long) c->ids[i]);
    }
    return souk_session_set(r, CAT_COMPARE_KEY, c->n > 0 ? buf : NULL);
}

static void
cat_cmp_bind_ids(souk_stmt_t *st, int first, const cat_cmp_t *c)
{
    size_t  i;

    for (i = 0; i < CAT_COMPARE_MAX; i++) {
        if (i < c->n) {
            souk_stmt_bind_int(st, first + (int) i, c->ids[i]);
        } else {
            souk_stmt_bind_null(st, first + (int) i);
        }
    }
}

/* The compared products still listed here, in the order they were added. */
static int
cat_cmp_hits(souk_request_t *r, const cat_cmp_t *c, cat_hit_t *hits,
    size_t *n)
{
    souk_stmt_t  *st;
    cat_hit_t     row[CAT_COMPARE_MAX];
    size_t        i, k, nr = 0;
    int           rc;

    st = souk_db_prepare(souk_db(r), "SELECT product_id, price, in_stock "
                         "FROM catalog_listing WHERE site_id = ? AND "
                         "currency = ? AND category_id = 0 AND product_id "
                         "IN (?, ?, ?, ?)");
    if (st == NULL
        || souk_stmt_bind_text(st, 1, souk_site_id(r), -1) != SOUK_OK
        || souk_stmt_bind_text(st, 2, cat_currency(r), -1) != SOUK_OK)
    {
        return SOUK_ERROR;
    }
    cat_cmp_bind_ids(st, 3, c);
    while ((rc = souk_stmt_step(st)) == SOUK_ROW && nr < CAT_COMPARE_MAX) {
        row[nr].id = souk_stmt_int(st, 0);
        row[nr].price = souk_stmt_int(st, 1);
        row[nr++].in_stock = (int) souk_stmt_int(st, 2);
    }
    souk_stmt_reset(st);
    *n = 0;
    for (i = 0; i < c->n; i++) {
        for (k = 0; k < nr; k++) {
            if (row[k].id == c->ids[i]) {
                hits[(*n)++] = row[k];
            }
        }
    }
    return rc == SOUK_ERROR ? SOUK_ERROR : SOUK_OK;
}

static cJSON *
cat_cmp_row(cJSON *rows, const char *name, size_t ncols)
{
    cJSON   *row, *cells;
    size_t   i;

    cJSON_ArrayForEach(row, rows) {
        if (strcmp(cJSON_GetObjectItem(row, "name")->valuestring, name)
            == 0)
        {
            return row;
        }
    }
    row = cJSON_CreateObject();
    cJSON_AddStringToObject(row, "name", name);
    cells = cJSON_AddArrayToObject(row, "cells");
    for (i = 0; i < ncols; i++) {
        cJSON_AddItemToArray(cells, cJSON_CreateString(""));
    }
    cJSON_AddItemToArray(rows, row);
    return row;
}

/* One row per attribute name, one cell per product ("" when it has none),
 * so the table lines the products up side by side. */
static int
cat_cmp_attributes(souk_request_t *r, const cat_hit_t *hits, size_t n,
    cJSON *rows)
{
    souk_stmt_t  *st;
    cat_cmp_t     c;
    cJSON        *cell;
    size_t        i;
    int           rc;
    char         *v;

    c.n = n;
    for (i = 0; i < n; i++) {
        c.ids[i] = hits[i].id;
    }
    st = souk_db_prepare(souk_db(r), "SELECT product_id, name, value FROM "
                         "catalog_attributes WHERE product_id IN (?, ?, ?, "
                         "?) ORDER BY name, value");
    if (st == NULL) {
        return SOUK_ERROR;
    }
    cat_cmp_bind_ids(st, 1, &c);
    while ((rc = souk_stmt_step(st)) == SOUK_ROW) {
        for (i = 0; i < n && hits[i].id != souk_stmt_int(st, 0); i++) {
            /* find the column */
        }
        if (i == n) {
            continue;
        }
        cell = cJSON_GetArrayItem(cJSON_GetObjectItem(cat_cmp_row(rows,
                                  souk_stmt_text(st, 1), n), "cells"),
                                  (int) i);
        v = souk_psprintf(souk_request_pool(r), "%s%s%s", cell->valuestring,
                          cell->valuestring[0] != '\0' ? ", " : "",
                          souk_stmt_text(st, 2));
        cJSON_SetValuestring(cell, v);
    }
    souk_stmt_reset(st);
    return rc == SOUK_ERROR ? SOUK_ERROR : SOUK_OK;
}

static int
cat_cmp_model(souk_request_t *r, int status)
{
    cat_hit_t   hits[CAT_COMPARE_MAX];
    cat_cmp_t   c;
    cJSON      *m;
    size_t      n;

    cat_cmp_read(r, &c);
    m = souk_view_new(r, "compare");
    cJSON_AddStringToObject(m, "title", "Compare");
    cJSON_AddNumberToObject(m, "max", CAT_COMPARE_MAX);
    cJSON_AddStringToObject(m, "action", souk_psprintf(souk_request_pool(r),
                            "%s/compare", souk_site_base_path(r)));
    if (cat_cmp_hits(r, &c, hits, &n) != SOUK_OK
        || cat_store_cards(r, hits, n, cJSON_AddArrayToObject(m, "products"))
           != SOUK_OK
        || cat_cmp_attributes(r, hits, n, cJSON_AddArrayToObject(m,
                              "attributes")) != SOUK_OK)
    {
        return SOUK_ERROR;
    }
    cat_flash_take(r, m);
    return status;
}

static int
cat_compare_get(souk_request_t *r, void *data)
{
    (void) data;
    return cat_cmp_model(r, 200);
}

/* Adds or removes id; SOUK_DECLINED with why when the list is full. */
static int
cat_cmp_change(souk_request_t *r, int64_t id, int add, char *why,
    size_t whylen)
{
    cat_cmp_t  c;
    size_t     i, k;

    cat_cmp_read(r, &c);
    for (i = 0; i < c.n && c.ids[i] != id; i++) {
        /* find it */
    }
    if (add && i == c.n) {
        if (c.n == CAT_COMPARE_MAX) {
            return cat_decline(why, whylen, "you can compare at most %d "
                               "products: remove one first",
                               CAT_COMPARE_MAX);
        }
        c.ids[c.n++] = id;
    } else if (!add && i < c.n) {
        for (k = i + 1; k < c.n; k++) {
            c.ids[k - 1] = c.ids[k];
        }
        c.n--;
    }
    return cat_cmp_write(r, &c);
}

/* POST /compare {"product": slug, "action": "add" | "remove"}. */
static int
cat_compare_post(souk_request_t *r, void *data)
{
    const char  *slug = cat_store_in(r, "product");
    const char  *action = cat_store_in(r, "action");
    char         why[CAT_WHY];
    int64_t      id;
    int          rc, add;

    (void) data;
    if (action == NULL || (strcmp(action, "add") != 0
                           && strcmp(action, "remove") != 0))
    {
        return souk_error(r, 400, "action must be add or remove");
    }
    add = action[0] == 'a';
    id = slug != NULL && cat_slug_ok(slug) ? cat_store_product_id(r, slug)
                                        : 0;
    if (id <= 0) {
        return id == 0 ? souk_error(r, 404, "no such product") : SOUK_ERROR;
    }
    rc = cat_cmp_change(r, id, add, why, sizeof(why));
    if (rc == SOUK_ERROR) {
        return SOUK_ERROR;
    }
    if (souk_request_wants_json(r)) {
        return rc == SOUK_OK ? cat_cmp_model(r, 200)
                             : souk_error(r, 422, "%s", why);
    }
    if (rc != SOUK_OK) {
        cat_flash_set(r, why);
    }
    return souk_redirect(r, 303, souk_psprintf(souk_request_pool(r),
                         "%s/compare", souk_site_base_path(r)));
}

int
cat_store_compare_init(souk_plugin_ctx_t *ctx)
{
    if (souk_route_add(ctx, SOUK_GET, "/compare", cat_compare_get, NULL)
        != SOUK_OK
        || souk_route_name(ctx, "catalog.compare") != SOUK_OK
        || souk_route_add(ctx, SOUK_POST, "/compare", cat_compare_post, NULL)
           != SOUK_OK
        /* The list is a scratch pad in the visitor's own session: a forged
         * add or remove changes nothing of value, and without a token the
         * product page needs no session to offer the button. */
        || souk_route_flags(ctx, SOUK_ROUTE_NO_CSRF) != SOUK_OK)
    {
        return SOUK_ERROR;
    }
    return SOUK_OK;
}

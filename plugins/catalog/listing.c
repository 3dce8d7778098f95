/* What the storefront reads: the product's catalog_listing rows and its
 * search document, rewritten from the product's state after each change. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "catalog.h"

#define CAT_LIST_MAX  256        /* categories (with ancestors), sites */

typedef struct {
    int64_t      ids[CAT_LIST_MAX];
    size_t       n;
} cat_idset_t;

static void
cat_idset_add(cat_idset_t *s, int64_t id)
{
    size_t  i;

    for (i = 0; i < s->n; i++) {
        if (s->ids[i] == id) {
            return;
        }
    }
    if (s->n < CAT_LIST_MAX) {
        s->ids[s->n++] = id;
    }
}

/* Category 0 ("everything"), each category and the ancestors in its path
 * ("/1/5/9/"). */
static int
cat_listing_categories(souk_request_t *r, int64_t pid, cat_idset_t *cats)
{
    souk_stmt_t  *st;
    const char   *p;
    char         *end;
    int           rc;

    cats->n = 0;
    cat_idset_add(cats, 0);
    st = souk_db_prepare(souk_db(r), "SELECT c.path FROM "
                         "catalog_product_categories pc JOIN "
                         "catalog_categories c ON c.id = pc.category_id "
                         "WHERE pc.product_id = ?");
    if (st == NULL || souk_stmt_bind_int(st, 1, pid) != SOUK_OK) {
        return SOUK_ERROR;
    }
    while ((rc = souk_stmt_step(st)) == SOUK_ROW) {
        for (p = souk_stmt_text(st, 0); p != NULL && *p != '\0'; p = end) {
            if (*p == '/') {
                end = (char *) p + 1;
                continue;
            }
            cat_idset_add(cats, strtoll(p, &end, 10));
            if (end == p) {
                break;
            }
        }
    }
    return rc == SOUK_DONE ? SOUK_OK : SOUK_ERROR;
}

/* In stock: a service, an open pre-sale, or any variant with stock
 * available in some warehouse (reserved <= on_hand row by row, so one
 * positive row means a positive sum). */
static int
cat_listing_in_stock(souk_request_t *r, int64_t pid, const char *kind,
    int64_t available_at, int64_t limit, int64_t sold)
{
    souk_stmt_t  *st;
    souk_db_t    *db = souk_db(r);

    if (strcmp(kind, "service") == 0
        || (available_at > cat_now() && sold < limit))
    {
        return 1;
    }
    st = souk_db_row(db, "SELECT 1 FROM catalog_stock s JOIN "
                     "catalog_variants v ON v.id = s.variant_id WHERE "
                     "v.product_id = ? AND s.on_hand > s.reserved LIMIT 1",
                     "i", pid);
    if (st == NULL) {
        return souk_db_error(db)[0] == '\0' ? 0 : SOUK_ERROR;
    }
    souk_stmt_reset(st);
    return 1;
}

typedef struct {
    souk_request_t  *r;
    int64_t          pid;
} cat_ltx_t;

static int
cat_listing_write(souk_db_t *db, cat_ltx_t *t, int in_stock,
    int64_t listed_at)
{
    static const char  *ins = "INSERT INTO catalog_listing (site_id, "
        "currency, category_id, product_id, price, in_stock, listed_at) "
        "VALUES (?, ?, ?, ?, ?, ?, ?)";
    souk_pool_t  *pool = souk_request_pool(t->r);
    souk_stmt_t  *st;
    cat_idset_t  *cats;
    const char  **sites, **curs;
    int64_t      *mins;
    size_t        ns = 0, nc = 0, i, j, k;
    int           rc;

    cats = souk_palloc(pool, sizeof(*cats));
    if (cat_listing_categories(t->r, t->pid, cats) != SOUK_OK) {
        return SOUK_ERROR;
    }
    sites = souk_palloc(pool, CAT_LIST_MAX * sizeof(*sites));
    curs = souk_palloc(pool, CAT_LIST_MAX * sizeof(*curs));
    mins = souk_palloc(pool, CAT_LIST_MAX * sizeof(*mins));
    st = souk_db_prepare(db, "SELECT site_id FROM catalog_product_sites "
                         "WHERE product_id = ?");
    if (st == NULL || souk_stmt_bind_int(st, 1, t->pid) != SOUK_OK) {
        return SOUK_ERROR;
    }
    while ((rc = souk_stmt_step(st)) == SOUK_ROW && ns < CAT_LIST_MAX) {
        sites[ns++] = souk_pstrdup(pool, souk_stmt_text(st, 0));
    }
    souk_stmt_reset(st);
    st = souk_db_prepare(db, "SELECT p.currency, MIN(p.amount) FROM "
                         "catalog_prices p JOIN catalog_variants v ON v.id = "
                         "p.variant_id WHERE v.product_id = ? GROUP BY "
                         "p.currency");
    if (rc == SOUK_ERROR || st == NULL
        || souk_stmt_bind_int(st, 1, t->pid) != SOUK_OK)
    {
        return SOUK_ERROR;
    }
    while ((rc = souk_stmt_step(st)) == SOUK_ROW && nc < CAT_LIST_MAX) {
        curs[nc] = souk_pstrdup(pool, souk_stmt_text(st, 0));
        mins[nc++] = souk_stmt_int(st, 1);
    }
    souk_stmt_reset(st);
    if (rc == SOUK_ERROR) {
        return SOUK_ERROR;
    }
    for (i = 0; i < ns; i++) {
        for (j = 0; j < nc; j++) {
            for (k = 0; k < cats->n; k++) {
                if (souk_db_exec(db, ins, "ttiiiii", sites[i], curs[j],
                                 cats->ids[k], t->pid, mins[j],
                                 (int64_t) in_stock, listed_at) != SOUK_OK)
                {
                    return SOUK_ERROR;
                }
            }
        }
    }
    return SOUK_OK;
}

static int
cat_listing_tx(souk_db_t *db, void *arg)
{
    cat_ltx_t    *t = arg;
    souk_stmt_t  *st;
    char          status[16], kind[16];
    int64_t       available_at, limit, sold, listed_at;
    int           in_stock;

    if (souk_db_exec(db, "DELETE FROM catalog_listing WHERE product_id = ?",
                     "i", t->pid) != SOUK_OK)
    {
        return SOUK_ERROR;
    }
    st = souk_db_row(db, "SELECT status, kind, available_at, "
                     "preorder_limit, preorder_sold, listed_at, updated_at "
                     "FROM catalog_products WHERE id = ?", "i", t->pid);
    if (st == NULL) {
        /* A product gone has no rows, which is what we just made true. */
        return souk_db_error(db)[0] == '\0' ? SOUK_OK : SOUK_ERROR;
    }
    snprintf(status, sizeof(status), "%s", souk_stmt_text(st, 0));
    snprintf(kind, sizeof(kind), "%s", souk_stmt_text(st, 1));
    available_at = souk_stmt_is_null(st, 2) ? 0 : souk_stmt_int(st, 2);
    limit = souk_stmt_int(st, 3);
    sold = souk_stmt_int(st, 4);
    listed_at = souk_stmt_is_null(st, 5) ? souk_stmt_int(st, 6)
                                         : souk_stmt_int(st, 5);
    souk_stmt_reset(st);
    if (strcmp(status, "listed") != 0) {
        return SOUK_OK;
    }
    in_stock = cat_listing_in_stock(t->r, t->pid, kind, available_at, limit,
                                    sold);
    if (in_stock == SOUK_ERROR) {
        return SOUK_ERROR;
    }
    return cat_listing_write(db, t, in_stock, listed_at);
}

/* After a stock change only in_stock can differ: one conditional UPDATE
 * instead of rewriting the product's rows, so checkouts of one product
 * do not queue on its listing. */
int
cat_listing_stock(souk_request_t *r, int64_t product_id)
{
    souk_db_t    *db = souk_db(r);
    souk_stmt_t  *st;
    char          kind[16];
    int64_t       available_at, limit, sold;
    int           in_stock;

    st = souk_db_row(db, "SELECT kind, available_at, preorder_limit, "
                     "preorder_sold FROM catalog_products WHERE id = ? AND "
                     "status = 'listed'", "i", product_id);
    if (st == NULL) {
        return souk_db_error(db)[0] == '\0' ? SOUK_OK : SOUK_ERROR;
    }
    snprintf(kind, sizeof(kind), "%s", souk_stmt_text(st, 0));
    available_at = souk_stmt_is_null(st, 1) ? 0 : souk_stmt_int(st, 1);
    limit = souk_stmt_int(st, 2);
    sold = souk_stmt_int(st, 3);
    souk_stmt_reset(st);
    in_stock = cat_listing_in_stock(r, product_id, kind, available_at, limit,
                                    sold);
    if (in_stock == SOUK_ERROR) {
        return SOUK_ERROR;
    }
    return souk_db_exec(db, "UPDATE catalog_listing SET in_stock = ? WHERE "
                        "product_id = ? AND in_stock <> ?", "iii",
                        (int64_t) in_stock, product_id, (int64_t) in_stock);
}

int
cat_listing_refresh(souk_request_t *r, int64_t product_id)
{
    cat_ltx_t  t = { r, product_id };

    return souk_db_tx(souk_db(r), cat_listing_tx, &t);
}

/* Appends every row's first column to b, a space before each. */
static int
cat_search_words(souk_request_t *r, souk_buf_t *b, const char *sql,
    int64_t pid)
{
    souk_stmt_t  *st;
    int           rc;

    st = souk_db_prepare(souk_db(r), sql);
    if (st == NULL || souk_stmt_bind_int(st, 1, pid) != SOUK_OK) {
        return SOUK_ERROR;
    }
    while ((rc = souk_stmt_step(st)) == SOUK_ROW) {
        souk_buf_puts(b, " ");
        souk_buf_puts(b, souk_stmt_text(st, 0) ?: "");
    }
    return rc == SOUK_DONE ? SOUK_OK : SOUK_ERROR;
}

int
cat_search_refresh(souk_request_t *r, int64_t product_id)
{
    souk_pool_t  *pool = souk_request_pool(r);
    souk_db_t    *db = souk_db(r);
    souk_stmt_t  *st;
    souk_buf_t    body;
    const char   *name, *text, *d;

    st = souk_db_row(db, "SELECT name, summary, description FROM "
                     "catalog_products WHERE id = ? AND group_id = ?", "it",
                     product_id, souk_site_group(r));
    if (st == NULL) {
        return souk_db_error(db)[0] != '\0'
               ? SOUK_ERROR
               : souk_text_delete(db, "catalog", souk_site_group(r),
                                  product_id);
    }
    name = souk_pstrdup(pool, souk_stmt_text(st, 0) ?: "");
    souk_buf_init(&body, pool, 1024);
    souk_buf_puts(&body, souk_stmt_text(st, 1) ?: "");
    d = souk_stmt_text(st, 2) ?: "";
    text = souk_html_text(pool, d, strlen(d));
    souk_stmt_reset(st);
    souk_buf_puts(&body, " ");
    souk_buf_puts(&body, text != NULL ? text : "");
    if (cat_search_words(r, &body, "SELECT tag FROM catalog_tags WHERE "
                         "product_id = ?", product_id) != SOUK_OK
        || cat_search_words(r, &body, "SELECT value FROM catalog_attributes "
                            "WHERE product_id = ?", product_id) != SOUK_OK
        || cat_search_words(r, &body, "SELECT sku FROM catalog_variants "
                            "WHERE product_id = ?", product_id) != SOUK_OK)
    {
        return SOUK_ERROR;
    }
    return souk_text_put(db, "catalog", souk_site_group(r), product_id, name,
                         body.data);
}

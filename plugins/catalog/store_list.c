/* Listings: category pages, search and GET /api/v1/products, one handler
 * answering HTML or JSON, with filters, sorting, paging and facets. */
#include <stdio.h>
#include <string.h>

#include "store.h"

#define CAT_ATTR_MAX    8        /* attr.NAME=VALUE filters per request */
#define CAT_FACET_ROWS  200      /* attribute values shown per category */
#define CAT_FACET_SLOTS 32       /* per-worker facet cache entries */

enum { CAT_SORT_NEWEST, CAT_SORT_PRICE, CAT_SORT_PRICE_DESC, CAT_SORT_NAME,
       CAT_SORT_RELEVANCE };

static const char *const  cat_sorts[] = { "newest", "price", "-price",
                                          "name", "relevance" };

typedef struct {
    int64_t       cat_id;        /* 0: everything */
    int64_t       pmin, pmax;    /* -1: none */
    int           in_stock;
    int           sort;
    int64_t       page, per_page;
    const char   *q;             /* souk_text_query's result, or NULL */
    const char   *attr[CAT_ATTR_MAX][2];
    size_t        nattr;
} cat_query_t;

/* ---- parsing: every bad value is a 400 naming the parameter ---- */

static const char *
cat_q(souk_request_t *r, const char *name)
{
    const char  *v = souk_request_query(r, name);

    /* An HTML form sends its empty fields: empty means "not given". */
    return v != NULL && v[0] != '\0' ? v : NULL;
}

static int
cat_parse_price(souk_request_t *r, const char *minor, const char *major,
    int64_t *out)
{
    const char  *v;

    if ((v = cat_q(r, minor)) != NULL) {
        return souk_int_parse(v, 0, INT64_MAX / 2, out);
    }
    if ((v = cat_q(r, major)) != NULL) {
        return cat_money_parse(v, cat_currency(r), out);
    }
    return SOUK_OK;
}

static int
cat_parse_attrs(souk_request_t *r, cat_query_t *cq)
{
    const souk_kv_t  *kv;
    size_t            i, n;

    kv = souk_request_pairs(r, "query", &n);
    for (i = 0; i < n; i++) {
        if (strncmp(kv[i].name, "attr.", 5) != 0 || kv[i].value[0] == '\0') {
            continue;
        }
        if (cq->nattr == CAT_ATTR_MAX || kv[i].name[5] == '\0'
            || strlen(kv[i].name) > 69 || strlen(kv[i].value) > 128)
        {
            return SOUK_DECLINED;
        }
        cq->attr[cq->nattr][0] = kv[i].name + 5;
        cq->attr[cq->nattr++][1] = kv[i].value;
    }
    return SOUK_OK;
}

static int
cat_parse_sort(const char *v, int has_q, int *out)
{
    int  i;

    if (v == NULL) {
        *out = has_q ? CAT_SORT_RELEVANCE : CAT_SORT_NEWEST;
        return SOUK_OK;
    }
    for (i = 0; i <= CAT_SORT_RELEVANCE; i++) {
        if (strcmp(v, cat_sorts[i]) == 0
            && (i != CAT_SORT_RELEVANCE || has_q))
        {
            *out = i;
            return SOUK_OK;
        }
    }
    return SOUK_DECLINED;
}

/* Fills cq from the query string; a bad value answers 400 (status set). */
static int
cat_parse(souk_request_t *r, cat_query_t *cq, int *status)
{
    const char  *v, *bad = NULL;

    memset(cq, 0, sizeof(*cq));
    cq->pmin = cq->pmax = -1;
    cq->page = 1;
    cq->per_page = CAT_PAGE_DEFAULT;
    if ((v = cat_q(r, "page")) != NULL
        && souk_int_parse(v, 1, 1000000, &cq->page) != SOUK_OK)
    {
        bad = "page must be a whole number from 1";
    } else if ((v = cat_q(r, "per_page")) != NULL
               && souk_int_parse(v, 1, CAT_PAGE_MAX, &cq->per_page)
                  != SOUK_OK)
    {
        bad = "per_page must be a whole number from 1 to 96";
    } else if (cat_parse_price(r, "price_min", "min", &cq->pmin) != SOUK_OK
               || cat_parse_price(r, "price_max", "max", &cq->pmax)
                  != SOUK_OK)
    {
        bad = "a price filter is not an amount";
    } else if ((v = cat_q(r, "in_stock")) != NULL && strcmp(v, "1") != 0
               && strcmp(v, "0") != 0)
    {
        bad = "in_stock must be 1 or 0";
    } else if (cat_parse_attrs(r, cq) != SOUK_OK) {
        bad = "at most 8 attribute filters (attr.NAME=VALUE)";
    } else if (cat_parse_sort(cat_q(r, "sort"), souk_request_query(r, "q")
                              != NULL, &cq->sort) != SOUK_OK)
    {
        bad = "sort must be price, -price, newest or name";
    }
    if (bad != NULL) {
        *status = souk_error(r, 400, "%s", bad);
        return SOUK_DECLINED;
    }
    v = cat_q(r, "in_stock");
    cq->in_stock = v != NULL && strcmp(v, "1") == 0;
    return SOUK_OK;
}

/* ---- the listing SQL: fixed fragments only, values always bound ---- */

static void
cat_sql_from_where(souk_db_t *db, const cat_query_t *cq, souk_buf_t *b,
    int join_name)
{
    size_t  i;

    if (cq->q != NULL) {
        souk_buf_printf(b, " FROM %s m CROSS JOIN catalog_listing l ON "
                        "l.product_id = m.doc", souk_text_match_sql(db));
    } else {
        souk_buf_puts(b, " FROM catalog_listing l");
    }
    if (join_name) {
        souk_buf_puts(b, " JOIN catalog_products p ON p.id = l.product_id");
    }
    souk_buf_puts(b, " WHERE l.site_id = ? AND l.currency = ? AND "
                  "l.category_id = ?");
    if (cq->pmin >= 0) {
        souk_buf_puts(b, " AND l.price >= ?");
    }
    if (cq->pmax >= 0) {
        souk_buf_puts(b, " AND l.price <= ?");
    }
    if (cq->in_stock) {
        souk_buf_puts(b, " AND l.in_stock = 1");
    }
    for (i = 0; i < cq->nattr; i++) {
        souk_buf_puts(b, " AND l.product_id IN (SELECT a.product_id FROM "
                      "catalog_attributes a WHERE a.name = ? AND "
                      "a.value = ?)");
    }
}

static int
cat_sql_bind(souk_request_t *r, souk_stmt_t *st, const cat_query_t *cq)
{
    int     i = 1, rc = SOUK_OK;
    size_t  k;

    if (cq->q != NULL
        && (i = souk_text_match_bind(st, i, "catalog", souk_site_group(r),
                                     cq->q)) < 0)
    {
        return SOUK_ERROR;
    }
    rc |= souk_stmt_bind_text(st, i++, souk_site_id(r), -1);
    rc |= souk_stmt_bind_text(st, i++, cat_currency(r), -1);
    rc |= souk_stmt_bind_int(st, i++, cq->cat_id);
    if (cq->pmin >= 0) {
        rc |= souk_stmt_bind_int(st, i++, cq->pmin);
    }
    if (cq->pmax >= 0) {
        rc |= souk_stmt_bind_int(st, i++, cq->pmax);
    }
    for (k = 0; k < cq->nattr; k++) {
        rc |= souk_stmt_bind_text(st, i++, cq->attr[k][0], -1);
        rc |= souk_stmt_bind_text(st, i++, cq->attr[k][1], -1);
    }
    return rc == SOUK_OK ? i : SOUK_ERROR;
}

static int64_t
cat_count(souk_request_t *r, const cat_query_t *cq)
{
    souk_buf_t    b;
    souk_stmt_t  *st;
    int64_t       n;

    souk_buf_init(&b, souk_request_pool(r), 512);
    souk_buf_puts(&b, "SELECT COUNT(*)");
    cat_sql_from_where(souk_db(r), cq, &b, 0);
    st = souk_db_prepare(souk_db(r), b.data);
    if (st == NULL || cat_sql_bind(r, st, cq) == SOUK_ERROR
        || souk_stmt_step(st) != SOUK_ROW)
    {
        return -1;
    }
    n = souk_stmt_int(st, 0);
    souk_stmt_reset(st);
    return n;
}

/* The page's hits in order: one query, index order for every sort but
 * name and relevance. */
static int
cat_page(souk_request_t *r, const cat_query_t *cq, cat_hit_t *hits,
    size_t *n)
{
    static const char *const  order[] = {
        " ORDER BY l.listed_at DESC, l.product_id DESC",
        " ORDER BY l.price, l.product_id",
        " ORDER BY l.price DESC, l.product_id DESC",
        " ORDER BY p.name, p.id",
        " ORDER BY m.score DESC, l.product_id" };
    souk_buf_t    b;
    souk_stmt_t  *st;
    int           i, rc;

    souk_buf_init(&b, souk_request_pool(r), 512);
    souk_buf_puts(&b, "SELECT l.product_id, l.price, l.in_stock");
    cat_sql_from_where(souk_db(r), cq, &b, cq->sort == CAT_SORT_NAME);
    souk_buf_puts(&b, order[cq->sort]);
    souk_buf_puts(&b, " LIMIT ? OFFSET ?");
    st = souk_db_prepare(souk_db(r), b.data);
    if (st == NULL || (i = cat_sql_bind(r, st, cq)) == SOUK_ERROR
        || souk_stmt_bind_int(st, i, cq->per_page) != SOUK_OK
        || souk_stmt_bind_int(st, i + 1, (cq->page - 1) * cq->per_page)
           != SOUK_OK)
    {
        return SOUK_ERROR;
    }
    *n = 0;
    while ((rc = souk_stmt_step(st)) == SOUK_ROW
           && *n < (size_t) cq->per_page)
    {
        hits[*n].id = souk_stmt_int(st, 0);
        hits[*n].price = souk_stmt_int(st, 1);
        hits[(*n)++].in_stock = (int) souk_stmt_int(st, 2);
    }
    souk_stmt_reset(st);
    return rc == SOUK_ERROR ? SOUK_ERROR : SOUK_OK;
}

/* ---- facets, cached per worker ---- */

/*
 * Facet counts over a category of 100,000 products are a scan of its
 * listing rows; a shopper does not notice counts a few seconds old, so
 * each worker keeps them for catalog.facet_cache_seconds (default 10, 0
 * turns the cache off). Workers are processes: no locking needed.
 */
static struct {
    char     key[160];
    int64_t  at;
    cJSON   *facets;
} cat_facet_cache[CAT_FACET_SLOTS];

static int
cat_facet_prices(souk_request_t *r, const cat_query_t *cq, cJSON *f)
{
    souk_stmt_t  *st;
    cJSON        *p, *m;

    st = souk_db_row(souk_db(r), "SELECT MIN(price), MAX(price), COUNT(*) "
                     "FROM catalog_listing WHERE site_id = ? AND currency = "
                     "? AND category_id = ?", "tti", souk_site_id(r),
                     cat_currency(r), cq->cat_id);
    if (st == NULL) {
        return SOUK_ERROR;
    }
    cJSON_AddNumberToObject(f, "total", (double) souk_stmt_int(st, 2));
    if (souk_stmt_int(st, 2) > 0) {
        p = cJSON_AddObjectToObject(f, "price");
        m = cJSON_AddObjectToObject(p, "min");
        cJSON_AddNumberToObject(m, "amount", (double) souk_stmt_int(st, 0));
        cJSON_AddStringToObject(m, "currency", cat_currency(r));
        m = cJSON_AddObjectToObject(p, "max");
        cJSON_AddNumberToObject(m, "amount", (double) souk_stmt_int(st, 1));
        cJSON_AddStringToObject(m, "currency", cat_currency(r));
    }
    souk_stmt_reset(st);
    return SOUK_OK;
}

static int
cat_facet_attrs(souk_request_t *r, const cat_query_t *cq, cJSON *f)
{
    souk_stmt_t  *st;
    cJSON        *list, *a = NULL, *vals = NULL, *v;
    const char   *name;
    int           rc, n = 0;

    list = cJSON_AddArrayToObject(f, "attributes");
    st = souk_db_prepare(souk_db(r), "SELECT a.name, a.value, COUNT(*) FROM "
                         "catalog_listing l JOIN catalog_attributes a ON "
                         "a.product_id = l.product_id WHERE l.site_id = ? "
                         "AND l.currency = ? AND l.category_id = ? GROUP BY "
                         "a.name, a.value ORDER BY a.name, a.value");
    if (st == NULL
        || souk_stmt_bind_text(st, 1, souk_site_id(r), -1) != SOUK_OK
        || souk_stmt_bind_text(st, 2, cat_currency(r), -1) != SOUK_OK
        || souk_stmt_bind_int(st, 3, cq->cat_id) != SOUK_OK)
    {
        return SOUK_ERROR;
    }
    while ((rc = souk_stmt_step(st)) == SOUK_ROW && n++ < CAT_FACET_ROWS) {
        name = souk_stmt_text(st, 0);
        if (a == NULL || strcmp(name, cJSON_GetObjectItem(a, "name")
                                      ->valuestring) != 0)
        {
            a = cJSON_CreateObject();
            cJSON_AddItemToArray(list, a);
            cJSON_AddStringToObject(a, "name", name);
            cJSON_AddStringToObject(a, "field",
                souk_psprintf(souk_request_pool(r), "attr.%s", name));
            vals = cJSON_AddArrayToObject(a, "values");
        }
        v = cJSON_CreateObject();
        cJSON_AddStringToObject(v, "value", souk_stmt_text(st, 1));
        cJSON_AddNumberToObject(v, "count", (double) souk_stmt_int(st, 2));
        cJSON_AddItemToArray(vals, v);
    }
    souk_stmt_reset(st);
    return rc == SOUK_ERROR ? SOUK_ERROR : SOUK_OK;
}

static cJSON *
cat_facets_load(souk_request_t *r, const cat_query_t *cq)
{
    const char  *ttl_s = souk_setting(r, "catalog.facet_cache_seconds");
    int64_t      ttl = 10, now = cat_now();
    char         key[160];
    cJSON       *f;
    size_t       i, slot = 0;

    if (ttl_s != NULL && souk_int_parse(ttl_s, 0, 3600, &ttl) != SOUK_OK) {
        ttl = 10;
    }
    snprintf(key, sizeof(key), "%s|%s|%lld", souk_site_id(r),
             cat_currency(r), (long long) cq->cat_id);
    for (i = 0; ttl > 0 && i < CAT_FACET_SLOTS; i++) {
        if (cat_facet_cache[i].facets != NULL
            && strcmp(cat_facet_cache[i].key, key) == 0
            && now - cat_facet_cache[i].at < ttl)
        {
            return cJSON_Duplicate(cat_facet_cache[i].facets, 1);
        }
        if (cat_facet_cache[i].at < cat_facet_cache[slot].at) {
            slot = i;
        }
    }
    f = cJSON_CreateObject();
    if (cat_facet_prices(r, cq, f) != SOUK_OK
        || cat_facet_attrs(r, cq, f) != SOUK_OK)
    {
        cJSON_Delete(f);
        return NULL;
    }
    if (ttl > 0) {
        cJSON_Delete(cat_facet_cache[slot].facets);
        snprintf(cat_facet_cache[slot].key, sizeof(key), "%s", key);
        cat_facet_cache[slot].at = now;
        cat_facet_cache[slot].facets = cJSON_Duplicate(f, 1);
    }
    return f;
}

/* Marks the values this request filters on, for checked boxes. */
static void
cat_facets_mark(const cat_query_t *cq, cJSON *f)
{
    cJSON        *a, *v;
    const char   *name;
    size_t        i;
    int           on;

    cJSON_ArrayForEach(a, cJSON_GetObjectItem(f, "attributes")) {
        name = cJSON_GetObjectItem(a, "name")->valuestring;
        cJSON_ArrayForEach(v, cJSON_GetObjectItem(a, "values")) {
            on = 0;
            for (i = 0; i < cq->nattr; i++) {
                on |= strcmp(cq->attr[i][0], name) == 0
                      && strcmp(cq->attr[i][1], cJSON_GetObjectItem(v,
                                "value")->valuestring) == 0;
            }
            cJSON_AddBoolToObject(v, "selected", on);
        }
    }
}

/* ---- the model ---- */

static void
cat_urlenc(souk_buf_t *b, const char *s)
{
    static const char  hex[] = "0123456789ABCDEF";
    unsigned char      c;

    for (; (c = (unsigned char) *s) != '\0'; s++) {
        if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')
            || (c >= '0' && c <= '9') || c == '-' || c == '.' || c == '_'
            || c == '~')
        {
            souk_buf_append(b, (const char *) &c, 1);
        } else {
            souk_buf_printf(b, "%%%c%c", hex[c >> 4], hex[c & 15]);
        }
    }
}

/* This page's URL with another page number (the other parameters kept). */
static const char *
cat_page_href(souk_request_t *r, int64_t page)
{
    const souk_kv_t  *kv;
    souk_buf_t        b;
    size_t            i, n;

    souk_buf_init(&b, souk_request_pool(r), 256);
    souk_buf_printf(&b, "%s%s?", souk_site_base_path(r),
                    souk_request_path(r));
    kv = souk_request_pairs(r, "query", &n);
    for (i = 0; i < n; i++) {
        if (strcmp(kv[i].name, "page") == 0 || kv[i].value[0] == '\0') {
            continue;
        }
        cat_urlenc(&b, kv[i].name);
        souk_buf_puts(&b, "=");
        cat_urlenc(&b, kv[i].value);
        souk_buf_puts(&b, "&");
    }
    souk_buf_printf(&b, "page=%lld", (long long) page);
    return b.data;
}

static void
cat_model_paging(souk_request_t *r, const cat_query_t *cq, int64_t total,
    cJSON *m)
{
    cJSON    *p, *sorts, *o;
    int64_t   pages = total == 0 ? 1 : (total + cq->per_page - 1)
                                       / cq->per_page;
    int       i;

    cJSON_AddNumberToObject(m, "total", (double) total);
    p = cJSON_AddObjectToObject(m, "pagination");
    cJSON_AddNumberToObject(p, "page", (double) cq->page);
    cJSON_AddNumberToObject(p, "pages", (double) pages);
    cJSON_AddNumberToObject(p, "per_page", (double) cq->per_page);
    if (cq->page > 1) {
        cJSON_AddStringToObject(p, "prev", cat_page_href(r, cq->page - 1));
    }
    if (cq->page < pages) {
        cJSON_AddStringToObject(p, "next", cat_page_href(r, cq->page + 1));
    }
    cJSON_AddStringToObject(m, "sort", cat_sorts[cq->sort]);
    sorts = cJSON_AddArrayToObject(m, "sort_options");
    for (i = 0; i <= CAT_SORT_RELEVANCE; i++) {
        if (i == CAT_SORT_RELEVANCE && cq->q == NULL) {
            break;
        }
        o = cJSON_CreateObject();
        cJSON_AddStringToObject(o, "value", cat_sorts[i]);
        cJSON_AddStringToObject(o, "label", souk_psprintf(
            souk_request_pool(r), "catalog.sort.%s",
            i == CAT_SORT_PRICE_DESC ? "price_desc" : cat_sorts[i]));
        cJSON_AddBoolToObject(o, "selected", i == cq->sort);
        cJSON_AddItemToArray(sorts, o);
    }
}

static void
cat_model_filters(souk_request_t *r, const cat_query_t *cq, cJSON *m)
{
    cJSON  *f = cJSON_AddObjectToObject(m, "filters");

    cJSON_AddStringToObject(f, "min", souk_request_query(r, "min")
                                      ? souk_request_query(r, "min") : "");
    cJSON_AddStringToObject(f, "max", souk_request_query(r, "max")
                                      ? souk_request_query(r, "max") : "");
    cJSON_AddBoolToObject(f, "in_stock", cq->in_stock);
}

/* The category by slug with its breadcrumbs and children; 0 when none. */
static int64_t
cat_category_model(souk_request_t *r, const char *slug, cJSON *m)
{
    souk_stmt_t  *st;
    souk_db_t    *db = souk_db(r);
    cJSON        *c, *list, *o;
    const char   *path;
    int64_t       id;
    int           rc;

    st = souk_db_row(db, "SELECT id, slug, name, description, seo_title, "
                     "seo_description, path FROM catalog_categories WHERE "
                     "group_id = ? AND slug = ?", "tt", souk_site_group(r),
                     slug);
    if (st == NULL) {
        return souk_db_error(db)[0] == '\0' ? 0 : SOUK_ERROR;
    }
    id = souk_stmt_int(st, 0);
    c = cJSON_AddObjectToObject(m, "category");
    cJSON_AddNumberToObject(c, "id", (double) id);
    cJSON_AddStringToObject(c, "slug", souk_stmt_text(st, 1));
    cJSON_AddStringToObject(c, "name", souk_stmt_text(st, 2));
    cJSON_AddStringToObject(c, "description", souk_stmt_text(st, 3));
    o = cJSON_AddObjectToObject(c, "seo");
    cJSON_AddStringToObject(o, "title", souk_stmt_text(st, 4)[0] != '\0'
                            ? souk_stmt_text(st, 4) : souk_stmt_text(st, 2));
    cJSON_AddStringToObject(o, "description", souk_stmt_text(st, 5));
    path = souk_pstrdup(souk_request_pool(r), souk_stmt_text(st, 6));
    souk_stmt_reset(st);
    /* Ancestors: the categories whose path starts this one's. */
    list = cJSON_AddArrayToObject(m, "breadcrumbs");
    st = souk_db_prepare(db, "SELECT slug, name FROM catalog_categories "
                         "WHERE group_id = ? AND INSTR(?, path) = 1 AND "
                         "id <> ? ORDER BY LENGTH(path)");
    if (st == NULL || souk_stmt_bind_text(st, 1, souk_site_group(r), -1)
        || souk_stmt_bind_text(st, 2, path, -1)
        || souk_stmt_bind_int(st, 3, id))
    {
        return SOUK_ERROR;
    }
    rc = cat_store_category_links(r, st, list);
    if (rc == SOUK_ERROR) {
        return SOUK_ERROR;
    }
    list = cJSON_AddArrayToObject(m, "children");
    st = souk_db_prepare(db, "SELECT slug, name FROM catalog_categories "
                         "WHERE parent_id = ? ORDER BY position, name");
    if (st == NULL || souk_stmt_bind_int(st, 1, id) != SOUK_OK) {
        return SOUK_ERROR;
    }
    rc = cat_store_category_links(r, st, list);
    cJSON_AddBoolToObject(m, "has_children", cJSON_GetArraySize(list) > 0);
    return rc == SOUK_ERROR ? SOUK_ERROR : id;
}

static int64_t
cat_jtotal(const cJSON *f)
{
    const cJSON  *v = cJSON_GetObjectItem(f, "total");

    return cJSON_IsNumber(v) ? (int64_t) v->valuedouble : -1;
}

static int
cat_list_run(souk_request_t *r, cat_query_t *cq, cJSON *m)
{
    cat_hit_t  *hits;
    cJSON      *f;
    int64_t     total;
    size_t      n;
    int         unfiltered;

    f = NULL;
    if (cq->q == NULL) {
        if ((f = cat_facets_load(r, cq)) == NULL) {
            return SOUK_ERROR;
        }
        cat_facets_mark(cq, f);
        cJSON_AddItemToObject(m, "facets", f);
    }
    /* Unfiltered, the facets already counted the category (cached), which
     * spares a count over all its listing rows on the busiest pages. */
    unfiltered = f != NULL && cq->pmin < 0 && cq->pmax < 0 && !cq->in_stock
                 && cq->nattr == 0;
    total = unfiltered ? cat_jtotal(f) : cat_count(r, cq);
    hits = souk_palloc(souk_request_pool(r), CAT_PAGE_MAX * sizeof(*hits));
    if (total < 0 || cat_page(r, cq, hits, &n) != SOUK_OK
        || cat_store_cards(r, hits, n, cJSON_AddArrayToObject(m, "products"))
           != SOUK_OK)
    {
        return SOUK_ERROR;
    }
    cat_model_paging(r, cq, total, m);
    cat_model_filters(r, cq, m);
    return 200;
}

/*
 * GET /c/{slug}, GET /search and GET /api/v1/products: one handler. The
 * category comes from the route or ?category=; q makes it a search.
 */
static int
cat_list(souk_request_t *r, void *data)
{
    const char   *slug = souk_request_param(r, "slug"), *q;
    const char   *tmpl = data;
    cat_query_t   cq;
    cJSON        *m;
    int           status;

    if (cat_parse(r, &cq, &status) != SOUK_OK) {
        return status;
    }
    q = souk_request_query(r, "q");
    if (strcmp(tmpl, "category") == 0 && q != NULL) {
        tmpl = "search";
    }
    m = souk_view_new(r, tmpl);
    if (slug == NULL) {
        slug = cat_q(r, "category");
    }
    if (slug != NULL
        && (cq.cat_id = cat_category_model(r, slug, m)) <= 0)
    {
        return cq.cat_id == 0 ? souk_error(r, 404, "no such category")
                              : SOUK_ERROR;
    }
    if (q != NULL || strcmp(tmpl, "search") == 0) {
        cJSON_AddStringToObject(m, "q", q != NULL ? q : "");
        cq.q = q != NULL ? souk_text_query(souk_db(r), souk_request_pool(r),
                                           q) : NULL;
        if (cq.q == NULL) {
            if (souk_request_wants_json(r)) {
                return souk_error(r, 400, "type something to search for");
            }
            /* The form again, asking for a word: not an error page. */
            cJSON_AddBoolToObject(m, "empty_query", 1);
            cJSON_AddArrayToObject(m, "products");
            cJSON_AddNumberToObject(m, "total", 0);
            return 200;
        }
    }
    return cat_list_run(r, &cq, m);
}

/* GET /api/v1/categories: the group's tree. */
static int
cat_categories(souk_request_t *r, void *data)
{
    cJSON  *m, *tree;

    (void) data;
    if ((tree = cat_category_tree(r)) == NULL) {
        return SOUK_ERROR;
    }
    m = souk_view_new(r, "categories");
    cJSON_AddItemToObject(m, "categories", tree);
    return 200;
}

int
cat_store_list_init(souk_plugin_ctx_t *ctx)
{
    static char  category[] = "category", search[] = "search";

    if (souk_route_add(ctx, SOUK_GET, "/c/{slug:[a-z0-9-]{1,128}}",
                       cat_list, category) != SOUK_OK
        || souk_route_name(ctx, "catalog.category") != SOUK_OK
        || souk_route_add(ctx, SOUK_GET, "/search", cat_list, search)
           != SOUK_OK
        || souk_route_name(ctx, "catalog.search") != SOUK_OK
        || souk_route_add(ctx, SOUK_GET, "/api/v1/products", cat_list,
                          category) != SOUK_OK
        || souk_route_name(ctx, "catalog.api.products") != SOUK_OK
        || souk_route_add(ctx, SOUK_GET, "/api/v1/categories",
                          cat_categories, NULL) != SOUK_OK
        || souk_route_name(ctx, "catalog.api.categories") != SOUK_OK)
    {
        return SOUK_ERROR;
    }
    return SOUK_OK;
}

/* The back office's product list: filters, sorting and paging done by the
 * database (a catalogue may hold 100,000 products), and bulk actions that
 * move each selected product through the workflow on its own. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "back_office.h"

/* A sortable column: its query key, heading, SQL expression (fixed text,
 * never from the request) and whether it is a number. */
typedef struct {
    const char  *key;
    const char  *label;
    const char  *expr;
    int          numeric;
} cbo_col_t;

static const cbo_col_t  cbo_cols[] = {
    { "name", "Name", "LOWER(p.name)", 0 },
    { "sku", "SKU", "sku", 0 },
    { "status", "Status", "p.status", 0 },
    { "price", "Price", "price", 1 },
    { "stock", "Available", "stock", 1 },
    { "updated", "Updated", "p.updated_at", 1 },
};
#define CBO_NCOLS  (sizeof(cbo_cols) / sizeof(cbo_cols[0]))

static const char *const  cbo_statuses[] = { "draft", "review", "approved",
                                             "listed", "delisted", NULL };

/* The list's query as typed, after checking each part. */
typedef struct {
    const char       *status;     /* one of cbo_statuses or "" */
    const char       *category;   /* a category slug or "" */
    const char       *path;       /* its path, for the subtree, or NULL */
    const char       *q;          /* text in name or SKU, or "" */
    int               low;        /* only products with a low SKU */
    const cbo_col_t  *sort;
    int               desc;
    int64_t           page;
    int64_t           per;
} cbo_filter_t;

/* q as a LIKE pattern: '!' escapes the wildcards a user typed. */
static const char *
cbo_like(souk_request_t *r, const char *q)
{
    char    *out = souk_palloc(souk_request_pool(r), 2 * strlen(q) + 3);
    char    *p = out;

    *p++ = '%';
    for (; *q != '\0'; q++) {
        if (*q == '%' || *q == '_' || *q == '!') {
            *p++ = '!';
        }
        *p++ = *q;
    }
    *p++ = '%';
    *p = '\0';
    return out;
}

static void
cbo_filter_read(souk_request_t *r, cbo_filter_t *f)
{
    const char   *v;
    souk_stmt_t  *st;
    size_t        i;
    int64_t       n;

    memset(f, 0, sizeof(*f));
    f->status = "";
    v = souk_request_query(r, "status");
    for (i = 0; v != NULL && cbo_statuses[i] != NULL; i++) {
        if (strcmp(v, cbo_statuses[i]) == 0) {
            f->status = cbo_statuses[i];
        }
    }
    v = souk_request_query(r, "category");
    f->category = v != NULL && cat_slug_ok(v) ? v : "";
    if (f->category[0] != '\0'
        && (st = souk_db_row(souk_db(r), "SELECT path FROM "
                             "catalog_categories WHERE group_id = ? AND "
                             "slug = ?", "tt", souk_site_group(r),
                             f->category)) != NULL)
    {
        f->path = souk_psprintf(souk_request_pool(r), "%s%%",
                                souk_stmt_text(st, 0));
        souk_stmt_reset(st);
    }
    v = souk_request_query(r, "q");
    f->q = v != NULL && strlen(v) <= 100 ? v : "";
    v = souk_request_query(r, "low");
    f->low = v != NULL && strcmp(v, "yes") == 0;
    f->sort = &cbo_cols[0];
    v = souk_request_query(r, "sort");
    for (i = 0; v != NULL && i < CBO_NCOLS; i++) {
        if (strcmp(v, cbo_cols[i].key) == 0) {
            f->sort = &cbo_cols[i];
        }
    }
    v = souk_request_query(r, "dir");
    f->desc = v != NULL && strcmp(v, "desc") == 0;
    f->page = souk_int_parse(souk_request_query(r, "page"), 1, 1000000, &n)
              == SOUK_OK ? n : 1;
    f->per = souk_int_parse(souk_request_query(r, "per"), 1, CBO_PER_MAX, &n)
             == SOUK_OK ? n : CBO_PER_PAGE;
}

/* The WHERE clause (fixed fragments) and its binds, in the same order. */
static const char *
cbo_where(souk_request_t *r, const cbo_filter_t *f)
{
    souk_buf_t  b;

    souk_buf_init(&b, souk_request_pool(r), 512);
    souk_buf_puts(&b, " WHERE p.group_id = ?");
    if (f->status[0] != '\0') {
        souk_buf_puts(&b, " AND p.status = ?");
    }
    if (f->category[0] != '\0') {
        /* An unknown slug matches nothing rather than everything. */
        souk_buf_puts(&b, " AND EXISTS (SELECT 1 FROM "
                      "catalog_product_categories pc JOIN catalog_categories"
                      " c ON c.id = pc.category_id WHERE pc.product_id = "
                      "p.id AND c.path LIKE ?)");
    }
    if (f->q[0] != '\0') {
        souk_buf_puts(&b, " AND (LOWER(p.name) LIKE LOWER(?) ESCAPE '!' OR "
                      "EXISTS (SELECT 1 FROM catalog_variants v WHERE "
                      "v.product_id = p.id AND LOWER(v.sku) LIKE LOWER(?) "
                      "ESCAPE '!'))");
    }
    if (f->low) {
        souk_buf_puts(&b, " AND EXISTS (SELECT 1 FROM catalog_variants v "
                      "WHERE v.product_id = p.id AND (SELECT COALESCE("
                      "SUM(s.on_hand - s.reserved), 0) FROM catalog_stock s "
                      "WHERE s.variant_id = v.id) <= v.low_stock_threshold)");
    }
    return b.data;
}

static int
cbo_bind_where(souk_request_t *r, souk_stmt_t *st, const cbo_filter_t *f,
    int i)
{
    const char  *like;

    souk_stmt_bind_text(st, i++, souk_site_group(r), -1);
    if (f->status[0] != '\0') {
        souk_stmt_bind_text(st, i++, f->status, -1);
    }
    if (f->category[0] != '\0') {
        souk_stmt_bind_text(st, i++, f->path != NULL ? f->path : "-", -1);
    }
    if (f->q[0] != '\0') {
        like = cbo_like(r, f->q);
        souk_stmt_bind_text(st, i++, like, -1);
        souk_stmt_bind_text(st, i++, like, -1);
    }
    return i;
}

/* The page's rows; *total is the count over every page. */
static cJSON *
cbo_rows(souk_request_t *r, const cbo_filter_t *f, int64_t *total)
{
    souk_db_t    *db = souk_db(r);
    const char   *where = cbo_where(r, f), *cur = cat_currency(r), *sql;
    souk_stmt_t  *st;
    cJSON        *rows, *o;
    int           i, rc;
    int64_t       id;

    sql = souk_psprintf(souk_request_pool(r), "SELECT COUNT(*) FROM "
                        "catalog_products p%s", where);
    if ((st = souk_db_prepare(db, sql)) == NULL) {
        return NULL;
    }
    cbo_bind_where(r, st, f, 1);
    if (souk_stmt_step(st) != SOUK_ROW) {
        return NULL;
    }
    *total = souk_stmt_int(st, 0);
    souk_stmt_reset(st);

    sql = souk_psprintf(souk_request_pool(r),
        "SELECT p.id, p.name, p.status, p.updated_at, "
        "(SELECT MIN(v.sku) FROM catalog_variants v WHERE v.product_id = "
        "p.id) AS sku, "
        "(SELECT MIN(pr.amount) FROM catalog_prices pr JOIN "
        "catalog_variants v ON v.id = pr.variant_id WHERE v.product_id = "
        "p.id AND pr.currency = ?) AS price, "
        "(SELECT COALESCE(SUM(s.on_hand - s.reserved), 0) FROM "
        "catalog_stock s JOIN catalog_variants v ON v.id = s.variant_id "
        "WHERE v.product_id = p.id) AS stock, p.slug "
        "FROM catalog_products p%s ORDER BY %s %s, p.id %s LIMIT ? OFFSET ?",
        where, f->sort->expr, f->desc ? "DESC" : "ASC",
        f->desc ? "DESC" : "ASC");
    if ((st = souk_db_prepare(db, sql)) == NULL) {
        return NULL;
    }
    souk_stmt_bind_text(st, 1, cur, -1);
    i = cbo_bind_where(r, st, f, 2);
    souk_stmt_bind_int(st, i++, f->per);
    souk_stmt_bind_int(st, i, (f->page - 1) * f->per);
    rows = souk_pool_json(souk_request_pool(r), cJSON_CreateArray());
    while ((rc = souk_stmt_step(st)) == SOUK_ROW) {
        id = souk_stmt_int(st, 0);
        o = cJSON_CreateObject();
        cJSON_AddNumberToObject(o, "id", (double) id);
        cJSON_AddStringToObject(o, "name", souk_stmt_text(st, 1));
        cJSON_AddStringToObject(o, "slug", souk_stmt_text(st, 7));
        cJSON_AddStringToObject(o, "status", souk_stmt_text(st, 2));
        cJSON_AddStringToObject(o, "updated",
                                cbo_time_text(r, souk_stmt_int(st, 3)));
        cJSON_AddStringToObject(o, "sku", souk_stmt_is_null(st, 4) ? ""
                                : souk_stmt_text(st, 4));
        cJSON_AddStringToObject(o, "price", souk_stmt_is_null(st, 5) ? ""
                                : cbo_money_text(r, souk_stmt_int(st, 5),
                                                 cur));
        cJSON_AddNumberToObject(o, "available",
                                (double) souk_stmt_int(st, 6));
        cJSON_AddStringToObject(o, "href", cbo_url(r,
                                "/admin/catalog/products/%lld",
                                (long long) id));
        cJSON_AddItemToArray(rows, o);
    }
    return rc == SOUK_DONE ? rows : NULL;
}

/* The list's URL with the filters and the given sort, dir and page. */
static const char *
cbo_list_url(souk_request_t *r, const cbo_filter_t *f, const char *sort,
    int desc, int64_t page)
{
    char        *u = souk_ui_url_append(NULL, "?sort=", 0);
    const char  *out;

    u = souk_ui_url_append(u, sort, 0);
    u = souk_ui_url_append(u, desc ? "&dir=desc" : "&dir=asc", 0);
    if (f->status[0] != '\0') {
        u = souk_ui_url_append(souk_ui_url_append(u, "&status=", 0),
                             f->status, 0);
    }
    if (f->category[0] != '\0') {
        u = souk_ui_url_append(souk_ui_url_append(u, "&category=", 0),
                             f->category, 1);
    }
    if (f->q[0] != '\0') {
        u = souk_ui_url_append(souk_ui_url_append(u, "&q=", 0), f->q, 1);
    }
    if (f->low) {
        u = souk_ui_url_append(u, "&low=yes", 0);
    }
    if (f->per != CBO_PER_PAGE) {
        u = souk_ui_url_append(u, souk_psprintf(souk_request_pool(r),
                             "&per=%lld", (long long) f->per), 0);
    }
    if (page > 1) {
        u = souk_ui_url_append(u, souk_psprintf(souk_request_pool(r),
                             "&page=%lld", (long long) page), 0);
    }
    out = cbo_url(r, "/admin/catalog/products%s", u);
    free(u);
    return out;
}

static cJSON *
cbo_columns(souk_request_t *r, const cbo_filter_t *f)
{
    cJSON   *list = cJSON_CreateArray(), *c;
    size_t   i;
    int      cur;

    for (i = 0; i < CBO_NCOLS; i++) {
        cur = f->sort == &cbo_cols[i];
        c = cJSON_CreateObject();
        cJSON_AddStringToObject(c, "key", cbo_cols[i].key);
        cJSON_AddStringToObject(c, "label", cbo_cols[i].label);
        cJSON_AddBoolToObject(c, "numeric", cbo_cols[i].numeric);
        if (cur) {
            cJSON_AddStringToObject(c, "sort", f->desc ? "descending"
                                                       : "ascending");
        } else {
            cJSON_AddFalseToObject(c, "sort");
        }
        cJSON_AddStringToObject(c, "href", cbo_list_url(r, f,
                                cbo_cols[i].key, cur && !f->desc, 1));
        cJSON_AddItemToArray(list, c);
    }
    return list;
}

static cJSON *
cbo_paging(souk_request_t *r, const cbo_filter_t *f, int64_t total)
{
    int64_t  pages = total > 0 ? (total + f->per - 1) / f->per : 1, i;
    cJSON   *p, *links, *l;

    if (pages <= 1) {
        return cJSON_CreateFalse();
    }
    p = cJSON_CreateObject();
    cJSON_AddNumberToObject(p, "total", (double) total);
    cJSON_AddNumberToObject(p, "page", (double) f->page);
    cJSON_AddNumberToObject(p, "pages", (double) pages);
    if (f->page > 1) {
        cJSON_AddStringToObject(p, "prev", cbo_list_url(r, f, f->sort->key,
                                f->desc, f->page - 1));
    } else {
        cJSON_AddFalseToObject(p, "prev");
    }
    if (f->page < pages) {
        cJSON_AddStringToObject(p, "next", cbo_list_url(r, f, f->sort->key,
                                f->desc, f->page + 1));
    } else {
        cJSON_AddFalseToObject(p, "next");
    }
    links = cJSON_AddArrayToObject(p, "links");
    for (i = f->page - 3; i <= f->page + 3; i++) {
        if (i < 1 || i > pages) {
            continue;
        }
        l = cJSON_CreateObject();
        cJSON_AddNumberToObject(l, "n", (double) i);
        cJSON_AddStringToObject(l, "href", cbo_list_url(r, f, f->sort->key,
                                f->desc, i));
        cJSON_AddBoolToObject(l, "current", i == f->page);
        cJSON_AddItemToArray(links, l);
    }
    return p;
}

/* Category options flattened from the tree, indented by depth. */
static void
cbo_category_options(cJSON *opts, const cJSON *tree, const char *sel,
    int depth)
{
    const cJSON  *c;
    cJSON        *o;
    char          label[300];

    cJSON_ArrayForEach(c, tree) {
        snprintf(label, sizeof(label), "%*s%s", depth * 2, "",
                 cbo_str(c, "name"));
        o = cJSON_CreateObject();
        cJSON_AddStringToObject(o, "value", cbo_str(c, "slug"));
        cJSON_AddStringToObject(o, "label", label);
        cJSON_AddBoolToObject(o, "selected",
                              strcmp(cbo_str(c, "slug"), sel) == 0);
        cJSON_AddItemToArray(opts, o);
        cbo_category_options(opts, cJSON_GetObjectItemCaseSensitive(c,
                             "children"), sel, depth + 1);
    }
}

static cJSON *
cbo_filters(souk_request_t *r, const cbo_filter_t *f)
{
    cJSON   *m = cJSON_CreateObject(), *opts, *o, *tree;
    size_t   i;

    cJSON_AddStringToObject(m, "q", f->q);
    cJSON_AddBoolToObject(m, "low", f->low);
    cJSON_AddStringToObject(m, "sort", f->sort->key);
    cJSON_AddStringToObject(m, "dir", f->desc ? "desc" : "asc");
    opts = cJSON_AddArrayToObject(m, "statuses");
    for (i = 0; cbo_statuses[i] != NULL; i++) {
        o = cJSON_CreateObject();
        cJSON_AddStringToObject(o, "value", cbo_statuses[i]);
        cJSON_AddStringToObject(o, "label", cbo_statuses[i]);
        cJSON_AddBoolToObject(o, "selected",
                              strcmp(f->status, cbo_statuses[i]) == 0);
        cJSON_AddItemToArray(opts, o);
    }
    opts = cJSON_AddArrayToObject(m, "categories");
    tree = cat_category_tree(r);
    cbo_category_options(opts, tree, f->category, 0);
    cJSON_Delete(tree);
    return m;
}

int
cbo_products(souk_request_t *r, void *data)
{
    cbo_filter_t  f;
    cJSON        *m, *rows;
    int64_t       total = 0;
    int           rc;

    (void) data;
    if ((rc = cbo_guard(r, "catalog.view")) != 0) {
        return rc;
    }
    cbo_filter_read(r, &f);
    if ((rows = cbo_rows(r, &f, &total)) == NULL) {
        return SOUK_ERROR;
    }
    m = cbo_page(r, "admin_catalog_products", "Products");
    souk_ui_crumb(m, "Products", NULL);
    cJSON_AddItemReferenceToObject(m, "products", rows);
    cJSON_AddBoolToObject(m, "has_rows", cJSON_GetArraySize(rows) > 0);
    cJSON_AddNumberToObject(m, "total", (double) total);
    cJSON_AddItemToObject(m, "columns", cbo_columns(r, &f));
    cJSON_AddItemToObject(m, "paging", cbo_paging(r, &f, total));
    cJSON_AddItemToObject(m, "filters", cbo_filters(r, &f));
    cJSON_AddStringToObject(m, "action", cbo_url(r, "/admin/catalog/"
                                                 "products"));
    cJSON_AddStringToObject(m, "bulk_action", cbo_url(r, "/admin/catalog/"
                                                      "products/bulk"));
    cJSON_AddStringToObject(m, "new_href", cbo_url(r, "/admin/catalog/"
                                                   "products/new"));
    cJSON_AddBoolToObject(m, "can_edit", souk_user_can(r, "catalog.edit"));
    return 200;
}

/* ---------- bulk actions ---------- */

static const struct {
    const char  *action;
    const char  *perm;
    const char  *done;       /* "3 products delisted." */
} cbo_bulk_actions[] = {
    { "submit", "catalog.edit", "submitted for review" },
    { "approve", "catalog.approve", "approved" },
    { "list", "catalog.publish", "listed" },
    { "delist", "catalog.publish", "delisted" },
    { "add_category", "catalog.edit", "added to the category" },
};

/* Adds the category to the product's own list (a merge keeps the rest). */
static int
cbo_add_category(souk_request_t *r, int64_t id, const char *slug, char *why,
    size_t whylen)
{
    cJSON        *doc = cat_product_load(r, id, 0), *cats, *patch;
    const cJSON  *c;
    int           rc;

    if (doc == NULL) {
        return cat_decline(why, whylen, "there is no such product");
    }
    patch = cJSON_CreateObject();
    cats = cJSON_AddArrayToObject(patch, "categories");
    cJSON_ArrayForEach(c, cJSON_GetObjectItemCaseSensitive(doc,
                                                           "categories")) {
        if (cJSON_IsString(c) && strcmp(c->valuestring, slug) != 0) {
            cJSON_AddItemToArray(cats, cJSON_CreateString(c->valuestring));
        }
    }
    cJSON_AddItemToArray(cats, cJSON_CreateString(slug));
    rc = cat_product_save(r, patch, id, NULL, why, whylen);
    cJSON_Delete(patch);
    cJSON_Delete(doc);
    return rc;
}

static const char *
cbo_product_name(souk_request_t *r, int64_t id)
{
    souk_stmt_t  *st = souk_db_row(souk_db(r), "SELECT name FROM "
                                   "catalog_products WHERE id = ? AND "
                                   "group_id = ?", "it", id,
                                   souk_site_group(r));
    const char   *name;

    if (st == NULL) {
        return souk_psprintf(souk_request_pool(r), "#%lld", (long long) id);
    }
    name = souk_pstrdup(souk_request_pool(r), souk_stmt_text(st, 0));
    souk_stmt_reset(st);
    return name;
}

int
cbo_products_bulk(souk_request_t *r, void *data)
{
    const char   *action = cbo_form(r, "action");
    const char   *slug = cbo_form(r, "category");
    cJSON        *ids, *m, *done, *refused, *o;
    const cJSON  *v;
    souk_buf_t    msg;
    size_t        a, na = sizeof(cbo_bulk_actions)
                          / sizeof(cbo_bulk_actions[0]);
    int64_t       id;
    int           rc, ndone = 0;
    char          why[CAT_WHY];

    (void) data;
    if ((rc = cbo_guard(r, "catalog.view")) != 0) {
        return rc;
    }
    for (a = 0; a < na && strcmp(action, cbo_bulk_actions[a].action) != 0;
         a++)
    {
        /* find the action */
    }
    if (a == na) {
        return souk_error(r, 422, "pick an action for the selected "
                          "products");
    }
    if (!souk_user_can(r, cbo_bulk_actions[a].perm)) {
        return souk_error(r, 403, "your account may not do this");
    }
    if (strcmp(action, "add_category") == 0 && cat_category_id(r, slug)
                                               == 0)
    {
        return souk_error(r, 422, "pick a category to add the products to");
    }
    ids = souk_pool_json(souk_request_pool(r), cbo_form_all(r, "ids"));
    if (cJSON_GetArraySize(ids) == 0) {
        return souk_error(r, 422, "select at least one product");
    }
    m = cbo_page(r, "admin_catalog_bulk", "Bulk action");
    done = cJSON_AddArrayToObject(m, "done");
    refused = cJSON_AddArrayToObject(m, "refused");
    souk_buf_init(&msg, souk_request_pool(r), 256);
    cJSON_ArrayForEach(v, ids) {
        if (souk_int_parse(v->valuestring, 1, INT64_MAX, &id) != SOUK_OK) {
            continue;
        }
        why[0] = '\0';
        rc = strcmp(action, "add_category") == 0
             ? cbo_add_category(r, id, slug, why, sizeof(why))
             : cat_workflow_apply(r, id, action, NULL, 0, why, sizeof(why));
        if (rc == SOUK_ERROR) {
            return SOUK_ERROR;
        }
        o = cJSON_CreateObject();
        cJSON_AddNumberToObject(o, "id", (double) id);
        cJSON_AddStringToObject(o, "name", cbo_product_name(r, id));
        if (rc == SOUK_OK) {
            ndone++;
            cJSON_AddItemToArray(done, o);
            continue;
        }
        cJSON_AddStringToObject(o, "why", why);
        cJSON_AddItemToArray(refused, o);
        souk_buf_printf(&msg, " %s: %s.", cbo_str(o, "name"), why);
    }
    if (souk_request_wants_json(r)) {
        return 200;
    }
    return cbo_back(r, "/admin/catalog/products",
                    cJSON_GetArraySize(refused) > 0 ? "error" : "ok",
                    souk_psprintf(souk_request_pool(r), "%d %s %s.%s%s",
                                  ndone, ndone == 1 ? "product" : "products",
                                  cbo_bulk_actions[a].done,
                                  msg.len > 0 ? " Not changed (the others "
                                  "were):" : "", msg.data));
}

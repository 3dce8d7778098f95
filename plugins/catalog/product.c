/* The product document: saving it as a merge in one transaction, and
 * looking products up by slug and SKU. */
#include <stdio.h>
#include <string.h>

#include "catalog.h"
#include "product.h"

static const char *
cat_txt(souk_stmt_t *st, int col)
{
    const char  *s = souk_stmt_text(st, col);

    return s != NULL ? s : "";
}

static void
cat_prow_overlay(cat_save_t *t, cat_prow_t *p)
{
    const cJSON  *d = t->doc, *seo, *v;
    int64_t       n;

    cat_pdoc_str(t, d, "kind", 16, 0, &p->kind);
    cat_pdoc_str(t, d, "slug", 128, 0, &p->slug);
    cat_pdoc_str(t, d, "name", 200, 0, &p->name);
    cat_pdoc_str(t, d, "summary", 400, 0, &p->summary);
    if (t->description != NULL) {
        p->description = t->description;
    }
    if ((seo = cJSON_GetObjectItemCaseSensitive(d, "seo")) != NULL) {
        cat_pdoc_str(t, seo, "title", 200, 0, &p->seo_title);
        cat_pdoc_str(t, seo, "description", 400, 0, &p->seo_description);
    }
    if ((v = cJSON_GetObjectItemCaseSensitive(d, "available_at")) != NULL) {
        p->available_at = souk_json_int(v, 0, INT64_C(1) << 40, &n)
                          == SOUK_OK ? n : -1;
    }
    if (souk_json_int(cJSON_GetObjectItemCaseSensitive(d, "preorder_limit"),
                     0, INT64_C(1000000000), &n) == SOUK_OK)
    {
        p->preorder_limit = n;
    }
    if ((v = cJSON_GetObjectItemCaseSensitive(d, "resource_id")) != NULL) {
        p->resource_id = souk_json_int(v, 1, INT64_MAX, &n) == SOUK_OK
                         ? n : 0;
    }
}

/* Reads the stored row (strings copied to the pool) or the defaults. */
static int
cat_prow_load(cat_save_t *t, cat_prow_t *p)
{
    souk_pool_t  *pool = souk_request_pool(t->r);
    souk_stmt_t  *st;

    memset(p, 0, sizeof(*p));
    p->kind = "product";
    p->summary = p->description = p->seo_title = p->seo_description = "";
    p->available_at = -1;
    if (t->id == 0) {
        return SOUK_OK;
    }
    st = souk_db_row(t->db, "SELECT kind, slug, name, summary, description, "
                     "seo_title, seo_description, available_at, "
                     "preorder_limit, preorder_sold, resource_id FROM "
                     "catalog_products WHERE id = ? AND group_id = ?", "it",
                     t->id, t->group);
    if (st == NULL) {
        return souk_db_error(t->db)[0] == '\0'
               ? cat_decline(t->why, t->whylen, "no such product")
               : SOUK_ERROR;
    }
    p->kind = souk_pstrdup(pool, cat_txt(st, 0));
    p->slug = souk_pstrdup(pool, cat_txt(st, 1));
    p->name = souk_pstrdup(pool, cat_txt(st, 2));
    p->summary = souk_pstrdup(pool, cat_txt(st, 3));
    p->description = souk_pstrdup(pool, cat_txt(st, 4));
    p->seo_title = souk_pstrdup(pool, cat_txt(st, 5));
    p->seo_description = souk_pstrdup(pool, cat_txt(st, 6));
    p->available_at = souk_stmt_is_null(st, 7) ? -1 : souk_stmt_int(st, 7);
    p->preorder_limit = souk_stmt_int(st, 8);
    p->preorder_sold = souk_stmt_int(st, 9);
    p->resource_id = souk_stmt_int(st, 10);
    souk_stmt_reset(st);
    return SOUK_OK;
}

static int
cat_prow_write(cat_save_t *t, const cat_prow_t *p)
{
    souk_stmt_t  *st;
    int64_t       now = cat_now();

    st = souk_db_row(t->db, "SELECT id FROM catalog_products WHERE group_id "
                     "= ? AND slug = ? AND id <> ?", "tti", t->group,
                     p->slug, t->id);
    if (st != NULL) {
        souk_stmt_reset(st);
        return cat_decline(t->why, t->whylen, "the slug %s is taken",
                           p->slug);
    }
    if (souk_db_error(t->db)[0] != '\0') {
        return SOUK_ERROR;
    }
    if (p->preorder_sold > p->preorder_limit) {
        return cat_decline(t->why, t->whylen, "%lld pre-orders are sold: "
                           "the limit cannot go below that",
                           (long long) p->preorder_sold);
    }
    if (p->resource_id > 0) {
        st = souk_db_row(t->db, "SELECT id FROM catalog_resources WHERE id "
                         "= ? AND group_id = ?", "it", p->resource_id,
                         t->group);
        if (st == NULL) {
            return souk_db_error(t->db)[0] == '\0'
                   ? cat_decline(t->why, t->whylen, "no such resource")
                   : SOUK_ERROR;
        }
        souk_stmt_reset(st);
    }
    if (t->id == 0) {
        if (souk_db_exec(t->db, "INSERT INTO catalog_products (group_id, "
                         "slug, name, created_by, created_at, updated_at) "
                         "VALUES (?, ?, ?, ?, ?, ?)", "tttiii", t->group,
                         p->slug, p->name, souk_user_id(t->r), now, now)
            != SOUK_OK)
        {
            return SOUK_ERROR;
        }
        t->id = souk_db_last_id(t->db);
        t->created = 1;
    }
    st = souk_db_prepare(t->db, "UPDATE catalog_products SET kind = ?, "
                         "slug = ?, name = ?, summary = ?, description = ?, "
                         "seo_title = ?, seo_description = ?, available_at = "
                         "?, preorder_limit = ?, resource_id = ?, updated_at "
                         "= ? WHERE id = ?");
    if (st == NULL
        || souk_stmt_bind_text(st, 1, p->kind, -1) != SOUK_OK
        || souk_stmt_bind_text(st, 2, p->slug, -1) != SOUK_OK
        || souk_stmt_bind_text(st, 3, p->name, -1) != SOUK_OK
        || souk_stmt_bind_text(st, 4, p->summary, -1) != SOUK_OK
        || souk_stmt_bind_text(st, 5, p->description, -1) != SOUK_OK
        || souk_stmt_bind_text(st, 6, p->seo_title, -1) != SOUK_OK
        || souk_stmt_bind_text(st, 7, p->seo_description, -1) != SOUK_OK
        || (p->available_at < 0 ? souk_stmt_bind_null(st, 8)
                                : souk_stmt_bind_int(st, 8, p->available_at))
           != SOUK_OK
        || souk_stmt_bind_int(st, 9, p->preorder_limit) != SOUK_OK
        || (p->resource_id <= 0 ? souk_stmt_bind_null(st, 10)
                                : souk_stmt_bind_int(st, 10, p->resource_id))
           != SOUK_OK
        || souk_stmt_bind_int(st, 11, now) != SOUK_OK
        || souk_stmt_bind_int(st, 12, t->id) != SOUK_OK)
    {
        return SOUK_ERROR;
    }
    return souk_stmt_step(st) == SOUK_DONE ? SOUK_OK : SOUK_ERROR;
}

/* Replaces one of the product's simple lists when the doc carries it. */
static int
cat_save_lists(cat_save_t *t)
{
    const cJSON  *l, *e, *v;
    souk_stmt_t  *st;
    int64_t       cid;

    if ((l = cJSON_GetObjectItemCaseSensitive(t->doc, "categories"))
        != NULL)
    {
        if (souk_db_exec(t->db, "DELETE FROM catalog_product_categories "
                         "WHERE product_id = ?", "i", t->id) != SOUK_OK)
        {
            return SOUK_ERROR;
        }
        cJSON_ArrayForEach(e, l) {
            st = souk_db_row(t->db, "SELECT id FROM catalog_categories "
                             "WHERE group_id = ? AND slug = ?", "tt",
                             t->group, e->valuestring);
            if (st == NULL) {
                return souk_db_error(t->db)[0] == '\0'
                       ? cat_decline(t->why, t->whylen, "no category \"%s\"",
                                     e->valuestring)
                       : SOUK_ERROR;
            }
            cid = souk_stmt_int(st, 0);
            souk_stmt_reset(st);
            /* A slug listed twice is one membership. */
            if (souk_db_exec(t->db, "DELETE FROM catalog_product_categories "
                             "WHERE product_id = ? AND category_id = ?", "ii",
                             t->id, cid) != SOUK_OK
                || souk_db_exec(t->db, "INSERT INTO "
                                "catalog_product_categories (product_id, "
                                "category_id) VALUES (?, ?)", "ii", t->id,
                                cid) != SOUK_OK)
            {
                return SOUK_ERROR;
            }
        }
    }
    if ((l = cJSON_GetObjectItemCaseSensitive(t->doc, "tags")) != NULL) {
        if (souk_db_exec(t->db, "DELETE FROM catalog_tags WHERE product_id = "
                         "?", "i", t->id) != SOUK_OK)
        {
            return SOUK_ERROR;
        }
        cJSON_ArrayForEach(e, l) {
            if (souk_db_exec(t->db, "DELETE FROM catalog_tags WHERE "
                             "product_id = ? AND tag = ?", "it", t->id,
                             e->valuestring) != SOUK_OK
                || souk_db_exec(t->db, "INSERT INTO catalog_tags (product_id,"
                                " tag) VALUES (?, ?)", "it", t->id,
                                e->valuestring) != SOUK_OK)
            {
                return SOUK_ERROR;
            }
        }
    }
    if ((l = cJSON_GetObjectItemCaseSensitive(t->doc, "attributes"))
        != NULL)
    {
        if (souk_db_exec(t->db, "DELETE FROM catalog_attributes WHERE "
                         "product_id = ?", "i", t->id) != SOUK_OK)
        {
            return SOUK_ERROR;
        }
        cJSON_ArrayForEach(e, l) {
            /* "material": "wool" is read as ["wool"]. */
            v = cJSON_IsString(e) ? e : e->child;
            for (; v != NULL; v = cJSON_IsString(e) ? NULL : v->next) {
                if (souk_db_exec(t->db, "DELETE FROM catalog_attributes "
                                 "WHERE product_id = ? AND name = ? AND "
                                 "value = ?", "itt", t->id, e->string,
                                 v->valuestring) != SOUK_OK
                    || souk_db_exec(t->db, "INSERT INTO catalog_attributes "
                                    "(product_id, name, value) VALUES (?, ?,"
                                    " ?)", "itt", t->id, e->string,
                                    v->valuestring) != SOUK_OK)
                {
                    return SOUK_ERROR;
                }
            }
        }
    }
    return SOUK_OK;
}

static int
cat_save_sites(cat_save_t *t)
{
    const cJSON  *l, *e;

    l = cJSON_GetObjectItemCaseSensitive(t->doc, "sites");
    if (l == NULL && t->created
        && souk_db_exec(t->db, "INSERT INTO catalog_product_sites "
                        "(product_id, site_id) VALUES (?, ?)", "it",
                        t->id, souk_site_id(t->r)) != SOUK_OK)
    {
        return SOUK_ERROR;
    }
    if (l != NULL) {
        if (souk_db_exec(t->db, "DELETE FROM catalog_product_sites WHERE "
                         "product_id = ?", "i", t->id) != SOUK_OK)
        {
            return SOUK_ERROR;
        }
        cJSON_ArrayForEach(e, l) {
            if (souk_db_exec(t->db, "DELETE FROM catalog_product_sites WHERE "
                             "product_id = ? AND site_id = ?", "it", t->id,
                             e->valuestring) != SOUK_OK
                || souk_db_exec(t->db, "INSERT INTO catalog_product_sites "
                                "(product_id, site_id) VALUES (?, ?)", "it",
                                t->id, e->valuestring) != SOUK_OK)
            {
                return SOUK_ERROR;
            }
        }
    }
    if ((l = cJSON_GetObjectItemCaseSensitive(t->doc, "channels")) != NULL) {
        if (souk_db_exec(t->db, "DELETE FROM catalog_channel_links WHERE "
                         "product_id = ?", "i", t->id) != SOUK_OK)
        {
            return SOUK_ERROR;
        }
        cJSON_ArrayForEach(e, l) {
            if (souk_db_exec(t->db, "INSERT INTO catalog_channel_links "
                             "(product_id, channel, url) VALUES (?, ?, ?)",
                             "itt", t->id, e->string, e->valuestring)
                != SOUK_OK)
            {
                return SOUK_ERROR;
            }
        }
    }
    return SOUK_OK;
}

/* The variant's options as pairs and as the display text. */
static int
cat_save_options(cat_save_t *t, int64_t vid, const cJSON *o)
{
    souk_pool_t  *pool = souk_request_pool(t->r);
    const cJSON  *e;
    const char   *text = "";
    int           pos = 0;

    if (souk_db_exec(t->db, "DELETE FROM catalog_variant_options WHERE "
                     "variant_id = ?", "i", vid) != SOUK_OK)
    {
        return SOUK_ERROR;
    }
    cJSON_ArrayForEach(e, o) {
        if (souk_db_exec(t->db, "INSERT INTO catalog_variant_options "
                         "(variant_id, name, value, position) VALUES (?, ?, "
                         "?, ?)", "itti", vid, e->string, e->valuestring,
                         (int64_t) pos++) != SOUK_OK)
        {
            return SOUK_ERROR;
        }
        text = souk_psprintf(pool, "%s%s%s: %s", text, text[0] ? " / " : "",
                             e->string, e->valuestring);
    }
    if (strlen(text) > 255) {
        return cat_decline(t->why, t->whylen, "the options of a variant "
                           "come to more than 255 characters");
    }
    return souk_db_exec(t->db, "UPDATE catalog_variants SET options = ? "
                        "WHERE id = ?", "ti", text, vid);
}

/* Whether the 3-letter code c is one of the codes run together in list. */
static int
cat_in3(const char *list, const char *c)
{
    for (; list[0] != '\0'; list += 3) {
        if (strncmp(list, c, 3) == 0) {
            return 1;
        }
    }
    return 0;
}

static int
cat_save_prices(cat_save_t *t, int64_t vid, const cJSON *prices)
{
    const cJSON  *p, *e;
    int64_t       amount, compare_at, cost;
    const char   *cur, *keep = "";
    souk_stmt_t  *st;
    souk_pool_t  *pool = souk_request_pool(t->r);
    int           rc;

    cJSON_ArrayForEach(p, prices) {
        cur = cJSON_GetObjectItemCaseSensitive(p, "currency")->valuestring;
        souk_json_int(cJSON_GetObjectItemCaseSensitive(p, "amount"), 0,
                     INT64_MAX, &amount);
        e = cJSON_GetObjectItemCaseSensitive(p, "compare_at");
        if (e == NULL || souk_json_int(e, 0, INT64_MAX, &compare_at)
                         != SOUK_OK)
        {
            compare_at = -1;
        }
        e = cJSON_GetObjectItemCaseSensitive(p, "cost");
        if (e == NULL || souk_json_int(e, 0, INT64_MAX, &cost) != SOUK_OK) {
            cost = -1;
        }
        rc = cat_price_set(t->r, vid, cur, amount, compare_at, cost,
                           t->created ? "created" : "edited", t->why,
                           t->whylen);
        if (rc != SOUK_OK) {
            return rc;
        }
        keep = souk_psprintf(pool, "%s%s", keep, cur);
    }
    /* A price list present replaces the variant's currencies. */
    st = souk_db_prepare(t->db, "SELECT currency FROM catalog_prices WHERE "
                         "variant_id = ?");
    if (st == NULL || souk_stmt_bind_int(st, 1, vid) != SOUK_OK) {
        return SOUK_ERROR;
    }
    cur = "";
    while ((rc = souk_stmt_step(st)) == SOUK_ROW) {
        if (!cat_in3(keep, cat_txt(st, 0))) {
            cur = souk_psprintf(pool, "%s%s", cur, cat_txt(st, 0));
        }
    }
    if (rc != SOUK_DONE) {
        return SOUK_ERROR;
    }
    for (; cur[0] != '\0'; cur += 3) {
        if (souk_db_exec(t->db, "DELETE FROM catalog_prices WHERE variant_id "
                         "= ? AND currency = ?", "it", vid,
                         souk_pstrndup(pool, cur, 3)) != SOUK_OK)
        {
            return SOUK_ERROR;
        }
    }
    return SOUK_OK;
}

static int
cat_save_variant(cat_save_t *t, const cJSON *v, int64_t pos)
{
    const char   *sku, *barcode = NULL;
    const cJSON  *e;
    souk_stmt_t  *st;
    int64_t       vid, weight = 0, threshold = 0, n;
    int           rc, fresh, moved;

    sku = cJSON_GetObjectItemCaseSensitive(v, "sku")->valuestring;
    st = souk_db_row(t->db, "SELECT id, product_id, weight_g, barcode, "
                     "low_stock_threshold FROM catalog_variants WHERE "
                     "group_id = ? AND sku = ?", "tt", t->group, sku);
    if (st == NULL && souk_db_error(t->db)[0] != '\0') {
        return SOUK_ERROR;
    }
    fresh = st == NULL;
    vid = 0;
    barcode = "";
    if (st != NULL) {
        vid = souk_stmt_int(st, 0);
        n = souk_stmt_int(st, 1);
        weight = souk_stmt_int(st, 2);
        barcode = souk_pstrdup(souk_request_pool(t->r), cat_txt(st, 3));
        threshold = souk_stmt_int(st, 4);
        souk_stmt_reset(st);
        if (n != t->id) {
            return cat_decline(t->why, t->whylen, "SKU %s belongs to another "
                               "product", sku);
        }
    }
    souk_json_int(cJSON_GetObjectItemCaseSensitive(v, "weight_g"), 0,
                 INT64_MAX, &weight);
    n = threshold;
    souk_json_int(cJSON_GetObjectItemCaseSensitive(v, "low_stock_threshold"),
                 0, INT64_MAX, &threshold);
    moved = !fresh && n != threshold;
    cat_pdoc_str(t, v, "barcode", 32, 0, &barcode);
    if (fresh) {
        rc = souk_db_exec(t->db, "INSERT INTO catalog_variants (group_id, "
                          "product_id, sku, weight_g, barcode, position, "
                          "low_stock_threshold) VALUES (?, ?, ?, ?, ?, ?, ?)",
                          "tititii", t->group, t->id, sku, weight, barcode,
                          pos, threshold);
        vid = souk_db_last_id(t->db);
    } else {
        rc = souk_db_exec(t->db, "UPDATE catalog_variants SET weight_g = ?, "
                          "barcode = ?, low_stock_threshold = ? WHERE id = ?",
                          "itii", weight, barcode, threshold, vid);
    }
    if (rc != SOUK_OK) {
        return SOUK_ERROR;
    }
    if ((e = cJSON_GetObjectItemCaseSensitive(v, "options")) != NULL
        && (rc = cat_save_options(t, vid, e)) != SOUK_OK)
    {
        return rc;
    }
    if ((e = cJSON_GetObjectItemCaseSensitive(v, "prices")) != NULL
        && (rc = cat_save_prices(t, vid, e)) != SOUK_OK)
    {
        return rc;
    }
    /* A new threshold may mean the variant just crossed it. */
    return moved ? cat_stock_changed(t->r, vid) : SOUK_OK;
}

static int
cat_remove_variants(cat_save_t *t, const cJSON *skus)
{
    static const char *const  sql[] = {
        "DELETE FROM catalog_stock WHERE variant_id = ?",
        "DELETE FROM catalog_prices WHERE variant_id = ?",
        "DELETE FROM catalog_variant_options WHERE variant_id = ?",
        "DELETE FROM catalog_price_list_items WHERE variant_id = ?",
        "DELETE FROM catalog_variants WHERE id = ?",
    };
    const cJSON  *e;
    souk_stmt_t  *st;
    int64_t       vid;
    size_t        i;

    cJSON_ArrayForEach(e, skus) {
        st = souk_db_row(t->db, "SELECT id FROM catalog_variants WHERE "
                         "product_id = ? AND sku = ?", "it", t->id,
                         e->valuestring);
        if (st == NULL) {
            if (souk_db_error(t->db)[0] != '\0') {
                return SOUK_ERROR;
            }
            continue;
        }
        vid = souk_stmt_int(st, 0);
        souk_stmt_reset(st);
        for (i = 0; i < sizeof(sql) / sizeof(sql[0]); i++) {
            if (souk_db_exec(t->db, sql[i], "i", vid) != SOUK_OK) {
                return SOUK_ERROR;
            }
        }
    }
    return SOUK_OK;
}

static int
cat_save_variants(cat_save_t *t)
{
    const cJSON  *l, *v;
    souk_stmt_t  *st;
    int64_t       pos = 0, n;
    int           rc;

    if ((l = cJSON_GetObjectItemCaseSensitive(t->doc, "remove_skus")) != NULL
        && cat_remove_variants(t, l) != SOUK_OK)
    {
        return SOUK_ERROR;
    }
    if (!t->created) {
        st = souk_db_row(t->db, "SELECT COUNT(*) FROM catalog_variants "
                         "WHERE product_id = ?", "i", t->id);
        if (st == NULL) {
            return SOUK_ERROR;
        }
        pos = souk_stmt_int(st, 0);
        souk_stmt_reset(st);
    }
    l = cJSON_GetObjectItemCaseSensitive(t->doc, "variants");
    cJSON_ArrayForEach(v, l) {
        if ((rc = cat_save_variant(t, v, pos++)) != SOUK_OK) {
            return rc;
        }
    }
    st = souk_db_row(t->db, "SELECT COUNT(*), (SELECT COUNT(*) FROM "
                     "catalog_prices p JOIN catalog_variants v ON v.id = "
                     "p.variant_id WHERE v.product_id = ? AND p.currency = ?)"
                     " FROM catalog_variants WHERE product_id = ?", "iti",
                     t->id, cat_currency(t->r), t->id);
    if (st == NULL) {
        return SOUK_ERROR;
    }
    n = souk_stmt_int(st, 0);
    pos = souk_stmt_int(st, 1);
    souk_stmt_reset(st);
    if (n == 0) {
        return cat_decline(t->why, t->whylen, "a product needs at least one "
                           "variant");
    }
    if (t->created && pos == 0) {
        return cat_decline(t->why, t->whylen, "a new product needs a price "
                           "in %s", cat_currency(t->r));
    }
    return SOUK_OK;
}

static int
cat_product_save_tx(souk_db_t *db, void *arg)
{
    cat_save_t  *t = arg;
    cat_prow_t   p;
    cJSON       *ev;
    int          rc;

    (void) db;
    t->created = 0;
    t->id = t->orig_id;
    if ((rc = cat_prow_load(t, &p)) != SOUK_OK) {
        return rc;
    }
    cat_prow_overlay(t, &p);
    if ((rc = cat_prow_write(t, &p)) != SOUK_OK
        || (rc = cat_save_lists(t)) != SOUK_OK
        || (rc = cat_save_sites(t)) != SOUK_OK
        || (rc = cat_save_variants(t)) != SOUK_OK)
    {
        return rc;
    }
    if (cat_event_add(t->r, t->id, t->created ? "create" : "edit", NULL,
                      NULL, "") != SOUK_OK
        || cat_listing_refresh(t->r, t->id) != SOUK_OK
        || cat_search_refresh(t->r, t->id) != SOUK_OK)
    {
        return SOUK_ERROR;
    }
    ev = cJSON_CreateObject();
    cJSON_AddNumberToObject(ev, "id", (double) t->id);
    rc = souk_action_run(t->r, "catalog.product.saved", ev);
    cJSON_Delete(ev);
    return rc == SOUK_OK ? SOUK_OK : SOUK_ERROR;
}

int
cat_product_save(souk_request_t *r, const cJSON *doc, int64_t id,
    int64_t *out_id, char *why, size_t whylen)
{
    cat_save_t    t;
    const cJSON  *d;
    int           rc;

    memset(&t, 0, sizeof(t));
    t.r = r;
    t.db = souk_db(r);
    t.doc = doc;
    t.group = souk_site_group(r);
    t.id = t.orig_id = id > 0 ? id : 0;
    t.why = why;
    t.whylen = whylen;
    if (why != NULL && whylen > 0) {
        why[0] = '\0';
    }
    if ((rc = cat_pdoc_check(&t)) != SOUK_OK) {
        return rc;
    }
    d = cJSON_GetObjectItemCaseSensitive(doc, "description");
    if (cJSON_IsString(d)) {
        t.description = souk_html_sanitize(souk_request_pool(r),
                                           d->valuestring,
                                           strlen(d->valuestring));
        if (t.description == NULL) {
            return SOUK_ERROR;
        }
    }
    rc = souk_db_tx(t.db, cat_product_save_tx, &t);
    if (rc == SOUK_OK && out_id != NULL) {
        *out_id = t.id;
    }
    return rc;
}

int64_t
cat_product_id(souk_request_t *r, const char *slug)
{
    return cat_group_id(r, "SELECT id FROM catalog_products WHERE "
                        "group_id = ? AND slug = ?", slug);
}

int64_t
cat_product_id_by_sku(souk_request_t *r, const char *sku)
{
    return cat_group_id(r, "SELECT product_id FROM catalog_variants WHERE "
                        "group_id = ? AND sku = ?", sku);
}

/* Reading a product back as its JSON document, in a fixed number of
 * queries whatever the number of variants. */
#include <string.h>

#include "catalog.h"

static const char *
cat_txt(souk_stmt_t *st, int col)
{
    const char  *s = souk_stmt_text(st, col);

    return s != NULL ? s : "";
}

static cJSON *
cat_num_or_null(souk_stmt_t *st, int col)
{
    return souk_stmt_is_null(st, col)
           ? cJSON_CreateNull()
           : cJSON_CreateNumber((double) souk_stmt_int(st, col));
}

/* Runs sql bound to the product id; each row goes to fn. */
static int
cat_load_rows(souk_request_t *r, const char *sql, int64_t id,
    void (*fn)(souk_stmt_t *st, cJSON *doc), cJSON *doc)
{
    souk_stmt_t  *st;
    int           rc;

    st = souk_db_prepare(souk_db(r), sql);
    if (st == NULL || souk_stmt_bind_int(st, 1, id) != SOUK_OK) {
        return SOUK_ERROR;
    }
    while ((rc = souk_stmt_step(st)) == SOUK_ROW) {
        fn(st, doc);
    }
    return rc == SOUK_DONE ? SOUK_OK : SOUK_ERROR;
}

static void
cat_row_site(souk_stmt_t *st, cJSON *doc)
{
    cJSON_AddItemToArray(cJSON_GetObjectItem(doc, "sites"),
                         cJSON_CreateString(cat_txt(st, 0)));
}

static void
cat_row_category(souk_stmt_t *st, cJSON *doc)
{
    cJSON_AddItemToArray(cJSON_GetObjectItem(doc, "categories"),
                         cJSON_CreateString(cat_txt(st, 0)));
}

static void
cat_row_tag(souk_stmt_t *st, cJSON *doc)
{
    cJSON_AddItemToArray(cJSON_GetObjectItem(doc, "tags"),
                         cJSON_CreateString(cat_txt(st, 0)));
}

static void
cat_row_attribute(souk_stmt_t *st, cJSON *doc)
{
    cJSON  *a = cJSON_GetObjectItem(doc, "attributes"), *l;

    l = cJSON_GetObjectItemCaseSensitive(a, cat_txt(st, 0));
    if (l == NULL) {
        l = cJSON_AddArrayToObject(a, cat_txt(st, 0));
    }
    cJSON_AddItemToArray(l, cJSON_CreateString(cat_txt(st, 1)));
}

static void
cat_row_channel(souk_stmt_t *st, cJSON *doc)
{
    cJSON_AddStringToObject(cJSON_GetObjectItem(doc, "channels"),
                            cat_txt(st, 0), cat_txt(st, 1));
}

static void
cat_row_image(souk_stmt_t *st, cJSON *doc)
{
    cJSON  *o = cJSON_CreateObject();

    cJSON_AddNumberToObject(o, "id", (double) souk_stmt_int(st, 0));
    cJSON_AddStringToObject(o, "key", cat_txt(st, 1));
    cJSON_AddStringToObject(o, "alt", cat_txt(st, 2));
    cJSON_AddNumberToObject(o, "width", (double) souk_stmt_int(st, 3));
    cJSON_AddNumberToObject(o, "height", (double) souk_stmt_int(st, 4));
    cJSON_AddItemToArray(cJSON_GetObjectItem(doc, "images"), o);
}

static void
cat_row_variant(souk_stmt_t *st, cJSON *doc)
{
    cJSON  *v = cJSON_CreateObject();

    cJSON_AddNumberToObject(v, "id", (double) souk_stmt_int(st, 0));
    cJSON_AddStringToObject(v, "sku", cat_txt(st, 1));
    cJSON_AddStringToObject(v, "options_text", cat_txt(st, 2));
    cJSON_AddObjectToObject(v, "options");
    cJSON_AddNumberToObject(v, "weight_g", (double) souk_stmt_int(st, 3));
    cJSON_AddStringToObject(v, "barcode", cat_txt(st, 4));
    cJSON_AddNumberToObject(v, "low_stock_threshold",
                            (double) souk_stmt_int(st, 5));
    cJSON_AddArrayToObject(v, "prices");
    cJSON_AddItemToArray(cJSON_GetObjectItem(doc, "variants"), v);
}

/* The variant of doc with that id (rows come joined by variant id). */
static cJSON *
cat_variant_of(cJSON *doc, int64_t vid)
{
    cJSON  *v;

    cJSON_ArrayForEach(v, cJSON_GetObjectItem(doc, "variants")) {
        if ((int64_t) cJSON_GetObjectItem(v, "id")->valuedouble == vid) {
            return v;
        }
    }
    return NULL;
}

static void
cat_row_option(souk_stmt_t *st, cJSON *doc)
{
    cJSON  *v = cat_variant_of(doc, souk_stmt_int(st, 0));

    if (v != NULL) {
        cJSON_AddStringToObject(cJSON_GetObjectItem(v, "options"),
                                cat_txt(st, 1), cat_txt(st, 2));
    }
}

static void
cat_row_price(souk_stmt_t *st, cJSON *doc)
{
    cJSON  *v = cat_variant_of(doc, souk_stmt_int(st, 0)), *p;

    if (v == NULL) {
        return;
    }
    p = cJSON_CreateObject();
    cJSON_AddStringToObject(p, "currency", cat_txt(st, 1));
    cJSON_AddNumberToObject(p, "amount", (double) souk_stmt_int(st, 2));
    cJSON_AddNumberToObject(p, "base_amount", (double) souk_stmt_int(st, 3));
    cJSON_AddNumberToObject(p, "compare_at", (double) souk_stmt_int(st, 4));
    if (cJSON_IsTrue(cJSON_GetObjectItem(doc, "_cost"))) {
        cJSON_AddNumberToObject(p, "cost", (double) souk_stmt_int(st, 5));
    }
    cJSON_AddItemToArray(cJSON_GetObjectItem(v, "prices"), p);
}

static void
cat_row_stock(souk_stmt_t *st, cJSON *doc)
{
    cJSON  *v = cat_variant_of(doc, souk_stmt_int(st, 0)), *s, *l;

    if (v == NULL) {
        return;
    }
    if ((l = cJSON_GetObjectItem(v, "stock")) == NULL) {
        l = cJSON_AddArrayToObject(v, "stock");
    }
    s = cJSON_CreateObject();
    cJSON_AddStringToObject(s, "warehouse", cat_txt(st, 1));
    cJSON_AddNumberToObject(s, "on_hand", (double) souk_stmt_int(st, 2));
    cJSON_AddNumberToObject(s, "reserved", (double) souk_stmt_int(st, 3));
    cJSON_AddNumberToObject(s, "available",
                            (double) (souk_stmt_int(st, 2)
                                      - souk_stmt_int(st, 3)));
    cJSON_AddItemToArray(l, s);
}

static void
cat_row_event(souk_stmt_t *st, cJSON *doc)
{
    cJSON  *e = cJSON_CreateObject();

    cJSON_AddStringToObject(e, "actor", souk_stmt_int(st, 0) == 0
                                        ? "system" : cat_txt(st, 6));
    cJSON_AddNumberToObject(e, "actor_id", (double) souk_stmt_int(st, 0));
    cJSON_AddStringToObject(e, "action", cat_txt(st, 1));
    cJSON_AddItemToObject(e, "from", souk_stmt_is_null(st, 2)
                          ? cJSON_CreateNull()
                          : cJSON_CreateString(cat_txt(st, 2)));
    cJSON_AddItemToObject(e, "to", souk_stmt_is_null(st, 3)
                          ? cJSON_CreateNull()
                          : cJSON_CreateString(cat_txt(st, 3)));
    cJSON_AddStringToObject(e, "note", cat_txt(st, 4));
    cJSON_AddNumberToObject(e, "at", (double) souk_stmt_int(st, 5));
    cJSON_AddItemToArray(cJSON_GetObjectItem(doc, "events"), e);
}

static cJSON *
cat_load_head(souk_request_t *r, int64_t id)
{
    souk_stmt_t  *st;
    cJSON        *d, *seo;

    st = souk_db_row(souk_db(r), "SELECT id, kind, slug, name, summary, "
                     "description, seo_title, seo_description, status, "
                     "available_at, preorder_limit, preorder_sold, "
                     "resource_id, list_at, listed_at, created_at, "
                     "updated_at FROM catalog_products WHERE id = ? AND "
                     "group_id = ?", "it", id, souk_site_group(r));
    if (st == NULL) {
        return NULL;
    }
    d = cJSON_CreateObject();
    cJSON_AddNumberToObject(d, "id", (double) souk_stmt_int(st, 0));
    cJSON_AddStringToObject(d, "kind", cat_txt(st, 1));
    cJSON_AddStringToObject(d, "slug", cat_txt(st, 2));
    cJSON_AddStringToObject(d, "name", cat_txt(st, 3));
    cJSON_AddStringToObject(d, "summary", cat_txt(st, 4));
    cJSON_AddStringToObject(d, "description", cat_txt(st, 5));
    seo = cJSON_AddObjectToObject(d, "seo");
    cJSON_AddStringToObject(seo, "title", cat_txt(st, 6));
    cJSON_AddStringToObject(seo, "description", cat_txt(st, 7));
    cJSON_AddStringToObject(d, "status", cat_txt(st, 8));
    cJSON_AddItemToObject(d, "available_at", cat_num_or_null(st, 9));
    cJSON_AddNumberToObject(d, "preorder_limit",
                            (double) souk_stmt_int(st, 10));
    cJSON_AddNumberToObject(d, "preorder_sold",
                            (double) souk_stmt_int(st, 11));
    cJSON_AddItemToObject(d, "resource_id", cat_num_or_null(st, 12));
    cJSON_AddItemToObject(d, "list_at", cat_num_or_null(st, 13));
    cJSON_AddItemToObject(d, "listed_at", cat_num_or_null(st, 14));
    cJSON_AddNumberToObject(d, "created_at", (double) souk_stmt_int(st, 15));
    cJSON_AddNumberToObject(d, "updated_at", (double) souk_stmt_int(st, 16));
    souk_stmt_reset(st);
    cJSON_AddArrayToObject(d, "categories");
    cJSON_AddArrayToObject(d, "tags");
    cJSON_AddObjectToObject(d, "attributes");
    cJSON_AddArrayToObject(d, "sites");
    cJSON_AddObjectToObject(d, "channels");
    cJSON_AddArrayToObject(d, "images");
    cJSON_AddArrayToObject(d, "variants");
    return d;
}

cJSON *
cat_product_load(souk_request_t *r, int64_t id, unsigned what)
{
    static const struct {
        unsigned     need;
        const char  *sql;
        void       (*fn)(souk_stmt_t *st, cJSON *doc);
    } parts[] = {
        { 0, "SELECT site_id FROM catalog_product_sites WHERE product_id = ? "
             "ORDER BY site_id", cat_row_site },
        { 0, "SELECT c.slug FROM catalog_product_categories pc JOIN "
             "catalog_categories c ON c.id = pc.category_id WHERE "
             "pc.product_id = ? ORDER BY c.path, c.slug", cat_row_category },
        { 0, "SELECT tag FROM catalog_tags WHERE product_id = ? ORDER BY tag",
          cat_row_tag },
        { 0, "SELECT name, value FROM catalog_attributes WHERE product_id = "
             "? ORDER BY name, value", cat_row_attribute },
        { 0, "SELECT channel, url FROM catalog_channel_links WHERE "
             "product_id = ? ORDER BY channel", cat_row_channel },
        { 0, "SELECT id, media_key, alt, width, height FROM catalog_images "
             "WHERE product_id = ? ORDER BY position, id", cat_row_image },
        { 0, "SELECT id, sku, options, weight_g, barcode, "
             "low_stock_threshold FROM catalog_variants WHERE product_id = ? "
             "ORDER BY position, id", cat_row_variant },
        { 0, "SELECT o.variant_id, o.name, o.value FROM "
             "catalog_variant_options o JOIN catalog_variants v ON v.id = "
             "o.variant_id WHERE v.product_id = ? ORDER BY o.variant_id, "
             "o.position", cat_row_option },
        { 0, "SELECT p.variant_id, p.currency, p.amount, p.base_amount, "
             "p.compare_at, p.cost FROM catalog_prices p JOIN "
             "catalog_variants v ON v.id = p.variant_id WHERE v.product_id "
             "= ? ORDER BY p.variant_id, p.currency", cat_row_price },
        { CAT_LOAD_STOCK, "SELECT s.variant_id, w.code, s.on_hand, "
             "s.reserved FROM catalog_stock s JOIN catalog_variants v ON "
             "v.id = s.variant_id JOIN catalog_warehouses w ON w.id = "
             "s.warehouse_id WHERE v.product_id = ? ORDER BY s.variant_id, "
             "w.code", cat_row_stock },
        { CAT_LOAD_EVENTS, "SELECT e.actor, e.action, e.from_status, "
             "e.to_status, e.note, e.created_at, u.email FROM catalog_events"
             " e LEFT JOIN souk_users u ON u.id = e.actor WHERE "
             "e.product_id = ? ORDER BY e.id DESC", cat_row_event },
    };
    cJSON   *d, *v;
    size_t   i;

    if ((d = cat_load_head(r, id)) == NULL) {
        return NULL;
    }
    if (what & CAT_LOAD_EVENTS) {
        cJSON_AddArrayToObject(d, "events");
    }
    /* A marker the price rows read; removed before the caller sees it. */
    cJSON_AddBoolToObject(d, "_cost", (what & CAT_LOAD_COST) != 0);
    for (i = 0; i < sizeof(parts) / sizeof(parts[0]); i++) {
        if ((parts[i].need & what) != parts[i].need) {
            continue;
        }
        if (cat_load_rows(r, parts[i].sql, id, parts[i].fn, d) != SOUK_OK) {
            cJSON_Delete(d);
            return NULL;
        }
    }
    cJSON_DeleteItemFromObject(d, "_cost");
    if (what & CAT_LOAD_STOCK) {
        cJSON_ArrayForEach(v, cJSON_GetObjectItem(d, "variants")) {
            if (cJSON_GetObjectItem(v, "stock") == NULL) {
                cJSON_AddArrayToObject(v, "stock");
            }
        }
    }
    return d;
}

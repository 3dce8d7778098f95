/* The catalog's storefront: init, the home page's featured products and
 * the helpers every store page shares (product cards in one query). */
#include <stdio.h>
#include <string.h>

#include "store.h"

/*
 * The card query binds CAT_PAGE_MAX ids. A fixed text
 * means one cached statement for every page size: unused places are bound
 * NULL, and "id IN (..., NULL)" never matches NULL. A temporary table
 * would cost three statements (create, insert, drop) per page instead.
 * The group is checked on each row in C, not in WHERE: given
 * "group_id = ?", SQLite walks the group's whole index (every product)
 * instead of looking the ids up (12 ms a page at 100,000 products).
 */
static char  cat_cards_sql[2048];

static void
cat_cards_sql_build(void)
{
    size_t  n, i;

    n = (size_t) snprintf(cat_cards_sql, sizeof(cat_cards_sql),
        "SELECT p.id, p.slug, p.name, (SELECT v.sku FROM catalog_variants v"
        " WHERE v.product_id = p.id ORDER BY v.position, v.id LIMIT 1), "
        "i.media_key, i.alt, i.width, p.group_id FROM catalog_products p "
        "LEFT JOIN "
        "catalog_images i ON i.id = (SELECT i2.id FROM catalog_images i2 "
        "WHERE i2.product_id = p.id ORDER BY i2.position, i2.id LIMIT 1) "
        "WHERE p.id IN (?");
    for (i = 1; i < CAT_PAGE_MAX && n + 4 < sizeof(cat_cards_sql); i++) {
        memcpy(cat_cards_sql + n, ", ?", 4);
        n += 3;
    }
    snprintf(cat_cards_sql + n, sizeof(cat_cards_sql) - n, ")");
}

const char *
cat_store_href(souk_request_t *r, const char *prefix, const char *slug)
{
    return souk_psprintf(souk_request_pool(r), "%s%s%s",
                         souk_site_base_path(r), prefix, slug);
}

const char *
cat_store_in(souk_request_t *r, const char *name)
{
    const cJSON  *j = souk_request_json(r), *v;

    if (j != NULL) {
        v = cJSON_GetObjectItem(j, name);
        return cJSON_IsString(v) ? v->valuestring : NULL;
    }
    return souk_request_form(r, name);
}

int
cat_store_category_links(souk_request_t *r, souk_stmt_t *st, cJSON *list)
{
    cJSON  *o;
    int     rc;

    while ((rc = souk_stmt_step(st)) == SOUK_ROW) {
        o = cJSON_CreateObject();
        cJSON_AddStringToObject(o, "name", souk_stmt_text(st, 1));
        cJSON_AddStringToObject(o, "href", cat_store_href(r, "/c/",
                                souk_stmt_text(st, 0)));
        cJSON_AddItemToArray(list, o);
    }
    souk_stmt_reset(st);
    return rc;
}

void
cat_store_image(souk_request_t *r, cJSON *o, const char *key, int64_t width,
    const char *alt, unsigned want)
{
    souk_buf_t  b;
    cJSON      *img;
    size_t      i;
    unsigned    src = cat_image_widths[0];

    souk_buf_init(&b, souk_request_pool(r), 256);
    /* Only the widths stored: never wider than the original, but the
     * smallest always exists. */
    for (i = 0; i < 3; i++) {
        if (i > 0 && (int64_t) cat_image_widths[i] > width) {
            break;
        }
        souk_buf_printf(&b, "%s%s %uw", i > 0 ? ", " : "",
                        souk_media_url(r, key, cat_image_widths[i]),
                        cat_image_widths[i]);
        if (cat_image_widths[i] <= want) {
            src = cat_image_widths[i];
        }
    }
    img = cJSON_AddObjectToObject(o, "image");
    cJSON_AddStringToObject(img, "src", souk_media_url(r, key, src));
    cJSON_AddStringToObject(img, "srcset", b.data);
    cJSON_AddStringToObject(img, "alt", alt);
}

static void
cat_card_fill(souk_request_t *r, cJSON *o, souk_stmt_t *st)
{
    const char  *slug = souk_stmt_text(st, 1);

    cJSON_AddStringToObject(o, "sku", souk_stmt_is_null(st, 3)
                                      ? "" : souk_stmt_text(st, 3));
    cJSON_AddStringToObject(o, "slug", slug);
    cJSON_AddStringToObject(o, "name", souk_stmt_text(st, 2));
    cJSON_AddStringToObject(o, "href", cat_store_href(r, "/p/", slug));
    if (!souk_stmt_is_null(st, 4)) {
        cat_store_image(r, o, souk_stmt_text(st, 4), souk_stmt_int(st, 6),
                        souk_stmt_text(st, 5), CAT_IMG_CARD);
    }
}

int
cat_store_cards(souk_request_t *r, const cat_hit_t *hits, size_t n,
    cJSON *list)
{
    souk_stmt_t  *st;
    cJSON       **cards, *o, *price;
    size_t        i;
    int64_t       id;
    int           rc;

    if (n == 0) {
        return SOUK_OK;
    }
    n = n > CAT_PAGE_MAX ? CAT_PAGE_MAX : n;
    cards = souk_pcalloc(souk_request_pool(r), n * sizeof(*cards));
    for (i = 0; i < n; i++) {
        cards[i] = o = cJSON_CreateObject();
        cJSON_AddItemToArray(list, o);
    }
    if ((st = souk_db_prepare(souk_db(r), cat_cards_sql)) == NULL) {
        return SOUK_ERROR;
    }
    for (i = 0; i < CAT_PAGE_MAX; i++) {
        rc = i < n ? souk_stmt_bind_int(st, (int) i + 1, hits[i].id)
                   : souk_stmt_bind_null(st, (int) i + 1);
        if (rc != SOUK_OK) {
            return SOUK_ERROR;
        }
    }
    while ((rc = souk_stmt_step(st)) == SOUK_ROW) {
        id = souk_stmt_int(st, 0);
        if (strcmp(souk_stmt_text(st, 7), souk_site_group(r)) != 0) {
            continue;           /* never another group's product */
        }
        for (i = 0; i < n; i++) {
            if (hits[i].id == id) {
                cat_card_fill(r, cards[i], st);
            }
        }
    }
    if (rc != SOUK_DONE) {
        return SOUK_ERROR;
    }
    for (i = 0; i < n; i++) {
        price = cJSON_AddObjectToObject(cards[i], "price");
        cJSON_AddNumberToObject(price, "amount", (double) hits[i].price);
        cJSON_AddStringToObject(price, "currency", cat_currency(r));
        cJSON_AddBoolToObject(cards[i], "in_stock", hits[i].in_stock);
    }
    return SOUK_OK;
}

int
cat_money_parse(const char *s, const char *cur, int64_t *out)
{
    int      dec = cat_money_decimals(cur), seen = -1;
    int64_t  v = 0;

    if (s == NULL || *s == '\0') {
        return SOUK_DECLINED;
    }
    for (; *s != '\0'; s++) {
        if ((*s == '.' || *s == ',') && seen < 0 && dec > 0) {
            seen = 0;
            continue;
        }
        if (*s < '0' || *s > '9' || seen == dec
            || v > (INT64_MAX - 9) / 10)
        {
            return SOUK_DECLINED;
        }
        v = v * 10 + (*s - '0');
        seen = seen >= 0 ? seen + 1 : seen;
    }
    if (seen == 0) {
        return SOUK_DECLINED;           /* "12." */
    }
    for (seen = seen < 0 ? 0 : seen; seen < dec; seen++) {
        if (v > INT64_MAX / 10) {
            return SOUK_DECLINED;
        }
        v *= 10;
    }
    *out = v;
    return SOUK_OK;
}

void
cat_flash_set(souk_request_t *r, const char *msg)
{
    (void) souk_session_set(r, "catalog.flash", msg);
}

void
cat_flash_take(souk_request_t *r, cJSON *model)
{
    const char  *f;

    /* Only a request that already has a session can carry a flash, so
     * anonymous browsing stays free of session writes. */
    if (!souk_session_active(r)
        || (f = souk_session_get(r, "catalog.flash")) == NULL)
    {
        return;
    }
    cJSON_AddStringToObject(model, "flash", f);
    (void) souk_session_set(r, "catalog.flash", NULL);
}

/* The home page (hello's GET /) gains the site's eight newest products. */
static int
cat_home_featured(souk_request_t *r, cJSON *view, void *data)
{
    souk_stmt_t  *st;
    cat_hit_t     hits[8];
    cJSON        *featured;
    size_t        n = 0;
    int           rc;

    (void) data;
    if (!cJSON_IsObject(view)) {
        return SOUK_OK;
    }
    st = souk_db_prepare(souk_db(r), "SELECT product_id, price, in_stock "
                         "FROM catalog_listing WHERE site_id = ? AND "
                         "currency = ? AND category_id = 0 ORDER BY "
                         "listed_at DESC, product_id DESC LIMIT 8");
    if (st == NULL
        || souk_stmt_bind_text(st, 1, souk_site_id(r), -1) != SOUK_OK
        || souk_stmt_bind_text(st, 2, cat_currency(r), -1) != SOUK_OK)
    {
        return SOUK_ERROR;
    }
    while ((rc = souk_stmt_step(st)) == SOUK_ROW && n < 8) {
        hits[n].id = souk_stmt_int(st, 0);
        hits[n].price = souk_stmt_int(st, 1);
        hits[n++].in_stock = (int) souk_stmt_int(st, 2);
    }
    souk_stmt_reset(st);
    if (rc == SOUK_ERROR) {
        return SOUK_ERROR;
    }
    if (n == 0) {
        return SOUK_OK;
    }
    featured = cJSON_AddObjectToObject(view, "featured");
    return cat_store_cards(r, hits, n,
                           cJSON_AddArrayToObject(featured, "items"));
}

int
cat_store_init(souk_plugin_ctx_t *ctx)
{
    cat_cards_sql_build();
    if (souk_filter_add(ctx, "view.home", cat_home_featured, NULL,
                        SOUK_PRIO_MIDDLE) != SOUK_OK
        || cat_store_list_init(ctx) != SOUK_OK
        || cat_store_product_init(ctx) != SOUK_OK
        || cat_store_compare_init(ctx) != SOUK_OK)
    {
        return SOUK_ERROR;
    }
    return SOUK_OK;
}

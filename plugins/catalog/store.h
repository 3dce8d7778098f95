/* What the storefront files share (store.c, store_list.c, store_product.c,
 * store_compare.c): product cards fetched in one query, money parsing. */
#ifndef CATALOG_STORE_H
#define CATALOG_STORE_H

#include "catalog.h"

#define CAT_PAGE_DEFAULT  24
#define CAT_PAGE_MAX      96     /* also the card query's placeholders */
#define CAT_COMPARE_MAX   4

/* One row of a listing: what catalog_listing already knows. */
typedef struct {
    int64_t  id;
    int64_t  price;
    int      in_stock;
} cat_hit_t;

/*
 * Cards for n (<= CAT_PAGE_MAX) listing hits, in their order, appended to
 * list: {"sku","slug","name","price":{"amount","currency"},"in_stock",
 * "href","image":{"src","srcset","alt"}|absent,"badge"?}. One query
 * whatever n is (a fixed statement of CAT_PAGE_MAX placeholders, unused
 * ones bound NULL), so a page costs the same at 1, 24 or 96 products.
 */
int cat_store_cards(souk_request_t *r, const cat_hit_t *hits, size_t n,
    cJSON *list);

/* "a,b" of the image's stored widths for srcset; src at the card width. */
void cat_store_image(souk_request_t *r, cJSON *o, const char *key,
    int64_t width, const char *alt, unsigned want);

/* A decimal amount in major units ("12", "12.5", "12.50") to minor units
 * of cur without floating point; SOUK_DECLINED when not one. */
int cat_money_parse(const char *s, const char *cur, int64_t *out);

/* Path inside the site, prefixed with its base path, in the pool. */
const char *cat_store_href(souk_request_t *r, const char *prefix,
    const char *slug);

/* Appends {"name","href"} (the category's page) to list for each (slug,
 * name) row of st, then resets st: SOUK_DONE, or SOUK_ERROR. */
int cat_store_category_links(souk_request_t *r, souk_stmt_t *st,
    cJSON *list);

/* A field of the JSON object body when the request has one (NULL unless a
 * string), else of the form. */
const char *cat_store_in(souk_request_t *r, const char *name);

/* Session flash: one sentence shown once on the next page. */
void cat_flash_set(souk_request_t *r, const char *msg);
void cat_flash_take(souk_request_t *r, cJSON *model);

/* The id of the product listed on this site by slug, 0 when none. */
int64_t cat_store_product_id(souk_request_t *r, const char *slug);

/* Route handlers and init of each file. */
int cat_store_list_init(souk_plugin_ctx_t *ctx);
int cat_store_product_init(souk_plugin_ctx_t *ctx);
int cat_store_compare_init(souk_plugin_ctx_t *ctx);

#endif /* CATALOG_STORE_H */

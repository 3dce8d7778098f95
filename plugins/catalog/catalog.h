/* What the catalog plugin's files share (internal to plugins/catalog). */
#ifndef CATALOG_H
#define CATALOG_H

#include <souk.h>

/*
 * The catalogue belongs to a site group (souk_site_group), so every read
 * and write is scoped by group_id, and storefront reads also by the site
 * (catalog_product_sites, catalog_listing). Tables: the migrations folder.
 * Money: int64_t minor units next to a currency code; the site's currency
 * is cat_currency(r).
 *
 * Every write below runs in souk_db_tx (nesting as a savepoint inside the
 * caller's), keeps catalog_listing and the search index in step, logs
 * what the issue asks to log, and returns:
 *   SOUK_OK, SOUK_DECLINED with why (one sentence for the user: 4xx), or
 *   SOUK_ERROR (database failure, logged: 500).
 */

#define CAT_WHY  256             /* size of a why buffer */

/* Image widths stored for every product image (souk_media_image_save). */
#define CAT_IMG_THUMB   160u
#define CAT_IMG_CARD    480u
#define CAT_IMG_FULL    960u
extern const unsigned cat_image_widths[3];

/* ---- catalog.c: init, shared small helpers ---- */
const char *cat_currency(souk_request_t *r);     /* shop.currency, "EUR" */
/* The number of decimals of a currency (2 unless ISO 4217 says 0 or 3;
 * store.c, for the storefront and the back office alike). */
int cat_money_decimals(const char *cur);
/* minor units as major units ("12.50", "-3", "1.250"), no symbol; len >= 32 */
void cat_money_format(char *buf, size_t len, int64_t minor, const char *cur);
int64_t cat_now(void);                            /* Unix seconds */
/* A slug: [a-z0-9]+(-[a-z0-9]+)*, 1..128 bytes. */
int cat_slug_ok(const char *s);
/* A SKU: [A-Za-z0-9._-]{1,64}. */
int cat_sku_ok(const char *s);
/* Whole numbers: souk_int_parse, souk_json_int (souk/money.h). */

/* Each file registers its own routes, hooks, jobs and commands. */
int cat_store_init(souk_plugin_ctx_t *ctx);       /* store files (storefront) */
int cat_admin_init(souk_plugin_ctx_t *ctx);       /* back_office files */
int cat_api_init(souk_plugin_ctx_t *ctx);         /* api_staff.c */
int cat_model_init(souk_plugin_ctx_t *ctx);       /* jobs, events (model) */
int cat_cli_init(souk_plugin_ctx_t *ctx);         /* import/export/demo */

/* ---- product.c: the product document ---- */
/*
 * A product is read and written as one JSON document, the same for the
 * staff API, the admin editor, CSV import and export:
 *
 * {"id":N (read only),"kind":"product"|"service","slug","name","summary",
 *  "description":"<p>…</p>" (sanitised on save),
 *  "seo":{"title","description"},"status" (read only: the workflow moves
 *  it),"categories":["slug",…],"tags":["…"],
 *  "attributes":{"material":["wool"],…},"sites":["demo",…],
 *  "channels":{"amazon":"https://…"},"available_at":N|null,
 *  "preorder_limit":N,"resource_id":N|null,"list_at":N|null (read only),
 *  "images":[{"id","key","alt","width","height"}] (read only here),
 *  "variants":[{"sku","options":{"Size":"M"},"weight_g":N,"barcode",
 *     "low_stock_threshold":N,
 *     "prices":[{"currency","amount","compare_at","cost"}],
 *     "stock":[{"warehouse":"CODE","on_hand","reserved","available"}]
 *       (read only: stock moves through cat_stock_*)}]}
 *
 * Saving is a merge: fields present replace, fields absent stay. Lists
 * present replace the whole list, except variants, which are matched by
 * SKU (new SKUs added, listed ones updated, others kept; "remove_skus":
 * [..] removes). A new product needs slug, name and at least one variant
 * with a price in cat_currency(r); it starts as a draft shown on the
 * request's site unless "sites" says otherwise (sites must be of the
 * request's group). A price change goes through cat_price_set (logged,
 * alerts, watches).
 */
int cat_product_save(souk_request_t *r, const cJSON *doc, int64_t id,
    int64_t *out_id, char *why, size_t whylen);
/* The product's id by slug / by SKU in the request's group, 0 if none. */
int64_t cat_product_id(souk_request_t *r, const char *slug);
int64_t cat_product_id_by_sku(souk_request_t *r, const char *sku);

#define CAT_LOAD_STOCK   0x01u    /* variants[].stock */
#define CAT_LOAD_EVENTS  0x02u    /* "events":[{"actor","action","from",
                                   * "to","note","at"}] newest first */
#define CAT_LOAD_COST    0x04u    /* prices[].cost (staff only) */
/* The document (caller deletes), or NULL when no such product in the
 * request's group. */
cJSON *cat_product_load(souk_request_t *r, int64_t id, unsigned what);

/* ---- workflow.c ---- */
/*
 * action: "submit" (draft → review), "approve" (review → approved; needs
 * catalog.approve), "reject" (review → draft, note required), "list"
 * (approved or delisted → listed; with list_at in the future it stays
 * approved and the job lists it then; needs catalog.publish), "delist"
 * (listed → delisted; catalog.publish), "unschedule". An action the state
 * does not allow is SOUK_DECLINED ("a draft cannot be approved"); a
 * missing permission too (why says so; answer 403). Every move is a row
 * in catalog_events, and fires "catalog.product.status" {id, from, to}.
 */
int cat_workflow_apply(souk_request_t *r, int64_t id, const char *action,
    const char *note, int64_t list_at, char *why, size_t whylen);
/* The job: lists approved products whose list_at has come. */
int cat_workflow_due(souk_request_t *r);

/* ---- price.c ---- */
/* Sets a variant's base price (and compare-at/cost when >= 0) in one
 * currency; recomputes the charged amount (price lists), logs the change,
 * raises a price anomaly alert (catalog.price_anomaly_percent, default 50,
 * or below cost) and mails price-drop watchers. */
int cat_price_set(souk_request_t *r, int64_t variant_id, const char *cur,
    int64_t base, int64_t compare_at, int64_t cost, const char *reason,
    char *why, size_t whylen);
/* Price lists: create one with items [{"sku","amount"}]. */
int cat_price_list_create(souk_request_t *r, const cJSON *doc,
    int64_t *out_id, char *why, size_t whylen);
/* The job: applies price lists that started or ended since last run. */
int cat_price_lists_due(souk_request_t *r);

/* ---- stock.c ---- */
/* Warehouses (installation-wide): {"code","name","line1","line2","city",
 * "postcode","country","active"}. */
int cat_warehouse_save(souk_request_t *r, const cJSON *doc, int64_t id,
    int64_t *out_id, char *why, size_t whylen);
int64_t cat_warehouse_id(souk_request_t *r, const char *code);
/* A receipt: lines [{"sku","quantity">0}] checked in at one warehouse. */
int cat_stock_receive(souk_request_t *r, int64_t warehouse_id,
    const cJSON *lines, const char *note, int64_t *out_id, char *why,
    size_t whylen);
/* Sets on_hand to a counted figure (kind "adjust", note required). */
int cat_stock_set(souk_request_t *r, int64_t variant_id,
    int64_t warehouse_id, int64_t on_hand, const char *note, char *why,
    size_t whylen);
/* Available (on_hand - reserved) over all warehouses, or in one (>0). */
int64_t cat_stock_available(souk_request_t *r, int64_t variant_id,
    int64_t warehouse_id);

/* ---- alert.c ---- */
/* After any stock change of a variant: the low-stock alert once per
 * crossing (catalog_alerts row, "product.stock_low" event, outbox mail to
 * catalog.alert_email), back-in-stock watch mails, listing in_stock. */
int cat_stock_changed(souk_request_t *r, int64_t variant_id);
/* The action "stock.changed" {"variant_id"} (orders take and return
 * stock): cat_stock_changed for it. */
int cat_on_stock_changed(souk_request_t *r, const cJSON *ev, void *data);
int cat_alert_raise(souk_request_t *r, const char *kind, int64_t product_id,
    int64_t variant_id, const char *message);
int cat_alert_resolve(souk_request_t *r, int64_t alert_id);

/* ---- watch.c ---- */
/* kind "stock" or "price"; email NULL: the signed-in user's. */
int cat_watch_add(souk_request_t *r, int64_t product_id, const char *kind,
    const char *email, char *why, size_t whylen);
/* Mails watchers of product_id of that kind whose condition now holds. */
int cat_watch_notify(souk_request_t *r, int64_t product_id,
    const char *kind);

/* ---- listing.c ---- */
/* Rewrites the product's catalog_listing rows from its current state. */
int cat_listing_refresh(souk_request_t *r, int64_t product_id);
/* Only the in_stock flag, after a stock change (cheap). */
int cat_listing_stock(souk_request_t *r, int64_t product_id);
/* Rewrites the product's search document (souk_text_put). */
int cat_search_refresh(souk_request_t *r, int64_t product_id);

/* ---- category.c: categories (a tree per group) ---- */
/*
 * {"slug","name","parent":"slug"|null,"position":N,"description",
 *  "seo":{"title","description"}}; id 0 creates (slug and name needed),
 * otherwise a merge as for products. The path ("/1/5/9/") is kept for
 * the category and its subtree; moving a category under itself or its
 * own subtree is refused; the listing rows of every product in the
 * moved subtree are refreshed.
 */
int cat_category_save(souk_request_t *r, const cJSON *doc, int64_t id,
    int64_t *out_id, char *why, size_t whylen);
/* The category's id by slug in the request's group, 0 if none. */
int64_t cat_category_id(souk_request_t *r, const char *slug);
/* [{"id","slug","name","path","depth","position","children":[..]}],
 * roots first, siblings by position then name; the caller deletes it. */
cJSON *cat_category_tree(souk_request_t *r);

/* ---- model.c: small helpers the model files share ---- */
/* Writes a sentence to why and returns SOUK_DECLINED. */
int cat_decline(char *why, size_t whylen, const char *fmt, ...)
    SOUK_PRINTF(3, 4);
/* The first column (an id) of the row sql finds for its two parameters:
 * the request's site group and key; 0 when key is NULL or none is. */
int64_t cat_group_id(souk_request_t *r, const char *sql, const char *key);
/* A catalog_events row (from/to may be NULL) by the request's user. */
int cat_event_add(souk_request_t *r, int64_t product_id, const char *action,
    const char *from, const char *to, const char *note);
/* The permission an action of cat_workflow_apply needs, NULL for an
 * unknown action (lets a handler answer 403 apart from 409). */
const char *cat_workflow_perm(const char *action);
/* The product's group-checked status into buf (16 bytes); SOUK_DECLINED
 * when the product is not of the request's group. */
int cat_product_status(souk_request_t *r, int64_t id, char *buf);

#endif /* CATALOG_H */

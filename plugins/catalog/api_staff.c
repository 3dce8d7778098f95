/* The catalog's staff JSON API: products, their workflow, categories,
 * warehouses, stock and price lists (bearer token, or session plus
 * X-CSRF-Token; the core checks both and the route's permission). */
#include <stdio.h>
#include <string.h>

#include "catalog.h"

/* The JSON object body, or NULL after answering 400. */
static const cJSON *
cat_api_body(souk_request_t *r, int *status)
{
    const cJSON  *j = souk_request_json(r);

    *status = 400;
    if (!cJSON_IsObject(j)) {
        *status = souk_error(r, 400, "send a JSON object "
                             "(Content-Type: application/json)");
        return NULL;
    }
    return j;
}

/* SOUK_DECLINED → 422 with why; SOUK_ERROR → 500. */
static int
cat_api_refused(souk_request_t *r, int rc, const char *why)
{
    if (rc == SOUK_DECLINED) {
        return souk_error(r, 422, "%s", why[0] != '\0' ? why
                                                       : "refused");
    }
    return SOUK_ERROR;
}

typedef int (*cat_api_save_pt)(souk_request_t *r, const cJSON *doc,
    int64_t id, int64_t *out_id, char *why, size_t whylen);

/*
 * What every writing handler does first: reads the JSON object body and
 * hands it to save (*id 0 creates and receives the new row's id). SOUK_OK,
 * or the status already answered: 400 without a JSON object, 422 with
 * save's why, 500.
 */
static int
cat_api_save(souk_request_t *r, cat_api_save_pt save, int64_t *id,
    const cJSON **doc)
{
    const cJSON  *j;
    char          why[CAT_WHY];
    int           rc, status = 400;

    if ((j = cat_api_body(r, &status)) == NULL) {
        return status;
    }
    rc = save(r, j, *id, *id == 0 ? id : NULL, why, sizeof(why));
    if (rc != SOUK_OK) {
        return cat_api_refused(r, rc, why);
    }
    if (doc != NULL) {
        *doc = j;
    }
    return SOUK_OK;
}

/* Answers {key: {"id": id}} with view (and doc's field, when given, copied
 * into it); returns status. */
static int
cat_api_saved(souk_request_t *r, const char *view, const char *key,
    int64_t id, const cJSON *doc, const char *field, int status)
{
    cJSON  *o = cJSON_AddObjectToObject(souk_view_new(r, view), key);

    cJSON_AddNumberToObject(o, "id", (double) id);
    if (field != NULL) {
        cJSON_AddStringToObject(o, field,
                                cJSON_GetStringValue(cJSON_GetObjectItem(
                                    doc, field)));
    }
    return status;
}

static int
cat_api_product_answer(souk_request_t *r, int64_t id, unsigned what,
    int status)
{
    cJSON  *doc = cat_product_load(r, id, what), *m;

    if (doc == NULL) {
        return SOUK_ERROR;
    }
    m = souk_view_new(r, "catalog_api_product");
    cJSON_AddItemToObject(m, "product", doc);
    return status;
}

/* cat_product_save refusing an id in a new product's document. */
static int
cat_api_product_new(souk_request_t *r, const cJSON *doc, int64_t id,
    int64_t *out_id, char *why, size_t whylen)
{
    if (cJSON_GetObjectItem(doc, "id") != NULL) {
        snprintf(why, whylen, "a new product has no id");
        return SOUK_DECLINED;
    }
    return cat_product_save(r, doc, id, out_id, why, whylen);
}

static int
cat_api_product_create(souk_request_t *r, void *data)
{
    int64_t  id = 0;
    int      rc;

    (void) data;
    if ((rc = cat_api_save(r, cat_api_product_new, &id, NULL)) != SOUK_OK) {
        return rc;
    }
    return cat_api_product_answer(r, id, CAT_LOAD_STOCK | CAT_LOAD_COST,
                                  201);
}

static int
cat_api_product_update(souk_request_t *r, void *data)
{
    int64_t  id;
    int      rc;

    (void) data;
    id = cat_product_id(r, souk_request_param(r, "slug"));
    if (id == 0) {
        return souk_error(r, 404, "no such product");
    }
    if ((rc = cat_api_save(r, cat_product_save, &id, NULL)) != SOUK_OK) {
        return rc;
    }
    return cat_api_product_answer(r, id, CAT_LOAD_STOCK | CAT_LOAD_COST,
                                  200);
}

static int
cat_api_product_show(souk_request_t *r, void *data)
{
    int64_t  id;

    (void) data;
    id = cat_product_id(r, souk_request_param(r, "slug"));
    if (id == 0) {
        return souk_error(r, 404, "no such product");
    }
    return cat_api_product_answer(r, id, CAT_LOAD_STOCK | CAT_LOAD_EVENTS
                                  | CAT_LOAD_COST, 200);
}

/* 403 without the action's permission, 409 for a move the product's
 * state does not allow, 422 for a bad request. */
static int
cat_api_workflow(souk_request_t *r, void *data)
{
    const cJSON  *j, *e;
    const char   *action, *note, *perm;
    char          why[CAT_WHY];
    int64_t       id, list_at = 0;
    int           rc, status = 400;

    (void) data;
    id = cat_product_id(r, souk_request_param(r, "slug"));
    if (id == 0) {
        return souk_error(r, 404, "no such product");
    }
    if ((j = cat_api_body(r, &status)) == NULL) {
        return status;
    }
    action = cJSON_GetStringValue(cJSON_GetObjectItem(j, "action"));
    note = cJSON_GetStringValue(cJSON_GetObjectItem(j, "note"));
    e = cJSON_GetObjectItem(j, "list_at");
    if ((perm = cat_workflow_perm(action)) == NULL) {
        return souk_error(r, 422, "action is one of submit, approve, reject,"
                          " list, delist, unschedule");
    }
    if (e != NULL && !cJSON_IsNull(e)
        && souk_json_int(e, 0, INT64_C(1) << 40, &list_at) != SOUK_OK)
    {
        return souk_error(r, 422, "list_at is a time in Unix seconds");
    }
    if (!souk_user_can(r, perm)) {
        return souk_error(r, 403, "your account may not %s products",
                          action);
    }
    if (strcmp(action, "reject") == 0 && (note == NULL || note[0] == '\0')) {
        return souk_error(r, 422, "say why the product is rejected (note)");
    }
    rc = cat_workflow_apply(r, id, action, note, list_at, why, sizeof(why));
    if (rc == SOUK_DECLINED) {
        return souk_error(r, 409, "%s", why);
    }
    if (rc != SOUK_OK) {
        return SOUK_ERROR;
    }
    return cat_api_product_answer(r, id, CAT_LOAD_EVENTS, 200);
}

static int
cat_api_category_create(souk_request_t *r, void *data)
{
    const cJSON  *j;
    int64_t       id = 0;
    int           rc;

    (void) data;
    if ((rc = cat_api_save(r, cat_category_save, &id, &j)) != SOUK_OK) {
        return rc;
    }
    return cat_api_saved(r, "catalog_api_category", "category", id, j,
                         "slug", 201);
}

static int
cat_api_category_update(souk_request_t *r, void *data)
{
    int64_t  id;
    int      rc;

    (void) data;
    id = cat_category_id(r, souk_request_param(r, "slug"));
    if (id == 0) {
        return souk_error(r, 404, "no such category");
    }
    if ((rc = cat_api_save(r, cat_category_save, &id, NULL)) != SOUK_OK) {
        return rc;
    }
    return cat_api_saved(r, "catalog_api_category", "category", id, NULL,
                         NULL, 200);
}

static int
cat_api_warehouse_create(souk_request_t *r, void *data)
{
    const cJSON  *j;
    int64_t       id = 0;
    int           rc;

    (void) data;
    if ((rc = cat_api_save(r, cat_warehouse_save, &id, &j)) != SOUK_OK) {
        return rc;
    }
    return cat_api_saved(r, "catalog_api_warehouse", "warehouse", id, j,
                         "code", 201);
}

/* The warehouse doc's "warehouse" names by code, or 0 with why said. */
static int64_t
cat_api_warehouse(souk_request_t *r, const cJSON *doc, char *why,
    size_t whylen)
{
    const char  *code;
    int64_t      wid;

    code = cJSON_GetStringValue(cJSON_GetObjectItem(doc, "warehouse"));
    if ((wid = cat_warehouse_id(r, code)) == 0) {
        snprintf(why, whylen, "no warehouse \"%s\"",
                 code != NULL ? code : "");
    }
    return wid;
}

/* cat_stock_receive for a document {"warehouse","lines","note"}. */
static int
cat_api_receive(souk_request_t *r, const cJSON *doc, int64_t id,
    int64_t *out_id, char *why, size_t whylen)
{
    int64_t  wid;

    (void) id;
    if ((wid = cat_api_warehouse(r, doc, why, whylen)) == 0) {
        return SOUK_DECLINED;
    }
    return cat_stock_receive(r, wid, cJSON_GetObjectItem(doc, "lines"),
                             cJSON_GetStringValue(cJSON_GetObjectItem(doc,
                                                                      "note")),
                             out_id, why, whylen);
}

static int
cat_api_receipt(souk_request_t *r, void *data)
{
    const cJSON  *j;
    int64_t       id = 0;
    int           rc;

    (void) data;
    if ((rc = cat_api_save(r, cat_api_receive, &id, &j)) != SOUK_OK) {
        return rc;
    }
    return cat_api_saved(r, "catalog_api_receipt", "receipt", id, j,
                         "warehouse", 201);
}

static int
cat_api_stock_set(souk_request_t *r, void *data)
{
    const cJSON  *j;
    const char   *sku = souk_request_param(r, "sku");
    char          why[CAT_WHY];
    int64_t       wid, vid, on_hand;
    int           rc, status = 400;
    cJSON        *m;

    (void) data;
    vid = cat_group_id(r, "SELECT id FROM catalog_variants WHERE group_id = ?"
                       " AND sku = ?", sku);
    if (vid == 0) {
        return souk_error(r, 404, "no such SKU");
    }
    if ((j = cat_api_body(r, &status)) == NULL) {
        return status;
    }
    if ((wid = cat_api_warehouse(r, j, why, sizeof(why))) == 0) {
        return souk_error(r, 422, "%s", why);
    }
    if (souk_json_int(cJSON_GetObjectItem(j, "on_hand"), 0,
                     INT64_C(1000000000), &on_hand) != SOUK_OK)
    {
        return souk_error(r, 422, "on_hand is a count, 0 or more");
    }
    rc = cat_stock_set(r, vid, wid, on_hand,
                       cJSON_GetStringValue(cJSON_GetObjectItem(j, "note")),
                       why, sizeof(why));
    if (rc != SOUK_OK) {
        return cat_api_refused(r, rc, why);
    }
    m = souk_view_new(r, "catalog_api_stock");
    cJSON_AddStringToObject(m, "sku", sku);
    cJSON_AddStringToObject(m, "warehouse",
                            cJSON_GetStringValue(cJSON_GetObjectItem(
                                j, "warehouse")));
    cJSON_AddNumberToObject(m, "on_hand", (double) on_hand);
    cJSON_AddNumberToObject(m, "available",
                            (double) cat_stock_available(r, vid, wid));
    cJSON_AddNumberToObject(m, "available_total",
                            (double) cat_stock_available(r, vid, 0));
    return 200;
}

/* cat_price_list_create as a cat_api_save_pt. */
static int
cat_api_price_list_new(souk_request_t *r, const cJSON *doc, int64_t id,
    int64_t *out_id, char *why, size_t whylen)
{
    (void) id;
    return cat_price_list_create(r, doc, out_id, why, whylen);
}

static int
cat_api_price_list(souk_request_t *r, void *data)
{
    int64_t  id = 0;
    int      rc;

    (void) data;
    if ((rc = cat_api_save(r, cat_api_price_list_new, &id, NULL))
        != SOUK_OK)
    {
        return rc;
    }
    return cat_api_saved(r, "catalog_api_price_list", "price_list", id,
                         NULL, NULL, 201);
}

#define CAT_SLUG  "{slug:[a-z0-9-]{1,128}}"

int
cat_api_init(souk_plugin_ctx_t *ctx)
{
    static const struct {
        unsigned         methods;
        const char      *pattern;
        souk_handler_pt  handler;
        const char      *perm;
    } routes[] = {
        { SOUK_POST, "/api/v1/products", cat_api_product_create,
          "catalog.edit" },
        { SOUK_PATCH, "/api/v1/products/" CAT_SLUG, cat_api_product_update,
          "catalog.edit" },
        { SOUK_POST, "/api/v1/products/" CAT_SLUG "/workflow",
          cat_api_workflow, "catalog.view" },
        { SOUK_GET, "/api/v1/staff/products/" CAT_SLUG, cat_api_product_show,
          "catalog.view" },
        { SOUK_POST, "/api/v1/categories", cat_api_category_create,
          "catalog.edit" },
        { SOUK_PATCH, "/api/v1/categories/" CAT_SLUG,
          cat_api_category_update, "catalog.edit" },
        { SOUK_POST, "/api/v1/warehouses", cat_api_warehouse_create,
          "catalog.stock" },
        { SOUK_POST, "/api/v1/stock/receipts", cat_api_receipt,
          "catalog.stock" },
        { SOUK_PUT, "/api/v1/stock/{sku:[A-Za-z0-9._-]{1,64}}",
          cat_api_stock_set, "catalog.stock" },
        { SOUK_POST, "/api/v1/price-lists", cat_api_price_list,
          "catalog.edit" },
    };
    size_t  i;

    for (i = 0; i < sizeof(routes) / sizeof(routes[0]); i++) {
        if (souk_route_add(ctx, routes[i].methods, routes[i].pattern,
                           routes[i].handler, NULL) != SOUK_OK
            || souk_route_permission(ctx, routes[i].perm) != SOUK_OK)
        {
            return SOUK_ERROR;
        }
    }
    return SOUK_OK;
}

/* The catalog's staff JSON API: products, their workflow, categories,
 * warehouses, stock and price lists (bearer token, or session plus
 * X-CSRF-Token; the core checks both and the route's permission). */
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

static int
cat_api_product_create(souk_request_t *r, void *data)
{
    const cJSON  *j;
    char          why[CAT_WHY];
    int64_t       id = 0;
    int           rc, status = 400;

    (void) data;
    if ((j = cat_api_body(r, &status)) == NULL) {
        return status;
    }
    if (cJSON_GetObjectItem(j, "id") != NULL) {
        return souk_error(r, 422, "a new product has no id");
    }
    rc = cat_product_save(r, j, 0, &id, why, sizeof(why));
    if (rc != SOUK_OK) {
        return cat_api_refused(r, rc, why);
    }
    return cat_api_product_answer(r, id, CAT_LOAD_STOCK | CAT_LOAD_COST,
                                  201);
}

static int
cat_api_product_update(souk_request_t *r, void *data)
{
    const cJSON  *j;
    char          why[CAT_WHY];
    int64_t       id;
    int           rc, status = 400;

    (void) data;
    id = cat_product_id(r, souk_request_param(r, "slug"));
    if (id == 0) {
        return souk_error(r, 404, "no such product");
    }
    if ((j = cat_api_body(r, &status)) == NULL) {
        return status;
    }
    rc = cat_product_save(r, j, id, NULL, why, sizeof(why));
    if (rc != SOUK_OK) {
        return cat_api_refused(r, rc, why);
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
        && cat_json_int(e, 0, INT64_C(1) << 40, &list_at) != SOUK_OK)
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
    char          why[CAT_WHY];
    int64_t       id = 0;
    int           rc, status = 400;
    cJSON        *m, *c;

    (void) data;
    if ((j = cat_api_body(r, &status)) == NULL) {
        return status;
    }
    rc = cat_category_save(r, j, 0, &id, why, sizeof(why));
    if (rc != SOUK_OK) {
        return cat_api_refused(r, rc, why);
    }
    m = souk_view_new(r, "catalog_api_category");
    c = cJSON_AddObjectToObject(m, "category");
    cJSON_AddNumberToObject(c, "id", (double) id);
    cJSON_AddStringToObject(c, "slug",
                            cJSON_GetStringValue(cJSON_GetObjectItem(j,
                                                                     "slug")));
    return 201;
}

static int
cat_api_category_update(souk_request_t *r, void *data)
{
    const cJSON  *j;
    char          why[CAT_WHY];
    int64_t       id;
    int           rc, status = 400;
    cJSON        *m, *c;

    (void) data;
    id = cat_category_id(r, souk_request_param(r, "slug"));
    if (id == 0) {
        return souk_error(r, 404, "no such category");
    }
    if ((j = cat_api_body(r, &status)) == NULL) {
        return status;
    }
    rc = cat_category_save(r, j, id, NULL, why, sizeof(why));
    if (rc != SOUK_OK) {
        return cat_api_refused(r, rc, why);
    }
    m = souk_view_new(r, "catalog_api_category");
    c = cJSON_AddObjectToObject(m, "category");
    cJSON_AddNumberToObject(c, "id", (double) id);
    return 200;
}

static int
cat_api_warehouse_create(souk_request_t *r, void *data)
{
    const cJSON  *j;
    char          why[CAT_WHY];
    int64_t       id = 0;
    int           rc, status = 400;
    cJSON        *m, *w;

    (void) data;
    if ((j = cat_api_body(r, &status)) == NULL) {
        return status;
    }
    rc = cat_warehouse_save(r, j, 0, &id, why, sizeof(why));
    if (rc != SOUK_OK) {
        return cat_api_refused(r, rc, why);
    }
    m = souk_view_new(r, "catalog_api_warehouse");
    w = cJSON_AddObjectToObject(m, "warehouse");
    cJSON_AddNumberToObject(w, "id", (double) id);
    cJSON_AddStringToObject(w, "code",
                            cJSON_GetStringValue(cJSON_GetObjectItem(j,
                                                                     "code")));
    return 201;
}

static int
cat_api_receipt(souk_request_t *r, void *data)
{
    const cJSON  *j;
    const char   *code;
    char          why[CAT_WHY];
    int64_t       id = 0, wid;
    int           rc, status = 400;
    cJSON        *m, *o;

    (void) data;
    if ((j = cat_api_body(r, &status)) == NULL) {
        return status;
    }
    code = cJSON_GetStringValue(cJSON_GetObjectItem(j, "warehouse"));
    if ((wid = cat_warehouse_id(r, code)) == 0) {
        return souk_error(r, 422, "no warehouse \"%s\"",
                          code != NULL ? code : "");
    }
    rc = cat_stock_receive(r, wid, cJSON_GetObjectItem(j, "lines"),
                           cJSON_GetStringValue(cJSON_GetObjectItem(j,
                                                                    "note")),
                           &id, why, sizeof(why));
    if (rc != SOUK_OK) {
        return cat_api_refused(r, rc, why);
    }
    m = souk_view_new(r, "catalog_api_receipt");
    o = cJSON_AddObjectToObject(m, "receipt");
    cJSON_AddNumberToObject(o, "id", (double) id);
    cJSON_AddStringToObject(o, "warehouse", code);
    return 201;
}

static int
cat_api_stock_set(souk_request_t *r, void *data)
{
    const cJSON  *j;
    const char   *code, *sku = souk_request_param(r, "sku");
    souk_stmt_t  *st;
    char          why[CAT_WHY];
    int64_t       wid, vid = 0, on_hand;
    int           rc, status = 400;
    cJSON        *m;

    (void) data;
    st = souk_db_row(souk_db(r), "SELECT id FROM catalog_variants WHERE "
                     "group_id = ? AND sku = ?", "tt", souk_site_group(r),
                     sku);
    if (st != NULL) {
        vid = souk_stmt_int(st, 0);
        souk_stmt_reset(st);
    }
    if (vid == 0) {
        return souk_error(r, 404, "no such SKU");
    }
    if ((j = cat_api_body(r, &status)) == NULL) {
        return status;
    }
    code = cJSON_GetStringValue(cJSON_GetObjectItem(j, "warehouse"));
    if ((wid = cat_warehouse_id(r, code)) == 0) {
        return souk_error(r, 422, "no warehouse \"%s\"",
                          code != NULL ? code : "");
    }
    if (cat_json_int(cJSON_GetObjectItem(j, "on_hand"), 0,
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
    cJSON_AddStringToObject(m, "warehouse", code);
    cJSON_AddNumberToObject(m, "on_hand", (double) on_hand);
    cJSON_AddNumberToObject(m, "available",
                            (double) cat_stock_available(r, vid, wid));
    cJSON_AddNumberToObject(m, "available_total",
                            (double) cat_stock_available(r, vid, 0));
    return 200;
}

static int
cat_api_price_list(souk_request_t *r, void *data)
{
    const cJSON  *j;
    char          why[CAT_WHY];
    int64_t       id = 0;
    int           rc, status = 400;
    cJSON        *m, *o;

    (void) data;
    if ((j = cat_api_body(r, &status)) == NULL) {
        return status;
    }
    rc = cat_price_list_create(r, j, &id, why, sizeof(why));
    if (rc != SOUK_OK) {
        return cat_api_refused(r, rc, why);
    }
    m = souk_view_new(r, "catalog_api_price_list");
    o = cJSON_AddObjectToObject(m, "price_list");
    cJSON_AddNumberToObject(o, "id", (double) id);
    return 201;
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

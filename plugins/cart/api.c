/* The cart's item routes, for the JSON API (/api/v1/cart/items) and the
 * cart page's forms (/cart/items): one handler each, answering in the
 * form the client asked for. */
#include <stdio.h>
#include <string.h>

#include "cart.h"

/* Whole numbers beyond this are refused as input, not as quantities. */
#define CART_INT_BIG  9007199254740992LL

/* A field of the JSON body or the form, as text; NULL when absent. A
 * JSON body that is not an object has no fields. */
static const char *
cart_in_text(souk_request_t *r, const char *name)
{
    const cJSON  *j = souk_request_json(r), *v;

    if (j != NULL) {
        v = cJSON_GetObjectItemCaseSensitive(j, name);
        return cJSON_IsString(v) ? v->valuestring : NULL;
    }
    return souk_request_form(r, name);
}

/*
 * The posted quantity: a whole number of at least min; dflt when absent
 * (dflt < 0: required). SOUK_OK, or SOUK_DECLINED with why (answer 400).
 */
static int
cart_in_qty(souk_request_t *r, int64_t dflt, int64_t min, int64_t *out,
    char *why, size_t whylen)
{
    const cJSON  *j = souk_request_json(r), *v = NULL;
    const char   *s = NULL;
    int64_t       n;
    int           rc;

    if (j != NULL) {
        v = cJSON_GetObjectItemCaseSensitive(j, "quantity");
    } else {
        s = souk_request_form(r, "quantity");
    }
    if ((j != NULL && (v == NULL || cJSON_IsNull(v)))
        || (j == NULL && (s == NULL || s[0] == '\0')))
    {
        if (dflt >= 0) {
            *out = dflt;
            return SOUK_OK;
        }
        return cart_decline(why, whylen, "Quantity: enter a whole number");
    }
    rc = j != NULL ? souk_json_int(v, -CART_INT_BIG, CART_INT_BIG, &n)
                   : souk_int_parse(s, -CART_INT_BIG, CART_INT_BIG, &n);
    if (rc != SOUK_OK || n < min) {
        return cart_decline(why, whylen, "Quantity: enter a whole number "
                            "of at least %lld", (long long) min);
    }
    *out = n;
    return SOUK_OK;
}

static int64_t
cart_in_line(souk_request_t *r)
{
    int64_t  id;

    if (souk_int_parse(souk_request_param(r, "id"), 1, CART_INT_BIG, &id)
        != SOUK_OK)
    {
        return 0;
    }
    return id;
}

/* POST /api/v1/cart/items and /cart/items: {"sku","quantity"}; any other
 * field (a price above all) is ignored. */
static int
cart_items_post(souk_request_t *r, void *data)
{
    const char  *sku = cart_in_text(r, "sku");
    char         why[CART_WHY];
    int64_t      qty;
    int          rc;

    (void) data;
    if (souk_request_json(r) != NULL && !cJSON_IsObject(souk_request_json(r)))
    {
        return cart_answer(r, 400, "Send a JSON object {\"sku\", "
                           "\"quantity\"}");
    }
    if (sku == NULL || sku[0] == '\0') {
        return cart_answer(r, 400, "SKU: which item do you want?");
    }
    if (cart_in_qty(r, 1, 1, &qty, why, sizeof(why)) != SOUK_OK) {
        return cart_answer(r, 400, why);
    }
    rc = cart_add(r, sku, qty, why, sizeof(why));
    return rc == SOUK_ERROR ? SOUK_ERROR : cart_answer(r, rc, why);
}

/* PATCH /api/v1/cart/items/{id} and POST /cart/items/{id}: {"quantity"},
 * 0 removes the line. */
static int
cart_item_update(souk_request_t *r, void *data)
{
    char     why[CART_WHY];
    int64_t  qty, id = cart_in_line(r);
    int      rc;

    (void) data;
    if (id == 0) {
        return cart_answer(r, 404, "There is no such line in your cart");
    }
    if (cart_in_qty(r, -1, 0, &qty, why, sizeof(why)) != SOUK_OK) {
        return cart_answer(r, 400, why);
    }
    rc = cart_set(r, id, qty, why, sizeof(why));
    return rc == SOUK_ERROR ? SOUK_ERROR : cart_answer(r, rc, why);
}

/* DELETE /api/v1/cart/items/{id} and POST /cart/items/{id}/delete. */
static int
cart_item_delete(souk_request_t *r, void *data)
{
    char     why[CART_WHY];
    int64_t  id = cart_in_line(r);
    int      rc;

    (void) data;
    if (id == 0) {
        return cart_answer(r, 404, "There is no such line in your cart");
    }
    rc = cart_set(r, id, 0, why, sizeof(why));
    return rc == SOUK_ERROR ? SOUK_ERROR : cart_answer(r, rc, why);
}

#define CART_LINE_ID  "{id:[0-9]{1,18}}"

int
cart_api_init(souk_plugin_ctx_t *ctx)
{
    if (souk_route_add(ctx, SOUK_POST, "/api/v1/cart/items",
                       cart_items_post, NULL) != SOUK_OK
        || souk_route_name(ctx, "cart.api.add") != SOUK_OK
        || souk_route_add(ctx, SOUK_PATCH, "/api/v1/cart/items/" CART_LINE_ID,
                          cart_item_update, NULL) != SOUK_OK
        || souk_route_name(ctx, "cart.api.update") != SOUK_OK
        || souk_route_add(ctx, SOUK_DELETE, "/api/v1/cart/items/"
                          CART_LINE_ID, cart_item_delete, NULL) != SOUK_OK
        || souk_route_name(ctx, "cart.api.delete") != SOUK_OK
        || souk_route_add(ctx, SOUK_POST, "/cart/items", cart_items_post,
                          NULL) != SOUK_OK
        || souk_route_name(ctx, "cart.add") != SOUK_OK
        || souk_route_add(ctx, SOUK_POST, "/cart/items/" CART_LINE_ID,
                          cart_item_update, NULL) != SOUK_OK
        || souk_route_name(ctx, "cart.update") != SOUK_OK
        || souk_route_add(ctx, SOUK_POST, "/cart/items/" CART_LINE_ID
                          "/delete", cart_item_delete, NULL) != SOUK_OK
        || souk_route_name(ctx, "cart.delete") != SOUK_OK)
    {
        return SOUK_ERROR;
    }
    return SOUK_OK;
}

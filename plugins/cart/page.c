/* The cart page (GET /cart, GET /api/v1/cart, GET /cart/add), how item
 * routes answer, and the slots: the add-to-cart form on the product page
 * and the mini-cart in the page header. */
#include <stdio.h>
#include <string.h>

#include "cart.h"

/* A path inside this installation: one leading slash (never "//host" or
 * "/\host", which browsers read as another site), no control
 * characters. */
static int
cart_local_path(const char *p)
{
    const unsigned char  *s = (const unsigned char *) p;

    if (p == NULL || p[0] != '/' || p[1] == '/' || p[1] == '\\'
        || strlen(p) > 500)
    {
        return 0;
    }
    for (; *s != '\0'; s++) {
        if (*s < 0x20 || *s == 0x7f || *s == '\\') {
            return 0;
        }
    }
    return 1;
}

/* What the page adds to the cart the API shows: the forms' addresses. */
static void
cart_page_lines(souk_request_t *r, cJSON *m, cJSON *cart)
{
    souk_pool_t  *p = souk_request_pool(r);
    cJSON        *l, *id;
    int           n = 0;

    cJSON_ArrayForEach(l, cJSON_GetObjectItemCaseSensitive(cart, "lines")) {
        id = cJSON_GetObjectItemCaseSensitive(l, "id");
        cJSON_AddStringToObject(l, "update_href", souk_psprintf(p,
                                "%s/cart/items/%lld", souk_site_base_path(r),
                                (long long) id->valuedouble));
        cJSON_AddStringToObject(l, "delete_href", souk_psprintf(p,
                                "%s/cart/items/%lld/delete",
                                souk_site_base_path(r),
                                (long long) id->valuedouble));
        n++;
    }
    cJSON_AddBoolToObject(m, "has_lines", n > 0);
    cJSON_AddBoolToObject(m, "has_problems", cJSON_GetArraySize(
        cJSON_GetObjectItemCaseSensitive(cart, "problems")) > 0);
}

/*
 * The cart page with an optional error (the form that failed, answered
 * with status) and an optional add box (GET /cart/add). As JSON: {"cart"}
 * and, for a cookie client, "csrf_token" (so a guest's first JSON call can
 * send X-CSRF-Token).
 */
static int
cart_page(souk_request_t *r, const char *error, int status, cJSON *add)
{
    cJSON  *m, *cart;

    if ((cart = cart_view(r)) == NULL) {
        return SOUK_ERROR;
    }
    m = souk_view_new(r, "cart");
    cJSON_AddItemToObject(m, "cart", cart);
    if (!souk_request_token_auth(r)) {
        /* The visitor opened the cart: a session is wanted now (a guest
         * adds with this token; browsing products never starts one). */
        cJSON_AddStringToObject(m, "csrf_token", souk_csrf_token(r));
    }
    if (souk_request_wants_json(r)) {
        cJSON_Delete(add);
        return status;
    }
    cJSON_AddStringToObject(m, "title", "Your cart");
    cJSON_AddStringToObject(m, "add_href", cart_href(r, "/cart/items"));
    cJSON_AddStringToObject(m, "checkout_href", cart_href(r, "/checkout"));
    cart_page_lines(r, m, cart);
    if (error != NULL) {
        cJSON_AddStringToObject(m, "error", error);
    }
    if (add != NULL) {
        cJSON_AddItemToObject(m, "add", add);
    }
    return status;
}

int
cart_answer(souk_request_t *r, int status, const char *why)
{
    const char  *next;
    cJSON       *m, *cart;

    if (status >= 400) {
        return souk_request_wants_json(r) ? souk_error(r, status, "%s", why)
                                          : cart_page(r, why, status, NULL);
    }
    if (souk_request_wants_json(r)) {
        if ((cart = cart_view(r)) == NULL) {
            return SOUK_ERROR;
        }
        m = souk_view_new(r, "cart");
        cJSON_AddItemToObject(m, "cart", cart);
        return status;
    }
    next = souk_request_form(r, "next");
    return souk_redirect(r, 303, cart_local_path(next) ? next
                                 : cart_href(r, "/cart"));
}

/* GET /cart, GET /api/v1/cart. */
static int
cart_get(souk_request_t *r, void *data)
{
    (void) data;
    return cart_page(r, NULL, 200, NULL);
}

/* GET /cart/add?sku=&quantity=: the product page's form for a visitor
 * without a session yet (it cannot carry a CSRF token): the cart page
 * asks to confirm, with a form that can. */
static int
cart_add_get(souk_request_t *r, void *data)
{
    const char  *sku = souk_request_query(r, "sku");
    const char  *q = souk_request_query(r, "quantity");
    int64_t      n;
    cJSON       *add;

    (void) data;
    if (sku == NULL || sku[0] == '\0' || strlen(sku) > CART_SKU_MAX) {
        return souk_redirect(r, 303, cart_href(r, "/cart"));
    }
    add = cJSON_CreateObject();
    cJSON_AddStringToObject(add, "sku", sku);
    cJSON_AddNumberToObject(add, "quantity",
                            souk_int_parse(q, 1, cart_max_quantity(r), &n)
                            == SOUK_OK ? (double) n : 1);
    return cart_page(r, NULL, 200, add);
}

/* Slot "product.after_price": the add-to-cart form for the variant the
 * page shows, when it has a price and can be had. */
static int
cart_slot_add(souk_request_t *r, souk_buf_t *out, const cJSON *model,
    void *data)
{
    const cJSON  *p = cJSON_GetObjectItemCaseSensitive(model, "product");
    const cJSON  *sku = cJSON_GetObjectItemCaseSensitive(p, "sku");
    int           active = souk_session_active(r);

    (void) data;
    if (!cJSON_IsString(sku)
        || !cJSON_IsObject(cJSON_GetObjectItemCaseSensitive(p, "price"))
        || cJSON_IsFalse(cJSON_GetObjectItemCaseSensitive(p, "in_stock")))
    {
        return SOUK_OK;
    }
    souk_buf_printf(out, "<form class=\"cart-add\" method=\"%s\" action=\"",
                    active ? "post" : "get");
    souk_buf_append_html(out, cart_href(r, active ? "/cart/items"
                                                  : "/cart/add"));
    souk_buf_puts(out, "\">\n");
    if (active) {
        souk_buf_puts(out, "<input type=\"hidden\" name=\"csrf_token\" "
                      "value=\"");
        souk_buf_append_html(out, souk_csrf_token(r));
        souk_buf_puts(out, "\">\n");
    }
    souk_buf_puts(out, "<input type=\"hidden\" name=\"sku\" value=\"");
    souk_buf_append_html(out, sku->valuestring);
    souk_buf_printf(out, "\">\n<label for=\"cart-add-quantity\">Quantity"
                    "</label>\n<input id=\"cart-add-quantity\" "
                    "name=\"quantity\" type=\"number\" inputmode=\"numeric\" "
                    "min=\"1\" max=\"%lld\" value=\"1\" required>\n"
                    "<button type=\"submit\">Add to cart</button>\n"
                    "</form>\n", (long long) cart_max_quantity(r));
    return SOUK_OK;
}

/* Slot "page.header": a link to the cart with its item count, only for a
 * visitor who already has a session; one query. */
static int
cart_slot_mini(souk_request_t *r, souk_buf_t *out, const cJSON *model,
    void *data)
{
    souk_db_t    *db = souk_db(r);
    souk_stmt_t  *st;
    char          owner[CART_OWNER_LEN];
    int64_t       uid, n = 0;
    int           rc;

    (void) model;
    (void) data;
    if (!souk_session_active(r)) {
        return SOUK_OK;
    }
    /* The page now shows this visitor's count. When nothing before the
     * rendering looked at the session, the core did not mark the answer
     * private (it does so before rendering); headers are written after
     * the body, so say it here. At worst the header comes twice, same
     * value. */
    souk_response_header(r, "Cache-Control", "private, no-store");
    rc = cart_owner(r, 0, owner, &uid);
    if (rc == SOUK_ERROR) {
        return SOUK_ERROR;
    }
    if (rc == SOUK_OK) {
        st = souk_db_row(db, "SELECT COALESCE(SUM(l.quantity), 0) FROM "
                         "cart_carts c JOIN cart_lines l ON l.cart_id = "
                         "c.id WHERE c.site_id = ? AND c.owner = ?", "tt",
                         souk_site_id(r), owner);
        if (st == NULL && souk_db_error(db)[0] != '\0') {
            return SOUK_ERROR;
        }
        if (st != NULL) {
            n = souk_stmt_int(st, 0);
            souk_stmt_reset(st);
        }
    }
    souk_buf_puts(out, "<a class=\"mini-cart\" href=\"");
    souk_buf_append_html(out, cart_href(r, "/cart"));
    souk_buf_printf(out, "\" aria-label=\"Cart, %lld item%s\">Cart "
                    "<span class=\"mini-cart-count\">%lld</span></a>",
                    (long long) n, n == 1 ? "" : "s", (long long) n);
    return SOUK_OK;
}

int
cart_page_init(souk_plugin_ctx_t *ctx)
{
    if (souk_route_add(ctx, SOUK_GET, "/cart", cart_get, NULL) != SOUK_OK
        || souk_route_name(ctx, "cart.page") != SOUK_OK
        || souk_route_add(ctx, SOUK_GET, "/api/v1/cart", cart_get, NULL)
           != SOUK_OK
        || souk_route_name(ctx, "cart.api.cart") != SOUK_OK
        || souk_route_add(ctx, SOUK_GET, "/cart/add", cart_add_get, NULL)
           != SOUK_OK
        || souk_route_name(ctx, "cart.add_form") != SOUK_OK
        || souk_slot_add(ctx, "product.after_price", cart_slot_add, NULL,
                         SOUK_PRIO_MIDDLE) != SOUK_OK
        || souk_slot_add(ctx, "page.header", cart_slot_mini, NULL,
                         SOUK_PRIO_MIDDLE) != SOUK_OK)
    {
        return SOUK_ERROR;
    }
    return SOUK_OK;
}

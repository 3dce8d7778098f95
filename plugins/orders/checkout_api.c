/* The checkout's JSON API: POST /api/v1/checkout places the visitor's
 * cart (Idempotency-Key required, a replay answers the same order) and
 * POST /api/v1/checkout/quote prices it for the same body without placing. */
#include <string.h>

#include "checkout.h"

/* A text member: SOUK_OK with *out (NULL when absent or null), or
 * SOUK_DECLINED with why naming the field. */
static int
ord_api_text(const cJSON *body, const char *key, const char *label,
    const char **out, char *why, size_t whylen)
{
    const cJSON  *v = cJSON_GetObjectItemCaseSensitive(body, key);

    *out = NULL;
    if (v == NULL || cJSON_IsNull(v)) {
        return SOUK_OK;
    }
    if (!cJSON_IsString(v)) {
        return ord_decline(why, whylen, "%s: must be text", label);
    }
    *out = v->valuestring[0] != '\0' ? v->valuestring : NULL;
    return SOUK_OK;
}

/* The body as a checkout (idem_key left for the caller): SOUK_OK, or
 * SOUK_DECLINED with why naming the field (answer 400). */
static int
ord_api_input(souk_request_t *r, ord_checkout_t *co, char *why,
    size_t whylen)
{
    const cJSON  *body = souk_request_json(r), *id, *addr;
    int64_t       book;

    memset(co, 0, sizeof(*co));
    if (!cJSON_IsObject(body)) {
        return ord_decline(why, whylen, "Body: a JSON object is required "
                           "(Content-Type: application/json)");
    }
    if (ord_api_text(body, "email", "Email", &co->email, why, whylen)
        != SOUK_OK
        || ord_api_text(body, "shipping", "Shipping", &co->shipping, why,
                        whylen) != SOUK_OK
        || ord_api_text(body, "payment", "Payment", &co->payment, why,
                        whylen) != SOUK_OK
        || ord_api_text(body, "note", "Note", &co->note, why, whylen)
           != SOUK_OK
        || ord_note_ok(co->note, why, whylen) != SOUK_OK)
    {
        return SOUK_DECLINED;
    }
    id = cJSON_GetObjectItemCaseSensitive(body, "address_id");
    addr = cJSON_GetObjectItemCaseSensitive(body, "address");
    if (id != NULL && !cJSON_IsNull(id)) {
        /* A signed-in customer may name an entry of their address book;
         * anyone else's entry reads as not there. */
        if (souk_json_int(id, 1, INT64_MAX, &book) != SOUK_OK
            || (addr = ord_book_address(r, book)) == NULL)
        {
            return ord_decline(why, whylen, "address_id: not in your "
                               "address book");
        }
    }
    return ord_address_from_json(addr, r, &co->addr, why, whylen);
}

static int
ord_api_error(souk_request_t *r, int status, const char *why)
{
    return souk_error(r, status, "%s", why[0] != '\0' ? why
                      : "the order could not be placed");
}

/* Idempotency-Key: 1 to 128 printable ASCII characters. */
static int
ord_api_key_ok(const char *k)
{
    size_t  n;

    if (k == NULL || k[0] == '\0') {
        return 0;
    }
    for (n = 0; k[n] != '\0'; n++) {
        if ((unsigned char) k[n] < 0x20 || (unsigned char) k[n] > 0x7e
            || n >= 128)
        {
            return 0;
        }
    }
    return 1;
}

/* POST /api/v1/checkout */
static int
ord_api_checkout(souk_request_t *r, void *data)
{
    ord_checkout_t   co;
    ord_placed_t     out;
    cJSON           *m;
    const char      *key = souk_request_header(r, "Idempotency-Key");
    char             why[ORD_WHY];
    int              rc;

    (void) data;
    if (key == NULL || key[0] == '\0') {
        return souk_error(r, 400, "Idempotency-Key: the header is required "
                          "(a unique value per order, reused on a retry)");
    }
    if (!ord_api_key_ok(key)) {
        return souk_error(r, 400, "Idempotency-Key: 1 to 128 printable "
                          "ASCII characters");
    }
    why[0] = '\0';
    if (ord_api_input(r, &co, why, sizeof(why)) != SOUK_OK) {
        return ord_api_error(r, 400, why);
    }
    co.idem_key = key;
    if (souk_user_id(r) > 0 && co.email != NULL) {
        co.email = NULL;        /* an account orders with its own address */
    }
    rc = ord_place(r, &co, &out, why, sizeof(why));
    if (rc == SOUK_ERROR) {
        return SOUK_ERROR;
    }
    if (rc != 200 && rc != 201) {
        return ord_api_error(r, rc >= 400 ? rc : 500, why);
    }
    m = souk_view_new(r, "checkout_placed");
    cJSON_AddStringToObject(m, "number", out.number);
    cJSON_AddStringToObject(m, "status", out.status);
    ord_money_add(m, "total", out.total, out.currency);
    cJSON_AddStringToObject(m, "order", ord_url(r, "/api/v1/orders/%s",
                                                out.number));
    if (out.redirect[0] != '\0') {
        cJSON_AddStringToObject(m, "redirect", out.redirect);
    }
    if (rc == 200
        && souk_response_header(r, "Idempotent-Replayed", "true")
           != SOUK_OK)
    {
        return SOUK_ERROR;
    }
    return rc;
}

/* POST /api/v1/checkout/quote: the same body; nothing is written. */
static int
ord_api_quote(souk_request_t *r, void *data)
{
    ord_checkout_t   co;
    const cJSON     *cart, *q;
    cJSON           *m;
    char             why[ORD_WHY];

    (void) data;
    why[0] = '\0';
    if (ord_api_input(r, &co, why, sizeof(why)) != SOUK_OK) {
        return ord_api_error(r, 400, why);
    }
    if ((cart = ord_cart_priced(r, why, sizeof(why))) == NULL) {
        return ord_api_error(r, strcmp(why, "Your cart is empty") == 0
                                ? 409 : 422, why);
    }
    q = ord_quote(r, cart, &co.addr, co.shipping, co.payment, why,
                  sizeof(why));
    if (q == NULL) {
        return ord_api_error(r, 422, why);
    }
    m = souk_view_new(r, "checkout_quote");
    cJSON_AddItemToObject(m, "quote", ord_quote_api(q));
    return 200;
}

int
ord_checkout_api_init(souk_plugin_ctx_t *ctx)
{
    if (souk_route_add(ctx, SOUK_POST, "/api/v1/checkout", ord_api_checkout,
                       NULL) != SOUK_OK
        || souk_route_name(ctx, "orders.api.checkout") != SOUK_OK
        || souk_route_add(ctx, SOUK_POST, "/api/v1/checkout/quote",
                          ord_api_quote, NULL) != SOUK_OK
        || souk_route_name(ctx, "orders.api.checkout_quote") != SOUK_OK)
    {
        return SOUK_ERROR;
    }
    return SOUK_OK;
}

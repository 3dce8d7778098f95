/* Placing an order in one transaction; the holds job (stub). */
#include "orders.h"

int
ord_place_init(souk_plugin_ctx_t *ctx)
{
    (void) ctx;
    return SOUK_OK;
}

int
ord_place(souk_request_t *r, const ord_checkout_t *co, ord_placed_t *out,
    char *why, size_t whylen)
{
    (void) r; (void) co; (void) out;
    return ord_decline(why, whylen, "not built yet") == SOUK_DECLINED
           ? 501 : SOUK_ERROR;
}

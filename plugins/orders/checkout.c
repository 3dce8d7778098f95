/* Checkout pages and the checkout API (stub: the checkout helper's). */
#include "orders.h"

int
ord_checkout_init(souk_plugin_ctx_t *ctx)
{
    (void) ctx;
    return SOUK_OK;
}

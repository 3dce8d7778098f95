/* The cart plugin: its descriptor (stub: the cart helper's). */
#include "cart.h"

static int
cart_init(souk_plugin_ctx_t *ctx)
{
    (void) ctx;
    return SOUK_OK;
}

static const char *const cart_requires[] = { "catalog", NULL };

SOUK_PLUGIN(cart,
    .version  = "1.0.0",
    .requires = cart_requires,
    .init     = cart_init,
    .summary  = "the shopping cart, priced on the server");

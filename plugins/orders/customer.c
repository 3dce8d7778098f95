/* The customer's order pages and the orders API (stub). */
#include "orders.h"

int
ord_customer_init(souk_plugin_ctx_t *ctx)
{
    (void) ctx;
    return SOUK_OK;
}

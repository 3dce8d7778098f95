/* The back office's order pages (stub: the staff helper's). */
#include "orders.h"

int
ord_staff_init(souk_plugin_ctx_t *ctx)
{
    (void) ctx;
    return SOUK_OK;
}

/* The catalog's storefront (being written; registers nothing yet). */
#include "catalog.h"

int
cat_store_init(souk_plugin_ctx_t *ctx)
{
    (void) ctx;
    return SOUK_OK;
}

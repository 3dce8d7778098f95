/* The catalog's staff JSON API (being written; registers nothing yet). */
#include "catalog.h"

int
cat_api_init(souk_plugin_ctx_t *ctx)
{
    (void) ctx;
    return SOUK_OK;
}

/* The catalog's back office (being written; registers nothing yet). */
#include "catalog.h"

int
cat_admin_init(souk_plugin_ctx_t *ctx)
{
    (void) ctx;
    return SOUK_OK;
}

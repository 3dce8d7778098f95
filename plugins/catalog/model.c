/* The catalog's model jobs and events (being written; registers nothing yet). */
#include "catalog.h"

int
cat_model_init(souk_plugin_ctx_t *ctx)
{
    (void) ctx;
    return SOUK_OK;
}

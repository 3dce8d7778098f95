/* The catalog's commands for the souk tool (being written; registers nothing yet). */
#include "catalog.h"

int
cat_cli_init(souk_plugin_ctx_t *ctx)
{
    (void) ctx;
    return SOUK_OK;
}

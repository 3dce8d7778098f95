/* Stub until helper O lands: the offline methods' init. */
#include "pay.h"

int
pay_offline_init(souk_plugin_ctx_t *ctx)
{
    (void) ctx;
    return SOUK_OK;
}

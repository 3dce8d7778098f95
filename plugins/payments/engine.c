/* Stub until helper E lands: the engine's init. */
#include "pay.h"

int
pay_engine_init(souk_plugin_ctx_t *ctx)
{
    (void) ctx;
    return SOUK_OK;
}

/* Stub until helper A lands: the back office's init. */
#include "pay.h"

int
pay_admin_init(souk_plugin_ctx_t *ctx)
{
    (void) ctx;
    return SOUK_OK;
}

/* The payments engine: starting payments, webhooks, the return page,
 * refunds and the ledger, registered from the plugin's init. */
#include "pay.h"

int
pay_engine_init(souk_plugin_ctx_t *ctx)
{
    if (pay_ledger_init(ctx) != SOUK_OK
        || pay_start_init(ctx) != SOUK_OK
        || pay_webhook_init(ctx) != SOUK_OK
        || pay_return_init(ctx) != SOUK_OK
        || pay_refund_init(ctx) != SOUK_OK)
    {
        return SOUK_ERROR;
    }
    return SOUK_OK;
}

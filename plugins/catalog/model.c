/* The catalog model's scheduled work: one job, "catalog.schedule", that
 * lists products whose time has come and applies price lists. */
#include "catalog.h"

/* Both halves run on every turn; one failing does not keep the other back,
 * and each is idempotent, so the next turn repairs a failed one. */
static int
cat_schedule_job(souk_request_t *r, void *data)
{
    int  a, b;

    (void) data;
    a = cat_workflow_due(r);
    b = cat_price_lists_due(r);
    return a == SOUK_OK && b == SOUK_OK ? SOUK_OK : SOUK_ERROR;
}

int
cat_model_init(souk_plugin_ctx_t *ctx)
{
    if (souk_action_add(ctx, "stock.changed", cat_on_stock_changed, NULL,
                        SOUK_PRIO_MIDDLE) != SOUK_OK)
    {
        return SOUK_ERROR;
    }
    return souk_job_add(ctx, "catalog.schedule", 30, cat_schedule_job, NULL);
}

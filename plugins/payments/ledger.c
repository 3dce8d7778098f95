/* The payment ledger: per order, what it should collect (due) against
 * what moved, kept inside the orders plugin's own transactions through its
 * actions, and by pay_apply through pay_ledger_add. */
#include <string.h>

#include "pay.h"


static const char *
pay_ev_str(const cJSON *ev, const char *key)
{
    const cJSON  *v = cJSON_GetObjectItemCaseSensitive(ev, key);

    return cJSON_IsString(v) ? v->valuestring : "";
}

static int64_t
pay_ev_int(const cJSON *ev, const char *key)
{
    const cJSON  *v = cJSON_GetObjectItemCaseSensitive(ev, key);

    return cJSON_IsNumber(v) ? (int64_t) v->valuedouble : 0;
}

int
pay_ledger_add(souk_request_t *r, int64_t order_id, int64_t captured,
    int64_t refunded)
{
    return souk_db_exec(souk_db(r), "UPDATE payment_ledger SET captured = "
                        "captured + ?, refunded = refunded + ?, updated_at = "
                        "? WHERE site_id = ? AND order_id = ?", "iiit" "i",
                        captured, refunded, pay_now(), souk_site_id(r),
                        order_id);
}

/* order.placed, inside the placing transaction: the order's row. */
static int
pay_ledger_placed(souk_request_t *r, const cJSON *ev, void *data)
{
    int64_t  now = pay_now();

    (void) data;
    return souk_db_exec(souk_db(r), "INSERT INTO payment_ledger (site_id, "
                        "order_id, order_number, currency, due, status, "
                        "method, placed_at, updated_at) VALUES (?, ?, ?, ?, "
                        "?, 'pending_payment', ?, ?, ?)", "titt" "itii",
                        souk_site_id(r), pay_ev_int(ev, "order_id"),
                        pay_ev_str(ev, "number"), pay_ev_str(ev, "currency"),
                        pay_ev_int(ev, "total"),
                        pay_ev_str(ev, "payment_method"), now, now);
}

/* order.changed: the order's new total is what it should collect. */
static int
pay_ledger_changed(souk_request_t *r, const cJSON *ev, void *data)
{
    (void) data;
    return souk_db_exec(souk_db(r), "UPDATE payment_ledger SET due = ?, "
                        "updated_at = ? WHERE site_id = ? AND order_id = ?",
                        "iiti", pay_ev_int(ev, "new_total"), pay_now(),
                        souk_site_id(r), pay_ev_int(ev, "order_id"));
}

/* order.<status>: the status, and nothing due once cancelled. */
static int
pay_ledger_status(souk_request_t *r, const cJSON *ev, void *data)
{
    const char  *to = pay_ev_str(ev, "to");

    (void) data;
    if (strcmp(to, "cancelled") == 0) {
        return souk_db_exec(souk_db(r), "UPDATE payment_ledger SET status = "
                            "?, due = 0, updated_at = ? WHERE site_id = ? AND "
                            "order_id = ?", "titi", to, pay_now(),
                            souk_site_id(r), pay_ev_int(ev, "order_id"));
    }
    return souk_db_exec(souk_db(r), "UPDATE payment_ledger SET status = ?, "
                        "updated_at = ? WHERE site_id = ? AND order_id = ?",
                        "titi", to, pay_now(), souk_site_id(r),
                        pay_ev_int(ev, "order_id"));
}

int
pay_ledger_init(souk_plugin_ctx_t *ctx)
{
    static const char *const  names[] = {
        "order.pending_payment", "order.paid", "order.picking",
        "order.packed", "order.shipped", "order.delivered",
        "order.completed", "order.on_hold", "order.cancelled", NULL
    };
    size_t  i;

    if (souk_action_add(ctx, "order.placed", pay_ledger_placed, NULL,
                        SOUK_PRIO_EARLY) != SOUK_OK
        || souk_action_add(ctx, "order.changed", pay_ledger_changed, NULL,
                           SOUK_PRIO_EARLY) != SOUK_OK)
    {
        return SOUK_ERROR;
    }
    for (i = 0; names[i] != NULL; i++) {
        if (souk_action_add(ctx, names[i], pay_ledger_status, NULL,
                            SOUK_PRIO_EARLY) != SOUK_OK)
        {
            return SOUK_ERROR;
        }
    }
    return SOUK_OK;
}

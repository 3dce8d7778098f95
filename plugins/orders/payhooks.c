/* What the orders plugin hears from payments, and what it tells them:
 * money received moves an order to paid, money given back fires
 * order.refunded, and order.summary answers a payments plugin that must
 * not read the orders table itself. */
#include <stdio.h>
#include <string.h>

#include "orders.h"

static int64_t
ord_ev_int(const cJSON *ev, const char *key)
{
    int64_t  v = 0;

    if (souk_json_int(cJSON_GetObjectItemCaseSensitive(ev, key), 0,
                      INT64_MAX / 4, &v) != SOUK_OK)
    {
        return -1;
    }
    return v;
}

static const char *
ord_ev_str(const cJSON *ev, const char *key)
{
    const char  *s = cJSON_GetStringValue(
        cJSON_GetObjectItemCaseSensitive(ev, key));

    return s != NULL ? s : "";
}

/* payment.received: inside the payments plugin's transaction. The order
 * is paid once what came in covers the total; a part payment (a bank
 * transfer in instalments) only shows on the timeline. */
static int
ord_on_payment_received(souk_request_t *r, const cJSON *ev, void *data)
{
    int64_t      order_id = ord_ev_int(ev, "order_id");
    int64_t      amount = ord_ev_int(ev, "amount");
    ord_head_t   h;
    char         note[200], money[48], why[ORD_WHY];
    int          rc;

    (void) data;
    if (order_id <= 0 || amount < 0) {
        souk_log(r, SOUK_LOG_ERROR, "payment.received without order_id or "
                 "amount");
        return SOUK_ERROR;
    }
    if ((rc = ord_head_load(r, order_id, &h)) != SOUK_OK) {
        return rc == SOUK_DECLINED ? SOUK_OK : SOUK_ERROR;
    }
    if (souk_db_exec(souk_db(r), "UPDATE orders SET paid_amount = "
                     "paid_amount + ?, updated_at = ? WHERE id = ? AND "
                     "site_id = ?", "iiit", amount, ord_now(), order_id,
                     souk_site_id(r)) != SOUK_OK)
    {
        return SOUK_ERROR;
    }
    souk_money_format(money, sizeof(money), amount, h.currency);
    snprintf(note, sizeof(note), "%s %s received (%s)", money, h.currency,
             ord_ev_str(ev, "method"));
    if (ord_event_add(r, order_id, "payment", NULL, NULL, note, 0, 1)
        != SOUK_OK)
    {
        return SOUK_ERROR;
    }
    if (strcmp(h.status, "pending_payment") == 0
        && h.paid_amount + amount >= h.total
        && strcmp(h.pay_timing, "on_delivery") != 0)
    {
        rc = ord_transition(r, order_id, "paid", "paid", 0, 1, why,
                            sizeof(why));
        if (rc == SOUK_ERROR) {
            return SOUK_ERROR;
        }
    }
    return SOUK_OK;
}

/* payment.refunded: lowers what the order has been paid and tells the
 * rest of the shop through order.refunded. */
static int
ord_on_payment_refunded(souk_request_t *r, const cJSON *ev, void *data)
{
    int64_t      order_id = ord_ev_int(ev, "order_id");
    int64_t      amount = ord_ev_int(ev, "amount");
    ord_head_t   h;
    cJSON       *out;
    char         note[700], money[48];
    int          rc;

    (void) data;
    if (order_id <= 0 || amount <= 0) {
        souk_log(r, SOUK_LOG_ERROR, "payment.refunded without order_id or "
                 "amount");
        return SOUK_ERROR;
    }
    if ((rc = ord_head_load(r, order_id, &h)) != SOUK_OK) {
        return rc == SOUK_DECLINED ? SOUK_OK : SOUK_ERROR;
    }
    if (souk_db_exec(souk_db(r), "UPDATE orders SET paid_amount = CASE WHEN "
                     "paid_amount > ? THEN paid_amount - ? ELSE 0 END, "
                     "updated_at = ? WHERE id = ? AND site_id = ?", "iiiit",
                     amount, amount, ord_now(), order_id, souk_site_id(r))
        != SOUK_OK)
    {
        return SOUK_ERROR;
    }
    souk_money_format(money, sizeof(money), amount, h.currency);
    snprintf(note, sizeof(note), "%s %s refunded: %s", money, h.currency,
             ord_ev_str(ev, "reason"));
    if (ord_event_add(r, order_id, "refund", NULL, NULL, note,
                      ord_ev_int(ev, "actor") > 0 ? ord_ev_int(ev, "actor")
                                                  : 0, 1) != SOUK_OK)
    {
        return SOUK_ERROR;
    }
    if ((out = cJSON_CreateObject()) == NULL) {
        return SOUK_ERROR;
    }
    cJSON_AddNumberToObject(out, "order_id", (double) order_id);
    cJSON_AddStringToObject(out, "number", h.number);
    cJSON_AddStringToObject(out, "site", h.site);
    cJSON_AddNumberToObject(out, "amount", (double) amount);
    cJSON_AddNumberToObject(out, "refunded",
                            (double) (ord_ev_int(ev, "refunded") > 0
                                      ? ord_ev_int(ev, "refunded") : amount));
    cJSON_AddStringToObject(out, "currency", h.currency);
    cJSON_AddStringToObject(out, "reason", ord_ev_str(ev, "reason"));
    cJSON_AddNumberToObject(out, "actor",
                            (double) (ord_ev_int(ev, "actor") > 0
                                      ? ord_ev_int(ev, "actor") : 0));
    cJSON_AddStringToObject(out, "method", ord_ev_str(ev, "method"));
    rc = souk_action_run(r, "order.refunded", out);
    cJSON_Delete(out);
    return rc;
}

/* order.summary: {"number"} or {"order_id"} in, the order's payment facts
 * out; nothing added when this site has no such order. */
static int
ord_on_summary(souk_request_t *r, cJSON *v, void *data)
{
    int64_t       id = ord_ev_int(v, "order_id");
    souk_stmt_t  *st;

    (void) data;
    if (id <= 0) {
        id = ord_id_by_number(r, ord_ev_str(v, "number"));
        if (id < 0) {
            return SOUK_ERROR;
        }
    }
    if (id <= 0) {
        return SOUK_OK;
    }
    st = souk_db_row(souk_db(r), "SELECT id, number, status, total, "
                     "paid_amount, currency, email, payment_method, "
                     "pay_timing, user_id FROM orders WHERE id = ? AND "
                     "site_id = ?", "it", id, souk_site_id(r));
    if (st == NULL) {
        return souk_db_error(souk_db(r))[0] == '\0' ? SOUK_OK : SOUK_ERROR;
    }
    cJSON_DeleteItemFromObjectCaseSensitive(v, "order_id");
    cJSON_DeleteItemFromObjectCaseSensitive(v, "number");
    cJSON_AddNumberToObject(v, "order_id", (double) souk_stmt_int(st, 0));
    cJSON_AddStringToObject(v, "number", souk_stmt_text(st, 1));
    cJSON_AddStringToObject(v, "status", souk_stmt_text(st, 2));
    cJSON_AddNumberToObject(v, "total", (double) souk_stmt_int(st, 3));
    cJSON_AddNumberToObject(v, "paid_amount", (double) souk_stmt_int(st, 4));
    cJSON_AddStringToObject(v, "currency", souk_stmt_text(st, 5));
    cJSON_AddStringToObject(v, "email", souk_stmt_text(st, 6));
    cJSON_AddStringToObject(v, "payment_method", souk_stmt_text(st, 7));
    cJSON_AddStringToObject(v, "pay_timing", souk_stmt_text(st, 8));
    cJSON_AddNumberToObject(v, "user_id", (double) souk_stmt_int(st, 9));
    souk_stmt_reset(st);
    return SOUK_OK;
}

int
ord_payhooks_init(souk_plugin_ctx_t *ctx)
{
    if (souk_action_add(ctx, "payment.received", ord_on_payment_received,
                        NULL, SOUK_PRIO_MIDDLE) != SOUK_OK
        || souk_action_add(ctx, "payment.refunded", ord_on_payment_refunded,
                           NULL, SOUK_PRIO_MIDDLE) != SOUK_OK
        || souk_filter_add(ctx, "order.summary", ord_on_summary, NULL,
                           SOUK_PRIO_FIRST) != SOUK_OK)
    {
        return SOUK_ERROR;
    }
    return SOUK_OK;
}

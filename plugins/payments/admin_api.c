/* The staff JSON API on payments: an order's payments with their events,
 * refunds, and the reconciliation (bearer token, or session plus
 * X-CSRF-Token; the core checks the route's permission). */
#include <stdio.h>

#include "admin.h"

int
pay_api_payments(souk_request_t *r, void *data)
{
    cJSON    *o, *list, *m;
    int64_t   oid = 0;
    int       err;

    (void) data;
    if ((o = pay_admin_order(r, souk_request_param(r, "number"), &err))
        == NULL)
    {
        return err ? SOUK_ERROR : souk_error(r, 404, "no such order");
    }
    souk_json_int(cJSON_GetObjectItemCaseSensitive(o, "order_id"), 1,
                  INT64_MAX, &oid);
    if ((list = pay_list_for_order(r, oid, 1)) == NULL) {
        return SOUK_ERROR;
    }
    m = souk_view_new(r, "payments_staff_list");
    cJSON_AddStringToObject(m, "number", souk_request_param(r, "number"));
    cJSON_AddItemToObject(m, "payments", list);
    return 200;
}

/* What the refund row says after pay_refund: its state and why. */
static int
pay_api_refund_row(souk_request_t *r, int64_t refund_id, char *state,
    size_t statelen)
{
    souk_stmt_t  *st;

    st = souk_db_row(souk_db(r), "SELECT state FROM payment_refunds WHERE "
                     "id = ? AND site_id = ?", "it", refund_id,
                     souk_site_id(r));
    if (st == NULL) {
        return SOUK_DECLINED;
    }
    snprintf(state, statelen, "%s", souk_stmt_text(st, 0));
    souk_stmt_reset(st);
    return SOUK_OK;
}

/* Reads {"amount": minor > 0, "reason": text}; 0 when fine, else the
 * status answered. */
static int
pay_api_refund_body(souk_request_t *r, int64_t *amount, const char **reason)
{
    const cJSON  *j = souk_request_json(r);
    const cJSON  *a, *why;

    if (!cJSON_IsObject(j)) {
        return souk_error(r, 400, "send a JSON object "
                          "(Content-Type: application/json)");
    }
    a = cJSON_GetObjectItemCaseSensitive(j, "amount");
    if (!cJSON_IsNumber(a)
        || souk_json_int(a, 1, INT64_MAX / 4, amount) != SOUK_OK)
    {
        return souk_error(r, 400, "amount is a positive whole number of "
                          "minor units (1250 for 12.50)");
    }
    why = cJSON_GetObjectItemCaseSensitive(j, "reason");
    *reason = cJSON_IsString(why)
              ? pay_admin_clean(r, why->valuestring, PAY_REASON_MAX) : NULL;
    if (*reason == NULL || (*reason)[0] == '\0') {
        return souk_error(r, 400, "reason is required: text of at most %d "
                          "characters, one line", PAY_REASON_MAX);
    }
    return 0;
}

/* The refund that was asked for, and the payment after it. */
static int
pay_api_refund_done(souk_request_t *r, int64_t id, int64_t refund_id,
    int64_t amount, const char *state)
{
    cJSON  *m, *o;
    pay_t   p;

    if (pay_load(r, id, 0, &p) != SOUK_OK) {
        return SOUK_ERROR;
    }
    m = souk_view_new(r, "payments_staff_refund");
    o = cJSON_AddObjectToObject(m, "refund");
    cJSON_AddNumberToObject(o, "id", (double) refund_id);
    cJSON_AddNumberToObject(o, "amount", (double) amount);
    cJSON_AddStringToObject(o, "currency", p.currency);
    cJSON_AddStringToObject(o, "state", state);
    cJSON_AddItemToObject(m, "payment", pay_json(r, &p));
    return 201;
}

int
pay_api_refund(souk_request_t *r, void *data)
{
    const char  *reason = NULL;
    char         why[PAY_WHY] = "", state[16] = "";
    pay_t        p;
    int64_t      id, amount = 0, refund_id = 0;
    int          rc;

    (void) data;
    if (souk_int_parse(souk_request_param(r, "id"), 1, INT64_MAX, &id)
        != SOUK_OK || (rc = pay_load(r, id, 0, &p)) == SOUK_DECLINED)
    {
        return souk_error(r, 404, "no such payment");
    }
    if (rc != SOUK_OK) {
        return SOUK_ERROR;
    }
    if ((rc = pay_api_refund_body(r, &amount, &reason)) != 0) {
        return rc;
    }
    rc = pay_refund(r, id, amount, reason, souk_user_id(r), &refund_id, why,
                    sizeof(why));
    if (refund_id > 0
        && pay_api_refund_row(r, refund_id, state, sizeof(state)) != SOUK_OK)
    {
        return SOUK_ERROR;
    }
    if (rc == SOUK_OK) {
        return pay_api_refund_done(r, id, refund_id, amount, state);
    }
    if (rc == SOUK_DECLINED && refund_id == 0) {
        /* refused before asking anyone: too much, or nothing captured */
        return souk_error(r, 422, "%s", why[0] != '\0' ? why
                          : "the refund was refused");
    }
    if (rc == SOUK_DECLINED) {
        return souk_error(r, 502, "the payment provider refused the "
                          "refund: %s", why[0] != '\0' ? why : "no reason "
                          "given");
    }
    if (refund_id > 0) {
        return souk_error(r, 502, "the payment provider could not be "
                          "reached: refund %lld is %s and will be retried",
                          (long long) refund_id, state);
    }
    return SOUK_ERROR;
}

int
pay_api_recon(souk_request_t *r, void *data)
{
    pay_recon_filter_t  f;
    char                why[PAY_WHY] = "";
    cJSON              *res, *m, *e;

    (void) data;
    if (pay_recon_filter(r, &f, why, sizeof(why)) != SOUK_OK) {
        return souk_error(r, 400, "%s", why);
    }
    if ((res = pay_recon_list(r, &f)) == NULL) {
        return SOUK_ERROR;
    }
    m = souk_view_new(r, "payments_staff_reconciliation");
    cJSON_AddStringToObject(m, "show", f.all ? "all" : "differences");
    cJSON_ArrayForEach(e, res) {
        cJSON_AddItemToObject(m, e->string, cJSON_Duplicate(e, 1));
    }
    return 200;
}

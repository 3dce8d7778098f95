/* One order's payments for staff: every payment with its events, and the
 * forms that refund, record a bank transfer received and send a payment
 * link; plus the compact box on orders' own staff order page. */
#include <string.h>

#include "admin.h"

static int64_t
pay_bo_int(const cJSON *o, const char *key)
{
    int64_t  v = 0;

    if (souk_json_int(cJSON_GetObjectItemCaseSensitive(o, key), INT64_MIN,
                      INT64_MAX, &v) != SOUK_OK)
    {
        return 0;
    }
    return v;
}

static const char *
pay_bo_str(const cJSON *o, const char *key)
{
    const char  *s = cJSON_GetStringValue(
        cJSON_GetObjectItemCaseSensitive(o, key));

    return s != NULL ? s : "";
}

/* The order's payments, newest first, with events when asked, owned by
 * the request; NULL on error. */
static cJSON *
pay_bo_payments(souk_request_t *r, int64_t order_id, int with_events)
{
    cJSON  *list = pay_list_for_order(r, order_id, with_events);

    if (list == NULL) {
        return NULL;
    }
    return souk_pool_json(souk_request_pool(r), list);
}

/* The facts of the order the page heads with. */
static cJSON *
pay_bo_order_facts(souk_request_t *r, const cJSON *o)
{
    cJSON       *f = cJSON_CreateObject();
    const char  *cur = pay_bo_str(o, "currency");
    int64_t      total = pay_bo_int(o, "total");
    int64_t      paid = pay_bo_int(o, "paid_amount");
    const char  *status = pay_bo_str(o, "status");

    cJSON_AddNumberToObject(f, "id", (double) pay_bo_int(o, "order_id"));
    cJSON_AddStringToObject(f, "number", pay_bo_str(o, "number"));
    cJSON_AddStringToObject(f, "status", status);
    cJSON_AddStringToObject(f, "email", pay_bo_str(o, "email"));
    cJSON_AddStringToObject(f, "payment_method",
                            pay_bo_str(o, "payment_method"));
    cJSON_AddStringToObject(f, "currency", cur);
    pay_admin_money_add(f, "total", total, cur);
    pay_admin_money_add(f, "paid_amount", paid, cur);
    pay_admin_money_add(f, "outstanding", total > paid ? total - paid : 0,
                        cur);
    cJSON_AddStringToObject(f, "outstanding_text", pay_admin_money(r,
        total > paid ? total - paid : 0, cur));
    /* a link makes sense while money is still due on a live order */
    cJSON_AddBoolToObject(f, "unpaid", paid < total
                          && strcmp(status, "cancelled") != 0);
    cJSON_AddStringToObject(f, "orders_href", pay_admin_url(r,
        souk_psprintf(souk_request_pool(r), "/admin/orders/%s",
                      pay_bo_str(o, "number"))));
    return f;
}

static void
pay_bo_actions(souk_request_t *r, cJSON *list)
{
    cJSON    *p;
    int64_t   id;

    cJSON_ArrayForEach(p, list) {
        id = pay_bo_int(p, "id");
        cJSON_AddStringToObject(p, "refund_action", pay_admin_url(r,
            souk_psprintf(souk_request_pool(r), "/admin/payments/%lld/"
                          "refund", (long long) id)));
        cJSON_AddStringToObject(p, "receive_action", pay_admin_url(r,
            souk_psprintf(souk_request_pool(r), "/admin/payments/%lld/"
                          "receive", (long long) id)));
    }
}

/* The page; status and error when a form was refused. */
static int
pay_bo_render(souk_request_t *r, const char *number, int status,
    const char *error)
{
    cJSON   *o, *m, *facts, *list;
    int64_t  oid;
    int      err;

    if ((o = pay_admin_order(r, number, &err)) == NULL) {
        return err ? SOUK_ERROR : souk_error(r, 404, "there is no such "
                                             "order");
    }
    oid = pay_bo_int(o, "order_id");
    if ((list = pay_bo_payments(r, oid, 1)) == NULL) {
        return SOUK_ERROR;
    }
    m = pay_admin_page(r, "admin_payments_order", souk_psprintf(
        souk_request_pool(r), "Payments of order %s", number));
    souk_ui_crumb(m, number, NULL);
    if (error != NULL) {
        souk_ui_flash(m, "error", error);
    }
    facts = pay_bo_order_facts(r, o);
    cJSON_AddItemToObject(m, "order", facts);
    list = cJSON_Duplicate(list, 1);
    pay_admin_decorate(r, list);
    pay_bo_actions(r, list);
    cJSON_AddItemToObject(m, "payments", list);
    cJSON_AddBoolToObject(m, "has_payments", cJSON_GetArraySize(list) > 0);
    cJSON_AddStringToObject(m, "link_action", pay_admin_url(r,
        souk_psprintf(souk_request_pool(r), "/admin/payments/orders/%s/link",
                      number)));
    cJSON_AddBoolToObject(m, "can_refund", souk_user_can(r,
                                                         "payments.refund"));
    cJSON_AddBoolToObject(m, "can_record", souk_user_can(r,
                                                         "payments.record"));
    return status;
}

int
pay_bo_order(souk_request_t *r, void *data)
{
    int  rc;

    (void) data;
    if ((rc = souk_ui_guard(r, NULL, "payments.view")) != 0) {
        return rc;
    }
    return pay_bo_render(r, souk_request_param(r, "number"), 200, NULL);
}

int
pay_bo_refund(souk_request_t *r, void *data)
{
    const char  *reason, *back;
    char         why[PAY_WHY] = "";
    pay_t        p;
    int64_t      id, amount, refund_id = 0;
    int          rc;

    (void) data;
    if ((rc = souk_ui_guard(r, NULL, "payments.refund")) != 0) {
        return rc;
    }
    if (souk_int_parse(souk_request_param(r, "id"), 1, INT64_MAX, &id)
        != SOUK_OK || (rc = pay_load(r, id, 0, &p)) == SOUK_DECLINED)
    {
        return souk_error(r, 404, "there is no such payment");
    }
    if (rc != SOUK_OK) {
        return SOUK_ERROR;
    }
    if (souk_money_parse(souk_request_form(r, "amount"), p.currency, &amount)
        != SOUK_OK || amount <= 0)
    {
        return pay_bo_render(r, p.order_number, 400, "Amount: a positive "
                             "sum like 12.50");
    }
    reason = pay_admin_clean(r, souk_request_form(r, "reason"),
                             PAY_REASON_MAX);
    if (reason == NULL || reason[0] == '\0') {
        return pay_bo_render(r, p.order_number, 400, "Reason: say why "
                             "(at most 500 characters, one line)");
    }
    rc = pay_refund(r, id, amount, reason, souk_user_id(r), &refund_id, why,
                    sizeof(why));
    if (rc == SOUK_OK) {
        souk_ui_flash_next(r, "ok", souk_psprintf(souk_request_pool(r),
            "Refunded %s %s", pay_admin_money(r, amount, p.currency),
            p.currency));
    } else if (rc == SOUK_DECLINED) {
        souk_ui_flash_next(r, "error", why[0] != '\0' ? why
                           : "The refund was refused");
    } else if (refund_id > 0) {
        /* asked for but unanswered: the refunds job finishes it */
        souk_ui_flash_next(r, "error", "The payment provider could not be "
                           "reached: the refund is pending and will be "
                           "retried");
    } else {
        return SOUK_ERROR;
    }
    back = pay_admin_url(r, souk_psprintf(souk_request_pool(r),
                         "/admin/payments/orders/%s", p.order_number));
    return souk_redirect(r, 303, back);
}

/* ---------- the box on orders' staff order page ---------- */

static void
pay_slot_row(souk_request_t *r, souk_buf_t *out, const cJSON *p)
{
    const char  *cur = pay_bo_str(p, "currency");
    const char  *flag = pay_bo_str(p, "flag");

    souk_buf_printf(out, "<li data-payment=\"%lld\" data-state=\"",
                    (long long) pay_bo_int(p, "id"));
    souk_buf_append_html(out, pay_bo_str(p, "state"));
    souk_buf_puts(out, "\">");
    souk_buf_append_html(out, pay_bo_str(p, "method_name"));
    souk_buf_puts(out, ": ");
    souk_buf_append_html(out, pay_bo_str(p, "state"));
    souk_buf_puts(out, ", ");
    souk_buf_append_html(out, pay_admin_money(r, pay_bo_int(p, "amount"),
                                              cur));
    souk_buf_puts(out, " ");
    souk_buf_append_html(out, cur);
    souk_buf_puts(out, " (captured ");
    souk_buf_append_html(out, pay_admin_money(r, pay_bo_int(p, "captured"),
                                              cur));
    souk_buf_puts(out, ", refunded ");
    souk_buf_append_html(out, pay_admin_money(r, pay_bo_int(p, "refunded"),
                                              cur));
    souk_buf_puts(out, ")");
    if (flag[0] != '\0') {
        souk_buf_puts(out, " <strong class=\"payment-flag\">");
        souk_buf_append_html(out, flag);
        souk_buf_puts(out, "</strong>");
    }
    souk_buf_puts(out, "</li>\n");
}

int
pay_slot_order(souk_request_t *r, souk_buf_t *out, const cJSON *model,
    void *data)
{
    const cJSON  *o = cJSON_GetObjectItemCaseSensitive(model, "order");
    const cJSON  *p;
    cJSON        *list;
    int64_t       oid;

    (void) data;
    if (souk_user_id(r) == 0 || !souk_user_can(r, "payments.view")) {
        return SOUK_OK;
    }
    if (o == NULL) {
        o = model;                  /* the order document itself */
    }
    if ((oid = pay_bo_int(o, "id")) <= 0) {
        return SOUK_OK;
    }
    if ((list = pay_bo_payments(r, oid, 0)) == NULL) {
        return SOUK_ERROR;
    }
    souk_buf_puts(out, "<section class=\"order-payments\" id=\"order-"
                  "payments\" aria-labelledby=\"op-title\">\n<h2 "
                  "id=\"op-title\">Payments</h2>\n<ul>\n");
    cJSON_ArrayForEach(p, list) {
        pay_slot_row(r, out, p);
    }
    if (cJSON_GetArraySize(list) == 0) {
        souk_buf_puts(out, "<li>None yet.</li>\n");
    }
    souk_buf_puts(out, "</ul>\n<p><a href=\"");
    souk_buf_append_html(out, pay_admin_url(r, souk_psprintf(
        souk_request_pool(r), "/admin/payments/orders/%s",
        pay_bo_str(o, "number"))));
    souk_buf_puts(out, "\">Payments, events and refunds</a></p>\n"
                  "</section>\n");
    return SOUK_OK;
}

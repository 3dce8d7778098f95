/* The shopper's side of a payment link: GET /pay/TOKEN shows what is due
 * and the site's off-site methods, POST starts the payment and sends the
 * shopper to the hosted page. No login: the token is the key. */
#include <stdio.h>
#include <string.h>

#include "pay.h"


typedef struct {
    int64_t  id;
    int64_t  order_id;
    int64_t  amount;
    int64_t  expires_at;
    char     number[16];
    char     currency[4];
    char     email[321];
    char     state[12];
    char     note[501];
    /* from the order, now */
    int64_t  due;               /* what the link asks now: capped by due */
    int      paid;              /* the link or the order is paid */
} pay_link_t;

/* The link of the route's token on this site, checked against its order.
 * SOUK_DECLINED for an unknown, expired or cancelled link or order (all
 * the same 404: a guessed token learns nothing). */
static int
pay_link_find(souk_request_t *r, pay_link_t *l)
{
    souk_db_t     *db = souk_db(r);
    souk_stmt_t   *st;
    cJSON         *o = NULL;
    const cJSON   *s;
    char           hash[65];
    int64_t        due;
    int            rc;

    memset(l, 0, sizeof(*l));
    pay_hash_hex(souk_request_param(r, "token"), hash);
    st = souk_db_row(db, "SELECT id, order_id, amount, expires_at, "
                     "order_number, currency, email, state, note FROM "
                     "payment_links WHERE site_id = ? AND token_hash = ?",
                     "tt", souk_site_id(r), hash);
    if (st == NULL) {
        return souk_db_error(db)[0] == '\0' ? SOUK_DECLINED : SOUK_ERROR;
    }
    l->id = souk_stmt_int(st, 0);
    l->order_id = souk_stmt_int(st, 1);
    l->amount = souk_stmt_int(st, 2);
    l->expires_at = souk_stmt_int(st, 3);
    snprintf(l->number, sizeof(l->number), "%s", souk_stmt_text(st, 4));
    snprintf(l->currency, sizeof(l->currency), "%s", souk_stmt_text(st, 5));
    snprintf(l->email, sizeof(l->email), "%s", souk_stmt_text(st, 6));
    snprintf(l->state, sizeof(l->state), "%s", souk_stmt_text(st, 7));
    snprintf(l->note, sizeof(l->note), "%s", souk_stmt_text(st, 8));
    souk_stmt_reset(st);
    if (strcmp(l->state, "cancelled") == 0 || l->expires_at < pay_now()) {
        return SOUK_DECLINED;
    }
    if ((rc = pay_order_summary(r, l->order_id, NULL, &o)) != SOUK_OK) {
        return rc;
    }
    s = cJSON_GetObjectItemCaseSensitive(o, "status");
    due = (int64_t) cJSON_GetNumberValue(cJSON_GetObjectItem(o, "total"))
          - (int64_t) cJSON_GetNumberValue(cJSON_GetObjectItem(o,
                                           "paid_amount"));
    rc = strcmp(s->valuestring, "cancelled") == 0 ? SOUK_DECLINED : SOUK_OK;
    cJSON_Delete(o);
    l->paid = strcmp(l->state, "paid") == 0 || due <= 0;
    l->due = l->amount < due ? l->amount : due;
    return rc;
}

static cJSON *
pay_link_money_json(int64_t amount, const char *cur)
{
    cJSON  *m = cJSON_CreateObject();

    cJSON_AddNumberToObject(m, "amount", (double) amount);
    cJSON_AddStringToObject(m, "currency", cur);
    return m;
}

/* The site's methods a shopper can pay a link with: those with a hosted
 * page (an offline method needs no link). */
static cJSON *
pay_link_methods(souk_request_t *r)
{
    const souk_pay_provider_t  *p;
    cJSON                      *a = cJSON_CreateArray(), *m;
    size_t                      i;

    for (i = 0; (p = souk_pay_provider_at(r, i)) != NULL; i++) {
        if (!p->offsite || !pay_method_enabled(r, p->method)) {
            continue;
        }
        m = cJSON_CreateObject();
        cJSON_AddStringToObject(m, "code", p->method);
        cJSON_AddStringToObject(m, "name", pay_method_name(r, p->method));
        cJSON_AddBoolToObject(m, "first", cJSON_GetArraySize(a) == 0);
        cJSON_AddItemToArray(a, m);
    }
    return a;
}

static int
pay_link_render(souk_request_t *r, const pay_link_t *l, int status,
    const char *error)
{
    cJSON       *m = souk_view_new(r, "pay_link");
    cJSON       *methods = pay_link_methods(r);
    const char  *shop = souk_setting(r, "shop.name");

    cJSON_AddStringToObject(m, "title", l->paid ? "Already paid"
                            : "Pay your order");
    cJSON_AddStringToObject(m, "shop", shop != NULL ? shop : "");
    cJSON_AddStringToObject(m, "number", l->number);
    cJSON_AddBoolToObject(m, "paid", l->paid);
    cJSON_AddItemToObject(m, "amount", pay_link_money_json(l->due,
                                                           l->currency));
    cJSON_AddStringToObject(m, "note", l->note);
    cJSON_AddBoolToObject(m, "has_methods", cJSON_GetArraySize(methods) > 0);
    cJSON_AddItemToObject(m, "methods", methods);
    cJSON_AddStringToObject(m, "action", souk_psprintf(souk_request_pool(r),
                            "%s/pay/%s", souk_site_base_path(r),
                            souk_request_param(r, "token")));
    cJSON_AddStringToObject(m, "order_href", souk_psprintf(
                            souk_request_pool(r), "%s/orders/%s",
                            souk_site_base_path(r), l->number));
    if (!l->paid) {
        cJSON_AddStringToObject(m, "csrf_token", souk_csrf_token(r));
    }
    if (error != NULL) {
        cJSON_AddStringToObject(m, "error", error);
    }
    return status;
}

static int
pay_link_show(souk_request_t *r, void *data)
{
    pay_link_t  l;
    int         rc;

    (void) data;
    rc = pay_link_find(r, &l);
    if (rc == SOUK_DECLINED) {
        return souk_error(r, 404, "This payment link is not valid: it may "
                          "have expired. Ask the shop for a new one.");
    }
    if (rc != SOUK_OK) {
        return SOUK_ERROR;
    }
    return pay_link_render(r, &l, 200, NULL);
}

/* Non-zero when method is one the page offers. */
static int
pay_link_method_ok(souk_request_t *r, const char *method)
{
    const souk_pay_provider_t  *p;

    if (method == NULL || (p = souk_pay_provider(r, method)) == NULL) {
        return 0;
    }
    return p->offsite && pay_method_enabled(r, method);
}

/* POST /pay/TOKEN method=card: a payment for what the link asks (never
 * more than the order still owes), begun outside any transaction (the
 * gateway is called), then the link remembers it. */
static int
pay_link_pay(souk_request_t *r, void *data)
{
    const char  *method = souk_request_form(r, "method");
    char         why[PAY_WHY] = "", redirect[1024] = "";
    pay_link_t   l;
    pay_t        p;
    int          rc;

    (void) data;
    memset(&p, 0, sizeof(p));
    rc = pay_link_find(r, &l);
    if (rc == SOUK_DECLINED) {
        return souk_error(r, 404, "This payment link is not valid: it may "
                          "have expired. Ask the shop for a new one.");
    }
    if (rc != SOUK_OK) {
        return SOUK_ERROR;
    }
    if (l.paid) {
        return pay_link_render(r, &l, 409, "This order is paid already.");
    }
    if (!pay_link_method_ok(r, method)) {
        return pay_link_render(r, &l, 422, "Choose one of the payment "
                               "methods below.");
    }
    rc = pay_begin(r, l.order_id, l.number, method, l.due, l.currency,
                   l.email, &p, redirect, sizeof(redirect), why,
                   sizeof(why));
    if (rc == SOUK_ERROR) {
        return SOUK_ERROR;
    }
    if (p.id > 0
        && souk_db_exec(souk_db(r), "UPDATE payment_links SET payment_id = "
                        "? WHERE id = ? AND site_id = ?", "iit", p.id, l.id,
                        souk_site_id(r)) != SOUK_OK)
    {
        return SOUK_ERROR;
    }
    /* a refusal goes to the engine's return page, which says so and
     * offers to try again */
    if (redirect[0] == '\0') {
        return pay_link_render(r, &l, 502, why[0] != '\0' ? why
                               : "The payment could not be started: try "
                                 "again in a moment.");
    }
    /* the hosted page is another origin: see souk_redirect_offsite */
    if (strncmp(redirect, "http", 4) == 0) {
        return souk_redirect_offsite(r, redirect);
    }
    return souk_redirect(r, 303, redirect);
}

int
pay_link_page_init(souk_plugin_ctx_t *ctx)
{
    if (souk_route_add(ctx, SOUK_GET, "/pay/{token:[0-9a-f]{48}}",
                       pay_link_show, NULL) != SOUK_OK
        || souk_route_name(ctx, "payments.link") != SOUK_OK
        || souk_route_add(ctx, SOUK_POST, "/pay/{token:[0-9a-f]{48}}",
                          pay_link_pay, NULL) != SOUK_OK)
    {
        return SOUK_ERROR;
    }
    return SOUK_OK;
}

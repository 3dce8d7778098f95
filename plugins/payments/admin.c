/* The payments back office: its routes (pages and the staff JSON API),
 * the menu entry, the dashboard panel, and the helpers its pages share. */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "admin.h"

typedef struct {
    unsigned         methods;
    const char      *pattern;
    souk_handler_pt  handler;
    const char      *perm;      /* the core checks it; handlers guard too */
    const char      *name;
} pay_route_t;

static const pay_route_t  pay_admin_routes[] = {
    /* the back office: handlers guard (303 to the log-in for browsers) */
    { SOUK_GET, "/admin/payments", pay_bo_recon, NULL,
      "payments.admin_recon" },
    { SOUK_GET, "/admin/payments/settings", pay_bo_settings, NULL,
      "payments.admin_settings" },
    { SOUK_POST, "/admin/payments/settings", pay_bo_settings_save, NULL,
      NULL },
    { SOUK_GET, "/admin/payments/orders/" PAY_NUMBER_RE, pay_bo_order, NULL,
      "payments.admin_order" },
    { SOUK_POST, "/admin/payments/" PAY_ID_RE "/refund", pay_bo_refund,
      NULL, NULL },
    /* the staff API: the core answers 401/403 without the permission */
    { SOUK_GET, "/api/v1/staff/orders/" PAY_NUMBER_RE "/payments",
      pay_api_payments, "payments.view", NULL },
    { SOUK_POST, "/api/v1/staff/payments/" PAY_ID_RE "/refunds",
      pay_api_refund, "payments.refund", NULL },
    { SOUK_GET, "/api/v1/staff/payments/reconciliation", pay_api_recon,
      "payments.view", NULL },
};

/* ---------- helpers the pages share ---------- */

const char *
pay_admin_url(souk_request_t *r, const char *path)
{
    return souk_psprintf(souk_request_pool(r), "%s%s",
                         souk_site_base_path(r), path);
}

cJSON *
pay_admin_page(souk_request_t *r, const char *tmpl, const char *heading)
{
    cJSON  *m = souk_ui_page(r, tmpl, heading);

    souk_ui_crumb(m, "Admin", pay_admin_url(r, "/admin"));
    souk_ui_crumb(m, "Payments", pay_admin_url(r, "/admin/payments"));
    return m;
}

const char *
pay_admin_money(souk_request_t *r, int64_t v, const char *cur)
{
    char  buf[48];

    if (souk_money_format(buf, sizeof(buf), v, cur) != SOUK_OK) {
        snprintf(buf, sizeof(buf), "%lld", (long long) v);
    }
    return souk_pstrdup(souk_request_pool(r), buf);
}

void
pay_admin_money_add(cJSON *o, const char *key, int64_t v, const char *cur)
{
    cJSON  *m = cJSON_AddObjectToObject(o, key);

    cJSON_AddNumberToObject(m, "amount", (double) v);
    cJSON_AddStringToObject(m, "currency", cur);
}

const char *
pay_admin_time(souk_request_t *r, int64_t t)
{
    char       buf[32];
    time_t     tt = (time_t) t;
    struct tm  tm;

    if (t <= 0 || gmtime_r(&tt, &tm) == NULL) {
        return "";
    }
    strftime(buf, sizeof(buf), "%Y-%m-%d %H:%M", &tm);
    return souk_pstrdup(souk_request_pool(r), buf);
}

const char *
pay_admin_clean(souk_request_t *r, const char *s, size_t max)
{
    const char  *e;
    size_t       i, n;

    if (s == NULL) {
        return "";
    }
    while (*s == ' ' || *s == '\t' || *s == '\r' || *s == '\n') {
        s++;
    }
    n = strlen(s);
    e = s + n;
    while (e > s && (e[-1] == ' ' || e[-1] == '\t' || e[-1] == '\r'
                     || e[-1] == '\n'))
    {
        e--;
    }
    n = (size_t) (e - s);
    if (n > max) {
        return NULL;
    }
    for (i = 0; i < n; i++) {
        if ((unsigned char) s[i] < 0x20 || s[i] == 0x7f) {
            return NULL;
        }
    }
    return souk_pstrndup(souk_request_pool(r), s, n);
}

int64_t
pay_admin_date(const char *s)
{
    struct tm  tm;
    int        y, mo, d, n = 0;
    int64_t    t;

    if (s == NULL || s[0] == '\0') {
        return 0;
    }
    if (sscanf(s, "%4d-%2d-%2d%n", &y, &mo, &d, &n) != 3 || n != 10
        || s[10] != '\0' || y < 1970 || y > 9999 || mo < 1 || mo > 12
        || d < 1 || d > 31)
    {
        return -1;
    }
    memset(&tm, 0, sizeof(tm));
    tm.tm_year = y - 1900;
    tm.tm_mon = mo - 1;
    tm.tm_mday = d;
    t = (int64_t) timegm(&tm);
    /* timegm moves 31 February on to March: refuse what it changed */
    return tm.tm_mday == d && tm.tm_mon == mo - 1 ? t : -1;
}

cJSON *
pay_admin_order(souk_request_t *r, const char *number, int *err)
{
    cJSON  *o = NULL;
    int     rc;

    *err = 0;
    if (number == NULL || number[0] == '\0') {
        return NULL;
    }
    rc = pay_order_summary(r, 0, number, &o);
    if (rc == SOUK_ERROR) {
        *err = 1;
    }
    if (rc != SOUK_OK) {
        cJSON_Delete(o);
        return NULL;
    }
    return souk_pool_json(souk_request_pool(r), o);
}

static int64_t
pay_admin_int(const cJSON *o, const char *key)
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
pay_admin_str(const cJSON *o, const char *key)
{
    const char  *s = cJSON_GetStringValue(
        cJSON_GetObjectItemCaseSensitive(o, key));

    return s != NULL ? s : "";
}

/* The first of keys that o has (the event rows' names may differ). */
static const cJSON *
pay_admin_any(const cJSON *o, const char *a, const char *b)
{
    const cJSON  *v = cJSON_GetObjectItemCaseSensitive(o, a);

    return v != NULL ? v : cJSON_GetObjectItemCaseSensitive(o, b);
}

static void
pay_admin_event(souk_request_t *r, cJSON *e, const char *cur)
{
    const cJSON  *v;
    int64_t       actor = pay_admin_int(e, "actor");
    int64_t       amount = pay_admin_int(e, "amount");
    const char   *email;

    v = pay_admin_any(e, "created_at", "at");
    cJSON_AddStringToObject(e, "at_text", pay_admin_time(r,
        (int64_t) cJSON_GetNumberValue(v)));
    v = pay_admin_any(e, "from_state", "from");
    cJSON_AddStringToObject(e, "from_text", cJSON_IsString(v)
                            ? v->valuestring : "");
    v = pay_admin_any(e, "to_state", "to");
    cJSON_AddStringToObject(e, "to_text", cJSON_IsString(v)
                            ? v->valuestring : "");
    cJSON_AddStringToObject(e, "amount_text", amount != 0
                            ? pay_admin_money(r, amount, cur) : "");
    email = actor > 0 ? souk_user_email(r, actor) : NULL;
    cJSON_AddStringToObject(e, "actor_text", email != NULL ? email
                            : actor > 0 ? "staff" : "system");
}

void
pay_admin_decorate(souk_request_t *r, cJSON *list)
{
    cJSON       *p, *e;
    const char  *cur;

    cJSON_ArrayForEach(p, list) {
        cur = pay_admin_str(p, "currency");
        cJSON_AddStringToObject(p, "created_text", pay_admin_time(r,
            pay_admin_int(p, "created_at")));
        cJSON_AddStringToObject(p, "refundable_text", pay_admin_money(r,
            pay_admin_int(p, "refundable"), cur));
        cJSON_AddBoolToObject(p, "can_refund_now",
                              pay_admin_int(p, "refundable") > 0);
        cJSON_AddBoolToObject(p, "open_bank_transfer",
            strcmp(pay_admin_str(p, "method"), "bank_transfer") == 0
            && strcmp(pay_admin_str(p, "state"), SOUK_PAY_PENDING) == 0);
        cJSON_AddBoolToObject(p, "flagged",
                              pay_admin_str(p, "flag")[0] != '\0');
        cJSON_ArrayForEach(e, cJSON_GetObjectItemCaseSensitive(p, "events")) {
            pay_admin_event(r, e, cur);
        }
    }
}

/* ---------- the menu and the dashboard ---------- */

static void
pay_nav_item(souk_request_t *r, souk_buf_t *out, const char *path,
    const char *label, int current)
{
    souk_buf_puts(out, "<li><a href=\"");
    souk_buf_append_html(out, pay_admin_url(r, path));
    souk_buf_puts(out, current ? "\" aria-current=\"page\">" : "\">");
    souk_buf_append_html(out, label);
    souk_buf_puts(out, "</a></li>\n");
}

static int
pay_admin_nav(souk_request_t *r, souk_buf_t *out, const cJSON *model,
    void *data)
{
    const char  *here = souk_request_path(r);
    int          settings;

    (void) model;
    (void) data;
    if (souk_user_id(r) == 0 || !souk_user_can(r, "payments.view")) {
        return SOUK_OK;
    }
    settings = strcmp(here, "/admin/payments/settings") == 0;
    pay_nav_item(r, out, "/admin/payments", "Payments",
                 !settings && strncmp(here, "/admin/payments", 15) == 0
                 && (here[15] == '\0' || here[15] == '/'));
    if (souk_user_can(r, "payments.settings")) {
        pay_nav_item(r, out, "/admin/payments/settings", "Payment settings",
                     settings);
    }
    return SOUK_OK;
}

/* A count for the dashboard; -1 when the query failed. */
static int64_t
pay_admin_count(souk_request_t *r, const char *sql)
{
    souk_stmt_t  *st = souk_db_row(souk_db(r), sql, "t", souk_site_id(r));
    int64_t       n;

    if (st == NULL) {
        return -1;
    }
    n = souk_stmt_int(st, 0);
    souk_stmt_reset(st);
    return n;
}

/* What staff must look at: flagged payments and orders whose money does
 * not match what they should have collected. */
static int
pay_admin_dashboard(souk_request_t *r, souk_buf_t *out, const cJSON *model,
    void *data)
{
    int64_t  flagged, diffs;

    (void) model;
    (void) data;
    if (souk_user_id(r) == 0 || !souk_user_can(r, "payments.view")) {
        return SOUK_OK;
    }
    flagged = pay_admin_count(r, "SELECT COUNT(*) FROM payments WHERE "
                              "site_id = ? AND flag <> ''");
    diffs = pay_admin_count(r, "SELECT COUNT(*) FROM payment_ledger WHERE "
                            "site_id = ? AND status <> 'pending_payment' "
                            "AND captured - refunded <> due");
    if (flagged < 0 || diffs < 0) {
        return SOUK_ERROR;
    }
    souk_buf_puts(out, "<section class=\"admin-panel payments-panel\" "
                  "aria-labelledby=\"payments-panel-title\">\n<h2 "
                  "id=\"payments-panel-title\">Payments</h2>\n<ul>\n");
    souk_buf_printf(out, "<li><a href=\"%s/admin/payments\"><strong "
                    "id=\"payments-flagged\">%lld</strong> flagged "
                    "payments</a></li>\n", souk_site_base_path(r),
                    (long long) flagged);
    souk_buf_printf(out, "<li><a href=\"%s/admin/payments\"><strong "
                    "id=\"payments-differences\">%lld</strong> "
                    "reconciliation differences</a></li>\n",
                    souk_site_base_path(r), (long long) diffs);
    souk_buf_puts(out, "</ul>\n</section>\n");
    return SOUK_OK;
}

int
pay_admin_init(souk_plugin_ctx_t *ctx)
{
    const pay_route_t  *rt;
    size_t              i;

    for (i = 0; i < sizeof(pay_admin_routes) / sizeof(pay_admin_routes[0]);
         i++)
    {
        rt = &pay_admin_routes[i];
        if (souk_route_add(ctx, rt->methods, rt->pattern, rt->handler, NULL)
            != SOUK_OK
            || (rt->name != NULL && souk_route_name(ctx, rt->name)
                                    != SOUK_OK)
            || (rt->perm != NULL && souk_route_permission(ctx, rt->perm)
                                    != SOUK_OK))
        {
            return SOUK_ERROR;
        }
    }
    if (souk_slot_add(ctx, "admin.nav", pay_admin_nav, NULL,
                      SOUK_PRIO_MIDDLE) != SOUK_OK
        || souk_slot_add(ctx, "admin.dashboard", pay_admin_dashboard, NULL,
                         SOUK_PRIO_MIDDLE) != SOUK_OK
        || souk_slot_add(ctx, "admin.order.payments", pay_slot_order, NULL,
                         SOUK_PRIO_MIDDLE) != SOUK_OK)
    {
        return SOUK_ERROR;
    }
    return SOUK_OK;
}

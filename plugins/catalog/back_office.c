/* The catalog's back office: its routes in the admin shell, the menu and
 * dashboard panel, and the helpers its pages share (guard, page model,
 * money and dates typed by people). */
#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "back_office.h"

const char *
cbo_url(souk_request_t *r, const char *fmt, ...)
{
    va_list      ap;
    const char  *path;

    va_start(ap, fmt);
    path = souk_pvsprintf(souk_request_pool(r), fmt, ap);
    va_end(ap);
    return souk_psprintf(souk_request_pool(r), "%s%s",
                         souk_site_base_path(r), path);
}

const char *
cbo_str(const cJSON *o, const char *key)
{
    const cJSON  *v = cJSON_GetObjectItemCaseSensitive(o, key);

    return cJSON_IsString(v) ? v->valuestring : "";
}

void
cbo_doc_texts(cJSON *doc, const cJSON *values)
{
    cJSON  *seo;

    cJSON_AddStringToObject(doc, "description",
                            cbo_str(values, "description"));
    seo = cJSON_AddObjectToObject(doc, "seo");
    cJSON_AddStringToObject(seo, "title", cbo_str(values, "seo_title"));
    cJSON_AddStringToObject(seo, "description",
                            cbo_str(values, "seo_description"));
}

const char *
cbo_form(souk_request_t *r, const char *name)
{
    const char  *v = souk_request_form(r, name);
    size_t       n;

    if (v == NULL) {
        return "";
    }
    while (isspace((unsigned char) *v)) {
        v++;
    }
    n = strlen(v);
    while (n > 0 && isspace((unsigned char) v[n - 1])) {
        n--;
    }
    return souk_pstrndup(souk_request_pool(r), v, n);
}

cJSON *
cbo_form_all(souk_request_t *r, const char *name)
{
    const souk_kv_t  *kv;
    size_t            n = 0, i;
    cJSON            *out = cJSON_CreateArray();

    kv = souk_request_pairs(r, "form", &n);
    for (i = 0; i < n; i++) {
        if (strcmp(kv[i].name, name) == 0 && kv[i].value[0] != '\0'
            && strcmp(kv[i].value, "no") != 0)
        {
            cJSON_AddItemToArray(out, cJSON_CreateString(kv[i].value));
        }
    }
    return out;
}

int64_t
cbo_param_id(souk_request_t *r, const char *name)
{
    int64_t  id;

    if (souk_int_parse(souk_request_param(r, name), 1, INT64_MAX, &id)
        != SOUK_OK)
    {
        return 0;
    }
    return id;
}

int
cbo_why_status(const char *why)
{
    return strstr(why, "permission") != NULL || strstr(why, "may not")
           != NULL ? 403 : 422;
}

/* ---------- the shell ---------- */

int
cbo_guard(souk_request_t *r, const char *perm)
{
    return souk_ui_guard(r, NULL, perm);
}

int
cbo_back(souk_request_t *r, const char *path, const char *kind,
    const char *msg)
{
    souk_ui_flash_next(r, kind, msg);
    return souk_redirect(r, 303, cbo_url(r, "%s", path));
}

cJSON *
cbo_page(souk_request_t *r, const char *tmpl, const char *heading)
{
    cJSON  *m = souk_ui_page(r, tmpl, heading);

    cJSON_AddStringToObject(m, "currency", cat_currency(r));
    souk_ui_crumb(m, "Admin", cbo_url(r, "/admin"));
    souk_ui_crumb(m, "Catalog", cbo_url(r, "/admin/catalog/products"));
    return m;
}

/* ---------- money and dates ---------- */

int
cbo_money_parse(const char *s, const char *currency, int64_t *out)
{
    int      dec = cat_money_decimals(currency), frac = 0, nfrac = 0, i;
    int64_t  whole = 0, scale = 1;
    size_t   nwhole = 0;

    if (s == NULL) {
        return SOUK_DECLINED;
    }
    for (; isdigit((unsigned char) *s); s++, nwhole++) {
        /* 15 digits keep whole * 1000 + fraction far inside int64. */
        if (nwhole >= 15) {
            return SOUK_DECLINED;
        }
        whole = whole * 10 + (*s - '0');
    }
    if (nwhole == 0) {
        return SOUK_DECLINED;
    }
    if (*s == '.') {
        for (s++; isdigit((unsigned char) *s); s++) {
            if (++nfrac > dec) {
                return SOUK_DECLINED;
            }
            frac = frac * 10 + (*s - '0');
        }
        if (nfrac == 0) {
            return SOUK_DECLINED;
        }
    }
    if (*s != '\0') {
        return SOUK_DECLINED;
    }
    for (i = 0; i < dec; i++) {
        scale *= 10;
    }
    for (i = nfrac; i < dec; i++) {
        frac *= 10;
    }
    *out = whole * scale + frac;
    return SOUK_OK;
}

const char *
cbo_money_text(souk_request_t *r, int64_t amount, const char *currency)
{
    char  buf[32];

    cat_money_format(buf, sizeof(buf), amount, currency);
    return souk_pstrdup(souk_request_pool(r), buf);
}

int
cbo_time_parse(const char *s, int64_t *out)
{
    struct tm  tm;
    int        y, mo, d, h = 0, mi = 0, n = 0;
    char       sep;

    if (s == NULL) {
        return SOUK_DECLINED;
    }
    if (sscanf(s, "%4d-%2d-%2d%n", &y, &mo, &d, &n) != 3) {
        return SOUK_DECLINED;
    }
    if (s[n] != '\0') {
        sep = s[n];
        if ((sep != 'T' && sep != ' ')
            || sscanf(s + n + 1, "%2d:%2d", &h, &mi) != 2
            || strlen(s + n + 1) != 5)
        {
            return SOUK_DECLINED;
        }
    }
    if (n != 10 || y < 1970 || y > 9999 || mo < 1 || mo > 12 || d < 1
        || d > 31 || h > 23 || mi > 59 || h < 0 || mi < 0)
    {
        return SOUK_DECLINED;
    }
    memset(&tm, 0, sizeof(tm));
    tm.tm_year = y - 1900;
    tm.tm_mon = mo - 1;
    tm.tm_mday = d;
    tm.tm_hour = h;
    tm.tm_min = mi;
    *out = (int64_t) timegm(&tm);
    /* timegm moves 31 February on to March: refuse what it changed. */
    return tm.tm_mday == d && tm.tm_mon == mo - 1 ? SOUK_OK : SOUK_DECLINED;
}

const char *
cbo_time_text(souk_request_t *r, int64_t t)
{
    struct tm  tm;
    time_t     tt = (time_t) t;
    char       buf[32];

    if (t <= 0 || gmtime_r(&tt, &tm) == NULL) {
        return "";
    }
    strftime(buf, sizeof(buf), "%Y-%m-%d %H:%M", &tm);
    return souk_pstrdup(souk_request_pool(r), buf);
}

/* ---------- menu and dashboard ---------- */

static void
cbo_nav_item(souk_request_t *r, souk_buf_t *out, const char *path,
    const char *label)
{
    const char  *here = souk_request_path(r);
    size_t       n = strlen(path);

    souk_buf_puts(out, "<li><a href=\"");
    souk_buf_append_html(out, cbo_url(r, "%s", path));
    souk_buf_puts(out, strncmp(here, path, n) == 0
                       && (here[n] == '\0' || here[n] == '/')
                       ? "\" aria-current=\"page\">" : "\">");
    souk_buf_append_html(out, label);
    souk_buf_puts(out, "</a></li>\n");
}

static int
cbo_nav(souk_request_t *r, souk_buf_t *out, const cJSON *model, void *data)
{
    (void) model;
    (void) data;
    if (souk_user_id(r) == 0 || !souk_user_can(r, "catalog.view")) {
        return SOUK_OK;
    }
    cbo_nav_item(r, out, "/admin/catalog/products", "Products");
    if (souk_user_can(r, "catalog.approve")) {
        cbo_nav_item(r, out, "/admin/catalog/review", "Review queue");
    }
    cbo_nav_item(r, out, "/admin/catalog/categories", "Categories");
    cbo_nav_item(r, out, "/admin/catalog/warehouses", "Warehouses");
    cbo_nav_item(r, out, "/admin/catalog/alerts", "Alerts");
    return SOUK_OK;
}

static int64_t
cbo_count(souk_request_t *r, const char *sql)
{
    souk_stmt_t  *st = souk_db_row(souk_db(r), sql, "t",
                                   souk_site_group(r));
    int64_t       n;

    if (st == NULL) {
        return 0;
    }
    n = souk_stmt_int(st, 0);
    souk_stmt_reset(st);
    return n;
}

static int
cbo_dashboard(souk_request_t *r, souk_buf_t *out, const cJSON *model,
    void *data)
{
    int64_t  alerts, review;

    (void) model;
    (void) data;
    if (souk_user_id(r) == 0 || !souk_user_can(r, "catalog.view")) {
        return SOUK_OK;
    }
    alerts = cbo_count(r, "SELECT COUNT(*) FROM catalog_alerts WHERE "
                       "group_id = ? AND resolved_at IS NULL");
    review = cbo_count(r, "SELECT COUNT(*) FROM catalog_products WHERE "
                       "group_id = ? AND status = 'review'");
    souk_buf_puts(out, "<section class=\"admin-panel catalog-panel\" "
                  "aria-labelledby=\"catalog-panel-title\">\n<h2 "
                  "id=\"catalog-panel-title\">Catalog</h2>\n<ul>\n");
    souk_buf_printf(out, "<li><a href=\"%s\"><strong id=\"catalog-open-"
                    "alerts\">%lld</strong> open alerts</a></li>\n",
                    cbo_url(r, "/admin/catalog/alerts"), (long long) alerts);
    souk_buf_printf(out, "<li><a href=\"%s\"><strong id=\"catalog-in-"
                    "review\">%lld</strong> products in review</a></li>\n",
                    cbo_url(r, souk_user_can(r, "catalog.approve")
                            ? "/admin/catalog/review"
                            : "/admin/catalog/products?status=review"),
                    (long long) review);
    souk_buf_puts(out, "</ul>\n</section>\n");
    return SOUK_OK;
}

/* ---------- routes ---------- */

typedef struct {
    unsigned         methods;
    const char      *pattern;
    souk_handler_pt  handler;
    const char      *perm;      /* the core checks it; NULL: the handler */
    const char      *name;
} cbo_route_t;

#define CBO_ID  "{id:[1-9][0-9]{0,17}}"

static const cbo_route_t  cbo_routes[] = {
    { SOUK_GET, "/admin/catalog/products", cbo_products, NULL,
      "catalog.admin_products" },
    { SOUK_POST, "/admin/catalog/products/bulk", cbo_products_bulk, NULL,
      NULL },
    { SOUK_GET, "/admin/catalog/products/new", cbo_editor_new, NULL,
      "catalog.admin_new" },
    { SOUK_POST, "/admin/catalog/products/new", cbo_editor_save,
      "catalog.edit", NULL },
    { SOUK_GET, "/admin/catalog/products/" CBO_ID, cbo_editor_show, NULL,
      "catalog.admin_product" },
    { SOUK_POST, "/admin/catalog/products/" CBO_ID, cbo_editor_save,
      "catalog.edit", NULL },
    { SOUK_POST, "/admin/catalog/products/" CBO_ID "/workflow",
      cbo_editor_workflow, NULL, NULL },
    { SOUK_POST, "/admin/catalog/products/" CBO_ID "/stock",
      cbo_editor_stock, "catalog.stock", NULL },
    { SOUK_POST, "/admin/catalog/products/" CBO_ID "/images",
      cbo_images_upload, "catalog.edit", NULL },
    { SOUK_POST, "/admin/catalog/products/" CBO_ID
      "/images/{image:[1-9][0-9]{0,17}}/remove", cbo_images_remove,
      "catalog.edit", NULL },
    { SOUK_GET, "/admin/catalog/review", cbo_review, NULL,
      "catalog.admin_review" },
    { SOUK_POST, "/admin/catalog/review/" CBO_ID, cbo_review_decide,
      "catalog.approve", NULL },
    { SOUK_GET, "/admin/catalog/categories", cbo_categories, NULL,
      "catalog.admin_categories" },
    { SOUK_POST, "/admin/catalog/categories", cbo_categories_save,
      "catalog.edit", NULL },
    { SOUK_GET, "/admin/catalog/warehouses", cbo_warehouses, NULL,
      "catalog.admin_warehouses" },
    { SOUK_POST, "/admin/catalog/warehouses", cbo_warehouses_save,
      "catalog.stock", NULL },
    { SOUK_GET, "/admin/catalog/warehouses/" CBO_ID "/receipts",
      cbo_receipts, NULL, NULL },
    { SOUK_POST, "/admin/catalog/warehouses/" CBO_ID "/receipts",
      cbo_receipts_save, "catalog.stock", NULL },
    { SOUK_GET, "/admin/catalog/alerts", cbo_alerts, NULL,
      "catalog.admin_alerts" },
    { SOUK_POST, "/admin/catalog/alerts/" CBO_ID "/resolve",
      cbo_alerts_resolve, "catalog.stock", NULL },
};

int
cat_admin_init(souk_plugin_ctx_t *ctx)
{
    size_t              i;
    const cbo_route_t  *rt;

    for (i = 0; i < sizeof(cbo_routes) / sizeof(cbo_routes[0]); i++) {
        rt = &cbo_routes[i];
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
    if (souk_slot_add(ctx, "admin.nav", cbo_nav, NULL, SOUK_PRIO_MIDDLE)
        != SOUK_OK
        || souk_slot_add(ctx, "admin.dashboard", cbo_dashboard, NULL,
                         SOUK_PRIO_MIDDLE) != SOUK_OK)
    {
        return SOUK_ERROR;
    }
    return SOUK_OK;
}

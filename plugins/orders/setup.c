/* The back office's checkout set-up (/admin/orders/setup): shipping
 * methods with their table rates and tax rules, listed and edited in
 * forms that take money as decimal text; saved through the same checks as
 * the staff API (setup_api.c, setup_tax.c). */
#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include "checkout.h"

#define ORD_SETUP  "/admin/orders/setup"

static const char *
ord_money_text(souk_request_t *r, int64_t minor)
{
    char  buf[40];

    if (souk_money_format(buf, sizeof(buf), minor, ord_currency(r))
        != SOUK_OK)
    {
        snprintf(buf, sizeof(buf), "%lld", (long long) minor);
    }
    return souk_pstrdup(souk_request_pool(r), buf);
}

/* Basis points as a percentage ("19", "7.5", "0.25"). */
static const char *
ord_rate_text(souk_request_t *r, int64_t bp)
{
    char  buf[40];
    int   n;

    souk_money_format(buf, sizeof(buf), bp, "EUR");
    n = (int) strlen(buf);
    while (n > 0 && strchr(buf, '.') != NULL
           && (buf[n - 1] == '0' || buf[n - 1] == '.'))
    {
        buf[--n] = '\0';
    }
    return souk_pstrdup(souk_request_pool(r), buf);
}

static const char *
ord_fv(const cJSON *values, const char *key)
{
    return ord_jstr(values, key);
}

/* ---------- the stored rows as form values ---------- */

static cJSON *
ord_method_values(souk_request_t *r, const cJSON *m)
{
    cJSON        *v = cJSON_CreateObject();
    const cJSON  *c, *rate;
    char         *t = NULL;

    cJSON_AddStringToObject(v, "code", ord_jstr(m, "code"));
    cJSON_AddStringToObject(v, "name", ord_jstr(m, "name"));
    cJSON_AddStringToObject(v, "kind", ord_jstr(m, "kind"));
    cJSON_AddStringToObject(v, "price", ord_money_text(r, ord_jint(m,
                                                                   "price")));
    cJSON_AddStringToObject(v, "free_over", ord_jint(m, "free_over") > 0
                            ? ord_money_text(r, ord_jint(m, "free_over"))
                            : "");
    t = souk_pstrdup(souk_request_pool(r), "");
    cJSON_ArrayForEach(c, cJSON_GetObjectItemCaseSensitive(m, "countries")) {
        t = souk_psprintf(souk_request_pool(r), "%s%s%s", t, t[0] ? "," : "",
                          c->valuestring);
    }
    cJSON_AddStringToObject(v, "countries", t);
    cJSON_AddStringToObject(v, "warehouse", ord_jstr(m, "warehouse"));
    t = souk_pstrdup(souk_request_pool(r), "");
    cJSON_ArrayForEach(rate, cJSON_GetObjectItemCaseSensitive(m, "rates")) {
        t = souk_psprintf(souk_request_pool(r), "%s%s %lld %s\n", t,
                          ord_jstr(rate, "country"),
                          (long long) ord_jint(rate, "max_weight_g"),
                          ord_money_text(r, ord_jint(rate, "price")));
    }
    cJSON_AddStringToObject(v, "rates", t);
    cJSON_AddStringToObject(v, "position", souk_psprintf(
        souk_request_pool(r), "%lld", (long long) ord_jint(m, "position")));
    cJSON_AddStringToObject(v, "active", cJSON_IsTrue(
        cJSON_GetObjectItemCaseSensitive(m, "active")) ? "yes" : "no");
    return v;
}

static cJSON *
ord_tax_values(souk_request_t *r, const cJSON *t)
{
    cJSON  *v = cJSON_CreateObject();

    cJSON_AddStringToObject(v, "country", ord_jstr(t, "country"));
    cJSON_AddStringToObject(v, "region", ord_jstr(t, "region"));
    cJSON_AddStringToObject(v, "name", ord_jstr(t, "name"));
    cJSON_AddStringToObject(v, "rate", ord_rate_text(r, ord_jint(t,
                                                                 "rate_bp")));
    cJSON_AddStringToObject(v, "shipping", cJSON_IsTrue(
        cJSON_GetObjectItemCaseSensitive(t, "shipping")) ? "yes" : "no");
    return v;
}

static cJSON *
ord_posted(souk_request_t *r, const char *const *names)
{
    cJSON       *v = cJSON_CreateObject();
    const char  *s;
    size_t       i;

    for (i = 0; names[i] != NULL; i++) {
        s = ord_form(r, names[i]);
        cJSON_AddStringToObject(v, names[i], s != NULL ? s : "");
    }
    return souk_pool_json(souk_request_pool(r), v);
}

static const char *const  ord_method_names[] = { "code", "name", "kind",
    "price", "free_over", "countries", "warehouse", "rates", "position",
    "active", NULL };
static const char *const  ord_tax_names[] = { "country", "region", "name",
    "rate", "shipping", NULL };

/* ---------- the page ---------- */

static cJSON *
ord_field(const char *kind, const char *name, const char *label,
    const cJSON *values, const char *help, int required)
{
    cJSON  *f = souk_ui_field(kind, name, label, ord_fv(values, name), NULL);

    if (help != NULL) {
        cJSON_ReplaceItemInObjectCaseSensitive(f, "help",
                                               cJSON_CreateString(help));
    }
    if (required) {
        cJSON_ReplaceItemInObjectCaseSensitive(f, "required",
                                               cJSON_CreateTrue());
    }
    return f;
}

static cJSON *
ord_method_form(souk_request_t *r, int64_t id, const cJSON *values,
    const char *error)
{
    static const char *const  kinds[] = { "flat", "Flat rate", "table",
        "Table rates by weight", "pickup", "Pickup at a store", NULL };
    cJSON                    *fields = cJSON_CreateArray(), *f, *opts, *o;
    size_t                    i;

    cJSON_AddItemToArray(fields, ord_field("text", "code", "Code", values,
                         "a-z, 0-9, _ and -: what the API and orders use",
                         1));
    cJSON_AddItemToArray(fields, ord_field("text", "name", "Name", values,
                                           "what shoppers see", 1));
    f = ord_field("select", "kind", "Kind", values, NULL, 1);
    opts = cJSON_GetObjectItemCaseSensitive(f, "options");
    for (i = 0; kinds[i] != NULL; i += 2) {
        o = cJSON_CreateObject();
        cJSON_AddStringToObject(o, "value", kinds[i]);
        cJSON_AddStringToObject(o, "label", kinds[i + 1]);
        cJSON_AddBoolToObject(o, "selected",
                              strcmp(ord_fv(values, "kind"), kinds[i]) == 0);
        cJSON_AddItemToArray(opts, o);
    }
    cJSON_AddItemToArray(fields, f);
    cJSON_AddItemToArray(fields, ord_field("number", "price", "Price",
                         values, "flat and pickup: 0 is free", 0));
    cJSON_AddItemToArray(fields, ord_field("number", "free_over",
                         "Free from", values, "goods total from which it "
                         "costs nothing; empty: never", 0));
    cJSON_AddItemToArray(fields, ord_field("text", "countries", "Countries",
                         values, "DE,FR,AT; empty: everywhere", 0));
    cJSON_AddItemToArray(fields, ord_field("text", "warehouse", "Store",
                         values, "pickup: the warehouse code", 0));
    cJSON_AddItemToArray(fields, ord_field("textarea", "rates", "Rates",
                         values, "table: one per line, COUNTRY MAX_GRAMS "
                         "PRICE (DE 1000 4.90; * for any country)", 0));
    cJSON_AddItemToArray(fields, ord_field("number", "position", "Position",
                                           values, "lower shows first", 0));
    cJSON_AddItemToArray(fields, ord_field("checkbox", "active", "Offered",
                                           values, NULL, 0));
    return souk_ui_form("orders-method", id > 0
        ? ord_url(r, ORD_SETUP "/methods?edit=%lld", (long long) id)
        : ord_url(r, ORD_SETUP "/methods"), id > 0 ? "Save the method"
        : "Add the method", souk_csrf_token(r), fields, error);
}

static cJSON *
ord_tax_form(souk_request_t *r, int64_t id, const cJSON *values,
    const char *error)
{
    cJSON  *fields = cJSON_CreateArray();

    cJSON_AddItemToArray(fields, ord_field("text", "country", "Country",
                         values, "two letters: DE, US", 1));
    cJSON_AddItemToArray(fields, ord_field("text", "region", "Region",
                         values, "empty: the whole country; NY, ON ...", 0));
    cJSON_AddItemToArray(fields, ord_field("text", "name", "Name", values,
                                           "VAT, MwSt, sales tax", 1));
    cJSON_AddItemToArray(fields, ord_field("number", "rate", "Rate (%)",
                                           values, "19, 7.5, 0", 1));
    cJSON_AddItemToArray(fields, ord_field("checkbox", "shipping",
                         "Shipping is taxed at this rate", values, NULL, 0));
    return souk_ui_form("orders-tax", id > 0
        ? ord_url(r, ORD_SETUP "/tax?edit=%lld", (long long) id)
        : ord_url(r, ORD_SETUP "/tax"), id > 0 ? "Save the tax rule"
        : "Add the tax rule", souk_csrf_token(r), fields, error);
}

static void
ord_page_rows(souk_request_t *r, cJSON *m, cJSON *methods, cJSON *taxes)
{
    cJSON  *o, *v;

    cJSON_ArrayForEach(o, methods) {
        v = ord_method_values(r, o);
        cJSON_AddStringToObject(o, "price_text", ord_fv(v, "price"));
        cJSON_AddStringToObject(o, "free_over_text", ord_fv(v, "free_over"));
        cJSON_AddStringToObject(o, "countries_text", ord_fv(v, "countries"));
        cJSON_AddNumberToObject(o, "nrates", cJSON_GetArraySize(
            cJSON_GetObjectItemCaseSensitive(o, "rates")));
        cJSON_AddStringToObject(o, "edit_href", ord_url(r, ORD_SETUP
            "?method=%lld", (long long) ord_jint(o, "id")));
        cJSON_AddStringToObject(o, "delete_action", ord_url(r, ORD_SETUP
            "/methods/%lld/delete", (long long) ord_jint(o, "id")));
        cJSON_Delete(v);
    }
    cJSON_ArrayForEach(o, taxes) {
        cJSON_AddStringToObject(o, "rate_text", ord_rate_text(r,
                                ord_jint(o, "rate_bp")));
        cJSON_AddStringToObject(o, "edit_href", ord_url(r, ORD_SETUP
            "?tax=%lld", (long long) ord_jint(o, "id")));
        cJSON_AddStringToObject(o, "delete_action", ord_url(r, ORD_SETUP
            "/tax/%lld/delete", (long long) ord_jint(o, "id")));
    }
    cJSON_AddBoolToObject(m, "has_methods", cJSON_GetArraySize(methods) > 0);
    cJSON_AddBoolToObject(m, "has_taxes", cJSON_GetArraySize(taxes) > 0);
    cJSON_AddItemToObject(m, "methods", methods);
    cJSON_AddItemToObject(m, "taxes", taxes);
}

/*
 * The page: both lists and both forms; one of them may be an edit
 * (method_id / tax_id) or a refused post (values and error) answered
 * with status.
 */
static int
ord_setup_page(souk_request_t *r, int status, int64_t method_id,
    const cJSON *mvalues, const char *merror, int64_t tax_id,
    const cJSON *tvalues, const char *terror)
{
    cJSON  *m, *methods, *taxes;

    methods = ord_methods_list(r, 0);
    taxes = ord_tax_list(r, 0);
    if (methods == NULL || taxes == NULL) {
        cJSON_Delete(methods);
        cJSON_Delete(taxes);
        return SOUK_ERROR;
    }
    m = souk_ui_page(r, "admin_orders_setup", "Shipping and tax");
    souk_ui_crumb(m, "Admin", ord_url(r, "/admin"));
    souk_ui_crumb(m, "Shipping and tax", NULL);
    cJSON_AddStringToObject(m, "currency", ord_currency(r));
    cJSON_AddBoolToObject(m, "prices_include_tax", ord_prices_include_tax(r));
    ord_page_rows(r, m, methods, taxes);
    cJSON_AddBoolToObject(m, "editing_method", method_id > 0);
    cJSON_AddBoolToObject(m, "editing_tax", tax_id > 0);
    cJSON_AddStringToObject(m, "setup_href", ord_url(r, ORD_SETUP));
    cJSON_AddItemToObject(m, "method_form", ord_method_form(r, method_id,
                                                            mvalues, merror));
    cJSON_AddItemToObject(m, "tax_form", ord_tax_form(r, tax_id, tvalues,
                                                      terror));
    return status;
}

/* ?NAME=ID of a row of this site: the id, 0 when absent, -1 when not. */
static int64_t
ord_query_id(souk_request_t *r, const char *name)
{
    const char  *q = souk_request_query(r, name);
    int64_t      id;

    if (q == NULL) {
        return 0;
    }
    return souk_int_parse(q, 1, INT64_MAX, &id) == SOUK_OK ? id : -1;
}

static int
ord_setup_get(souk_request_t *r, void *data)
{
    int64_t   mid, tid;
    cJSON    *rows, *mv, *tv;
    int       rc;

    (void) data;
    if ((rc = souk_ui_guard(r, NULL, "orders.settings")) != 0) {
        return rc;
    }
    mid = ord_query_id(r, "method");
    tid = ord_query_id(r, "tax");
    mv = souk_pool_json(souk_request_pool(r), cJSON_CreateObject());
    tv = souk_pool_json(souk_request_pool(r), cJSON_CreateObject());
    cJSON_AddStringToObject(mv, "kind", "flat");
    cJSON_AddStringToObject(mv, "active", "yes");
    cJSON_AddStringToObject(tv, "shipping", "yes");
    if (mid != 0) {
        rows = souk_pool_json(souk_request_pool(r), mid > 0
                              ? ord_methods_list(r, mid) : NULL);
        if (cJSON_GetArraySize(rows) == 0) {
            return souk_error(r, 404, "no such shipping method");
        }
        mv = souk_pool_json(souk_request_pool(r),
                            ord_method_values(r, rows->child));
    }
    if (tid != 0) {
        rows = souk_pool_json(souk_request_pool(r), tid > 0
                              ? ord_tax_list(r, tid) : NULL);
        if (cJSON_GetArraySize(rows) == 0) {
            return souk_error(r, 404, "no such tax rule");
        }
        tv = souk_pool_json(souk_request_pool(r),
                            ord_tax_values(r, rows->child));
    }
    return ord_setup_page(r, 200, mid, mv, NULL, tid, tv, NULL);
}

/* ---------- saving the forms ---------- */

/* "DE 1000 4.90" lines as the API's rates array. */
static int
ord_rates_parse(souk_request_t *r, const char *text, cJSON *rates,
    char *why, size_t whylen)
{
    char     c[8], w[24], p[32], extra[2], *line, *save = NULL;
    int64_t  weight, price;
    int      n = 0;
    cJSON   *o;

    line = strtok_r(souk_pstrdup(souk_request_pool(r), text), "\r\n", &save);
    for (; line != NULL; line = strtok_r(NULL, "\r\n", &save)) {
        n++;
        if (strspn(line, " \t") == strlen(line)) {
            continue;
        }
        if (sscanf(line, "%7s %23s %31s %1s", c, w, p, extra) != 3
            || souk_int_parse(w, 1, INT64_C(100000000), &weight) != SOUK_OK
            || souk_money_parse(p, ord_currency(r), &price) != SOUK_OK)
        {
            return ord_decline(why, whylen, "Rates: line %d is not COUNTRY "
                               "MAX_GRAMS PRICE (DE 1000 4.90)", n);
        }
        o = cJSON_CreateObject();
        cJSON_AddStringToObject(o, "country", c);
        cJSON_AddNumberToObject(o, "max_weight_g", (double) weight);
        cJSON_AddNumberToObject(o, "price", (double) price);
        cJSON_AddItemToArray(rates, o);
    }
    return SOUK_OK;
}

/* An amount typed by staff ("" is dflt) into doc[key] as minor units. */
static int
ord_money_field(souk_request_t *r, cJSON *doc, const cJSON *values,
    const char *key, const char *label, char *why, size_t whylen)
{
    const char  *s = ord_fv(values, key);
    int64_t      v = 0;

    if (s[0] != '\0' && souk_money_parse(s, ord_currency(r), &v) != SOUK_OK)
    {
        return ord_decline(why, whylen, "%s: an amount like 4.90", label);
    }
    cJSON_AddNumberToObject(doc, key, (double) v);
    return SOUK_OK;
}

static int
ord_method_doc(souk_request_t *r, const cJSON *values, cJSON *doc,
    char *why, size_t whylen)
{
    int64_t  pos = 0;

    cJSON_AddStringToObject(doc, "code", ord_fv(values, "code"));
    cJSON_AddStringToObject(doc, "name", ord_fv(values, "name"));
    cJSON_AddStringToObject(doc, "kind", ord_fv(values, "kind"));
    cJSON_AddStringToObject(doc, "countries", ord_fv(values, "countries"));
    if (ord_fv(values, "warehouse")[0] != '\0') {
        cJSON_AddStringToObject(doc, "warehouse", ord_fv(values,
                                                         "warehouse"));
    }
    cJSON_AddBoolToObject(doc, "active",
                          strcmp(ord_fv(values, "active"), "no") != 0);
    if (ord_fv(values, "position")[0] != '\0'
        && souk_int_parse(ord_fv(values, "position"), -1000000, 1000000,
                          &pos) != SOUK_OK)
    {
        return ord_decline(why, whylen, "Position: a whole number");
    }
    cJSON_AddNumberToObject(doc, "position", (double) pos);
    if (ord_money_field(r, doc, values, "price", "Price", why, whylen)
        != SOUK_OK
        || ord_money_field(r, doc, values, "free_over", "Free from", why,
                           whylen) != SOUK_OK)
    {
        return SOUK_DECLINED;
    }
    return ord_rates_parse(r, ord_fv(values, "rates"),
                           cJSON_AddArrayToObject(doc, "rates"), why,
                           whylen);
}

/* Back to the page with a message, once saved. */
static int
ord_save_back(souk_request_t *r, int rc, const char *what)
{
    if (rc == SOUK_ERROR) {
        return SOUK_ERROR;
    }
    souk_ui_flash_next(r, "ok", what);
    return souk_redirect(r, 303, ord_url(r, ORD_SETUP));
}

static int
ord_setup_method_save(souk_request_t *r, void *data)
{
    cJSON    *values, *doc;
    int64_t   id, out = 0;
    int       rc;
    char      why[ORD_WHY];

    (void) data;
    if ((rc = souk_ui_guard(r, NULL, "orders.settings")) != 0) {
        return rc;
    }
    if ((id = ord_query_id(r, "edit")) < 0) {
        return souk_error(r, 404, "no such shipping method");
    }
    values = ord_posted(r, ord_method_names);
    doc = souk_pool_json(souk_request_pool(r), cJSON_CreateObject());
    why[0] = '\0';
    rc = ord_method_doc(r, values, doc, why, sizeof(why)) == SOUK_OK
         ? ord_method_save(r, doc, id, &out, why, sizeof(why)) : 400;
    if (rc == SOUK_OK || rc == SOUK_ERROR) {
        return ord_save_back(r, rc, id > 0 ? "Shipping method saved."
                                           : "Shipping method added.");
    }
    if (rc == 404) {
        return souk_error(r, 404, "no such shipping method");
    }
    return ord_setup_page(r, rc, id, values, souk_psprintf(
        souk_request_pool(r), "Nothing was saved: %s.", why), 0,
        souk_pool_json(souk_request_pool(r), cJSON_CreateObject()), NULL);
}

static int
ord_setup_tax_save(souk_request_t *r, void *data)
{
    cJSON    *values, *doc;
    int64_t   id, out = 0, bp = 0;
    int       rc;
    char      why[ORD_WHY];

    (void) data;
    if ((rc = souk_ui_guard(r, NULL, "orders.settings")) != 0) {
        return rc;
    }
    if ((id = ord_query_id(r, "edit")) < 0) {
        return souk_error(r, 404, "no such tax rule");
    }
    values = ord_posted(r, ord_tax_names);
    doc = souk_pool_json(souk_request_pool(r), cJSON_CreateObject());
    cJSON_AddStringToObject(doc, "country", ord_fv(values, "country"));
    cJSON_AddStringToObject(doc, "region", ord_fv(values, "region"));
    cJSON_AddStringToObject(doc, "name", ord_fv(values, "name"));
    cJSON_AddBoolToObject(doc, "shipping",
                          strcmp(ord_fv(values, "shipping"), "no") != 0);
    why[0] = '\0';
    /* Percent with at most two decimals is basis points exactly. */
    if (souk_money_parse(ord_fv(values, "rate"), "EUR", &bp) != SOUK_OK) {
        ord_decline(why, sizeof(why), "Rate: a percentage like 19 or 7.5");
        rc = 400;
    } else {
        cJSON_AddNumberToObject(doc, "rate_bp", (double) bp);
        rc = ord_tax_save(r, doc, id, &out, why, sizeof(why));
    }
    if (rc == SOUK_OK || rc == SOUK_ERROR) {
        return ord_save_back(r, rc, id > 0 ? "Tax rule saved."
                                           : "Tax rule added.");
    }
    if (rc == 404) {
        return souk_error(r, 404, "no such tax rule");
    }
    return ord_setup_page(r, rc, 0, souk_pool_json(souk_request_pool(r),
        cJSON_CreateObject()), NULL, id, values, souk_psprintf(
        souk_request_pool(r), "Nothing was saved: %s.", why));
}

static int
ord_setup_delete(souk_request_t *r, void *data)
{
    int64_t  id;
    int      rc, tax = data != NULL;

    if ((rc = souk_ui_guard(r, NULL, "orders.settings")) != 0) {
        return rc;
    }
    if (souk_int_parse(souk_request_param(r, "id"), 1, INT64_MAX, &id)
        != SOUK_OK)
    {
        return souk_error(r, 404, "no such row");
    }
    rc = tax ? ord_tax_delete(r, id) : ord_method_delete(r, id);
    if (rc == SOUK_DECLINED) {
        return souk_error(r, 404, tax ? "no such tax rule"
                                      : "no such shipping method");
    }
    return ord_save_back(r, rc, tax ? "Tax rule deleted."
                                    : "Shipping method deleted.");
}

/* The back-office menu: the set-up for those who may change it. */
static int
ord_setup_nav(souk_request_t *r, souk_buf_t *out, const cJSON *model,
    void *data)
{
    const char  *here = souk_request_path(r);

    (void) model;
    (void) data;
    if (souk_user_id(r) == 0 || !souk_user_can(r, "orders.settings")) {
        return SOUK_OK;
    }
    souk_buf_puts(out, "<li><a href=\"");
    souk_buf_append_html(out, ord_url(r, ORD_SETUP));
    souk_buf_puts(out, strncmp(here, ORD_SETUP, strlen(ORD_SETUP)) == 0
                       ? "\" aria-current=\"page\">" : "\">");
    souk_buf_puts(out, "Shipping and tax</a></li>\n");
    return SOUK_OK;
}

#define ORD_ROW  "/{id:[1-9][0-9]{0,17}}"

int
ord_setup_init(souk_plugin_ctx_t *ctx)
{
    static int  tax_tag;

    if (souk_route_add(ctx, SOUK_GET, ORD_SETUP, ord_setup_get, NULL)
        != SOUK_OK
        || souk_route_name(ctx, "orders.admin_setup") != SOUK_OK
        || souk_route_add(ctx, SOUK_POST, ORD_SETUP "/methods",
                          ord_setup_method_save, NULL) != SOUK_OK
        || souk_route_add(ctx, SOUK_POST, ORD_SETUP "/methods" ORD_ROW
                          "/delete", ord_setup_delete, NULL) != SOUK_OK
        || souk_route_add(ctx, SOUK_POST, ORD_SETUP "/tax",
                          ord_setup_tax_save, NULL) != SOUK_OK
        || souk_route_add(ctx, SOUK_POST, ORD_SETUP "/tax" ORD_ROW
                          "/delete", ord_setup_delete, &tax_tag) != SOUK_OK
        || souk_slot_add(ctx, "admin.nav", ord_setup_nav, NULL,
                         SOUK_PRIO_LATE) != SOUK_OK)
    {
        return SOUK_ERROR;
    }
    return ord_setup_api_init(ctx);
}

/* Shipping methods (with their table rates) and tax rules of a site: the
 * model the set-up pages and the staff JSON API share, and that API:
 * /api/v1/shipping-methods[/{id}] and /api/v1/tax-rules[/{id}]. */
#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include "checkout.h"

#define ORD_RATES_MAX   200
#define ORD_MONEY_MAX   INT64_C(1000000000000)    /* 10^12 minor units */

/* ---------- reading ---------- */

static cJSON *
ord_rates_load(souk_request_t *r, int64_t method_id)
{
    souk_stmt_t  *st;
    cJSON        *arr = cJSON_CreateArray(), *o;

    st = souk_db_prepare(souk_db(r), "SELECT country, max_weight_g, price "
                         "FROM order_shipping_rates WHERE method_id = ? "
                         "ORDER BY country, max_weight_g, id");
    if (st == NULL) {
        return arr;
    }
    souk_stmt_bind_int(st, 1, method_id);
    while (souk_stmt_step(st) == SOUK_ROW) {
        o = cJSON_CreateObject();
        cJSON_AddStringToObject(o, "country", souk_stmt_text(st, 0));
        cJSON_AddNumberToObject(o, "max_weight_g",
                                (double) souk_stmt_int(st, 1));
        cJSON_AddNumberToObject(o, "price", (double) souk_stmt_int(st, 2));
        cJSON_AddItemToArray(arr, o);
    }
    return arr;
}

/* Methods of the site (id 0: all), each with its rates; a new array. */
cJSON *
ord_methods_list(souk_request_t *r, int64_t id)
{
    souk_stmt_t  *st;
    cJSON        *arr = cJSON_CreateArray(), *o, *c;
    const char   *p, *q;

    st = souk_db_prepare(souk_db(r), "SELECT m.id, m.code, m.name, m.kind, "
        "m.price, m.free_over, m.countries, m.warehouse_id, m.active, "
        "m.position, w.code FROM order_shipping_methods m LEFT JOIN "
        "catalog_warehouses w ON w.id = m.warehouse_id WHERE m.site_id = ? "
        "AND (? = 0 OR m.id = ?) ORDER BY m.position, m.id");
    if (st == NULL) {
        cJSON_Delete(arr);
        return NULL;
    }
    souk_stmt_bind_text(st, 1, souk_site_id(r), -1);
    souk_stmt_bind_int(st, 2, id);
    souk_stmt_bind_int(st, 3, id);
    while (souk_stmt_step(st) == SOUK_ROW) {
        o = cJSON_CreateObject();
        cJSON_AddNumberToObject(o, "id", (double) souk_stmt_int(st, 0));
        cJSON_AddStringToObject(o, "code", souk_stmt_text(st, 1));
        cJSON_AddStringToObject(o, "name", souk_stmt_text(st, 2));
        cJSON_AddStringToObject(o, "kind", souk_stmt_text(st, 3));
        cJSON_AddNumberToObject(o, "price", (double) souk_stmt_int(st, 4));
        cJSON_AddNumberToObject(o, "free_over", (double) souk_stmt_int(st,
                                                                       5));
        c = cJSON_AddArrayToObject(o, "countries");
        for (p = souk_stmt_text(st, 6); *p != '\0'; p = *q ? q + 1 : q) {
            q = strchr(p, ',');
            q = q != NULL ? q : p + strlen(p);
            cJSON_AddItemToArray(c, cJSON_CreateString(souk_pstrndup(
                souk_request_pool(r), p, (size_t) (q - p))));
        }
        if (souk_stmt_is_null(st, 7)) {
            cJSON_AddNullToObject(o, "warehouse");
        } else {
            cJSON_AddStringToObject(o, "warehouse", souk_stmt_text(st, 10));
        }
        cJSON_AddBoolToObject(o, "active", souk_stmt_int(st, 8) != 0);
        cJSON_AddNumberToObject(o, "position", (double) souk_stmt_int(st, 9));
        cJSON_AddItemToArray(arr, o);
    }
    cJSON_ArrayForEach(o, arr) {
        cJSON_AddItemToObject(o, "rates", ord_rates_load(r, ord_jint(o,
                                                                     "id")));
    }
    return arr;
}

/* ---------- checking a document ---------- */

typedef struct {
    souk_request_t  *r;
    int64_t          id;           /* 0: new */
    char             code[ORD_CODE_LEN];
    char             name[201];
    char             kind[8];
    int64_t          price;
    int64_t          free_over;
    char             countries[401];
    int64_t          warehouse_id;  /* 0: none */
    int              active;
    int64_t          position;
    int64_t          nrates;
    struct {
        char     country[3];
        int64_t  max_weight_g;
        int64_t  price;
    }                rates[ORD_RATES_MAX];
    int              status;       /* 4xx for a refusal */
    char            *why;
    size_t           whylen;
} ord_method_t;

static int
ord_bad(ord_method_t *m, int status, const char *msg, const char *field)
{
    m->status = status;
    return ord_decline(m->why, m->whylen, "%s: %s", field, msg);
}

/* Plain text of 1..cap bytes without control characters. */
int
ord_plain(const cJSON *v, size_t cap, char *dst)
{
    const unsigned char  *p;

    if (!cJSON_IsString(v) || v->valuestring[0] == '\0'
        || strlen(v->valuestring) > cap)
    {
        return 0;
    }
    for (p = (const unsigned char *) v->valuestring; *p != '\0'; p++) {
        if (*p < 0x20 || *p == 0x7f) {
            return 0;
        }
    }
    memcpy(dst, v->valuestring, strlen(v->valuestring) + 1);
    return 1;
}

static int
ord_code_ok(const char *s)
{
    size_t  n;

    for (n = 0; s[n] != '\0'; n++) {
        if (!islower((unsigned char) s[n]) && !isdigit((unsigned char) s[n])
            && s[n] != '_' && s[n] != '-')
        {
            return 0;
        }
    }
    return n > 0 && n < ORD_CODE_LEN;
}

/* countries: an array of codes or "DE, FR" text; "" or [] anywhere. */
static int
ord_countries_take(ord_method_t *m, const cJSON *v)
{
    const cJSON  *c;
    char          code[3];
    size_t        o = 0, i, n;
    const char   *p;
    cJSON        *arr = NULL;

    if (v == NULL || cJSON_IsNull(v)) {
        m->countries[0] = '\0';
        return SOUK_OK;
    }
    if (cJSON_IsString(v)) {
        arr = cJSON_CreateArray();
        for (p = v->valuestring; *p != '\0'; p += *p ? 1 : 0) {
            while (*p == ' ' || *p == ',') {
                p++;
            }
            for (n = 0; p[n] != '\0' && p[n] != ',' && p[n] != ' '; n++) {
                /* the item */
            }
            if (n > 0) {
                cJSON_AddItemToArray(arr, cJSON_CreateString(souk_pstrndup(
                    souk_request_pool(m->r), p, n)));
            }
            p += n;
        }
        v = arr;
    }
    if (!cJSON_IsArray(v)) {
        return ord_bad(m, 400, "a list of country codes", "Countries");
    }
    m->countries[0] = '\0';
    cJSON_ArrayForEach(c, v) {
        if (!cJSON_IsString(c) || strlen(c->valuestring) != 2) {
            cJSON_Delete(arr);
            return ord_bad(m, 400, "two-letter country codes", "Countries");
        }
        for (i = 0; i < 2; i++) {
            code[i] = (char) toupper((unsigned char) c->valuestring[i]);
        }
        code[2] = '\0';
        if (!ord_country_known(code) || o + 4 > sizeof(m->countries)) {
            ord_decline(m->why, m->whylen, "Countries: %s is not a country "
                        "code we know", code);
            m->status = 400;
            cJSON_Delete(arr);
            return SOUK_DECLINED;
        }
        o += (size_t) snprintf(m->countries + o, sizeof(m->countries) - o,
                               "%s%s", o > 0 ? "," : "", code);
    }
    cJSON_Delete(arr);
    return SOUK_OK;
}

static int
ord_rates_take(ord_method_t *m, const cJSON *v)
{
    const cJSON  *e, *c;
    size_t        i;

    m->nrates = 0;
    if (v == NULL || cJSON_IsNull(v)) {
        return SOUK_OK;
    }
    if (!cJSON_IsArray(v) || cJSON_GetArraySize(v) > ORD_RATES_MAX) {
        return ord_bad(m, 400, "a list of at most 200 {country, "
                       "max_weight_g, price}", "Rates");
    }
    cJSON_ArrayForEach(e, v) {
        c = cJSON_GetObjectItemCaseSensitive(e, "country");
        if (!cJSON_IsString(c) || (strcmp(c->valuestring, "*") != 0
                                   && (strlen(c->valuestring) != 2)))
        {
            return ord_bad(m, 400, "country is a two-letter code or *",
                           "Rates");
        }
        for (i = 0; i < 3 && c->valuestring[i] != '\0'; i++) {
            m->rates[m->nrates].country[i] =
                (char) toupper((unsigned char) c->valuestring[i]);
        }
        m->rates[m->nrates].country[i] = '\0';
        if (strcmp(m->rates[m->nrates].country, "*") != 0
            && !ord_country_known(m->rates[m->nrates].country))
        {
            return ord_bad(m, 400, "a country code we do not know",
                           "Rates");
        }
        if (souk_json_int(cJSON_GetObjectItemCaseSensitive(e,
                          "max_weight_g"), 1, INT64_C(100000000),
                          &m->rates[m->nrates].max_weight_g) != SOUK_OK)
        {
            return ord_bad(m, 400, "max_weight_g is a whole number of "
                           "grams above 0", "Rates");
        }
        if (souk_json_int(cJSON_GetObjectItemCaseSensitive(e, "price"), 0,
                          ORD_MONEY_MAX, &m->rates[m->nrates].price)
            != SOUK_OK)
        {
            return ord_bad(m, 400, "price is whole minor units, 0 or more",
                           "Rates");
        }
        m->nrates++;
    }
    return SOUK_OK;
}

/* The warehouse a pickup method names: {"warehouse": "CODE"} or
 * {"warehouse_id": N}; it must exist and be active. */
static int
ord_warehouse_take(ord_method_t *m, const cJSON *doc)
{
    const cJSON  *v = cJSON_GetObjectItemCaseSensitive(doc, "warehouse");
    const cJSON  *id = cJSON_GetObjectItemCaseSensitive(doc, "warehouse_id");
    souk_stmt_t  *st;
    int64_t       n = 0;

    if (strcmp(m->kind, "pickup") != 0) {
        m->warehouse_id = 0;
        return SOUK_OK;
    }
    if (cJSON_IsString(v)) {
        st = souk_db_row(souk_db(m->r), "SELECT id FROM catalog_warehouses "
                         "WHERE code = ? AND active = 1", "t",
                         v->valuestring);
    } else if (souk_json_int(id, 1, INT64_MAX, &n) == SOUK_OK) {
        st = souk_db_row(souk_db(m->r), "SELECT id FROM catalog_warehouses "
                         "WHERE id = ? AND active = 1", "i", n);
    } else if (m->warehouse_id > 0 && v == NULL && id == NULL) {
        return SOUK_OK;             /* an update keeps the store */
    } else {
        return ord_bad(m, 400, "a pickup method needs the code of the "
                       "store's warehouse", "Warehouse");
    }
    if (st == NULL) {
        if (souk_db_error(souk_db(m->r))[0] != '\0') {
            return SOUK_ERROR;
        }
        return ord_bad(m, 400, "no such active warehouse", "Warehouse");
    }
    m->warehouse_id = souk_stmt_int(st, 0);
    souk_stmt_reset(st);
    return SOUK_OK;
}

int
ord_bool_take(const cJSON *v, int dflt, int *out)
{
    if (v == NULL || cJSON_IsNull(v)) {
        *out = dflt;
    } else if (cJSON_IsBool(v)) {
        *out = cJSON_IsTrue(v);
    } else if (cJSON_IsNumber(v) && (v->valuedouble == 0
                                     || v->valuedouble == 1))
    {
        *out = v->valuedouble == 1;
    } else {
        return SOUK_DECLINED;
    }
    return SOUK_OK;
}

/* A whole number member in [min, max], dflt when absent. */
static int
ord_int_take(const cJSON *doc, const char *key, int64_t min, int64_t max,
    int64_t dflt, int64_t *out)
{
    const cJSON  *v = cJSON_GetObjectItemCaseSensitive(doc, key);

    if (v == NULL || cJSON_IsNull(v)) {
        *out = dflt;
        return SOUK_OK;
    }
    return souk_json_int(v, min, max, out);
}

static int
ord_method_take(ord_method_t *m, const cJSON *doc)
{
    const cJSON  *v;

    if (!cJSON_IsObject(doc)) {
        return ord_bad(m, 400, "a JSON object is required", "Body");
    }
    if (!ord_plain(cJSON_GetObjectItemCaseSensitive(doc, "code"),
                   ORD_CODE_LEN - 1, m->code) || !ord_code_ok(m->code))
    {
        return ord_bad(m, 400, "1 to 32 of a-z, 0-9, _ and -", "Code");
    }
    if (!ord_plain(cJSON_GetObjectItemCaseSensitive(doc, "name"), 200,
                   m->name))
    {
        return ord_bad(m, 400, "1 to 200 characters", "Name");
    }
    v = cJSON_GetObjectItemCaseSensitive(doc, "kind");
    if (!cJSON_IsString(v) || (strcmp(v->valuestring, "flat") != 0
                               && strcmp(v->valuestring, "table") != 0
                               && strcmp(v->valuestring, "pickup") != 0))
    {
        return ord_bad(m, 400, "flat, table or pickup", "Kind");
    }
    snprintf(m->kind, sizeof(m->kind), "%s", v->valuestring);
    if (ord_int_take(doc, "price", 0, ORD_MONEY_MAX, 0, &m->price)
        != SOUK_OK)
    {
        return ord_bad(m, 400, "whole minor units, 0 or more", "Price");
    }
    if (ord_int_take(doc, "free_over", 0, ORD_MONEY_MAX, 0, &m->free_over)
        != SOUK_OK)
    {
        return ord_bad(m, 400, "whole minor units, 0 (never) or more",
                       "Free over");
    }
    if (ord_int_take(doc, "position", -1000000, 1000000, 0, &m->position)
        != SOUK_OK)
    {
        return ord_bad(m, 400, "a whole number", "Position");
    }
    if (ord_bool_take(cJSON_GetObjectItemCaseSensitive(doc, "active"), 1,
                      &m->active) != SOUK_OK)
    {
        return ord_bad(m, 400, "true or false", "Active");
    }
    if (ord_countries_take(m, cJSON_GetObjectItemCaseSensitive(doc,
                           "countries")) != SOUK_OK
        || ord_rates_take(m, cJSON_GetObjectItemCaseSensitive(doc, "rates"))
           != SOUK_OK)
    {
        return SOUK_DECLINED;
    }
    if (m->nrates > 0 && strcmp(m->kind, "table") != 0) {
        return ord_bad(m, 400, "only table methods have rates", "Rates");
    }
    return ord_warehouse_take(m, doc);
}

/* The row and its rates, in one transaction. */
static int
ord_method_tx(souk_db_t *db, void *arg)
{
    ord_method_t  *m = arg;
    souk_stmt_t   *st;
    int64_t        i;
    int            rc;

    st = souk_db_row(db, "SELECT id FROM order_shipping_methods WHERE "
                     "site_id = ? AND code = ? AND id <> ?", "tti",
                     souk_site_id(m->r), m->code, m->id);
    if (st != NULL) {
        souk_stmt_reset(st);
        return ord_bad(m, 409, "already used by another method", "Code");
    }
    if (souk_db_error(db)[0] != '\0') {
        return SOUK_ERROR;
    }
    if (m->id == 0) {
        rc = souk_db_exec(db, "INSERT INTO order_shipping_methods (site_id, "
                          "code, name, kind, price, free_over, countries, "
                          "warehouse_id, active, position) VALUES (?, ?, ?, "
                          "?, ?, ?, ?, ?, ?, ?)", "ttttiitiii",
                          souk_site_id(m->r), m->code, m->name, m->kind,
                          m->price, m->free_over, m->countries,
                          m->warehouse_id, (int64_t) m->active, m->position);
        m->id = souk_db_last_id(db);
    } else {
        rc = souk_db_exec(db, "UPDATE order_shipping_methods SET code = ?, "
                          "name = ?, kind = ?, price = ?, free_over = ?, "
                          "countries = ?, warehouse_id = ?, active = ?, "
                          "position = ? WHERE id = ? AND site_id = ?",
                          "tttiitiiiit", m->code, m->name, m->kind,
                          m->price, m->free_over, m->countries,
                          m->warehouse_id, (int64_t) m->active, m->position,
                          m->id, souk_site_id(m->r));
    }
    if (rc != SOUK_OK
        || (m->warehouse_id == 0
            && souk_db_exec(db, "UPDATE order_shipping_methods SET "
                            "warehouse_id = NULL WHERE id = ?", "i", m->id)
               != SOUK_OK)
        || souk_db_exec(db, "DELETE FROM order_shipping_rates WHERE "
                        "method_id = ?", "i", m->id) != SOUK_OK)
    {
        return SOUK_ERROR;
    }
    for (i = 0; i < m->nrates; i++) {
        if (souk_db_exec(db, "INSERT INTO order_shipping_rates (method_id, "
                         "country, max_weight_g, price) VALUES (?, ?, ?, ?)",
                         "itii", m->id, m->rates[i].country,
                         m->rates[i].max_weight_g, m->rates[i].price)
            != SOUK_OK)
        {
            return SOUK_ERROR;
        }
    }
    return SOUK_OK;
}

/* Overlays doc's members on a copy of the stored document (PUT changes
 * only what it names; "rates" replaces the whole list). */
cJSON *
ord_merge(const cJSON *stored, const cJSON *doc)
{
    cJSON        *out = cJSON_Duplicate(stored, 1);
    const cJSON  *v;

    if (!cJSON_IsObject(doc)) {
        cJSON_Delete(out);
        return cJSON_Duplicate(doc, 1);
    }
    cJSON_ArrayForEach(v, doc) {
        cJSON_DeleteItemFromObjectCaseSensitive(out, v->string);
        cJSON_AddItemToObject(out, v->string, cJSON_Duplicate(v, 1));
    }
    return out;
}

int
ord_method_save(souk_request_t *r, const cJSON *doc, int64_t id,
    int64_t *out_id, char *why, size_t whylen)
{
    ord_method_t  *m;
    cJSON         *stored = NULL, *merged;
    int            rc;

    m = souk_pcalloc(souk_request_pool(r), sizeof(*m));
    m->r = r;
    m->why = why;
    m->whylen = whylen;
    if (id > 0) {
        stored = ord_methods_list(r, id);
        if (stored == NULL) {
            return SOUK_ERROR;
        }
        if (cJSON_GetArraySize(stored) == 0) {
            cJSON_Delete(stored);
            ord_decline(why, whylen, "no such shipping method");
            return 404;
        }
        m->id = id;
    }
    merged = id > 0 ? ord_merge(stored->child, doc) : cJSON_Duplicate(doc,
                                                                       1);
    cJSON_Delete(stored);
    rc = ord_method_take(m, merged);
    cJSON_Delete(merged);
    if (rc == SOUK_OK) {
        rc = souk_db_tx(souk_db(r), ord_method_tx, m);
    }
    if (rc == SOUK_DECLINED) {
        return m->status;
    }
    *out_id = m->id;
    return rc;
}

int
ord_method_delete(souk_request_t *r, int64_t id)
{
    if (souk_db_exec(souk_db(r), "DELETE FROM order_shipping_methods WHERE "
                     "id = ? AND site_id = ?", "it", id, souk_site_id(r))
        != SOUK_OK)
    {
        return SOUK_ERROR;
    }
    if (souk_db_changes(souk_db(r)) == 0) {
        return SOUK_DECLINED;
    }
    /* Not every engine cascades without foreign keys switched on. */
    return souk_db_exec(souk_db(r), "DELETE FROM order_shipping_rates WHERE "
                        "method_id = ?", "i", id);
}

/* ---------- the API ---------- */

static int64_t
ord_param_id(souk_request_t *r)
{
    int64_t  id;

    return souk_int_parse(souk_request_param(r, "id"), 1, INT64_MAX, &id)
           == SOUK_OK ? id : 0;
}

/* Answers the one row (key: shipping_method or tax_rule) or 404. */
static int
ord_api_one(souk_request_t *r, int tax, int64_t id, int status)
{
    cJSON  *rows = tax ? ord_tax_list(r, id) : ord_methods_list(r, id), *m;

    if (rows == NULL) {
        return SOUK_ERROR;
    }
    if (cJSON_GetArraySize(rows) == 0) {
        cJSON_Delete(rows);
        return souk_error(r, 404, tax ? "no such tax rule"
                                      : "no such shipping method");
    }
    m = souk_view_new(r, tax ? "tax_rule" : "shipping_method");
    cJSON_AddItemToObject(m, tax ? "tax_rule" : "shipping_method",
                          cJSON_DetachItemViaPointer(rows, rows->child));
    cJSON_Delete(rows);
    return status;
}

static int
ord_api_list(souk_request_t *r, void *data)
{
    int     tax = data != NULL;
    cJSON  *rows = tax ? ord_tax_list(r, 0) : ord_methods_list(r, 0), *m;

    if (rows == NULL) {
        return SOUK_ERROR;
    }
    m = souk_view_new(r, tax ? "tax_rules" : "shipping_methods");
    cJSON_AddItemToObject(m, tax ? "tax_rules" : "shipping_methods", rows);
    return 200;
}

static int
ord_api_save(souk_request_t *r, void *data)
{
    int       tax = data != NULL, rc;
    int64_t   id = 0, out = 0;
    char      why[ORD_WHY];

    if (souk_request_method(r) == SOUK_PUT
        && (id = ord_param_id(r)) == 0)
    {
        return souk_error(r, 404, "no such row");
    }
    why[0] = '\0';
    rc = tax ? ord_tax_save(r, souk_request_json(r), id, &out, why,
                            sizeof(why))
             : ord_method_save(r, souk_request_json(r), id, &out, why,
                               sizeof(why));
    if (rc == SOUK_ERROR) {
        return SOUK_ERROR;
    }
    if (rc != SOUK_OK) {
        return souk_error(r, rc, "%s", why);
    }
    return ord_api_one(r, tax, out, id > 0 ? 200 : 201);
}

static int
ord_api_get(souk_request_t *r, void *data)
{
    int64_t  id = ord_param_id(r);

    return id > 0 ? ord_api_one(r, data != NULL, id, 200)
                  : souk_error(r, 404, "no such row");
}

static int
ord_api_delete(souk_request_t *r, void *data)
{
    int64_t  id = ord_param_id(r);
    int      rc;
    cJSON   *m;

    rc = id > 0 ? (data != NULL ? ord_tax_delete(r, id)
                                : ord_method_delete(r, id))
                : SOUK_DECLINED;
    if (rc == SOUK_ERROR) {
        return SOUK_ERROR;
    }
    if (rc != SOUK_OK) {
        return souk_error(r, 404, data != NULL ? "no such tax rule"
                                               : "no such shipping method");
    }
    m = souk_view_new(r, "deleted");
    cJSON_AddNumberToObject(m, "deleted", (double) id);
    return 200;
}

#define ORD_ID  "/{id:[1-9][0-9]{0,17}}"

int
ord_setup_api_init(souk_plugin_ctx_t *ctx)
{
    static const char *const  bases[] = { "/api/v1/shipping-methods",
                                          "/api/v1/tax-rules" };
    static int                tax_tag;
    char                      one[64];
    size_t                    i;
    void                     *tag;

    for (i = 0; i < 2; i++) {
        tag = i == 1 ? &tax_tag : NULL;
        snprintf(one, sizeof(one), "%s%s", bases[i], ORD_ID);
        if (souk_route_add(ctx, SOUK_GET, bases[i], ord_api_list, tag)
            != SOUK_OK
            || souk_route_permission(ctx, "orders.settings") != SOUK_OK
            || souk_route_add(ctx, SOUK_POST, bases[i], ord_api_save, tag)
               != SOUK_OK
            || souk_route_permission(ctx, "orders.settings") != SOUK_OK
            || souk_route_add(ctx, SOUK_GET, one, ord_api_get, tag)
               != SOUK_OK
            || souk_route_permission(ctx, "orders.settings") != SOUK_OK
            || souk_route_add(ctx, SOUK_PUT, one, ord_api_save, tag)
               != SOUK_OK
            || souk_route_permission(ctx, "orders.settings") != SOUK_OK
            || souk_route_add(ctx, SOUK_DELETE, one, ord_api_delete, tag)
               != SOUK_OK
            || souk_route_permission(ctx, "orders.settings") != SOUK_OK)
        {
            return SOUK_ERROR;
        }
    }
    return SOUK_OK;
}

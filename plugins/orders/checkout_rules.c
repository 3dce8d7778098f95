/* Shipping options and tax rules for a destination, read from the
 * site's order_shipping_methods, order_shipping_rates and order_tax_rules;
 * small helpers the checkout's files share. */
#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "checkout.h"

/* ---------- helpers ---------- */

const char *
ord_jstr(const cJSON *o, const char *key)
{
    const cJSON  *v = cJSON_GetObjectItemCaseSensitive(o, key);

    return cJSON_IsString(v) ? v->valuestring : "";
}

int64_t
ord_jint(const cJSON *o, const char *key)
{
    const cJSON  *v = cJSON_GetObjectItemCaseSensitive(o, key);

    return cJSON_IsNumber(v) ? (int64_t) v->valuedouble : 0;
}

const char *
ord_url(souk_request_t *r, const char *fmt, ...)
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
ord_form(souk_request_t *r, const char *name)
{
    const char  *v = souk_request_form(r, name);
    size_t       n;

    if (v == NULL) {
        return NULL;
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

/* ---------- shipping ---------- */

/* Non-zero when list ("DE,FR" or "" for anywhere) holds country. */
static int
ord_ships_to(const char *list, const char *country)
{
    size_t       n = strlen(country);
    const char  *p = list;

    if (list[0] == '\0') {
        return 1;
    }
    while ((p = strstr(p, country)) != NULL) {
        if ((p == list || p[-1] == ',' || p[-1] == ' ')
            && (p[n] == '\0' || p[n] == ',' || p[n] == ' '))
        {
            return 1;
        }
        p += n;
    }
    return 0;
}

/* The site's active methods, in position order, as JSON rows; read
 * whole before any rate is looked up, so no two statements interleave. */
static cJSON *
ord_methods_read(souk_request_t *r, int64_t *all)
{
    souk_stmt_t  *st;
    cJSON        *rows, *m;
    int           rc;

    st = souk_db_row(souk_db(r), "SELECT COUNT(*) FROM "
                     "order_shipping_methods WHERE site_id = ?", "t",
                     souk_site_id(r));
    if (st == NULL) {
        return NULL;
    }
    *all = souk_stmt_int(st, 0);
    souk_stmt_reset(st);
    st = souk_db_prepare(souk_db(r), "SELECT m.id, m.code, m.name, m.kind, "
        "m.price, m.free_over, m.countries, m.warehouse_id, w.name, "
        "w.line1, w.city FROM order_shipping_methods m LEFT JOIN "
        "catalog_warehouses w ON w.id = m.warehouse_id WHERE m.site_id = ? "
        "AND m.active = 1 ORDER BY m.position, m.id");
    if (st == NULL) {
        return NULL;
    }
    souk_stmt_bind_text(st, 1, souk_site_id(r), -1);
    rows = cJSON_CreateArray();
    while ((rc = souk_stmt_step(st)) == SOUK_ROW) {
        m = cJSON_CreateObject();
        cJSON_AddNumberToObject(m, "id", (double) souk_stmt_int(st, 0));
        cJSON_AddStringToObject(m, "code", souk_stmt_text(st, 1));
        cJSON_AddStringToObject(m, "name", souk_stmt_text(st, 2));
        cJSON_AddStringToObject(m, "kind", souk_stmt_text(st, 3));
        cJSON_AddNumberToObject(m, "price", (double) souk_stmt_int(st, 4));
        cJSON_AddNumberToObject(m, "free_over", (double) souk_stmt_int(st,
                                                                       5));
        cJSON_AddStringToObject(m, "countries", souk_stmt_text(st, 6));
        if (!souk_stmt_is_null(st, 7)) {
            cJSON_AddNumberToObject(m, "warehouse_id",
                                    (double) souk_stmt_int(st, 7));
            cJSON_AddStringToObject(m, "pickup_at", souk_psprintf(
                souk_request_pool(r), "%s%s%s%s%s", souk_stmt_text(st, 8),
                souk_stmt_text(st, 9)[0] ? ", " : "", souk_stmt_text(st, 9),
                souk_stmt_text(st, 10)[0] ? ", " : "",
                souk_stmt_text(st, 10)));
        }
        cJSON_AddItemToArray(rows, m);
    }
    if (rc != SOUK_DONE) {
        cJSON_Delete(rows);
        return NULL;
    }
    return rows;
}

/* The table rate for the parcel: a row for the country beats '*'; the
 * lowest band that holds the weight. SOUK_OK, SOUK_DECLINED (none). */
static int
ord_table_rate(souk_request_t *r, int64_t method_id, const char *country,
    int64_t weight_g, int64_t *price)
{
    souk_stmt_t  *st;

    st = souk_db_row(souk_db(r), "SELECT price FROM order_shipping_rates "
                     "WHERE method_id = ? AND (country = ? OR country = '*') "
                     "AND max_weight_g >= ? ORDER BY CASE WHEN country = '*' "
                     "THEN 1 ELSE 0 END, max_weight_g, id LIMIT 1", "iti",
                     method_id, country, weight_g);
    if (st == NULL) {
        return souk_db_error(souk_db(r))[0] == '\0' ? SOUK_DECLINED
                                                    : SOUK_ERROR;
    }
    *price = souk_stmt_int(st, 0);
    souk_stmt_reset(st);
    return SOUK_OK;
}

static cJSON *
ord_builtin_standard(souk_request_t *r, const char *currency)
{
    const char  *v = souk_setting(r, "orders.flat_rate");
    int64_t      price = 0;
    cJSON       *o;

    if (v != NULL && v[0] != '\0'
        && souk_money_parse(v, currency, &price) != SOUK_OK)
    {
        souk_log(r, SOUK_LOG_WARN, "orders.flat_rate \"%s\" is not an "
                 "amount of %s: shipping is free", v, currency);
        price = 0;
    }
    o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "code", "standard");
    cJSON_AddStringToObject(o, "name", "Standard delivery");
    cJSON_AddStringToObject(o, "kind", "flat");
    cJSON_AddNumberToObject(o, "price", (double) price);
    return o;
}

cJSON *
ord_shipping_options(souk_request_t *r, const char *country,
    int64_t weight_g, int64_t goods, const char *currency)
{
    cJSON        *rows, *out, *m, *next;
    int64_t       all = 0, price, free_over;
    int           rc;

    if ((rows = ord_methods_read(r, &all)) == NULL) {
        return NULL;
    }
    out = cJSON_CreateArray();
    if (all == 0) {
        cJSON_AddItemToArray(out, ord_builtin_standard(r, currency));
    }
    for (m = rows->child; m != NULL; m = next) {
        next = m->next;
        if (!ord_ships_to(ord_jstr(m, "countries"), country)) {
            continue;
        }
        price = ord_jint(m, "price");
        if (strcmp(ord_jstr(m, "kind"), "table") == 0) {
            rc = ord_table_rate(r, ord_jint(m, "id"), country, weight_g,
                                &price);
            if (rc == SOUK_ERROR) {
                cJSON_Delete(rows);
                cJSON_Delete(out);
                return NULL;
            }
            if (rc != SOUK_OK) {
                continue;           /* no band carries this parcel there */
            }
        }
        free_over = ord_jint(m, "free_over");
        cJSON_AddBoolToObject(m, "free", free_over > 0 && goods >= free_over);
        if (free_over > 0 && goods >= free_over) {
            price = 0;
        }
        cJSON_ReplaceItemInObjectCaseSensitive(m, "price",
                                               cJSON_CreateNumber(
                                                   (double) price));
        cJSON_DeleteItemFromObjectCaseSensitive(m, "countries");
        cJSON_DeleteItemFromObjectCaseSensitive(m, "id");
        cJSON_AddItemToArray(out, cJSON_DetachItemViaPointer(rows, m));
    }
    cJSON_Delete(rows);
    return out;
}

/* ---------- tax ---------- */

int
ord_tax_rule_find(souk_request_t *r, const char *country,
    const char *region, ord_tax_rule_t *rule)
{
    souk_stmt_t  *st;
    char          reg[65];
    size_t        i;

    memset(rule, 0, sizeof(*rule));
    for (i = 0; region[i] != '\0' && i + 1 < sizeof(reg); i++) {
        reg[i] = (char) toupper((unsigned char) region[i]);
    }
    reg[i] = '\0';
    /* A region's own row sorts first (its region is not ''). */
    st = souk_db_row(souk_db(r), "SELECT rate_bp, shipping, name FROM "
                     "order_tax_rules WHERE site_id = ? AND country = ? AND "
                     "(region = ? OR region = '') ORDER BY CASE WHEN "
                     "region = '' THEN 1 ELSE 0 END LIMIT 1", "ttt",
                     souk_site_id(r), country, reg);
    if (st == NULL) {
        return souk_db_error(souk_db(r))[0] == '\0' ? SOUK_OK : SOUK_ERROR;
    }
    rule->found = 1;
    rule->rate_bp = souk_stmt_int(st, 0);
    rule->shipping = souk_stmt_int(st, 1) != 0;
    snprintf(rule->name, sizeof(rule->name), "%s", souk_stmt_text(st, 2));
    souk_stmt_reset(st);
    return SOUK_OK;
}

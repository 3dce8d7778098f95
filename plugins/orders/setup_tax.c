/* Tax rules of a site: listing, checking and saving them for the
 * set-up pages and the staff API (a region row beats its country's). */
#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include "checkout.h"

cJSON *
ord_tax_list(souk_request_t *r, int64_t id)
{
    souk_stmt_t  *st;
    cJSON        *arr = cJSON_CreateArray(), *o;

    st = souk_db_prepare(souk_db(r), "SELECT id, country, region, name, "
                         "rate_bp, shipping FROM order_tax_rules WHERE "
                         "site_id = ? AND (? = 0 OR id = ?) ORDER BY country, "
                         "region, id");
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
        cJSON_AddStringToObject(o, "country", souk_stmt_text(st, 1));
        cJSON_AddStringToObject(o, "region", souk_stmt_text(st, 2));
        cJSON_AddStringToObject(o, "name", souk_stmt_text(st, 3));
        cJSON_AddNumberToObject(o, "rate_bp", (double) souk_stmt_int(st, 4));
        cJSON_AddBoolToObject(o, "shipping", souk_stmt_int(st, 5) != 0);
        cJSON_AddItemToArray(arr, o);
    }
    return arr;
}

/* ---------- tax rules ---------- */

typedef struct {
    souk_request_t  *r;
    int64_t          id;
    char             country[3];
    char             region[65];
    char             name[101];
    int64_t          rate_bp;
    int              shipping;
    int              status;
    char            *why;
    size_t           whylen;
} ord_tax_t;

static int
ord_tbad(ord_tax_t *t, int status, const char *field, const char *msg)
{
    t->status = status;
    return ord_decline(t->why, t->whylen, "%s: %s", field, msg);
}

static int
ord_tax_take(ord_tax_t *t, const cJSON *doc)
{
    const cJSON  *v;
    size_t        i;

    if (!cJSON_IsObject(doc)) {
        return ord_tbad(t, 400, "Body", "a JSON object is required");
    }
    v = cJSON_GetObjectItemCaseSensitive(doc, "country");
    if (!ord_plain(v, 2, t->country) || strlen(t->country) != 2) {
        return ord_tbad(t, 400, "Country", "a two-letter country code");
    }
    for (i = 0; i < 2; i++) {
        t->country[i] = (char) toupper((unsigned char) t->country[i]);
    }
    if (!ord_country_known(t->country)) {
        return ord_tbad(t, 400, "Country", "not a country code we know");
    }
    v = cJSON_GetObjectItemCaseSensitive(doc, "region");
    t->region[0] = '\0';
    if (v != NULL && !cJSON_IsNull(v)
        && !(cJSON_IsString(v) && v->valuestring[0] == '\0')
        && !ord_plain(v, 64, t->region))
    {
        return ord_tbad(t, 400, "Region", "at most 64 characters");
    }
    for (i = 0; t->region[i] != '\0'; i++) {
        t->region[i] = (char) toupper((unsigned char) t->region[i]);
    }
    if (!ord_plain(cJSON_GetObjectItemCaseSensitive(doc, "name"), 100,
                   t->name))
    {
        return ord_tbad(t, 400, "Name", "1 to 100 characters (\"VAT\")");
    }
    if (souk_json_int(cJSON_GetObjectItemCaseSensitive(doc, "rate_bp"), 0,
                      10000, &t->rate_bp) != SOUK_OK)
    {
        return ord_tbad(t, 400, "Rate", "rate_bp is basis points, 0 to "
                        "10000 (2000 = 20 %)");
    }
    if (ord_bool_take(cJSON_GetObjectItemCaseSensitive(doc, "shipping"), 1,
                      &t->shipping) != SOUK_OK)
    {
        return ord_tbad(t, 400, "Shipping", "true or false");
    }
    return SOUK_OK;
}

static int
ord_tax_tx(souk_db_t *db, void *arg)
{
    ord_tax_t    *t = arg;
    souk_stmt_t  *st;
    int           rc;

    st = souk_db_row(db, "SELECT id FROM order_tax_rules WHERE site_id = ? "
                     "AND country = ? AND region = ? AND id <> ?", "ttti",
                     souk_site_id(t->r), t->country, t->region, t->id);
    if (st != NULL) {
        souk_stmt_reset(st);
        return ord_tbad(t, 409, "Country", "there is already a rule for "
                        "this country and region");
    }
    if (souk_db_error(db)[0] != '\0') {
        return SOUK_ERROR;
    }
    if (t->id == 0) {
        rc = souk_db_exec(db, "INSERT INTO order_tax_rules (site_id, "
                          "country, region, name, rate_bp, shipping) VALUES "
                          "(?, ?, ?, ?, ?, ?)", "ttttii", souk_site_id(t->r),
                          t->country, t->region, t->name, t->rate_bp,
                          (int64_t) t->shipping);
        t->id = souk_db_last_id(db);
        return rc;
    }
    return souk_db_exec(db, "UPDATE order_tax_rules SET country = ?, "
                        "region = ?, name = ?, rate_bp = ?, shipping = ? "
                        "WHERE id = ? AND site_id = ?", "tttiiit",
                        t->country, t->region, t->name, t->rate_bp,
                        (int64_t) t->shipping, t->id, souk_site_id(t->r));
}

int
ord_tax_save(souk_request_t *r, const cJSON *doc, int64_t id,
    int64_t *out_id, char *why, size_t whylen)
{
    ord_tax_t  *t;
    cJSON      *stored = NULL, *merged;
    int         rc;

    t = souk_pcalloc(souk_request_pool(r), sizeof(*t));
    t->r = r;
    t->why = why;
    t->whylen = whylen;
    if (id > 0) {
        if ((stored = ord_tax_list(r, id)) == NULL) {
            return SOUK_ERROR;
        }
        if (cJSON_GetArraySize(stored) == 0) {
            cJSON_Delete(stored);
            ord_decline(why, whylen, "no such tax rule");
            return 404;
        }
        t->id = id;
    }
    merged = id > 0 ? ord_merge(stored->child, doc) : cJSON_Duplicate(doc,
                                                                       1);
    cJSON_Delete(stored);
    rc = ord_tax_take(t, merged);
    cJSON_Delete(merged);
    if (rc == SOUK_OK) {
        rc = souk_db_tx(souk_db(r), ord_tax_tx, t);
    }
    if (rc == SOUK_DECLINED) {
        return t->status;
    }
    *out_id = t->id;
    return rc;
}

int
ord_tax_delete(souk_request_t *r, int64_t id)
{
    if (souk_db_exec(souk_db(r), "DELETE FROM order_tax_rules WHERE id = ? "
                     "AND site_id = ?", "it", id, souk_site_id(r))
        != SOUK_OK)
    {
        return SOUK_ERROR;
    }
    return souk_db_changes(souk_db(r)) > 0 ? SOUK_OK : SOUK_DECLINED;
}


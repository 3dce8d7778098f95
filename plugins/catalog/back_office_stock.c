/* The back office's category tree, warehouses and goods receipts: lists,
 * add/edit forms (a refused one comes back with the fields marked) and
 * receiving goods through cat_stock_receive. */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "back_office.h"

#define CBO_RECEIPTS_MAX  50
#define CBO_RECEIPT_LINES 500

/* A form field of the admin partial, with its posted value and error. */
static cJSON *
cbo_ffield(const char *kind, const char *name, const char *label,
    const cJSON *values, const cJSON *errors, int required)
{
    const cJSON  *e = cJSON_GetObjectItemCaseSensitive(errors, name);
    cJSON        *f = souk_ui_field(kind, name, label, cbo_str(values, name),
                                  cJSON_IsString(e) ? e->valuestring : NULL);

    if (required) {
        cJSON_ReplaceItemInObjectCaseSensitive(f, "required",
                                               cJSON_CreateTrue());
    }
    return f;
}

static cJSON *
cbo_values(souk_request_t *r, const char *const *names)
{
    cJSON   *o = cJSON_CreateObject();
    size_t   i;

    for (i = 0; names[i] != NULL; i++) {
        cJSON_AddStringToObject(o, names[i], cbo_form(r, names[i]));
    }
    return o;
}

/* ---------- categories ---------- */

static const char *const  cbo_cat_names[] = { "slug", "name", "parent",
    "position", "description", "seo_title", "seo_description", NULL };

static void
cbo_flatten(souk_request_t *r, cJSON *out, const cJSON *tree, int depth)
{
    const cJSON  *c, *id;
    cJSON        *o;

    cJSON_ArrayForEach(c, tree) {
        id = cJSON_GetObjectItemCaseSensitive(c, "id");
        o = cJSON_CreateObject();
        cJSON_AddNumberToObject(o, "id", cJSON_IsNumber(id)
                                ? id->valuedouble : 0);
        cJSON_AddStringToObject(o, "slug", cbo_str(c, "slug"));
        cJSON_AddStringToObject(o, "name", cbo_str(c, "name"));
        cJSON_AddNumberToObject(o, "depth", depth);
        cJSON_AddStringToObject(o, "edit", cbo_url(r, "/admin/catalog/"
            "categories?edit=%lld", (long long) (cJSON_IsNumber(id)
                                                 ? id->valuedouble : 0)));
        cJSON_AddStringToObject(o, "products", cbo_url(r, "/admin/catalog/"
            "products?category=%s", cbo_str(c, "slug")));
        cJSON_AddItemToArray(out, o);
        cbo_flatten(r, out, cJSON_GetObjectItemCaseSensitive(c, "children"),
                    depth + 1);
    }
}

/* The stored category as form values, or NULL when not of this group. */
static cJSON *
cbo_category_values(souk_request_t *r, int64_t id)
{
    souk_stmt_t  *st;
    cJSON        *o;

    st = souk_db_row(souk_db(r), "SELECT c.slug, c.name, p.slug, "
                     "c.position, c.description, c.seo_title, "
                     "c.seo_description FROM catalog_categories c LEFT JOIN "
                     "catalog_categories p ON p.id = c.parent_id WHERE "
                     "c.id = ? AND c.group_id = ?", "it", id,
                     souk_site_group(r));
    if (st == NULL) {
        return NULL;
    }
    o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "slug", souk_stmt_text(st, 0));
    cJSON_AddStringToObject(o, "name", souk_stmt_text(st, 1));
    cJSON_AddStringToObject(o, "parent", souk_stmt_is_null(st, 2) ? ""
                            : souk_stmt_text(st, 2));
    cJSON_AddStringToObject(o, "position", souk_psprintf(
        souk_request_pool(r), "%lld", (long long) souk_stmt_int(st, 3)));
    cJSON_AddStringToObject(o, "description", souk_stmt_text(st, 4));
    cJSON_AddStringToObject(o, "seo_title", souk_stmt_text(st, 5));
    cJSON_AddStringToObject(o, "seo_description", souk_stmt_text(st, 6));
    souk_stmt_reset(st);
    return o;
}

static int
cbo_categories_page(souk_request_t *r, int status, int64_t id,
    const cJSON *values, const cJSON *errors, const char *error)
{
    cJSON        *m, *rows, *tree, *fields, *f, *opts, *o;
    const cJSON  *c;

    m = cbo_page(r, "admin_catalog_categories", "Categories");
    souk_ui_crumb(m, "Categories", NULL);
    rows = cJSON_AddArrayToObject(m, "categories");
    tree = cat_category_tree(r);
    cbo_flatten(r, rows, tree, 0);
    cJSON_Delete(tree);
    cJSON_AddBoolToObject(m, "has_rows", cJSON_GetArraySize(rows) > 0);
    cJSON_AddBoolToObject(m, "can_edit", souk_user_can(r, "catalog.edit"));
    cJSON_AddBoolToObject(m, "editing", id > 0);

    fields = cJSON_CreateArray();
    cJSON_AddItemToArray(fields, cbo_ffield("text", "name", "Name", values,
                                            errors, 1));
    cJSON_AddItemToArray(fields, cbo_ffield("text", "slug", "Slug", values,
                                            errors, 1));
    f = cbo_ffield("select", "parent", "Parent", values, errors, 0);
    opts = cJSON_GetObjectItemCaseSensitive(f, "options");
    o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "value", "");
    cJSON_AddStringToObject(o, "label", "(none: a top-level category)");
    cJSON_AddBoolToObject(o, "selected", cbo_str(values, "parent")[0]
                                         == '\0');
    cJSON_AddItemToArray(opts, o);
    cJSON_ArrayForEach(c, rows) {
        o = cJSON_CreateObject();
        cJSON_AddStringToObject(o, "value", cbo_str(c, "slug"));
        cJSON_AddStringToObject(o, "label", souk_psprintf(
            souk_request_pool(r), "%*s%s", 2 * (int)
            cJSON_GetObjectItemCaseSensitive(c, "depth")->valuedouble, "",
            cbo_str(c, "name")));
        cJSON_AddBoolToObject(o, "selected", strcmp(cbo_str(values,
                              "parent"), cbo_str(c, "slug")) == 0);
        cJSON_AddItemToArray(opts, o);
    }
    cJSON_AddItemToArray(fields, f);
    cJSON_AddItemToArray(fields, cbo_ffield("number", "position",
                                            "Position", values, errors, 0));
    cJSON_AddItemToArray(fields, cbo_ffield("textarea", "description",
                                            "Description", values, errors,
                                            0));
    cJSON_AddItemToArray(fields, cbo_ffield("text", "seo_title",
                                            "Search engine title", values,
                                            errors, 0));
    cJSON_AddItemToArray(fields, cbo_ffield("text", "seo_description",
                                            "Search engine description",
                                            values, errors, 0));
    cJSON_AddItemToObject(m, "form", souk_ui_form("catalog-category",
        id > 0 ? cbo_url(r, "/admin/catalog/categories?edit=%lld",
                         (long long) id)
               : cbo_url(r, "/admin/catalog/categories"),
        id > 0 ? "Save the category" : "Add the category",
        souk_csrf_token(r), fields, error));
    return status;
}

int
cbo_categories(souk_request_t *r, void *data)
{
    int64_t   id = 0;
    cJSON    *values = NULL;
    int       rc;

    (void) data;
    if ((rc = cbo_guard(r, "catalog.view")) != 0) {
        return rc;
    }
    if (souk_request_query(r, "edit") != NULL) {
        if (souk_int_parse(souk_request_query(r, "edit"), 1, INT64_MAX, &id)
            != SOUK_OK
            || (values = cbo_category_values(r, id)) == NULL)
        {
            return souk_error(r, 404, "there is no such category");
        }
    }
    if (values == NULL) {
        values = cJSON_CreateObject();
    }
    souk_pool_json(souk_request_pool(r), values);
    return cbo_categories_page(r, 200, id, values, NULL, NULL);
}

int
cbo_categories_save(souk_request_t *r, void *data)
{
    cJSON        *values, *errors, *doc;
    int64_t       id = 0, n, out_id = 0;
    int           rc;
    char          why[CAT_WHY];

    (void) data;
    if ((rc = cbo_guard(r, "catalog.edit")) != 0) {
        return rc;
    }
    if (souk_request_query(r, "edit") != NULL
        && (souk_int_parse(souk_request_query(r, "edit"), 1, INT64_MAX, &id)
            != SOUK_OK || cbo_category_values(r, id) == NULL))
    {
        return souk_error(r, 404, "there is no such category");
    }
    values = souk_pool_json(souk_request_pool(r),
                            cbo_values(r, cbo_cat_names));
    errors = souk_pool_json(souk_request_pool(r), cJSON_CreateObject());
    doc = souk_pool_json(souk_request_pool(r), cJSON_CreateObject());
    if (!cat_slug_ok(cbo_str(values, "slug"))) {
        cJSON_AddStringToObject(errors, "slug", "A slug is lower-case "
                                "letters and digits joined by dashes.");
    }
    if (cbo_str(values, "name")[0] == '\0'
        || strlen(cbo_str(values, "name")) > 200)
    {
        cJSON_AddStringToObject(errors, "name", "Enter a name of 1 to 200 "
                                "characters.");
    }
    n = 0;
    if (cbo_str(values, "position")[0] != '\0'
        && souk_int_parse(cbo_str(values, "position"), -1000000, 1000000,
                         &n) != SOUK_OK)
    {
        cJSON_AddStringToObject(errors, "position", "The position is a "
                                "whole number.");
    }
    if (cJSON_GetArraySize(errors) > 0) {
        return cbo_categories_page(r, 422, id, values, errors, "Nothing was "
                                   "saved: check the fields marked below.");
    }
    cJSON_AddStringToObject(doc, "slug", cbo_str(values, "slug"));
    cJSON_AddStringToObject(doc, "name", cbo_str(values, "name"));
    if (cbo_str(values, "parent")[0] != '\0') {
        cJSON_AddStringToObject(doc, "parent", cbo_str(values, "parent"));
    } else {
        cJSON_AddNullToObject(doc, "parent");
    }
    cJSON_AddNumberToObject(doc, "position", (double) n);
    cbo_doc_texts(doc, values);
    why[0] = '\0';
    rc = cat_category_save(r, doc, id, &out_id, why, sizeof(why));
    if (rc == SOUK_ERROR) {
        return SOUK_ERROR;
    }
    if (rc != SOUK_OK) {
        return cbo_categories_page(r, 422, id, values, errors,
                                   souk_psprintf(souk_request_pool(r),
                                   "Nothing was saved: %s.", why));
    }
    return cbo_back(r, "/admin/catalog/categories", "ok",
                    id > 0 ? "Category saved." : "Category added.");
}

/* ---------- warehouses ---------- */

static const char *const  cbo_wh_names[] = { "code", "name", "line1",
    "line2", "city", "postcode", "country", "active", NULL };

static int
cbo_warehouses_page(souk_request_t *r, int status, int64_t id,
    const cJSON *values, const cJSON *errors, const char *error)
{
    cJSON  *m, *list, *fields;

    m = cbo_page(r, "admin_catalog_warehouses", "Warehouses");
    souk_ui_crumb(m, "Warehouses", NULL);
    list = cbo_warehouse_list(r);
    cJSON_AddBoolToObject(m, "has_rows", cJSON_GetArraySize(list) > 0);
    cJSON_AddItemToObject(m, "warehouses", list);
    cJSON_AddBoolToObject(m, "can_stock", souk_user_can(r, "catalog.stock"));
    cJSON_AddBoolToObject(m, "editing", id > 0);
    fields = cJSON_CreateArray();
    cJSON_AddItemToArray(fields, cbo_ffield("text", "code", "Code", values,
                                            errors, 1));
    cJSON_AddItemToArray(fields, cbo_ffield("text", "name", "Name", values,
                                            errors, 1));
    cJSON_AddItemToArray(fields, cbo_ffield("text", "line1", "Address",
                                            values, errors, 0));
    cJSON_AddItemToArray(fields, cbo_ffield("text", "line2",
                                            "Address (second line)", values,
                                            errors, 0));
    cJSON_AddItemToArray(fields, cbo_ffield("text", "city", "City", values,
                                            errors, 0));
    cJSON_AddItemToArray(fields, cbo_ffield("text", "postcode", "Postcode",
                                            values, errors, 0));
    cJSON_AddItemToArray(fields, cbo_ffield("text", "country",
                                            "Country (two letters)", values,
                                            errors, 0));
    cJSON_AddItemToArray(fields, cbo_ffield("checkbox", "active",
                                            "In use", values, errors, 0));
    cJSON_AddItemToObject(m, "form", souk_ui_form("catalog-warehouse",
        id > 0 ? cbo_url(r, "/admin/catalog/warehouses?edit=%lld",
                         (long long) id)
               : cbo_url(r, "/admin/catalog/warehouses"),
        id > 0 ? "Save the warehouse" : "Add the warehouse",
        souk_csrf_token(r), fields, error));
    return status;
}

/* The warehouse as form values, or NULL when there is none. */
static cJSON *
cbo_warehouse_values(souk_request_t *r, int64_t id)
{
    cJSON        *list = cbo_warehouse_list(r), *o = NULL;
    const cJSON  *w;
    size_t        i;

    cJSON_ArrayForEach(w, list) {
        if ((int64_t) cJSON_GetObjectItemCaseSensitive(w, "id")->valuedouble
            != id)
        {
            continue;
        }
        o = cJSON_CreateObject();
        for (i = 0; cbo_wh_names[i] != NULL; i++) {
            if (strcmp(cbo_wh_names[i], "active") == 0) {
                cJSON_AddStringToObject(o, "active", cJSON_IsTrue(
                    cJSON_GetObjectItemCaseSensitive(w, "active"))
                    ? "yes" : "no");
            } else {
                cJSON_AddStringToObject(o, cbo_wh_names[i],
                                        cbo_str(w, cbo_wh_names[i]));
            }
        }
    }
    cJSON_Delete(list);
    return o;
}

static int
cbo_edit_id(souk_request_t *r, int64_t *id)
{
    *id = 0;
    return souk_request_query(r, "edit") == NULL
           || souk_int_parse(souk_request_query(r, "edit"), 1, INT64_MAX, id)
              == SOUK_OK ? SOUK_OK : SOUK_DECLINED;
}

int
cbo_warehouses(souk_request_t *r, void *data)
{
    int64_t   id;
    cJSON    *values;
    int       rc;

    (void) data;
    if ((rc = cbo_guard(r, "catalog.view")) != 0) {
        return rc;
    }
    if (cbo_edit_id(r, &id) != SOUK_OK) {
        return souk_error(r, 404, "there is no such warehouse");
    }
    values = id > 0 ? cbo_warehouse_values(r, id) : cJSON_CreateObject();
    if (values == NULL) {
        return souk_error(r, 404, "there is no such warehouse");
    }
    if (id == 0) {
        cJSON_AddStringToObject(values, "active", "yes");
    }
    souk_pool_json(souk_request_pool(r), values);
    return cbo_warehouses_page(r, 200, id, values, NULL, NULL);
}

int
cbo_warehouses_save(souk_request_t *r, void *data)
{
    cJSON        *values, *errors, *doc;
    const cJSON  *v;
    int64_t       id, out_id = 0;
    int           rc;
    char          why[CAT_WHY];

    (void) data;
    if ((rc = cbo_guard(r, "catalog.stock")) != 0) {
        return rc;
    }
    if (cbo_edit_id(r, &id) != SOUK_OK
        || (id > 0 && souk_pool_json(souk_request_pool(r),
                                     cbo_warehouse_values(r, id)) == NULL))
    {
        return souk_error(r, 404, "there is no such warehouse");
    }
    values = souk_pool_json(souk_request_pool(r),
                            cbo_values(r, cbo_wh_names));
    errors = souk_pool_json(souk_request_pool(r), cJSON_CreateObject());
    if (cbo_str(values, "code")[0] == '\0'
        || strlen(cbo_str(values, "code")) > 32)
    {
        cJSON_AddStringToObject(errors, "code", "Enter a short code (1 to "
                                "32 characters).");
    }
    if (cbo_str(values, "name")[0] == '\0') {
        cJSON_AddStringToObject(errors, "name", "Enter a name.");
    }
    v = cJSON_GetObjectItemCaseSensitive(values, "country");
    if (v->valuestring[0] != '\0' && (strlen(v->valuestring) != 2
        || !isupper((unsigned char) v->valuestring[0])
        || !isupper((unsigned char) v->valuestring[1])))
    {
        cJSON_AddStringToObject(errors, "country", "Two capital letters, "
                                "as DE or FR.");
    }
    if (cJSON_GetArraySize(errors) > 0) {
        return cbo_warehouses_page(r, 422, id, values, errors, "Nothing was "
                                   "saved: check the fields marked below.");
    }
    doc = souk_pool_json(souk_request_pool(r), cJSON_Duplicate(values, 1));
    cJSON_ReplaceItemInObjectCaseSensitive(doc, "active", cJSON_CreateBool(
        strcmp(cbo_str(values, "active"), "yes") == 0));
    why[0] = '\0';
    rc = cat_warehouse_save(r, doc, id, &out_id, why, sizeof(why));
    if (rc == SOUK_ERROR) {
        return SOUK_ERROR;
    }
    if (rc != SOUK_OK) {
        return cbo_warehouses_page(r, 422, id, values, errors,
                                   souk_psprintf(souk_request_pool(r),
                                   "Nothing was saved: %s.", why));
    }
    return cbo_back(r, "/admin/catalog/warehouses", "ok",
                    id > 0 ? "Warehouse saved." : "Warehouse added.");
}

/* ---------- receipts ---------- */

/*
 * "SKU QUANTITY" lines (a space, tab, '=', ',' or ';' between) into
 * [{"sku","quantity"}]; the first bad line's number in *bad_line.
 */
static cJSON *
cbo_receipt_lines(const char *s, long *bad_line)
{
    cJSON       *out = cJSON_CreateArray(), *o;
    const char  *end;
    char        *p, line[200], sku[65], rest[64];
    long         n = 0;
    int64_t      q;

    *bad_line = 0;
    while (*s != '\0') {
        n++;
        end = strchr(s, '\n');
        if (end == NULL) {
            end = s + strlen(s);
        }
        snprintf(line, sizeof(line), "%.*s", (int) (end - s), s);
        s = *end != '\0' ? end + 1 : end;
        for (p = line; *p != '\0'; p++) {
            if (*p == '=' || *p == ',' || *p == ';' || *p == '\t'
                || *p == '\r')
            {
                *p = ' ';
            }
        }
        for (p = line; isspace((unsigned char) *p); p++) {
        }
        if (*p == '\0') {
            continue;
        }
        if (sscanf(p, "%64s %63s", sku, rest) != 2 || !cat_sku_ok(sku)
            || souk_int_parse(rest, 1, 1000000000, &q) != SOUK_OK
            || sscanf(p, "%*s %*s %1s", rest) == 1
            || cJSON_GetArraySize(out) >= CBO_RECEIPT_LINES)
        {
            *bad_line = n;
            return out;
        }
        o = cJSON_CreateObject();
        cJSON_AddStringToObject(o, "sku", sku);
        cJSON_AddNumberToObject(o, "quantity", (double) q);
        cJSON_AddItemToArray(out, o);
    }
    return out;
}

static cJSON *
cbo_receipt_rows(souk_request_t *r, int64_t wid)
{
    souk_stmt_t  *st;
    cJSON        *out = cJSON_CreateArray(), *o;

    st = souk_db_prepare(souk_db(r), "SELECT rc.id, rc.note, rc.created_at,"
        " COUNT(m.id), COALESCE(SUM(m.delta_on_hand), 0) FROM "
        "catalog_receipts rc JOIN catalog_stock_moves m ON m.receipt_id = "
        "rc.id JOIN catalog_variants v ON v.id = m.variant_id AND "
        "v.group_id = ? WHERE rc.warehouse_id = ? GROUP BY rc.id, rc.note, "
        "rc.created_at ORDER BY rc.id DESC LIMIT ?");
    if (st == NULL) {
        return out;
    }
    souk_stmt_bind_text(st, 1, souk_site_group(r), -1);
    souk_stmt_bind_int(st, 2, wid);
    souk_stmt_bind_int(st, 3, CBO_RECEIPTS_MAX);
    while (souk_stmt_step(st) == SOUK_ROW) {
        o = cJSON_CreateObject();
        cJSON_AddNumberToObject(o, "id", (double) souk_stmt_int(st, 0));
        cJSON_AddStringToObject(o, "note", souk_stmt_text(st, 1));
        cJSON_AddStringToObject(o, "at", cbo_time_text(r,
                                souk_stmt_int(st, 2)));
        cJSON_AddNumberToObject(o, "lines", (double) souk_stmt_int(st, 3));
        cJSON_AddNumberToObject(o, "units", (double) souk_stmt_int(st, 4));
        cJSON_AddItemToArray(out, o);
    }
    return out;
}

static int
cbo_receipts_page(souk_request_t *r, int status, int64_t wid,
    const cJSON *wh, const cJSON *values, const cJSON *errors,
    const char *error)
{
    cJSON  *m, *fields, *f, *rows;

    m = cbo_page(r, "admin_catalog_receipts", souk_psprintf(
        souk_request_pool(r), "Receipts: %s", cbo_str(wh, "name")));
    souk_ui_crumb(m, "Warehouses", cbo_url(r, "/admin/catalog/warehouses"));
    souk_ui_crumb(m, cbo_str(wh, "code"), NULL);
    cJSON_AddItemToObject(m, "warehouse", cJSON_Duplicate(wh, 1));
    rows = cbo_receipt_rows(r, wid);
    cJSON_AddBoolToObject(m, "has_rows", cJSON_GetArraySize(rows) > 0);
    cJSON_AddItemToObject(m, "receipts", rows);
    cJSON_AddBoolToObject(m, "can_stock", souk_user_can(r, "catalog.stock"));
    fields = cJSON_CreateArray();
    f = cbo_ffield("textarea", "lines", "Goods received", values, errors, 1);
    cJSON_ReplaceItemInObjectCaseSensitive(f, "help", cJSON_CreateString(
        "One SKU and a quantity a line, as \"SCARF-BLUE 12\"."));
    cJSON_AddItemToArray(fields, f);
    cJSON_AddItemToArray(fields, cbo_ffield("text", "note", "Note", values,
                                            errors, 0));
    cJSON_AddItemToObject(m, "form", souk_ui_form("catalog-receipt",
        cbo_url(r, "/admin/catalog/warehouses/%lld/receipts",
                (long long) wid), "Check the goods in", souk_csrf_token(r),
        fields, error));
    return status;
}

static cJSON *
cbo_warehouse_get(souk_request_t *r, int64_t wid)
{
    cJSON  *list = cbo_warehouse_list(r), *w, *out = NULL;

    cJSON_ArrayForEach(w, list) {
        if ((int64_t) cJSON_GetObjectItemCaseSensitive(w, "id")->valuedouble
            == wid)
        {
            out = cJSON_Duplicate(w, 1);
            break;
        }
    }
    cJSON_Delete(list);
    return out != NULL ? souk_pool_json(souk_request_pool(r), out) : NULL;
}

int
cbo_receipts(souk_request_t *r, void *data)
{
    int64_t   wid = cbo_param_id(r, "id");
    cJSON    *wh;
    int       rc;

    (void) data;
    if ((rc = cbo_guard(r, "catalog.view")) != 0) {
        return rc;
    }
    if ((wh = cbo_warehouse_get(r, wid)) == NULL) {
        return souk_error(r, 404, "there is no such warehouse");
    }
    return cbo_receipts_page(r, 200, wid, wh, NULL, NULL, NULL);
}

int
cbo_receipts_save(souk_request_t *r, void *data)
{
    static const char *const  names[] = { "lines", "note", NULL };
    int64_t      wid = cbo_param_id(r, "id"), rid = 0;
    cJSON       *wh, *values, *errors, *lines;
    long         bad;
    int          rc;
    char         why[CAT_WHY];

    (void) data;
    if ((rc = cbo_guard(r, "catalog.stock")) != 0) {
        return rc;
    }
    if ((wh = cbo_warehouse_get(r, wid)) == NULL) {
        return souk_error(r, 404, "there is no such warehouse");
    }
    values = souk_pool_json(souk_request_pool(r), cbo_values(r, names));
    errors = souk_pool_json(souk_request_pool(r), cJSON_CreateObject());
    lines = souk_pool_json(souk_request_pool(r),
                           cbo_receipt_lines(cbo_str(values, "lines"),
                                             &bad));
    if (bad > 0) {
        cJSON_AddStringToObject(errors, "lines", souk_psprintf(
            souk_request_pool(r), "Line %ld is not a SKU and a whole "
            "quantity above 0.", bad));
    } else if (cJSON_GetArraySize(lines) == 0) {
        cJSON_AddStringToObject(errors, "lines", "Enter at least one SKU "
                                "and quantity.");
    }
    if (strlen(cbo_str(values, "note")) > 500) {
        cJSON_AddStringToObject(errors, "note", "Keep the note to 500 "
                                "characters.");
    }
    if (cJSON_GetArraySize(errors) > 0) {
        return cbo_receipts_page(r, 422, wid, wh, values, errors, "Nothing "
                                 "was checked in: check the fields marked "
                                 "below.");
    }
    why[0] = '\0';
    rc = cat_stock_receive(r, wid, lines, cbo_str(values, "note"), &rid,
                           why, sizeof(why));
    if (rc == SOUK_ERROR) {
        return SOUK_ERROR;
    }
    if (rc != SOUK_OK) {
        cJSON_AddStringToObject(errors, "lines", why);
        return cbo_receipts_page(r, 422, wid, wh, values, errors,
                                 souk_psprintf(souk_request_pool(r),
                                 "Nothing was checked in: %s.", why));
    }
    return cbo_back(r, souk_psprintf(souk_request_pool(r),
                    "/admin/catalog/warehouses/%lld/receipts",
                    (long long) wid), "ok", souk_psprintf(
                    souk_request_pool(r), "Receipt %lld checked in: %d "
                    "lines.", (long long) rid, cJSON_GetArraySize(lines)));
}

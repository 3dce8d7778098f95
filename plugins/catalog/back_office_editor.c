/* The product editor: one page for the document, its variants, images,
 * stock per warehouse, the workflow buttons the user may press and the
 * history; its forms post here and a refused one comes back (422) with
 * the fields marked and nothing written. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "back_office.h"

/* What the page shows: the loaded document (NULL for a new product), the
 * form's values and errors, and a message for the top of the form. */
typedef struct {
    int64_t       id;
    const cJSON  *doc;
    const cJSON  *values;
    const cJSON  *errors;
    const char   *form_error;
} cbo_editor_t;

static const char *
cbo_error_of(const cJSON *errors, const char *field)
{
    const cJSON  *e = cJSON_GetObjectItemCaseSensitive(errors, field);

    return cJSON_IsString(e) ? e->valuestring : NULL;
}

static cJSON *
cbo_field(souk_request_t *r, const cbo_editor_t *e, const char *kind,
    const char *name, const char *label, const char *help, int required)
{
    const char  *err = cbo_error_of(e->errors, name);
    cJSON       *f = souk_ui_field(kind, name, label, cbo_str(e->values, name),
                                 err);
    const char  *id = cbo_str(f, "id");

    if (help != NULL) {
        cJSON_ReplaceItemInObjectCaseSensitive(f, "help",
                                               cJSON_CreateString(help));
        cJSON_ReplaceItemInObjectCaseSensitive(f, "describedby",
            cJSON_CreateString(souk_psprintf(souk_request_pool(r),
                               "%s-help%s%s%s", id, err != NULL ? " " : "",
                               err != NULL ? id : "",
                               err != NULL ? "-error" : "")));
    }
    if (required) {
        cJSON_ReplaceItemInObjectCaseSensitive(f, "required",
                                               cJSON_CreateTrue());
    }
    return f;
}

static cJSON *
cbo_main_fields(souk_request_t *r, const cbo_editor_t *e)
{
    cJSON        *fields = cJSON_CreateArray(), *f, *opts, *o;
    static const char *const  kinds[] = { "product", "service", NULL };
    size_t        i;

    cJSON_AddItemToArray(fields, cbo_field(r, e, "text", "name", "Name",
                                           NULL, 1));
    cJSON_AddItemToArray(fields, cbo_field(r, e, "text", "slug", "Slug",
        "The address of the product page: lower-case words joined by "
        "dashes.", 1));
    f = cbo_field(r, e, "select", "kind", "Kind", NULL, 0);
    opts = cJSON_GetObjectItemCaseSensitive(f, "options");
    for (i = 0; kinds[i] != NULL; i++) {
        o = cJSON_CreateObject();
        cJSON_AddStringToObject(o, "value", kinds[i]);
        cJSON_AddStringToObject(o, "label", kinds[i]);
        cJSON_AddBoolToObject(o, "selected",
                              strcmp(cbo_str(e->values, "kind"), kinds[i])
                              == 0);
        cJSON_AddItemToArray(opts, o);
    }
    cJSON_AddItemToArray(fields, f);
    cJSON_AddItemToArray(fields, cbo_field(r, e, "text", "summary",
                                           "Summary", NULL, 0));
    cJSON_AddItemToArray(fields, cbo_field(r, e, "textarea", "description",
        "Description", "HTML: paragraphs, lists, links, emphasis. Anything "
        "else is removed when saved.", 0));
    cJSON_AddItemToArray(fields, cbo_field(r, e, "text", "seo_title",
                                           "Search engine title", NULL, 0));
    cJSON_AddItemToArray(fields, cbo_field(r, e, "text", "seo_description",
        "Search engine description", NULL, 0));
    cJSON_AddItemToArray(fields, cbo_field(r, e, "text", "tags", "Tags",
        "Separated by commas.", 0));
    cJSON_AddItemToArray(fields, cbo_field(r, e, "textarea", "attributes",
        "Attributes", "One a line, as material=wool; filters use them.",
        0));
    cJSON_AddItemToArray(fields, cbo_field(r, e, "textarea", "channels",
        "Other sales channels", "One a line, as "
        "amazon=https://www.amazon.com/dp/….", 0));
    cJSON_AddItemToArray(fields, cbo_field(r, e, "text", "available_at",
        "Pre-sale: ships from", "A date (UTC), 2026-12-24 or 2026-12-24 "
        "09:00; empty when it ships now.", 0));
    cJSON_AddItemToArray(fields, cbo_field(r, e, "text", "preorder_limit",
        "Pre-sale: units that may be ordered", NULL, 0));
    return fields;
}

static int
cbo_in(const cJSON *arr, const char *s)
{
    const cJSON  *v;

    cJSON_ArrayForEach(v, arr) {
        if (cJSON_IsString(v) && strcmp(v->valuestring, s) == 0) {
            return 1;
        }
    }
    return 0;
}

static void
cbo_category_boxes(cJSON *out, const cJSON *tree, const cJSON *sel,
    int depth)
{
    const cJSON  *c;
    cJSON        *o;

    cJSON_ArrayForEach(c, tree) {
        o = cJSON_CreateObject();
        cJSON_AddStringToObject(o, "slug", cbo_str(c, "slug"));
        cJSON_AddStringToObject(o, "name", cbo_str(c, "name"));
        cJSON_AddNumberToObject(o, "depth", depth);
        cJSON_AddBoolToObject(o, "checked", cbo_in(sel, cbo_str(c, "slug")));
        cJSON_AddItemToArray(out, o);
        cbo_category_boxes(out, cJSON_GetObjectItemCaseSensitive(c,
                           "children"), sel, depth + 1);
    }
}

/* The sites of the request's group, ticked when the product shows there. */
static cJSON *
cbo_site_boxes(souk_request_t *r, const cJSON *sel)
{
    cJSON        *all = souk_site_list(r), *out = cJSON_CreateArray(), *o;
    const cJSON  *s;

    cJSON_ArrayForEach(s, all) {
        if (strcmp(cbo_str(s, "group"), souk_site_group(r)) != 0) {
            continue;
        }
        o = cJSON_CreateObject();
        cJSON_AddStringToObject(o, "id", cbo_str(s, "id"));
        cJSON_AddBoolToObject(o, "checked", cbo_in(sel, cbo_str(s, "id")));
        cJSON_AddItemToArray(out, o);
    }
    cJSON_Delete(all);
    return out;
}

static const struct {
    const char  *key;
    const char  *label;
    const char  *size;
} cbo_vcols[] = {
    { "sku", "SKU", "12" },
    { "options", "Options", "20" },
    { "weight", "Weight (g)", "6" },
    { "barcode", "Barcode", "13" },
    { "threshold", "Low-stock threshold", "5" },
    { "price", "Price", "8" },
    { "compare_at", "Compare-at", "8" },
    { "cost", "Cost", "8" },
};

static cJSON *
cbo_variant_row(souk_request_t *r, const cbo_editor_t *e, size_t i,
    const cJSON *v)
{
    cJSON       *row = cJSON_CreateObject(), *cells, *c;
    size_t       k;
    const char  *name, *err;

    cJSON_AddNumberToObject(row, "i", (double) i);
    cJSON_AddBoolToObject(row, "existing", v != NULL && cJSON_IsTrue(
        cJSON_GetObjectItemCaseSensitive(v, "existing")));
    cJSON_AddStringToObject(row, "existing_name", souk_psprintf(
        souk_request_pool(r), "v%zu_existing", i));
    cJSON_AddStringToObject(row, "remove_name", souk_psprintf(
        souk_request_pool(r), "v%zu_remove", i));
    cJSON_AddStringToObject(row, "sku", cbo_str(v, "sku"));
    cells = cJSON_AddArrayToObject(row, "cells");
    for (k = 0; k < sizeof(cbo_vcols) / sizeof(cbo_vcols[0]); k++) {
        name = souk_psprintf(souk_request_pool(r), "v%zu_%s", i,
                             cbo_vcols[k].key);
        err = cbo_error_of(e->errors, name);
        c = cJSON_CreateObject();
        cJSON_AddStringToObject(c, "name", name);
        cJSON_AddStringToObject(c, "id", souk_psprintf(souk_request_pool(r),
                                "f-%s", name));
        cJSON_AddStringToObject(c, "label", cbo_vcols[k].label);
        cJSON_AddStringToObject(c, "size", cbo_vcols[k].size);
        cJSON_AddStringToObject(c, "value", cbo_str(v, cbo_vcols[k].key));
        if (err != NULL) {
            cJSON_AddStringToObject(c, "error", err);
        } else {
            cJSON_AddFalseToObject(c, "error");
        }
        cJSON_AddItemToArray(cells, c);
    }
    return row;
}

static cJSON *
cbo_variant_rows(souk_request_t *r, const cbo_editor_t *e)
{
    cJSON        *rows = cJSON_CreateArray();
    const cJSON  *v;
    size_t        i = 0;

    cJSON_ArrayForEach(v, cJSON_GetObjectItemCaseSensitive(e->values,
                                                           "variants")) {
        cJSON_AddItemToArray(rows, cbo_variant_row(r, e, i++, v));
    }
    /* The blank row that adds a variant. */
    cJSON_AddItemToArray(rows, cbo_variant_row(r, e, i, NULL));
    return rows;
}

/* Stock per SKU and warehouse, from the loaded document. */
static cJSON *
cbo_stock_rows(const cJSON *doc)
{
    cJSON        *rows = cJSON_CreateArray(), *o;
    const cJSON  *v, *s;

    cJSON_ArrayForEach(v, cJSON_GetObjectItemCaseSensitive(doc, "variants"))
    {
        cJSON_ArrayForEach(s, cJSON_GetObjectItemCaseSensitive(v, "stock")) {
            o = cJSON_Duplicate(s, 1);
            cJSON_AddStringToObject(o, "sku", cbo_str(v, "sku"));
            cJSON_AddItemToArray(rows, o);
        }
    }
    return rows;
}

static cJSON *
cbo_images(souk_request_t *r, const cbo_editor_t *e)
{
    cJSON        *out = cJSON_CreateArray(), *o;
    const cJSON  *img, *id;

    cJSON_ArrayForEach(img, cJSON_GetObjectItemCaseSensitive(e->doc,
                                                             "images")) {
        id = cJSON_GetObjectItemCaseSensitive(img, "id");
        o = cJSON_CreateObject();
        cJSON_AddNumberToObject(o, "id", cJSON_IsNumber(id)
                                ? id->valuedouble : 0);
        cJSON_AddStringToObject(o, "alt", cbo_str(img, "alt"));
        cJSON_AddStringToObject(o, "thumb", souk_media_url(r,
                                cbo_str(img, "key"), CAT_IMG_THUMB));
        cJSON_AddStringToObject(o, "full", souk_media_url(r,
                                cbo_str(img, "key"), CAT_IMG_FULL));
        cJSON_AddStringToObject(o, "remove", cbo_url(r,
            "/admin/catalog/products/%lld/images/%lld/remove",
            (long long) e->id, (long long) (cJSON_IsNumber(id)
                                            ? id->valuedouble : 0)));
        cJSON_AddItemToArray(out, o);
    }
    return out;
}

/* The workflow buttons for the product's status and the user's rights. */
static cJSON *
cbo_workflow(souk_request_t *r, const char *status)
{
    static const struct {
        const char  *from;
        const char  *action;
        const char  *label;
        const char  *perm;
        int          note;        /* shows a note field */
        int          when;        /* shows a date field */
    } moves[] = {
        { "draft", "submit", "Submit for review", "catalog.edit", 0, 0 },
        { "review", "approve", "Approve", "catalog.approve", 1, 0 },
        { "review", "reject", "Reject", "catalog.approve", 1, 0 },
        { "approved", "list", "List now, or at a date", "catalog.publish", 0,
          1 },
        { "approved", "unschedule", "Cancel the scheduled listing",
          "catalog.publish", 0, 0 },
        { "delisted", "list", "List again", "catalog.publish", 0, 0 },
        { "listed", "delist", "Delist", "catalog.publish", 0, 0 },
    };
    cJSON   *out = cJSON_CreateArray(), *o;
    size_t   i;

    for (i = 0; i < sizeof(moves) / sizeof(moves[0]); i++) {
        if (strcmp(moves[i].from, status) != 0
            || !souk_user_can(r, moves[i].perm))
        {
            continue;
        }
        o = cJSON_CreateObject();
        cJSON_AddStringToObject(o, "action", moves[i].action);
        cJSON_AddStringToObject(o, "label", moves[i].label);
        cJSON_AddBoolToObject(o, "note", moves[i].note);
        cJSON_AddBoolToObject(o, "when", moves[i].when);
        cJSON_AddItemToArray(out, o);
    }
    return out;
}

static int
cbo_editor_page(souk_request_t *r, const cbo_editor_t *e, int status)
{
    const char  *name = cbo_str(e->doc, "name");
    cJSON       *m, *p, *tree, *list;
    const cJSON *la;
    size_t       k;

    m = cbo_page(r, "admin_catalog_product", e->doc != NULL
                 ? souk_psprintf(souk_request_pool(r), "Product: %s", name)
                 : "New product");
    souk_ui_crumb(m, "Products", cbo_url(r, "/admin/catalog/products"));
    souk_ui_crumb(m, e->doc != NULL ? name : "New", NULL);
    p = cJSON_AddObjectToObject(m, "product");
    cJSON_AddNumberToObject(p, "id", (double) e->id);
    cJSON_AddBoolToObject(p, "is_new", e->doc == NULL);
    cJSON_AddStringToObject(p, "status", e->doc != NULL
                            ? cbo_str(e->doc, "status") : "draft");
    la = cJSON_GetObjectItemCaseSensitive(e->doc, "list_at");
    cJSON_AddStringToObject(p, "list_at", cJSON_IsNumber(la)
        ? cbo_time_text(r, (int64_t) la->valuedouble) : "");
    cJSON_AddStringToObject(p, "action", e->doc != NULL
        ? cbo_url(r, "/admin/catalog/products/%lld", (long long) e->id)
        : cbo_url(r, "/admin/catalog/products/new"));
    cJSON_AddStringToObject(p, "base", cbo_url(r, "/admin/catalog/products/"
                                               "%lld", (long long) e->id));
    if (e->form_error != NULL) {
        cJSON_AddStringToObject(m, "form_error", e->form_error);
    } else {
        cJSON_AddFalseToObject(m, "form_error");
    }
    cJSON_AddBoolToObject(m, "can_edit", souk_user_can(r, "catalog.edit"));
    cJSON_AddBoolToObject(m, "can_stock", souk_user_can(r, "catalog.stock"));
    cJSON_AddItemToObject(m, "fields", cbo_main_fields(r, e));
    list = cJSON_AddArrayToObject(m, "categories");
    tree = cat_category_tree(r);
    cbo_category_boxes(list, tree, cJSON_GetObjectItemCaseSensitive(
                           e->values, "categories"), 0);
    cJSON_Delete(tree);
    cJSON_AddItemToObject(m, "sites", cbo_site_boxes(r,
        cJSON_GetObjectItemCaseSensitive(e->values, "sites")));
    cJSON_AddStringToObject(m, "sites_error", cbo_error_of(e->errors,
        "sites") != NULL ? cbo_error_of(e->errors, "sites") : "");
    cJSON_AddItemToObject(m, "variants", cbo_variant_rows(r, e));
    cJSON_AddItemToObject(m, "images", cbo_images(r, e));
    cJSON_AddItemToObject(m, "stock", cbo_stock_rows(e->doc));
    cJSON_AddItemToObject(m, "warehouses", e->doc != NULL
                          ? cbo_warehouse_list(r) : cJSON_CreateArray());
    list = cbo_workflow(r, cbo_str(p, "status"));
    cJSON_AddBoolToObject(m, "has_workflow", e->doc != NULL
                          && cJSON_GetArraySize(list) > 0);
    cJSON_AddItemToObject(m, "workflow", list);
    list = cJSON_AddArrayToObject(m, "variant_columns");
    for (k = 0; k < sizeof(cbo_vcols) / sizeof(cbo_vcols[0]); k++) {
        cJSON_AddItemToArray(list, cJSON_CreateString(cbo_vcols[k].label));
    }
    cJSON_AddItemToObject(m, "history", e->doc != NULL
                          ? cbo_history(r, e->id) : cJSON_CreateFalse());
    if (e->doc != NULL) {
        cJSON_AddItemReferenceToObject(m, "document", (cJSON *) e->doc);
    }
    return status;
}

int
cbo_editor_load(souk_request_t *r, int64_t *id, cJSON **doc)
{
    *id = cbo_param_id(r, "id");
    *doc = *id > 0 ? cat_product_load(r, *id, CAT_LOAD_STOCK
                                      | CAT_LOAD_EVENTS | CAT_LOAD_COST)
                   : NULL;
    if (*doc == NULL) {
        return souk_error(r, 404, "there is no such product");
    }
    souk_pool_json(souk_request_pool(r), *doc);
    return 0;
}

int
cbo_editor_new(souk_request_t *r, void *data)
{
    cbo_editor_t  e;
    int           rc;

    (void) data;
    if ((rc = cbo_guard(r, "catalog.edit")) != 0) {
        return rc;
    }
    memset(&e, 0, sizeof(e));
    e.values = souk_pool_json(souk_request_pool(r),
                              cbo_values_from_doc(r, NULL));
    return cbo_editor_page(r, &e, 200);
}

int
cbo_editor_show(souk_request_t *r, void *data)
{
    cbo_editor_t  e;
    cJSON        *doc;
    int           rc;

    (void) data;
    if ((rc = cbo_guard(r, "catalog.view")) != 0) {
        return rc;
    }
    memset(&e, 0, sizeof(e));
    if ((rc = cbo_editor_load(r, &e.id, &doc)) != 0) {
        return rc;
    }
    e.doc = doc;
    e.values = souk_pool_json(souk_request_pool(r),
                              cbo_values_from_doc(r, doc));
    return cbo_editor_page(r, &e, 200);
}

int
cbo_editor_save(souk_request_t *r, void *data)
{
    cbo_editor_t  e;
    cJSON        *doc = NULL, *values, *errors, *save;
    int64_t       out_id = 0;
    int           rc;
    char          why[CAT_WHY];

    (void) data;
    if ((rc = cbo_guard(r, "catalog.edit")) != 0) {
        return rc;
    }
    memset(&e, 0, sizeof(e));
    if (souk_request_param(r, "id") != NULL
        && (rc = cbo_editor_load(r, &e.id, &doc)) != 0)
    {
        return rc;
    }
    e.doc = doc;
    values = souk_pool_json(souk_request_pool(r), cbo_values_from_form(r));
    errors = souk_pool_json(souk_request_pool(r), cJSON_CreateObject());
    save = souk_pool_json(souk_request_pool(r),
                          cbo_doc_from_values(r, values, doc == NULL,
                                              errors));
    e.values = values;
    e.errors = errors;
    if (cJSON_GetArraySize(errors) > 0) {
        e.form_error = "Nothing was saved: check the fields marked below.";
        return cbo_editor_page(r, &e, 422);
    }
    why[0] = '\0';
    rc = cat_product_save(r, save, e.id, &out_id, why, sizeof(why));
    if (rc == SOUK_ERROR) {
        return SOUK_ERROR;
    }
    if (rc != SOUK_OK) {
        e.form_error = souk_psprintf(souk_request_pool(r), "Nothing was "
                                     "saved: %s.", why[0] != '\0' ? why
                                     : "the product was refused");
        return cbo_editor_page(r, &e, 422);
    }
    if (e.id == 0) {
        e.id = out_id;
    }
    return cbo_back(r, souk_psprintf(souk_request_pool(r),
                    "/admin/catalog/products/%lld", (long long) e.id), "ok",
                    doc == NULL ? "Product created as a draft." : "Saved.");
}

/* ---------- workflow and stock counts ---------- */

/* Shows the product again with a refused action's reason (nothing was
 * written: the model's call rolled back). */
int
cbo_editor_refused(souk_request_t *r, int64_t id, const cJSON *doc,
    int status, const char *why)
{
    cbo_editor_t  e;
    cJSON        *m;

    memset(&e, 0, sizeof(e));
    e.id = id;
    e.doc = doc;
    e.values = souk_pool_json(souk_request_pool(r),
                              cbo_values_from_doc(r, doc));
    cbo_editor_page(r, &e, status);
    m = souk_view(r);
    souk_ui_flash(m, "error", why);
    cJSON_AddStringToObject(m, "error", why);
    return status;
}

int
cbo_editor_workflow(souk_request_t *r, void *data)
{
    static const struct {
        const char  *action;
        const char  *perm;
        const char  *done;
    } acts[] = {
        { "submit", "catalog.edit", "Submitted for review." },
        { "approve", "catalog.approve", "Approved." },
        { "reject", "catalog.approve", "Sent back to draft." },
        { "list", "catalog.publish", "Listed." },
        { "delist", "catalog.publish", "Delisted." },
        { "unschedule", "catalog.publish", "The scheduled listing is "
          "cancelled." },
    };
    const char  *action = cbo_form(r, "action"), *when, *done;
    cJSON       *doc;
    int64_t      id, list_at = 0;
    size_t       i, n = sizeof(acts) / sizeof(acts[0]);
    int          rc;
    char         why[CAT_WHY];

    (void) data;
    if ((rc = cbo_guard(r, "catalog.view")) != 0
        || (rc = cbo_editor_load(r, &id, &doc)) != 0)
    {
        return rc;
    }
    for (i = 0; i < n && strcmp(acts[i].action, action) != 0; i++) {
        /* find it */
    }
    if (i == n) {
        return cbo_editor_refused(r, id, doc, 422, "Pick one of the "
                                  "workflow buttons.");
    }
    if (!souk_user_can(r, acts[i].perm)) {
        return souk_error(r, 403, "your account may not %s products",
                          action);
    }
    when = cbo_form(r, "list_at");
    if (strcmp(action, "list") == 0 && when[0] != '\0'
        && cbo_time_parse(when, &list_at) != SOUK_OK)
    {
        return cbo_editor_refused(r, id, doc, 422, "Write the listing "
                                  "date as 2026-12-24 09:00 (UTC), or leave "
                                  "it empty to list now.");
    }
    why[0] = '\0';
    rc = cat_workflow_apply(r, id, action, cbo_form(r, "note"), list_at,
                            why, sizeof(why));
    if (rc == SOUK_ERROR) {
        return SOUK_ERROR;
    }
    if (rc != SOUK_OK) {
        return cbo_editor_refused(r, id, doc, cbo_why_status(why), why);
    }
    done = list_at > cat_now() ? souk_psprintf(souk_request_pool(r),
                                               "Listing is scheduled for "
                                               "%s (UTC).",
                                               cbo_time_text(r, list_at))
                               : acts[i].done;
    return cbo_back(r, souk_psprintf(souk_request_pool(r),
                    "/admin/catalog/products/%lld", (long long) id), "ok",
                    done);
}

int
cbo_editor_stock(souk_request_t *r, void *data)
{
    const char   *sku = cbo_form(r, "sku"), *note = cbo_form(r, "note");
    cJSON        *doc;
    souk_stmt_t  *st;
    int64_t       id, vid, wid, on_hand;
    int           rc;
    char          why[CAT_WHY];

    (void) data;
    if ((rc = cbo_guard(r, "catalog.stock")) != 0
        || (rc = cbo_editor_load(r, &id, &doc)) != 0)
    {
        return rc;
    }
    st = souk_db_row(souk_db(r), "SELECT id FROM catalog_variants WHERE "
                     "product_id = ? AND group_id = ? AND sku = ?", "itt",
                     id, souk_site_group(r), sku);
    if (st == NULL) {
        return cbo_editor_refused(r, id, doc, 422, "Pick a SKU of this "
                                  "product.");
    }
    vid = souk_stmt_int(st, 0);
    souk_stmt_reset(st);
    if (souk_int_parse(cbo_form(r, "warehouse"), 1, INT64_MAX, &wid)
        != SOUK_OK)
    {
        return cbo_editor_refused(r, id, doc, 422, "Pick a warehouse.");
    }
    if (souk_int_parse(cbo_form(r, "on_hand"), 0, 1000000000, &on_hand)
        != SOUK_OK)
    {
        return cbo_editor_refused(r, id, doc, 422, "The count is a whole "
                                  "number, 0 or more.");
    }
    if (note[0] == '\0') {
        return cbo_editor_refused(r, id, doc, 422, "Say why the count "
                                  "changes (a note).");
    }
    why[0] = '\0';
    rc = cat_stock_set(r, vid, wid, on_hand, note, why, sizeof(why));
    if (rc == SOUK_ERROR) {
        return SOUK_ERROR;
    }
    if (rc != SOUK_OK) {
        return cbo_editor_refused(r, id, doc, cbo_why_status(why), why);
    }
    return cbo_back(r, souk_psprintf(souk_request_pool(r),
                    "/admin/catalog/products/%lld", (long long) id), "ok",
                    souk_psprintf(souk_request_pool(r), "%s counted: %lld "
                                  "on hand.", sku, (long long) on_hand));
}

/* The product editor's form: the product document as the text a person
 * types (values), read from a loaded document or from a post, checked
 * field by field, and turned back into a document for cat_product_save. */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "back_office.h"

/* Variant rows a form may carry (a blank one is added to these). */
#define CBO_MAX_VARIANTS  100

/* ---------- from a document ---------- */

static const char *
cbo_int_text(souk_request_t *r, const cJSON *v)
{
    return cJSON_IsNumber(v) ? souk_psprintf(souk_request_pool(r), "%lld",
                                             (long long) v->valuedouble)
                             : "";
}

/* {"a":"1","b":"2"} → "a=1; b=2" (options), or lines (attributes). */
static const char *
cbo_pairs_text(souk_request_t *r, const cJSON *obj, const char *sep)
{
    souk_buf_t    b;
    const cJSON  *e, *v;

    souk_buf_init(&b, souk_request_pool(r), 128);
    cJSON_ArrayForEach(e, obj) {
        if (cJSON_IsString(e)) {
            souk_buf_printf(&b, "%s%s=%s", b.len > 0 ? sep : "", e->string,
                            e->valuestring);
            continue;
        }
        cJSON_ArrayForEach(v, e) {
            if (cJSON_IsString(v)) {
                souk_buf_printf(&b, "%s%s=%s", b.len > 0 ? sep : "",
                                e->string, v->valuestring);
            }
        }
    }
    return b.data;
}

static const char *
cbo_list_text(souk_request_t *r, const cJSON *arr)
{
    souk_buf_t    b;
    const cJSON  *v;

    souk_buf_init(&b, souk_request_pool(r), 64);
    cJSON_ArrayForEach(v, arr) {
        if (cJSON_IsString(v)) {
            souk_buf_printf(&b, "%s%s", b.len > 0 ? ", " : "",
                            v->valuestring);
        }
    }
    return b.data;
}

static cJSON *
cbo_variant_values(souk_request_t *r, const cJSON *v, const char *cur)
{
    cJSON        *o = cJSON_CreateObject();
    const cJSON  *p, *price = NULL;

    cJSON_ArrayForEach(p, cJSON_GetObjectItemCaseSensitive(v, "prices")) {
        if (strcmp(cbo_str(p, "currency"), cur) == 0) {
            price = p;
        }
    }
    cJSON_AddStringToObject(o, "sku", cbo_str(v, "sku"));
    cJSON_AddStringToObject(o, "options", cbo_pairs_text(r,
        cJSON_GetObjectItemCaseSensitive(v, "options"), "; "));
    cJSON_AddStringToObject(o, "weight", cbo_int_text(r,
        cJSON_GetObjectItemCaseSensitive(v, "weight_g")));
    cJSON_AddStringToObject(o, "barcode", cbo_str(v, "barcode"));
    cJSON_AddStringToObject(o, "threshold", cbo_int_text(r,
        cJSON_GetObjectItemCaseSensitive(v, "low_stock_threshold")));
#define CBO_MONEY(key, name)                                                 \
    p = cJSON_GetObjectItemCaseSensitive(price, key);                        \
    cJSON_AddStringToObject(o, name, cJSON_IsNumber(p)                       \
        && (p->valuedouble > 0 || strcmp(key, "amount") == 0)                \
        ? cbo_money_text(r, (int64_t) p->valuedouble, cur) : "")
    CBO_MONEY("amount", "price");
    CBO_MONEY("compare_at", "compare_at");
    CBO_MONEY("cost", "cost");
#undef CBO_MONEY
    cJSON_AddBoolToObject(o, "existing", 1);
    return o;
}

cJSON *
cbo_values_from_doc(souk_request_t *r, const cJSON *doc)
{
    cJSON        *o = cJSON_CreateObject(), *vs;
    const cJSON  *seo = cJSON_GetObjectItemCaseSensitive(doc, "seo"), *v;
    const cJSON  *at = cJSON_GetObjectItemCaseSensitive(doc,
                                                        "available_at");
    const char   *cur = cat_currency(r);

    cJSON_AddStringToObject(o, "name", cbo_str(doc, "name"));
    cJSON_AddStringToObject(o, "slug", cbo_str(doc, "slug"));
    cJSON_AddStringToObject(o, "kind", doc != NULL
                            ? cbo_str(doc, "kind") : "product");
    cJSON_AddStringToObject(o, "summary", cbo_str(doc, "summary"));
    cJSON_AddStringToObject(o, "description", cbo_str(doc, "description"));
    cJSON_AddStringToObject(o, "seo_title", cbo_str(seo, "title"));
    cJSON_AddStringToObject(o, "seo_description",
                            cbo_str(seo, "description"));
    cJSON_AddStringToObject(o, "tags", cbo_list_text(r,
        cJSON_GetObjectItemCaseSensitive(doc, "tags")));
    cJSON_AddStringToObject(o, "attributes", cbo_pairs_text(r,
        cJSON_GetObjectItemCaseSensitive(doc, "attributes"), "\n"));
    cJSON_AddStringToObject(o, "channels", cbo_pairs_text(r,
        cJSON_GetObjectItemCaseSensitive(doc, "channels"), "\n"));
    cJSON_AddStringToObject(o, "available_at", cJSON_IsNumber(at)
        ? cbo_time_text(r, (int64_t) at->valuedouble) : "");
    cJSON_AddStringToObject(o, "preorder_limit", cbo_int_text(r,
        cJSON_GetObjectItemCaseSensitive(doc, "preorder_limit")));
    cJSON_AddItemToObject(o, "categories", cJSON_Duplicate(
        cJSON_GetObjectItemCaseSensitive(doc, "categories"), 1));
    if (doc != NULL) {
        cJSON_AddItemToObject(o, "sites", cJSON_Duplicate(
            cJSON_GetObjectItemCaseSensitive(doc, "sites"), 1));
    } else {
        cJSON_AddItemToArray(cJSON_AddArrayToObject(o, "sites"),
                             cJSON_CreateString(souk_site_id(r)));
    }
    vs = cJSON_AddArrayToObject(o, "variants");
    cJSON_ArrayForEach(v, cJSON_GetObjectItemCaseSensitive(doc, "variants"))
    {
        cJSON_AddItemToArray(vs, cbo_variant_values(r, v, cur));
    }
    return o;
}

/* ---------- from a post ---------- */

static const char *const  cbo_text_fields[] = { "name", "slug", "kind",
    "summary", "description", "seo_title", "seo_description", "tags",
    "attributes", "channels", "available_at", "preorder_limit", NULL };

static const char *const  cbo_variant_fields[] = { "sku", "options",
    "weight", "barcode", "threshold", "price", "compare_at", "cost", NULL };

cJSON *
cbo_values_from_form(souk_request_t *r)
{
    cJSON        *o = cJSON_CreateObject(), *vs, *v;
    const char   *sku;
    size_t        i, k;
    char          name[32];

    for (k = 0; cbo_text_fields[k] != NULL; k++) {
        cJSON_AddStringToObject(o, cbo_text_fields[k],
                                cbo_form(r, cbo_text_fields[k]));
    }
    cJSON_AddItemToObject(o, "categories", cbo_form_all(r, "categories"));
    cJSON_AddItemToObject(o, "sites", cbo_form_all(r, "sites"));
    vs = cJSON_AddArrayToObject(o, "variants");
    for (i = 0; i < CBO_MAX_VARIANTS; i++) {
        snprintf(name, sizeof(name), "v%zu_sku", i);
        if (souk_request_form(r, name) == NULL) {
            break;
        }
        sku = cbo_form(r, name);
        v = cJSON_CreateObject();
        for (k = 0; cbo_variant_fields[k] != NULL; k++) {
            snprintf(name, sizeof(name), "v%zu_%s", i, cbo_variant_fields[k]);
            cJSON_AddStringToObject(v, cbo_variant_fields[k],
                                    cbo_form(r, name));
        }
        snprintf(name, sizeof(name), "v%zu_existing", i);
        cJSON_AddBoolToObject(v, "existing",
                              strcmp(cbo_form(r, name), "yes") == 0);
        snprintf(name, sizeof(name), "v%zu_remove", i);
        cJSON_AddBoolToObject(v, "remove",
                              strcmp(cbo_form(r, name), "yes") == 0);
        /* A blank row is the "add a variant" row left empty. */
        if (sku[0] == '\0' && !cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(
                                                v, "existing")))
        {
            cJSON_Delete(v);
            continue;
        }
        cJSON_AddItemToArray(vs, v);
    }
    return o;
}

/* ---------- checks, and the document to save ---------- */

static void
cbo_err(cJSON *errors, const char *field, const char *msg)
{
    if (cJSON_GetObjectItemCaseSensitive(errors, field) == NULL) {
        cJSON_AddStringToObject(errors, field, msg);
    }
}

/*
 * "a=1; b=2" (sep ';') or lines "a=1" (sep '\n') into obj: as strings
 * (multi = 0) or as arrays of strings (multi = 1). SOUK_DECLINED when a
 * part has no '=' or an empty name or value.
 */
static int
cbo_pairs_parse(const char *s, char sep, int multi, size_t maxname,
    size_t maxval, cJSON *obj)
{
    const char  *end, *eq;
    char         name[200], val[600];
    size_t       nn, nv;
    cJSON       *arr;

    while (*s != '\0') {
        end = strchr(s, sep);
        if (end == NULL) {
            end = s + strlen(s);
        }
        eq = memchr(s, '=', (size_t) (end - s));
        while (s < end && isspace((unsigned char) *s)) {
            s++;
        }
        if (s == end) {
            s = *end != '\0' ? end + 1 : end;
            continue;
        }
        if (eq == NULL) {
            return SOUK_DECLINED;
        }
        for (nn = (size_t) (eq - s); nn > 0
             && isspace((unsigned char) s[nn - 1]); nn--) {
        }
        for (eq++; eq < end && isspace((unsigned char) *eq); eq++) {
        }
        for (nv = (size_t) (end - eq); nv > 0
             && isspace((unsigned char) eq[nv - 1]); nv--) {
        }
        if (nn == 0 || nv == 0 || nn > maxname || nv > maxval) {
            return SOUK_DECLINED;
        }
        snprintf(name, sizeof(name), "%.*s", (int) nn, s);
        snprintf(val, sizeof(val), "%.*s", (int) nv, eq);
        if (!multi) {
            cJSON_DeleteItemFromObjectCaseSensitive(obj, name);
            cJSON_AddStringToObject(obj, name, val);
        } else {
            arr = cJSON_GetObjectItemCaseSensitive(obj, name);
            if (arr == NULL) {
                arr = cJSON_AddArrayToObject(obj, name);
            }
            cJSON_AddItemToArray(arr, cJSON_CreateString(val));
        }
        s = *end != '\0' ? end + 1 : end;
    }
    return SOUK_OK;
}

static cJSON *
cbo_tags(const char *s)
{
    cJSON       *arr = cJSON_CreateArray();
    const char  *end;
    size_t       n;
    char         tag[65];

    while (*s != '\0') {
        while (*s == ',' || isspace((unsigned char) *s)) {
            s++;
        }
        end = s;
        while (*end != '\0' && *end != ',') {
            end++;
        }
        for (n = (size_t) (end - s); n > 0
             && isspace((unsigned char) s[n - 1]); n--) {
        }
        if (n > 0) {
            snprintf(tag, sizeof(tag), "%.*s", (int) n, s);
            cJSON_AddItemToArray(arr, cJSON_CreateString(tag));
        }
        s = end;
    }
    return arr;
}

/* One variant row into the document's variant, errors by field name
 * "vN_FIELD". SOUK_OK or SOUK_DECLINED. */
static int
cbo_variant_doc(souk_request_t *r, size_t i, const cJSON *v, cJSON *errors,
    cJSON *out)
{
    const char  *cur = cat_currency(r);
    char         f[32];
    cJSON       *price, *opts;
    int64_t      n;
    int          bad = 0;

#define CBO_FIELD(name) (snprintf(f, sizeof(f), "v%zu_%s", i, name), f)
    if (!cat_sku_ok(cbo_str(v, "sku"))) {
        cbo_err(errors, CBO_FIELD("sku"), "A SKU is 1 to 64 letters, "
                "digits, dots, dashes or underscores.");
        bad = 1;
    }
    cJSON_AddStringToObject(out, "sku", cbo_str(v, "sku"));
    opts = cJSON_AddObjectToObject(out, "options");
    if (cbo_pairs_parse(cbo_str(v, "options"), ';', 0, 64, 128, opts)
        != SOUK_OK)
    {
        cbo_err(errors, CBO_FIELD("options"), "Write options as "
                "\"Size=M; Colour=Red\".");
        bad = 1;
    }
    if (cbo_str(v, "weight")[0] != '\0') {
        if (souk_int_parse(cbo_str(v, "weight"), 0, 100000000, &n)
            != SOUK_OK)
        {
            cbo_err(errors, CBO_FIELD("weight"), "The weight is a whole "
                    "number of grams.");
            bad = 1;
        }
        cJSON_AddNumberToObject(out, "weight_g", (double) n);
    }
    cJSON_AddStringToObject(out, "barcode", cbo_str(v, "barcode"));
    if (strlen(cbo_str(v, "barcode")) > 32) {
        cbo_err(errors, CBO_FIELD("barcode"), "A barcode has at most 32 "
                "characters.");
        bad = 1;
    }
    if (cbo_str(v, "threshold")[0] != '\0') {
        if (souk_int_parse(cbo_str(v, "threshold"), 0, 1000000000, &n)
            != SOUK_OK)
        {
            cbo_err(errors, CBO_FIELD("threshold"), "The threshold is a "
                    "whole number of units.");
            bad = 1;
        }
        cJSON_AddNumberToObject(out, "low_stock_threshold", (double) n);
    }
    price = cJSON_CreateObject();
    cJSON_AddItemToArray(cJSON_AddArrayToObject(out, "prices"), price);
    cJSON_AddStringToObject(price, "currency", cur);
    if (cbo_money_parse(cbo_str(v, "price"), cur, &n) != SOUK_OK) {
        cbo_err(errors, CBO_FIELD("price"), "Write the price as 12.50 "
                "(digits, a dot, the cents).");
        bad = 1;
        n = 0;
    }
    cJSON_AddNumberToObject(price, "amount", (double) n);
    if (cbo_str(v, "compare_at")[0] == '\0') {
        n = 0;
    } else if (cbo_money_parse(cbo_str(v, "compare_at"), cur, &n)
               != SOUK_OK)
    {
        cbo_err(errors, CBO_FIELD("compare_at"), "Write the price as "
                "12.50, or leave it empty.");
        bad = 1;
    }
    cJSON_AddNumberToObject(price, "compare_at", (double) n);
    if (cbo_str(v, "cost")[0] == '\0') {
        n = 0;
    } else if (cbo_money_parse(cbo_str(v, "cost"), cur, &n) != SOUK_OK) {
        cbo_err(errors, CBO_FIELD("cost"), "Write the cost as 12.50, or "
                "leave it empty.");
        bad = 1;
    }
    cJSON_AddNumberToObject(price, "cost", (double) n);
#undef CBO_FIELD
    return bad ? SOUK_DECLINED : SOUK_OK;
}

static void
cbo_doc_variants(souk_request_t *r, const cJSON *values, int is_new,
    cJSON *errors, cJSON *doc)
{
    const cJSON  *v, *w;
    cJSON        *vs = cJSON_AddArrayToObject(doc, "variants"), *out;
    cJSON        *rm = cJSON_CreateArray();
    size_t        i = 0;
    char          f[32];

    cJSON_ArrayForEach(v, cJSON_GetObjectItemCaseSensitive(values,
                                                           "variants")) {
        if (cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(v, "remove"))) {
            if (cat_sku_ok(cbo_str(v, "sku"))) {
                cJSON_AddItemToArray(rm, cJSON_CreateString(cbo_str(v,
                                                                    "sku")));
            }
            i++;
            continue;
        }
        /* The same SKU twice in one form: the database would take one. */
        for (w = cJSON_GetObjectItemCaseSensitive(values, "variants")->child;
             w != v; w = w->next)
        {
            if (strcmp(cbo_str(w, "sku"), cbo_str(v, "sku")) == 0) {
                snprintf(f, sizeof(f), "v%zu_sku", i);
                cbo_err(errors, f, "This SKU is already on another row.");
            }
        }
        out = cJSON_CreateObject();
        cbo_variant_doc(r, i, v, errors, out);
        cJSON_AddItemToArray(vs, out);
        i++;
    }
    if (is_new && cJSON_GetArraySize(vs) == 0) {
        cbo_err(errors, "v0_sku", "A product needs at least one variant "
                "with a SKU and a price.");
    }
    if (cJSON_GetArraySize(rm) > 0) {
        cJSON_AddItemToObject(doc, "remove_skus", rm);
    } else {
        cJSON_Delete(rm);
    }
}

/*
 * The document to save from the values of a post. Every problem goes to
 * errors (field name → sentence); the caller saves only when it stays
 * empty. A new cJSON the caller deletes.
 */
cJSON *
cbo_doc_from_values(souk_request_t *r, const cJSON *values, int is_new,
    cJSON *errors)
{
    cJSON        *doc = cJSON_CreateObject(), *o;
    const char   *s;
    int64_t       n;

    s = cbo_str(values, "name");
    if (s[0] == '\0' || strlen(s) > 200) {
        cbo_err(errors, "name", "Enter a name of 1 to 200 characters.");
    }
    cJSON_AddStringToObject(doc, "name", s);
    s = cbo_str(values, "slug");
    if (!cat_slug_ok(s)) {
        cbo_err(errors, "slug", "A slug is lower-case letters and digits, "
                "words joined by single dashes (\"blue-wool-scarf\").");
    }
    cJSON_AddStringToObject(doc, "slug", s);
    s = cbo_str(values, "kind");
    if (strcmp(s, "product") != 0 && strcmp(s, "service") != 0) {
        cbo_err(errors, "kind", "Pick product or service.");
    }
    cJSON_AddStringToObject(doc, "kind", s);
    if (strlen(cbo_str(values, "summary")) > 400) {
        cbo_err(errors, "summary", "Keep the summary to 400 characters.");
    }
    cJSON_AddStringToObject(doc, "summary", cbo_str(values, "summary"));
    cbo_doc_texts(doc, values);
    if (strlen(cbo_str(values, "seo_title")) > 200) {
        cbo_err(errors, "seo_title", "Keep the title to 200 characters.");
    }
    if (strlen(cbo_str(values, "seo_description")) > 400) {
        cbo_err(errors, "seo_description", "Keep the description to 400 "
                "characters.");
    }
    cJSON_AddItemToObject(doc, "tags", cbo_tags(cbo_str(values, "tags")));
    o = cJSON_AddObjectToObject(doc, "attributes");
    if (cbo_pairs_parse(cbo_str(values, "attributes"), '\n', 1, 64, 128, o)
        != SOUK_OK)
    {
        cbo_err(errors, "attributes", "One attribute a line, as "
                "\"material=wool\".");
    }
    o = cJSON_AddObjectToObject(doc, "channels");
    if (cbo_pairs_parse(cbo_str(values, "channels"), '\n', 0, 32, 500, o)
        != SOUK_OK)
    {
        cbo_err(errors, "channels", "One channel a line, as "
                "\"amazon=https://…\".");
    }
    s = cbo_str(values, "available_at");
    if (s[0] == '\0') {
        cJSON_AddNullToObject(doc, "available_at");
    } else if (cbo_time_parse(s, &n) == SOUK_OK) {
        cJSON_AddNumberToObject(doc, "available_at", (double) n);
    } else {
        cbo_err(errors, "available_at", "Write a date as 2026-12-24 or "
                "2026-12-24 09:00 (UTC).");
    }
    s = cbo_str(values, "preorder_limit");
    if (s[0] == '\0') {
        n = 0;
    } else if (souk_int_parse(s, 0, 1000000000, &n) != SOUK_OK) {
        cbo_err(errors, "preorder_limit", "The limit is a whole number.");
    }
    cJSON_AddNumberToObject(doc, "preorder_limit", (double) n);
    cJSON_AddItemToObject(doc, "categories", cJSON_Duplicate(
        cJSON_GetObjectItemCaseSensitive(values, "categories"), 1));
    o = cJSON_GetObjectItemCaseSensitive(values, "sites");
    if (cJSON_GetArraySize(o) > 0) {
        cJSON_AddItemToObject(doc, "sites", cJSON_Duplicate(o, 1));
    } else if (!is_new) {
        cbo_err(errors, "sites", "Pick at least one site to show it on.");
    }
    cbo_doc_variants(r, values, is_new, errors, doc);
    return doc;
}

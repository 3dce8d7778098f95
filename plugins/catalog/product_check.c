/* Checking a product document before anything is written: every value's
 * type, length and syntax, and that its sites are of the request's group. */
#include <string.h>

#include "product.h"

int
cat_pdoc_str(cat_save_t *t, const cJSON *o, const char *key, size_t max,
    int required, const char **out)
{
    const cJSON  *v = cJSON_GetObjectItemCaseSensitive(o, key);
    size_t        n;

    if (v == NULL || cJSON_IsNull(v)) {
        return required ? cat_decline(t->why, t->whylen, "%s is required",
                                      key)
                        : SOUK_OK;
    }
    if (!cJSON_IsString(v)) {
        return cat_decline(t->why, t->whylen, "%s must be text", key);
    }
    n = strlen(v->valuestring);
    if ((required && n == 0) || n > max) {
        return cat_decline(t->why, t->whylen, "%s must be 1 to %zu "
                           "characters", key, max);
    }
    *out = v->valuestring;
    return SOUK_OK;
}

/* An array of short strings (tags, sites, category slugs). */
static int
cat_str_list(cat_save_t *t, const cJSON *v, const char *key, size_t max)
{
    const cJSON  *e;

    if (v == NULL) {
        return SOUK_OK;
    }
    if (!cJSON_IsArray(v) || cJSON_GetArraySize(v) > CAT_MAX_LIST) {
        return cat_decline(t->why, t->whylen, "%s must be a list of at "
                           "most %d items", key, CAT_MAX_LIST);
    }
    cJSON_ArrayForEach(e, v) {
        if (!cJSON_IsString(e) || e->valuestring[0] == '\0'
            || strlen(e->valuestring) > max)
        {
            return cat_decline(t->why, t->whylen, "every item of %s must "
                               "be text of 1 to %zu characters", key, max);
        }
    }
    return SOUK_OK;
}

static int
cat_currency_ok(const char *c)
{
    return c != NULL && strlen(c) == 3 && c[0] >= 'A' && c[0] <= 'Z'
           && c[1] >= 'A' && c[1] <= 'Z' && c[2] >= 'A' && c[2] <= 'Z';
}

static int
cat_check_prices(cat_save_t *t, const char *sku, const cJSON *prices)
{
    const cJSON  *p, *e;
    int64_t       n;
    const char   *k;
    size_t        i;
    static const char *const  keys[] = { "amount", "compare_at", "cost" };

    if (prices == NULL) {
        return SOUK_OK;
    }
    if (!cJSON_IsArray(prices) || cJSON_GetArraySize(prices) > 20) {
        return cat_decline(t->why, t->whylen, "prices of %s must be a list",
                           sku);
    }
    cJSON_ArrayForEach(p, prices) {
        k = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(p,
                                                                  "currency"));
        if (!cat_currency_ok(k)) {
            return cat_decline(t->why, t->whylen, "a price of %s has no "
                               "currency code (three capitals)", sku);
        }
        for (i = 0; i < 3; i++) {
            e = cJSON_GetObjectItemCaseSensitive(p, keys[i]);
            if ((e != NULL || i == 0)
                && souk_json_int(e, 0, INT64_C(1000000000000), &n) != SOUK_OK)
            {
                return cat_decline(t->why, t->whylen, "%s %s of %s must be "
                                   "a whole number of minor units, 0 or "
                                   "more", k, keys[i], sku);
            }
        }
        for (e = p->next; e != NULL; e = e->next) {
            if (strcmp(k, cJSON_GetStringValue(
                    cJSON_GetObjectItemCaseSensitive(e, "currency")) ?: "")
                == 0)
            {
                return cat_decline(t->why, t->whylen, "%s has two %s "
                                   "prices", sku, k);
            }
        }
    }
    return SOUK_OK;
}

static int
cat_check_variant(cat_save_t *t, const cJSON *v)
{
    const char   *sku = NULL, *s = NULL;
    const cJSON  *e, *o;
    int64_t       n;

    if (!cJSON_IsObject(v) || cat_pdoc_str(t, v, "sku", 64, 1, &sku) != SOUK_OK) {
        return cat_decline(t->why, t->whylen, "every variant needs a sku");
    }
    if (!cat_sku_ok(sku)) {
        return cat_decline(t->why, t->whylen, "SKU \"%s\" may hold only "
                           "letters, digits, '.', '_' and '-' (at most 64)",
                           sku);
    }
    if (cat_pdoc_str(t, v, "barcode", 32, 0, &s) != SOUK_OK) {
        return SOUK_DECLINED;
    }
    if (((e = cJSON_GetObjectItemCaseSensitive(v, "weight_g")) != NULL
         && souk_json_int(e, 0, INT64_C(100000000), &n) != SOUK_OK)
        || ((e = cJSON_GetObjectItemCaseSensitive(v, "low_stock_threshold"))
            != NULL && souk_json_int(e, 0, INT64_C(1000000000), &n)
                       != SOUK_OK))
    {
        return cat_decline(t->why, t->whylen, "weight_g and "
                           "low_stock_threshold of %s must be whole numbers, "
                           "0 or more", sku);
    }
    if ((o = cJSON_GetObjectItemCaseSensitive(v, "options")) != NULL) {
        if (!cJSON_IsObject(o) || cJSON_GetArraySize(o) > 10) {
            return cat_decline(t->why, t->whylen, "options of %s must be an "
                               "object of at most 10 names", sku);
        }
        cJSON_ArrayForEach(e, o) {
            if (e->string[0] == '\0' || strlen(e->string) > 64
                || !cJSON_IsString(e) || e->valuestring[0] == '\0'
                || strlen(e->valuestring) > 128)
            {
                return cat_decline(t->why, t->whylen, "each option of %s "
                                   "needs a name and a text value", sku);
            }
        }
    }
    for (e = v->next; e != NULL; e = e->next) {
        s = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(e, "sku"));
        if (s != NULL && strcmp(s, sku) == 0) {
            return cat_decline(t->why, t->whylen, "SKU %s appears twice",
                               sku);
        }
    }
    return cat_check_prices(t, sku,
                            cJSON_GetObjectItemCaseSensitive(v, "prices"));
}

static int
cat_check_sites(cat_save_t *t, const cJSON *sites)
{
    cJSON        *all, *s;
    const cJSON  *e;
    const char   *g;
    int           found;

    if (sites == NULL) {
        return SOUK_OK;
    }
    if (cat_str_list(t, sites, "sites", 64) != SOUK_OK) {
        return SOUK_DECLINED;
    }
    all = souk_site_list(t->r);
    if (all == NULL) {
        return SOUK_ERROR;
    }
    cJSON_ArrayForEach(e, sites) {
        found = 0;
        cJSON_ArrayForEach(s, all) {
            g = cJSON_GetStringValue(cJSON_GetObjectItem(s, "group"));
            if (strcmp(cJSON_GetStringValue(cJSON_GetObjectItem(s, "id"))
                       ?: "", e->valuestring) == 0
                && strcmp(g ?: e->valuestring, t->group) == 0)
            {
                found = 1;
            }
        }
        if (!found) {
            cJSON_Delete(all);
            return cat_decline(t->why, t->whylen, "no site \"%s\" in this "
                               "site's group", e->valuestring);
        }
    }
    cJSON_Delete(all);
    return SOUK_OK;
}

static int
cat_check_maps(cat_save_t *t)
{
    const cJSON  *a, *e, *v;

    if ((a = cJSON_GetObjectItemCaseSensitive(t->doc, "attributes"))
        != NULL)
    {
        if (!cJSON_IsObject(a) || cJSON_GetArraySize(a) > CAT_MAX_LIST) {
            return cat_decline(t->why, t->whylen, "attributes must be an "
                               "object of names");
        }
        cJSON_ArrayForEach(e, a) {
            if (e->string[0] == '\0' || strlen(e->string) > 64) {
                return cat_decline(t->why, t->whylen, "attribute names are "
                                   "1 to 64 characters");
            }
            if (!cJSON_IsString(e)
                && cat_str_list(t, e, e->string, 128) != SOUK_OK)
            {
                return SOUK_DECLINED;
            }
        }
    }
    if ((a = cJSON_GetObjectItemCaseSensitive(t->doc, "channels")) != NULL) {
        if (!cJSON_IsObject(a) || cJSON_GetArraySize(a) > 20) {
            return cat_decline(t->why, t->whylen, "channels must be an "
                               "object of URLs");
        }
        cJSON_ArrayForEach(v, a) {
            if (!cat_slug_ok(v->string) || strlen(v->string) > 32
                || !cJSON_IsString(v) || strlen(v->valuestring) > 500
                || (strncmp(v->valuestring, "https://", 8) != 0
                    && strncmp(v->valuestring, "http://", 7) != 0))
            {
                return cat_decline(t->why, t->whylen, "channel links are "
                                   "a short name and an http(s) URL");
            }
        }
    }
    return SOUK_OK;
}

int
cat_pdoc_check(cat_save_t *t)
{
    const cJSON  *d = t->doc, *v, *seo;
    const char   *s = NULL;
    int64_t       n;
    int           req = t->id == 0;

    if (!cJSON_IsObject(d)) {
        return cat_decline(t->why, t->whylen, "a product is a JSON object");
    }
    if (cat_pdoc_str(t, d, "slug", 128, req, &s) != SOUK_OK) {
        return SOUK_DECLINED;
    }
    if (s != NULL && !cat_slug_ok(s)) {
        return cat_decline(t->why, t->whylen, "a slug is lower-case letters "
                           "and digits joined by single hyphens");
    }
    s = NULL;
    if (cat_pdoc_str(t, d, "name", 200, req, &s) != SOUK_OK
        || (s != NULL && s[0] == '\0'
            && cat_decline(t->why, t->whylen, "name is required"))
        || cat_pdoc_str(t, d, "summary", 400, 0, &s) != SOUK_OK
        || cat_pdoc_str(t, d, "description", CAT_MAX_DESCRIPTION, 0, &s)
           != SOUK_OK)
    {
        return SOUK_DECLINED;
    }
    if ((seo = cJSON_GetObjectItemCaseSensitive(d, "seo")) != NULL
        && (!cJSON_IsObject(seo)
            || cat_pdoc_str(t, seo, "title", 200, 0, &s) != SOUK_OK
            || cat_pdoc_str(t, seo, "description", 400, 0, &s) != SOUK_OK))
    {
        return cat_decline(t->why, t->whylen, "seo holds a title (200) and "
                           "a description (400)");
    }
    s = NULL;
    if (cat_pdoc_str(t, d, "kind", 16, 0, &s) != SOUK_OK
        || (s != NULL && strcmp(s, "product") != 0
            && strcmp(s, "service") != 0))
    {
        return cat_decline(t->why, t->whylen, "kind is product or service");
    }
    if (((v = cJSON_GetObjectItemCaseSensitive(d, "available_at")) != NULL
         && !cJSON_IsNull(v)
         && souk_json_int(v, 0, INT64_C(1) << 40, &n) != SOUK_OK)
        || ((v = cJSON_GetObjectItemCaseSensitive(d, "preorder_limit"))
            != NULL && souk_json_int(v, 0, INT64_C(1000000000), &n)
                       != SOUK_OK)
        || ((v = cJSON_GetObjectItemCaseSensitive(d, "resource_id")) != NULL
            && !cJSON_IsNull(v)
            && souk_json_int(v, 1, INT64_MAX, &n) != SOUK_OK))
    {
        return cat_decline(t->why, t->whylen, "available_at, preorder_limit "
                           "and resource_id are whole numbers, 0 or more");
    }
    if (cat_str_list(t, cJSON_GetObjectItemCaseSensitive(d, "categories"),
                     "categories", 128) != SOUK_OK
        || cat_str_list(t, cJSON_GetObjectItemCaseSensitive(d, "tags"),
                        "tags", 64) != SOUK_OK
        || cat_str_list(t, cJSON_GetObjectItemCaseSensitive(d, "remove_skus"),
                        "remove_skus", 64) != SOUK_OK
        || cat_check_maps(t) != SOUK_OK)
    {
        return SOUK_DECLINED;
    }
    v = cJSON_GetObjectItemCaseSensitive(d, "variants");
    if (v != NULL && (!cJSON_IsArray(v)
                      || cJSON_GetArraySize(v) > CAT_MAX_VARIANTS))
    {
        return cat_decline(t->why, t->whylen, "variants must be a list of at "
                           "most %d", CAT_MAX_VARIANTS);
    }
    if (req && cJSON_GetArraySize(v) == 0) {
        return cat_decline(t->why, t->whylen, "a product needs at least one "
                           "variant");
    }
    for (v = v != NULL ? v->child : NULL; v != NULL; v = v->next) {
        if (cat_check_variant(t, v) != SOUK_OK) {
            return SOUK_DECLINED;
        }
    }
    return cat_check_sites(t, cJSON_GetObjectItemCaseSensitive(d, "sites"));
}

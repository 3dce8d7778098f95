/* Whether saving an import document would change the stored product:
 * only the fields the document carries are compared, as a merge would
 * write them (so importing the same file twice changes nothing). */
#include <stdlib.h>
#include <string.h>

#include "cli.h"

cJSON *
cat_cli_variant(cJSON *variants, const char *sku)
{
    cJSON  *v;

    cJSON_ArrayForEach(v, variants) {
        if (strcmp(cJSON_GetObjectItem(v, "sku")->valuestring, sku) == 0) {
            return v;
        }
    }
    return NULL;
}

static int
cat_str_differs(const cJSON *doc, const cJSON *old, const char *key)
{
    const cJSON  *a = cJSON_GetObjectItemCaseSensitive(doc, key);
    const char   *b;

    if (a == NULL) {
        return 0;
    }
    b = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(old, key));
    return b == NULL || strcmp(a->valuestring, b) != 0;
}

static int
cat_strcmp_p(const void *a, const void *b)
{
    return strcmp(*(char *const *) a, *(char *const *) b);
}

/* A list (or an attribute object flattened) as sorted "name\x1fvalue". */
static char *
cat_flat(souk_pool_t *pool, const cJSON *v)
{
    const cJSON  *e, *x;
    char        **items;
    size_t        n = 0, i, cap = 0;
    souk_buf_t    b;

    cJSON_ArrayForEach(e, v) {
        cap += cJSON_IsArray(e) ? (size_t) cJSON_GetArraySize(e) : 1;
    }
    items = souk_palloc(pool, (cap + 1) * sizeof(items[0]));
    cJSON_ArrayForEach(e, v) {
        if (cJSON_IsString(e)) {
            items[n++] = souk_psprintf(pool, "%s\x1f%s", e->string ?: "",
                                       e->valuestring);
        }
        if (!cJSON_IsArray(e)) {
            continue;
        }
        cJSON_ArrayForEach(x, e) {
            items[n++] = souk_psprintf(pool, "%s\x1f%s", e->string ?: "",
                                       cJSON_GetStringValue(x) ?: "");
        }
    }
    qsort(items, n, sizeof(items[0]), cat_strcmp_p);
    souk_buf_init(&b, pool, 64);
    for (i = 0; i < n; i++) {
        souk_buf_puts(&b, items[i]);
        souk_buf_puts(&b, "\x1e");
    }
    return b.data;
}

static int
cat_list_differs(souk_pool_t *pool, const cJSON *doc, const cJSON *old,
    const char *key)
{
    const cJSON  *a = cJSON_GetObjectItemCaseSensitive(doc, key);

    return a != NULL
           && strcmp(cat_flat(pool, a),
                     cat_flat(pool, cJSON_GetObjectItemCaseSensitive(old,
                                                                     key)))
              != 0;
}

static int
cat_num_differs(const cJSON *a, const cJSON *b, const char *key)
{
    const cJSON  *x = cJSON_GetObjectItemCaseSensitive(a, key);
    const cJSON  *y = cJSON_GetObjectItemCaseSensitive(b, key);

    return x != NULL && (y == NULL || x->valuedouble != y->valuedouble);
}

static int
cat_prices_differ(const cJSON *want, const cJSON *have)
{
    const cJSON  *p, *q;
    const char   *cur;

    if (want == NULL) {
        return 0;
    }
    if (cJSON_GetArraySize(want) != cJSON_GetArraySize(have)) {
        return 1;
    }
    cJSON_ArrayForEach(p, want) {
        cur = cJSON_GetObjectItem(p, "currency")->valuestring;
        cJSON_ArrayForEach(q, have) {
            if (strcmp(cJSON_GetStringValue(cJSON_GetObjectItem(q,
                           "currency")) ?: "", cur) == 0)
            {
                break;
            }
        }
        if (q == NULL
            || cJSON_GetObjectItem(p, "amount")->valuedouble
               != cJSON_GetObjectItem(q, "base_amount")->valuedouble
            || cat_num_differs(p, q, "compare_at")
            || cat_num_differs(p, q, "cost"))
        {
            return 1;
        }
    }
    return 0;
}

static int
cat_variant_differs(const cJSON *v, const cJSON *old)
{
    const cJSON  *w, *o, *e;

    w = cat_cli_variant(cJSON_GetObjectItem((cJSON *) old, "variants"),
                       cJSON_GetObjectItem(v, "sku")->valuestring);
    if (w == NULL || cat_num_differs(v, w, "weight_g")
        || cat_str_differs(v, w, "barcode")
        || cat_prices_differ(cJSON_GetObjectItem(v, "prices"),
                             cJSON_GetObjectItem(w, "prices")))
    {
        return 1;
    }
    if ((o = cJSON_GetObjectItem(v, "options")) == NULL) {
        return 0;
    }
    /* Options keep their order: it is the order shown to shoppers. */
    e = cJSON_GetObjectItem(w, "options")->child;
    for (o = o->child; o != NULL; o = o->next, e = e->next) {
        if (e == NULL || strcmp(o->string, e->string) != 0
            || strcmp(o->valuestring, e->valuestring) != 0)
        {
            return 1;
        }
    }
    return e != NULL;
}

int64_t
cat_cli_old_stock(const cJSON *old, const char *sku, const char *code)
{
    const cJSON  *v, *s;

    v = cat_cli_variant(cJSON_GetObjectItem((cJSON *) old, "variants"), sku);
    if (v == NULL) {
        return -1;
    }
    cJSON_ArrayForEach(s, cJSON_GetObjectItem(v, "stock")) {
        if (strcmp(cJSON_GetObjectItem(s, "warehouse")->valuestring, code)
            == 0)
        {
            return (int64_t) cJSON_GetObjectItem(s, "on_hand")->valuedouble;
        }
    }
    return -1;
}

int
cat_cli_doc_differs(souk_pool_t *pool, const cJSON *d, const cJSON *old)
{
    const cJSON  *v;
    const char   *s;

    if (cat_str_differs(d, old, "name") || cat_str_differs(d, old, "kind")
        || cat_str_differs(d, old, "summary")
        || cat_list_differs(pool, d, old, "categories")
        || cat_list_differs(pool, d, old, "tags")
        || cat_list_differs(pool, d, old, "attributes"))
    {
        return 1;
    }
    /* The stored description is sanitised: compare like with like. */
    if ((v = cJSON_GetObjectItem(d, "description")) != NULL) {
        s = souk_html_sanitize(pool, v->valuestring, strlen(v->valuestring));
        if (s == NULL || strcmp(s, cJSON_GetStringValue(
                cJSON_GetObjectItem(old, "description")) ?: "") != 0)
        {
            return 1;
        }
    }
    cJSON_ArrayForEach(v, cJSON_GetObjectItem(d, "variants")) {
        if (cat_variant_differs(v, old)) {
            return 1;
        }
    }
    return 0;
}

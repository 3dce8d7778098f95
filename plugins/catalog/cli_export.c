/* `souk export products [--out FILE]`: every product of the site's group
 * in the import format, so that export, import, export gives the same
 * bytes. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

/* Export writes every column but image (a stored image has no file name
 * to give back) and price_minor (price says the same). */
static int
cat_export_col(int k)
{
    return k != CAT_COL_IMAGE && k != CAT_COL_PRICE_MINOR;
}

/* The categories of the group, to turn a slug into "root/child/slug". */
typedef struct {
    int64_t      *id, *parent;
    const char  **slug;
    size_t        n;
} cat_tree_t;

static int
cat_export_tree(souk_request_t *r, cat_tree_t *t)
{
    souk_pool_t  *pool = souk_request_pool(r);
    souk_stmt_t  *st;
    size_t        cap = 64;
    int           rc;

    memset(t, 0, sizeof(*t));
    st = souk_db_prepare(souk_db(r), "SELECT id, parent_id, slug FROM "
                         "catalog_categories WHERE group_id = ? ORDER BY "
                         "id");
    if (st == NULL || souk_stmt_bind_text(st, 1, souk_site_group(r), -1)
                      != SOUK_OK)
    {
        return SOUK_ERROR;
    }
    t->id = souk_palloc(pool, cap * sizeof(int64_t));
    t->parent = souk_palloc(pool, cap * sizeof(int64_t));
    t->slug = souk_palloc(pool, cap * sizeof(char *));
    while ((rc = souk_stmt_step(st)) == SOUK_ROW) {
        if (t->n == cap) {
            int64_t      *a = souk_palloc(pool, 2 * cap * sizeof(int64_t));
            int64_t      *b = souk_palloc(pool, 2 * cap * sizeof(int64_t));
            const char  **c = souk_palloc(pool, 2 * cap * sizeof(char *));

            memcpy(a, t->id, cap * sizeof(int64_t));
            memcpy(b, t->parent, cap * sizeof(int64_t));
            memcpy(c, t->slug, cap * sizeof(char *));
            t->id = a;
            t->parent = b;
            t->slug = c;
            cap *= 2;
        }
        t->id[t->n] = souk_stmt_int(st, 0);
        t->parent[t->n] = souk_stmt_int(st, 1);
        t->slug[t->n] = souk_pstrdup(pool, souk_stmt_text(st, 2));
        t->n++;
    }
    return rc == SOUK_DONE ? SOUK_OK : SOUK_ERROR;
}

static const char *
cat_export_path(souk_pool_t *pool, const cat_tree_t *t, const char *slug)
{
    const char  *path = slug;
    size_t       i, j, depth;

    for (i = 0; i < t->n && strcmp(t->slug[i], slug) != 0; i++) {
        /* find it */
    }
    for (depth = 0; i < t->n && t->parent[i] != 0 && depth < 64; depth++) {
        for (j = 0; j < t->n && t->id[j] != t->parent[i]; j++) {
            /* its parent */
        }
        if (j == t->n) {
            break;
        }
        path = souk_psprintf(pool, "%s/%s", t->slug[j], path);
        i = j;
    }
    return path;
}

static int
cat_strcmp_p(const void *a, const void *b)
{
    return strcmp(*(char *const *) a, *(char *const *) b);
}

/* A list joined by sep; categories as sorted paths. */
static const char *
cat_export_join(souk_pool_t *pool, const cJSON *l, const cat_tree_t *tree)
{
    const char  **items;
    const cJSON  *e;
    size_t        n = 0, i;
    souk_buf_t    b;

    items = souk_palloc(pool, ((size_t) cJSON_GetArraySize(l) + 1)
                              * sizeof(char *));
    cJSON_ArrayForEach(e, l) {
        items[n++] = tree != NULL
                     ? cat_export_path(pool, tree, e->valuestring)
                     : e->valuestring;
    }
    qsort(items, n, sizeof(items[0]), cat_strcmp_p);
    souk_buf_init(&b, pool, 64);
    for (i = 0; i < n; i++) {
        souk_buf_printf(&b, "%s%s", i ? "|" : "", items[i]);
    }
    return b.data;
}

/* "material=wool|colour=red" or "Size=M;Colour=Red". */
static const char *
cat_export_pairs(souk_pool_t *pool, const cJSON *o, char sep)
{
    const cJSON  *e, *x;
    souk_buf_t    b;

    souk_buf_init(&b, pool, 64);
    cJSON_ArrayForEach(e, o) {
        if (cJSON_IsString(e)) {
            souk_buf_printf(&b, "%s%s=%s", b.len ? (sep == ';' ? ";" : "|")
                            : "", e->string, e->valuestring);
            continue;
        }
        cJSON_ArrayForEach(x, e) {
            souk_buf_printf(&b, "%s%s=%s", b.len ? "|" : "", e->string,
                            cJSON_GetStringValue(x) ?: "");
        }
    }
    return b.data;
}

static void
cat_export_row(FILE *f, const char **cell)
{
    int  k, first = 1;

    for (k = 0; k < CAT_COL_N; k++) {
        if (cat_export_col(k)) {
            cat_csv_put(f, cell[k] != NULL ? cell[k] : "", first,
                        cat_csv_is_text(k));
            first = 0;
        }
    }
    fputc('\n', f);
}

static void
cat_export_product(souk_request_t *r, FILE *f, const cJSON *d,
    const cat_tree_t *tree)
{
    souk_pool_t  *pool = souk_request_pool(r);
    const char   *cell[CAT_COL_N], *cur;
    const cJSON  *v, *p, *s;
    int           first = 1, i, n, np, ns;
    int64_t       x;
    char          money[32];

    cJSON_ArrayForEach(v, cJSON_GetObjectItem(d, "variants")) {
        np = cJSON_GetArraySize(cJSON_GetObjectItem(v, "prices"));
        ns = cJSON_GetArraySize(cJSON_GetObjectItem(v, "stock"));
        n = np > ns ? np : ns;
        for (i = 0; i < (n > 0 ? n : 1); i++) {
            memset(cell, 0, sizeof(cell));
            cell[CAT_COL_SLUG] = cJSON_GetStringValue(cJSON_GetObjectItem(d,
                                                                   "slug"));
            cell[CAT_COL_SKU] = cJSON_GetStringValue(cJSON_GetObjectItem(v,
                                                                   "sku"));
            if (first) {
                cell[CAT_COL_NAME] = cJSON_GetObjectItem(d, "name")
                                     ->valuestring;
                cell[CAT_COL_KIND] = cJSON_GetObjectItem(d, "kind")
                                     ->valuestring;
                cell[CAT_COL_STATUS] = cJSON_GetObjectItem(d, "status")
                                       ->valuestring;
                cell[CAT_COL_CATEGORY] = cat_export_join(pool,
                    cJSON_GetObjectItem(d, "categories"), tree);
                cell[CAT_COL_TAGS] = cat_export_join(pool,
                    cJSON_GetObjectItem(d, "tags"), NULL);
                cell[CAT_COL_ATTRIBUTES] = cat_export_pairs(pool,
                    cJSON_GetObjectItem(d, "attributes"), '|');
                cell[CAT_COL_SUMMARY] = cJSON_GetObjectItem(d, "summary")
                                        ->valuestring;
                cell[CAT_COL_DESCRIPTION] = cJSON_GetObjectItem(d,
                    "description")->valuestring;
                first = 0;
            }
            if (i == 0) {
                cell[CAT_COL_OPTIONS] = cat_export_pairs(pool,
                    cJSON_GetObjectItem(v, "options"), ';');
                cell[CAT_COL_WEIGHT_G] = souk_psprintf(pool, "%lld",
                    (long long) cJSON_GetObjectItem(v, "weight_g")
                                ->valuedouble);
                cell[CAT_COL_BARCODE] = cJSON_GetStringValue(
                    cJSON_GetObjectItem(v, "barcode"));
            }
            if ((p = cJSON_GetArrayItem(cJSON_GetObjectItem(v, "prices"), i))
                != NULL)
            {
                cur = cJSON_GetObjectItem(p, "currency")->valuestring;
                cell[CAT_COL_CURRENCY] = cur;
                x = (int64_t) cJSON_GetObjectItem(p, "base_amount")
                              ->valuedouble;
                cat_money_format(money, sizeof(money), x, cur);
                cell[CAT_COL_PRICE] = souk_pstrdup(pool, money);
                x = (int64_t) cJSON_GetObjectItem(p, "compare_at")
                              ->valuedouble;
                if (x > 0) {
                    cat_money_format(money, sizeof(money), x, cur);
                    cell[CAT_COL_COMPARE_AT] = souk_pstrdup(pool, money);
                }
                x = (int64_t) cJSON_GetNumberValue(cJSON_GetObjectItem(p,
                                                                  "cost"));
                if (x > 0) {
                    cat_money_format(money, sizeof(money), x, cur);
                    cell[CAT_COL_COST] = souk_pstrdup(pool, money);
                }
            }
            if ((s = cJSON_GetArrayItem(cJSON_GetObjectItem(v, "stock"), i))
                != NULL)
            {
                cell[CAT_COL_WAREHOUSE] = cJSON_GetObjectItem(s, "warehouse")
                                          ->valuestring;
                cell[CAT_COL_STOCK] = souk_psprintf(pool, "%lld",
                    (long long) cJSON_GetObjectItem(s, "on_hand")
                                ->valuedouble);
            }
            cat_export_row(f, cell);
        }
    }
}

static int
cat_export_all(souk_request_t *r, FILE *f)
{
    souk_db_t      *db = souk_db(r);
    souk_stmt_t    *st;
    cat_tree_t      tree;
    cat_progress_t  prog;
    int64_t        *ids, total, n = 0, i;
    cJSON          *d;
    int             k, first = 1, rc;

    if (cat_export_tree(r, &tree) != SOUK_OK
        || (st = souk_db_row(db, "SELECT COUNT(*) FROM catalog_products "
                             "WHERE group_id = ?", "t", souk_site_group(r)))
           == NULL)
    {
        return SOUK_ERROR;
    }
    total = souk_stmt_int(st, 0);
    souk_stmt_reset(st);
    ids = souk_palloc(souk_request_pool(r),
                      (size_t) (total + 1) * sizeof(int64_t));
    st = souk_db_prepare(db, "SELECT id FROM catalog_products WHERE "
                         "group_id = ? ORDER BY id");
    if (st == NULL || souk_stmt_bind_text(st, 1, souk_site_group(r), -1)
                      != SOUK_OK)
    {
        return SOUK_ERROR;
    }
    while ((rc = souk_stmt_step(st)) == SOUK_ROW && n < total) {
        ids[n++] = souk_stmt_int(st, 0);
    }
    souk_stmt_reset(st);
    for (k = 0; k < CAT_COL_N; k++) {
        if (cat_export_col(k)) {
            cat_csv_put(f, cat_csv_columns[k], first, 0);
            first = 0;
        }
    }
    fputc('\n', f);
    cat_progress_start(&prog, "exporting", (size_t) n);
    for (i = 0; i < n; i++) {
        cat_progress(&prog, (size_t) i);
        d = cat_product_load(r, ids[i], CAT_LOAD_STOCK | CAT_LOAD_COST);
        if (d == NULL) {
            continue;       /* deleted meanwhile */
        }
        cat_export_product(r, f, d, &tree);
        cJSON_Delete(d);
    }
    cat_progress_end(&prog);
    return SOUK_OK;
}

int
cat_cli_export(souk_request_t *r, int argc, char **argv, void *data)
{
    const char  *out = NULL, *tmp = NULL;
    FILE        *f = stdout;
    int          rc;

    (void) data;
    if (argc == 2 && strcmp(argv[0], "--out") == 0) {
        out = argv[1];
    } else if (argc != 0) {
        fprintf(stderr, "usage: souk export products [--out FILE]\n");
        return 2;
    }
    if (out != NULL) {
        /* Written aside and renamed: never half a file under its name. */
        tmp = souk_psprintf(souk_request_pool(r), "%s.tmp", out);
        if ((f = fopen(tmp, "w")) == NULL) {
            fprintf(stderr, "souk export: %s: %s\n", tmp, strerror(errno));
            return 1;
        }
    }
    rc = cat_export_all(r, f);
    if (out == NULL) {
        return rc == SOUK_OK && fflush(stdout) == 0 ? 0 : 1;
    }
    if (fclose(f) != 0 || rc != SOUK_OK || rename(tmp, out) != 0) {
        fprintf(stderr, "souk export: %s: %s\n", out,
                rc != SOUK_OK ? "reading the catalogue failed"
                              : strerror(errno));
        remove(tmp);
        return 1;
    }
    return 0;
}

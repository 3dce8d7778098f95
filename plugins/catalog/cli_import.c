/* `souk import products FILE.csv`: checks the whole file, then writes it
 * in one transaction through the model, product by product, skipping
 * products that would not change (so a second run changes nothing). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cli.h"

typedef struct {
    souk_request_t  *r;
    cat_csv_t       *c;
    const char      *dir;           /* the CSV's folder, for images */
    int              skip_bad;
    int              dry_run;
    size_t           nerrs0;        /* errs found by the reader */
    size_t           created, updated, unchanged, bad;
    cat_progress_t   prog;
} cat_import_t;

/* One product of the file on its way in. */
typedef struct {
    cat_import_t       *t;
    cat_csv_product_t  *p;
    cat_csv_row_t      *first;
    cJSON              *doc;        /* for cat_product_save */
    cJSON              *old;        /* stored, or NULL when new */
    int64_t             id;
    int                 has_image;
    souk_image_t        image;
    size_t              err_line;
    char                why[CAT_WHY];
} cat_iprod_t;

static cat_csv_row_t *
cat_row(cat_iprod_t *ip, size_t k)
{
    return &ip->t->c->rows[ip->p->rows[k]];
}

static int
cat_add_string(void *arg, const char *name, const char *value)
{
    cJSON  *list = arg, *e;

    (void) value;
    cJSON_ArrayForEach(e, list) {
        if (strcmp(e->valuestring, name) == 0) {
            return 0;
        }
    }
    cJSON_AddItemToArray(list, cJSON_CreateString(name));
    return 0;
}

static int
cat_add_pair(void *arg, const char *name, const char *value)
{
    cJSON  *obj = arg, *l;

    /* attributes: a name may repeat (colour=red|colour=blue). */
    if ((l = cJSON_GetObjectItemCaseSensitive(obj, name)) == NULL) {
        l = cJSON_AddArrayToObject(obj, name);
    }
    return cat_add_string(l, value, NULL);
}

static int
cat_add_option(void *arg, const char *name, const char *value)
{
    cJSON  *obj = arg;

    cJSON_DeleteItemFromObjectCaseSensitive(obj, name);
    cJSON_AddStringToObject(obj, name, value);
    return 0;
}

static void
cat_split_into(const char *s, char sep, int pairs, cJSON *into,
    int (*fn)(void *, const char *, const char *))
{
    char  *scratch;

    if (s == NULL || s[0] == '\0') {
        return;
    }
    scratch = malloc(strlen(s) + 1);
    if (scratch == NULL) {
        abort();
    }
    cat_csv_split(s, sep, pairs, scratch, fn, into);
    free(scratch);
}

/* "garden-tools" is named "Garden tools" until someone names it better
 * in the back office. */
static const char *
cat_slug_name(souk_pool_t *pool, const char *slug)
{
    char  *s = souk_pstrdup(pool, slug), *q;

    for (q = s; *q != '\0'; q++) {
        if (*q == '-') {
            *q = ' ';
        }
    }
    if (s[0] >= 'a' && s[0] <= 'z') {
        s[0] = (char) (s[0] - 'a' + 'A');
    }
    return s;
}

/* The category path "a/b/c": creates what is missing, checks that what
 * exists sits where the path says; *leaf is c. */
static int
cat_import_path(cat_iprod_t *ip, const char *path, const char **leaf)
{
    souk_request_t  *r = ip->t->r;
    souk_pool_t     *pool = souk_request_pool(r);
    char            *copy = souk_pstrdup(pool, path), *seg, *save = NULL;
    const char      *parent = NULL, *have;
    souk_stmt_t     *st;
    cJSON           *doc;
    int64_t          id;
    int              rc;

    for (seg = strtok_r(copy, "/", &save); seg != NULL;
         seg = strtok_r(NULL, "/", &save))
    {
        st = souk_db_row(souk_db(r), "SELECT c.id, p.slug FROM "
                         "catalog_categories c LEFT JOIN catalog_categories "
                         "p ON p.id = c.parent_id WHERE c.group_id = ? AND "
                         "c.slug = ?", "tt", souk_site_group(r), seg);
        if (st != NULL) {
            have = souk_stmt_text(st, 1);
            rc = (have == NULL) != (parent == NULL)
                 || (have != NULL && strcmp(have, parent) != 0);
            have = souk_pstrdup(pool, have != NULL ? have : "");
            souk_stmt_reset(st);
            if (rc) {
                return cat_decline(ip->why, sizeof(ip->why), "category %s "
                                   "is under \"%s\", not \"%s\"", seg, have,
                                   parent != NULL ? parent : "");
            }
        } else if (souk_db_error(souk_db(r))[0] != '\0') {
            return SOUK_ERROR;
        } else {
            doc = cJSON_CreateObject();
            cJSON_AddStringToObject(doc, "slug", seg);
            cJSON_AddStringToObject(doc, "name", cat_slug_name(pool, seg));
            if (parent != NULL) {
                cJSON_AddStringToObject(doc, "parent", parent);
            }
            rc = cat_category_save(r, doc, 0, &id, ip->why, sizeof(ip->why));
            cJSON_Delete(doc);
            if (rc != SOUK_OK) {
                return rc;
            }
        }
        parent = seg;
    }
    *leaf = parent;
    return SOUK_OK;
}

static int
cat_collect_category(void *arg, const char *name, const char *value)
{
    cat_iprod_t  *ip = arg;
    const char   *leaf = NULL;
    int           rc;

    (void) value;
    rc = cat_import_path(ip, name, &leaf);
    if (rc != SOUK_OK) {
        return rc == SOUK_DECLINED ? 1 : -1;
    }
    cat_add_string(cJSON_GetObjectItem(ip->doc, "categories"), leaf, NULL);
    return 0;
}

/* The product fields of the doc, from the product's first row. */
static int
cat_import_head(cat_iprod_t *ip)
{
    cat_csv_row_t  *f = ip->first;
    cJSON          *d = ip->doc;
    char           *scratch;
    int             rc;

    cJSON_AddStringToObject(d, "slug", f->v[CAT_COL_SLUG]);
    if (f->v[CAT_COL_NAME] != NULL && f->v[CAT_COL_NAME][0] != '\0') {
        cJSON_AddStringToObject(d, "name", f->v[CAT_COL_NAME]);
    }
    if (f->v[CAT_COL_KIND] != NULL && f->v[CAT_COL_KIND][0] != '\0') {
        cJSON_AddStringToObject(d, "kind", f->v[CAT_COL_KIND]);
    }
    if (f->v[CAT_COL_SUMMARY] != NULL) {
        cJSON_AddStringToObject(d, "summary", f->v[CAT_COL_SUMMARY]);
    }
    if (f->v[CAT_COL_DESCRIPTION] != NULL) {
        cJSON_AddStringToObject(d, "description", f->v[CAT_COL_DESCRIPTION]);
    }
    if (f->v[CAT_COL_TAGS] != NULL) {
        cat_split_into(f->v[CAT_COL_TAGS], '|', 0,
                       cJSON_AddArrayToObject(d, "tags"), cat_add_string);
    }
    if (f->v[CAT_COL_ATTRIBUTES] != NULL) {
        cat_split_into(f->v[CAT_COL_ATTRIBUTES], '|', 1,
                       cJSON_AddObjectToObject(d, "attributes"),
                       cat_add_pair);
    }
    if (f->v[CAT_COL_CATEGORY] == NULL) {
        return SOUK_OK;
    }
    cJSON_AddArrayToObject(d, "categories");
    if (f->v[CAT_COL_CATEGORY][0] == '\0') {
        return SOUK_OK;
    }
    scratch = souk_palloc(souk_request_pool(ip->t->r),
                          strlen(f->v[CAT_COL_CATEGORY]) + 1);
    rc = cat_csv_split(f->v[CAT_COL_CATEGORY], '|', 0, scratch,
                       cat_collect_category, ip);
    /* split stops at the first refusal; why says which. */
    return rc == 0 ? SOUK_OK : ip->why[0] != '\0' ? SOUK_DECLINED
                                                  : SOUK_ERROR;
}

/* The variants of the doc: one per SKU, prices gathered from its rows. */
static int
cat_import_variants(cat_iprod_t *ip)
{
    cJSON          *vs = cJSON_AddArrayToObject(ip->doc, "variants");
    cJSON          *v, *pr, *p;
    cat_csv_row_t  *row;
    size_t          k;
    int64_t         owner;

    for (k = 0; k < ip->p->n; k++) {
        row = cat_row(ip, k);
        if ((v = cat_cli_variant(vs, row->v[CAT_COL_SKU])) == NULL) {
            owner = cat_product_id_by_sku(ip->t->r, row->v[CAT_COL_SKU]);
            if (owner != 0 && owner != ip->id) {
                ip->err_line = row->line;
                return cat_decline(ip->why, sizeof(ip->why), "SKU %s "
                                   "belongs to another product",
                                   row->v[CAT_COL_SKU]);
            }
            v = cJSON_CreateObject();
            cJSON_AddStringToObject(v, "sku", row->v[CAT_COL_SKU]);
            cJSON_AddItemToArray(vs, v);
        }
        if (row->v[CAT_COL_OPTIONS] != NULL && row->v[CAT_COL_OPTIONS][0]
            && cJSON_GetObjectItem(v, "options") == NULL)
        {
            cat_split_into(row->v[CAT_COL_OPTIONS], ';', 1,
                           cJSON_AddObjectToObject(v, "options"),
                           cat_add_option);
        }
        if (row->weight_g >= 0 && !cJSON_HasObjectItem(v, "weight_g")) {
            cJSON_AddNumberToObject(v, "weight_g", (double) row->weight_g);
        }
        if (row->v[CAT_COL_BARCODE] != NULL && row->v[CAT_COL_BARCODE][0]
            && !cJSON_HasObjectItem(v, "barcode"))
        {
            cJSON_AddStringToObject(v, "barcode", row->v[CAT_COL_BARCODE]);
        }
        if (row->price < 0) {
            continue;
        }
        if ((pr = cJSON_GetObjectItem(v, "prices")) == NULL) {
            pr = cJSON_AddArrayToObject(v, "prices");
        }
        p = cJSON_CreateObject();
        cJSON_AddStringToObject(p, "currency", row->currency);
        cJSON_AddNumberToObject(p, "amount", (double) row->price);
        if (row->compare_at >= 0) {
            cJSON_AddNumberToObject(p, "compare_at",
                                    (double) row->compare_at);
        }
        if (row->cost >= 0) {
            cJSON_AddNumberToObject(p, "cost", (double) row->cost);
        }
        cJSON_AddItemToArray(pr, p);
    }
    return SOUK_OK;
}

/* The image cell: read beside the CSV file and stored (once: by hash). */
static int
cat_import_image(cat_iprod_t *ip)
{
    const char  *cell = ip->first->v[CAT_COL_IMAGE];
    souk_pool_t *pool = souk_request_pool(ip->t->r);
    const char  *path;
    FILE        *f;
    char        *data;
    size_t       len;
    int          rc;

    if (cell == NULL || cell[0] == '\0') {
        return SOUK_OK;
    }
    path = souk_psprintf(pool, "%s/%s", ip->t->dir, cell);
    if ((f = fopen(path, "rb")) == NULL) {
        ip->err_line = ip->first->line;
        return cat_decline(ip->why, sizeof(ip->why), "image %s: %s", cell,
                           strerror(errno));
    }
    /* malloc, not the pool: a command's pool lives for the whole run. */
    if ((data = malloc(SOUK_IMAGE_MAX_BYTES + 1)) == NULL) {
        abort();
    }
    len = fread(data, 1, SOUK_IMAGE_MAX_BYTES + 1, f);
    fclose(f);
    rc = souk_media_image_save(ip->t->r, data, len, cat_image_widths, 3,
                               &ip->image, ip->why, sizeof(ip->why));
    free(data);
    ip->has_image = rc == SOUK_OK;
    if (rc == SOUK_DECLINED) {
        ip->err_line = ip->first->line;
    }
    return rc;
}

static int
cat_import_differs(cat_iprod_t *ip, const char *dflt_wh)
{
    souk_pool_t   *pool = souk_request_pool(ip->t->r);
    const cJSON   *d = ip->doc, *old = ip->old, *img;
    const char    *s, *status;
    cat_csv_row_t *row;
    size_t         k;

    if (cat_cli_doc_differs(pool, d, old)) {
        return 1;
    }
    for (k = 0; k < ip->p->n; k++) {
        row = cat_row(ip, k);
        s = row->v[CAT_COL_WAREHOUSE] != NULL && row->v[CAT_COL_WAREHOUSE][0]
            ? row->v[CAT_COL_WAREHOUSE] : dflt_wh;
        if (row->stock >= 0
            && (s == NULL || cat_cli_old_stock(old, row->v[CAT_COL_SKU], s)
                             != row->stock))
        {
            return 1;
        }
    }
    status = ip->first->v[CAT_COL_STATUS];
    if (status != NULL && status[0] != '\0'
        && strcmp(status, cJSON_GetStringValue(cJSON_GetObjectItem(old,
                      "status")) ?: "") != 0)
    {
        return 1;
    }
    if (ip->has_image) {
        cJSON_ArrayForEach(img, cJSON_GetObjectItem(old, "images")) {
            if (strcmp(cJSON_GetStringValue(cJSON_GetObjectItem(img, "key"))
                       ?: "", ip->image.key) == 0)
            {
                return 0;
            }
        }
        return 1;
    }
    return 0;
}

/* ---- writing ---- */

static int
cat_import_stock(cat_iprod_t *ip, const char *dflt_wh)
{
    souk_request_t  *r = ip->t->r;
    cat_csv_row_t   *row;
    const char      *code;
    souk_stmt_t     *st;
    int64_t          wid, vid;
    size_t           k;
    int              rc;

    for (k = 0; k < ip->p->n; k++) {
        row = cat_row(ip, k);
        if (row->stock < 0) {
            continue;
        }
        code = row->v[CAT_COL_WAREHOUSE] != NULL
               && row->v[CAT_COL_WAREHOUSE][0] ? row->v[CAT_COL_WAREHOUSE]
                                               : dflt_wh;
        ip->err_line = row->line;
        if (code == NULL) {
            return cat_decline(ip->why, sizeof(ip->why), "no warehouse for "
                               "the stock of %s: add a warehouse column",
                               row->v[CAT_COL_SKU]);
        }
        if (ip->old != NULL
            && cat_cli_old_stock(ip->old, row->v[CAT_COL_SKU], code)
               == row->stock)
        {
            continue;
        }
        if ((rc = cat_cli_warehouse(r, code, &wid, ip->why,
                                    sizeof(ip->why))) != SOUK_OK)
        {
            return rc;
        }
        st = souk_db_row(souk_db(r), "SELECT id FROM catalog_variants WHERE"
                         " group_id = ? AND sku = ?", "tt",
                         souk_site_group(r), row->v[CAT_COL_SKU]);
        if (st == NULL) {
            return SOUK_ERROR;
        }
        vid = souk_stmt_int(st, 0);
        souk_stmt_reset(st);
        rc = cat_stock_set(r, vid, wid, row->stock, "import", ip->why,
                           sizeof(ip->why));
        if (rc != SOUK_OK) {
            return rc;
        }
    }
    ip->err_line = 0;
    return SOUK_OK;
}

static int
cat_import_product_tx(souk_db_t *db, void *arg)
{
    cat_iprod_t  *ip = arg;
    souk_request_t *r = ip->t->r;
    const char   *dflt_wh = NULL, *status, *from;
    int           rc, added;

    (void) db;
    cJSON_Delete(ip->doc);
    ip->doc = cJSON_CreateObject();
    ip->err_line = 0;
    ip->why[0] = '\0';
    ip->id = cat_product_id(r, ip->first->v[CAT_COL_SLUG]);
    if ((rc = cat_import_head(ip)) != SOUK_OK
        || (rc = cat_import_variants(ip)) != SOUK_OK)
    {
        return rc;
    }
    cat_cli_default_warehouse(r, &dflt_wh);
    cJSON_Delete(ip->old);
    ip->old = ip->id > 0 ? cat_product_load(r, ip->id,
                                            CAT_LOAD_STOCK | CAT_LOAD_COST)
                         : NULL;
    if (ip->old != NULL && !cat_import_differs(ip, dflt_wh)) {
        ip->t->unchanged++;
        return SOUK_OK;
    }
    rc = cat_product_save(r, ip->doc, ip->id, &ip->id, ip->why,
                          sizeof(ip->why));
    if (rc != SOUK_OK || (rc = cat_import_stock(ip, dflt_wh)) != SOUK_OK) {
        return rc;
    }
    if (ip->has_image
        && cat_cli_image_add(r, ip->id, &ip->image,
                             cJSON_GetStringValue(cJSON_GetObjectItem(
                                 ip->doc, "name")) ?: "", &added)
           != SOUK_OK)
    {
        return SOUK_ERROR;
    }
    status = ip->first->v[CAT_COL_STATUS];
    if (status != NULL && status[0] != '\0') {
        from = ip->old != NULL ? cJSON_GetStringValue(cJSON_GetObjectItem(
                                     ip->old, "status")) : "draft";
        rc = cat_cli_status(r, ip->id, from ?: "draft", status, ip->why,
                            sizeof(ip->why));
        if (rc != SOUK_OK) {
            return rc;
        }
    }
    if (ip->old == NULL) {
        ip->t->created++;
    } else {
        ip->t->updated++;
    }
    return SOUK_OK;
}

static int
cat_import_product(cat_import_t *t, cat_csv_product_t *p)
{
    cat_iprod_t  ip;
    int          rc;

    memset(&ip, 0, sizeof(ip));
    ip.t = t;
    ip.p = p;
    ip.first = &t->c->rows[p->rows[0]];
    rc = cat_import_image(&ip);
    if (rc == SOUK_OK) {
        /* A savepoint: a refused product leaves nothing behind. */
        rc = souk_db_tx(souk_db(t->r), cat_import_product_tx, &ip);
    }
    if (rc == SOUK_DECLINED) {
        cat_csv_error(t->c, ip.err_line ? ip.err_line : ip.first->line,
                      "%s", ip.why);
        t->bad++;
    }
    cJSON_Delete(ip.doc);
    cJSON_Delete(ip.old);
    return rc == SOUK_DECLINED ? SOUK_OK : rc;
}

static int
cat_import_tx(souk_db_t *db, void *arg)
{
    cat_import_t  *t = arg;
    size_t         i;

    (void) db;
    /* A retried transaction starts again from the reader's findings. */
    while (t->c->nerrs > t->nerrs0) {
        free(t->c->errs[--t->c->nerrs].why);
    }
    t->created = t->updated = t->unchanged = t->bad = 0;
    cat_progress_start(&t->prog, "importing", t->c->nproducts);
    for (i = 0; i < t->c->nproducts; i++) {
        cat_progress(&t->prog, i);
        if (t->c->products[i].bad) {
            t->bad++;
            continue;
        }
        if (cat_import_product(t, &t->c->products[i]) != SOUK_OK) {
            return SOUK_ERROR;
        }
        /* What the product's save took from the pool is done with (the
         * reader's rows are malloc'ed): memory stays flat on big files. */
        souk_request_pool_reset(t->r);
    }
    cat_progress_end(&t->prog);
    if (t->dry_run || (t->bad > 0 && !t->skip_bad)) {
        return SOUK_DECLINED;       /* roll it all back */
    }
    return SOUK_OK;
}

static char *
cat_read_file(const char *path, size_t *len, char *why, size_t whylen)
{
    FILE        *f;
    struct stat  sb;
    char        *buf;

    if ((f = fopen(path, "rb")) == NULL || fstat(fileno(f), &sb) != 0) {
        snprintf(why, whylen, "%s", strerror(errno));
        if (f != NULL) {
            fclose(f);
        }
        return NULL;
    }
    if (!S_ISREG(sb.st_mode) || sb.st_size > (off_t) CAT_CSV_MAX_BYTES + 3) {
        snprintf(why, whylen, "not a regular file of at most %u MB",
                 CAT_CSV_MAX_BYTES >> 20);
        fclose(f);
        return NULL;
    }
    buf = malloc((size_t) sb.st_size + 1);
    if (buf == NULL) {
        abort();
    }
    *len = fread(buf, 1, (size_t) sb.st_size, f);
    fclose(f);
    return buf;
}

static void
cat_import_report(cat_import_t *t, const char *file)
{
    size_t  i, changed = t->created + t->updated;

    cat_csv_sort_errs(t->c);
    for (i = 0; i < t->c->nerrs; i++) {
        fprintf(stderr, "%s: line %zu: %s\n", file, t->c->errs[i].line,
                t->c->errs[i].why);
    }
    printf("%s%s: %zu changed (%zu created, %zu updated, %zu unchanged), "
           "%zu rejected\n", t->dry_run ? "dry run of " : "", file,
           changed, t->created, t->updated, t->unchanged, t->bad);
    if (t->bad > 0 && !t->skip_bad) {
        printf("nothing was written: fix the rows above, or run again with "
               "--skip-bad to import the good ones\n");
    } else if (t->dry_run) {
        printf("nothing was written (--dry-run)\n");
    }
}

int
cat_cli_import(souk_request_t *r, int argc, char **argv, void *data)
{
    cat_import_t  t;
    cat_csv_t     c;
    const char   *file = NULL;
    char          why[256], *buf, *slash, *dir;
    size_t        len = 0;
    int           i, rc;

    (void) data;
    memset(&t, 0, sizeof(t));
    for (i = 0; i < argc; i++) {
        if (strcmp(argv[i], "--skip-bad") == 0) {
            t.skip_bad = 1;
        } else if (strcmp(argv[i], "--dry-run") == 0) {
            t.dry_run = 1;
        } else if (argv[i][0] != '-' && file == NULL) {
            file = argv[i];
        } else {
            fprintf(stderr, "usage: souk import products FILE.csv "
                    "[--skip-bad] [--dry-run]\n");
            return 2;
        }
    }
    if (file == NULL) {
        fprintf(stderr, "usage: souk import products FILE.csv [--skip-bad] "
                "[--dry-run]\n");
        return 2;
    }
    if ((buf = cat_read_file(file, &len, why, sizeof(why))) == NULL) {
        fprintf(stderr, "souk import: %s: %s\n", file, why);
        return 1;
    }
    rc = cat_csv_read(&c, buf, len, cat_currency(r));
    free(buf);
    if (rc != SOUK_OK) {
        fprintf(stderr, "souk import: %s: %s\n", file, c.fatal);
        cat_csv_free(&c);
        return 1;
    }
    t.r = r;
    t.c = &c;
    t.nerrs0 = c.nerrs;
    /* malloc'ed, not from the pool: the import resets the pool as it goes */
    if ((dir = strdup(file)) == NULL) {
        cat_csv_free(&c);
        return 1;
    }
    slash = strrchr(dir, '/');
    if (slash != NULL) {
        *slash = '\0';
        t.dir = dir;
    } else {
        t.dir = ".";
    }
    rc = souk_db_tx(souk_db(r), cat_import_tx, &t);
    free(dir);
    if (rc == SOUK_ERROR) {
        fprintf(stderr, "souk import: %s: the database refused a write "
                "(see the log); nothing was written\n", file);
        cat_csv_free(&c);
        return 1;
    }
    cat_import_report(&t, file);
    cat_csv_free(&c);
    return t.bad > 0 ? 1 : 0;
}

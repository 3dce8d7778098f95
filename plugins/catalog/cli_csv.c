/* The product CSV format: libcsv reading into checked rows grouped by
 * product, money in major units, and field writing (no database). */
#include <ctype.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include <csv.h>

#include "catalog.h"
#include "cli_csv.h"

const char *const  cat_csv_columns[CAT_COL_N] = {
    "slug", "sku", "name", "kind", "status", "category", "tags",
    "attributes", "summary", "description", "image", "options", "weight_g",
    "barcode", "currency", "price", "price_minor", "compare_at", "cost",
    "warehouse", "stock",
};

/* Columns that describe the product, not the variant: only the first row
 * of a product needs them, later rows leave them empty or repeat them. */
static const int  cat_csv_product_cols[] = {
    CAT_COL_NAME, CAT_COL_KIND, CAT_COL_STATUS, CAT_COL_CATEGORY,
    CAT_COL_TAGS, CAT_COL_ATTRIBUTES, CAT_COL_SUMMARY, CAT_COL_DESCRIPTION,
    CAT_COL_IMAGE,
};

static void *
cat_csv_xrealloc(void *p, size_t n)
{
    p = realloc(p, n);
    if (p == NULL) {
        abort();        /* as the pools do: out of memory ends the run */
    }
    return p;
}

static char *
cat_csv_xstrndup(const char *s, size_t n)
{
    char  *d = cat_csv_xrealloc(NULL, n + 1);

    memcpy(d, s, n);
    d[n] = '\0';
    return d;
}

void
cat_csv_error(cat_csv_t *c, size_t line, const char *fmt, ...)
{
    va_list  ap;
    char     buf[512];

    va_start(ap, fmt);
    vsnprintf(buf, sizeof(buf), fmt, ap);
    va_end(ap);
    if (c->nerrs == c->errs_cap) {
        c->errs_cap = c->errs_cap ? c->errs_cap * 2 : 16;
        c->errs = cat_csv_xrealloc(c->errs,
                                   c->errs_cap * sizeof(c->errs[0]));
    }
    c->errs[c->nerrs].line = line;
    c->errs[c->nerrs].why = cat_csv_xstrndup(buf, strlen(buf));
    c->nerrs++;
}

static int
cat_csv_err_cmp(const void *a, const void *b)
{
    const cat_csv_err_t  *x = a, *y = b;

    return x->line < y->line ? -1 : x->line > y->line;
}

void
cat_csv_sort_errs(cat_csv_t *c)
{
    /* qsort is not stable: reasons of one line keep no fixed order, and
     * a line rarely has more than one. */
    if (c->nerrs > 1) {
        qsort(c->errs, c->nerrs, sizeof(c->errs[0]), cat_csv_err_cmp);
    }
}

/* The offset of the first byte that is not well-formed UTF-8, or len. */
static size_t
cat_csv_utf8_bad(const unsigned char *s, size_t len)
{
    size_t    i = 0, n, k;
    uint32_t  cp;

    while (i < len) {
        if (s[i] < 0x80) {
            i++;
            continue;
        }
        if (s[i] >= 0xc2 && s[i] <= 0xdf) {
            n = 1;
            cp = s[i] & 0x1f;
        } else if (s[i] >= 0xe0 && s[i] <= 0xef) {
            n = 2;
            cp = s[i] & 0x0f;
        } else if (s[i] >= 0xf0 && s[i] <= 0xf4) {
            n = 3;
            cp = s[i] & 0x07;
        } else {
            return i;
        }
        if (len - i <= n) {
            return i;
        }
        for (k = 1; k <= n; k++) {
            if ((s[i + k] & 0xc0) != 0x80) {
                return i;
            }
            cp = (cp << 6) | (s[i + k] & 0x3f);
        }
        /* overlong forms, surrogates, beyond U+10FFFF */
        if ((n == 2 && cp < 0x800) || (n == 3 && cp < 0x10000)
            || (cp >= 0xd800 && cp <= 0xdfff) || cp > 0x10ffff)
        {
            return i;
        }
        i += n + 1;
    }
    return len;
}

static size_t
cat_csv_line_of(const char *buf, size_t off)
{
    size_t  i, line = 1;

    for (i = 0; i < off; i++) {
        line += buf[i] == '\n';
    }
    return line;
}

static void
cat_csv_field_cb(void *s, size_t len, void *data)
{
    cat_csv_t  *c = data;

    if (c->ncur == c->cur_cap) {
        c->cur_cap = c->cur_cap ? c->cur_cap * 2 : 32;
        c->cur = cat_csv_xrealloc(c->cur, c->cur_cap * sizeof(c->cur[0]));
    }
    c->cur[c->ncur++] = cat_csv_xstrndup(s != NULL ? s : "", len);
}

static void
cat_csv_drop_cur(cat_csv_t *c)
{
    size_t  i;

    for (i = 0; i < c->ncur; i++) {
        free(c->cur[i]);
    }
    c->ncur = 0;
}

static void
cat_csv_header(cat_csv_t *c)
{
    size_t  i;
    int     k;
    char   *h;

    c->header_done = 1;
    c->nfields = c->ncur;
    for (i = 0; i < c->ncur && c->fatal[0] == '\0'; i++) {
        for (h = c->cur[i]; *h != '\0'; h++) {
            *h = (char) tolower((unsigned char) *h);
        }
        for (k = 0; k < CAT_COL_N; k++) {
            if (strcmp(c->cur[i], cat_csv_columns[k]) == 0) {
                break;
            }
        }
        if (k == CAT_COL_N) {
            snprintf(c->fatal, sizeof(c->fatal), "line 1: unknown column "
                     "\"%.60s\" (the columns are described in the catalog "
                     "plugin's README)", c->cur[i]);
        } else if (c->has[k]) {
            snprintf(c->fatal, sizeof(c->fatal), "line 1: column \"%s\" "
                     "appears twice", cat_csv_columns[k]);
        } else {
            c->has[k] = 1;
            c->col_of[k] = (int) i;
        }
    }
    if (c->fatal[0] == '\0' && (!c->has[CAT_COL_SKU] || !c->has[CAT_COL_SLUG]))
    {
        snprintf(c->fatal, sizeof(c->fatal), "line 1: the header needs the "
                 "columns slug and sku (is the header row missing?)");
    }
    cat_csv_drop_cur(c);
}

static void
cat_csv_unguard(char *s)
{
    if (s[0] == '\'' && cat_csv_needs_guard(s)) {
        memmove(s, s + 1, strlen(s));
    }
}

static void cat_csv_row_check(cat_csv_t *c, cat_csv_row_t *row);

static void
cat_csv_record_cb(int term, void *data)
{
    cat_csv_t      *c = data;
    cat_csv_row_t  *row;
    size_t          i;
    int             k;

    (void) term;
    if (c->fatal[0] != '\0') {
        cat_csv_drop_cur(c);
        return;
    }
    if (!c->header_done) {
        cat_csv_header(c);
        return;
    }
    if (c->nrows == c->rows_cap) {
        c->rows_cap = c->rows_cap ? c->rows_cap * 2 : 256;
        c->rows = cat_csv_xrealloc(c->rows, c->rows_cap * sizeof(c->rows[0]));
    }
    row = &c->rows[c->nrows++];
    memset(row, 0, sizeof(*row));
    row->line = c->rec_line;
    row->currency = c->currency;
    row->price = row->compare_at = row->cost = -1;
    row->weight_g = row->stock = -1;
    for (k = 0; k < CAT_COL_N; k++) {
        if (!c->has[k]) {
            continue;
        }
        i = (size_t) c->col_of[k];
        row->v[k] = i < c->ncur ? c->cur[i] : cat_csv_xstrndup("", 0);
        if (i < c->ncur) {
            c->cur[i] = NULL;
        }
        if (cat_csv_is_text(k)) {
            cat_csv_unguard(row->v[k]);
        }
    }
    if (c->ncur != c->nfields) {
        cat_csv_error(c, row->line, "the row has %zu fields, the header %zu",
                      c->ncur, c->nfields);
        row->bad = 1;
    }
    for (i = 0; i < c->ncur; i++) {
        free(c->cur[i]);
    }
    c->ncur = 0;
    if (!row->bad) {
        cat_csv_row_check(c, row);
    }
}

/* ---- one row ---- */

static int
cat_csv_int(const char *s, int64_t max, int64_t *out)
{
    if (s == NULL || s[0] == '\0') {
        *out = -1;
        return 0;
    }
    return souk_int_parse(s, 0, max, out) == SOUK_OK ? 0 : -1;
}

static int
cat_csv_count_item(void *arg, const char *name, const char *value)
{
    size_t  *n = arg;

    (void) name;
    (void) value;
    (*n)++;
    return 0;
}

typedef struct {
    size_t  name_max, value_max;
    int     slugs;      /* names are category paths of slugs */
} cat_csv_limits_t;

static int
cat_csv_item_ok(void *arg, const char *name, const char *value)
{
    const cat_csv_limits_t  *l = arg;
    char                     seg[129];
    const char              *p, *q;

    if (strlen(name) > l->name_max
        || (value != NULL && strlen(value) > l->value_max))
    {
        return -1;
    }
    if (!l->slugs) {
        return 0;
    }
    for (p = name; ; p = q + 1) {
        q = strchr(p, '/');
        if (q == NULL) {
            q = p + strlen(p);
        }
        if ((size_t) (q - p) >= sizeof(seg)) {
            return -1;
        }
        memcpy(seg, p, (size_t) (q - p));
        seg[q - p] = '\0';
        if (!cat_slug_ok(seg)) {
            return -1;
        }
        if (*q == '\0') {
            return 0;
        }
    }
}

/* A list cell: well formed, items within limits, at most max items. */
static int
cat_csv_list_ok(const char *s, char sep, int pairs, size_t max,
    const cat_csv_limits_t *l)
{
    char    *scratch;
    size_t   n = 0;
    int      rc;

    if (s == NULL || s[0] == '\0') {
        return 0;
    }
    scratch = cat_csv_xrealloc(NULL, strlen(s) + 1);
    rc = cat_csv_split(s, sep, pairs, scratch, cat_csv_count_item, &n);
    if (rc == 0) {
        rc = cat_csv_split(s, sep, pairs, scratch, cat_csv_item_ok,
                           (void *) l);
    }
    free(scratch);
    return rc == 0 && n <= max ? 0 : -1;
}

static int
cat_csv_one_of(const char *s, const char *const *set)
{
    if (s == NULL || s[0] == '\0') {
        return 1;
    }
    for (; *set != NULL; set++) {
        if (strcmp(s, *set) == 0) {
            return 1;
        }
    }
    return 0;
}

static int
cat_csv_code_ok(const char *s, size_t max)
{
    return s == NULL || s[0] == '\0' || (strlen(s) <= max && cat_sku_ok(s));
}

static int
cat_csv_check_product_cells(cat_csv_t *c, cat_csv_row_t *row)
{
    static const char *const  kinds[] = { "product", "service", NULL };
    static const char *const  states[] = { "draft", "review", "approved",
        "listed", "delisted", NULL };
    static const cat_csv_limits_t  cat = { 128 * 10, 0, 1 };
    static const cat_csv_limits_t  tag = { 64, 0, 0 };
    static const cat_csv_limits_t  attr = { 64, 128, 0 };
    char  **v = row->v;

    if (v[CAT_COL_NAME] != NULL && strlen(v[CAT_COL_NAME]) > 200) {
        cat_csv_error(c, row->line, "name is longer than 200 characters");
    } else if (!cat_csv_one_of(v[CAT_COL_KIND], kinds)) {
        cat_csv_error(c, row->line, "kind \"%.40s\" is not product or "
                      "service", v[CAT_COL_KIND]);
    } else if (!cat_csv_one_of(v[CAT_COL_STATUS], states)) {
        cat_csv_error(c, row->line, "status \"%.40s\" is not draft, review, "
                      "approved, listed or delisted", v[CAT_COL_STATUS]);
    } else if (cat_csv_list_ok(v[CAT_COL_CATEGORY], '|', 0, 20, &cat) != 0) {
        cat_csv_error(c, row->line, "category \"%.80s\" is not a list of "
                      "paths of slugs like \"clothing/knitwear|sale\"",
                      v[CAT_COL_CATEGORY]);
    } else if (cat_csv_list_ok(v[CAT_COL_TAGS], '|', 0, 100, &tag) != 0) {
        cat_csv_error(c, row->line, "tags must be like \"new|wool\" (each "
                      "1 to 64 characters, at most 100)");
    } else if (cat_csv_list_ok(v[CAT_COL_ATTRIBUTES], '|', 1, 100, &attr)
               != 0)
    {
        cat_csv_error(c, row->line, "attributes must be like "
                      "\"material=wool|colour=red\"");
    } else if (v[CAT_COL_SUMMARY] != NULL
               && strlen(v[CAT_COL_SUMMARY]) > 400)
    {
        cat_csv_error(c, row->line, "summary is longer than 400 "
                      "characters");
    } else if (v[CAT_COL_IMAGE] != NULL && v[CAT_COL_IMAGE][0] != '\0'
               && (v[CAT_COL_IMAGE][0] == '/'
                   || strstr(v[CAT_COL_IMAGE], "..") != NULL
                   || strlen(v[CAT_COL_IMAGE]) > 255))
    {
        cat_csv_error(c, row->line, "image must be a path under the CSV "
                      "file's folder, without \"..\"");
    } else {
        return 0;
    }
    return -1;
}

static int
cat_csv_check_money(cat_csv_t *c, cat_csv_row_t *row)
{
    char    **v = row->v;
    int64_t   minor;

    if (cat_csv_money(v[CAT_COL_PRICE], row->currency, &row->price) != 0) {
        cat_csv_error(c, row->line, "price \"%.40s\" is not an amount in %s "
                      "(like 12.50)", v[CAT_COL_PRICE], row->currency);
    } else if (cat_csv_int(v[CAT_COL_PRICE_MINOR], INT64_C(1000000000000),
                           &minor) != 0)
    {
        cat_csv_error(c, row->line, "price_minor \"%.40s\" is not a whole "
                      "number of minor units", v[CAT_COL_PRICE_MINOR]);
    } else if (minor >= 0 && row->price >= 0 && minor != row->price) {
        cat_csv_error(c, row->line, "price and price_minor disagree");
    } else if (cat_csv_money(v[CAT_COL_COMPARE_AT], row->currency,
                             &row->compare_at) != 0)
    {
        cat_csv_error(c, row->line, "compare_at \"%.40s\" is not an amount "
                      "in %s", v[CAT_COL_COMPARE_AT], row->currency);
    } else if (cat_csv_money(v[CAT_COL_COST], row->currency, &row->cost)
               != 0)
    {
        cat_csv_error(c, row->line, "cost \"%.40s\" is not an amount in %s",
                      v[CAT_COL_COST], row->currency);
    } else {
        if (row->price < 0) {
            row->price = minor;
        }
        if (row->price < 0 && (row->compare_at >= 0 || row->cost >= 0)) {
            cat_csv_error(c, row->line, "compare_at and cost need a price "
                          "on the same row");
            return -1;
        }
        return 0;
    }
    return -1;
}

static void
cat_csv_row_check(cat_csv_t *c, cat_csv_row_t *row)
{
    static const cat_csv_limits_t  opt = { 64, 128, 0 };
    char  **v = row->v;
    int     rc = -1;

    row->currency = v[CAT_COL_CURRENCY] != NULL && v[CAT_COL_CURRENCY][0]
                    ? v[CAT_COL_CURRENCY] : c->currency;
    row->price = row->compare_at = row->cost = -1;
    if (!cat_slug_ok(v[CAT_COL_SLUG])) {
        cat_csv_error(c, row->line, "slug \"%.60s\" must be lower-case "
                      "letters and digits joined by single hyphens",
                      v[CAT_COL_SLUG]);
    } else if (!cat_sku_ok(v[CAT_COL_SKU])) {
        cat_csv_error(c, row->line, "sku \"%.60s\" must be 1 to 64 letters, "
                      "digits, '.', '_' or '-'", v[CAT_COL_SKU]);
    } else if (cat_csv_check_product_cells(c, row) != 0) {
        /* said */
    } else if (cat_csv_list_ok(v[CAT_COL_OPTIONS], ';', 1, 10, &opt) != 0) {
        cat_csv_error(c, row->line, "options must be like "
                      "\"Size=M;Colour=Red\" (at most 10)");
    } else if (cat_csv_int(v[CAT_COL_WEIGHT_G], 100000000, &row->weight_g)
               != 0)
    {
        cat_csv_error(c, row->line, "weight_g \"%.40s\" is not a whole "
                      "number of grams", v[CAT_COL_WEIGHT_G]);
    } else if (v[CAT_COL_BARCODE] != NULL && strlen(v[CAT_COL_BARCODE]) > 32)
    {
        cat_csv_error(c, row->line, "barcode is longer than 32 characters");
    } else if (strlen(row->currency) != 3
               || !isupper((unsigned char) row->currency[0])
               || !isupper((unsigned char) row->currency[1])
               || !isupper((unsigned char) row->currency[2]))
    {
        cat_csv_error(c, row->line, "currency \"%.20s\" is not a code of "
                      "three capitals (EUR)", row->currency);
    } else if (cat_csv_check_money(c, row) != 0) {
        /* said */
    } else if (cat_csv_int(v[CAT_COL_STOCK], 1000000000, &row->stock) != 0) {
        cat_csv_error(c, row->line, "stock \"%.40s\" is not a whole number, "
                      "0 or more", v[CAT_COL_STOCK]);
    } else if (!cat_csv_code_ok(v[CAT_COL_WAREHOUSE], 32)) {
        cat_csv_error(c, row->line, "warehouse \"%.40s\" is not a warehouse "
                      "code", v[CAT_COL_WAREHOUSE]);
    } else if (row->stock < 0 && v[CAT_COL_WAREHOUSE] != NULL
               && v[CAT_COL_WAREHOUSE][0] != '\0')
    {
        cat_csv_error(c, row->line, "warehouse %s needs a stock figure",
                      v[CAT_COL_WAREHOUSE]);
    } else {
        rc = 0;
    }
    row->bad = rc != 0;
}

/* ---- rows into products ---- */

static cat_csv_t  *cat_csv_sorting;     /* qsort has no context argument */

static int
cat_csv_by_slug(const void *a, const void *b)
{
    const cat_csv_row_t  *x = &cat_csv_sorting->rows[*(const size_t *) a];
    const cat_csv_row_t  *y = &cat_csv_sorting->rows[*(const size_t *) b];
    int                   d = strcmp(x->v[CAT_COL_SLUG], y->v[CAT_COL_SLUG]);

    if (d == 0) {
        d = *(const size_t *) a < *(const size_t *) b ? -1 : 1;
    }
    return d;
}

static int
cat_csv_by_sku(const void *a, const void *b)
{
    const cat_csv_row_t  *x = &cat_csv_sorting->rows[*(const size_t *) a];
    const cat_csv_row_t  *y = &cat_csv_sorting->rows[*(const size_t *) b];
    int                   d = strcmp(x->v[CAT_COL_SKU], y->v[CAT_COL_SKU]);

    if (d == 0) {
        d = *(const size_t *) a < *(const size_t *) b ? -1 : 1;
    }
    return d;
}

static int
cat_csv_by_first(const void *a, const void *b)
{
    const cat_csv_product_t  *x = a, *y = b;

    return x->rows[0] < y->rows[0] ? -1 : 1;
}

/* Later rows of a product (or of a SKU) repeat a cell or leave it empty. */
static void
cat_csv_agree(cat_csv_t *c, cat_csv_row_t *first, cat_csv_row_t *row,
    const int *cols, size_t ncols, const char *what)
{
    size_t       i;
    const char  *a, *b;

    for (i = 0; i < ncols; i++) {
        a = first->v[cols[i]];
        b = row->v[cols[i]];
        if (a != NULL && b != NULL && b[0] != '\0' && strcmp(a, b) != 0) {
            if (a[0] == '\0') {
                /* The first row left it empty: this one says it. */
                first->v[cols[i]] = row->v[cols[i]];
                row->v[cols[i]] = (char *) a;
                continue;
            }
            cat_csv_error(c, row->line, "%s differs from line %zu for the "
                          "same %s", cat_csv_columns[cols[i]], first->line,
                          what);
            row->bad = 1;
        }
    }
}

/* Rows of one SKU: variant cells agree, one price per currency, one
 * stock figure per warehouse, all under one slug. */
static void
cat_csv_check_skus(cat_csv_t *c, size_t *idx)
{
    static const int  vcols[] = { CAT_COL_OPTIONS, CAT_COL_WEIGHT_G,
                                  CAT_COL_BARCODE };
    cat_csv_row_t    *f, *x, *y;
    size_t            i, j, k;

    for (i = 0; i < c->nrows; i++) {
        idx[i] = i;
    }
    qsort(idx, c->nrows, sizeof(idx[0]), cat_csv_by_sku);
    for (i = 0; i < c->nrows; i = j) {
        f = &c->rows[idx[i]];
        for (j = i + 1; j < c->nrows; j++) {
            y = &c->rows[idx[j]];
            if (strcmp(y->v[CAT_COL_SKU], f->v[CAT_COL_SKU]) != 0) {
                break;
            }
            if (strcmp(y->v[CAT_COL_SLUG], f->v[CAT_COL_SLUG]) != 0) {
                cat_csv_error(c, y->line, "SKU %s is also on line %zu, under "
                              "the product %s", y->v[CAT_COL_SKU], f->line,
                              f->v[CAT_COL_SLUG]);
                y->bad = 1;
                continue;
            }
            cat_csv_agree(c, f, y, vcols, 3, "SKU");
        }
        for (; i < j; i++) {
            x = &c->rows[idx[i]];
            for (k = i + 1; k < j; k++) {
                y = &c->rows[idx[k]];
                if (x->price >= 0 && y->price >= 0
                    && strcmp(x->currency, y->currency) == 0)
                {
                    cat_csv_error(c, y->line, "a second %s price for SKU %s "
                                  "(line %zu)", y->currency,
                                  y->v[CAT_COL_SKU], x->line);
                    y->bad = 1;
                }
                if (x->stock >= 0 && y->stock >= 0
                    && strcmp(x->v[CAT_COL_WAREHOUSE] ?: "",
                              y->v[CAT_COL_WAREHOUSE] ?: "") == 0)
                {
                    cat_csv_error(c, y->line, "a second stock figure for SKU"
                                  " %s in one warehouse (line %zu)",
                                  y->v[CAT_COL_SKU], x->line);
                    y->bad = 1;
                }
            }
        }
    }
}

static void
cat_csv_group(cat_csv_t *c)
{
    size_t              *idx, i, j, k;
    cat_csv_product_t   *p;
    cat_csv_row_t       *first;

    if (c->nrows == 0) {
        return;
    }
    idx = cat_csv_xrealloc(NULL, c->nrows * sizeof(idx[0]));
    cat_csv_sorting = c;
    /* Bad rows still join their product: it is then skipped whole. */
    for (i = 0; i < c->nrows; i++) {
        if (c->rows[i].v[CAT_COL_SLUG] == NULL) {
            c->rows[i].v[CAT_COL_SLUG] = cat_csv_xstrndup("", 0);
        }
    }
    cat_csv_check_skus(c, idx);
    for (i = 0; i < c->nrows; i++) {
        idx[i] = i;
    }
    qsort(idx, c->nrows, sizeof(idx[0]), cat_csv_by_slug);
    c->products = cat_csv_xrealloc(NULL, c->nrows * sizeof(c->products[0]));
    for (i = 0; i < c->nrows; i = j) {
        p = &c->products[c->nproducts++];
        first = &c->rows[idx[i]];
        for (j = i + 1; j < c->nrows
             && strcmp(c->rows[idx[j]].v[CAT_COL_SLUG],
                       first->v[CAT_COL_SLUG]) == 0; j++)
        {
            cat_csv_agree(c, first, &c->rows[idx[j]], cat_csv_product_cols,
                          sizeof(cat_csv_product_cols)
                          / sizeof(cat_csv_product_cols[0]), "slug");
        }
        p->n = j - i;
        p->rows = cat_csv_xrealloc(NULL, p->n * sizeof(p->rows[0]));
        memcpy(p->rows, idx + i, p->n * sizeof(p->rows[0]));
        p->bad = 0;
        for (k = 0; k < p->n; k++) {
            p->bad |= c->rows[p->rows[k]].bad;
        }
    }
    cat_csv_sorting = NULL;
    qsort(c->products, c->nproducts, sizeof(c->products[0]),
          cat_csv_by_first);
    free(idx);
}

/* ---- the whole file ---- */

int
cat_csv_read(cat_csv_t *c, const char *buf, size_t len, const char *currency)
{
    struct csv_parser   p;
    size_t              off, end, bad;
    int                 rc = SOUK_OK;

    memset(c, 0, sizeof(*c));
    c->currency = currency;
    if (len > CAT_CSV_MAX_BYTES) {
        snprintf(c->fatal, sizeof(c->fatal), "the file is larger than %u MB",
                 CAT_CSV_MAX_BYTES >> 20);
        return SOUK_DECLINED;
    }
    if (len >= 3 && memcmp(buf, "\xef\xbb\xbf", 3) == 0) {
        buf += 3;       /* the byte-order mark spreadsheets write */
        len -= 3;
    }
    bad = cat_csv_utf8_bad((const unsigned char *) buf, len);
    if (bad < len || memchr(buf, '\0', len) != NULL) {
        snprintf(c->fatal, sizeof(c->fatal), "line %zu: the file is not "
                 "UTF-8 text (save it as \"CSV UTF-8\")",
                 cat_csv_line_of(buf, bad < len ? bad
                     : (size_t) ((const char *) memchr(buf, '\0', len)
                                 - buf)));
        return SOUK_DECLINED;
    }
    if (csv_init(&p, CSV_STRICT | CSV_STRICT_FINI | CSV_APPEND_NULL) != 0) {
        abort();
    }
    csv_set_realloc_func(&p, cat_csv_xrealloc);
    /* Fed a line at a time, so a record's first line is the line being
     * fed whenever the parser stands between records. */
    for (off = 0, c->line = 1; off < len && c->fatal[0] == '\0'; off = end) {
        end = off;
        while (end < len && buf[end] != '\n') {
            end++;
        }
        end += end < len;
        if (p.pstate == 0) {
            c->rec_line = c->line;
        }
        if (csv_parse(&p, buf + off, end - off, cat_csv_field_cb,
                      cat_csv_record_cb, c) != end - off)
        {
            snprintf(c->fatal, sizeof(c->fatal), "line %zu: a quote in the "
                     "middle of an unquoted field, or after a closing quote",
                     c->line);
        } else if (p.entry_pos > CAT_CSV_MAX_FIELD) {
            snprintf(c->fatal, sizeof(c->fatal), "line %zu: a field is "
                     "longer than %u bytes", c->line, CAT_CSV_MAX_FIELD);
        }
        c->line++;
    }
    if (c->fatal[0] == '\0'
        && csv_fini(&p, cat_csv_field_cb, cat_csv_record_cb, c) != 0)
    {
        snprintf(c->fatal, sizeof(c->fatal), "line %zu: a quoted field is "
                 "never closed", c->rec_line);
    }
    csv_free(&p);
    cat_csv_drop_cur(c);
    if (c->fatal[0] == '\0' && !c->header_done) {
        snprintf(c->fatal, sizeof(c->fatal), "the file is empty: it needs a "
                 "header row (slug,sku,name,price,...)");
    }
    if (c->fatal[0] != '\0') {
        rc = SOUK_DECLINED;
    } else {
        cat_csv_group(c);
    }
    return rc;
}

void
cat_csv_free(cat_csv_t *c)
{
    size_t  i;
    int     k;

    for (i = 0; i < c->nrows; i++) {
        for (k = 0; k < CAT_COL_N; k++) {
            free(c->rows[i].v[k]);
        }
    }
    for (i = 0; i < c->nproducts; i++) {
        free(c->products[i].rows);
    }
    for (i = 0; i < c->nerrs; i++) {
        free(c->errs[i].why);
    }
    cat_csv_drop_cur(c);
    free(c->cur);
    free(c->rows);
    free(c->products);
    free(c->errs);
    memset(c, 0, sizeof(*c));
}

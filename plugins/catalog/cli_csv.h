/* The product CSV format: reading a whole file into checked rows grouped
 * by product, and writing fields; no database (the fuzz target uses it). */
#ifndef CLI_CSV_H
#define CLI_CSV_H

#include <stdio.h>
#include <stdint.h>

#define CAT_CSV_MAX_BYTES   (100u * 1024u * 1024u)
#define CAT_CSV_MAX_FIELD   200000u

/* The columns, in the order export writes them. */
enum {
    CAT_COL_SLUG = 0,
    CAT_COL_SKU,
    CAT_COL_NAME,
    CAT_COL_KIND,
    CAT_COL_STATUS,
    CAT_COL_CATEGORY,
    CAT_COL_TAGS,
    CAT_COL_ATTRIBUTES,
    CAT_COL_SUMMARY,
    CAT_COL_DESCRIPTION,
    CAT_COL_IMAGE,
    CAT_COL_OPTIONS,
    CAT_COL_WEIGHT_G,
    CAT_COL_BARCODE,
    CAT_COL_CURRENCY,
    CAT_COL_PRICE,
    CAT_COL_PRICE_MINOR,
    CAT_COL_COMPARE_AT,
    CAT_COL_COST,
    CAT_COL_WAREHOUSE,
    CAT_COL_STOCK,
    CAT_COL_N
};

extern const char *const  cat_csv_columns[CAT_COL_N];

/*
 * One record. v[c] is NULL when the file has no column c, else the cell
 * (NUL-terminated, "" when empty, with the spreadsheet guard "'" taken
 * off). Numbers are -1 when the cell is empty.
 */
typedef struct {
    size_t       line;          /* physical line of the record, header 1 */
    char        *v[CAT_COL_N];
    const char  *currency;      /* the row's, else the default */
    int64_t      price;         /* minor units */
    int64_t      compare_at;
    int64_t      cost;
    int64_t      weight_g;
    int64_t      stock;
    int          bad;
} cat_csv_row_t;

/* Rows with the same slug, in the order of their first appearance. */
typedef struct {
    size_t      *rows;          /* indexes into cat_csv_t.rows */
    size_t       n;
    int          bad;           /* a row of it is bad */
} cat_csv_product_t;

typedef struct {
    size_t   line;
    char    *why;
} cat_csv_err_t;

typedef struct {
    unsigned char       has[CAT_COL_N];
    int                 col_of[CAT_COL_N];  /* column -> field index */
    size_t              nfields;            /* of the header */
    cat_csv_row_t      *rows;
    size_t              nrows, rows_cap;
    cat_csv_product_t  *products;
    size_t              nproducts;
    cat_csv_err_t      *errs;
    size_t              nerrs, errs_cap;
    char                fatal[256];         /* why the file was refused */
    const char         *currency;           /* default (site's) */
    /* the record being read */
    char              **cur;
    size_t              ncur, cur_cap;
    size_t              line, rec_line;
    int                 header_done;
} cat_csv_t;

/*
 * Reads a whole file. SOUK_OK (0): the header is good and every record is
 * in rows, checked one by one and grouped into products; rows and products
 * found bad are marked and explained in errs (by line). -2 (declined):
 * the file as a whole is refused (size, not UTF-8, no or bad header,
 * unterminated quote) and fatal says why. Either way cat_csv_free
 * releases everything. currency: the site's, used for rows without one.
 */
int cat_csv_read(cat_csv_t *c, const char *buf, size_t len,
    const char *currency);
void cat_csv_free(cat_csv_t *c);
/* Adds a reason for a line (kept in errs, sorted by cat_csv_sort_errs). */
void cat_csv_error(cat_csv_t *c, size_t line, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
void cat_csv_sort_errs(cat_csv_t *c);

/* "12.50" in major units to minor units: 0 or -1 when not an amount. */
int cat_csv_money(const char *s, const char *currency, int64_t *out);
/* (Minor units back to "12.50": cat_money_format in catalog.h.) */

/*
 * Splits "a=b;c=d" (sep ';') or "a=b|c=d" (sep '|') or "a|b" (pairs 0):
 * calls fn(name, value) for each item (value NULL when pairs is 0) with
 * the pieces copied into scratch (strlen(s) + 1 bytes). -1 when an item is
 * empty, lacks its '=' or has an empty side.
 */
int cat_csv_split(const char *s, char sep, int pairs, char *scratch,
    int (*fn)(void *arg, const char *name, const char *value), void *arg);

/* Writes one field (with its leading comma unless first) to f: quoted when
 * needed; text cells that a spreadsheet would run as a formula (= + - @
 * tab CR) get a leading "'", which import takes off again. */
void cat_csv_put(FILE *f, const char *s, int first, int text);
/* Whether a column holds text (gets the formula guard). */
int cat_csv_is_text(int col);
/* Whether s, past any leading "'", starts with what a spreadsheet would
 * run as a formula (= + - @ tab CR): export then writes one "'" more, and
 * import takes one off. */
int cat_csv_needs_guard(const char *s);

#endif /* CLI_CSV_H */

/* libFuzzer target: the catalog's product CSV reader, and its writer read
 * back (every cell written by export must come back the same). */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../plugins/catalog/catalog.h"
#include "../../plugins/catalog/cli_csv.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define FZ_CHECK(c)  do { if (!(c)) { abort(); } } while (0)

/* catalog.c is linked for its slug and SKU checks; the rest of the plugin
 * is not, so what its init would call is stubbed here. */
const char *
souk_setting(const souk_request_t *r, const char *key)
{
    (void) r;
    (void) key;
    return NULL;
}

int
souk_permission_declare(souk_plugin_ctx_t *ctx, const char *name,
    const char *summary)
{
    (void) ctx;
    (void) name;
    (void) summary;
    return SOUK_OK;
}

int
souk_role_declare(souk_plugin_ctx_t *ctx, const char *role,
    const char *const *perms)
{
    (void) ctx;
    (void) role;
    (void) perms;
    return SOUK_OK;
}

#define FZ_STUB(fn)  int fn(souk_plugin_ctx_t *ctx) { (void) ctx; return 0; }
FZ_STUB(cat_model_init)
FZ_STUB(cat_store_init)
FZ_STUB(cat_api_init)
FZ_STUB(cat_admin_init)
FZ_STUB(cat_cli_init)

/* Writes the cells read (header then rows) as export would, reads that
 * back and checks that every cell is the same. */
static void
fz_round_trip(const cat_csv_t *c)
{
    cat_csv_t   back;
    char       *buf = NULL;
    size_t      len = 0, i;
    FILE       *f = open_memstream(&buf, &len);
    int         k, first;

    FZ_CHECK(f != NULL);
    for (first = 1, k = 0; k < CAT_COL_N; k++) {
        if (c->has[k]) {
            cat_csv_put(f, cat_csv_columns[k], first, 0);
            first = 0;
        }
    }
    fputc('\n', f);
    for (i = 0; i < c->nrows; i++) {
        for (first = 1, k = 0; k < CAT_COL_N; k++) {
            if (c->has[k]) {
                cat_csv_put(f, c->rows[i].v[k], first, cat_csv_is_text(k));
                first = 0;
            }
        }
        fputc('\n', f);
    }
    FZ_CHECK(fclose(f) == 0);
    FZ_CHECK(cat_csv_read(&back, buf, len, "EUR") == SOUK_OK);
    FZ_CHECK(back.nrows == c->nrows);
    for (i = 0; i < c->nrows; i++) {
        for (k = 0; k < CAT_COL_N; k++) {
            if (c->has[k]) {
                FZ_CHECK(strcmp(back.rows[i].v[k], c->rows[i].v[k]) == 0);
            }
        }
    }
    cat_csv_free(&back);
    free(buf);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    cat_csv_t   c;
    size_t      i, j, n = 0;
    int64_t     v;
    char        money[32];

    if (cat_csv_read(&c, (const char *) data, size, "EUR") == SOUK_OK) {
        for (i = 0; i < c.nproducts; i++) {
            FZ_CHECK(c.products[i].n > 0);
            for (j = 0; j < c.products[i].n; j++) {
                FZ_CHECK(c.products[i].rows[j] < c.nrows);
                n++;
            }
        }
        FZ_CHECK(n == c.nrows);
        for (i = 0; i < c.nerrs; i++) {
            FZ_CHECK(c.errs[i].line >= 1 && c.errs[i].why[0] != '\0');
        }
        for (i = 0; i < c.nrows; i++) {
            if (!c.rows[i].bad && c.rows[i].price >= 0) {
                /* money written back reads as the same minor units */
                cat_money_format(money, sizeof(money), c.rows[i].price,
                                     c.rows[i].currency);
                FZ_CHECK(cat_csv_money(money, c.rows[i].currency, &v) == 0
                         && v == c.rows[i].price);
            }
        }
        fz_round_trip(&c);
    } else {
        FZ_CHECK(c.fatal[0] != '\0');
    }
    cat_csv_free(&c);
    return 0;
}

/* What the catalog's command files share: the commands and the progress
 * bar (internal to plugins/catalog/cli*.c). */
#ifndef CATALOG_CLI_H
#define CATALOG_CLI_H

#include <time.h>

#include "catalog.h"
#include "cli_csv.h"

/* A progress line on stderr, drawn only when stderr is a terminal:
 * "importing  4,200/10,000  42%". */
typedef struct {
    int          tty;
    const char  *what;
    size_t       total;
    int          pct;
    time_t       last;
} cat_progress_t;

void cat_progress_start(cat_progress_t *p, const char *what, size_t total);
void cat_progress(cat_progress_t *p, size_t done);
void cat_progress_end(cat_progress_t *p);

/* The first active warehouse's id and code (pool copy), 0 if none. */
int64_t cat_cli_default_warehouse(souk_request_t *r, const char **code);
/* The warehouse with that code, created (name = code) when missing. */
int cat_cli_warehouse(souk_request_t *r, const char *code, int64_t *id,
    char *why, size_t whylen);
/* Moves the product along the workflow from its status to want (draft,
 * review, approved, listed, delisted); SOUK_DECLINED when the workflow
 * has no way there (a listed product cannot go back to draft). */
int cat_cli_status(souk_request_t *r, int64_t id, const char *from,
    const char *want, char *why, size_t whylen);
/* Adds the stored image key to the product unless it has it already. */
int cat_cli_image_add(souk_request_t *r, int64_t product_id,
    const souk_image_t *img, const char *alt, int *added);

/* cli_diff.c: the variant of a product document with that SKU; the
 * on_hand of a loaded document's SKU in a warehouse, -1 when none; whether
 * saving doc over old (cat_product_load with stock and cost) would change
 * its fields, lists, variants or prices. */
cJSON *cat_cli_variant(cJSON *variants, const char *sku);
int64_t cat_cli_old_stock(const cJSON *old, const char *sku,
    const char *code);
int cat_cli_doc_differs(souk_pool_t *pool, const cJSON *doc,
    const cJSON *old);

int cat_cli_import(souk_request_t *r, int argc, char **argv, void *data);
int cat_cli_export(souk_request_t *r, int argc, char **argv, void *data);
int cat_cli_demo(souk_request_t *r, int argc, char **argv, void *data);

#endif /* CATALOG_CLI_H */

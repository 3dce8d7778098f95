/* The catalog's commands for the souk tool (import, export, demo) and the
 * helpers they share: progress bar, warehouses, workflow moves, images. */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"

/* "10000" as "10,000": easier to read while it counts. */
static void
cat_thousands(char *buf, size_t n)
{
    char    tmp[32];
    size_t  len, i, o = 0;

    len = (size_t) snprintf(tmp, sizeof(tmp), "%zu", n);
    for (i = 0; i < len; i++) {
        if (i > 0 && (len - i) % 3 == 0) {
            buf[o++] = ',';
        }
        buf[o++] = tmp[i];
    }
    buf[o] = '\0';
}

void
cat_progress_start(cat_progress_t *p, const char *what, size_t total)
{
    p->tty = isatty(STDERR_FILENO);
    p->what = what;
    p->total = total;
    p->pct = -1;
    p->last = 0;
}

void
cat_progress(cat_progress_t *p, size_t done)
{
    char    a[32], b[32];
    int     pct;
    time_t  now;

    if (!p->tty || p->total == 0) {
        return;
    }
    pct = (int) (done * 100 / p->total);
    now = time(NULL);
    /* Redrawn when the percentage moves or a second passed, not per row. */
    if (pct == p->pct && now == p->last) {
        return;
    }
    p->pct = pct;
    p->last = now;
    cat_thousands(a, done);
    cat_thousands(b, p->total);
    fprintf(stderr, "\r%s  %s/%s  %d%%\033[K", p->what, a, b, pct);
    fflush(stderr);
}

void
cat_progress_end(cat_progress_t *p)
{
    if (p->tty && p->total > 0) {
        cat_progress(p, p->total);
        fputc('\n', stderr);
    }
}

int64_t
cat_cli_default_warehouse(souk_request_t *r, const char **code)
{
    souk_stmt_t  *st;
    int64_t       id;

    st = souk_db_row(souk_db(r), "SELECT id, code FROM catalog_warehouses "
                     "WHERE active = 1 ORDER BY id LIMIT 1", "");
    if (st == NULL) {
        return 0;
    }
    id = souk_stmt_int(st, 0);
    if (code != NULL) {
        *code = souk_pstrdup(souk_request_pool(r), souk_stmt_text(st, 1));
    }
    souk_stmt_reset(st);
    return id;
}

int
cat_cli_warehouse(souk_request_t *r, const char *code, int64_t *id,
    char *why, size_t whylen)
{
    cJSON  *doc;
    int     rc;

    if ((*id = cat_warehouse_id(r, code)) > 0) {
        return SOUK_OK;
    }
    doc = cJSON_CreateObject();
    cJSON_AddStringToObject(doc, "code", code);
    cJSON_AddStringToObject(doc, "name", code);
    rc = cat_warehouse_save(r, doc, 0, id, why, whylen);
    cJSON_Delete(doc);
    return rc;
}

static int
cat_status_rank(const char *s)
{
    static const char *const  order[] = { "draft", "review", "approved",
                                          "listed", "delisted" };
    int                       i;

    for (i = 0; i < 5; i++) {
        if (strcmp(s, order[i]) == 0) {
            return i;
        }
    }
    return -1;
}

int
cat_cli_status(souk_request_t *r, int64_t id, const char *from,
    const char *want, char *why, size_t whylen)
{
    /* The workflow's forward path: the action leaving each status. */
    static const char *const  next[] = { "submit", "approve", "list",
                                         "delist" };
    int                       a = cat_status_rank(from);
    int                       b = cat_status_rank(want);
    int                       rc;

    if (a < 0 || b < 0) {
        return cat_decline(why, whylen, "unknown status %s", want);
    }
    if (a == b) {
        return SOUK_OK;
    }
    if (a == 1 && b == 0) {
        return cat_workflow_apply(r, id, "reject", "import", 0, why, whylen);
    }
    if (a == 4 && b == 3) {
        return cat_workflow_apply(r, id, "list", NULL, 0, why, whylen);
    }
    if (b < a) {
        return cat_decline(why, whylen, "a product that is %s cannot go "
                           "back to %s", from, want);
    }
    for (; a < b; a++) {
        rc = cat_workflow_apply(r, id, next[a], NULL, 0, why, whylen);
        if (rc != SOUK_OK) {
            return rc;
        }
    }
    return SOUK_OK;
}

int
cat_cli_image_add(souk_request_t *r, int64_t product_id,
    const souk_image_t *img, const char *alt, int *added)
{
    souk_db_t    *db = souk_db(r);
    souk_stmt_t  *st;
    int64_t       n;

    *added = 0;
    st = souk_db_row(db, "SELECT COUNT(*), SUM(media_key = ?) FROM "
                     "catalog_images WHERE product_id = ?", "ti", img->key,
                     product_id);
    if (st == NULL) {
        return SOUK_ERROR;
    }
    n = souk_stmt_int(st, 0);
    if (souk_stmt_int(st, 1) > 0) {
        souk_stmt_reset(st);
        return SOUK_OK;
    }
    souk_stmt_reset(st);
    /* catalog.h has no image writer yet: the row is the whole of it. */
    if (souk_db_exec(db, "INSERT INTO catalog_images (product_id, media_key,"
                     " alt, width, height, position) VALUES (?, ?, ?, ?, ?, "
                     "?)", "ittiii", product_id, img->key, alt,
                     (int64_t) img->width, (int64_t) img->height, n)
        != SOUK_OK)
    {
        return SOUK_ERROR;
    }
    *added = 1;
    return SOUK_OK;
}

int
cat_cli_init(souk_plugin_ctx_t *ctx)
{
    if (souk_command_add(ctx, "import", "products",
            "FILE.csv [--skip-bad] [--dry-run]",
            "import products from a CSV file (idempotent by SKU)",
            cat_cli_import, NULL) != SOUK_OK
        || souk_command_add(ctx, "export", "products", "[--out FILE]",
            "write every product of the site's group as CSV",
            cat_cli_export, NULL) != SOUK_OK
        || souk_command_add(ctx, "demo", NULL, "--products N [--seed S]",
            "fill the catalogue with N demo products",
            cat_cli_demo, NULL) != SOUK_OK)
    {
        return SOUK_ERROR;
    }
    return SOUK_OK;
}

/* A product's images: an upload is stored by the core's media code at the
 * catalog's widths and recorded in catalog_images; removing one drops the
 * row. (The catalog's only writer of catalog_images.) */
#include <string.h>

#include "back_office.h"

typedef struct {
    souk_request_t      *r;
    int64_t              product_id;
    int64_t              image_id;
    const souk_image_t  *img;
    const char          *alt;
} cbo_image_tx_t;

/* The product is of the request's group: checked in the transaction. */
static int
cbo_image_owned(souk_request_t *r, int64_t product_id)
{
    char  status[16];

    return cat_product_status(r, product_id, status);
}

static int
cbo_image_add_tx(souk_db_t *db, void *arg)
{
    cbo_image_tx_t  *a = arg;
    souk_stmt_t     *st;
    int64_t          pos = 0;
    int              rc;

    if ((rc = cbo_image_owned(a->r, a->product_id)) != SOUK_OK) {
        return rc;
    }
    st = souk_db_row(db, "SELECT COALESCE(MAX(position), -1) + 1 FROM "
                     "catalog_images WHERE product_id = ?", "i",
                     a->product_id);
    if (st == NULL) {
        return SOUK_ERROR;
    }
    pos = souk_stmt_int(st, 0);
    souk_stmt_reset(st);
    if (souk_db_exec(db, "INSERT INTO catalog_images (product_id, "
                     "media_key, alt, width, height, position) VALUES "
                     "(?, ?, ?, ?, ?, ?)", "ittiii", a->product_id,
                     a->img->key, a->alt, (int64_t) a->img->width,
                     (int64_t) a->img->height, pos) != SOUK_OK)
    {
        return SOUK_ERROR;
    }
    a->image_id = souk_db_last_id(db);
    return cat_event_add(a->r, a->product_id, "image_add", NULL, NULL,
                         a->img->key);
}

int
cat_image_add(souk_request_t *r, int64_t product_id,
    const souk_image_t *img, const char *alt)
{
    cbo_image_tx_t  a;

    memset(&a, 0, sizeof(a));
    a.r = r;
    a.product_id = product_id;
    a.img = img;
    a.alt = alt != NULL ? alt : "";
    return souk_db_tx(souk_db(r), cbo_image_add_tx, &a);
}

static int
cbo_image_remove_tx(souk_db_t *db, void *arg)
{
    cbo_image_tx_t  *a = arg;
    int              rc;

    if ((rc = cbo_image_owned(a->r, a->product_id)) != SOUK_OK) {
        return rc;
    }
    if (souk_db_exec(db, "DELETE FROM catalog_images WHERE id = ? AND "
                     "product_id = ?", "ii", a->image_id, a->product_id)
        != SOUK_OK)
    {
        return SOUK_ERROR;
    }
    if (souk_db_changes(db) == 0) {
        return SOUK_DECLINED;
    }
    return cat_event_add(a->r, a->product_id, "image_remove", NULL, NULL,
                         NULL);
}

int
cat_image_remove(souk_request_t *r, int64_t product_id, int64_t image_id)
{
    cbo_image_tx_t  a;

    memset(&a, 0, sizeof(a));
    a.r = r;
    a.product_id = product_id;
    a.image_id = image_id;
    return souk_db_tx(souk_db(r), cbo_image_remove_tx, &a);
}

/* ---------- the routes ---------- */

static const char *
cbo_product_path(souk_request_t *r, int64_t id)
{
    return souk_psprintf(souk_request_pool(r),
                         "/admin/catalog/products/%lld", (long long) id);
}

int
cbo_images_upload(souk_request_t *r, void *data)
{
    const souk_upload_t  *up = souk_request_upload(r, "image");
    const char           *alt = cbo_form(r, "alt");
    souk_image_t          img;
    cJSON                *doc;
    int64_t               id;
    int                   rc;
    char                  why[CAT_WHY];

    (void) data;
    if ((rc = cbo_guard(r, "catalog.edit")) != 0
        || (rc = cbo_editor_load(r, &id, &doc)) != 0)
    {
        return rc;
    }
    if (up == NULL || up->len == 0) {
        return cbo_editor_refused(r, id, doc, 422, "Choose an image file "
                                  "to upload.");
    }
    if (strlen(alt) > 200) {
        return cbo_editor_refused(r, id, doc, 422, "Keep the image's "
                                  "description to 200 characters.");
    }
    why[0] = '\0';
    rc = souk_media_image_save(r, up->data, up->len, cat_image_widths,
                               sizeof(cat_image_widths)
                               / sizeof(cat_image_widths[0]), &img, why,
                               sizeof(why));
    if (rc == SOUK_ERROR) {
        return SOUK_ERROR;
    }
    if (rc != SOUK_OK) {
        return cbo_editor_refused(r, id, doc, 422, why[0] != '\0' ? why
                                  : "The file is not an image we can "
                                  "use.");
    }
    rc = cat_image_add(r, id, &img, alt);
    if (rc != SOUK_OK) {
        return rc == SOUK_DECLINED ? souk_error(r, 404, "there is no such "
                                                "product") : SOUK_ERROR;
    }
    return cbo_back(r, cbo_product_path(r, id), "ok", "Image added.");
}

int
cbo_images_remove(souk_request_t *r, void *data)
{
    int64_t  id = cbo_param_id(r, "id"), image = cbo_param_id(r, "image");
    int      rc;

    (void) data;
    if ((rc = cbo_guard(r, "catalog.edit")) != 0) {
        return rc;
    }
    rc = cat_image_remove(r, id, image);
    if (rc == SOUK_DECLINED) {
        return souk_error(r, 404, "there is no such image");
    }
    if (rc != SOUK_OK) {
        return SOUK_ERROR;
    }
    return cbo_back(r, cbo_product_path(r, id), "ok", "Image removed.");
}

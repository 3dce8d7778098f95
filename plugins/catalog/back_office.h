/* What the catalog's back-office files (back_office*.c) share. */
#ifndef CATALOG_BACK_OFFICE_H
#define CATALOG_BACK_OFFICE_H

#include "catalog.h"

/* Rows a list page shows unless ?per= says otherwise. */
#define CBO_PER_PAGE  25
#define CBO_PER_MAX   200
/* History rows the editor shows (events, price log, stock moves). */
#define CBO_HISTORY   20

/* ---- back_office.c: the shell every page uses ---- */
/*
 * Wears the admin theme and checks the signed-in user holds perm: 0, or
 * the status to return (303 to the log-in for an anonymous browser, 401
 * for an anonymous API client, 403 without perm).
 */
int cbo_guard(souk_request_t *r, const char *perm);
/* A page's model: souk_ui_page_init's frame (add crumbs and messages with
 * souk_ui_crumb and souk_ui_flash) with currency, the crumbs Admin and
 * Catalog, and flash[] holding the message kept across the last redirect. */
cJSON *cbo_page(souk_request_t *r, const char *tmpl, const char *heading);
/* 303 to path (inside the site) with a message for the next page. */
int cbo_back(souk_request_t *r, const char *path, const char *kind,
    const char *msg);
/* A path inside the site, with its prefix; formatted, in the pool. */
const char *cbo_url(souk_request_t *r, const char *fmt, ...)
    SOUK_PRINTF(2, 3);
/* A string member, or "" (never NULL). */
const char *cbo_str(const cJSON *o, const char *key);
/* doc's "description" and "seo" {"title","description"} from the form's
 * values (products and categories edit them alike). */
void cbo_doc_texts(cJSON *doc, const cJSON *values);
/* A form field trimmed of surrounding blanks ("" when absent), pool. */
const char *cbo_form(souk_request_t *r, const char *name);
/* Every value of a repeated form field (checkboxes), as a JSON array of
 * strings the caller owns; empty values and "no" are left out. */
cJSON *cbo_form_all(souk_request_t *r, const char *name);
/* The route parameter name as an id > 0, or 0. */
int64_t cbo_param_id(souk_request_t *r, const char *name);
/* The status of a refused model call: 403 when why says permission. */
int cbo_why_status(const char *why);

/*
 * Money typed by a person: "12", "12.5", "12.50" in a currency with two
 * decimals (0 or 3 for the few that have those), parsed to minor units
 * with integers only. SOUK_OK, or SOUK_DECLINED for anything else
 * ("12,5x", "-1", "1.234" in EUR, blanks, overflow).
 */
int cbo_money_parse(const char *s, const char *currency, int64_t *out);
/* Minor units as the same text ("12.50"), pool. */
const char *cbo_money_text(souk_request_t *r, int64_t amount,
    const char *currency);
/* "YYYY-MM-DD", "YYYY-MM-DDTHH:MM" or "YYYY-MM-DD HH:MM" (UTC) to Unix
 * seconds: SOUK_OK or SOUK_DECLINED. */
int cbo_time_parse(const char *s, int64_t *out);
/* Unix seconds as "YYYY-MM-DD HH:MM" (UTC), "" for 0, pool. */
const char *cbo_time_text(souk_request_t *r, int64_t t);

/* ---- the pages (route handlers) ---- */
int cbo_products(souk_request_t *r, void *data);           /* _products.c */
int cbo_products_bulk(souk_request_t *r, void *data);
int cbo_editor_new(souk_request_t *r, void *data);         /* _editor.c */
int cbo_editor_show(souk_request_t *r, void *data);
int cbo_editor_save(souk_request_t *r, void *data);
int cbo_editor_workflow(souk_request_t *r, void *data);
int cbo_editor_stock(souk_request_t *r, void *data);
/* Loads the product the route's {id} names (with stock, events, cost;
 * the pool owns it): 0, or the status to return (404). */
int cbo_editor_load(souk_request_t *r, int64_t *id, cJSON **doc);
/* The editor again with a refused action's reason, answering status. */
int cbo_editor_refused(souk_request_t *r, int64_t id, const cJSON *doc,
    int status, const char *why);
int cbo_images_upload(souk_request_t *r, void *data);       /* _images.c */
int cbo_images_remove(souk_request_t *r, void *data);
int cbo_review(souk_request_t *r, void *data);              /* _review.c */
int cbo_review_decide(souk_request_t *r, void *data);
int cbo_alerts(souk_request_t *r, void *data);
int cbo_alerts_resolve(souk_request_t *r, void *data);
int cbo_categories(souk_request_t *r, void *data);          /* _stock.c */
int cbo_categories_save(souk_request_t *r, void *data);
int cbo_warehouses(souk_request_t *r, void *data);
int cbo_warehouses_save(souk_request_t *r, void *data);
int cbo_receipts(souk_request_t *r, void *data);
int cbo_receipts_save(souk_request_t *r, void *data);

/* The editor's form (back_office_form.c): the product as typed text
 * ("values": name, slug, ..., categories[], sites[], variants[] {sku,
 * options, weight, barcode, threshold, price, compare_at, cost, existing,
 * remove}) from a document or a post, and the document to save from it
 * with every problem in errors (field name → sentence). New cJSONs the
 * caller deletes. */
cJSON *cbo_values_from_doc(souk_request_t *r, const cJSON *doc);
cJSON *cbo_values_from_form(souk_request_t *r);
cJSON *cbo_doc_from_values(souk_request_t *r, const cJSON *values,
    int is_new, cJSON *errors);

/* The editor's history and stock tables (back_office_history.c). */
cJSON *cbo_history(souk_request_t *r, int64_t product_id);
cJSON *cbo_warehouse_list(souk_request_t *r);

/* ---- back_office_images.c: the product's images ---- */
/* A catalog_images row for an image stored with souk_media_image_save
 * (last position), in the request's group; SOUK_DECLINED when the
 * product is not of the group. */
int cat_image_add(souk_request_t *r, int64_t product_id,
    const souk_image_t *img, const char *alt);
/* Removes the row (the files stay: another product may share the key). */
int cat_image_remove(souk_request_t *r, int64_t product_id,
    int64_t image_id);

#endif /* CATALOG_BACK_OFFICE_H */

/* The approval queue (products in review, oldest first, approved or sent
 * back with a note) and the alerts page (open ones with a resolve button,
 * resolved ones on a second tab). */
#include <string.h>

#include "back_office.h"

/* Rows an alerts tab shows at most (newest first). */
#define CBO_ALERTS_MAX  200

static cJSON *
cbo_review_rows(souk_request_t *r)
{
    souk_stmt_t  *st;
    cJSON        *out = cJSON_CreateArray(), *o;
    int64_t       id;

    st = souk_db_prepare(souk_db(r), "SELECT p.id, p.name, p.slug, "
        "COALESCE((SELECT MAX(e.created_at) FROM catalog_events e WHERE "
        "e.product_id = p.id AND e.action = 'submit'), p.updated_at) AS "
        "submitted FROM catalog_products p WHERE p.group_id = ? AND "
        "p.status = 'review' ORDER BY submitted, p.id");
    if (st == NULL) {
        return NULL;
    }
    souk_stmt_bind_text(st, 1, souk_site_group(r), -1);
    while (souk_stmt_step(st) == SOUK_ROW) {
        id = souk_stmt_int(st, 0);
        o = cJSON_CreateObject();
        cJSON_AddNumberToObject(o, "id", (double) id);
        cJSON_AddStringToObject(o, "name", souk_stmt_text(st, 1));
        cJSON_AddStringToObject(o, "slug", souk_stmt_text(st, 2));
        cJSON_AddStringToObject(o, "submitted", cbo_time_text(r,
                                souk_stmt_int(st, 3)));
        cJSON_AddStringToObject(o, "href", cbo_url(r, "/admin/catalog/"
                                "products/%lld", (long long) id));
        cJSON_AddStringToObject(o, "action", cbo_url(r, "/admin/catalog/"
                                "review/%lld", (long long) id));
        cJSON_AddItemToArray(out, o);
    }
    return out;
}

static int
cbo_review_page(souk_request_t *r, int status, const char *error)
{
    cJSON  *m, *rows = cbo_review_rows(r);

    if (rows == NULL) {
        return SOUK_ERROR;
    }
    m = cbo_page(r, "admin_catalog_review", "Review queue");
    souk_ui_crumb(m, "Review queue", NULL);
    if (error != NULL) {
        souk_ui_flash(m, "error", error);
    }
    cJSON_AddBoolToObject(m, "has_rows", cJSON_GetArraySize(rows) > 0);
    cJSON_AddItemToObject(m, "products", rows);
    return status;
}

int
cbo_review(souk_request_t *r, void *data)
{
    int  rc;

    (void) data;
    if ((rc = cbo_guard(r, "catalog.approve")) != 0) {
        return rc;
    }
    return cbo_review_page(r, 200, NULL);
}

int
cbo_review_decide(souk_request_t *r, void *data)
{
    const char  *decision = cbo_form(r, "decision");
    const char  *note = cbo_form(r, "note");
    int64_t      id = cbo_param_id(r, "id");
    int          rc;
    char         why[CAT_WHY];

    (void) data;
    if ((rc = cbo_guard(r, "catalog.approve")) != 0) {
        return rc;
    }
    if (strcmp(decision, "approve") != 0 && strcmp(decision, "reject") != 0)
    {
        return cbo_review_page(r, 422, "Approve or reject the product.");
    }
    if (strcmp(decision, "reject") == 0 && note[0] == '\0') {
        return cbo_review_page(r, 422, "Say why the product is rejected "
                               "(a note), so its editor can fix it.");
    }
    why[0] = '\0';
    rc = cat_workflow_apply(r, id, decision, note, 0, why, sizeof(why));
    if (rc == SOUK_ERROR) {
        return SOUK_ERROR;
    }
    if (rc != SOUK_OK) {
        if (strstr(why, "no such") != NULL) {
            return souk_error(r, 404, "there is no such product");
        }
        return cbo_review_page(r, cbo_why_status(why), why);
    }
    return cbo_back(r, "/admin/catalog/review", "ok",
                    strcmp(decision, "approve") == 0
                    ? "Approved: it can be listed now."
                    : "Rejected: back to draft with your note.");
}

/* ---------- alerts ---------- */

static cJSON *
cbo_alert_rows(souk_request_t *r, int resolved)
{
    souk_stmt_t  *st;
    cJSON        *out = cJSON_CreateArray(), *o;
    int64_t       id, pid;

    st = souk_db_prepare(souk_db(r), resolved
        ? "SELECT a.id, a.kind, a.product_id, p.name, v.sku, a.message, "
          "a.created_at, a.resolved_at FROM catalog_alerts a LEFT JOIN "
          "catalog_products p ON p.id = a.product_id LEFT JOIN "
          "catalog_variants v ON v.id = a.variant_id WHERE a.group_id = ? "
          "AND a.resolved_at IS NOT NULL ORDER BY a.resolved_at DESC, a.id "
          "DESC LIMIT ?"
        : "SELECT a.id, a.kind, a.product_id, p.name, v.sku, a.message, "
          "a.created_at, a.resolved_at FROM catalog_alerts a LEFT JOIN "
          "catalog_products p ON p.id = a.product_id LEFT JOIN "
          "catalog_variants v ON v.id = a.variant_id WHERE a.group_id = ? "
          "AND a.resolved_at IS NULL ORDER BY a.id DESC LIMIT ?");
    if (st == NULL) {
        return NULL;
    }
    souk_stmt_bind_text(st, 1, souk_site_group(r), -1);
    souk_stmt_bind_int(st, 2, CBO_ALERTS_MAX);
    while (souk_stmt_step(st) == SOUK_ROW) {
        id = souk_stmt_int(st, 0);
        pid = souk_stmt_int(st, 2);
        o = cJSON_CreateObject();
        cJSON_AddNumberToObject(o, "id", (double) id);
        cJSON_AddStringToObject(o, "kind", souk_stmt_text(st, 1));
        cJSON_AddNumberToObject(o, "product_id", (double) pid);
        cJSON_AddStringToObject(o, "product", souk_stmt_is_null(st, 3) ? ""
                                : souk_stmt_text(st, 3));
        cJSON_AddStringToObject(o, "sku", souk_stmt_is_null(st, 4) ? ""
                                : souk_stmt_text(st, 4));
        cJSON_AddStringToObject(o, "message", souk_stmt_text(st, 5));
        cJSON_AddStringToObject(o, "raised", cbo_time_text(r,
                                souk_stmt_int(st, 6)));
        cJSON_AddStringToObject(o, "resolved", cbo_time_text(r,
                                souk_stmt_int(st, 7)));
        cJSON_AddStringToObject(o, "href", cbo_url(r, "/admin/catalog/"
                                "products/%lld", (long long) pid));
        cJSON_AddStringToObject(o, "resolve", cbo_url(r, "/admin/catalog/"
                                "alerts/%lld/resolve", (long long) id));
        cJSON_AddItemToArray(out, o);
    }
    return out;
}

int
cbo_alerts(souk_request_t *r, void *data)
{
    const char  *tab = souk_request_query(r, "tab");
    int          resolved = tab != NULL && strcmp(tab, "resolved") == 0;
    cJSON       *m, *rows;
    int          rc;

    (void) data;
    if ((rc = cbo_guard(r, "catalog.view")) != 0) {
        return rc;
    }
    if ((rows = cbo_alert_rows(r, resolved)) == NULL) {
        return SOUK_ERROR;
    }
    m = cbo_page(r, "admin_catalog_alerts", "Alerts");
    souk_ui_crumb(m, "Alerts", NULL);
    cJSON_AddBoolToObject(m, "resolved_tab", resolved);
    cJSON_AddStringToObject(m, "open_href", cbo_url(r, "/admin/catalog/"
                                                    "alerts"));
    cJSON_AddStringToObject(m, "resolved_href", cbo_url(r, "/admin/catalog/"
                                                        "alerts?tab="
                                                        "resolved"));
    cJSON_AddBoolToObject(m, "can_resolve", !resolved
                          && souk_user_can(r, "catalog.stock"));
    cJSON_AddBoolToObject(m, "has_rows", cJSON_GetArraySize(rows) > 0);
    cJSON_AddItemToObject(m, "alerts", rows);
    return 200;
}

int
cbo_alerts_resolve(souk_request_t *r, void *data)
{
    int64_t       id = cbo_param_id(r, "id");
    souk_stmt_t  *st;
    int           rc;

    (void) data;
    if ((rc = cbo_guard(r, "catalog.stock")) != 0) {
        return rc;
    }
    /* Only an open alert of this group: another group's id is unknown. */
    st = souk_db_row(souk_db(r), "SELECT id FROM catalog_alerts WHERE id = "
                     "? AND group_id = ? AND resolved_at IS NULL", "it", id,
                     souk_site_group(r));
    if (st == NULL) {
        return souk_db_error(souk_db(r))[0] == '\0'
               ? souk_error(r, 404, "there is no such open alert")
               : SOUK_ERROR;
    }
    souk_stmt_reset(st);
    rc = cat_alert_resolve(r, id);
    if (rc == SOUK_DECLINED) {
        return souk_error(r, 404, "there is no such open alert");
    }
    if (rc != SOUK_OK) {
        return SOUK_ERROR;
    }
    return cbo_back(r, "/admin/catalog/alerts", "ok", "Alert resolved.");
}

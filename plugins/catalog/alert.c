/* Alerts for staff (low stock, price anomalies): a catalog_alerts row, a
 * mail to catalog.alert_email, and what a stock change sets off. */
#include <stdio.h>
#include <string.h>

#include "catalog.h"

int
cat_alert_raise(souk_request_t *r, const char *kind, int64_t product_id,
    int64_t variant_id, const char *message)
{
    souk_db_t    *db = souk_db(r);
    const char   *to = souk_setting(r, "catalog.alert_email");
    souk_mail_t   m;
    char          msg[500];

    /* The column holds 500 characters; a cut message still says enough. */
    snprintf(msg, sizeof(msg), "%s", message);
    if (souk_db_exec(db, "INSERT INTO catalog_alerts (group_id, kind, "
                     "product_id, variant_id, message, created_at) VALUES "
                     "(?, ?, ?, ?, ?, ?)", "ttiiti", souk_site_group(r), kind,
                     product_id, variant_id, msg, cat_now()) != SOUK_OK)
    {
        return SOUK_ERROR;
    }
    if (to == NULL || to[0] == '\0') {
        return SOUK_OK;
    }
    memset(&m, 0, sizeof(m));
    m.site = souk_site_id(r);
    m.to = to;
    m.subject = souk_psprintf(souk_request_pool(r), "Catalogue alert: %s",
                              strcmp(kind, "low_stock") == 0 ? "low stock"
                              : strcmp(kind, "price_anomaly") == 0
                              ? "price anomaly" : kind);
    m.text = souk_psprintf(souk_request_pool(r), "%s\n\nSee the alerts in "
                           "the back office: %s/admin/catalog/alerts\n", msg,
                           souk_site_base_path(r));
    return souk_outbox_mail(db, &m) > 0 ? SOUK_OK : SOUK_ERROR;
}

int
cat_alert_resolve(souk_request_t *r, int64_t alert_id)
{
    souk_db_t  *db = souk_db(r);

    if (souk_db_exec(db, "UPDATE catalog_alerts SET resolved_at = ?, "
                     "resolved_by = ? WHERE id = ? AND group_id = ? AND "
                     "resolved_at IS NULL", "iiit", cat_now(),
                     souk_user_id(r), alert_id, souk_site_group(r))
        != SOUK_OK)
    {
        return SOUK_ERROR;
    }
    return souk_db_changes(db) > 0 ? SOUK_OK : SOUK_DECLINED;
}

typedef struct {
    souk_request_t  *r;
    int64_t          vid;
} cat_sc_t;

static int
cat_stock_low(souk_request_t *r, int64_t pid, int64_t vid, const char *sku,
    const char *name, int64_t avail, int64_t threshold)
{
    cJSON  *ev;
    int     rc;

    if (souk_db_exec(souk_db(r), "UPDATE catalog_variants SET "
                     "low_stock_alerted = 1 WHERE id = ?", "i", vid)
        != SOUK_OK
        || cat_alert_raise(r, "low_stock", pid, vid,
               souk_psprintf(souk_request_pool(r), "%s (%s): %lld left, at "
                             "or below the threshold of %lld.", sku, name,
                             (long long) avail, (long long) threshold))
           != SOUK_OK)
    {
        return SOUK_ERROR;
    }
    ev = cJSON_CreateObject();
    cJSON_AddNumberToObject(ev, "product_id", (double) pid);
    cJSON_AddNumberToObject(ev, "variant_id", (double) vid);
    cJSON_AddStringToObject(ev, "sku", sku);
    cJSON_AddNumberToObject(ev, "available", (double) avail);
    cJSON_AddNumberToObject(ev, "threshold", (double) threshold);
    rc = souk_action_run(r, "product.stock_low", ev);
    cJSON_Delete(ev);
    return rc == SOUK_OK ? SOUK_OK : SOUK_ERROR;
}

static int
cat_stock_changed_tx(souk_db_t *db, void *arg)
{
    cat_sc_t     *t = arg;
    souk_stmt_t  *st;
    char          sku[65], name[201];
    int64_t       pid, threshold, alerted, avail;

    st = souk_db_row(db, "SELECT v.product_id, v.sku, v.low_stock_threshold,"
                     " v.low_stock_alerted, p.name, (SELECT COALESCE(SUM("
                     "s.on_hand - s.reserved), 0) FROM catalog_stock s WHERE "
                     "s.variant_id = v.id) FROM catalog_variants v JOIN "
                     "catalog_products p ON p.id = v.product_id WHERE v.id = "
                     "? AND v.group_id = ?", "it", t->vid,
                     souk_site_group(t->r));
    if (st == NULL) {
        return souk_db_error(db)[0] == '\0' ? SOUK_DECLINED : SOUK_ERROR;
    }
    pid = souk_stmt_int(st, 0);
    snprintf(sku, sizeof(sku), "%s", souk_stmt_text(st, 1));
    threshold = souk_stmt_int(st, 2);
    alerted = souk_stmt_int(st, 3);
    snprintf(name, sizeof(name), "%s", souk_stmt_text(st, 4));
    avail = souk_stmt_int(st, 5);
    souk_stmt_reset(st);
    /* Threshold 0 means no alert for this SKU. Once per crossing: the flag
     * stays up until the stock rises above the threshold again. */
    if (threshold > 0 && avail <= threshold && !alerted) {
        if (cat_stock_low(t->r, pid, t->vid, sku, name, avail, threshold)
            != SOUK_OK)
        {
            return SOUK_ERROR;
        }
    } else if (alerted && avail > threshold) {
        if (souk_db_exec(db, "UPDATE catalog_variants SET low_stock_alerted "
                         "= 0 WHERE id = ?", "i", t->vid) != SOUK_OK)
        {
            return SOUK_ERROR;
        }
    }
    if (avail > 0 && cat_watch_notify(t->r, pid, "stock") != SOUK_OK) {
        return SOUK_ERROR;
    }
    return cat_listing_stock(t->r, pid);
}

int
cat_stock_changed(souk_request_t *r, int64_t variant_id)
{
    cat_sc_t  t = { r, variant_id };

    return souk_db_tx(souk_db(r), cat_stock_changed_tx, &t);
}

/* "stock.changed" {"variant_id"}: stock moved outside the catalog (an
 * order took or returned it), inside that change's transaction. */
int
cat_on_stock_changed(souk_request_t *r, const cJSON *ev, void *data)
{
    const cJSON  *v = cJSON_GetObjectItemCaseSensitive(ev, "variant_id");
    int           rc;

    (void) data;
    if (!cJSON_IsNumber(v)) {
        return SOUK_OK;
    }
    rc = cat_stock_changed(r, (int64_t) v->valuedouble);
    /* a variant of another group is not ours to refresh */
    return rc == SOUK_DECLINED ? SOUK_OK : rc;
}

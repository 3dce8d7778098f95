/* Prices: the owner's base price, the amount charged now (base or the
 * latest-starting active price list's), the price log, anomaly alerts and
 * price-drop mails, and the scheduled price lists. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "catalog.h"

static int
cat_cur_ok(const char *c)
{
    return c != NULL && strlen(c) == 3 && c[0] >= 'A' && c[0] <= 'Z'
           && c[1] >= 'A' && c[1] <= 'Z' && c[2] >= 'A' && c[2] <= 'Z';
}

/* The amount charged now: the latest-starting active list's, else base. */
static int
cat_price_effective(souk_request_t *r, int64_t vid, const char *cur,
    int64_t base, int64_t *out)
{
    souk_db_t    *db = souk_db(r);
    souk_stmt_t  *st;
    int64_t       now = cat_now();

    st = souk_db_row(db, "SELECT i.amount FROM catalog_price_list_items i "
                     "JOIN catalog_price_lists l ON l.id = i.list_id WHERE "
                     "i.variant_id = ? AND l.currency = ? AND l.starts_at <= "
                     "? AND (l.ends_at IS NULL OR l.ends_at > ?) ORDER BY "
                     "l.starts_at DESC, l.id DESC LIMIT 1", "itii", vid, cur,
                     now, now);
    if (st == NULL) {
        if (souk_db_error(db)[0] != '\0') {
            return SOUK_ERROR;
        }
        *out = base;
        return SOUK_OK;
    }
    *out = souk_stmt_int(st, 0);
    souk_stmt_reset(st);
    return SOUK_OK;
}

static int
cat_price_anomaly(souk_request_t *r, int64_t pid, int64_t vid,
    const char *sku, const char *cur, int has_old, int64_t old,
    int64_t amount, int64_t cost)
{
    const char   *s = souk_setting(r, "catalog.price_anomaly_percent");
    souk_pool_t  *pool = souk_request_pool(r);
    int64_t       pct = 50, diff;

    if (s != NULL && souk_int_parse(s, 0, 100000, &pct) != SOUK_OK) {
        pct = 50;
    }
    diff = amount > old ? amount - old : old - amount;
    if (has_old && old > 0 && diff * 100 > pct * old) {
        if (cat_alert_raise(r, "price_anomaly", pid, vid,
                souk_psprintf(pool, "The %s price of %s went from %lld to "
                              "%lld (more than %lld%%).", cur, sku,
                              (long long) old, (long long) amount,
                              (long long) pct)) != SOUK_OK)
        {
            return SOUK_ERROR;
        }
    }
    if (cost > 0 && amount < cost) {
        return cat_alert_raise(r, "price_anomaly", pid, vid,
                   souk_psprintf(pool, "The %s price of %s (%lld) is below "
                                 "its cost (%lld).", cur, sku,
                                 (long long) amount, (long long) cost));
    }
    return SOUK_OK;
}

/* The charged amount changed (the row is written): log it, warn, mail
 * watchers, tell the plugins, refresh the listing. */
static int
cat_price_changed(souk_request_t *r, int64_t pid, int64_t vid,
    const char *sku, const char *cur, int has_old, int64_t old,
    int64_t amount, int64_t cost, const char *reason)
{
    souk_db_t  *db = souk_db(r);
    souk_stmt_t *st;
    cJSON      *ev;
    int         rc;

    st = souk_db_prepare(db, "INSERT INTO catalog_price_log (variant_id, "
                         "currency, old_amount, new_amount, actor, reason, "
                         "created_at) VALUES (?, ?, ?, ?, ?, ?, ?)");
    if (st == NULL || souk_stmt_bind_int(st, 1, vid) != SOUK_OK
        || souk_stmt_bind_text(st, 2, cur, -1) != SOUK_OK
        || (has_old ? souk_stmt_bind_int(st, 3, old)
                    : souk_stmt_bind_null(st, 3)) != SOUK_OK
        || souk_stmt_bind_int(st, 4, amount) != SOUK_OK
        || souk_stmt_bind_int(st, 5, souk_user_id(r)) != SOUK_OK
        || souk_stmt_bind_text(st, 6, reason != NULL ? reason : "", -1)
           != SOUK_OK
        || souk_stmt_bind_int(st, 7, cat_now()) != SOUK_OK
        || souk_stmt_step(st) != SOUK_DONE)
    {
        return SOUK_ERROR;
    }
    if (cat_price_anomaly(r, pid, vid, sku, cur, has_old, old, amount, cost)
        != SOUK_OK)
    {
        return SOUK_ERROR;
    }
    if (has_old) {
        ev = cJSON_CreateObject();
        cJSON_AddNumberToObject(ev, "variant_id", (double) vid);
        cJSON_AddStringToObject(ev, "currency", cur);
        cJSON_AddNumberToObject(ev, "old", (double) old);
        cJSON_AddNumberToObject(ev, "new", (double) amount);
        rc = souk_action_run(r, "product.price_changed", ev);
        cJSON_Delete(ev);
        if (rc != SOUK_OK) {
            return SOUK_ERROR;
        }
    }
    if (has_old && amount < old
        && cat_watch_notify(r, pid, "price") != SOUK_OK)
    {
        return SOUK_ERROR;
    }
    return cat_listing_refresh(r, pid);
}

typedef struct {
    souk_request_t  *r;
    int64_t          vid;
    const char      *cur;
    int64_t          base;          /* -1: keep (recompute only) */
    int64_t          compare_at;
    int64_t          cost;
    const char      *reason;
    char            *why;
    size_t           whylen;
} cat_pset_t;

static int
cat_price_set_tx(souk_db_t *db, void *arg)
{
    cat_pset_t   *t = arg;
    souk_stmt_t  *st;
    char          sku[65];
    int64_t       pid, old = 0, base = 0, cmp = 0, cost = 0, amount;
    int64_t       old_cost;
    int           has_old;

    st = souk_db_row(db, "SELECT product_id, sku FROM catalog_variants "
                     "WHERE id = ? AND group_id = ?", "it", t->vid,
                     souk_site_group(t->r));
    if (st == NULL) {
        return souk_db_error(db)[0] == '\0'
               ? cat_decline(t->why, t->whylen, "no such variant")
               : SOUK_ERROR;
    }
    pid = souk_stmt_int(st, 0);
    snprintf(sku, sizeof(sku), "%s", souk_stmt_text(st, 1));
    souk_stmt_reset(st);
    st = souk_db_row(db, "SELECT amount, base_amount, compare_at, cost FROM "
                     "catalog_prices WHERE variant_id = ? AND currency = ?",
                     "it", t->vid, t->cur);
    if (st == NULL && souk_db_error(db)[0] != '\0') {
        return SOUK_ERROR;
    }
    has_old = st != NULL;
    if (st != NULL) {
        old = souk_stmt_int(st, 0);
        base = souk_stmt_int(st, 1);
        cmp = souk_stmt_int(st, 2);
        cost = souk_stmt_int(st, 3);
        souk_stmt_reset(st);
    } else if (t->base < 0) {
        return SOUK_OK;                 /* nothing to recompute */
    }
    old_cost = cost;
    base = t->base >= 0 ? t->base : base;
    cmp = t->compare_at >= 0 ? t->compare_at : cmp;
    cost = t->cost >= 0 ? t->cost : cost;
    if (cat_price_effective(t->r, t->vid, t->cur, base, &amount) != SOUK_OK
        || souk_db_exec(db, has_old
                        ? "UPDATE catalog_prices SET base_amount = ?, amount "
                          "= ?, compare_at = ?, cost = ? WHERE variant_id = "
                          "? AND currency = ?"
                        : "INSERT INTO catalog_prices (base_amount, amount, "
                          "compare_at, cost, variant_id, currency) VALUES "
                          "(?, ?, ?, ?, ?, ?)", "iiiiit", base, amount, cmp,
                        cost, t->vid, t->cur) != SOUK_OK)
    {
        return SOUK_ERROR;
    }
    if (has_old && old == amount) {
        /* compare-at or cost alone: no log line, but the cost check. */
        return cost != old_cost ? cat_price_anomaly(t->r, pid, t->vid, sku,
                                                t->cur, 0, 0, amount, cost)
                            : SOUK_OK;
    }
    return cat_price_changed(t->r, pid, t->vid, sku, t->cur, has_old, old,
                             amount, cost, t->reason);
}

int
cat_price_set(souk_request_t *r, int64_t variant_id, const char *cur,
    int64_t base, int64_t compare_at, int64_t cost, const char *reason,
    char *why, size_t whylen)
{
    cat_pset_t  t = { r, variant_id, cur, base, compare_at, cost, reason,
                      why, whylen };

    if (!cat_cur_ok(cur)) {
        return cat_decline(why, whylen, "a currency is three capitals");
    }
    if (base < 0) {
        return cat_decline(why, whylen, "a price is 0 or more");
    }
    return souk_db_tx(souk_db(r), cat_price_set_tx, &t);
}

/* Recomputes the charged amount of one price row through the logged path. */
static int
cat_price_recompute(souk_request_t *r, int64_t vid, const char *cur,
    const char *reason)
{
    cat_pset_t  t = { r, vid, cur, -1, -1, -1, reason, NULL, 0 };

    return souk_db_tx(souk_db(r), cat_price_set_tx, &t);
}

/* Why the charged amount is what it is now, for the log. */
static const char *
cat_price_reason(souk_request_t *r, int64_t vid, const char *cur)
{
    souk_stmt_t  *st;
    const char   *why;
    int64_t       now = cat_now();

    st = souk_db_row(souk_db(r), "SELECT l.name FROM "
                     "catalog_price_list_items i JOIN catalog_price_lists l "
                     "ON l.id = i.list_id WHERE i.variant_id = ? AND "
                     "l.currency = ? AND l.starts_at <= ? AND (l.ends_at IS "
                     "NULL OR l.ends_at > ?) ORDER BY l.starts_at DESC, l.id "
                     "DESC LIMIT 1", "itii", vid, cur, now, now);
    if (st == NULL) {
        return "price list ended: base price";
    }
    /* Names are at most 180 bytes, so this fits the 200 of the column. */
    why = souk_psprintf(souk_request_pool(r), "price list %s",
                        souk_stmt_text(st, 0));
    souk_stmt_reset(st);
    return why;
}

typedef struct {
    int64_t  vid;
    char     cur[4];
} cat_pkey_t;

/*
 * A charged amount differs from what it should be only where an active
 * list has an item for it, or where no list applies and it is not the
 * base: those rows are read first (no statement stays open while the
 * changes run), then each goes through the logged path. Running again
 * finds nothing left to do.
 */
int
cat_price_lists_due(souk_request_t *r)
{
    souk_pool_t  *pool = souk_request_pool(r);
    souk_stmt_t  *st;
    cat_pkey_t   *keys = NULL;
    size_t        n = 0, cap = 0, i;
    int64_t       now = cat_now();
    int           rc;

    st = souk_db_prepare(souk_db(r), "SELECT p.variant_id, p.currency FROM "
                         "catalog_prices p JOIN catalog_variants v ON v.id = "
                         "p.variant_id WHERE v.group_id = ? AND (p.amount <> "
                         "p.base_amount OR EXISTS (SELECT 1 FROM "
                         "catalog_price_list_items i JOIN catalog_price_lists"
                         " l ON l.id = i.list_id WHERE i.variant_id = "
                         "p.variant_id AND l.currency = p.currency AND "
                         "l.starts_at <= ? AND (l.ends_at IS NULL OR "
                         "l.ends_at > ?)))");
    if (st == NULL
        || souk_stmt_bind_text(st, 1, souk_site_group(r), -1) != SOUK_OK
        || souk_stmt_bind_int(st, 2, now) != SOUK_OK
        || souk_stmt_bind_int(st, 3, now) != SOUK_OK)
    {
        return SOUK_ERROR;
    }
    while ((rc = souk_stmt_step(st)) == SOUK_ROW) {
        if (n == cap) {
            cat_pkey_t  *k;

            cap = cap ? cap * 2 : 64;
            k = souk_palloc(pool, cap * sizeof(*k));
            if (n > 0) {
                memcpy(k, keys, n * sizeof(*k));
            }
            keys = k;
        }
        keys[n].vid = souk_stmt_int(st, 0);
        snprintf(keys[n].cur, sizeof(keys[n].cur), "%s",
                 souk_stmt_text(st, 1));
        n++;
    }
    if (rc != SOUK_DONE) {
        return SOUK_ERROR;
    }
    for (i = 0; i < n; i++) {
        if (cat_price_recompute(r, keys[i].vid, keys[i].cur,
                cat_price_reason(r, keys[i].vid, keys[i].cur)) == SOUK_ERROR)
        {
            return SOUK_ERROR;
        }
    }
    return SOUK_OK;
}

typedef struct {
    souk_request_t  *r;
    const cJSON     *doc;
    const char      *name;
    const char      *cur;
    int64_t          starts_at;
    int64_t          ends_at;       /* 0: open */
    int64_t          id;
    char            *why;
    size_t           whylen;
} cat_plist_t;

static int
cat_price_list_tx(souk_db_t *db, void *arg)
{
    cat_plist_t   *t = arg;
    const cJSON   *e;
    souk_stmt_t   *st;
    int64_t        vid, amount;
    const char    *sku;

    st = souk_db_prepare(db, "INSERT INTO catalog_price_lists (group_id, "
                         "name, currency, starts_at, ends_at, created_by, "
                         "created_at) VALUES (?, ?, ?, ?, ?, ?, ?)");
    if (st == NULL
        || souk_stmt_bind_text(st, 1, souk_site_group(t->r), -1) != SOUK_OK
        || souk_stmt_bind_text(st, 2, t->name, -1) != SOUK_OK
        || souk_stmt_bind_text(st, 3, t->cur, -1) != SOUK_OK
        || souk_stmt_bind_int(st, 4, t->starts_at) != SOUK_OK
        || (t->ends_at > 0 ? souk_stmt_bind_int(st, 5, t->ends_at)
                           : souk_stmt_bind_null(st, 5)) != SOUK_OK
        || souk_stmt_bind_int(st, 6, souk_user_id(t->r)) != SOUK_OK
        || souk_stmt_bind_int(st, 7, cat_now()) != SOUK_OK
        || souk_stmt_step(st) != SOUK_DONE)
    {
        return SOUK_ERROR;
    }
    t->id = souk_db_last_id(db);
    cJSON_ArrayForEach(e, cJSON_GetObjectItemCaseSensitive(t->doc, "items")) {
        sku = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(e,
                                                                    "sku"));
        vid = 0;
        if (sku != NULL) {
            st = souk_db_row(db, "SELECT id FROM catalog_variants WHERE "
                             "group_id = ? AND sku = ?", "tt",
                             souk_site_group(t->r), sku);
            if (st == NULL && souk_db_error(db)[0] != '\0') {
                return SOUK_ERROR;
            }
            if (st != NULL) {
                vid = souk_stmt_int(st, 0);
                souk_stmt_reset(st);
            }
        }
        if (vid == 0) {
            return cat_decline(t->why, t->whylen, "no SKU \"%s\" in the "
                               "catalogue", sku != NULL ? sku : "");
        }
        if (souk_json_int(cJSON_GetObjectItemCaseSensitive(e, "amount"), 0,
                         INT64_C(1000000000000), &amount) != SOUK_OK)
        {
            return cat_decline(t->why, t->whylen, "the amount for %s must be"
                               " a whole number of minor units", sku);
        }
        if (souk_db_exec(db, "DELETE FROM catalog_price_list_items WHERE "
                         "list_id = ? AND variant_id = ?", "ii", t->id, vid)
            != SOUK_OK
            || souk_db_exec(db, "INSERT INTO catalog_price_list_items "
                            "(list_id, variant_id, amount) VALUES (?, ?, ?)",
                            "iii", t->id, vid, amount) != SOUK_OK)
        {
            return SOUK_ERROR;
        }
    }
    /* A list that has started already applies now, not at the next run. */
    return t->starts_at <= cat_now() ? cat_price_lists_due(t->r) : SOUK_OK;
}

int
cat_price_list_create(souk_request_t *r, const cJSON *doc, int64_t *out_id,
    char *why, size_t whylen)
{
    cat_plist_t   t;
    const cJSON  *e;
    int           rc;

    memset(&t, 0, sizeof(t));
    t.r = r;
    t.doc = doc;
    t.why = why;
    t.whylen = whylen;
    t.name = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(doc,
                                                                   "name"));
    t.cur = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(doc,
                                                                  "currency"));
    if (t.name == NULL || t.name[0] == '\0' || strlen(t.name) > 180) {
        return cat_decline(why, whylen, "a price list needs a name (at most "
                           "180 characters)");
    }
    if (t.cur == NULL) {
        t.cur = cat_currency(r);
    }
    if (!cat_cur_ok(t.cur)) {
        return cat_decline(why, whylen, "a currency is three capitals");
    }
    if (souk_json_int(cJSON_GetObjectItemCaseSensitive(doc, "starts_at"), 0,
                     INT64_C(1) << 40, &t.starts_at) != SOUK_OK)
    {
        return cat_decline(why, whylen, "starts_at is a time in Unix "
                           "seconds");
    }
    e = cJSON_GetObjectItemCaseSensitive(doc, "ends_at");
    if (e != NULL && !cJSON_IsNull(e)
        && (souk_json_int(e, 1, INT64_C(1) << 40, &t.ends_at) != SOUK_OK
            || t.ends_at <= t.starts_at))
    {
        return cat_decline(why, whylen, "ends_at comes after starts_at");
    }
    e = cJSON_GetObjectItemCaseSensitive(doc, "items");
    if (!cJSON_IsArray(e) || cJSON_GetArraySize(e) == 0
        || cJSON_GetArraySize(e) > 10000)
    {
        return cat_decline(why, whylen, "a price list needs items "
                           "[{\"sku\",\"amount\"}]");
    }
    if ((rc = souk_db_tx(souk_db(r), cat_price_list_tx, &t)) != SOUK_OK) {
        return rc;
    }
    if (out_id != NULL) {
        *out_id = t.id;
    }
    return SOUK_OK;
}

/* Stock per SKU per warehouse: warehouses, receipts and counted
 * adjustments, each a conditional update and a catalog_stock_moves row. */
#include <stdio.h>
#include <string.h>

#include "catalog.h"

static const char *
cat_wmember(const cJSON *o, const char *key)
{
    return cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(o, key));
}

static int
cat_warehouse_check(const cJSON *doc, int create, char *why, size_t whylen)
{
    static const struct {
        const char  *key;
        size_t       max;
    } f[] = {
        { "name", 200 }, { "line1", 200 }, { "line2", 200 }, { "city", 100 },
        { "postcode", 32 }, { "country", 2 },
    };
    const char   *s;
    const cJSON  *e;
    size_t        i;

    if (!cJSON_IsObject(doc)) {
        return cat_decline(why, whylen, "a warehouse is a JSON object");
    }
    s = cat_wmember(doc, "code");
    if ((create || cJSON_GetObjectItem(doc, "code") != NULL)
        && (!cat_sku_ok(s) || strlen(s) > 32))
    {
        return cat_decline(why, whylen, "a warehouse code is 1 to 32 "
                           "letters, digits, '.', '_' or '-'");
    }
    for (i = 0; i < sizeof(f) / sizeof(f[0]); i++) {
        e = cJSON_GetObjectItemCaseSensitive(doc, f[i].key);
        if (e != NULL && (!cJSON_IsString(e)
                          || strlen(e->valuestring) > f[i].max))
        {
            return cat_decline(why, whylen, "%s is text of at most %zu "
                               "characters", f[i].key, f[i].max);
        }
    }
    s = cat_wmember(doc, "name");
    if (create && (s == NULL || s[0] == '\0')) {
        return cat_decline(why, whylen, "a warehouse needs a name");
    }
    return SOUK_OK;
}

typedef struct {
    souk_request_t  *r;
    const cJSON     *doc;
    int64_t          id;
    char            *why;
    size_t           whylen;
} cat_wh_t;

static int
cat_warehouse_tx(souk_db_t *db, void *arg)
{
    static const char *const  cols[] = { "code", "name", "line1", "line2",
                                         "city", "postcode", "country" };
    cat_wh_t      *t = arg;
    souk_stmt_t   *st;
    const cJSON   *a;
    const char    *code = cat_wmember(t->doc, "code"), *v;
    char           sql[128];
    size_t         i;

    if (code != NULL) {
        st = souk_db_row(db, "SELECT id FROM catalog_warehouses WHERE code = "
                         "? AND id <> ?", "ti", code, t->id);
        if (st != NULL) {
            souk_stmt_reset(st);
            return cat_decline(t->why, t->whylen, "the code %s is taken",
                               code);
        }
        if (souk_db_error(db)[0] != '\0') {
            return SOUK_ERROR;
        }
    }
    if (t->id == 0) {
        if (souk_db_exec(db, "INSERT INTO catalog_warehouses (code, name, "
                         "created_at) VALUES (?, ?, ?)", "tti", code,
                         cat_wmember(t->doc, "name"), cat_now()) != SOUK_OK)
        {
            return SOUK_ERROR;
        }
        t->id = souk_db_last_id(db);
    } else {
        st = souk_db_row(db, "SELECT id FROM catalog_warehouses WHERE id = ?",
                         "i", t->id);
        if (st == NULL) {
            return souk_db_error(db)[0] == '\0'
                   ? cat_decline(t->why, t->whylen, "no such warehouse")
                   : SOUK_ERROR;
        }
        souk_stmt_reset(st);
    }
    /* The column names come from the fixed list above, never the doc. */
    for (i = 0; i < sizeof(cols) / sizeof(cols[0]); i++) {
        if ((v = cat_wmember(t->doc, cols[i])) == NULL) {
            continue;
        }
        snprintf(sql, sizeof(sql), "UPDATE catalog_warehouses SET %s = ? "
                 "WHERE id = ?", cols[i]);
        if (souk_db_exec(db, sql, "ti", v, t->id) != SOUK_OK) {
            return SOUK_ERROR;
        }
    }
    a = cJSON_GetObjectItemCaseSensitive(t->doc, "active");
    if (a != NULL && souk_db_exec(db, "UPDATE catalog_warehouses SET active "
                                  "= ? WHERE id = ?", "ii",
                                  (int64_t) (cJSON_IsTrue(a)
                                             || (cJSON_IsNumber(a)
                                                 && a->valuedouble != 0)),
                                  t->id) != SOUK_OK)
    {
        return SOUK_ERROR;
    }
    return SOUK_OK;
}

int
cat_warehouse_save(souk_request_t *r, const cJSON *doc, int64_t id,
    int64_t *out_id, char *why, size_t whylen)
{
    cat_wh_t  t = { r, doc, id > 0 ? id : 0, why, whylen };
    int       rc;

    if ((rc = cat_warehouse_check(doc, t.id == 0, why, whylen)) != SOUK_OK) {
        return rc;
    }
    rc = souk_db_tx(souk_db(r), cat_warehouse_tx, &t);
    if (rc == SOUK_OK && out_id != NULL) {
        *out_id = t.id;
    }
    return rc;
}

int64_t
cat_warehouse_id(souk_request_t *r, const char *code)
{
    souk_stmt_t  *st;
    int64_t       id;

    if (code == NULL) {
        return 0;
    }
    st = souk_db_row(souk_db(r), "SELECT id FROM catalog_warehouses WHERE "
                     "code = ?", "t", code);
    if (st == NULL) {
        return 0;
    }
    id = souk_stmt_int(st, 0);
    souk_stmt_reset(st);
    return id;
}

/* The stock row exists afterwards (a first receipt creates it). */
static int
cat_stock_row(souk_db_t *db, int64_t vid, int64_t wid)
{
    return souk_db_exec(db, souk_db_dialect(db) == SOUK_DB_SQLITE
                        ? "INSERT OR IGNORE INTO catalog_stock (variant_id, "
                          "warehouse_id) VALUES (?, ?)"
                        : "INSERT IGNORE INTO catalog_stock (variant_id, "
                          "warehouse_id) VALUES (?, ?)", "ii", vid, wid);
}

static int
cat_stock_move(souk_request_t *r, int64_t vid, int64_t wid,
    const char *kind, int64_t delta, int64_t receipt, const char *note)
{
    souk_stmt_t  *st;

    st = souk_db_prepare(souk_db(r), "INSERT INTO catalog_stock_moves "
                         "(variant_id, warehouse_id, kind, delta_on_hand, "
                         "receipt_id, note, actor, created_at) VALUES (?, ?, "
                         "?, ?, ?, ?, ?, ?)");
    if (st == NULL || souk_stmt_bind_int(st, 1, vid) != SOUK_OK
        || souk_stmt_bind_int(st, 2, wid) != SOUK_OK
        || souk_stmt_bind_text(st, 3, kind, -1) != SOUK_OK
        || souk_stmt_bind_int(st, 4, delta) != SOUK_OK
        || (receipt > 0 ? souk_stmt_bind_int(st, 5, receipt)
                        : souk_stmt_bind_null(st, 5)) != SOUK_OK
        || souk_stmt_bind_text(st, 6, note != NULL ? note : "", -1)
           != SOUK_OK
        || souk_stmt_bind_int(st, 7, souk_user_id(r)) != SOUK_OK
        || souk_stmt_bind_int(st, 8, cat_now()) != SOUK_OK)
    {
        return SOUK_ERROR;
    }
    return souk_stmt_step(st) == SOUK_DONE ? SOUK_OK : SOUK_ERROR;
}

/* The variant's id when it is of the request's group, 0 if not. */
static int64_t
cat_variant_of_group(souk_request_t *r, const char *sku, int64_t vid)
{
    souk_stmt_t  *st;
    int64_t       id;

    st = sku != NULL
         ? souk_db_row(souk_db(r), "SELECT id FROM catalog_variants WHERE "
                       "group_id = ? AND sku = ?", "tt", souk_site_group(r),
                       sku)
         : souk_db_row(souk_db(r), "SELECT id FROM catalog_variants WHERE "
                       "group_id = ? AND id = ?", "ti", souk_site_group(r),
                       vid);
    if (st == NULL) {
        return souk_db_error(souk_db(r))[0] == '\0' ? 0 : SOUK_ERROR;
    }
    id = souk_stmt_int(st, 0);
    souk_stmt_reset(st);
    return id;
}

static int
cat_warehouse_active(souk_request_t *r, int64_t wid, char *why,
    size_t whylen)
{
    souk_stmt_t  *st;
    int64_t       active;

    st = souk_db_row(souk_db(r), "SELECT active FROM catalog_warehouses "
                     "WHERE id = ?", "i", wid);
    if (st == NULL) {
        return souk_db_error(souk_db(r))[0] == '\0'
               ? cat_decline(why, whylen, "no such warehouse") : SOUK_ERROR;
    }
    active = souk_stmt_int(st, 0);
    souk_stmt_reset(st);
    return active ? SOUK_OK
                  : cat_decline(why, whylen, "that warehouse is closed");
}

typedef struct {
    souk_request_t  *r;
    int64_t          wid;
    const cJSON     *lines;
    const char      *note;
    int64_t          vid;
    int64_t          on_hand;
    int64_t          id;
    char            *why;
    size_t           whylen;
} cat_stx_t;

static int
cat_receive_tx(souk_db_t *db, void *arg)
{
    cat_stx_t    *t = arg;
    const cJSON  *l;
    const char   *sku;
    int64_t       vid, qty;
    int           rc;

    if ((rc = cat_warehouse_active(t->r, t->wid, t->why, t->whylen))
        != SOUK_OK)
    {
        return rc;
    }
    if (souk_db_exec(db, "INSERT INTO catalog_receipts (warehouse_id, note, "
                     "actor, created_at) VALUES (?, ?, ?, ?)", "itii", t->wid,
                     t->note, souk_user_id(t->r), cat_now()) != SOUK_OK)
    {
        return SOUK_ERROR;
    }
    t->id = souk_db_last_id(db);
    cJSON_ArrayForEach(l, t->lines) {
        sku = cat_wmember(l, "sku");
        souk_json_int(cJSON_GetObjectItemCaseSensitive(l, "quantity"), 1,
                     INT64_C(1000000000), &qty);
        vid = cat_variant_of_group(t->r, sku, 0);
        if (vid == SOUK_ERROR) {
            return SOUK_ERROR;
        }
        if (vid == 0) {
            return cat_decline(t->why, t->whylen, "no SKU \"%s\" in the "
                               "catalogue", sku);
        }
        if (cat_stock_row(db, vid, t->wid) != SOUK_OK
            || souk_db_exec(db, "UPDATE catalog_stock SET on_hand = on_hand "
                            "+ ? WHERE variant_id = ? AND warehouse_id = ? "
                            "AND on_hand + ? >= reserved", "iiii", qty, vid,
                            t->wid, qty) != SOUK_OK
            || souk_db_changes(db) != 1
            || cat_stock_move(t->r, vid, t->wid, "receipt", qty, t->id,
                              t->note) != SOUK_OK
            || cat_stock_changed(t->r, vid) != SOUK_OK)
        {
            return SOUK_ERROR;
        }
    }
    return SOUK_OK;
}

int
cat_stock_receive(souk_request_t *r, int64_t warehouse_id,
    const cJSON *lines, const char *note, int64_t *out_id, char *why,
    size_t whylen)
{
    cat_stx_t     t;
    const cJSON  *l;
    int64_t       q;
    int           rc;

    if (!cJSON_IsArray(lines) || cJSON_GetArraySize(lines) == 0
        || cJSON_GetArraySize(lines) > 1000)
    {
        return cat_decline(why, whylen, "a receipt needs lines "
                           "[{\"sku\",\"quantity\"}] (at most 1000)");
    }
    cJSON_ArrayForEach(l, lines) {
        if (!cat_sku_ok(cat_wmember(l, "sku"))
            || souk_json_int(cJSON_GetObjectItemCaseSensitive(l, "quantity"),
                            1, INT64_C(1000000000), &q) != SOUK_OK)
        {
            return cat_decline(why, whylen, "every line needs a SKU and a "
                               "quantity of 1 or more");
        }
    }
    if (note != NULL && strlen(note) > 500) {
        return cat_decline(why, whylen, "a note is at most 500 characters");
    }
    memset(&t, 0, sizeof(t));
    t.r = r;
    t.wid = warehouse_id;
    t.lines = lines;
    t.note = note != NULL ? note : "";
    t.why = why;
    t.whylen = whylen;
    rc = souk_db_tx(souk_db(r), cat_receive_tx, &t);
    if (rc == SOUK_OK && out_id != NULL) {
        *out_id = t.id;
    }
    return rc;
}

static int
cat_stock_set_tx(souk_db_t *db, void *arg)
{
    cat_stx_t    *t = arg;
    souk_stmt_t  *st;
    int64_t       old, reserved, v;
    int           rc;

    v = cat_variant_of_group(t->r, NULL, t->vid);
    if (v <= 0) {
        return v == 0 ? cat_decline(t->why, t->whylen, "no such variant")
                      : SOUK_ERROR;
    }
    if ((rc = cat_warehouse_active(t->r, t->wid, t->why, t->whylen))
        != SOUK_OK || (rc = cat_stock_row(db, t->vid, t->wid)) != SOUK_OK)
    {
        return rc;
    }
    st = souk_db_row(db, "SELECT on_hand, reserved FROM catalog_stock WHERE "
                     "variant_id = ? AND warehouse_id = ?", "ii", t->vid,
                     t->wid);
    if (st == NULL) {
        return SOUK_ERROR;
    }
    old = souk_stmt_int(st, 0);
    reserved = souk_stmt_int(st, 1);
    souk_stmt_reset(st);
    /* Conditional on what was read, so a sale in between is not undone. */
    if (souk_db_exec(db, "UPDATE catalog_stock SET on_hand = ? WHERE "
                     "variant_id = ? AND warehouse_id = ? AND on_hand = ? "
                     "AND ? >= reserved", "iiiii", t->on_hand, t->vid, t->wid,
                     old, t->on_hand) != SOUK_OK)
    {
        return SOUK_ERROR;
    }
    if (souk_db_changes(db) != 1) {
        return t->on_hand < reserved
               ? cat_decline(t->why, t->whylen, "%lld are reserved for "
                             "orders: on hand cannot go below that",
                             (long long) reserved)
               : cat_decline(t->why, t->whylen, "the stock changed "
                             "meanwhile; count again");
    }
    if (old == t->on_hand) {
        return SOUK_OK;
    }
    if (cat_stock_move(t->r, t->vid, t->wid, "adjust", t->on_hand - old, 0,
                       t->note) != SOUK_OK)
    {
        return SOUK_ERROR;
    }
    return cat_stock_changed(t->r, t->vid);
}

int
cat_stock_set(souk_request_t *r, int64_t variant_id, int64_t warehouse_id,
    int64_t on_hand, const char *note, char *why, size_t whylen)
{
    cat_stx_t  t;

    if (on_hand < 0 || on_hand > INT64_C(1000000000)) {
        return cat_decline(why, whylen, "on hand is a count, 0 or more");
    }
    if (note == NULL || note[0] == '\0' || strlen(note) > 500) {
        return cat_decline(why, whylen, "say why the count changed (a note "
                           "of at most 500 characters)");
    }
    memset(&t, 0, sizeof(t));
    t.r = r;
    t.vid = variant_id;
    t.wid = warehouse_id;
    t.on_hand = on_hand;
    t.note = note;
    t.why = why;
    t.whylen = whylen;
    return souk_db_tx(souk_db(r), cat_stock_set_tx, &t);
}

int64_t
cat_stock_available(souk_request_t *r, int64_t variant_id,
    int64_t warehouse_id)
{
    souk_stmt_t  *st;
    int64_t       n;

    st = warehouse_id > 0
         ? souk_db_row(souk_db(r), "SELECT COALESCE(SUM(on_hand - reserved),"
                       " 0) FROM catalog_stock WHERE variant_id = ? AND "
                       "warehouse_id = ?", "ii", variant_id, warehouse_id)
         : souk_db_row(souk_db(r), "SELECT COALESCE(SUM(on_hand - reserved),"
                       " 0) FROM catalog_stock WHERE variant_id = ?", "i",
                       variant_id);
    if (st == NULL) {
        return 0;
    }
    n = souk_stmt_int(st, 0);
    souk_stmt_reset(st);
    return n;
}

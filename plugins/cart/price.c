/* What may go in a cart, and the cart priced now: the filter
 * "cart.priced" and the API's view of it. Prices only ever come from
 * catalog_prices; nothing here writes. */
#include <stdio.h>
#include <string.h>

#include "cart.h"

/*
 * A variant's columns as the cart reads them (CART_ITEM_NCOLS of them);
 * the one placeholder is the request's site. Available is what active
 * warehouses hold and nobody reserved, the figure ord_stock_take takes
 * from.
 */
#define CART_ITEM_COLS                                                       \
    "v.id, v.product_id, v.sku, v.options, v.weight_g, p.name, p.slug, "     \
    "p.kind, p.status, (SELECT COUNT(*) FROM catalog_product_sites ps "      \
    "WHERE ps.product_id = p.id AND ps.site_id = ?), pr.amount, "            \
    "(SELECT COALESCE(SUM(s.on_hand - s.reserved), 0) FROM catalog_stock s " \
    "JOIN catalog_warehouses w ON w.id = s.warehouse_id AND w.active = 1 "   \
    "WHERE s.variant_id = v.id)"
#define CART_ITEM_NCOLS  12

#define CART_ITEM_FROM                                                       \
    " FROM catalog_variants v JOIN catalog_products p ON p.id = "            \
    "v.product_id LEFT JOIN catalog_prices pr ON pr.variant_id = v.id AND "  \
    "pr.currency = ? WHERE v.group_id = ? AND "

static const char *
cart_pstr(souk_request_t *r, souk_stmt_t *st, int col)
{
    const char  *s = souk_stmt_text(st, col);

    return souk_pstrdup(souk_request_pool(r), s != NULL ? s : "");
}

/* Reads CART_ITEM_COLS from column c0 on; a NULL variant id (a line whose
 * variant is gone or in another group) leaves it not found. */
static void
cart_item_read(souk_request_t *r, souk_stmt_t *st, int c0, cart_item_t *it)
{
    int64_t  avail;

    memset(it, 0, sizeof(*it));
    if (souk_stmt_is_null(st, c0)) {
        return;
    }
    it->found = 1;
    it->variant_id = souk_stmt_int(st, c0);
    it->product_id = souk_stmt_int(st, c0 + 1);
    it->sku = cart_pstr(r, st, c0 + 2);
    it->options = cart_pstr(r, st, c0 + 3);
    it->weight_g = souk_stmt_int(st, c0 + 4);
    it->name = cart_pstr(r, st, c0 + 5);
    it->slug = cart_pstr(r, st, c0 + 6);
    it->kind = cart_pstr(r, st, c0 + 7);
    it->sellable = strcmp(souk_stmt_text(st, c0 + 8), "listed") == 0
                   && souk_stmt_int(st, c0 + 9) > 0
                   && !souk_stmt_is_null(st, c0 + 10);
    it->price = souk_stmt_int(st, c0 + 10);
    avail = souk_stmt_int(st, c0 + 11);
    /* A service is not counted in a warehouse. */
    it->available = strcmp(it->kind, "service") == 0 ? -1
                    : avail > 0 ? avail : 0;
}

int
cart_item_load(souk_request_t *r, const char *sku, int64_t variant_id,
    cart_item_t *it, char *why, size_t whylen)
{
    souk_db_t    *db = souk_db(r);
    souk_stmt_t  *st;

    memset(it, 0, sizeof(*it));
    if (sku != NULL && (sku[0] == '\0' || strlen(sku) > CART_SKU_MAX)) {
        return cart_decline(why, whylen, "SKU %.*s is not for sale here",
                            CART_SKU_MAX, sku);
    }
    if (sku != NULL) {
        st = souk_db_row(db, "SELECT " CART_ITEM_COLS CART_ITEM_FROM
                         "v.sku = ?", "tttt", souk_site_id(r),
                         cart_currency(r), souk_site_group(r), sku);
    } else {
        st = souk_db_row(db, "SELECT " CART_ITEM_COLS CART_ITEM_FROM
                         "v.id = ?", "ttti", souk_site_id(r),
                         cart_currency(r), souk_site_group(r), variant_id);
    }
    if (st == NULL && souk_db_error(db)[0] != '\0') {
        souk_log(r, SOUK_LOG_ERROR, "cart: variant look-up failed: %s",
                 souk_db_error(db));
        return SOUK_ERROR;
    }
    if (st != NULL) {
        cart_item_read(r, st, 0, it);
        souk_stmt_reset(st);
    }
    if (!it->found || !it->sellable) {
        /* The same words whatever the reason: another site's SKU must
         * not be told apart from one that does not exist. */
        return cart_decline(why, whylen, "SKU %s is not for sale here",
                            it->found ? it->sku : sku != NULL ? sku : "");
    }
    return SOUK_OK;
}

int
cart_item_fits(souk_request_t *r, const cart_item_t *it, int64_t qty,
    char *why, size_t whylen)
{
    int64_t  max = cart_max_quantity(r);

    if (it->available == 0) {
        return cart_decline(why, whylen, "SKU %s is out of stock", it->sku);
    }
    if (it->available > 0 && qty > it->available && it->available < max) {
        return cart_decline(why, whylen, "Only %lld left of SKU %s",
                            (long long) it->available, it->sku);
    }
    if (qty > max) {
        return cart_decline(why, whylen, "At most %lld of SKU %s fit in a "
                            "cart", (long long) max, it->sku);
    }
    return SOUK_OK;
}

/* One priced line; adds to the cart's sums. */
static void
cart_line_json(souk_request_t *r, souk_stmt_t *st, cJSON *lines,
    cJSON *problems, int64_t sums[3])
{
    cart_item_t   it;
    cJSON        *o;
    const char   *sku = souk_stmt_text(st, 2), *kind;
    int64_t       qty = souk_stmt_int(st, 1), total = 0, vid;
    char          why[CART_WHY];

    vid = souk_stmt_int(st, 3 + CART_ITEM_NCOLS);   /* l.variant_id */
    cart_item_read(r, st, 3, &it);
    why[0] = '\0';
    if (!it.found || !it.sellable
        || __builtin_mul_overflow(it.price, qty, &total))
    {
        cart_decline(why, sizeof(why), "SKU %s is not for sale here", sku);
        total = 0;
        it.sellable = 0;
    } else {
        cart_item_fits(r, &it, qty, why, sizeof(why));
    }
    kind = it.found ? it.kind : "product";
    o = cJSON_CreateObject();
    cJSON_AddNumberToObject(o, "id", (double) souk_stmt_int(st, 0));
    cJSON_AddNumberToObject(o, "variant_id", (double) vid);
    cJSON_AddNumberToObject(o, "product_id", (double) it.product_id);
    cJSON_AddStringToObject(o, "sku", sku);
    cJSON_AddStringToObject(o, "name", it.found ? it.name : sku);
    cJSON_AddStringToObject(o, "options", it.found ? it.options : "");
    cJSON_AddStringToObject(o, "kind", kind);
    cJSON_AddNumberToObject(o, "quantity", (double) qty);
    cJSON_AddNumberToObject(o, "unit_price", (double) it.price);
    cJSON_AddNumberToObject(o, "line_total", (double) total);
    cJSON_AddNumberToObject(o, "weight_g", (double) (it.weight_g * qty));
    cJSON_AddNumberToObject(o, "available", (double) (it.available >= 0
                            ? it.available : cart_max_quantity(r)));
    cJSON_AddBoolToObject(o, "sellable", it.sellable);
    if (why[0] != '\0') {
        cJSON_AddStringToObject(o, "problem", why);
        cJSON_AddItemToArray(problems, cJSON_CreateString(why));
    }
    cJSON_AddStringToObject(o, "href", it.found
                            ? souk_psprintf(souk_request_pool(r), "%s/p/%s",
                                            souk_site_base_path(r), it.slug)
                            : "");
    cJSON_AddItemToArray(lines, o);
    sums[0] += qty;
    if (it.sellable) {
        sums[1] += total;
        sums[2] += it.weight_g * qty;
    }
}

cJSON *
cart_price(souk_request_t *r, int64_t cart_id)
{
    souk_db_t    *db = souk_db(r);
    souk_stmt_t  *st;
    cJSON        *c, *lines, *problems;
    int64_t       sums[3] = { 0, 0, 0 };      /* count, subtotal, weight */
    int           rc;

    st = souk_db_prepare(db, "SELECT l.id, l.quantity, l.sku, "
        CART_ITEM_COLS ", l.variant_id FROM cart_lines l LEFT JOIN "
        "catalog_variants v ON v.id = l.variant_id AND v.group_id = ? "
        "LEFT JOIN catalog_products p ON p.id = v.product_id LEFT JOIN "
        "catalog_prices pr ON pr.variant_id = v.id AND pr.currency = ? "
        "WHERE l.cart_id = ? ORDER BY l.id");
    if (st == NULL
        || souk_stmt_bind_text(st, 1, souk_site_id(r), -1) != SOUK_OK
        || souk_stmt_bind_text(st, 2, souk_site_group(r), -1) != SOUK_OK
        || souk_stmt_bind_text(st, 3, cart_currency(r), -1) != SOUK_OK
        || souk_stmt_bind_int(st, 4, cart_id) != SOUK_OK)
    {
        souk_log(r, SOUK_LOG_ERROR, "cart: cannot price: %s",
                 souk_db_error(db));
        return NULL;
    }
    c = cJSON_CreateObject();
    cJSON_AddNumberToObject(c, "id", (double) cart_id);
    cJSON_AddStringToObject(c, "currency", cart_currency(r));
    lines = cJSON_AddArrayToObject(c, "lines");
    problems = cJSON_CreateArray();
    while ((rc = souk_stmt_step(st)) == SOUK_ROW) {
        cart_line_json(r, st, lines, problems, sums);
    }
    souk_stmt_reset(st);
    if (rc != SOUK_DONE) {
        souk_log(r, SOUK_LOG_ERROR, "cart: cannot price: %s",
                 souk_db_error(db));
        cJSON_Delete(problems);
        cJSON_Delete(c);
        return NULL;
    }
    cJSON_AddNumberToObject(c, "count", (double) sums[0]);
    cJSON_AddNumberToObject(c, "subtotal", (double) sums[1]);
    cJSON_AddNumberToObject(c, "weight_g", (double) sums[2]);
    cJSON_AddItemToObject(c, "problems", problems);
    cJSON_AddArrayToObject(c, "discounts");
    cJSON_AddNumberToObject(c, "discount_total", 0);
    return c;
}

int
cart_priced_filter(souk_request_t *r, cJSON *value, void *data)
{
    char     owner[CART_OWNER_LEN];
    int64_t  uid, id;
    cJSON   *c;
    int      rc;

    (void) data;
    if (!cJSON_IsObject(value)) {
        return SOUK_OK;
    }
    rc = cart_owner(r, 0, owner, &uid);
    if (rc != SOUK_OK) {
        return rc == SOUK_DECLINED ? SOUK_OK : SOUK_ERROR;
    }
    if ((id = cart_find(r, owner)) <= 0) {
        return id == 0 ? SOUK_OK : SOUK_ERROR;
    }
    if ((c = cart_price(r, id)) == NULL) {
        return SOUK_ERROR;
    }
    cJSON_DeleteItemFromObjectCaseSensitive(value, "cart");
    cJSON_AddItemToObject(value, "cart", c);
    return SOUK_OK;
}

static cJSON *
cart_money(int64_t amount, const char *cur)
{
    cJSON  *m = cJSON_CreateObject();

    cJSON_AddNumberToObject(m, "amount", (double) amount);
    cJSON_AddStringToObject(m, "currency", cur);
    return m;
}

/* Replaces the plain integer under key with {"amount","currency"};
 * returns the amount. */
static int64_t
cart_money_swap(cJSON *o, const char *key, const char *cur)
{
    cJSON    *v = cJSON_GetObjectItemCaseSensitive(o, key);
    int64_t   amount;

    if (!cJSON_IsNumber(v)) {
        return 0;               /* already money, or not ours to change */
    }
    amount = (int64_t) v->valuedouble;
    cJSON_ReplaceItemInObjectCaseSensitive(o, key, cart_money(amount, cur));
    return amount;
}

static cJSON *
cart_empty(souk_request_t *r)
{
    cJSON  *c = cJSON_CreateObject();

    cJSON_AddNullToObject(c, "id");
    cJSON_AddStringToObject(c, "currency", cart_currency(r));
    cJSON_AddNumberToObject(c, "count", 0);
    cJSON_AddArrayToObject(c, "lines");
    cJSON_AddNumberToObject(c, "subtotal", 0);
    cJSON_AddNumberToObject(c, "weight_g", 0);
    cJSON_AddArrayToObject(c, "problems");
    cJSON_AddArrayToObject(c, "discounts");
    cJSON_AddNumberToObject(c, "discount_total", 0);
    return c;
}

cJSON *
cart_view(souk_request_t *r)
{
    cJSON       *v, *c, *l;
    const char  *cur;
    int64_t      sub, disc;

    v = souk_pool_json(souk_request_pool(r), cJSON_CreateObject());
    if (souk_filter_run(r, "cart.priced", v) != SOUK_OK
        || souk_filter_run(r, "cart.totals", v) != SOUK_OK)
    {
        return NULL;
    }
    c = cJSON_DetachItemFromObjectCaseSensitive(v, "cart");
    if (!cJSON_IsObject(c)) {
        cJSON_Delete(c);
        c = cart_empty(r);
    }
    l = cJSON_GetObjectItemCaseSensitive(c, "currency");
    cur = cJSON_IsString(l) ? l->valuestring : cart_currency(r);
    cJSON_ArrayForEach(l, cJSON_GetObjectItemCaseSensitive(c, "lines")) {
        cart_money_swap(l, "unit_price", cur);
        cart_money_swap(l, "line_total", cur);
    }
    cJSON_ArrayForEach(l, cJSON_GetObjectItemCaseSensitive(c, "discounts")) {
        cart_money_swap(l, "amount", cur);
    }
    sub = cart_money_swap(c, "subtotal", cur);
    disc = cart_money_swap(c, "discount_total", cur);
    cJSON_DeleteItemFromObjectCaseSensitive(c, "total");
    cJSON_AddItemToObject(c, "total", cart_money(sub > disc ? sub - disc : 0,
                                                 cur));
    return c;
}

/* The printable invoice of an order (GET /orders/NUMBER/invoice): seller,
 * buyer, lines with their tax, totals and the tax summary per rate. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "customer.h"

#define ORD_RATES_MAX  16

typedef struct {
    int64_t  bp;
    int64_t  net;
    int64_t  tax;
    int      shipping;          /* shipping's tax is in this row */
} ord_rate_t;

typedef struct {
    ord_rate_t  rows[ORD_RATES_MAX + 1];
    size_t      n;
    int         incl;
} ord_taxes_t;

static int64_t
ord_amount(const cJSON *o, const char *key)
{
    const cJSON  *v = cJSON_GetObjectItem(cJSON_GetObjectItem(o, key),
                                          "amount");

    return cJSON_IsNumber(v) ? (int64_t) v->valuedouble : 0;
}

static ord_rate_t *
ord_rate_row(ord_taxes_t *tx, int64_t bp)
{
    size_t  i;

    for (i = 0; i < tx->n; i++) {
        if (tx->rows[i].bp == bp) {
            return &tx->rows[i];
        }
    }
    if (tx->n == ORD_RATES_MAX) {
        return NULL;
    }
    memset(&tx->rows[tx->n], 0, sizeof(tx->rows[0]));
    tx->rows[tx->n].bp = bp;
    return &tx->rows[tx->n++];
}

/* Tax on an amount at a rate, half up, as the quote computes it. */
static int64_t
ord_tax_of(int64_t amount, int64_t bp, int incl)
{
    int64_t  d = incl ? 10000 + bp : 10000;

    return (amount * bp * 2 + d) / (2 * d);
}

/*
 * The lines grouped by rate, then shipping: its tax is what the order's
 * tax_total holds beyond the lines'. It joins the rate whose tax on the
 * shipping comes to that (within a unit of rounding); else it stands as
 * a row of its own, so the summary always adds up to tax_total.
 */
static void
ord_taxes(const cJSON *doc, ord_taxes_t *tx)
{
    const cJSON  *l;
    ord_rate_t   *row;
    int64_t       lt, tax, sum = 0, ship, rem;
    size_t        i;

    memset(tx, 0, sizeof(*tx));
    tx->incl = cJSON_IsTrue(cJSON_GetObjectItem(doc, "prices_include_tax"));
    cJSON_ArrayForEach(l, cJSON_GetObjectItem(doc, "lines")) {
        row = ord_rate_row(tx, (int64_t) cJSON_GetObjectItem(l,
                                            "tax_rate_bp")->valuedouble);
        if (row == NULL) {
            continue;
        }
        lt = ord_amount(l, "line_total");
        tax = ord_amount(l, "tax_amount");
        row->net += tx->incl ? lt - tax : lt;
        row->tax += tax;
        sum += tax;
    }
    ship = ord_amount(doc, "shipping_total");
    rem = ord_amount(doc, "tax_total") - sum;
    if (ship == 0 && rem == 0) {
        return;
    }
    for (i = 0; i < tx->n; i++) {
        if (ship > 0 && llabs((long long) (ord_tax_of(ship, tx->rows[i].bp,
                                                      tx->incl) - rem)) <= 1)
        {
            break;
        }
    }
    if (i < tx->n) {
        row = &tx->rows[i];
    } else {
        /* a row of its own: untaxed, or at a rate no line has */
        row = &tx->rows[tx->n++];
        row->bp = rem == 0 ? 0 : -1;
    }
    row->net += tx->incl ? ship - rem : ship;
    row->tax += rem;
    row->shipping = 1;
}

static void
ord_taxes_model(souk_request_t *r, const ord_taxes_t *tx, const char *cur,
    cJSON *m)
{
    cJSON   *list = cJSON_AddArrayToObject(m, "tax_summary"), *o;
    size_t   i;

    for (i = 0; i < tx->n; i++) {
        o = cJSON_CreateObject();
        cJSON_AddStringToObject(o, "rate", tx->rows[i].bp >= 0
                                ? ord_cust_rate(r, tx->rows[i].bp)
                                : "shipping");
        cJSON_AddNumberToObject(o, "rate_bp", (double) tx->rows[i].bp);
        ord_money_add(o, "net", tx->rows[i].net, cur);
        ord_money_add(o, "tax", tx->rows[i].tax, cur);
        ord_money_add(o, "gross", tx->rows[i].net + tx->rows[i].tax, cur);
        cJSON_AddBoolToObject(o, "includes_shipping", tx->rows[i].shipping);
        cJSON_AddItemToArray(list, o);
    }
}

/* shop.name and the lines of shop.address ("|" or a newline between). */
static void
ord_seller_model(souk_request_t *r, cJSON *m)
{
    const char  *name = souk_setting(r, "shop.name");
    const char  *addr = souk_setting(r, "shop.address");
    const char  *tax_id = souk_setting(r, "shop.tax_id");
    cJSON       *s = cJSON_AddObjectToObject(m, "seller");
    cJSON       *lines = cJSON_AddArrayToObject(s, "address_lines");
    const char  *p, *e;
    char        *line;

    cJSON_AddStringToObject(s, "name", name != NULL && name[0] != '\0'
                                       ? name : souk_site_id(r));
    for (p = addr != NULL ? addr : ""; *p != '\0'; p = *e != '\0' ? e + 1
                                                                  : e)
    {
        e = p + strcspn(p, "|\n");
        while (p < e && *p == ' ') {
            p++;
        }
        line = souk_pstrndup(souk_request_pool(r), p, (size_t) (e - p));
        while (line[0] != '\0' && line[strlen(line) - 1] == ' ') {
            line[strlen(line) - 1] = '\0';
        }
        if (line[0] != '\0') {
            cJSON_AddItemToArray(lines, cJSON_CreateString(line));
        }
    }
    if (tax_id != NULL && tax_id[0] != '\0') {
        cJSON_AddStringToObject(s, "tax_id", tax_id);
    }
}

/* GET /orders/NUMBER/invoice. */
static int
ord_invoice_get(souk_request_t *r, void *data)
{
    const char   *number = souk_request_param(r, "number");
    ord_taxes_t   tx;
    cJSON        *doc, *m;
    int64_t       id;
    int           by_key;

    (void) data;
    id = ord_cust_find(r, number, &by_key);
    if (id < 0) {
        return SOUK_ERROR;
    }
    if (id == 0 || (doc = ord_load(r, id, ORD_LOAD_LINES)) == NULL) {
        return id == 0 ? souk_error(r, 404, "No such order") : SOUK_ERROR;
    }
    m = souk_view_new(r, "order_invoice");
    cJSON_AddStringToObject(m, "title", souk_psprintf(souk_request_pool(r),
                            "Invoice %s", number));
    ord_seller_model(r, m);
    ord_taxes(doc, &tx);
    ord_taxes_model(r, &tx, cJSON_GetObjectItem(doc, "currency")
                              ->valuestring, m);
    cJSON_AddBoolToObject(m, "has_discount",
                          ord_amount(doc, "discount_total") > 0);
    cJSON_AddBoolToObject(m, "has_paid", ord_amount(doc, "paid_amount") > 0);
    cJSON_AddItemToObject(m, "order", cJSON_Duplicate(doc, 1));
    return 200;
}

int
ord_cust_invoice_init(souk_plugin_ctx_t *ctx)
{
    if (souk_route_add(ctx, SOUK_GET,
                       "/orders/{number:[0-9A-HJKMNP-TV-Z]{10}}/invoice",
                       ord_invoice_get, NULL) != SOUK_OK
        || souk_route_name(ctx, "orders.invoice") != SOUK_OK)
    {
        return SOUK_ERROR;
    }
    return SOUK_OK;
}

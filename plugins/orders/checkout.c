/* The checkout page: GET /checkout shows the cart's review with the
 * address, shipping and payment choices kept in the session; POST
 * /checkout re-prices for new choices; POST /checkout/place places the
 * order through ord_place with the page's one-time key. */
#include <stdio.h>
#include <string.h>

#include "checkout.h"

#define ORD_NOTE_MAX  1000

static const char *const  ord_addr_keys[] = { "name", "line1", "line2",
    "city", "region", "postcode", "country", "phone", NULL };

/* ---------- shared with the API ---------- */

cJSON *
ord_book_address(souk_request_t *r, int64_t id)
{
    souk_stmt_t  *st;
    cJSON        *o;

    if (souk_user_id(r) <= 0 || id <= 0) {
        return NULL;
    }
    st = souk_db_row(souk_db(r), "SELECT name, line1, line2, city, "
                     "postcode, country, phone FROM account_addresses WHERE "
                     "id = ? AND user_id = ?", "ii", id, souk_user_id(r));
    if (st == NULL) {
        return NULL;
    }
    o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "name", souk_stmt_text(st, 0));
    cJSON_AddStringToObject(o, "line1", souk_stmt_text(st, 1));
    cJSON_AddStringToObject(o, "line2", souk_stmt_text(st, 2));
    cJSON_AddStringToObject(o, "city", souk_stmt_text(st, 3));
    cJSON_AddStringToObject(o, "region", "");
    cJSON_AddStringToObject(o, "postcode", souk_stmt_text(st, 4));
    cJSON_AddStringToObject(o, "country", souk_stmt_text(st, 5));
    cJSON_AddStringToObject(o, "phone", souk_stmt_text(st, 6));
    souk_stmt_reset(st);
    return souk_pool_json(souk_request_pool(r), o);
}

int
ord_note_ok(const char *note, char *why, size_t whylen)
{
    const unsigned char  *p;

    if (note == NULL) {
        return SOUK_OK;
    }
    if (strlen(note) > ORD_NOTE_MAX) {
        return ord_decline(why, whylen, "Note: at most %d characters",
                           ORD_NOTE_MAX);
    }
    for (p = (const unsigned char *) note; *p != '\0'; p++) {
        if ((*p < 0x20 && *p != '\n' && *p != '\r' && *p != '\t')
            || *p == 0x7f)
        {
            return ord_decline(why, whylen, "Note: control characters are "
                               "not allowed");
        }
    }
    return SOUK_OK;
}

/* ---------- the session's choices ---------- */

static cJSON *
ord_state_get(souk_request_t *r)
{
    const char  *s = souk_session_get(r, "checkout");
    cJSON       *o = s != NULL ? cJSON_Parse(s) : NULL;

    if (!cJSON_IsObject(o)) {
        cJSON_Delete(o);
        o = cJSON_CreateObject();
    }
    return souk_pool_json(souk_request_pool(r), o);
}

static int
ord_state_save(souk_request_t *r, const cJSON *state)
{
    char  *s = cJSON_PrintUnformatted(state);
    int    rc;

    if (s == NULL) {
        return SOUK_ERROR;
    }
    rc = souk_session_set(r, "checkout", s);
    cJSON_free(s);
    return rc;
}

/* The posted form as the session's choices (text as typed). */
static cJSON *
ord_state_from_form(souk_request_t *r)
{
    cJSON        *st = cJSON_CreateObject(), *a;
    const char   *v;
    char          key[32];
    int64_t       book = 0;
    size_t        i;

    cJSON_AddStringToObject(st, "email", (v = ord_form(r, "email")) != NULL
                            ? v : "");
    v = ord_form(r, "book");
    if (souk_user_id(r) > 0 && v != NULL
        && souk_int_parse(v, 1, INT64_MAX, &book) != SOUK_OK)
    {
        book = 0;
    }
    cJSON_AddNumberToObject(st, "book", (double) book);
    a = cJSON_AddObjectToObject(st, "address");
    for (i = 0; ord_addr_keys[i] != NULL; i++) {
        snprintf(key, sizeof(key), "ship_%s", ord_addr_keys[i]);
        v = ord_form(r, key);
        cJSON_AddStringToObject(a, ord_addr_keys[i], v != NULL ? v : "");
    }
    cJSON_AddStringToObject(st, "shipping", (v = ord_form(r, "shipping"))
                            != NULL ? v : "");
    cJSON_AddStringToObject(st, "payment", (v = ord_form(r, "payment"))
                            != NULL ? v : "");
    v = souk_request_form(r, "note");
    cJSON_AddStringToObject(st, "note", v != NULL ? v : "");
    return souk_pool_json(souk_request_pool(r), st);
}

/* The address the choices name (the book's entry or the typed one),
 * validated. SOUK_OK, SOUK_DECLINED with why, SOUK_DONE: none yet. */
static int
ord_state_address(souk_request_t *r, const cJSON *state, ord_address_t *a,
    char *why, size_t whylen)
{
    int64_t       book = ord_jint(state, "book");
    const cJSON  *o;

    if (book > 0) {
        if ((o = ord_book_address(r, book)) == NULL) {
            return ord_decline(why, whylen, "Address: not in your address "
                               "book");
        }
        return ord_address_from_json(o, r, a, why, whylen);
    }
    o = cJSON_GetObjectItemCaseSensitive(state, "address");
    if (!cJSON_IsObject(o)) {
        return SOUK_DONE;
    }
    return ord_address_from_json(o, r, a, why, whylen);
}

static const char *
ord_nonempty(const char *s)
{
    return s != NULL && s[0] != '\0' ? s : NULL;
}

/* ---------- the page ---------- */

static void
ord_page_book(souk_request_t *r, cJSON *m, int64_t book)
{
    souk_stmt_t  *st;
    cJSON        *arr, *o;

    arr = cJSON_AddArrayToObject(m, "addresses");
    st = souk_db_prepare(souk_db(r), "SELECT id, label, name, line1, city, "
                         "postcode, country FROM account_addresses WHERE "
                         "user_id = ? ORDER BY id");
    if (st == NULL) {
        return;
    }
    souk_stmt_bind_int(st, 1, souk_user_id(r));
    while (souk_stmt_step(st) == SOUK_ROW) {
        o = cJSON_CreateObject();
        cJSON_AddNumberToObject(o, "id", (double) souk_stmt_int(st, 0));
        cJSON_AddStringToObject(o, "label", souk_stmt_text(st, 1));
        cJSON_AddStringToObject(o, "summary", souk_psprintf(
            souk_request_pool(r), "%s, %s, %s %s, %s", souk_stmt_text(st, 2),
            souk_stmt_text(st, 3), souk_stmt_text(st, 5),
            souk_stmt_text(st, 4), souk_stmt_text(st, 6)));
        cJSON_AddBoolToObject(o, "selected", souk_stmt_int(st, 0) == book);
        cJSON_AddItemToArray(arr, o);
    }
    cJSON_AddBoolToObject(m, "has_addresses", cJSON_GetArraySize(arr) > 0);
    cJSON_AddBoolToObject(m, "book_new", book <= 0);
}

/* Options ({"code","name",...}) marked selected where code matches. */
static cJSON *
ord_page_options(const cJSON *opts, const char *code)
{
    cJSON  *out = cJSON_Duplicate(opts, 1), *o;

    cJSON_ArrayForEach(o, out) {
        cJSON_AddBoolToObject(o, "selected", code != NULL
                              && strcmp(ord_jstr(o, "code"), code) == 0);
    }
    return out;
}

static void
ord_page_countries(souk_request_t *r, cJSON *m, const char *chosen)
{
    cJSON        *codes = ord_countries_json(r), *arr, *o;
    const cJSON  *c;

    arr = cJSON_AddArrayToObject(m, "countries");
    cJSON_ArrayForEach(c, codes) {
        o = cJSON_CreateObject();
        cJSON_AddStringToObject(o, "code", c->valuestring);
        cJSON_AddBoolToObject(o, "selected",
                              strcmp(c->valuestring, chosen) == 0);
        cJSON_AddItemToArray(arr, o);
    }
    cJSON_Delete(codes);
}

/* The review: totals and options from the quote, lines from it. */
static void
ord_page_quote(cJSON *m, const cJSON *q)
{
    cJSON        *api = ord_quote_api(q), *review;
    const cJSON  *ship = cJSON_GetObjectItemCaseSensitive(q, "shipping");
    const cJSON  *pay = cJSON_GetObjectItemCaseSensitive(q, "payment");

    cJSON_AddItemToObject(m, "shipping_options", ord_page_options(
        cJSON_GetObjectItemCaseSensitive(api, "shipping_options"),
        ord_jstr(ship, "code")));
    cJSON_AddItemToObject(m, "payment_options", ord_page_options(
        cJSON_GetObjectItemCaseSensitive(api, "payment_options"),
        ord_jstr(pay, "code")));
    review = cJSON_AddObjectToObject(m, "review");
    cJSON_AddItemToObject(review, "lines", cJSON_DetachItemFromObject(api,
                                                                 "lines"));
    cJSON_AddItemToObject(review, "subtotal", cJSON_DetachItemFromObject(
        api, "subtotal"));
    cJSON_AddItemToObject(review, "discount_total",
        cJSON_DetachItemFromObject(api, "discount_total"));
    cJSON_AddItemToObject(review, "shipping_total",
        cJSON_DetachItemFromObject(api, "shipping_total"));
    cJSON_AddItemToObject(review, "tax_total", cJSON_DetachItemFromObject(
        api, "tax_total"));
    cJSON_AddItemToObject(review, "total", cJSON_DetachItemFromObject(api,
                                                                 "total"));
    cJSON_AddBoolToObject(review, "has_discount",
                          ord_jint(q, "discount_total") > 0);
    cJSON_AddBoolToObject(review, "prices_include_tax",
                          ord_jint(q, "prices_include_tax") != 0);
    cJSON_AddStringToObject(review, "shipping_name", ord_jstr(ship, "name"));
    cJSON_AddStringToObject(review, "tax_name", ord_jstr(
        cJSON_GetObjectItemCaseSensitive(q, "tax"), "name"));
    cJSON_AddBoolToObject(m, "has_quote", 1);
    cJSON_Delete(api);
}

/* The lines and subtotal alone, before an address allows a quote. */
static void
ord_page_cart(cJSON *m, const cJSON *cart)
{
    cJSON        *review, *lines, *o;
    const cJSON  *l;
    const char   *cur = ord_jstr(cart, "currency");

    review = cJSON_AddObjectToObject(m, "review");
    lines = cJSON_AddArrayToObject(review, "lines");
    cJSON_ArrayForEach(l, cJSON_GetObjectItemCaseSensitive(cart, "lines")) {
        o = cJSON_CreateObject();
        cJSON_AddStringToObject(o, "name", ord_jstr(l, "name"));
        cJSON_AddStringToObject(o, "options", ord_jstr(l, "options"));
        cJSON_AddStringToObject(o, "sku", ord_jstr(l, "sku"));
        cJSON_AddNumberToObject(o, "quantity", (double) ord_jint(l,
                                                                 "quantity"));
        ord_money_add(o, "unit_price", ord_jint(l, "unit_price"), cur);
        ord_money_add(o, "line_total", ord_jint(l, "line_total"), cur);
        cJSON_AddItemToArray(lines, o);
    }
    ord_money_add(review, "subtotal", ord_jint(cart, "subtotal"), cur);
}

/* Renders the checkout page for the choices in state, answering status
 * (error, when given, shown at the top). */
static int
ord_page(souk_request_t *r, const cJSON *state, const char *error,
    int status)
{
    cJSON          *m, *addr;
    const cJSON    *cart, *q = NULL;
    ord_address_t   a;
    char            why[ORD_WHY], qwhy[ORD_WHY], idem[33];
    int             rc;

    m = souk_view_new(r, "checkout");
    cJSON_AddStringToObject(m, "title", "Checkout");
    cJSON_AddStringToObject(m, "cart_href", ord_url(r, "/cart"));
    why[0] = '\0';
    if ((cart = ord_cart_priced(r, why, sizeof(why))) == NULL) {
        cJSON_AddBoolToObject(m, "empty", strcmp(why, "Your cart is empty")
                                          == 0);
        if (strcmp(why, "Your cart is empty") != 0) {
            cJSON_AddStringToObject(m, "cart_problem", why);
        }
        return status == 200 ? 200 : status;
    }
    cJSON_AddBoolToObject(m, "ready", 1);
    cJSON_AddStringToObject(m, "action", ord_url(r, "/checkout"));
    cJSON_AddStringToObject(m, "place_action", ord_url(r, "/checkout/place"));
    cJSON_AddStringToObject(m, "csrf_token", souk_csrf_token(r));
    ord_random_hex(idem, 16);
    cJSON_AddStringToObject(m, "idem", idem);
    cJSON_AddBoolToObject(m, "signed_in", souk_user_id(r) > 0);
    if (souk_user_id(r) > 0) {
        const char  *e = souk_user_email(r, souk_user_id(r));

        cJSON_AddStringToObject(m, "account_email", e != NULL ? e : "");
        ord_page_book(r, m, ord_jint(state, "book"));
    }
    cJSON_AddStringToObject(m, "email", ord_jstr(state, "email"));
    cJSON_AddStringToObject(m, "note", ord_jstr(state, "note"));
    addr = cJSON_Duplicate(cJSON_GetObjectItemCaseSensitive(state,
                                                            "address"), 1);
    cJSON_AddItemToObject(m, "address", addr != NULL ? addr
                                                     : cJSON_CreateObject());
    rc = ord_state_address(r, state, &a, why, sizeof(why));
    ord_page_countries(r, m, rc == SOUK_OK ? a.country
                       : ord_jstr(addr, "country"));
    if (rc == SOUK_OK) {
        q = ord_quote(r, cart, &a, ord_nonempty(ord_jstr(state, "shipping")),
                      ord_nonempty(ord_jstr(state, "payment")), qwhy,
                      sizeof(qwhy));
        if (q == NULL) {
            /* The country changed under a chosen method: offer the rest. */
            q = ord_quote(r, cart, &a, NULL, NULL, qwhy, sizeof(qwhy));
        }
        if (q == NULL && error == NULL) {
            error = souk_pstrdup(souk_request_pool(r), qwhy);
        }
    }
    if (q != NULL) {
        ord_page_quote(m, q);
    } else {
        ord_page_cart(m, cart);
        cJSON_AddItemToObject(m, "payment_options", ord_page_options(
            ord_payment_methods(r), ord_jstr(state, "payment")));
    }
    cJSON_AddBoolToObject(m, "can_place", q != NULL);
    if (error != NULL) {
        cJSON_AddStringToObject(m, "error", error);
    }
    return status;
}

static int
ord_checkout_get(souk_request_t *r, void *data)
{
    (void) data;
    return ord_page(r, ord_state_get(r), NULL, 200);
}

/* POST /checkout: the new choices, kept, and the page priced for them. */
static int
ord_checkout_post(souk_request_t *r, void *data)
{
    cJSON          *state = ord_state_from_form(r);
    ord_address_t   a;
    char            why[ORD_WHY];
    int             rc;

    (void) data;
    if (ord_state_save(r, state) != SOUK_OK) {
        return SOUK_ERROR;
    }
    if (ord_note_ok(ord_jstr(state, "note"), why, sizeof(why)) != SOUK_OK) {
        return ord_page(r, state, why, 400);
    }
    rc = ord_state_address(r, state, &a, why, sizeof(why));
    return ord_page(r, state, rc == SOUK_DECLINED ? why : NULL,
                    rc == SOUK_DECLINED ? 400 : 200);
}

/* POST /checkout/place: the page's choices and its one-time key. */
static int
ord_checkout_place(souk_request_t *r, void *data)
{
    cJSON           *state = ord_state_from_form(r);
    ord_checkout_t   co;
    ord_placed_t     out;
    char             why[ORD_WHY];
    int              rc;

    (void) data;
    if (ord_state_save(r, state) != SOUK_OK) {
        return SOUK_ERROR;
    }
    memset(&co, 0, sizeof(co));
    co.idem_key = ord_form(r, "idem");
    if (co.idem_key == NULL || co.idem_key[0] == '\0') {
        return ord_page(r, state, "This form has expired: check your order "
                        "and place it again.", 400);
    }
    if (ord_note_ok(ord_jstr(state, "note"), why, sizeof(why)) != SOUK_OK) {
        return ord_page(r, state, why, 400);
    }
    rc = ord_state_address(r, state, &co.addr, why, sizeof(why));
    if (rc != SOUK_OK) {
        return ord_page(r, state, rc == SOUK_DONE ? "Address: required"
                                                  : why, 400);
    }
    co.email = souk_user_id(r) > 0 ? NULL : ord_jstr(state, "email");
    co.shipping = ord_nonempty(ord_jstr(state, "shipping"));
    co.payment = ord_nonempty(ord_jstr(state, "payment"));
    co.note = ord_jstr(state, "note");
    why[0] = '\0';
    rc = ord_place(r, &co, &out, why, sizeof(why));
    if (rc == SOUK_ERROR) {
        return SOUK_ERROR;
    }
    if (rc != 200 && rc != 201) {
        return ord_page(r, state, why[0] != '\0' ? why
                        : "The order could not be placed.", rc);
    }
    /* Placed (or placed before by this very form): the choices are
     * spent; the address stays for the next order. */
    cJSON_ReplaceItemInObjectCaseSensitive(state, "note",
                                           cJSON_CreateString(""));
    if (ord_state_save(r, state) != SOUK_OK) {
        souk_log(r, SOUK_LOG_WARN, "checkout: choices not cleared");
    }
    if (out.redirect[0] != '\0') {
        return souk_redirect_offsite(r, out.redirect);
    }
    return souk_redirect(r, 303, ord_url(r, "/orders/%s", out.number));
}

int
ord_checkout_init(souk_plugin_ctx_t *ctx)
{
    if (souk_route_add(ctx, SOUK_GET, "/checkout", ord_checkout_get, NULL)
        != SOUK_OK
        || souk_route_name(ctx, "orders.checkout") != SOUK_OK
        || souk_route_add(ctx, SOUK_POST, "/checkout", ord_checkout_post,
                          NULL) != SOUK_OK
        || souk_route_add(ctx, SOUK_POST, "/checkout/place",
                          ord_checkout_place, NULL) != SOUK_OK
        || souk_route_name(ctx, "orders.checkout_place") != SOUK_OK
        || ord_checkout_api_init(ctx) != SOUK_OK
        || ord_setup_init(ctx) != SOUK_OK)
    {
        return SOUK_ERROR;
    }
    return SOUK_OK;
}

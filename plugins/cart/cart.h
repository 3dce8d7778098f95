/* The cart plugin's internal contract between its files. */
#ifndef CART_H
#define CART_H

#include <stdint.h>

#include <souk.h>

#define CART_WHY        256      /* room for a refusal's message */
#define CART_OWNER_LEN  80       /* "u:ID" or "g:" + 32 hex */
#define CART_MAX_LINES  100
#define CART_SKU_MAX    64       /* catalog_variants.sku */

/* ---- cart.c: descriptor and shared helpers ---- */

int64_t cart_now(void);
/* The site's currency (setting shop.currency, default EUR). */
const char *cart_currency(souk_request_t *r);
/* Setting cart.max_quantity (default 99): the most of one SKU a cart
 * holds. */
int64_t cart_max_quantity(souk_request_t *r);
/* Writes a refusal into why and returns SOUK_DECLINED. */
int cart_decline(char *why, size_t whylen, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* BASE + path ("/cart"), request-owned. */
const char *cart_href(souk_request_t *r, const char *path);

/*
 * Who the visitor's cart belongs to: "u:ID" for a signed-in user (a
 * session or a Bearer token), else "g:TOKEN" with the TOKEN kept in the
 * session value "cart". With create, a guest without a token gets one
 * (starting a session). SOUK_OK with owner and *uid set; SOUK_DECLINED
 * when the visitor has none (and create is 0, or an API client cannot
 * keep a session); SOUK_ERROR.
 */
int cart_owner(souk_request_t *r, int create, char owner[CART_OWNER_LEN],
    int64_t *uid);
/* The id of owner's cart on this site: 0 when none, SOUK_ERROR. On
 * MariaDB a locking read: it sees the newest committed row (not the
 * transaction's snapshot) and holds it until the commit. */
int64_t cart_find(souk_request_t *r, const char *owner);
/* Inside a transaction: owner's cart on this site, made when missing and
 * locked (MariaDB: FOR UPDATE), so edits of one cart run one at a time.
 * The id, or SOUK_ERROR. */
int64_t cart_get_or_make(souk_request_t *r, const char *owner, int64_t uid);

/* ---- price.c: what may go in a cart, and the priced cart ---- */

/* A variant as the cart sees it. Strings are request-owned. */
typedef struct {
    int64_t      variant_id;
    int64_t      product_id;
    int64_t      weight_g;
    int64_t      price;          /* in the site's currency */
    int64_t      available;      /* -1: not limited (a service) */
    const char  *sku;
    const char  *options;
    const char  *name;
    const char  *slug;
    const char  *kind;
    unsigned     found:1;        /* the variant is in this site's group */
    unsigned     sellable:1;     /* listed, shown here and priced */
} cart_item_t;

/*
 * Looks up a variant by SKU (sku not NULL) or by id in the site's group.
 * SOUK_OK with it filled when it is for sale on this site; SOUK_DECLINED
 * with why ("SKU X is not for sale here" — the same words for an unknown
 * SKU, another group's and a delisted product) otherwise; SOUK_ERROR.
 */
int cart_item_load(souk_request_t *r, const char *sku, int64_t variant_id,
    cart_item_t *it, char *why, size_t whylen);
/* Whether qty of it fits: at most cart.max_quantity and what is
 * available. SOUK_OK or SOUK_DECLINED with why ("Only 3 left of SKU X"). */
int cart_item_fits(souk_request_t *r, const cart_item_t *it, int64_t qty,
    char *why, size_t whylen);

/*
 * The cart cart_id priced now, read-only (it runs inside the order's
 * transaction): the "cart.priced" document of plugins/cart/README.md,
 * money as plain integers. A new cJSON the caller deletes, or NULL on a
 * database error (logged).
 */
cJSON *cart_price(souk_request_t *r, int64_t cart_id);
/* The filter "cart.priced": adds value["cart"] for the visitor's cart. */
int cart_priced_filter(souk_request_t *r, cJSON *value, void *data);
/*
 * The visitor's cart for the API and the cart page: the filters
 * "cart.priced" then "cart.totals" run on a fresh object, then money as
 * {"amount","currency"} objects and a "total". An empty cart ({"id":
 * null, "lines": [], ...}) when the visitor has none. A new cJSON the
 * caller adds to a view model at once (or deletes), or NULL on error.
 */
cJSON *cart_view(souk_request_t *r);

/* ---- edit.c: changing carts ---- */

/*
 * Adds qty of sku to the visitor's cart (made when missing; an SKU
 * already there adds to its line), or sets a line's quantity (0 removes
 * it), or removes a line: one transaction each, re-checked against the
 * catalog inside it. Return an HTTP status: 201 (added), 200, 404 (no
 * such line in the visitor's cart), 422 with why; or SOUK_ERROR.
 */
int cart_add(souk_request_t *r, const char *sku, int64_t qty, char *why,
    size_t whylen);
int cart_set(souk_request_t *r, int64_t line_id, int64_t qty, char *why,
    size_t whylen);

/* Actions: "order.placed" empties the order's cart; "session.login"
 * merges the guest cart into the account's. */
int cart_order_placed(souk_request_t *r, const cJSON *event, void *data);
int cart_login(souk_request_t *r, const cJSON *event, void *data);
/* Job "cart.sweep" (hourly): guest carts untouched for cart.guest_days
 * days go, with their lines. */
int cart_sweep_job(souk_request_t *r, void *data);

/* ---- api.c, page.c: routes and slots ---- */

/*
 * Answers an item route: status 200 or 201 gives {"cart": CART} to a
 * JSON client and a 303 to the form's "next" (a local path) or /cart to
 * a browser; a 4xx gives why as the JSON error, or the cart page again
 * with why and that status.
 */
int cart_answer(souk_request_t *r, int status, const char *why);

int cart_api_init(souk_plugin_ctx_t *ctx);
int cart_page_init(souk_plugin_ctx_t *ctx);

#endif /* CART_H */

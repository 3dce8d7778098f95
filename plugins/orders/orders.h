/* The orders plugin's internal contract: checkout, placing, the order
 * state machine, stock allocation, customer and staff pages. */
#ifndef ORDERS_H
#define ORDERS_H

#include <stdint.h>

#include <souk.h>

#define ORD_NUMBER_LEN   11      /* "K7Q4M2ZP9X" + NUL: 10 characters */
#define ORD_STATUS_LEN   21
#define ORD_WHY          256     /* room for a refusal's message */

/* ---- orders.c: descriptor and shared helpers ---- */

int64_t ord_now(void);
/* The site's currency (setting shop.currency, default EUR). */
const char *ord_currency(souk_request_t *r);
/* Setting orders.prices_include_tax: 1 (default) or 0. */
int ord_prices_include_tax(souk_request_t *r);
/* A new random order number: 10 characters of Crockford base32 (no I, L,
 * O, U), unique per site by the table's key, not by luck alone. */
void ord_number_new(char out[ORD_NUMBER_LEN]);
/* Random hex of nbytes bytes into out (2 * nbytes + 1). */
void ord_random_hex(char *out, size_t nbytes);
/* Hex BLAKE2b-256 of s into out[65] (guest order tokens). */
void ord_hash_hex(const char *s, char out[65]);
/* Writes a refusal into why and returns SOUK_DECLINED. */
int ord_decline(char *why, size_t whylen, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* Whole numbers: souk_int_parse, souk_json_int; money text:
 * souk_money_parse, souk_money_format (souk/money.h). */
/* {"amount": minor, "currency": cur} added to obj under key. */
cJSON *ord_money_add(cJSON *obj, const char *key, int64_t amount,
    const char *cur);

/* The parts' init functions, called from orders_init. */
int ord_checkout_init(souk_plugin_ctx_t *ctx);   /* checkout*.c, quote.c */
int ord_place_init(souk_plugin_ctx_t *ctx);      /* place.c: holds job */
int ord_customer_init(souk_plugin_ctx_t *ctx);   /* customer*.c, api.c */
int ord_staff_init(souk_plugin_ctx_t *ctx);      /* staff*.c */
int ord_payhooks_init(souk_plugin_ctx_t *ctx);   /* payhooks.c */

/* ---- status.c: the order state machine ---- */

/*
 * pending_payment → paid → picking → packed → shipped → delivered →
 * completed. pay_timing on_delivery (cash on delivery) also allows
 * pending_payment → picking, and delivered → completed only once paid.
 * Any status before shipped → on_hold (held_from remembers it) or
 * cancelled; on_hold → held_from or cancelled. Nothing leaves cancelled or
 * completed.
 */
int ord_status_ok(const char *s);
int ord_transition_ok(const char *from, const char *to,
    const char *pay_timing, const char *held_from);
/* Statuses a customer may still cancel from (before shipment). */
int ord_status_cancellable(const char *s);

typedef struct {
    int64_t  id;
    int64_t  user_id;
    int64_t  total;
    int64_t  paid_amount;
    char     site[65];
    char     number[ORD_NUMBER_LEN];
    char     status[ORD_STATUS_LEN];
    char     held_from[ORD_STATUS_LEN];
    char     pay_timing[16];
    char     currency[4];
    char     email[321];
} ord_head_t;

/* Loads the order's head, checked against the request's site. SOUK_OK,
 * SOUK_DECLINED (no such order on this site), SOUK_ERROR. */
int ord_head_load(souk_request_t *r, int64_t order_id, ord_head_t *h);
/* The order id of NUMBER on this site, 0 when none (or -1 on error). */
int64_t ord_id_by_number(souk_request_t *r, const char *number);

/*
 * Moves the order to status `to` in one souk_db_tx (a savepoint inside the
 * caller's): the status is changed by a conditional update on the status
 * read, so two staff clicking at once make one transition. Records the
 * timeline event (note, actor; public: the customer sees it) and does what
 * the status means: paid sets paid_at (and paid_amount up to the total)
 * and clears hold_until; shipped sets shipped_at; delivered delivered_at;
 * cancelled returns every allocated unit to its warehouse (stock move
 * "return", or "release" when note is "expired": the holds job's), sets cancelled_at
 * and cancel_reason (note). Then fires the action "order.<to>"
 * ({"order_id","number","site","from","to","actor","total","paid_amount",
 * "currency"}; "order.cancelled" adds "refund": the paid amount, for the
 * payments plugin) and queues the status mail (ord_mail_status).
 * Returns SOUK_OK; SOUK_DECLINED with why for an illegal or stale
 * transition; SOUK_ERROR.
 */
int ord_transition(souk_request_t *r, int64_t order_id, const char *to,
    const char *note, int64_t actor, int public_, char *why, size_t whylen);
/* Adds a timeline event (inside the caller's transaction). */
int ord_event_add(souk_request_t *r, int64_t order_id, const char *kind,
    const char *from, const char *to, const char *note, int64_t actor,
    int public_);

/* ---- stock.c: taking and returning stock ---- */

/*
 * Takes qty units of the variant for an order line, inside the caller's
 * transaction: a conditional UPDATE of catalog_stock per warehouse
 * (on_hand - reserved >= n, so never below zero whatever runs at the same
 * time), warehouses in id order (one lock order: no deadlock between two
 * orders), splitting across warehouses when one has too few. Writes an
 * order_allocations row and a catalog_stock_moves row (kind "sale", ref
 * the order number) per warehouse used, then fires "stock.changed"
 * {"variant_id"} so the catalog refreshes its listing and alerts.
 * Services (no stock rows, kind service) are not taken. Returns SOUK_OK,
 * SOUK_DECLINED with why ("Only 2 left of SKU-1") when there is not
 * enough, SOUK_ERROR.
 */
int ord_stock_take(souk_request_t *r, const char *number, int64_t line_id,
    int64_t variant_id, int64_t qty, char *why, size_t whylen);
/* Returns qty units (-1: all) of the line's allocations to their
 * warehouses, newest allocation first, with move kind "return" or
 * "release"; fires "stock.changed". Inside the caller's transaction. */
int ord_stock_return(souk_request_t *r, const char *number, int64_t line_id,
    int64_t qty, const char *kind);

/* ---- quote.c, address.c: the priced basket (checkout helper) ---- */

typedef struct {
    char  name[201];
    char  line1[201];
    char  line2[201];
    char  city[101];
    char  region[65];
    char  postcode[33];
    char  country[3];
    char  phone[41];
} ord_address_t;

/* Reads and validates an address (JSON object fields name, line1, line2,
 * city, region, postcode, country, phone; or form fields PREFIX + those).
 * Country: ISO 3166 alpha-2 from the site's orders.countries (default:
 * any known); postcode and region checked per country; text trimmed,
 * no control characters. SOUK_OK or SOUK_DECLINED with why naming the
 * field ("Postcode: not a valid postcode for DE"). */
int ord_address_from_json(const cJSON *o, souk_request_t *r,
    ord_address_t *a, char *why, size_t whylen);
int ord_address_from_form(souk_request_t *r, const char *prefix,
    ord_address_t *a, char *why, size_t whylen);
cJSON *ord_address_json(const ord_address_t *a);

/*
 * The visitor's cart, priced on the server: runs the filter "cart.priced"
 * (the cart plugin fills {"cart": {...}}, see plugins/cart/README.md) and
 * then "cart.totals" (promotions add discounts). Returns the "cart" object
 * (request-owned), or NULL with why when there is no cart, it is empty,
 * or a line cannot be sold.
 */
cJSON *ord_cart_priced(souk_request_t *r, char *why, size_t whylen);
/* The payment methods on offer: the filter "checkout.payment_methods"
 * over {"methods": []}, after the built-in pay_later (setting
 * orders.pay_later, default yes). Each {"code","name","offsite",
 * "pay_timing","hold_minutes"}. Request-owned array. */
cJSON *ord_payment_methods(souk_request_t *r);

/*
 * Prices a cart for an address: shipping options for the destination
 * (flat, table by weight and country, free over a threshold, pickup),
 * the chosen one (shipping: a code, or NULL for the first), tax per line
 * and on shipping from order_tax_rules (country, then region; prices
 * including or excluding tax as the site says; half-up rounding per
 * line), the chosen payment method (NULL: the first). Returns
 * {"currency","prices_include_tax","lines":[cart lines + "tax_rate_bp",
 * "tax_amount"],"subtotal","discount_total","shipping_total","tax_total",
 * "total","weight_g","shipping":{...},"shipping_options":[...],
 * "payment":{...},"payment_options":[...]} (request-owned), or NULL with
 * why (no method ships there, unknown method code).
 */
cJSON *ord_quote(souk_request_t *r, const cJSON *cart,
    const ord_address_t *a, const char *shipping, const char *payment,
    char *why, size_t whylen);

/* ---- place.c: placing an order ---- */

typedef struct {
    const char     *idem_key;    /* required, 1..128 printable */
    const char     *email;       /* guest; an account's own when NULL */
    ord_address_t   addr;        /* validated */
    const char     *shipping;    /* method code */
    const char     *payment;     /* method code */
    const char     *note;        /* customer note, may be NULL */
} ord_checkout_t;

typedef struct {
    int64_t  id;
    int64_t  total;
    int      replay;             /* 1: the key had placed it before */
    char     number[ORD_NUMBER_LEN];
    char     status[ORD_STATUS_LEN];
    char     currency[4];
    char     redirect[512];      /* off-site payment page, or "" */
} ord_placed_t;

/*
 * Places the visitor's cart as an order in ONE souk_db_tx: claims the
 * idempotency key (site, owner, key) first; prices the cart and quotes it
 * again on the server; writes the order, its lines, takes stock for each
 * (ord_stock_take), records the "placed" event, queues the confirmation
 * mail (ord_mail_placed), fires "order.placed" (the cart plugin empties
 * the cart) — all or nothing. A key already used answers the same order
 * (replay = 1). An off-site method sets hold_until = now + its
 * hold_minutes. Returns 201 (placed), 200 (replay), 4xx with why (400 bad
 * input, 409 not enough stock or empty cart, 422 a line cannot be sold),
 * or SOUK_ERROR.
 */
int ord_place(souk_request_t *r, const ord_checkout_t *co, ord_placed_t *out,
    char *why, size_t whylen);

/* ---- customer side: load.c, mail.c (customer helper) ---- */

#define ORD_LOAD_LINES    0x01u
#define ORD_LOAD_EVENTS   0x02u   /* all events (staff) */
#define ORD_LOAD_PUBLIC   0x04u   /* public events only (customer) */
#define ORD_LOAD_CHANGES  0x08u
#define ORD_LOAD_ALLOC    0x10u   /* lines[].allocations */

/* The order as a JSON document (request-owned), NULL when none on this
 * site. Shape: docs in plugins/orders/README.md ("The order document"). */
cJSON *ord_load(souk_request_t *r, int64_t order_id, unsigned flags);
/* The id of NUMBER when the visitor may see it: their account's order,
 * or a guest order whose token is in their session or in ?key=. 0 when
 * not (answer 404, never 403), -1 on error. */
int64_t ord_find_own(souk_request_t *r, const char *number);
/* Remembers a guest order's token in the session (at most 20 kept). */
int ord_guest_token_keep(souk_request_t *r, const char *token);

/* Queue mails through the outbox inside the caller's transaction: the
 * confirmation (with the order page's link; guest: with its key), and
 * one per status change the customer is told about (paid, shipped with
 * tracking, delivered, cancelled); others return SOUK_OK doing nothing. */
int ord_mail_placed(souk_request_t *r, int64_t order_id,
    const char *guest_token);
int ord_mail_status(souk_request_t *r, int64_t order_id, const char *status);

/* ---- change.c: change requests (staff helper) ---- */

/*
 * A customer's request to change an order before shipment. kind address
 * (payload: an address object), quantities ({"lines":[{"id","quantity"}]},
 * 0 removes the line, at least one line stays), items ({"add":[{"sku",
 * "quantity"}]}). Validated now (the lines exist, the SKUs are for sale on
 * this site); SOUK_DECLINED with why otherwise, or when the order is
 * shipped, cancelled or already has an open request.
 */
int ord_change_create(souk_request_t *r, int64_t order_id, const char *kind,
    const cJSON *payload, const char *message, int64_t actor, int64_t *id,
    char *why, size_t whylen);
/* Staff accept (applied in one transaction: address replaced, or lines
 * changed with stock taken or returned and totals, tax and shipping
 * recomputed; a rise in stock that is not there declines it) or decline
 * (reason required). Records events, queues the customer's mail, fires
 * "order.changed". SOUK_OK, SOUK_DECLINED with why, SOUK_ERROR. */
int ord_change_decide(souk_request_t *r, int64_t change_id, int accept,
    const char *reason, int64_t actor, char *why, size_t whylen);

#endif /* ORDERS_H */

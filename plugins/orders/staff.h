/* What the staff side's files (staff*.c) share: the order document they
 * show, the actions staff take on an order, and small page helpers. */
#ifndef ORD_STAFF_H
#define ORD_STAFF_H

#include "orders.h"

#define ORD_STAFF_PER      25        /* orders a page in the list */
#define ORD_NOTE_MAX       2000
#define ORD_NUMBER_RE      "{number:[0-9A-Z]{10}}"

/* ---- staff_load.c ---- */

/* The order document for staff (ord_load with lines, allocations, every
 * event and change requests; a fallback of our own while load.c is not
 * there), plus "transitions": the statuses ord_transition_ok allows now,
 * each {"to","label","perm"}. Request-owned; NULL when not on this site. */
cJSON *ord_staff_doc(souk_request_t *r, int64_t order_id);
/* The permission a move to `to` needs: orders.manage for paid, on_hold,
 * cancelled and leaving on_hold; orders.fulfil for the rest. */
const char *ord_staff_move_perm(const char *from, const char *to);
/* A human label of a status ("Pending payment"). */
const char *ord_staff_status_label(const char *s);
/* Minor units as plain text ("12.50"), pool-owned. */
const char *ord_staff_money(souk_request_t *r, int64_t v, const char *cur);
/* "YYYY-MM-DD HH:MM" UTC, pool-owned; "" for 0. */
const char *ord_staff_time(souk_request_t *r, int64_t t);

/* ---- staff_act.c: what staff do to an order ---- */

typedef struct {
    const char  *carrier;
    const char  *tracking_number;
    const char  *tracking_url;
    const char  *note;
} ord_ship_t;

/*
 * Checks and records the shipment (carrier 1..64, tracking number 1..128,
 * URL empty or http(s) without spaces, ≤ 500) and moves the order to
 * shipped through ord_transition nested in the same transaction: both or
 * neither. SOUK_OK, SOUK_DECLINED with why (bad field: why starts with
 * "Carrier"/"Tracking"; illegal move otherwise), SOUK_ERROR.
 */
int ord_staff_ship(souk_request_t *r, int64_t order_id, const ord_ship_t *s,
    int *bad_input, char *why, size_t whylen);
/* A timeline note (1..2000 characters, no control characters but
 * newlines); public: the customer sees it. */
int ord_staff_note(souk_request_t *r, int64_t order_id, const char *note,
    int public_, char *why, size_t whylen);
/* The order id of the route's {number} on this site, 0 when none. */
int64_t ord_staff_order_param(souk_request_t *r);
/* A text field fit to store: trimmed copy, NULL when it has control
 * characters (newlines allowed when multiline) or is longer than max. */
const char *ord_staff_clean(souk_request_t *r, const char *s, size_t max,
    int multiline);

/* ---- route handlers ---- */

int ord_api_list(souk_request_t *r, void *data);          /* staff_api.c */
int ord_api_show(souk_request_t *r, void *data);
int ord_api_transition(souk_request_t *r, void *data);
int ord_api_ship(souk_request_t *r, void *data);
int ord_api_note(souk_request_t *r, void *data);
int ord_api_change(souk_request_t *r, void *data);

int ord_bo_list(souk_request_t *r, void *data);           /* staff_pages.c */
int ord_bo_show(souk_request_t *r, void *data);
int ord_bo_transition(souk_request_t *r, void *data);
int ord_bo_ship(souk_request_t *r, void *data);
int ord_bo_note(souk_request_t *r, void *data);
int ord_bo_change(souk_request_t *r, void *data);

int ord_bo_picklist(souk_request_t *r, void *data);       /* staff_print.c */
int ord_bo_slip(souk_request_t *r, void *data);

/* ---- staff_list.c: the filtered list both the page and API use ---- */

typedef struct {
    const char  *status;       /* NULL or "": any */
    const char  *q;            /* number or part of the email */
    const char  *payment;      /* payment method code */
    int64_t      from;         /* placed_at >= from (0: none) */
    int64_t      to;           /* placed_at < to (0: none) */
    int64_t      page;         /* 1-based */
    int64_t      per;
} ord_filter_t;

/* Orders of this site, newest first: {"orders":[{"id","number","status",
 * "status_label","email","total","payment_method","placed_at"}],"total",
 * "page","pages"} (request-owned), NULL on error. */
cJSON *ord_staff_list(souk_request_t *r, const ord_filter_t *f);

#endif /* ORD_STAFF_H */

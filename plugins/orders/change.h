/* What change.c and change_apply.c share: a change request as read, a
 * sellable variant, and the accepting half. */
#ifndef ORD_CHANGE_H
#define ORD_CHANGE_H

#include "staff.h"

typedef struct {
    int64_t  id;
    int64_t  order_id;
    char     kind[16];
    char     status[16];
    cJSON   *payload;          /* request-owned; NULL when unreadable */
} ord_change_t;

typedef struct {
    int64_t  variant_id;
    int64_t  product_id;
    int64_t  weight_g;         /* one unit */
    int64_t  price;            /* catalog price now, order's currency */
    char     sku[65];
    char     name[201];
    char     options[256];
    char     kind[17];
} ord_sellable_t;

/* The variant of sku when the cart could sell it on this site (listed,
 * shown here, of the group, priced in cur). SOUK_DECLINED when not. */
int ord_change_sellable(souk_request_t *r, const char *sku, const char *cur,
    ord_sellable_t *out);
/* The request when its order is on this site: SOUK_OK, SOUK_DECLINED. */
int ord_change_load(souk_request_t *r, int64_t change_id, ord_change_t *c);
/* Declines an open request with reason (event, mail) in its own tx. */
int ord_change_decline_now(souk_request_t *r, int64_t change_id,
    const char *reason, int64_t actor, char *why, size_t whylen);
/* Applies an open request in one transaction (change_apply.c); when it
 * cannot be applied (shipped meanwhile, stock not there, an SKU no longer
 * for sale) the request is declined with that reason and nothing else
 * changes: SOUK_DECLINED with why. */
int ord_change_accept(souk_request_t *r, const ord_change_t *c,
    const char *note, int64_t actor, char *why, size_t whylen);

#endif /* ORD_CHANGE_H */

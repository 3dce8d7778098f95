/* Pricing a cart for an address: shipping, tax, totals (stub). */
#include "orders.h"

cJSON *
ord_cart_priced(souk_request_t *r, char *why, size_t whylen)
{
    (void) r;
    ord_decline(why, whylen, "not built yet");
    return NULL;
}

cJSON *
ord_payment_methods(souk_request_t *r)
{
    (void) r;
    return NULL;
}

cJSON *
ord_quote(souk_request_t *r, const cJSON *cart, const ord_address_t *a,
    const char *shipping, const char *payment, char *why, size_t whylen)
{
    (void) r; (void) cart; (void) a; (void) shipping; (void) payment;
    ord_decline(why, whylen, "not built yet");
    return NULL;
}

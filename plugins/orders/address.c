/* Addresses: reading and validating them per country (stub). */
#include "orders.h"

int
ord_address_from_json(const cJSON *o, souk_request_t *r, ord_address_t *a,
    char *why, size_t whylen)
{
    (void) o; (void) r; (void) a;
    return ord_decline(why, whylen, "not built yet");
}

int
ord_address_from_form(souk_request_t *r, const char *prefix,
    ord_address_t *a, char *why, size_t whylen)
{
    (void) prefix; (void) r; (void) a;
    return ord_decline(why, whylen, "not built yet");
}

cJSON *
ord_address_json(const ord_address_t *a)
{
    (void) a;
    return NULL;
}

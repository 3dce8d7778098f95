/* Change requests: create, accept (applied), decline (stub). */
#include "orders.h"

int
ord_change_create(souk_request_t *r, int64_t order_id, const char *kind,
    const cJSON *payload, const char *message, int64_t actor, int64_t *id,
    char *why, size_t whylen)
{
    (void) r; (void) order_id; (void) kind; (void) payload; (void) message;
    (void) actor; (void) id;
    return ord_decline(why, whylen, "not built yet");
}

int
ord_change_decide(souk_request_t *r, int64_t change_id, int accept,
    const char *reason, int64_t actor, char *why, size_t whylen)
{
    (void) r; (void) change_id; (void) accept; (void) reason; (void) actor;
    return ord_decline(why, whylen, "not built yet");
}

/* Order mails through the outbox (stub). */
#include "orders.h"

int
ord_mail_placed(souk_request_t *r, int64_t order_id, const char *guest_token)
{
    (void) r; (void) order_id; (void) guest_token;
    return SOUK_OK;
}

int
ord_mail_status(souk_request_t *r, int64_t order_id, const char *status)
{
    (void) r; (void) order_id; (void) status;
    return SOUK_OK;
}

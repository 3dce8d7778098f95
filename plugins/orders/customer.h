/* The customer side's shared helpers (load.c, mail.c, customer*.c): times,
 * labels, links and the order page's model. */
#ifndef ORD_CUSTOMER_H
#define ORD_CUSTOMER_H

#include "orders.h"

#define ORD_CUST_PER_PAGE    20      /* orders per history page */
#define ORD_CUST_REASON_MAX  500     /* orders.cancel_reason */
#define ORD_CUST_MESSAGE_MAX 1000    /* order_change_requests.message */

/* ISO 8601 UTC ("2026-12-07T09:23:39Z") in the request's pool; NULL for
 * t <= 0 (a time not reached yet: shipped_at of an unshipped order). */
const char *ord_cust_time(souk_request_t *r, int64_t t);
/* "Pending payment", "Shipped" ... for a status code ("" when unknown). */
const char *ord_cust_status_label(const char *status);
/* A path inside the site as the browser asks for it (site prefix). */
const char *ord_cust_path(souk_request_t *r, const char *path);
/* An absolute link for a mail: orders.base_url, else accounts.base_url
 * (the one accounts' mails use), else the request's scheme and Host. */
const char *ord_cust_link(souk_request_t *r, const char *path);
/* "12.50 EUR" (pool copy). */
const char *ord_cust_money(souk_request_t *r, int64_t amount,
    const char *cur);
/* The payment method's name as the checkout offers it, else its code. */
const char *ord_cust_payment_name(souk_request_t *r, const char *code);
/* "20%", "7.5%" for basis points (pool copy). */
const char *ord_cust_rate(souk_request_t *r, int64_t bp);

/* ord_find_own that also says whether ?key= (not the session) let the
 * visitor in, so the page can remember that key. */
int64_t ord_cust_find(souk_request_t *r, const char *number, int *by_key);
/* The number of open change requests of the order (-1 on error). */
int64_t ord_cust_open_changes(souk_request_t *r, int64_t order_id);

/* A string field of the JSON body, else of the urlencoded form; NULL when
 * absent or not a string. */
const char *ord_cust_input(souk_request_t *r, const char *name);
/* Non-zero when the JSON body has name but not as a string (or null). */
int ord_cust_input_bad(souk_request_t *r, const char *name);
/* Checks free text a customer typed: at most max bytes, no control
 * characters other than newline and tab. NULL when fine, else why. */
const char *ord_cust_text_bad(const char *s, size_t max);

/* The order page's view (template "order"), with a notice or error and
 * answered with status: JSON clients get {"order": DOC}, or the core's
 * error answer when there is an error. */
int ord_cust_page(souk_request_t *r, int64_t order_id, int status,
    const char *error);
/* Flash messages for the next page of this session (orders.flash). */
void ord_cust_flash_set(souk_request_t *r, const char *msg);

/* Route set-up of customer_action.c and customer_invoice.c. */
int ord_cust_action_init(souk_plugin_ctx_t *ctx);
int ord_cust_invoice_init(souk_plugin_ctx_t *ctx);

#endif /* ORD_CUSTOMER_H */

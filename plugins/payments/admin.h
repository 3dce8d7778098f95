/* What the back office's files (admin*.c) share: page helpers, the
 * reconciliation query both the page and the API read, and the route
 * handlers admin.c registers. */
#ifndef PAY_ADMIN_H
#define PAY_ADMIN_H

#include "pay.h"

#define PAY_RECON_PER     25        /* ledger rows a page */
#define PAY_REASON_MAX    500       /* payment_refunds.reason */
#define PAY_NUMBER_RE     "{number:[0-9A-Z]{10}}"
#define PAY_ID_RE         "{id:[1-9][0-9]{0,17}}"

/* ---- admin.c: small helpers ---- */

/* base path + path, pool-owned. */
const char *pay_admin_url(souk_request_t *r, const char *path);
/* An admin page model with the "Admin" and "Payments" crumbs. */
cJSON *pay_admin_page(souk_request_t *r, const char *tmpl,
    const char *heading);
/* Minor units as plain text ("12.50"), pool-owned. */
const char *pay_admin_money(souk_request_t *r, int64_t v, const char *cur);
/* {"amount","currency"} for the templates' money modifier. */
void pay_admin_money_add(cJSON *o, const char *key, int64_t v,
    const char *cur);
/* "YYYY-MM-DD HH:MM" UTC, pool-owned; "" for 0. */
const char *pay_admin_time(souk_request_t *r, int64_t t);
/* A text field fit to store: trimmed, pool-owned; NULL when it has
 * control characters or is longer than max bytes. */
const char *pay_admin_clean(souk_request_t *r, const char *s, size_t max);
/* "YYYY-MM-DD" as Unix seconds at 00:00 UTC; 0 when empty, -1 when
 * malformed. */
int64_t pay_admin_date(const char *s);
/* The order of the route's {number} on this site as order.summary gives
 * it (pool-owned), or NULL when there is none (*err set on a failure). */
cJSON *pay_admin_order(souk_request_t *r, const char *number, int *err);
/* Adds, to each payment of list and each event, the texts the pages
 * show (times, money, actor's email). */
void pay_admin_decorate(souk_request_t *r, cJSON *list);

/* ---- admin_recon.c: the reconciliation ---- */

typedef struct {
    int          all;          /* 0: differences and flags only */
    int64_t      from;         /* placed_at >= from (0: none) */
    int64_t      to;           /* placed_at < to (0: none) */
    int64_t      page;         /* 1-based; 0: every row (CSV) */
    int64_t      per;
} pay_recon_filter_t;

/* Reads ?show=, ?from=, ?to=, ?page= into f. SOUK_DECLINED with why for
 * a bad value. */
int pay_recon_filter(souk_request_t *r, pay_recon_filter_t *f, char *why,
    size_t whylen);
/* {"rows":[{"order_id","number","placed_at","placed_text","method",
 * "status","currency","due","captured","refunded","net","difference",
 * "flagged","flag"}],"totals":[per currency {"currency","orders","due",
 * "captured","refunded","net","difference"}],"total","page","pages"}
 * (request-owned; money as minor units, plus *_money objects), or NULL
 * on error. */
cJSON *pay_recon_list(souk_request_t *r, const pay_recon_filter_t *f);

/* ---- route handlers ---- */

int pay_bo_order(souk_request_t *r, void *data);          /* admin_order.c */
int pay_bo_refund(souk_request_t *r, void *data);
int pay_slot_order(souk_request_t *r, souk_buf_t *out, const cJSON *model,
    void *data);

int pay_bo_recon(souk_request_t *r, void *data);          /* admin_recon.c */

int pay_bo_settings(souk_request_t *r, void *data);    /* admin_settings.c */
int pay_bo_settings_save(souk_request_t *r, void *data);

int pay_api_payments(souk_request_t *r, void *data);      /* admin_api.c */
int pay_api_refund(souk_request_t *r, void *data);
int pay_api_recon(souk_request_t *r, void *data);

#endif /* PAY_ADMIN_H */

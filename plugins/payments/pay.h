/* The payments plugin's internal contract: payment records and their
 * state machine, starting payments, webhooks, refunds, the offline
 * methods, payment links and the back office. */
#ifndef PAY_H
#define PAY_H

#include <stdint.h>

#include <souk.h>

#define PAY_WHY 256

/* ---- payments.c: descriptor and shared helpers (engine) ---- */

int64_t pay_now(void);
/* Writes a refusal into why and returns SOUK_DECLINED. */
int pay_decline(char *why, size_t whylen, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* Random hex of nbytes bytes into out (2 * nbytes + 1). */
void pay_random_hex(char *out, size_t nbytes);
/* Hex BLAKE2b-256 of s into out[65] (payment link tokens). */
void pay_hash_hex(const char *s, char out[65]);
/* "https://host[:port][/prefix]" of the request's site, for the absolute
 * return URLs a gateway needs (setting payments.base_url overrides). */
const char *pay_base_url(souk_request_t *r);
/* Non-zero when method is offered on this site: its provider is on and
 * it is in the setting payments.methods ("card,bank_transfer,cod"; unset:
 * every provider that is on). */
int pay_method_enabled(souk_request_t *r, const char *method);
/* The name shown for method: setting payments.<method>.name, else the
 * provider's. */
const char *pay_method_name(souk_request_t *r, const char *method);

/* Parts' init functions, called from payments_init. */
int pay_engine_init(souk_plugin_ctx_t *ctx);   /* start, webhook, return,
                                                * refund, ledger */
int pay_offline_init(souk_plugin_ctx_t *ctx);  /* offline.c, bank.c, link*.c */
int pay_admin_init(souk_plugin_ctx_t *ctx);    /* admin*.c */
/* The engine's and offline parts' own, called from their part's init. */
int pay_start_init(souk_plugin_ctx_t *ctx);    /* start.c */
int pay_webhook_init(souk_plugin_ctx_t *ctx);  /* webhook.c */
int pay_return_init(souk_plugin_ctx_t *ctx);   /* ret.c */
int pay_refund_init(souk_plugin_ctx_t *ctx);   /* refund.c */
int pay_ledger_init(souk_plugin_ctx_t *ctx);   /* ledger.c */
int pay_bank_init(souk_plugin_ctx_t *ctx);     /* bank.c */
int pay_link_init(souk_plugin_ctx_t *ctx);     /* link.c */
int pay_link_page_init(souk_plugin_ctx_t *ctx); /* link_page.c */

/* ---- record.c: a payment and its moves ---- */

typedef struct {
    int64_t  id;
    int64_t  order_id;
    int64_t  amount;            /* to collect */
    int64_t  captured;          /* received so far (gross) */
    int64_t  refunded;          /* given back so far */
    int64_t  refund_pending;    /* reserved by refunds in flight */
    int64_t  created_at;
    char     site[65];
    char     pkey[33];          /* random public id: return page */
    char     order_number[16];
    char     method[33];
    char     state[24];
    char     currency[4];
    char     provider_ref[128];
    char     provider_txn[128];
    char     reference[41];     /* bank transfer: what the payer quotes */
    char     email[321];
    char     flag[256];         /* why staff must look; "" when fine */
} pay_t;

/* Loads by id, by public key, or by (method, provider_ref), always
 * checked against the request's site. lock: a locking read (FOR UPDATE
 * on MariaDB; SQLite's IMMEDIATE transaction already holds the writer).
 * SOUK_OK, SOUK_DECLINED (none on this site), SOUK_ERROR. */
int pay_load(souk_request_t *r, int64_t id, int lock, pay_t *p);
int pay_load_key(souk_request_t *r, const char *pkey, int lock, pay_t *p);
int pay_load_ref(souk_request_t *r, const char *method, const char *ref,
    int lock, pay_t *p);
/* The payments of an order on this site as JSON (newest first), each
 * with its "events" when with_events; NULL on error. */
cJSON *pay_list_for_order(souk_request_t *r, int64_t order_id,
    int with_events);
/* pay_t as JSON (id, key, method, method_name, state, amount, captured,
 * refunded, refundable, currency, provider_ref, reference, flag,
 * created_at; money as {"amount","currency","text"} under *_money). */
cJSON *pay_json(souk_request_t *r, const pay_t *p);

/* Creates a pending payment for an order, inside the caller's souk_db_tx:
 * the row, a "created" event and the ledger's due when the order has
 * none yet. p->id, p->pkey and the rest filled. */
int pay_create(souk_request_t *r, int64_t order_id, const char *number,
    const char *method, int64_t amount, const char *currency,
    const char *email, pay_t *p);

/* One change to a payment, applied by pay_apply. */
typedef struct {
    const char  *to;          /* new state, or NULL: stays */
    int64_t      received;    /* money in: captured += (payment.received) */
    int64_t      refunded;    /* money back: refunded += (payment.refunded) */
    const char  *event_id;    /* provider's raw event id, or NULL */
    const char  *kind;        /* "created", "started", "webhook",
                               * "received", "refund", "flag", "note" */
    const char  *type;        /* provider's event type, or NULL */
    const char  *ref;         /* provider reference/txn recorded, or NULL */
    const char  *txn;         /* stored as provider_txn when non-empty */
    const char  *note;        /* for the record: what and why */
    const char  *flag;        /* sets the payment's flag when non-NULL */
    int64_t      actor;       /* staff user id, 0: the system/provider */
    int64_t      refund_id;   /* refunds: the payment_refunds row */
    const char  *reason;      /* refunds: the staff's reason */
} pay_change_t;

/*
 * Applies c to p inside the caller's souk_db_tx (p read with lock): one
 * conditional UPDATE on the state read (a stale p changes nothing and
 * answers SOUK_DECLINED), the payment_events row (its event_id unique per
 * site and method: an event already recorded answers SOUK_DONE and
 * changes nothing), the ledger's captured/refunded, then the actions
 * "payment.received" {"order_id","payment_id","method","amount",
 * "currency","captured","note"} (orders moves the order to paid when it
 * is paid in full) and "payment.refunded" {"order_id","payment_id",
 * "method","amount","currency","refunded","refund_id","reason","actor"}
 * (orders fires order.refunded). p is updated in place.
 * SOUK_DECLINED with why when c->to is not a move from p->state.
 */
int pay_apply(souk_request_t *r, pay_t *p, const pay_change_t *c,
    char *why, size_t whylen);

/* ---- start.c: offering methods and starting payments ---- */

/*
 * Starts collecting amount for an order with method (checkout's
 * order.payment_start, a payment link, "try again"): pay_create in one
 * souk_db_tx, then the provider's start outside it, then a second
 * souk_db_tx storing its reference (event "started"). redirect (may be
 * NULL) gets the hosted page for an off-site method, or "". On a
 * provider refusal the payment is failed and why says so. p filled.
 */
int pay_begin(souk_request_t *r, int64_t order_id, const char *number,
    const char *method, int64_t amount, const char *currency,
    const char *email, pay_t *p, char *redirect, size_t redirlen,
    char *why, size_t whylen);

/* ---- refund.c: giving money back ---- */

/*
 * Refunds amount of payment id (site-checked) with reason:
 * 1. souk_db_tx: lock the payment, refuse unless captured - refunded -
 *    refund_pending >= amount > 0 (so two staff at once cannot exceed
 *    what was captured), insert a payment_refunds row "pending" and add
 *    to refund_pending;
 * 2. the provider's refund outside any transaction (idem_key "refund-ID");
 * 3. souk_db_tx: the row "succeeded" and pay_apply (refunded, state
 *    partially_refunded/refunded, payment.refunded, refund mail), or
 *    "failed" and the reservation released.
 * A crash after 1 leaves a pending row the payments.refunds job finishes
 * with the same idempotency key. *refund_id gets the row's id.
 * SOUK_OK; SOUK_DECLINED with why (too much, not captured, the gateway
 * refused); SOUK_ERROR.
 */
int pay_refund(souk_request_t *r, int64_t payment_id, int64_t amount,
    const char *reason, int64_t actor, int64_t *refund_id, char *why,
    size_t whylen);

/* ---- mail.c: the payments plugin's mails, through the outbox ---- */

/* Inside the caller's souk_db_tx. kind: "refund" (amount, reason),
 * "bank_details" (reference, amount), "bank_reminder", "link" (url,
 * amount). Nothing when p->email is "". */
int pay_mail(souk_request_t *r, const pay_t *p, const char *kind,
    int64_t amount, const char *text, const char *url);

/* ---- ledger.c: what each order should have collected ---- */

/* Per order: due (the total; 0 once cancelled), captured, refunded, the
 * order's status. Kept by order.placed/changed/<status> hooks and by
 * pay_apply, inside the transactions that change them. */
int pay_ledger_add(souk_request_t *r, int64_t order_id, int64_t captured,
    int64_t refunded);

/* ---- offline.c / bank.c (offline methods) ---- */

/* Records amount received by bank transfer for payment id: captured +=
 * amount (payment.received); the payment becomes captured once the whole
 * amount is in, else stays pending. SOUK_DECLINED for a payment that is
 * not an open bank transfer or amount <= 0. */
int pay_bank_receive(souk_request_t *r, int64_t payment_id, int64_t amount,
    const char *note, int64_t actor, char *why, size_t whylen);

/* ---- link.c: payment links (pay later) ---- */

/* Creates a payment link for an order's outstanding amount (or amount
 * when > 0) and mails it; url gets the absolute link. Inside its own
 * souk_db_tx. */
int pay_link_send(souk_request_t *r, const char *number, int64_t amount,
    const char *note, int64_t actor, char *url, size_t urllen, char *why,
    size_t whylen);

/* ---- the orders plugin, through its hooks ---- */

/* filter "order.summary": {"number"} or {"order_id"} in; the order of
 * this site's fields out (order_id, number, status, total, paid_amount,
 * currency, email, payment_method, pay_timing, user_id), or "status"
 * absent when there is no such order. SOUK_OK with *o a new object
 * (free it), SOUK_DECLINED when not found, SOUK_ERROR. */
int pay_order_summary(souk_request_t *r, int64_t order_id,
    const char *number, cJSON **o);

#endif /* PAY_H */

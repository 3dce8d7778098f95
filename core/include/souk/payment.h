/* Souk public API: payment providers and the payment state machine. */
#ifndef SOUK_PAYMENT_H
#define SOUK_PAYMENT_H

#include <souk/core.h>

#ifdef __cplusplus
extern "C" {
#endif

/*
 * A payment method ("card", "cod", "bank_transfer") is served by exactly
 * one provider: the plugin that registers it in init. A second plugin
 * claiming the same method is refused at load, as for a taken job name.
 * The payments plugin owns the payment records, the state machine, the
 * webhook route and the back office; a provider only talks to its
 * service. Every callback is optional except webhook for an off-site
 * provider. Callbacks run outside any database transaction (they may
 * block on the network) and return SOUK_OK, SOUK_DECLINED (why says
 * what the service refused, shown to staff or the shopper) or SOUK_ERROR
 * (unreachable: the payments plugin retries later where that is safe).
 * Secrets come from settings (souk_setting); a provider never logs them.
 */

/* The payment states. A payment moves only along souk_pay_move_ok. */
#define SOUK_PAY_PENDING            "pending"
#define SOUK_PAY_AUTHORIZED         "authorized"
#define SOUK_PAY_CAPTURED           "captured"
#define SOUK_PAY_PARTIALLY_REFUNDED "partially_refunded"
#define SOUK_PAY_REFUNDED           "refunded"
#define SOUK_PAY_FAILED             "failed"
#define SOUK_PAY_VOIDED             "voided"

/* What the payments plugin hands a provider's call. */
typedef struct {
    const char  *site;          /* the request's site id */
    int64_t      payment_id;    /* payments.id: ours, stable */
    const char  *payment_key;   /* random public id of the payment */
    const char  *order_number;
    int64_t      amount;        /* minor units: to collect, or to refund */
    const char  *currency;      /* ISO 4217, upper case */
    const char  *email;         /* the shopper's, may be "" */
    const char  *description;   /* "Order K7Q4M2ZP9X" */
    const char  *return_url;    /* absolute: the return page */
    const char  *cancel_url;    /* absolute: where "back" on the page goes */
    const char  *provider_ref;  /* from start (a session id), or "" */
    const char  *provider_txn;  /* from an event (a payment intent), or "" */
    const char  *idem_key;      /* idempotency key for this very call */
    const char  *reason;        /* refunds: the staff's reason */
} souk_pay_call_t;

/* What a provider's call answers. */
typedef struct {
    char     ref[128];          /* start: the provider's reference */
    char     txn[128];          /* capture/refund: its transaction id */
    char     redirect[1024];    /* start: the hosted page, or "" */
    char     state[24];         /* the payment's state per the provider,
                                 * or "" when the call does not say */
    int64_t  amount;            /* the amount the provider reports */
} souk_pay_result_t;

/* A webhook event, verified and read by the provider. */
typedef struct {
    char     event_id[128];     /* the provider's event id: recorded once */
    char     type[96];          /* the provider's event type, as sent */
    char     ref[128];          /* the payment's provider_ref, or "" */
    char     txn[128];          /* its transaction id, or "" */
    int64_t  payment_id;        /* ours, when the provider echoes it; or 0 */
    char     state[24];         /* SOUK_PAY_*: where the event says the
                                 * payment is; "" for an event with no
                                 * effect (recorded, nothing moves) */
    int64_t  amount;            /* minor units the event is about */
    char     currency[4];       /* upper case */
    int64_t  created;           /* the provider's event time (unix) */
} souk_pay_event_t;

typedef int (*souk_pay_call_pt)(souk_request_t *r, const souk_pay_call_t *c,
    souk_pay_result_t *out, char *why, size_t whylen);
/* Verifies the request (souk_request_body, souk_request_header) and reads
 * it into ev. SOUK_OK; SOUK_DECLINED with why for a bad signature, a
 * timestamp out of tolerance or a body it cannot read (answered 400,
 * nothing recorded); SOUK_DONE for a genuine event of a type that concerns
 * no payment (answered 200, nothing recorded). */
typedef int (*souk_pay_webhook_pt)(souk_request_t *r, souk_pay_event_t *ev,
    char *why, size_t whylen);

typedef struct {
    const char          *method;       /* [a-z][a-z0-9_]*, one provider each */
    const char          *name;         /* shown at checkout: "Card" */
    int                  offsite;      /* start redirects to a hosted page */
    const char          *pay_timing;   /* "before" or "on_delivery" */
    unsigned             hold_minutes; /* stock held while unpaid; 0: none */
    /* Begins collecting c->amount: creates the hosted session (offsite)
     * or nothing at all (offline). Sets out->ref and out->redirect. */
    souk_pay_call_pt     start;
    /* The provider's view of the payment, for the return page and for
     * staff ("ask the gateway"); informs, never moves the state. */
    souk_pay_call_pt     confirm;
    /* Takes an authorized payment's money (c->amount). */
    souk_pay_call_pt     capture;
    /* Cancels a pending or authorized payment. */
    souk_pay_call_pt     cancel;
    /* Gives back c->amount of a captured payment to the original method;
     * c->idem_key is the refund's own, so a retry refunds once. */
    souk_pay_call_pt     refund;
    souk_pay_webhook_pt  webhook;
} souk_pay_provider_t;

/*
 * Registers a provider, only from init. The struct and its strings must
 * outlive the plugin (a static). SOUK_ERROR (logged, refusing the plugin)
 * when another plugin already serves p->method, or p is malformed.
 */
SOUK_API int souk_pay_provider_add(souk_plugin_ctx_t *ctx,
    const souk_pay_provider_t *p);
/* The provider of method, when its plugin is on for the request's site;
 * else NULL. */
SOUK_API const souk_pay_provider_t *souk_pay_provider(souk_request_t *r,
    const char *method);
/* The i-th provider on for the request's site (0, 1, ...), in load order;
 * NULL past the last. */
SOUK_API const souk_pay_provider_t *souk_pay_provider_at(souk_request_t *r,
    size_t i);

/*
 * The payment state machine: pending → authorized → captured →
 * partially_refunded → refunded; pending → captured (a one-step card
 * payment, or cash counted); pending or authorized → failed or voided;
 * partially_refunded → partially_refunded (another partial refund).
 * Nothing leaves failed, voided or refunded. Non-zero when from → to is
 * a move; an unknown state is never one.
 */
SOUK_API int souk_pay_move_ok(const char *from, const char *to);
/* Non-zero for one of the SOUK_PAY_* states. */
SOUK_API int souk_pay_state_ok(const char *s);

#ifdef __cplusplus
}
#endif

#endif /* SOUK_PAYMENT_H */

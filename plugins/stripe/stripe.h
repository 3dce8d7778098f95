/* The Stripe adapter's internal contract: the signature check, the event
 * reader, the HTTP client and the provider's calls. */
#ifndef STRIPE_H
#define STRIPE_H

#include <stdint.h>

#include <souk.h>

/* Stripe's own default: an event signed more than five minutes away from
 * our clock is refused, so a captured request cannot be replayed later. */
#define STRIPE_TOLERANCE  300

/* ---- sign.c: the Stripe-Signature header (no core calls: the unit test
 * and the fuzz target include it alone) ---- */

/* At most this many v1 signatures are looked at (Stripe sends one per
 * active secret: two while a secret is being rolled). */
#define STRIPE_SIG_MAX  8

typedef struct {
    int64_t  t;                             /* the signed timestamp */
    size_t   nv1;                           /* v1 signatures found */
    unsigned char v1[STRIPE_SIG_MAX][32];   /* each, decoded */
} stripe_sig_t;

/* Reads "t=TS,v1=HEX[,v1=HEX][,v0=...]" into sig: other schemes are
 * skipped; a v1 that is not 64 hex digits is skipped too (it can never
 * match). SOUK_OK, or SOUK_DECLINED with why when there is no t, t is not
 * a number, or no v1. */
int stripe_sig_parse(const char *header, stripe_sig_t *sig, char *why,
    size_t whylen);
/* Checks header against body signed with secret (the whole "whsec_..."
 * string is the HMAC key) at time now: HMAC-SHA256 over "TS.body",
 * compared in constant time against every v1, and |now - TS| within
 * STRIPE_TOLERANCE. SOUK_OK or SOUK_DECLINED with why. */
int stripe_sig_verify(const char *header, const char *body, size_t len,
    const char *secret, int64_t now, char *why, size_t whylen);
/* The v1 signature of body at t with secret, as 64 hex digits + NUL. */
void stripe_sig_make(const char *secret, int64_t t, const char *body,
    size_t len, char out[65]);

/* ---- event.c: a Stripe event into a souk_pay_event_t (no core calls) ---- */

/* Reads a verified event body. SOUK_OK with ev filled; SOUK_DONE for a
 * genuine event of a type that concerns no payment (ev->event_id and
 * ev->type still filled); SOUK_DECLINED with why for a body that is not a
 * JSON event (no id or type, no data.object where one is needed). */
int stripe_event_read(const char *body, size_t len, souk_pay_event_t *ev,
    char *why, size_t whylen);

/* ---- http.c: calls to Stripe's API through libcurl ---- */

typedef struct {
    const char  *key;           /* stripe.secret_key: never logged */
    const char  *base;          /* stripe.api_base, no trailing slash */
    long         timeout_ms;
    int          retries;       /* extra tries after the first */
} stripe_conf_t;

/* A form body being built on the request's pool. */
typedef struct {
    souk_buf_t  b;
} stripe_form_t;

void stripe_form_init(stripe_form_t *f, souk_request_t *r);
/* Appends key=value, both percent-encoded ("metadata[payment_id]"). */
void stripe_form_add(stripe_form_t *f, const char *key, const char *value);
void stripe_form_addi(stripe_form_t *f, const char *key, int64_t value);

/* The provider settings of the request's site. SOUK_DECLINED with why
 * when stripe.secret_key is unset. */
int stripe_conf(souk_request_t *r, stripe_conf_t *cf, char *why,
    size_t whylen);

/*
 * method ("GET"/"POST") path ("/v1/refunds") with form (NULL for none)
 * and idem (an Idempotency-Key, or NULL). Retries with back-off on a
 * connection error, 429 and 5xx, sending the same key each time.
 * SOUK_OK with *answer the parsed JSON (owned by the request);
 * SOUK_DECLINED with why = Stripe's error.message on another 4xx;
 * SOUK_ERROR with why when Stripe could not be reached or kept failing.
 */
int stripe_call(souk_request_t *r, const stripe_conf_t *cf,
    const char *method, const char *path, const char *form, const char *idem,
    cJSON **answer, char *why, size_t whylen);

/* Process-wide libcurl set-up, from init and fini. */
int stripe_http_init(void);
void stripe_http_fini(void);

/* ---- api.c: the provider's calls ---- */

int stripe_start(souk_request_t *r, const souk_pay_call_t *c,
    souk_pay_result_t *out, char *why, size_t whylen);
int stripe_confirm(souk_request_t *r, const souk_pay_call_t *c,
    souk_pay_result_t *out, char *why, size_t whylen);
int stripe_capture(souk_request_t *r, const souk_pay_call_t *c,
    souk_pay_result_t *out, char *why, size_t whylen);
int stripe_cancel(souk_request_t *r, const souk_pay_call_t *c,
    souk_pay_result_t *out, char *why, size_t whylen);
int stripe_refund(souk_request_t *r, const souk_pay_call_t *c,
    souk_pay_result_t *out, char *why, size_t whylen);

#endif /* STRIPE_H */

/* Reading a Stripe event (already verified) into a souk_pay_event_t: the
 * Checkout Session events move a payment, charge.refunded is recorded,
 * every other type concerns no payment. No core calls: the unit test and
 * the fuzz target include this file. */
#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include "stripe.h"

static int
stripe_ev_why(char *why, size_t whylen, const char *msg)
{
    if (why != NULL && whylen > 0) {
        snprintf(why, whylen, "%s", msg);
    }
    return SOUK_DECLINED;
}

/* Copies a string member into out; 0 when present but too long or not a
 * string (absent or null leaves out ""). */
static int
stripe_ev_str(const cJSON *o, const char *name, char *out, size_t outlen)
{
    const cJSON  *v = cJSON_GetObjectItemCaseSensitive(o, name);

    out[0] = '\0';
    if (v == NULL || cJSON_IsNull(v)) {
        return 1;
    }
    /* An expanded object ("payment_intent": {...}) stands for its id. */
    if (cJSON_IsObject(v)) {
        v = cJSON_GetObjectItemCaseSensitive(v, "id");
    }
    if (!cJSON_IsString(v) || strlen(v->valuestring) >= outlen) {
        return 0;
    }
    memcpy(out, v->valuestring, strlen(v->valuestring) + 1);
    return 1;
}

/* A whole, non-negative number below 2^53 (Stripe's amounts and times);
 * absent reads as 0. 0 when present and anything else. */
static int
stripe_ev_int(const cJSON *o, const char *name, int64_t *out)
{
    const cJSON  *v = cJSON_GetObjectItemCaseSensitive(o, name);

    *out = 0;
    if (v == NULL || cJSON_IsNull(v)) {
        return 1;
    }
    if (!cJSON_IsNumber(v) || !(v->valuedouble >= 0)
        || v->valuedouble > 9007199254740992.0
        || (double) (int64_t) v->valuedouble != v->valuedouble)
    {
        return 0;
    }
    *out = (int64_t) v->valuedouble;
    return 1;
}

/* metadata.payment_id: our payments.id, echoed as a string (Stripe's
 * metadata values are strings); anything else reads as 0 (not echoed). */
static int64_t
stripe_ev_payment_id(const cJSON *obj)
{
    const cJSON  *md = cJSON_GetObjectItemCaseSensitive(obj, "metadata");
    const cJSON  *v = cJSON_GetObjectItemCaseSensitive(md, "payment_id");
    const char   *s;
    int64_t       id = 0;

    if (!cJSON_IsString(v)) {
        return 0;
    }
    for (s = v->valuestring; *s != '\0'; s++) {
        if (*s < '0' || *s > '9' || id > (INT64_MAX - 9) / 10) {
            return 0;
        }
        id = id * 10 + (*s - '0');
    }
    return id;
}

/* "eur" → "EUR"; "" stays ""; 0 for anything but three letters. */
static int
stripe_ev_currency(const cJSON *obj, char out[4])
{
    char    cur[8];
    size_t  i;

    if (!stripe_ev_str(obj, "currency", cur, sizeof(cur))) {
        return 0;
    }
    out[0] = '\0';
    if (cur[0] == '\0') {
        return 1;
    }
    if (strlen(cur) != 3) {
        return 0;
    }
    for (i = 0; i < 3; i++) {
        if (!isalpha((unsigned char) cur[i])) {
            return 0;
        }
        out[i] = (char) toupper((unsigned char) cur[i]);
    }
    out[3] = '\0';
    return 1;
}

/* The state a Checkout Session event puts the payment in. */
static const char *
stripe_ev_session_state(const char *type, const cJSON *obj)
{
    const cJSON  *ps = cJSON_GetObjectItemCaseSensitive(obj,
                                                         "payment_status");

    if (strcmp(type, "checkout.session.completed") == 0) {
        /* "unpaid": a delayed method (a bank debit) is still on its way;
         * async_payment_succeeded or _failed follows. */
        return cJSON_IsString(ps) && strcmp(ps->valuestring, "paid") == 0
               ? SOUK_PAY_CAPTURED : "";
    }
    if (strcmp(type, "checkout.session.async_payment_succeeded") == 0) {
        return SOUK_PAY_CAPTURED;
    }
    /* async_payment_failed, expired: the shopper never paid. */
    return SOUK_PAY_FAILED;
}

static int
stripe_ev_session(const char *type, const cJSON *obj, souk_pay_event_t *ev,
    char *why, size_t whylen)
{
    if (!stripe_ev_str(obj, "id", ev->ref, sizeof(ev->ref))
        || ev->ref[0] == '\0'
        || !stripe_ev_str(obj, "payment_intent", ev->txn, sizeof(ev->txn))
        || !stripe_ev_int(obj, "amount_total", &ev->amount)
        || !stripe_ev_currency(obj, ev->currency))
    {
        return stripe_ev_why(why, whylen, "the Checkout Session in the "
                             "event cannot be read");
    }
    snprintf(ev->state, sizeof(ev->state), "%s",
             stripe_ev_session_state(type, obj));
    ev->payment_id = stripe_ev_payment_id(obj);
    return SOUK_OK;
}

/* charge.refunded: recorded against the payment (the refund itself was
 * applied when our refund call returned); ref stays "". */
static int
stripe_ev_charge(const cJSON *obj, souk_pay_event_t *ev, char *why,
    size_t whylen)
{
    if (!stripe_ev_str(obj, "payment_intent", ev->txn, sizeof(ev->txn))
        || !stripe_ev_int(obj, "amount_refunded", &ev->amount)
        || !stripe_ev_currency(obj, ev->currency))
    {
        return stripe_ev_why(why, whylen, "the charge in the event cannot "
                             "be read");
    }
    ev->ref[0] = '\0';
    ev->state[0] = '\0';
    ev->payment_id = stripe_ev_payment_id(obj);
    return SOUK_OK;
}

static int
stripe_ev_fill(const cJSON *root, souk_pay_event_t *ev, char *why,
    size_t whylen)
{
    const cJSON  *data, *obj;

    if (!cJSON_IsObject(root)
        || !stripe_ev_str(root, "id", ev->event_id, sizeof(ev->event_id))
        || !stripe_ev_str(root, "type", ev->type, sizeof(ev->type))
        || ev->event_id[0] == '\0' || ev->type[0] == '\0'
        || !stripe_ev_int(root, "created", &ev->created))
    {
        return stripe_ev_why(why, whylen, "the body is not a Stripe event");
    }
    if (strncmp(ev->type, "checkout.session.", 17) != 0
        && strcmp(ev->type, "charge.refunded") != 0)
    {
        return SOUK_DONE;
    }
    if (strcmp(ev->type, "checkout.session.completed") != 0
        && strcmp(ev->type, "checkout.session.async_payment_succeeded") != 0
        && strcmp(ev->type, "checkout.session.async_payment_failed") != 0
        && strcmp(ev->type, "checkout.session.expired") != 0
        && strcmp(ev->type, "charge.refunded") != 0)
    {
        return SOUK_DONE;
    }
    data = cJSON_GetObjectItemCaseSensitive(root, "data");
    obj = cJSON_GetObjectItemCaseSensitive(data, "object");
    if (!cJSON_IsObject(obj)) {
        return stripe_ev_why(why, whylen, "the event has no data.object");
    }
    if (strcmp(ev->type, "charge.refunded") == 0) {
        return stripe_ev_charge(obj, ev, why, whylen);
    }
    return stripe_ev_session(ev->type, obj, ev, why, whylen);
}

int
stripe_event_read(const char *body, size_t len, souk_pay_event_t *ev,
    char *why, size_t whylen)
{
    cJSON  *root;
    int     rc;

    memset(ev, 0, sizeof(*ev));
    root = cJSON_ParseWithLength(body, len);
    if (root == NULL) {
        return stripe_ev_why(why, whylen, "the body is not JSON");
    }
    rc = stripe_ev_fill(root, ev, why, whylen);
    cJSON_Delete(root);
    return rc;
}

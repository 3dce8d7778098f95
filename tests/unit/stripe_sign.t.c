/* Unit tests of the Stripe adapter's webhook checks: the Stripe-Signature
 * header (good, tampered, wrong secret, old and future timestamps, several
 * v1, malformed headers) and the event reader's mapping to payment
 * states. */
#include <string.h>

#include <sodium.h>

#include "tap.h"

#include "../../plugins/stripe/sign.c"
#include "../../plugins/stripe/event.c"

#define SECRET  "whsec_test_secret"
#define NOW     1700000000
#define BODY    "{\"id\":\"evt_1\"}"

static char  why[256];

/* "t=T,v1=<mac of body at T with secret>". */
static const char *
header(const char *secret, int64_t t, const char *body)
{
    static char  h[160];
    char         mac[65];

    stripe_sig_make(secret, t, body, strlen(body), mac);
    snprintf(h, sizeof(h), "t=%lld,v1=%s", (long long) t, mac);
    return h;
}

static int
verify(const char *h, const char *body, int64_t now)
{
    why[0] = '\0';
    return stripe_sig_verify(h, body, strlen(body), SECRET, now, why,
                             sizeof(why));
}

static void
test_known_answer(void)
{
    char        buf[65];
    const char *mac = buf;

    /* Computed with Python's hmac module, as Stripe's libraries do. */
    stripe_sig_make(SECRET, NOW, BODY, strlen(BODY), buf);
    is_str(mac, "248a374f50f943a28b0f6ab50faf9a7e7e29b710fa26df9fb1618b9b"
           "f8ea9c9a", "HMAC-SHA256 over \"t.body\" keyed by the whole "
           "secret");
}

static void
test_verify(void)
{
    char  h[400], mac[65];

    is_int(verify(header(SECRET, NOW, BODY), BODY, NOW), SOUK_OK, "good");
    is_int(verify(header(SECRET, NOW, BODY), "{\"id\":\"evt_2\"}", NOW),
           SOUK_DECLINED, "tampered body");
    ok(strstr(why, "no signature matches") != NULL, "says why: %s", why);
    is_int(verify(header("whsec_other", NOW, BODY), BODY, NOW),
           SOUK_DECLINED, "wrong secret");
    is_int(verify(header(SECRET, NOW - 300, BODY), BODY, NOW), SOUK_OK,
           "300 s old is inside the tolerance");
    is_int(verify(header(SECRET, NOW - 301, BODY), BODY, NOW),
           SOUK_DECLINED, "301 s old");
    ok(strstr(why, "timestamp outside the tolerance") != NULL, "says why");
    is_int(verify(header(SECRET, NOW + 301, BODY), BODY, NOW),
           SOUK_DECLINED, "301 s in the future");
    /* Rolling a secret: Stripe signs with both; either may match. */
    stripe_sig_make(SECRET, NOW, BODY, strlen(BODY), mac);
    snprintf(h, sizeof(h), "t=%d,v1=%064d,v1=%s,v0=%064d", NOW, 0, mac, 0);
    is_int(verify(h, BODY, NOW), SOUK_OK, "second of several v1 matches");
    snprintf(h, sizeof(h), "t=%d,v0=%s", NOW, mac);
    is_int(verify(h, BODY, NOW), SOUK_DECLINED, "v0 alone is not enough");
    snprintf(h, sizeof(h), "v1=%s,t=%d", mac, NOW);
    is_int(verify(h, BODY, NOW), SOUK_OK, "order of elements is free");
    snprintf(h, sizeof(h), "t=%d,v1=%.63s", NOW, mac);
    is_int(verify(h, BODY, NOW), SOUK_DECLINED, "short v1");
    snprintf(h, sizeof(h), "t=%d, v1=%s", NOW, mac);
    is_int(verify(h, BODY, NOW), SOUK_OK, "a space after the comma");
}

static void
test_malformed(void)
{
    static const char *const  bad[] = { "", "t=", "t=abc,v1=00",
        "v1=0000000000000000000000000000000000000000000000000000000000000000",
        "t=1700000000", "t=1700000000,v1=", "t=-5,v1=00", ",,,,", "=,=",
        "t=99999999999999999999,v1=00", "t=1700000000,v1=zz" };
    size_t                    i;

    is_int(verify(NULL, BODY, NOW), SOUK_DECLINED, "no header");
    for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        is_int(verify(bad[i], BODY, NOW), SOUK_DECLINED, "malformed \"%s\"",
               bad[i]);
    }
}

static int
read_ev(const char *body, souk_pay_event_t *ev)
{
    why[0] = '\0';
    return stripe_event_read(body, strlen(body), ev, why, sizeof(why));
}

static void
test_session_events(void)
{
    souk_pay_event_t  ev;
    const char       *paid = "{\"id\":\"evt_1\",\"type\":"
        "\"checkout.session.completed\",\"created\":1700000000,\"data\":{"
        "\"object\":{\"id\":\"cs_test_1\",\"payment_status\":\"paid\","
        "\"amount_total\":5500,\"currency\":\"eur\",\"payment_intent\":"
        "\"pi_1\",\"metadata\":{\"payment_id\":\"42\"}}}}";

    is_int(read_ev(paid, &ev), SOUK_OK, "completed and paid");
    is_str(ev.state, "captured", "→ captured");
    is_str(ev.event_id, "evt_1", "event id");
    is_str(ev.ref, "cs_test_1", "ref is the session");
    is_str(ev.txn, "pi_1", "txn is the payment intent");
    is_str(ev.currency, "EUR", "currency upper-cased");
    is_int(ev.amount, 5500, "amount_total");
    is_int(ev.payment_id, 42, "metadata.payment_id");
    is_int(ev.created, 1700000000, "created");

    is_int(read_ev("{\"id\":\"evt_2\",\"type\":\"checkout.session.completed"
                   "\",\"data\":{\"object\":{\"id\":\"cs_1\",\"payment_"
                   "status\":\"unpaid\",\"amount_total\":10,\"currency\":"
                   "\"usd\",\"payment_intent\":null}}}", &ev), SOUK_OK,
           "completed, unpaid");
    is_str(ev.state, "", "→ recorded only");
    is_int(ev.payment_id, 0, "no metadata: 0");
    is_int(read_ev("{\"id\":\"e\",\"type\":\"checkout.session.async_payment"
                   "_succeeded\",\"data\":{\"object\":{\"id\":\"cs_1\"}}}",
                   &ev), SOUK_OK, "async succeeded");
    is_str(ev.state, "captured", "→ captured");
    is_int(read_ev("{\"id\":\"e\",\"type\":\"checkout.session.async_payment"
                   "_failed\",\"data\":{\"object\":{\"id\":\"cs_1\"}}}",
                   &ev), SOUK_OK, "async failed");
    is_str(ev.state, "failed", "→ failed");
    is_int(read_ev("{\"id\":\"e\",\"type\":\"checkout.session.expired\","
                   "\"data\":{\"object\":{\"id\":\"cs_1\"}}}", &ev), SOUK_OK,
           "expired");
    is_str(ev.state, "failed", "→ failed");
}

static void
test_other_events(void)
{
    souk_pay_event_t  ev;

    is_int(read_ev("{\"id\":\"evt_r\",\"type\":\"charge.refunded\",\"data\":"
                   "{\"object\":{\"id\":\"ch_1\",\"payment_intent\":\"pi_1\","
                   "\"amount_refunded\":300,\"currency\":\"eur\"}}}", &ev),
           SOUK_OK, "charge.refunded");
    ok(ev.state[0] == '\0' && ev.ref[0] == '\0' && strcmp(ev.txn, "pi_1")
       == 0 && ev.amount == 300, "recorded: txn, amount_refunded, no ref");
    is_int(read_ev("{\"id\":\"e\",\"type\":\"payment_intent.succeeded\","
                   "\"data\":{\"object\":{}}}", &ev), SOUK_DONE,
           "payment_intent.* concerns no payment");
    is_str(ev.event_id, "e", "its id is still read");
    is_int(read_ev("{\"id\":\"e\",\"type\":\"checkout.session.weird\"}",
                   &ev), SOUK_DONE, "unknown session event");
    is_int(read_ev("not json", &ev), SOUK_DECLINED, "not JSON");
    is_int(read_ev("{\"type\":\"charge.refunded\"}", &ev), SOUK_DECLINED,
           "no id");
    is_int(read_ev("{\"id\":\"e\"}", &ev), SOUK_DECLINED, "no type");
    is_int(read_ev("[1]", &ev), SOUK_DECLINED, "not an object");
    is_int(read_ev("{\"id\":\"e\",\"type\":\"checkout.session.completed\"}",
                   &ev), SOUK_DECLINED, "no data.object");
    is_int(read_ev("{\"id\":\"e\",\"type\":\"checkout.session.completed\","
                   "\"data\":{\"object\":{\"id\":\"cs\",\"amount_total\":"
                   "1.5}}}", &ev), SOUK_DECLINED, "fractional amount");
    is_int(read_ev("{\"id\":\"e\",\"type\":\"checkout.session.completed\","
                   "\"data\":{\"object\":{\"id\":\"cs\",\"currency\":"
                   "\"euro\"}}}", &ev), SOUK_DECLINED, "bad currency");
}

int
main(void)
{
    if (sodium_init() < 0) {
        return 1;
    }
    test_known_answer();
    test_verify();
    test_malformed();
    test_session_events();
    test_other_events();
    return done_testing();
}

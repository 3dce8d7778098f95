/* libFuzzer target: the Stripe adapter's Stripe-Signature parser and
 * event reader (plugins/stripe/sign.c, event.c). Input: the header, a
 * newline, the body. A leading '!' signs the body for real first, so the
 * check must pass; otherwise whatever the header says is checked. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../../plugins/stripe/sign.c"
#include "../../plugins/stripe/event.c"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define FZ_CHECK(c)  do { if (!(c)) { abort(); } } while (0)
#define FZ_SECRET    "whsec_fuzz"
#define FZ_NOW       1700000000

/* What a read event must look like, whatever the body was. */
static void
fz_event(const souk_pay_event_t *ev, int rc, const char *why)
{
    static const char *const  states[] = { "", "captured", "failed" };
    size_t                    i;
    int                       known = 0;

    if (rc == SOUK_DECLINED) {
        FZ_CHECK(why[0] != '\0');
        return;
    }
    FZ_CHECK(rc == SOUK_OK || rc == SOUK_DONE);
    FZ_CHECK(ev->event_id[0] != '\0' && ev->type[0] != '\0');
    FZ_CHECK(memchr(ev->event_id, '\0', sizeof(ev->event_id)) != NULL);
    FZ_CHECK(memchr(ev->ref, '\0', sizeof(ev->ref)) != NULL);
    FZ_CHECK(memchr(ev->txn, '\0', sizeof(ev->txn)) != NULL);
    FZ_CHECK(ev->amount >= 0 && ev->created >= 0 && ev->payment_id >= 0);
    for (i = 0; i < sizeof(states) / sizeof(states[0]); i++) {
        known |= strcmp(ev->state, states[i]) == 0;
    }
    FZ_CHECK(known);
    FZ_CHECK(ev->currency[0] == '\0'
             || (strlen(ev->currency) == 3
                 && ev->currency[0] >= 'A' && ev->currency[0] <= 'Z'));
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char              *in, *nl, *body, why[256], mac[65], hdr[160];
    size_t             blen;
    stripe_sig_t       sig;
    souk_pay_event_t   ev;
    int                rc;

    in = malloc(size + 1);
    if (in == NULL) {
        return 0;
    }
    memcpy(in, data, size);
    in[size] = '\0';
    nl = strchr(in, '\n');
    body = nl != NULL ? nl + 1 : in + size;
    blen = (size_t) (in + size - body);
    if (nl != NULL) {
        *nl = '\0';
    }
    why[0] = '\0';
    if (stripe_sig_parse(in, &sig, why, sizeof(why)) == SOUK_OK) {
        FZ_CHECK(sig.nv1 >= 1 && sig.nv1 <= STRIPE_SIG_MAX && sig.t >= 0);
    } else {
        FZ_CHECK(why[0] != '\0');
    }
    if (in[0] == '!') {
        stripe_sig_make(FZ_SECRET, FZ_NOW, body, blen, mac);
        snprintf(hdr, sizeof(hdr), "t=%d,v1=%s", FZ_NOW, mac);
        FZ_CHECK(stripe_sig_verify(hdr, body, blen, FZ_SECRET, FZ_NOW, why,
                                   sizeof(why)) == SOUK_OK);
        FZ_CHECK(stripe_sig_verify(hdr, body, blen, "whsec_other", FZ_NOW,
                                   why, sizeof(why)) == SOUK_DECLINED);
    } else {
        rc = stripe_sig_verify(in, body, blen, FZ_SECRET, FZ_NOW, why,
                               sizeof(why));
        FZ_CHECK(rc == SOUK_OK || rc == SOUK_DECLINED);
    }
    why[0] = '\0';
    rc = stripe_event_read(body, blen, &ev, why, sizeof(why));
    fz_event(&ev, rc, why);
    free(in);
    return 0;
}

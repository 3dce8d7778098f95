/* Stripe's webhook signature: reading the Stripe-Signature header and
 * checking its HMAC-SHA256 over "TIMESTAMP.BODY". Pure functions (no
 * core calls), so the unit test and the fuzz target include this file. */
#include <stdio.h>
#include <string.h>

#include <sodium.h>

#include "stripe.h"

static int
stripe_sig_why(char *why, size_t whylen, const char *msg)
{
    if (why != NULL && whylen > 0) {
        snprintf(why, whylen, "%s", msg);
    }
    return SOUK_DECLINED;
}

/* A decimal timestamp of at most 12 digits (far past any real clock, and
 * short of overflowing int64 arithmetic with now). */
static int
stripe_sig_num(const char *s, size_t n, int64_t *out)
{
    size_t   i;
    int64_t  v = 0;

    if (n == 0 || n > 12) {
        return 0;
    }
    for (i = 0; i < n; i++) {
        if (s[i] < '0' || s[i] > '9') {
            return 0;
        }
        v = v * 10 + (s[i] - '0');
    }
    *out = v;
    return 1;
}

/* One "k=v" element of the header, s[0..n). */
static void
stripe_sig_item(const char *s, size_t n, stripe_sig_t *sig, int *have_t,
    int *bad_t)
{
    const char  *eq = memchr(s, '=', n);
    size_t       klen, vlen;
    const char  *v;

    if (eq == NULL) {
        return;
    }
    klen = (size_t) (eq - s);
    v = eq + 1;
    vlen = n - klen - 1;
    if (klen == 1 && s[0] == 't') {
        if (!*have_t && !stripe_sig_num(v, vlen, &sig->t)) {
            *bad_t = 1;
        }
        *have_t = 1;
        return;
    }
    if (klen == 2 && s[0] == 'v' && s[1] == '1' && vlen == 64
        && sig->nv1 < STRIPE_SIG_MAX
        && sodium_hex2bin(sig->v1[sig->nv1], 32, v, vlen, NULL, NULL, NULL)
           == 0)
    {
        sig->nv1++;
    }
}

int
stripe_sig_parse(const char *header, stripe_sig_t *sig, char *why,
    size_t whylen)
{
    const char  *p = header, *end;
    int          have_t = 0, bad_t = 0;

    memset(sig, 0, sizeof(*sig));
    if (header == NULL || header[0] == '\0') {
        return stripe_sig_why(why, whylen, "no Stripe-Signature header");
    }
    while (*p != '\0') {
        while (*p == ' ') {
            p++;
        }
        end = strchr(p, ',');
        if (end == NULL) {
            end = p + strlen(p);
        }
        stripe_sig_item(p, (size_t) (end - p), sig, &have_t, &bad_t);
        p = *end == ',' ? end + 1 : end;
    }
    if (!have_t || bad_t) {
        return stripe_sig_why(why, whylen,
                              "the Stripe-Signature header has no timestamp");
    }
    if (sig->nv1 == 0) {
        return stripe_sig_why(why, whylen,
                              "the Stripe-Signature header has no v1 "
                              "signature");
    }
    return SOUK_OK;
}

/* HMAC-SHA256 keyed with the whole secret string, over "t.body". */
static void
stripe_sig_mac(const char *secret, int64_t t, const char *body, size_t len,
    unsigned char mac[32])
{
    crypto_auth_hmacsha256_state  st;
    char                          ts[32];
    int                           n;

    n = snprintf(ts, sizeof(ts), "%lld.", (long long) t);
    crypto_auth_hmacsha256_init(&st, (const unsigned char *) secret,
                                strlen(secret));
    crypto_auth_hmacsha256_update(&st, (const unsigned char *) ts,
                                  (unsigned long long) n);
    crypto_auth_hmacsha256_update(&st, (const unsigned char *) body, len);
    crypto_auth_hmacsha256_final(&st, mac);
    sodium_memzero(&st, sizeof(st));
}

void
stripe_sig_make(const char *secret, int64_t t, const char *body, size_t len,
    char out[65])
{
    unsigned char  mac[32];

    stripe_sig_mac(secret, t, body, len, mac);
    sodium_bin2hex(out, 65, mac, sizeof(mac));
}

int
stripe_sig_verify(const char *header, const char *body, size_t len,
    const char *secret, int64_t now, char *why, size_t whylen)
{
    stripe_sig_t   sig;
    unsigned char  mac[32];
    size_t         i;
    int            match = 0;

    if (stripe_sig_parse(header, &sig, why, whylen) != SOUK_OK) {
        return SOUK_DECLINED;
    }
    stripe_sig_mac(secret, sig.t, body, len, mac);
    /* Every v1 is compared, so the time taken says nothing about which
     * one matched. */
    for (i = 0; i < sig.nv1; i++) {
        match |= sodium_memcmp(mac, sig.v1[i], sizeof(mac)) == 0;
    }
    if (!match) {
        return stripe_sig_why(why, whylen,
                              "no signature matches the body");
    }
    if (now - sig.t > STRIPE_TOLERANCE || sig.t - now > STRIPE_TOLERANCE) {
        return stripe_sig_why(why, whylen,
                              "timestamp outside the tolerance");
    }
    return SOUK_OK;
}

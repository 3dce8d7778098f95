/* Stub until helper S lands: the Stripe adapter. */
#include <souk.h>

static const char *const stripe_requires[] = { "payments", NULL };

SOUK_PLUGIN(stripe,
    .version  = "1.0.0",
    .requires = stripe_requires,
    .summary  = "stripe: card payments through Stripe Checkout");

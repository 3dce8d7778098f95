/* Unit tests of the payment state machine (core/payment.c): exactly the
 * documented moves, nothing out of a final state, no unknown state. */
#include <string.h>

#include <souk.h>

#include "tap.h"

static const char *const  states[] = { SOUK_PAY_PENDING, SOUK_PAY_AUTHORIZED,
    SOUK_PAY_CAPTURED, SOUK_PAY_PARTIALLY_REFUNDED, SOUK_PAY_REFUNDED,
    SOUK_PAY_FAILED, SOUK_PAY_VOIDED };

/* The moves souk/payment.h promises, written out again on purpose. */
static const char *const  moves[] = {
    "pending>authorized", "pending>captured", "pending>failed",
    "pending>voided", "authorized>captured", "authorized>failed",
    "authorized>voided", "captured>partially_refunded", "captured>refunded",
    "partially_refunded>partially_refunded", "partially_refunded>refunded",
};

static int
expected(const char *from, const char *to)
{
    char    pair[64];
    size_t  i;

    snprintf(pair, sizeof(pair), "%s>%s", from, to);
    for (i = 0; i < sizeof(moves) / sizeof(moves[0]); i++) {
        if (strcmp(moves[i], pair) == 0) {
            return 1;
        }
    }
    return 0;
}

int
main(void)
{
    size_t  i, j, n = sizeof(states) / sizeof(states[0]);

    for (i = 0; i < n; i++) {
        ok(souk_pay_state_ok(states[i]), "%s is a state", states[i]);
        for (j = 0; j < n; j++) {
            ok(!souk_pay_move_ok(states[i], states[j])
               == !expected(states[i], states[j]), "%s → %s is %sa move",
               states[i], states[j],
               expected(states[i], states[j]) ? "" : "not ");
        }
    }
    ok(!souk_pay_state_ok("paid") && !souk_pay_state_ok("")
       && !souk_pay_state_ok(NULL), "unknown states are not states");
    ok(!souk_pay_move_ok("pending", "paid")
       && !souk_pay_move_ok("bogus", "captured")
       && !souk_pay_move_ok(NULL, "captured")
       && !souk_pay_move_ok("pending", NULL), "no move to or from an "
       "unknown state");
    for (i = 0; i < n; i++) {
        ok(!souk_pay_move_ok(SOUK_PAY_REFUNDED, states[i])
           && !souk_pay_move_ok(SOUK_PAY_FAILED, states[i])
           && !souk_pay_move_ok(SOUK_PAY_VOIDED, states[i]),
           "nothing leaves a final state for %s", states[i]);
    }
    return done_testing();
}

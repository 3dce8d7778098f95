/* Unit tests of the order state machine's table: which moves are legal,
 * with cash on delivery and from on_hold, and which statuses a customer
 * may still cancel from. The money text helpers (souk/money.h) too. */
#include <string.h>

#include "tap.h"

#include "../../plugins/orders/orders.c"
#include "../../plugins/orders/status.c"

/* The plugin's other parts; not under test here. */
int ord_checkout_init(souk_plugin_ctx_t *c) { (void) c; return SOUK_OK; }
int ord_place_init(souk_plugin_ctx_t *c) { (void) c; return SOUK_OK; }
int ord_customer_init(souk_plugin_ctx_t *c) { (void) c; return SOUK_OK; }
int ord_staff_init(souk_plugin_ctx_t *c) { (void) c; return SOUK_OK; }
int ord_payhooks_init(souk_plugin_ctx_t *c) { (void) c; return SOUK_OK; }

int
ord_stock_return(souk_request_t *r, const char *number, int64_t line_id,
    int64_t qty, const char *kind)
{
    (void) r; (void) number; (void) line_id; (void) qty; (void) kind;
    return SOUK_OK;
}

int
ord_mail_status(souk_request_t *r, int64_t order_id, const char *status)
{
    (void) r; (void) order_id; (void) status;
    return SOUK_OK;
}

static void
test_path(void)
{
    static const char *const  path[] = { "pending_payment", "paid",
        "picking", "packed", "shipped", "delivered", "completed" };
    size_t                    i, j;

    for (i = 0; i + 1 < sizeof(path) / sizeof(path[0]); i++) {
        ok(ord_transition_ok(path[i], path[i + 1], "before", NULL),
           "%s -> %s", path[i], path[i + 1]);
        ok(!ord_transition_ok(path[i + 1], path[i], "before", NULL),
           "never back: %s -> %s", path[i + 1], path[i]);
        for (j = i + 2; j < sizeof(path) / sizeof(path[0]); j++) {
            ok(!ord_transition_ok(path[i], path[j], "before", NULL),
               "no skipping: %s -> %s", path[i], path[j]);
        }
    }
    ok(!ord_transition_ok("paid", "paid", "before", NULL), "no self move");
    ok(!ord_transition_ok("paid", "lost", "before", NULL), "unknown status");
    ok(!ord_transition_ok(NULL, "paid", "before", NULL), "NULL from");
}

static void
test_cancel_hold(void)
{
    ok(ord_transition_ok("packed", "cancelled", "before", NULL),
       "cancel before shipment");
    ok(!ord_transition_ok("shipped", "cancelled", "before", NULL),
       "no cancel once shipped (a return instead)");
    ok(!ord_transition_ok("cancelled", "paid", "before", NULL),
       "nothing leaves cancelled");
    ok(!ord_transition_ok("completed", "on_hold", "before", NULL),
       "nothing leaves completed");
    ok(ord_transition_ok("picking", "on_hold", "before", NULL), "hold");
    ok(!ord_transition_ok("shipped", "on_hold", "before", NULL),
       "no hold once shipped");
    ok(ord_transition_ok("on_hold", "picking", "before", "picking"),
       "release to where it was held");
    ok(!ord_transition_ok("on_hold", "packed", "before", "picking"),
       "not elsewhere");
    ok(ord_transition_ok("on_hold", "cancelled", "before", "picking"),
       "cancel from hold");
    ok(ord_status_cancellable("pending_payment")
       && ord_status_cancellable("on_hold")
       && !ord_status_cancellable("shipped")
       && !ord_status_cancellable("delivered"), "cancellable statuses");
}

static void
test_on_delivery(void)
{
    ok(!ord_transition_ok("pending_payment", "picking", "before", NULL),
       "paid first when paying before");
    ok(ord_transition_ok("pending_payment", "picking", "on_delivery", NULL),
       "cash on delivery is fulfilled unpaid");
}

static void
test_money(void)
{
    int64_t  v = -1;
    char     buf[32];
    cJSON   *half = cJSON_CreateNumber(2.5);

    ok(souk_money_parse("12.5", "EUR", &v) == SOUK_OK && v == 1250,
       "12.5 EUR is 1250");
    ok(souk_money_parse(" 7 ", "JPY", &v) == SOUK_OK && v == 7, "7 JPY");
    ok(souk_money_parse("1.005", "EUR", &v) != SOUK_OK, "too many decimals");
    ok(souk_money_parse("1.5", "JPY", &v) != SOUK_OK, "JPY has none");
    ok(souk_money_parse("-1", "EUR", &v) != SOUK_OK, "no sign");
    ok(souk_money_parse("1,50", "EUR", &v) != SOUK_OK, "no comma");
    ok(souk_money_parse("", "EUR", &v) != SOUK_OK, "empty");
    ok(souk_money_parse("1.", "EUR", &v) != SOUK_OK, "dangling point");
    ok(souk_money_parse("1234567890123456", "EUR", &v) != SOUK_OK,
       "16 integer digits");
    ok(souk_money_parse("1", "eur", &v) != SOUK_OK, "bad currency");
    ok(souk_money_format(buf, sizeof(buf), -123405, "KWD") == SOUK_OK
       && strcmp(buf, "-123.405") == 0, "KWD has three decimals");
    ok(souk_money_format(buf, sizeof(buf), 1500, "JPY") == SOUK_OK
       && strcmp(buf, "1500") == 0, "JPY none");
    ok(souk_int_parse("+3", 0, 9, &v) != SOUK_OK, "no plus sign");
    ok(souk_int_parse("10", 0, 9, &v) != SOUK_OK, "out of range");
    ok(souk_json_int(half, 0, 9, &v) != SOUK_OK, "2.5 is not whole");
    cJSON_Delete(half);
}

int
main(void)
{
    test_path();
    test_cancel_hold();
    test_on_delivery();
    test_money();
    return done_testing();
}

"""Card webhooks through nginx on the run's database engine, as Stripe
sends them (signed with the site's webhook secret): a completed session
captures the payment and pays the order; a bad signature and a timestamp
301 seconds away either way are refused with nothing recorded; the same
event twice is processed once; events out of order leave the right final
state; an amount that does not match is refused and flagged; an event
naming another site's payment finds nothing. Every case checks the
database afterwards."""

import time

from catalog_kit import make_product
from harness import check, eq
from pay_kit import SECRET, WHSEC, buy, event, order_row, pay_stack, \
    payments_of, webhook

USES_DB = True


def card_order(ctx, s, host="localhost", price=5500):
    """A card order placed through the API: (number, total, payment row)."""
    slug = "wh-%d" % int(time.time() * 1000 % 10**9)
    sku = slug.upper()
    make_product(s, slug, "Webhook Test", price, sku=sku, stock=20,
                 host=host)
    o = buy(ctx, s, sku, "card", host=host,
            email="buyer-%s@example.test" % host.split(".")[0])
    check(o.get("redirect", "").startswith(s.standin.url),
          "the card checkout redirects to the stand-in: %r" % o)
    rows = payments_of(s, o["number"])
    eq(len(rows), 1, "one payment for %s" % o["number"])
    eq(rows[0][2], "pending", "the new payment is pending")
    return o["number"], int(o["total"]["amount"] if isinstance(
        o["total"], dict) else o["total"]), rows[0]


def session(pay, amount, status="complete", paid="paid", cur="eur"):
    """The checkout.session object of our payment row."""
    return {"id": pay[6], "object": "checkout.session",
            "amount_total": amount, "currency": cur, "status": status,
            "payment_status": paid, "payment_intent": "pi_test_%s" % pay[0],
            "client_reference_id": "",
            "metadata": {"payment_id": str(pay[0])}}


def events_of(s, pid):
    """(kind, type, event_id, note) of a payment's events, oldest first."""
    return s.sql("SELECT kind, type, event_id, note FROM payment_events "
                 "WHERE payment_id = ? ORDER BY id", (pid,))


def timeline_payments(s, number):
    return int(s.sql("SELECT COUNT(*) FROM order_events e JOIN orders o ON "
                     "o.id = e.order_id WHERE o.number = ? AND e.kind = "
                     "'payment'", (number,))[0][0])


def assert_untouched(s, number, pay, n_events):
    eq(payments_of(s, number)[0][2:6], ("pending", pay[3], "0", "0"),
       "the payment did not move")
    eq(order_row(s, number)[0], "pending_payment", "the order still waits")
    eq(len(events_of(s, pay[0])), n_events, "no event recorded")


def test_valid_completed(ctx):
    s = pay_stack(ctx)
    number, total, pay = card_order(ctx, s)
    r = webhook(s, event("evt_valid_1", "checkout.session.completed",
                         session(pay, total)))
    eq(r.status, 200, "a valid event is taken: %s" % r.text())
    eq(r.json().get("received"), True, "the answer says received")
    p = payments_of(s, number)[0]
    eq((p[2], p[4]), ("captured", str(total)), "the payment is captured")
    eq(order_row(s, number), ("paid", str(total), str(total)),
       "the order is paid in full")
    ev = events_of(s, pay[0])
    check(any(e[2] == "evt_valid_1" and e[1] == "checkout.session.completed"
              for e in ev), "the raw event id is recorded: %r" % (ev,))
    led = s.sql("SELECT due, captured, refunded, status FROM payment_ledger "
                "WHERE order_number = ?", (number,))
    eq(led, [(str(total), str(total), "0", "paid")], "the ledger follows")
    eq(timeline_payments(s, number), 1, "one payment on the timeline")


def test_bad_signature(ctx):
    s = pay_stack(ctx)
    number, total, pay = card_order(ctx, s)
    n = len(events_of(s, pay[0]))
    obj = event("evt_forged", "checkout.session.completed",
                session(pay, total))
    r = webhook(s, obj, secret="whsec_not_the_site_s_secret")
    eq(r.status, 400, "a forged signature is refused")
    r = webhook(s, obj, sig="t=%d,v1=%s" % (int(time.time()), "0" * 64))
    eq(r.status, 400, "a made-up signature is refused")
    r = webhook(s, obj, sig="")
    eq(r.status, 400, "no signature is refused")
    r = webhook(s, obj, secret=WHSEC["bazaar"])
    eq(r.status, 400, "another site's secret is refused")
    assert_untouched(s, number, pay, n)
    eq(s.sql("SELECT COUNT(*) FROM payment_events WHERE event_id = ?",
             ("evt_forged",))[0][0], "0", "the event id is not recorded")


def test_timestamp_tolerance(ctx):
    s = pay_stack(ctx)
    number, total, pay = card_order(ctx, s)
    n = len(events_of(s, pay[0]))
    obj = event("evt_stale", "checkout.session.completed",
                session(pay, total))
    for skew in (-301, 301):
        r = webhook(s, obj, t=time.time() + skew)
        eq(r.status, 400, "a timestamp %+d s away is refused" % skew)
    assert_untouched(s, number, pay, n)
    r = webhook(s, obj, t=time.time() - 200)
    eq(r.status, 200, "200 s old is within the tolerance")
    eq(payments_of(s, number)[0][2], "captured", "then it is taken")


def test_same_event_twice(ctx):
    s = pay_stack(ctx)
    number, total, pay = card_order(ctx, s)
    obj = event("evt_twice", "checkout.session.completed",
                session(pay, total))
    r1 = webhook(s, obj)
    r2 = webhook(s, obj)
    eq((r1.status, r2.status), (200, 200), "both deliveries answered 200")
    eq(r2.json().get("duplicate"), True, "the second is a duplicate")
    eq(s.sql("SELECT COUNT(*) FROM payment_events WHERE event_id = ?",
             ("evt_twice",))[0][0], "1", "one event row")
    p = payments_of(s, number)[0]
    eq((p[2], p[4]), ("captured", str(total)), "captured once")
    eq(order_row(s, number)[2], str(total), "paid_amount counted once")
    eq(timeline_payments(s, number), 1, "one payment.received")
    # a retry signed later (a new timestamp) is the same event
    r3 = webhook(s, obj, t=time.time() - 5)
    eq(r3.status, 200, "a later retry is answered")
    eq(payments_of(s, number)[0][4], str(total), "still captured once")


def test_expired_after_completed(ctx):
    s = pay_stack(ctx)
    number, total, pay = card_order(ctx, s)
    eq(webhook(s, event("evt_ooo_done", "checkout.session.completed",
                        session(pay, total))).status, 200, "completed")
    r = webhook(s, event("evt_ooo_exp", "checkout.session.expired",
                         session(pay, total, status="expired",
                                 paid="unpaid")))
    eq(r.status, 200, "a late expiry is answered (or it is sent again)")
    p = payments_of(s, number)[0]
    eq((p[2], p[4]), ("captured", str(total)), "the payment stays captured")
    eq(order_row(s, number)[0], "paid", "the order stays paid")
    notes = [e[3] for e in events_of(s, pay[0]) if e[2] == "evt_ooo_exp"]
    eq(len(notes), 1, "the late event is recorded")
    check("out of order" in notes[0], "and said to be out of order: %r"
          % notes)


def test_async_succeeded_before_completed(ctx):
    s = pay_stack(ctx)
    number, total, pay = card_order(ctx, s)
    eq(webhook(s, event("evt_async_ok",
                        "checkout.session.async_payment_succeeded",
                        session(pay, total))).status, 200, "async first")
    eq(webhook(s, event("evt_async_done", "checkout.session.completed",
                        session(pay, total))).status, 200, "completed next")
    p = payments_of(s, number)[0]
    eq((p[2], p[4]), ("captured", str(total)), "captured once, not twice")
    eq(order_row(s, number), ("paid", str(total), str(total)),
       "the order is paid once")
    eq(timeline_payments(s, number), 1, "one payment on the timeline")
    ids = [e[2] for e in events_of(s, pay[0])]
    check("evt_async_ok" in ids and "evt_async_done" in ids,
          "both events recorded: %r" % ids)


def test_amount_mismatch(ctx):
    s = pay_stack(ctx)
    number, total, pay = card_order(ctx, s)
    r = webhook(s, event("evt_short", "checkout.session.completed",
                         session(pay, 1200)))
    eq(r.status, 422, "an amount that does not match is refused")
    p = s.sql("SELECT state, captured, flag FROM payments WHERE id = ?",
              (pay[0],))[0]
    eq(p[:2], ("pending", "0"), "nothing captured")
    check("amount mismatch: got 12.00 EUR" in p[2], "flagged: %r" % p[2])
    eq(order_row(s, number), ("pending_payment", str(total), "0"),
       "the order still waits for its payment")
    flags = [e for e in events_of(s, pay[0]) if e[0] == "flag"]
    eq(len(flags), 1, "the flag is recorded with its event id")
    eq(flags[0][2], "evt_short", "under the raw event id")
    r = webhook(s, event("evt_usd", "checkout.session.completed",
                         session(pay, total, cur="usd")))
    eq(r.status, 422, "the right amount in another currency is refused")
    eq(order_row(s, number)[0], "pending_payment", "the order did not move")


def test_other_sites_payment(ctx):
    s = pay_stack(ctx)
    number, total, pay = card_order(ctx, s, host="bazaar.test")
    n = len(events_of(s, pay[0]))
    obj = event("evt_cross", "checkout.session.completed",
                session(pay, total))
    r = webhook(s, obj, site="demo")
    eq(r.status, 404, "demo finds no payment of bazaar's")
    r = webhook(s, obj, site="other")
    eq(r.status, 404, "other.test finds none either")
    assert_untouched(s, number, pay, n)
    eq(s.sql("SELECT COUNT(*) FROM payment_events WHERE event_id = ?",
             ("evt_cross",))[0][0], "0", "nothing recorded anywhere")
    r = webhook(s, obj, site="bazaar")
    eq(r.status, 200, "bazaar's own event is taken")
    eq(payments_of(s, number)[0][2], "captured", "on bazaar")
    check(SECRET["bazaar"] != SECRET["demo"], "sites have their own keys")

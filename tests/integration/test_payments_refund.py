"""Refunds through the staff API, through nginx on the run's database
engine: a card order paid through the Stripe stand-in refunded in part and
then in full (the stand-in sees each refund with an Idempotency-Key, the
order's timeline and paid amount follow, the customer gets a mail), what
is refused (too much 422, bad input 400, a customer 403, another site's
payment 404, the gateway refusing 502) with nothing written, an offline
payment refunded without any gateway, and eight staff refunding the same
payment at once never giving back more than was captured."""

import threading

from harness import check, eq, wait_for

from catalog_kit import add_user, api, make_product, staff_token
from pay_kit import buy, pay_stack, payments_of, order_row, product

USES_DB = True


# ---------------------------------------------------------------------------
# Helpers

def refund(s, pid, amount, reason="damaged in transit", token=None,
           host="localhost", raw=None):
    body = None if raw is not None else {"amount": amount, "reason": reason}
    return api(s, "POST", "/api/v1/staff/payments/%d/refunds" % pid, body,
               token=token, host=host, raw=raw)


def payment(s, pid):
    """(state, captured, refunded, refund_pending) of payment pid."""
    row = s.sql("SELECT state, captured, refunded, refund_pending FROM "
                "payments WHERE id = ?", (pid,))[0]
    return row[0], int(row[1]), int(row[2]), int(row[3])


def written(s):
    """Row counts a refused refund must leave alone."""
    return {t: s.sql("SELECT COUNT(*) FROM %s" % t)[0][0]
            for t in ("payment_refunds", "payment_events", "order_events",
                      "souk_outbox")}


def refund_calls(s):
    return [q for q in s.standin.requests()
            if q["method"] == "POST" and q["path"] == "/v1/refunds"]


def header(q, name):
    for k, v in (q.get("headers") or {}).items():
        if k.lower() == name.lower():
            return v
    return None


def card_paid(ctx, s, sku, email="card@example.test"):
    """A card order paid on the stand-in's hosted page; waits for the
    webhook to capture it. (number, payment id, amount)."""
    number = buy(ctx, s, sku, "card", email=email)["number"]
    pid, _, state, amount, _, _, ref = payments_of(s, number)[-1]
    eq(state, "pending", "the card payment waits for the gateway")
    r = s.standin.pay(ref)
    check(r is not None, "the stand-in took the card: %r" % r)
    wait_for(lambda: payments_of(s, number)[-1][2] == "captured",
             "the webhook captured the payment", timeout=20)
    return number, int(pid), int(amount)


def bank_paid(ctx, s, sku, email="bank@example.test", host="localhost"):
    """A bank transfer order whose whole amount staff recorded as
    received. (number, payment id, amount)."""
    number = buy(ctx, s, sku, "bank_transfer", email=email,
                 host=host)["number"]
    pid, method, state, amount, _, _, _ = payments_of(s, number)[-1]
    eq(method, "bank_transfer", "a bank transfer payment")
    r = api(s, "POST", "/api/v1/staff/payments/%s/receipts" % pid,
            {"amount": int(amount), "note": "statement line 42"}, host=host)
    eq(r.status, 201, "staff record the transfer received: %r" % r)
    eq(payment(s, int(pid))[0], "captured", "received in full")
    return number, int(pid), int(amount)


def product_on(s, slug, price, host):
    """A product with one EUR variant on the site of host."""
    sku = slug.upper()
    make_product(s, slug, slug.title(), price, sku=sku, stock=50, host=host,
                 extra={"variants": [{"sku": sku, "prices": [
                     {"currency": "EUR", "amount": price}]}]})
    return sku


def timeline_refunds(s, number):
    return s.sql("SELECT e.note FROM order_events e JOIN orders o ON o.id "
                 "= e.order_id WHERE o.number = ? AND e.kind = 'refund' "
                 "ORDER BY e.id", (number,))


def refund_mails(s, email):
    return [r for r in s.sql("SELECT subject, body_text FROM souk_outbox "
                             "WHERE recipient = ? ORDER BY id", (email,))
            if "refund" in (r[0] + r[1]).lower()]


# ---------------------------------------------------------------------------
# Tests

def test_card_refund_partial_then_rest(ctx):
    """A card payment of 49.90 refunded 20.00 then the rest through the
    stand-in; 0.01 more is 422; bad input 400; nothing written by any
    refusal."""
    s = pay_stack(ctx)
    sku = product(s, "lamp", 4990)
    number, pid, amount = card_paid(ctx, s, sku)
    eq(order_row(s, number)[0], "paid", "the order is paid")

    r = refund(s, pid, 2000, "scratched lamp shade")
    eq(r.status, 201, "partial refund: %r" % r)
    eq(r["refund"]["amount"], 2000, "the refund's amount")
    eq(r["refund"]["state"], "succeeded", "the gateway said yes")
    eq(r["payment"]["state"], "partially_refunded", "answered payment")
    eq(r["payment"]["refundable"], amount - 2000, "what is left")
    calls = refund_calls(s)
    eq(len(calls), 1, "the stand-in got one refund call")
    eq(str(calls[0]["form"].get("amount")), "2000", "for 20.00")
    check(header(calls[0], "Idempotency-Key"),
          "the refund call carries an Idempotency-Key: %r" % calls[0])
    eq(payment(s, pid), ("partially_refunded", amount, 2000, 0),
       "payment partially refunded")
    eq(int(order_row(s, number)[2]), amount - 2000, "order paid_amount")
    notes = timeline_refunds(s, number)
    eq(len(notes), 1, "order.refunded put one refund on the timeline")
    check("scratched lamp shade" in notes[0][0], "with the reason: %r"
          % notes)
    wait_for(lambda: len(refund_mails(s, "card@example.test")) == 1,
             "the customer's refund mail is in the outbox")

    before = written(s)
    for body, what in (({"amount": 100}, "no reason"),
                       ({"amount": 100, "reason": "  "}, "blank reason"),
                       ({"amount": 0, "reason": "x"}, "zero"),
                       ({"amount": -5, "reason": "x"}, "negative"),
                       ({"amount": 12.5, "reason": "x"}, "a fraction"),
                       ({"amount": "100", "reason": "x"}, "a string"),
                       ({"reason": "x"}, "no amount")):
        a = api(s, "POST", "/api/v1/staff/payments/%d/refunds" % pid, body)
        eq(a.status, 400, "%s: %r" % (what, a))
    a = refund(s, pid, 0, raw=b"amount=100&reason=x")
    eq(a.status, 400, "not JSON: %r" % a)
    eq(written(s), before, "bad input wrote nothing")
    eq(len(refund_calls(s)), 1, "and asked no gateway")

    r = refund(s, pid, amount - 2000, "customer sent it back")
    eq(r.status, 201, "refund of the rest: %r" % r)
    eq(payment(s, pid), ("refunded", amount, amount, 0), "fully refunded")
    eq(int(order_row(s, number)[2]), 0, "nothing paid any more")
    eq(len(refund_calls(s)), 2, "the second refund reached the stand-in")
    keys = {header(q, "Idempotency-Key") for q in refund_calls(s)}
    eq(len(keys), 2, "each refund has its own idempotency key")

    before = written(s)
    a = refund(s, pid, 1, "one cent more")
    eq(a.status, 422, "one cent more than captured: %r" % a)
    eq(written(s), before, "the refusal wrote nothing")
    eq(payment(s, pid), ("refunded", amount, amount, 0), "unchanged")
    eq(len(refund_calls(s)), 2, "no gateway call for a refusal")


def test_refund_refusals(ctx):
    """A customer's token is 403, another site's payment 404, a payment
    with nothing captured 422, the gateway refusing 502 with the amount
    released; nothing written by any of them."""
    s = pay_stack(ctx)
    sku = product(s, "kettle", 3000)
    number, pid, amount = card_paid(ctx, s, sku, email="k@example.test")

    add_user(ctx, s, "shopper@example.test", "customer")
    tok = staff_token(s, "shopper@example.test")
    bsku = product_on(s, "kettle-b", 3000, "bazaar.test")
    bnum = buy(ctx, s, bsku, "bank_transfer", email="b@example.test",
               host="bazaar.test")["number"]
    bpid = int(payments_of(s, bnum)[-1][0])
    before = written(s)
    a = refund(s, pid, 100, token=tok)
    eq(a.status, 403, "a customer may not refund: %r" % a)
    a = refund(s, pid, 100, token="")
    eq(a.status, 401, "an anonymous client may not refund: %r" % a)

    add_user(ctx, s, "clerk@example.test", "payments_clerk")
    clerk = staff_token(s, "clerk@example.test")
    a = refund(s, pid, 100, token=clerk)
    eq(a.status, 403, "a payments clerk may not refund: %r" % a)
    a = api(s, "GET", "/api/v1/staff/orders/%s/payments" % number,
            token=clerk)
    eq(a.status, 200, "but may look: %r" % a)

    # another site's payment through this site: not there
    a = refund(s, bpid, 100)
    eq(a.status, 404, "bazaar's payment through demo: %r" % a)
    a = refund(s, 999999, 100)
    eq(a.status, 404, "no such payment: %r" % a)
    a = refund(s, bpid, 100, host="bazaar.test")
    eq(a.status, 422, "nothing captured yet: %r" % a)
    eq(written(s), before, "no refusal wrote anything")

    # the gateway says no: 502, the reservation released
    s.standin.fail("/v1/refunds", 1, 402)
    a = refund(s, pid, 500, "gateway will refuse")
    eq(a.status, 502, "the gateway refused: %r" % a)
    eq(payment(s, pid), ("captured", amount, 0, 0),
       "nothing refunded, nothing reserved")
    eq(s.sql("SELECT state FROM payment_refunds WHERE payment_id = ?",
             (pid,)), [("failed",)], "the refund row says failed")
    eq(timeline_refunds(s, number), [], "no refund on the timeline")
    r = refund(s, pid, 500, "second try")
    eq(r.status, 201, "a later refund works: %r" % r)
    eq(payment(s, pid), ("partially_refunded", amount, 500, 0), "refunded")


def test_offline_refund_without_gateway(ctx):
    """A bank transfer received in full is refunded by staff (money handed
    back by them): no gateway call, the order and the mail follow."""
    s = pay_stack(ctx)
    sku = product(s, "rug", 12000)
    number, pid, amount = bank_paid(ctx, s, sku, email="rug@example.test")
    eq(order_row(s, number)[0], "paid", "paid by transfer")
    r = refund(s, pid, 2500, "colour differs from the photo")
    eq(r.status, 201, "offline refund: %r" % r)
    eq(r["refund"]["state"], "succeeded", "succeeds at once")
    eq(payment(s, pid), ("partially_refunded", amount, 2500, 0), "payment")
    eq(refund_calls(s), [], "no gateway was asked")
    eq(int(order_row(s, number)[2]), amount - 2500, "order paid_amount")
    eq(len(timeline_refunds(s, number)), 1, "refund on the timeline")
    wait_for(lambda: len(refund_mails(s, "rug@example.test")) == 1,
             "the refund mail is in the outbox")


def race(s, pid, n=8, amount=3000):
    """n staff refund amount of payment pid at the same moment: the
    statuses answered, sorted."""
    start = threading.Barrier(n)
    answers = []
    lock = threading.Lock()

    def one(i):
        start.wait()
        a = refund(s, pid, amount, "race %d" % i)
        with lock:
            answers.append(a.status)

    threads = [threading.Thread(target=one, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    return sorted(answers)


def test_two_staff_at_once(ctx):
    """Eight staff refund 30.00 of a captured 100.00 at the same moment on
    four workers, for a bank transfer (no gateway) and a card payment (the
    gateway asked between reserving and recording): each time exactly
    three succeed, 90.00 refunded, the rest 422."""
    s = pay_stack(ctx, workers=4)
    sku = product(s, "sofa", 10000)
    for kind in ("bank", "card"):
        if kind == "bank":
            number, pid, amount = bank_paid(ctx, s, sku,
                                            email="sofa@example.test")
        else:
            number, pid, amount = card_paid(ctx, s, sku,
                                            email="sofa2@example.test")
        eq(amount, 10000, "a 100.00 payment")
        eq(race(s, pid), [201] * 3 + [422] * 5,
           "%s: three refunds, five refused" % kind)
        st, captured, refunded, pending = payment(s, pid)
        eq((st, refunded, pending), ("partially_refunded", 9000, 0),
           "%s: 90.00 refunded, nothing left reserved" % kind)
        check(refunded <= captured, "never more than captured")
        eq(s.sql("SELECT COUNT(*) FROM payment_refunds WHERE payment_id = ? "
                 "AND state = 'succeeded'", (pid,))[0][0], "3",
           "%s: three rows" % kind)
        eq(len(timeline_refunds(s, number)), 3,
           "%s: three refunds on the timeline" % kind)
        eq(int(order_row(s, number)[2]), 1000, "%s: 10.00 still paid" % kind)
    eq(len(refund_calls(s)), 3, "the gateway was asked three times")

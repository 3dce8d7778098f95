"""The offline payment methods through nginx on the run's database engine:
cash on delivery (a pending payment at checkout, captured when staff mark
the order delivered, voided when it is cancelled) and bank transfer (the
details mail with IBAN and reference, staff recording money received in
parts through the staff API and the back office form, refusals that
change nothing, the reminder job that reminds once)."""

import threading

from catalog_kit import PASSWORD, add_user, api, souk, staff_token
from harness import Browser, check, eq
from pay_kit import BANK, buy, order_row, pay_stack, payments_of, product

USES_DB = True

BUYER = "buyer@example.test"


def stack(ctx, **kw):
    """Offline methods need no card stand-in; jobs run only when a test
    runs them."""
    return pay_stack(ctx, standin=False, jobs=False, **kw)


def staff(s, method, path, obj=None, **kw):
    return api(s, method, "/api/v1/staff" + path, obj, **kw)


def move(s, number, to):
    r = staff(s, "POST", "/orders/%s/transitions" % number, {"to": to})
    eq(r.status, 200, "move %s to %s: %r" % (number, to, r))


def ship(s, number):
    r = staff(s, "POST", "/orders/%s/ship" % number, {
        "carrier": "DHL", "tracking_number": "00340434161234567890"})
    eq(r.status, 200, "ship %s: %r" % (number, r))


def pay_row(s, number):
    """(id, method, state, amount, captured, refunded, provider_ref) of the
    order's only payment."""
    rows = payments_of(s, number)
    eq(len(rows), 1, "one payment for %s: %r" % (number, rows))
    return rows[0]


def pay_events(s, pid):
    return s.sql("SELECT kind, from_state, to_state, amount, note FROM "
                 "payment_events WHERE payment_id = ? ORDER BY id",
                 (int(pid),))


def mails(s, to=BUYER):
    return s.sql("SELECT subject, body_text FROM souk_outbox WHERE "
                 "recipient = ? ORDER BY id", (to,))


def snapshot(s, number):
    """Everything a refused receipt must leave alone."""
    return (payments_of(s, number), order_row(s, number),
            s.sql("SELECT COUNT(*) FROM payment_events")[0][0],
            s.sql("SELECT COUNT(*) FROM order_events")[0][0],
            s.sql("SELECT order_id, captured FROM payment_ledger ORDER BY "
                  "order_id"))


# ---------------------------------------------------------------------------
# Cash on delivery

def test_cod_captured_on_delivery(ctx):
    """A COD order waits pending_payment with a pending payment of its
    total; picking, packing and shipping leave the payment alone and
    completed is refused until delivery; delivered captures it (event
    "received", cash collected), paid_amount = total, and completed is
    then allowed."""
    s = stack(ctx)
    sku = product(s, "cod-mug", 1990)
    o = buy(ctx, s, sku, "cod")
    n = o["number"]
    eq(o["status"], "pending_payment", "a COD order waits for its cash")
    pid, method, state, amount, captured, _, _ = pay_row(s, n)
    total = order_row(s, n)[1]
    eq((method, state, amount, captured), ("cod", "pending", total, "0"),
       "a pending COD payment of the total")
    move(s, n, "picking")
    move(s, n, "packed")
    ship(s, n)
    eq(pay_row(s, n)[2], "pending", "shipped: still not paid")
    r = staff(s, "POST", "/orders/%s/transitions" % n, {"to": "delivered"})
    eq(r.status, 200, "delivered: %r" % r)
    _, _, state, amount, captured, _, _ = pay_row(s, n)
    eq((state, captured), ("captured", total), "the cash is counted")
    eq(order_row(s, n), ("delivered", total, total), "paid in full")
    ev = pay_events(s, pid)
    check(any(e[0] == "received" and e[2] == "captured" and e[3] == total
              and "cash collected on delivery" in e[4] for e in ev),
          "a received event: %r" % ev)
    eq(s.sql("SELECT due, captured FROM payment_ledger l JOIN orders o ON "
             "o.id = l.order_id WHERE o.number = ?", (n,)),
       [(total, total)], "the ledger balances")
    move(s, n, "completed")
    eq(order_row(s, n)[0], "completed", "completed once paid")


def test_cod_cancelled_voided_and_not_completable(ctx):
    """A cancelled COD order's pending payment is voided with nothing
    captured; another COD order shipped but not delivered cannot be
    completed (orders refuses: not paid); a COD order without a payment
    row gets one captured when delivered."""
    s = stack(ctx)
    sku = product(s, "cod-pan", 4500)
    n = buy(ctx, s, sku, "cod")["number"]
    move(s, n, "cancelled")
    _, _, state, _, captured, _, _ = pay_row(s, n)
    eq((state, captured), ("voided", "0"), "the COD payment is voided")
    eq(order_row(s, n)[2], "0", "nothing paid")
    n2 = buy(ctx, s, sku, "cod")["number"]
    move(s, n2, "picking")
    move(s, n2, "packed")
    ship(s, n2)
    r = staff(s, "POST", "/orders/%s/transitions" % n2, {"to": "completed"})
    eq(r.status, 409, "shipped → completed is refused: %r" % r)
    eq(pay_row(s, n2)[2], "pending", "the payment still waits")
    # a COD order whose payment is missing (placed before the plugin was
    # on): delivery records the cash in a payment made then
    n3 = buy(ctx, s, sku, "cod")["number"]
    s.sql("DELETE FROM payment_events WHERE payment_id IN (SELECT id FROM "
          "payments WHERE order_number = ?)", (n3,))
    s.sql("DELETE FROM payments WHERE order_number = ?", (n3,))
    for to in ("picking", "packed"):
        move(s, n3, to)
    ship(s, n3)
    move(s, n3, "delivered")
    eq(pay_row(s, n3)[1:5], ("cod", "captured", "4500", "4500"),
       "a payment made and captured on delivery")
    eq(order_row(s, n3), ("delivered", "4500", "4500"), "paid in full")


# ---------------------------------------------------------------------------
# Bank transfer

def test_bank_details_and_receipts(ctx):
    """A bank-transfer order gets a pending payment whose reference is
    SOUK-NUMBER and a mail with the IBAN, BIC, holder and reference. Staff
    record 20.00 of 55.00: the payment stays pending with 20.00 captured,
    the order pending_payment with paid_amount 20.00; the remaining 35.00
    captures it and the order is paid; a further receipt is 422."""
    s = stack(ctx)
    sku = product(s, "bank-lamp", 5500)
    o = buy(ctx, s, sku, "bank_transfer")
    n = o["number"]
    pid, method, state, amount, captured, _, ref = pay_row(s, n)
    total = order_row(s, n)[1]
    eq((method, state, captured, ref), ("bank_transfer", "pending", "0",
                                        "SOUK-" + n), "pending, referenced")
    eq(s.sql("SELECT reference FROM payments WHERE id = ?", (int(pid),)),
       [("SOUK-" + n,)], "the reference the payer quotes")
    body = "\n".join(m[1] for m in mails(s))
    for want in (BANK["payments.bank_transfer.iban"],
                 BANK["payments.bank_transfer.bic"],
                 BANK["payments.bank_transfer.holder"], "SOUK-" + n):
        check(want in body, "the details mail carries %s: %s"
              % (want, body[-600:]))
    r = staff(s, "POST", "/payments/%s/receipts" % pid,
              {"amount": 2000, "note": "first instalment"})
    eq(r.status, 201, "a part received: %r" % r)
    eq((r["payment"]["state"], r["payment"]["captured"]),
       ("pending", 2000), "the answer is the payment")
    eq(pay_row(s, n)[2:5], ("pending", total, "2000"), "open, 20.00 in")
    eq(order_row(s, n), ("pending_payment", total, "2000"),
       "the order waits for the rest")
    rest = int(total) - 2000
    r = staff(s, "POST", "/payments/%s/receipts" % pid, {"amount": rest})
    eq(r.status, 201, "the rest received: %r" % r)
    eq(pay_row(s, n)[2:5], ("captured", total, total), "captured")
    eq(order_row(s, n), ("paid", total, total), "the order is paid")
    kinds = [e[0] for e in pay_events(s, pid)]
    eq(kinds.count("received"), 2, "two receipts recorded: %r" % kinds)
    r = staff(s, "POST", "/payments/%s/receipts" % pid, {"amount": 1})
    eq(r.status, 422, "no longer open: %r" % r)
    eq(pay_row(s, n)[2:5], ("captured", total, total), "unchanged")


def test_bank_receipt_refusals(ctx):
    """More than is due is 422 naming what is due; 0 and -1 are 422;
    "abc", 1.234 and a missing amount are 400; a bad note is 400; a COD
    payment is 422; another site's payment 404; a customer 403: each
    leaves payments, events and the order as they were. The back office
    form refuses 1.234 with a message (303, nothing changed) and records
    12.50 typed as money text."""
    s = stack(ctx)
    sku = product(s, "bank-desk", 5500)
    n = buy(ctx, s, sku, "bank_transfer")["number"]
    pid = pay_row(s, n)[0]
    cod = buy(ctx, s, sku, "cod")["number"]
    before = snapshot(s, n)
    r = staff(s, "POST", "/payments/%s/receipts" % pid, {"amount": 5501})
    eq(r.status, 422, "over-receipt: %r" % r)
    check("more than the 55.00 EUR still due" in r.raw.text(),
          "says what is due: %r" % r)
    for bad, status in ((0, 422), (-1, 422), ("abc", 400), (1.234, 400),
                        (None, 400)):
        body = {"note": "x"} if bad is None else {"amount": bad}
        r = staff(s, "POST", "/payments/%s/receipts" % pid, body)
        eq(r.status, status, "amount %r: %r" % (bad, r))
    r = staff(s, "POST", "/payments/%s/receipts" % pid,
              {"amount": 100, "note": 5})
    eq(r.status, 400, "a note that is not text: %r" % r)
    r = staff(s, "POST", "/payments/%s/receipts" % pid, raw=b"amount=1")
    eq(r.status, 400, "not JSON: %r" % r)
    r = staff(s, "POST", "/payments/%s/receipts" % pay_row(s, cod)[0],
              {"amount": 100})
    eq(r.status, 422, "a COD payment is no bank transfer: %r" % r)
    eq(snapshot(s, n), before, "nothing changed by the refusals")
    r = staff(s, "POST", "/payments/%s/receipts" % pid, {"amount": 100},
              host="bazaar.test")
    eq(r.status, 404, "another site's payment: %r" % r)
    add_user(ctx, s, "shopper@example.test", "customer")
    tok = staff_token(s, "shopper@example.test")
    r = staff(s, "POST", "/payments/%s/receipts" % pid, {"amount": 100},
              token=tok)
    eq(r.status, 403, "a customer may not: %r" % r)
    r = staff(s, "POST", "/payments/999999/receipts", {"amount": 100})
    eq(r.status, 404, "no such payment: %r" % r)
    eq(snapshot(s, n), before, "still nothing changed")
    b = Browser(s)
    eq(b.login("admin@example.test", PASSWORD).status, 303, "admin signs in")
    r = b.post("/admin/payments/%s/receive" % pid, {"amount": "1.234"},
               token_from="/admin/orders")
    eq(r.status, 303, "the form answers with a redirect: %r" % r)
    check(r.header("location").endswith("/admin/payments/orders/" + n),
          "back to the order's payments: %r" % r.header("location"))
    eq(snapshot(s, n), before, "1.234 changed nothing")
    r = b.post("/admin/payments/%s/receive" % pid,
               {"amount": "12.50", "note": "counter"},
               token_from="/admin/orders")
    eq(r.status, 303, "recorded: %r" % r)
    eq(pay_row(s, n)[2:5], ("pending", "5500", "1250"), "12.50 in")
    r = b.req("POST", "/admin/payments/%s/receive" % pid,
              form={"amount": "1.00"})
    eq(r.status, 403, "no CSRF token: %r" % r)
    eq(pay_row(s, n)[4], "1250", "unchanged without a token")


def test_bank_reminder_once(ctx):
    """A bank transfer open for longer than reminder_days (3 here) gets one
    reminder mail and reminded_at; running the job again sends none; a
    younger transfer and a paid one get none."""
    s = stack(ctx, settings={"payments.bank_transfer.reminder_days": "3"})
    sku = product(s, "bank-rug", 3000)
    old = buy(ctx, s, sku, "bank_transfer")["number"]
    young = buy(ctx, s, sku, "bank_transfer")["number"]
    paid = buy(ctx, s, sku, "bank_transfer")["number"]
    ppaid = pay_row(s, paid)[0]
    r = staff(s, "POST", "/payments/%s/receipts" % ppaid, {"amount": 3000})
    eq(r.status, 201, "paid in full: %r" % r)
    s.sql("UPDATE payments SET created_at = created_at - 4 * 86400 WHERE "
          "order_number IN (?, ?)", (old, paid))
    s.sql("UPDATE payments SET created_at = created_at - 2 * 86400 WHERE "
          "order_number = ?", (young,))
    before = len(mails(s))

    def reminders():
        return [m for m in mails(s)[before:] if old in m[0] + m[1]
                or young in m[0] + m[1] or paid in m[0] + m[1]]

    rc, out, err = souk(ctx, s, "job", "run", "payments.bank_reminders",
                        "--site", "demo")
    eq(rc, 0, "the job runs: %s %s" % (out, err))
    got = reminders()
    eq(len(got), 1, "one reminder: %r" % got)
    check(old in got[0][0] + got[0][1], "for the old transfer: %r" % got)
    check("SOUK-" + old in got[0][1], "with its reference: %r" % got)
    eq([row[0] is not None for row in s.sql(
        "SELECT reminded_at FROM payments WHERE order_number = ?", (old,))],
       [True], "reminded_at is set")
    rc, out, err = souk(ctx, s, "job", "run", "payments.bank_reminders",
                        "--site", "demo")
    eq(rc, 0, "the job runs again: %s %s" % (out, err))
    eq(len(reminders()), 1, "no second reminder")
    eq(s.sql("SELECT COUNT(*) FROM payments WHERE reminded_at IS NOT NULL"),
       [("1",)], "only the old transfer was reminded")


def test_bank_receipts_at_once(ctx):
    """Eight staff record 20.00 of a 55.00 transfer at the same moment
    (four workers): exactly two succeed, the rest are 422 (more than is
    still due); captured is 40.00, never more than the amount, with two
    receipt events and paid_amount 40.00."""
    s = stack(ctx, workers=4)
    sku = product(s, "bank-sofa", 5500)
    n = buy(ctx, s, sku, "bank_transfer")["number"]
    pid = pay_row(s, n)[0]
    results = []

    def one():
        r = staff(s, "POST", "/payments/%s/receipts" % pid, {"amount": 2000})
        results.append(r.status)

    threads = [threading.Thread(target=one) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    eq(sorted(results), [201, 201] + [422] * 6, "two fit: %r" % results)
    eq(pay_row(s, n)[2:5], ("pending", "5500", "4000"), "40.00 in")
    eq([e[0] for e in pay_events(s, pid)].count("received"), 2,
       "two receipts recorded")
    eq(order_row(s, n), ("pending_payment", "5500", "4000"),
       "the order counts 40.00")

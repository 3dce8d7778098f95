"""The payments engine through nginx on the run's database engine: the
methods checkout offers (every provider on, or those the site's
payments.methods names), a card checkout sent to the hosted page of the
Stripe stand-in and paid there, the return page's states (waiting,
cancelled, received, failed) as HTML and JSON, "try again", and refunds:
a cancelled paid card order refunded through the stand-in by the
payments.refunds job, which also finishes a refund the gateway could not
take at first (same idempotency key). Every case checks the database."""

import time

from catalog_kit import api, souk
from harness import Browser, check, eq, wait_for
from pay_kit import buy, continue_url, event, order_row, pay_stack, \
    payments_of, product, webhook

USES_DB = True


def total_of(o):
    t = o["total"]
    return int(t["amount"] if isinstance(t, dict) else t)


def card_order(ctx, s, price=4200, email="card@example.test"):
    sku = product(s, "eng-%d" % int(time.time() * 1000 % 10**9), price)
    o = buy(ctx, s, sku, "card", email=email)
    pay = payments_of(s, o["number"])[-1]
    return o, pay


def key_of(s, pid):
    return s.sql("SELECT pkey FROM payments WHERE id = ?", (pid,))[0][0]


def paid_through_standin(s, o, pay):
    """Pays the session on the stand-in's page and waits for its webhook."""
    r = s.standin.pay(pay[6])
    check(r.get("status") in ("paid", "complete"),
          "the stand-in took the card: %r" % r)
    wait_for(lambda: payments_of(s, o["number"])[-1][2] == "captured",
             "the stand-in's webhook captured the payment", timeout=20)
    eq(order_row(s, o["number"])[0], "paid", "the order is paid")


def methods_offered(s):
    tok = s.token
    r = api(s, "POST", "/api/v1/cart/items", {"sku": s.sku, "quantity": 1},
            token=tok)
    eq(r.status, 201, "add to cart: %r" % r)
    r = api(s, "POST", "/api/v1/checkout/quote",
            {"address": {"name": "A B", "line1": "Hauptstr. 1",
                         "city": "Berlin", "postcode": "10115",
                         "country": "DE"}}, token=tok)
    eq(r.status, 200, "quote: %r" % r)
    return {m["code"]: m for m in r["quote"]["payment_options"]}


def test_methods_listed(ctx):
    s = pay_stack(ctx)
    s.sku = product(s, "eng-list", 1000)
    m = methods_offered(s)
    check("card" in m, "card is offered: %r" % list(m))
    eq((m["card"]["offsite"], m["card"]["pay_timing"]), (True, "before"),
       "card is off-site, paid before")
    eq(m["card"]["name"], "Card", "the provider's name")
    check("pay_later" in m, "orders' own pay_later is still there")


def test_methods_setting_restricts(ctx):
    s = pay_stack(ctx, settings={"payments.methods": "bank_transfer",
                             "payments.bank_transfer.name": "Wire"})
    s.sku = product(s, "eng-only", 1000)
    m = methods_offered(s)
    check("card" not in m, "card is off by payments.methods: %r" % list(m))
    if "bank_transfer" in m:
        eq(m["bank_transfer"]["name"], "Wire", "the site's own name")
    n = s.sql("SELECT COUNT(*) FROM orders")[0][0]
    r = s.http("POST", "/api/v1/checkout", body=(
        b'{"address":{"name":"A B","line1":"Hauptstr. 1","city":"Berlin",'
        b'"postcode":"10115","country":"DE"},"payment":"card"}'),
        headers={"Accept": "application/json",
                 "Authorization": "Bearer " + s.token,
                 "Content-Type": "application/json",
                 "Idempotency-Key": "eng-restrict-1"})
    check(r.status in (400, 409, 422), "card refused: %r" % r)
    eq(s.sql("SELECT COUNT(*) FROM orders")[0][0], n, "no order placed")
    eq(s.sql("SELECT COUNT(*) FROM payments")[0][0], "0", "no payment")


def test_card_checkout_redirects_and_pays(ctx):
    s = pay_stack(ctx)
    o, pay = card_order(ctx, s)
    total = total_of(o)
    check(o["redirect"].startswith(s.standin.url + "/c/pay/"),
          "redirected to the stand-in's page: %r" % o["redirect"])
    eq((pay[1], pay[2], pay[3]), ("card", "pending", str(total)),
       "a pending card payment for the total")
    check(pay[6].startswith("cs_"), "the session id is kept: %r" % pay[6])
    sent = [q for q in s.standin.requests()
            if q["method"] == "POST" and q["path"] == "/v1/checkout/sessions"]
    eq(len(sent), 1, "one session created")
    form = sent[0]["form"]
    eq(str(form.get("line_items[0][price_data][unit_amount]")), str(total),
       "the server's amount: %r" % form)
    eq(str(form.get("metadata[payment_id]")), str(pay[0]),
       "our payment id in the metadata")
    eq(s.sql("SELECT kind FROM payment_events WHERE payment_id = ? ORDER "
             "BY id", (pay[0],)), [("created",), ("started",)],
       "created, then started")
    paid_through_standin(s, o, pay)
    eq(order_row(s, o["number"])[2], str(total), "paid_amount = total")
    page = s.http("GET", "/payments/return/%s" % key_of(s, pay[0]))
    eq(page.status, 200, "the return page")
    check("Payment received" in page.text(), "says received")
    check("Try again" not in page.text(), "no retry once paid")


def test_return_page_states(ctx):
    s = pay_stack(ctx)
    o, pay = card_order(ctx, s)
    key = key_of(s, pay[0])
    page = s.http("GET", "/payments/return/%s" % key)
    eq(page.status, 200, "the return page")
    t = page.text()
    check("Waiting for the payment provider" in t, "waiting: %s" % t[:300])
    check(o["number"] in t and "/orders/%s" % o["number"] in t,
          "order number and its link")
    check("42.00" in t, "the amount")
    check("Try again" in t, "a retry form while the order waits")
    t = s.http("GET", "/payments/return/%s?cancelled=1" % key).text()
    check("Payment cancelled" in t and "Try again" in t, "cancelled page")
    r = s.http("GET", "/payments/return/%s" % key,
               headers={"Accept": "application/json"})
    eq(r.status, 200, "the JSON variant")
    j = r.json()
    eq((j["payment"]["state"], j["order_number"], j["can_retry"]),
       ("pending", o["number"], True), "JSON says the same")
    eq(s.http("GET", "/payments/return/%s" % ("0" * 32)).status, 404,
       "an unknown key is 404")
    eq(s.http("GET", "/payments/return/%s" % key, host="other.test").status,
       404, "another site's payment is 404")
    eq(payments_of(s, o["number"])[0][2], "pending", "the page moved nothing")
    eq(webhook(s, event("evt_eng_exp", "checkout.session.expired", {
        "id": pay[6], "object": "checkout.session", "status": "expired",
        "payment_status": "unpaid", "amount_total": int(pay[3]),
        "payment_intent": None,
        "currency": "eur", "metadata": {"payment_id": str(pay[0])}})).status,
       200, "the session expired")
    t = s.http("GET", "/payments/return/%s" % key).text()
    check("Payment failed" in t and "Try again" in t, "failed, try again")


def test_retry(ctx):
    s = pay_stack(ctx)
    o, pay = card_order(ctx, s)
    key = key_of(s, pay[0])
    b = Browser(s)
    r = b.post("/payments/retry/%s" % key, {},
               token_from="/payments/return/%s?cancelled=1" % key)
    to = continue_url(r)
    check(to.startswith(s.standin.url + "/c/pay/"), "the stand-in: %r" % to)
    rows = payments_of(s, o["number"])
    eq(len(rows), 2, "a second payment for the same order")
    eq((rows[1][1], rows[1][3]), ("card", str(total_of(o))),
       "same method, what is still due")
    check(rows[1][6] != pay[6] and to.endswith(rows[1][6]),
          "a new session")
    eq(s.http("POST", "/payments/retry/%s" % key, body=b"",
              headers={"Content-Type":
                       "application/x-www-form-urlencoded"}).status, 403,
       "no CSRF token, no retry")
    eq(len(payments_of(s, o["number"])), 2, "nothing more made")
    paid_through_standin(s, o, rows[1])
    r = b.req("POST", "/payments/retry/%s" % key,
              form={"csrf_token": b.csrf})
    eq(r.status, 409, "nothing left to pay: %r" % r)
    eq(len(payments_of(s, o["number"])), 2, "no third payment")


def refund_rows(s, pid):
    return s.sql("SELECT state, amount, attempts FROM payment_refunds "
                 "WHERE payment_id = ? ORDER BY id", (pid,))


def job(ctx, s):
    rc, out, err = souk(ctx, s, "job", "run", "payments.refunds", "--site",
                        "demo")
    eq(rc, 0, "souk job run payments.refunds: %s %s" % (out, err))


def test_cancel_refunds_through_standin(ctx):
    s = pay_stack(ctx, jobs=False, settings={"stripe.retries": "0"})
    o, pay = card_order(ctx, s)
    total = total_of(o)
    paid_through_standin(s, o, pay)
    # the gateway is down for the first try (the adapter retries none)
    s.standin.fail("/v1/refunds", 1, 503)
    r = api(s, "POST", "/api/v1/staff/orders/%s/transitions" % o["number"],
            {"to": "cancelled", "note": "customer changed their mind"})
    eq(r.status, 200, "staff cancel the paid order: %r" % r)
    eq(refund_rows(s, pay[0]), [("pending", str(total), "0")],
       "a refund waits for the job")
    eq(s.sql("SELECT refund_pending FROM payments WHERE id = ?",
             (pay[0],))[0][0], str(total), "its amount reserved")
    job(ctx, s)
    eq(refund_rows(s, pay[0])[0][:2], ("pending", str(total)),
       "still pending while the gateway is down")
    job(ctx, s)
    eq(int(refund_rows(s, pay[0])[0][2]), 1, "not retried within 60 s")
    s.sql("UPDATE payment_refunds SET updated_at = updated_at - 61 WHERE "
          "payment_id = ?", (pay[0],))
    job(ctx, s)
    eq(refund_rows(s, pay[0])[0][0], "succeeded", "the job finished it")
    p = s.sql("SELECT state, refunded, refund_pending FROM payments WHERE "
              "id = ?", (pay[0],))[0]
    eq(p, ("refunded", str(total), "0"), "refunded, reservation released")
    eq(order_row(s, o["number"])[2], "0", "the order's paid amount is back")
    sent = [q for q in s.standin.requests()
            if q["method"] == "POST" and q["path"] == "/v1/refunds"]
    keys = {q["headers"].get("Idempotency-Key") for q in sent}
    check(len(sent) >= 2, "asked again after the outage: %d" % len(sent))
    eq(keys, {"refund-%s" % s.sql("SELECT id FROM payment_refunds WHERE "
                                  "payment_id = ?", (pay[0],))[0][0]},
       "always with the refund's own key")
    job(ctx, s)
    eq(len([q for q in s.standin.requests()
            if q["path"] == "/v1/refunds"]), len(sent),
       "a finished refund is not asked again")
    mails = s.sql("SELECT COUNT(*) FROM souk_outbox WHERE subject LIKE ?",
                  ("%refund for order " + o["number"] + "%",))
    eq(mails[0][0], "1", "one refund mail")
    led = s.sql("SELECT due, captured, refunded FROM payment_ledger WHERE "
                "order_number = ?", (o["number"],))[0]
    eq(led, ("0", str(total), str(total)), "the ledger balances")

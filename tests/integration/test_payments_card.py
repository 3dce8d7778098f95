"""Card payments through the Stripe adapter and its stand-in, end to end
through nginx on the run's database engine: checkout creates a Checkout
Session for the server's amount (a posted price is ignored), paying on the
hosted page sends the signed webhook that marks the order paid; a declined
card leaves it pending; a gateway answering 500 twice is retried under one
Idempotency-Key, a refusal (4xx) is not retried; refunds go to the
gateway; no secret key or card number ends up in soukd's logs or in any
table."""

import json
import os
import re
import urllib.parse
import urllib.request

from harness import check, eq, wait_for
from pay_kit import CARD_DECLINED, CARD_OK, DE, SECRET, WHSEC, \
    event, order_row, pay_stack, payments_of, product, webhook
from catalog_kit import add_user, staff_token

USES_DB = True


def customer(ctx, s, email, host="localhost"):
    add_user(ctx, s, email, "customer")
    return staff_token(s, email, host=host)


def checkout(s, token, sku, extra=None, host="localhost", key=None):
    """Cart add + POST /api/v1/checkout paying by card; extra is merged
    into the checkout body (a tampering shopper's fields). The response."""
    r = s.http("POST", "/api/v1/cart/items",
               body=json.dumps({"sku": sku, "quantity": 1}).encode(),
               host=host, headers={"Accept": "application/json",
                                   "Content-Type": "application/json",
                                   "Authorization": "Bearer " + token})
    eq(r.status, 201, "add to cart: %s" % r.text()[:300])
    body = {"address": DE, "payment": "card"}
    body.update(extra or {})
    return s.http("POST", "/api/v1/checkout", body=json.dumps(body).encode(),
                  host=host, headers={
                      "Accept": "application/json",
                      "Content-Type": "application/json",
                      "Authorization": "Bearer " + token,
                      "Idempotency-Key": key or os.urandom(8).hex()})


def session_calls(s):
    return [q for q in s.standin.requests()
            if q["method"] == "POST" and q["path"] == "/v1/checkout/sessions"]


def session_id(redirect):
    m = re.search(r"/c/pay/(cs_test_[0-9a-f]+)$", redirect or "")
    check(m is not None, "a hosted page redirect: %r" % redirect)
    return m.group(1)


def events_of(s, pid):
    return s.sql("SELECT kind, type, event_id FROM payment_events WHERE "
                 "payment_id = ? ORDER BY id", (pid,))


def placed_card_order(ctx, s, email="card@example.test", price=5500,
                      slug="card-mug", extra=None):
    """An order paid by card, not yet paid: (number, total, session id,
    payment row)."""
    sku = product(s, slug, price)
    token = customer(ctx, s, email)
    r = checkout(s, token, sku, extra)
    eq(r.status, 201, "placed: %s" % r.text()[:400])
    b = r.json()
    number = b["number"]
    status, total, paid = order_row(s, number)
    eq((status, paid), ("pending_payment", "0"), "waiting for the payment")
    sid = session_id(b.get("redirect"))
    check(b["redirect"].startswith(s.standin.url + "/c/pay/"),
          "redirect to the stand-in: %r" % b["redirect"])
    rows = payments_of(s, number)
    eq(len(rows), 1, "one payment")
    eq(rows[0][1:3], ("card", "pending"), "a pending card payment")
    eq(rows[0][6], sid, "the session is the payment's provider_ref")
    return number, int(total), sid, rows[0]


def test_card_paid_end_to_end(ctx):
    s = pay_stack(ctx)
    # The shopper's body carries prices of its own: they must not count.
    number, total, sid, pay = placed_card_order(
        ctx, s, extra={"total": 1, "amount": 1, "price": 1,
                       "unit_amount": 1, "currency": "USD"})
    calls = session_calls(s)
    eq(len(calls), 1, "one session created")
    f = calls[0]["form"]
    eq(f["line_items[0][price_data][unit_amount]"], str(total),
       "the server's amount, not the posted one")
    eq(f["line_items[0][price_data][currency]"], "eur", "the server's "
       "currency, lower case as Stripe wants it")
    eq(f["line_items[0][quantity]"], "1", "one line for the order")
    eq(f["mode"], "payment", "a one-off payment")
    eq(f["metadata[payment_id]"], pay[0], "our payment id in metadata")
    eq(f["payment_intent_data[metadata][payment_id]"], pay[0],
       "and on the payment intent")
    eq(f["client_reference_id"], number, "the order number")
    eq(f["customer_email"], "card@example.test", "the shopper's email")
    check(f["success_url"].startswith(s.url + "/payments/return/"),
          "returns to our return page: %r" % f["success_url"])
    check(calls[0]["headers"]["Idempotency-Key"], "an Idempotency-Key")
    check(calls[0]["headers"]["Authorization"].startswith(
        "Bearer sk_test_demo_"), "demo's secret key")

    # The hosted page shows the server's amount.
    with urllib.request.urlopen(s.standin.url + "/c/pay/" + sid) as page:
        html = page.read().decode()
    check("EUR %d.%02d" % (total // 100, total % 100) in html,
          "the page shows the order's amount")

    r = s.standin.pay(sid)
    eq(r["status"], "paid", "the stand-in took the card")
    eq(r["redirect"], f["success_url"], "back to the return page")
    wait_for(lambda: order_row(s, number)[0] == "paid",
             "the webhook marks the order paid")
    eq(order_row(s, number), ("paid", str(total), str(total)),
       "paid in full")
    row = payments_of(s, number)[0]
    eq(row[2:5], ("captured", str(total), str(total)), "payment captured")
    ev = [e for e in events_of(s, pay[0])
          if e[1] == "checkout.session.completed"]
    eq(len(ev), 1, "the completed event recorded once")
    check(ev[0][2].startswith("evt_"), "with Stripe's event id")
    sent = s.standin.call("GET", "/_standin/events")
    eq([e["answers"] for e in sent if e["type"] ==
        "checkout.session.completed"], [[200]],
       "the webhook answered 200 the first time")
    txn = s.sql("SELECT provider_txn FROM payments WHERE id = ?",
                (pay[0],))[0][0]
    check(txn.startswith("pi_"), "the payment intent is kept: %r" % txn)

    # The return page now says so.
    path = urllib.parse.urlsplit(f["success_url"]).path
    page = s.http("GET", path)
    eq(page.status, 200, "return page")
    check("Payment received" in page.text(), "says the payment arrived")


def test_card_declined(ctx):
    s = pay_stack(ctx)
    number, total, sid, pay = placed_card_order(ctx, s, slug="card-pot")
    r = s.standin.pay(sid, CARD_DECLINED)
    eq(r["status"], "declined", "the stand-in declined the card")
    # The hosted page itself says so and sends nothing.
    data = urllib.parse.urlencode({"cardnumber": CARD_DECLINED,
                                   "exp": "12 / 34", "cvc": "123"}).encode()
    with urllib.request.urlopen(s.standin.url + "/c/pay/" + sid,
                                data=data) as page:
        check("Your card was declined." in page.read().decode(),
              "the page says the card was declined")
    eq(s.standin.call("GET", "/_standin/events"), [], "no event sent")
    eq(order_row(s, number), ("pending_payment", str(total), "0"),
       "the order still waits for its payment")
    eq(payments_of(s, number)[0][2:5], ("pending", str(total), "0"),
       "the payment is still pending, nothing received")
    eq([e for e in events_of(s, pay[0]) if e[0] == "webhook"], [],
       "no webhook event recorded")
    # Paying properly afterwards still works: the session stayed open.
    eq(s.standin.pay(sid)["status"], "paid", "second card accepted")
    wait_for(lambda: order_row(s, number)[0] == "paid", "order paid")


def test_card_gateway_retried(ctx):
    s = pay_stack(ctx)
    s.standin.fail("/v1/checkout/sessions", 2, 500)
    number, total, sid, pay = placed_card_order(ctx, s, slug="card-jug")
    calls = session_calls(s)
    eq([c["status"] for c in calls], [500, 500, 200],
       "two failures, then the session")
    keys = set(c["headers"]["Idempotency-Key"] for c in calls)
    eq(len(keys), 1, "the same Idempotency-Key each try")
    eq(len(set(json.dumps(c["form"], sort_keys=True) for c in calls)), 1,
       "the same form each try")
    log = open(s.error_log).read()
    eq(len(re.findall(r"stripe: POST /v1/checkout/sessions -> 500", log)),
       2, "each failed try logged with method, path and status")


def test_card_refusal_not_retried(ctx):
    # demo's key is one the stand-in does not know: Stripe answers 401.
    s = pay_stack(ctx, site_settings={
        "demo": {"stripe.secret_key": "sk_test_unknown_0000000000000"}})
    sku = product(s, "card-cup", 1200)
    token = customer(ctx, s, "bz@example.test")
    r = checkout(s, token, sku)
    check(r.status in (201, 402, 422, 502), "checkout answered: %d %s"
          % (r.status, r.text()[:300]))
    calls = session_calls(s)
    eq([c["status"] for c in calls], [401], "a refusal is not retried")
    rows = s.sql("SELECT state FROM payments WHERE method = 'card'")
    eq([x[0] for x in rows], ["failed"], "the payment failed")
    log = open(s.error_log).read()
    check("sk_test_unknown_0000000000000" not in log,
          "the refused key is not logged either")


def test_card_refund(ctx):
    s = pay_stack(ctx)
    number, total, sid, pay = placed_card_order(ctx, s, slug="card-bowl")
    s.standin.pay(sid)
    wait_for(lambda: order_row(s, number)[0] == "paid", "order paid")
    r = s.http("POST", "/api/v1/staff/payments/%s/refunds" % pay[0],
               body=json.dumps({"amount": 500, "reason": "chipped"}).encode(),
               headers={"Accept": "application/json",
                        "Content-Type": "application/json",
                        "Authorization": "Bearer " + s.token})
    check(r.status in (200, 201), "refund: %d %s" % (r.status,
                                                    r.text()[:300]))
    ref = [q for q in s.standin.requests() if q["path"] == "/v1/refunds"]
    eq(len(ref), 1, "one refund call")
    eq(ref[0]["form"]["amount"], "500", "for the amount asked")
    check(ref[0]["form"]["payment_intent"].startswith("pi_"),
          "of the payment intent")
    check(ref[0]["headers"]["Idempotency-Key"], "with an Idempotency-Key")
    eq(payments_of(s, number)[0][2:6],
       ("partially_refunded", str(total), str(total), "500"),
       "recorded as a partial refund")
    wait_for(lambda: any(e[1] == "charge.refunded"
                         for e in events_of(s, pay[0])),
             "charge.refunded recorded")
    eq(payments_of(s, number)[0][5], "500", "the event refunds nothing more")


def test_card_no_secrets_stored(ctx):
    s = pay_stack(ctx)
    number, total, sid, pay = placed_card_order(ctx, s, slug="card-tin")
    # Through the hosted page's own form, as a browser posts it.
    data = urllib.parse.urlencode({"cardnumber": CARD_OK, "exp": "12 / 34",
                                   "cvc": "123"}).encode()
    req = urllib.request.Request(s.standin.url + "/c/pay/" + sid, data=data)
    opener = urllib.request.build_opener(NoRedirect)
    try:
        opener.open(req)
        check(False, "paying answers 303")
    except urllib.error.HTTPError as e:
        eq(e.code, 303, "paid, sent back")
    wait_for(lambda: order_row(s, number)[0] == "paid", "order paid")
    needles = [CARD_OK, CARD_OK[-8:]] + list(SECRET.values()) + \
        list(WHSEC.values())
    for path in (s.error_log, s.access_log, s.soukd_out):
        if os.path.exists(path):
            text = open(path, errors="replace").read()
            for n in needles:
                check(n not in text, "%s not in %s" % (n[:12], path))
    for t in s.db.tables():
        rows = s.sql("SELECT * FROM %s" % t)
        text = "\n".join("\t".join(v or "" for v in row) for row in rows)
        for n in needles:
            check(n not in text, "%s… not in table %s" % (n[:12], t))


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, req, fp, code, msg, headers, newurl):
        return None


def test_card_webhook_not_set_up(ctx):
    # demo has no signing secret: every event is refused, nothing recorded.
    s = pay_stack(ctx, site_settings={"demo": {"stripe.webhook_secret": ""}})
    number, total, sid, pay = placed_card_order(ctx, s, slug="card-vase")
    before = s.sql("SELECT COUNT(*) FROM payment_events")[0][0]
    obj = {"id": sid, "object": "checkout.session", "payment_status": "paid",
           "amount_total": total, "currency": "eur", "payment_intent":
           "pi_x", "metadata": {"payment_id": pay[0]}}
    r = webhook(s, event("evt_unset_1", "checkout.session.completed", obj),
                secret=WHSEC["demo"])
    eq(r.status, 400, "refused: %s" % r.text()[:200])
    check("webhooks are not set up" in r.text(), "says why: %s" % r.text())
    eq(s.sql("SELECT COUNT(*) FROM payment_events")[0][0], before,
       "nothing recorded")
    eq(order_row(s, number)[0], "pending_payment", "the order did not move")
    # The stand-in's own delivery (tried three times) is refused as well.
    eq(s.standin.pay(sid)["status"], "paid", "paid at the gateway")
    wait_for(lambda: [e["answers"] for e in s.standin.call(
        "GET", "/_standin/events")] == [[400, 400, 400]],
        "three refused deliveries")
    eq(order_row(s, number)[0], "pending_payment", "still not paid")

"""The payments back office, through nginx on the run's database engine:
an order's payments page (events, refund/receive/link forms), the box on
orders' own staff page, the dashboard panel, who may see what, the
reconciliation (a flagged amount mismatch, an order cancelled after
payment until it is refunded, totals, dates, CSV, the staff API) and the
settings page (saved settings restrict checkout's methods; a bad IBAN is
400 with nothing saved; secrets never shown)."""

import datetime
import json
import os
import re

from harness import Browser, check, eq, wait_for

from catalog_kit import PASSWORD, add_user, api, souk, staff_token
from pay_kit import SECRET, WHSEC, buy, event, pay_stack, payments_of, \
    order_row, product, webhook

USES_DB = True


# ---------------------------------------------------------------------------
# Helpers

def admin_browser(s):
    b = Browser(s)
    r = b.login("admin@example.test", PASSWORD)
    eq(r.status, 303, "admin signs in: %r" % r)
    return b


def customer_browser(ctx, s, email="nosy@example.test"):
    add_user(ctx, s, email, "customer")
    b = Browser(s)
    r = b.post("/account/login", {"email": email, "password": PASSWORD})
    eq(r.status, 303, "the customer signs in: %r" % r)
    return b


def pid_of(s, number):
    return int(payments_of(s, number)[-1][0])


def receive(s, pid, amount):
    r = api(s, "POST", "/api/v1/staff/payments/%d/receipts" % pid,
            {"amount": amount, "note": "bank statement"})
    eq(r.status, 201, "transfer recorded: %r" % r)


def bank_paid(ctx, s, sku, email):
    number = buy(ctx, s, sku, "bank_transfer", email=email)["number"]
    pid = pid_of(s, number)
    receive(s, pid, int(payments_of(s, number)[-1][3]))
    eq(order_row(s, number)[0], "paid", "paid by transfer")
    return number, pid


def recon(s, query=""):
    r = api(s, "GET", "/api/v1/staff/payments/reconciliation" + query)
    eq(r.status, 200, "reconciliation%s: %r" % (query, r))
    return r


def numbers(r):
    return [row["number"] for row in r["rows"]]


def settings_rows(s):
    return s.sql("SELECT name, value FROM souk_site_settings WHERE site_id "
                 "= 'demo' AND name LIKE 'payments.%' ORDER BY name")


def quote_methods(ctx, s, token):
    """The payment codes checkout offers the customer now."""
    r = api(s, "POST", "/api/v1/checkout/quote",
            {"address": {"name": "A", "line1": "B 1", "city": "Berlin",
                         "postcode": "10115", "country": "DE"}},
            token=token)
    eq(r.status, 200, "quote: %r" % r)
    return sorted(m["code"] for m in r["quote"]["payment_options"])


# ---------------------------------------------------------------------------
# Tests

def test_order_page_forms_and_permissions(ctx):
    """The order's payments page shows the open bank transfer with its
    events and the receive and link forms; orders' page carries the box;
    a refund through the form; bad form input 400 with nothing written; a
    customer gets 403, nobody a log-in."""
    s = pay_stack(ctx)
    sku = product(s, "vase", 4500)
    number = buy(ctx, s, sku, "bank_transfer", email="v@example.test")[
        "number"]
    pid = pid_of(s, number)
    b = admin_browser(s)

    r = b.get("/admin/payments/orders/%s" % number)
    eq(r.status, 200, "payments page: %r" % r)
    page = r.text()
    check('id="payment-%d"' % pid in page, "the payment is shown")
    check('data-state="pending"' in page, "pending")
    check("/admin/payments/%d/receive" % pid in page,
          "the receive form of an open bank transfer")
    check("/admin/payments/orders/%s/link" % number in page,
          "the payment link form while unpaid")
    check("refund-form" not in page, "nothing to refund yet")
    check('data-kind="created"' in page, "the created event is listed")

    r = b.get("/admin/orders/%s" % number)
    eq(r.status, 200, "orders' page: %r" % r)
    check('id="order-payments"' in r.text(), "orders' page has the box")
    check("/admin/payments/orders/%s" % number in r.text(),
          "with a link to the payments page")

    receive(s, pid, 4500)
    r = b.get("/admin/payments/orders/%s" % number)
    check("refund-form" in r.text(), "a captured payment can be refunded")
    check("/admin/payments/orders/%s/link" % number not in r.text(),
          "no link once paid")

    before = s.sql("SELECT COUNT(*) FROM payment_refunds")
    for form, what in (({"amount": "abc", "reason": "x"}, "not money"),
                       ({"amount": "0", "reason": "x"}, "zero"),
                       ({"amount": "1.234", "reason": "x"}, "3 decimals"),
                       ({"amount": "5.00", "reason": ""}, "no reason")):
        r = b.post("/admin/payments/%d/refund" % pid, form,
                   token_from="/admin/payments/orders/%s" % number)
        eq(r.status, 400, "%s: %r" % (what, r))
    eq(s.sql("SELECT COUNT(*) FROM payment_refunds"), before,
       "bad form input wrote nothing")
    r = b.post("/admin/payments/%d/refund" % pid,
               {"amount": "50.00", "reason": "too much"},
               token_from="/admin/payments/orders/%s" % number)
    eq(r.status, 303, "refused refund goes back: %r" % r)
    r = b.get(r.header("location"))
    check('class="flash flash-error"' in r.text(), "the refusal is flashed")
    eq(s.sql("SELECT COUNT(*) FROM payment_refunds"), before,
       "the refusal wrote nothing")
    r = b.post("/admin/payments/%d/refund" % pid,
               {"amount": "5.00", "reason": "chipped rim"},
               token_from="/admin/payments/orders/%s" % number)
    eq(r.status, 303, "refund form: %r" % r)
    check(r.header("location").endswith("/admin/payments/orders/%s"
                                        % number), "back to the page")
    r = b.get(r.header("location"))
    check("Refunded 5.00" in r.text(), "the flash says so")
    eq(s.sql("SELECT state, refunded FROM payments WHERE id = ?", (pid,)),
       [("partially_refunded", "500")], "refunded 5.00")

    r = b.get("/admin")
    check('id="payments-flagged"' in r.text(), "the dashboard panel")
    check("/admin/payments\"" in r.text(), "the menu entry")

    c = customer_browser(ctx, s)
    for path in ("/admin/payments", "/admin/payments/orders/%s" % number,
                 "/admin/payments/settings"):
        eq(c.get(path).status, 403, "a customer: %s" % path)
    tok = staff_token(s, "nosy@example.test")
    a = api(s, "GET", "/api/v1/staff/orders/%s/payments" % number,
            token=tok)
    eq(a.status, 403, "customer's token on the staff API: %r" % a)
    eq(Browser(s).get("/admin/payments").status, 303, "anonymous: log in")

    a = api(s, "GET", "/api/v1/staff/orders/%s/payments" % number)
    eq(a.status, 200, "staff API: %r" % a)
    p = a["payments"][0]
    eq((p["id"], p["state"], p["refunded"]), (pid, "partially_refunded",
                                              500), "the payment")
    kinds = [e["kind"] for e in p["events"]]
    check("refund" in kinds and "received" in kinds, "events: %r" % kinds)
    a = api(s, "GET", "/api/v1/staff/orders/ZZZZZZZZZZ/payments")
    eq(a.status, 404, "no such order: %r" % a)


def test_reconciliation(ctx):
    """A card payment whose webhook brought the wrong amount is flagged; a
    paid order cancelled shows its difference until the money is back; a
    fine order only with show=all; totals, dates, CSV."""
    s = pay_stack(ctx, jobs=False)     # the refunds job runs when we say
    sku = product(s, "chair", 6000)
    a_num = buy(ctx, s, sku, "card", email="a@example.test")["number"]
    a_pid = pid_of(s, a_num)
    ref = payments_of(s, a_num)[-1][6]
    obj = {"id": ref, "object": "checkout.session", "amount_total": 1200,
           "currency": "eur", "payment_status": "paid",
           "payment_intent": "pi_short_1", "metadata": {
               "payment_id": str(a_pid)}}
    r = webhook(s, event("evt_short_1", "checkout.session.completed", obj))
    eq(r.status, 422, "the wrong amount is refused: %r" % r)
    flag = s.sql("SELECT flag FROM payments WHERE id = ?", (a_pid,))[0][0]
    check(flag != "", "the payment is flagged")

    b_num, b_pid = bank_paid(ctx, s, sku, "b@example.test")
    c_num, c_pid = bank_paid(ctx, s, sku, "c@example.test")
    m = api(s, "POST", "/api/v1/staff/orders/%s/transitions" % b_num,
            {"to": "cancelled", "note": "customer changed their mind"})
    eq(m.status, 200, "cancel the paid order: %r" % m)

    r = recon(s)
    got = numbers(r)
    check(a_num in got, "the flagged payment is listed: %r" % got)
    check(b_num in got, "the cancelled paid order is listed: %r" % got)
    check(c_num not in got, "a fine order is not: %r" % got)
    row = [x for x in r["rows"] if x["number"] == b_num][0]
    eq((row["due"], row["captured"], row["refunded"], row["difference"]),
       (0, 6000, 0, 6000), "cancelled: nothing due, 60.00 too much")
    row = [x for x in r["rows"] if x["number"] == a_num][0]
    check(row["flagged"] and "mismatch" in row["flag"], "flag: %r" % row)

    b = admin_browser(s)
    dash = b.get("/admin").text()
    check('id="payments-flagged">1<' in dash, "dashboard: one flagged")
    check('id="payments-differences">1<' in dash,
          "dashboard: one difference (the cancelled order)")
    page = b.get("/admin/payments").text()
    check(re.search(r'data-order="%s"[^>]*data-flagged="yes"' % a_num, page),
          "the page marks the flagged payment")

    # the money goes back: the cancelled order leaves the differences
    eq(s.sql("SELECT refund_pending FROM payments WHERE id = ?", (b_pid,)),
       [("6000",)], "the cancellation reserved a refund of 60.00")
    rc, out, err = souk(ctx, s, "job", "run", "payments.refunds")
    eq(rc, 0, "refunds job: %s %s" % (out, err))
    eq(s.sql("SELECT refunded, refund_pending FROM payments WHERE id = ?",
             (b_pid,)), [("6000", "0")], "the refund went through")
    check(b_num not in numbers(recon(s)),
          "the refunded cancelled order is reconciled")

    r = recon(s, "?show=all")
    got = numbers(r)
    check(set([a_num, b_num, c_num]) <= set(got), "all: %r" % got)
    eq(r["totals"][0]["currency"], "EUR", "totals per currency")
    eq(r["totals"][0]["orders"], 3, "three orders")
    eq(r["totals"][0]["captured"], 12000, "two transfers captured")
    eq(r["totals"][0]["refunded"], 6000, "one refunded")

    today = datetime.date.today()
    tomorrow = (today + datetime.timedelta(days=1)).isoformat()
    yesterday = (today - datetime.timedelta(days=1)).isoformat()
    eq(numbers(recon(s, "?show=all&from=%s" % tomorrow)), [],
       "nothing placed from tomorrow")
    eq(numbers(recon(s, "?show=all&to=%s" % yesterday)), [],
       "nothing placed up to yesterday")
    eq(len(numbers(recon(s, "?show=all&from=%s&to=%s" % (
        today.isoformat(), today.isoformat())))), 3, "today's three")
    for q in ("?from=2024-02-30", "?to=yesterday", "?show=some",
              "?page=0"):
        x = api(s, "GET", "/api/v1/staff/payments/reconciliation" + q)
        eq(x.status, 400, "%s: %r" % (q, x))

    r = b.get("/admin/payments?show=all&format=csv")
    eq(r.status, 200, "CSV: %r" % r)
    check(r.header("content-type").startswith("text/csv"), "text/csv")
    check("attachment" in (r.header("content-disposition") or ""),
          "an attachment")
    lines = r.text().strip().split("\r\n")
    check(lines[0].startswith("number,placed,method,status"), lines[0])
    eq(len(lines), 4, "a header and three orders")
    check(any(line.startswith(a_num + ",") and "mismatch" in line
              for line in lines), "the flagged order: %r" % lines)


def test_settings(ctx):
    """Saved settings restrict checkout's methods and show the names; a
    bad IBAN, BIC, reminder or method is 400 with nothing saved; secrets
    are shown as configured, never by value."""
    s = pay_stack(ctx)
    product(s, "cup", 900)
    b = admin_browser(s)
    r = b.get("/admin/payments/settings")
    eq(r.status, 200, "settings page: %r" % r)
    page = r.text()
    check(SECRET["demo"] not in page and WHSEC["demo"] not in page,
          "no secret on the page")
    check(re.search(r'data-method="card".*?configured', page, re.S),
          "card's credentials are configured")

    add_user(ctx, s, "shop@example.test", "customer")
    tok = staff_token(s, "shop@example.test")
    r = api(s, "POST", "/api/v1/cart/items", {"sku": "CUP", "quantity": 1},
            token=tok)
    eq(r.status, 201, "cart: %r" % r)
    check({"card", "cod", "bank_transfer"} <= set(quote_methods(ctx, s,
                                                                 tok)),
          "every provider offered at first")

    good = [("method", "cod"), ("method", "bank_transfer"),
            ("name_cod", "Cash at the door"), ("name_card", ""),
            ("name_bank_transfer", ""),
            ("iban", "de89 3704 0044 0532 0130 00"), ("bic", "cobadeffxxx"),
            ("holder", "Demo Shop GmbH"), ("reminder_days", "10"),
            ("send_link", "yes")]
    before = settings_rows(s)
    for field, value, what in (
            ("iban", "DE89370400440532013001", "IBAN check digits"),
            ("iban", "D89370400440532013000", "IBAN shape"),
            ("iban", "DE89 3704 0044 0532 0130 0012 3456 7890 123",
             "IBAN too long"),
            ("bic", "COBA", "BIC"),
            ("reminder_days", "0", "reminder 0"),
            ("reminder_days", "61", "reminder 61"),
            ("method", "bitcoin", "unknown method")):
        form = [(k, v) for k, v in good if k != field or k == "method"]
        form.append((field, value))
        r = b.post("/admin/payments/settings", form)
        eq(r.status, 400, "%s: %r" % (what, r))
        eq(settings_rows(s), before, "%s saved nothing" % what)
    check("IBAN" in b.post("/admin/payments/settings",
                           [(k, v) for k, v in good if k != "iban"]
                           + [("iban", "DE00370400440532013000")]).text(),
          "the page says what is wrong")

    r = b.post("/admin/payments/settings", good)
    eq(r.status, 303, "saved: %r" % r)
    rows = dict(settings_rows(s))
    eq(rows.get("payments.methods"), "cod,bank_transfer", "methods")
    eq(rows.get("payments.bank_transfer.iban"), "DE89370400440532013000",
       "IBAN without spaces, upper case")
    eq(rows.get("payments.bank_transfer.bic"), "COBADEFFXXX", "BIC")
    eq(rows.get("payments.bank_transfer.reminder_days"), "10", "reminder")
    eq(rows.get("payments.cod.name"), "Cash at the door", "name")
    eq(rows.get("payments.pay_later.send_link"), "yes", "send link")
    check("payments.card.name" not in rows, "an empty name is not stored")
    wait_for(lambda: "card" not in quote_methods(ctx, s, tok),
             "checkout no longer offers card", timeout=5)
    ms = quote_methods(ctx, s, tok)
    check("cod" in ms and "bank_transfer" in ms, "offered: %r" % ms)
    r = api(s, "POST", "/api/v1/checkout/quote", {"address": {
        "name": "A", "line1": "B 1", "city": "Berlin", "postcode": "10115",
        "country": "DE"}}, token=tok)
    names = {m["code"]: m["name"] for m in r["quote"]["payment_options"]}
    eq(names.get("cod"), "Cash at the door", "the name shown")
    body = json.dumps({"address": {"name": "A", "line1": "B 1",
                                   "city": "Berlin", "postcode": "10115",
                                   "country": "DE"},
                       "payment": "card"}).encode()
    x = s.http("POST", "/api/v1/checkout", body=body, headers={
        "Accept": "application/json", "Authorization": "Bearer " + tok,
        "Content-Type": "application/json",
        "Idempotency-Key": os.urandom(8).hex()})
    check(x.status in (400, 422), "card is refused at checkout: %r" % x)
    eq(s.sql("SELECT COUNT(*) FROM orders"), [("0",)], "no order placed")

    c = customer_browser(ctx, s, "nosy2@example.test")
    eq(c.post("/admin/payments/settings", good,
              token_from="/account/tokens").status, 403,
       "a customer may not save settings")

"""Payment links (pay later) through nginx on the run's database engine:
staff send a link for what an order still owes (staff API and back office
form), the buyer gets it by mail, the link's page shows the amount and
the site's card method, paying it goes through the Stripe stand-in's
hosted page and its webhook, and the order and the link end paid. The
refusals (amounts, paid or cancelled orders, other sites, expired and
unknown tokens) change nothing; the system sends a link itself when a
pay-later order is placed and the site says so."""

import re
import time

from catalog_kit import PASSWORD, add_user, api, staff_token
from harness import Browser, check, eq, wait_for
from pay_kit import buy, continue_url, order_row, pay_stack, payments_of, \
    product

USES_DB = True

BUYER = "buyer@example.test"


def staff(s, method, path, obj=None, **kw):
    return api(s, method, "/api/v1/staff" + path, obj, **kw)


def send(s, number, **body):
    return staff(s, "POST", "/orders/%s/payment-links" % number, body)


def links(s, number):
    """(amount, state, payment_id, token_hash) of the order's links."""
    return s.sql("SELECT amount, state, payment_id, token_hash FROM "
                 "payment_links WHERE order_number = ? ORDER BY id",
                 (number,))


def token_of(url):
    m = re.search(r"/pay/([0-9a-f]{48})$", url)
    check(m is not None, "a link URL ending in /pay/TOKEN: %r" % url)
    return m.group(1)


def mails(s, to=BUYER):
    return s.sql("SELECT subject, body_text FROM souk_outbox WHERE "
                 "recipient = ? ORDER BY id", (to,))


def page(s, token, host="localhost"):
    return s.http("GET", "/pay/" + token, host=host)


def pay_by_card(s, b, tok, amount):
    """The buyer's browser pays the link: POST card → on to the stand-in,
    the stand-in takes the card and sends its webhook. Returns the new
    payment's id once it is captured."""
    r = b.post("/pay/" + tok, {"method": "card"})
    to = continue_url(r)
    check(to.startswith(s.standin.url), "the stand-in's page: %r" % to)
    row = s.sql("SELECT id, method, state, amount, provider_ref FROM "
                "payments ORDER BY id DESC LIMIT 1")[0]
    eq(row[1:4], ("card", "pending", str(amount)), "a card payment")
    res = s.standin.pay(row[4])
    check(isinstance(res, dict), "the stand-in took the card: %r" % res)
    wait_for(lambda: s.sql("SELECT state FROM payments WHERE id = ?",
                           (int(row[0]),))[0][0] == "captured",
             "the webhook captured payment %s" % row[0], timeout=20)
    return row[0]


def test_link_sent_and_paid_by_card(ctx):
    """A pay-later order gets no link by itself (the setting is off). Staff
    send a deposit link for 10.00 of 42.00: 201 with the URL, 10.00, EUR
    and an ISO expiry; only the token's hash is stored. The page shows the
    order, the amount and the card method (no offline ones); paying it
    through the stand-in's hosted page and webhook captures 10.00: the
    link is paid, the order still pending_payment with 10.00 paid. A second
    link asks the 32.00 left (the buyer's mail has its URL and the note);
    paying it makes the order paid, the link paid, its page says so and a
    second POST is 409."""
    s = pay_stack(ctx, jobs=False)
    sku = product(s, "link-clock", 4200)
    n = buy(ctx, s, sku, "pay_later")["number"]
    total = order_row(s, n)[1]
    eq(links(s, n), [], "no link unless the site sends them")
    r = send(s, n, amount=1000, note="Deposit")
    eq(r.status, 201, "deposit link sent: %r" % r)
    eq((r["amount"], r["currency"]), (1000, "EUR"), "10.00 asked")
    check(re.match(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$", r["expires_at"]),
          "an ISO expiry: %r" % r["expires_at"])
    tok = token_of(r["url"])
    rows = links(s, n)
    eq(rows[0][:3], ("1000", "open", None), "open, no payment yet")
    check(rows[0][3] != tok and len(rows[0][3]) == 64,
          "only a hash of the token is kept")
    p = page(s, tok)
    eq(p.status, 200, "the link's page: %r" % p)
    text = p.text()
    check(n in text and "Deposit" in text, "order number and note shown")
    check(re.search(r"10[.,]00", text), "the amount shown: %s" % text[:2000])
    check('value="card"' in text, "card offered: %s" % text[:2000])
    check('value="cod"' not in text and 'value="bank_transfer"' not in text,
          "offline methods are not offered")
    b = Browser(s)
    pid = pay_by_card(s, b, tok, 1000)
    eq(links(s, n)[0][1:3], ("paid", pid), "the deposit link is paid")
    eq(order_row(s, n), ("pending_payment", total, "1000"),
       "the order waits for the rest")
    r = send(s, n, note="Your invoice for March")
    eq((r.status, r.body and r["amount"]), (201, int(total) - 1000),
       "the rest asked: %r" % r)
    tok2 = token_of(r["url"])
    check(any(r["url"] in m[1] and "Your invoice for March" in m[1]
              for m in mails(s)),
          "the buyer's mail has the URL and note: %r" % mails(s)[-1:])
    check(re.search(r"32[.,]00", page(s, tok2).text()), "32.00 shown")
    pay_by_card(s, b, tok2, int(total) - 1000)
    wait_for(lambda: order_row(s, n)[0] == "paid", "the order is paid")
    eq(order_row(s, n), ("paid", total, total), "paid in full")
    eq([row[1] for row in links(s, n)], ["paid", "paid"], "both links paid")
    p = page(s, tok2)
    eq(p.status, 200, "the page of a paid link: %r" % p)
    check("already paid" in p.text(), "says so: %s" % p.text()[:1500])
    r = b.req("POST", "/pay/" + tok2, form={"method": "card",
                                             "csrf_token": b.csrf})
    eq(r.status, 409, "nothing more to pay: %r" % r)
    eq(len(payments_of(s, n)), 2, "no third payment")


def test_link_refusals(ctx):
    """Amounts above what is due, 0 and negative are 422, "abc" and 12.5
    are 400, a note that is not text 400, an unknown order or another
    site's 404, a customer 403: no link written. A partial link asks its
    amount. An expired link, another site's token and an unknown token are
    404. Cancelling an order closes its links (404) and refuses new ones
    (409); an order paid in full refuses new links (409) and its open link
    says it is paid. The back office form sends one for 5.00 and refuses
    1.234 with a message."""
    s = pay_stack(ctx, standin=False, jobs=False)
    sku = product(s, "link-vase", 3000)
    n = buy(ctx, s, sku, "pay_later")["number"]
    for body, status in (({"amount": 3001}, 422), ({"amount": 0}, 422),
                         ({"amount": -5}, 422), ({"amount": "abc"}, 400),
                         ({"amount": 12.5}, 400), ({"note": 5}, 400)):
        r = send(s, n, **body)
        eq(r.status, status, "%r: %r" % (body, r))
    r = send(s, "ZZZZZZZZZZ")
    eq(r.status, 404, "no such order: %r" % r)
    r = staff(s, "POST", "/orders/%s/payment-links" % n, {},
              host="bazaar.test")
    eq(r.status, 404, "another site's order: %r" % r)
    add_user(ctx, s, "shopper@example.test", "customer")
    r = staff(s, "POST", "/orders/%s/payment-links" % n, {},
              token=staff_token(s, "shopper@example.test"))
    eq(r.status, 403, "a customer may not: %r" % r)
    eq(links(s, n), [], "no link written by the refusals")
    r = send(s, n, amount=1000)
    eq((r.status, r.body and r["amount"]), (201, 1000), "a partial link")
    tok = token_of(r["url"])
    j = api(s, "GET", "/pay/" + tok, token="")
    eq(j.status, 200, "the page as JSON: %r" % j)
    eq(j["amount"], {"amount": 1000, "currency": "EUR"}, "asks 10.00")
    b = Browser(s)
    r = b.post("/pay/" + tok, {"method": "cod"})
    eq(r.status, 422, "cod is not offered on a link: %r" % r)
    r = b.req("POST", "/pay/" + tok, form={"method": "card"})
    eq(r.status, 403, "no CSRF token: %r" % r)
    eq(payments_of(s, n), [], "no payment started")
    eq(page(s, tok, host="other.test").status, 404, "another site's token")
    eq(page(s, "0" * 48).status, 404, "an unknown token")
    eq(page(s, "abc").status, 404, "not a token")
    s.sql("UPDATE payment_links SET expires_at = ? WHERE token_hash = ?",
          (int(time.time()) - 1, links(s, n)[0][3]))
    eq(page(s, tok).status, 404, "an expired link")
    # cancelled
    n2 = buy(ctx, s, sku, "pay_later")["number"]
    tok2 = token_of(send(s, n2)["url"])
    eq(page(s, tok2).status, 200, "open")
    r = staff(s, "POST", "/orders/%s/transitions" % n2, {"to": "cancelled"})
    eq(r.status, 200, "cancelled: %r" % r)
    eq(links(s, n2)[0][1], "cancelled", "its link is closed")
    eq(page(s, tok2).status, 404, "a cancelled order's link")
    r = send(s, n2)
    eq(r.status, 409, "no link for a cancelled order: %r" % r)
    eq(len(links(s, n2)), 1, "none written")
    # paid in full
    n3 = buy(ctx, s, sku, "bank_transfer")["number"]
    tok3 = token_of(send(s, n3)["url"])
    pid = payments_of(s, n3)[0][0]
    r = staff(s, "POST", "/payments/%s/receipts" % pid, {"amount": 3000})
    eq(r.status, 201, "paid by transfer: %r" % r)
    eq(order_row(s, n3)[0], "paid", "the order is paid")
    eq(links(s, n3)[0][1], "paid", "its open link is done")
    check("already paid" in page(s, tok3).text(), "the page says paid")
    r = send(s, n3)
    eq(r.status, 409, "no link for a paid order: %r" % r)
    eq(len(links(s, n3)), 1, "none written")
    # the back office form
    b = Browser(s)
    eq(b.login("admin@example.test", PASSWORD).status, 303, "admin signs in")
    n4 = buy(ctx, s, sku, "pay_later")["number"]
    r = b.post("/admin/payments/orders/%s/link" % n4, {"amount": "1.234"},
               token_from="/admin/orders")
    eq(r.status, 303, "refused with a message: %r" % r)
    eq(links(s, n4), [], "1.234 wrote nothing")
    r = b.post("/admin/payments/orders/%s/link" % n4,
               {"amount": "5.00", "note": "deposit"},
               token_from="/admin/orders")
    eq(r.status, 303, "sent: %r" % r)
    check(r.header("location").endswith("/admin/payments/orders/" + n4),
          "back to the order's payments: %r" % r.header("location"))
    eq([row[:2] for row in links(s, n4)], [("500", "open")], "5.00 asked")


def test_link_sent_by_the_system(ctx):
    """With payments.pay_later.send_link = yes a pay-later order gets an
    open link for its total and the buyer a mail with it, in the placing
    transaction; a COD order gets none."""
    s = pay_stack(ctx, standin=False, jobs=False,
                  settings={"payments.pay_later.send_link": "yes"})
    sku = product(s, "link-bowl", 2500)
    n = buy(ctx, s, sku, "pay_later")["number"]
    rows = links(s, n)
    eq([row[:2] for row in rows], [("2500", "open")], "a link for the total")
    eq(s.sql("SELECT created_by FROM payment_links WHERE order_number = ?",
             (n,)), [("0",)], "sent by the system")
    check(any("/pay/" in m[1] and n in m[0] + m[1] for m in mails(s)),
          "the buyer's mail has the link: %r" % mails(s)[-2:])
    c = buy(ctx, s, sku, "cod")["number"]
    eq(links(s, c), [], "no link for cash on delivery")

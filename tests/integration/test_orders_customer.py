"""The customer's side of orders through nginx on the run's database
engine: an order placed by the API and by the HTML checkout shows its
confirmation page and mail; the history lists one's own orders only;
another customer's order, an unknown number and a guest's order without
its key are the same 404; cancel before shipment returns the stock, after
shipment it is refused with nothing changed; change requests are created
and shown; the invoice carries totals and the tax summary; bad input is
4xx with nothing written."""

import json
import re
import urllib.parse
import uuid

from catalog_kit import ADMIN_EMAIL, add_user, make_product, \
    staff_product, staff_token
from harness import Browser, check, eq
from shop_kit import SHOP_PLUGINS, shop_stack

USES_DB = True

ADDRESS = {"name": "Ann Buyer", "line1": "Hauptstr. 1", "city": "Berlin",
           "postcode": "10115", "country": "DE"}


def customer_stack(ctx, settings=None):
    return shop_stack(ctx, settings=settings)


def call(s, method, path, obj=None, token=None, headers=None,
         host="localhost"):
    """A JSON call: (status, body or None, response)."""
    h = {"Accept": "application/json"}
    h.update(headers or {})
    if token:
        h["Authorization"] = "Bearer " + token
    body = None
    if obj is not None:
        body = json.dumps(obj).encode()
        h["Content-Type"] = "application/json"
    r = s.http(method, path, body=body, headers=h, host=host)
    try:
        b = json.loads(r.text()) if r.text() else None
    except ValueError:
        b = None
    return r.status, b, r


def customer(ctx, s, email):
    """A customer account and its API token."""
    add_user(ctx, s, email, "customer")
    return staff_token(s, email)


def place_api(s, token, sku, qty=1, address=None, key=None):
    """Cart add + POST /api/v1/checkout with a fresh Idempotency-Key:
    the checkout's answer body."""
    st, b, _ = call(s, "POST", "/api/v1/cart/items",
                    {"sku": sku, "quantity": qty}, token=token)
    check(st in (200, 201), "add %s to the cart: %d %r" % (sku, st, b))
    st, b, _ = call(s, "POST", "/api/v1/checkout",
                    {"address": address or ADDRESS},
                    token=token,
                    headers={"Idempotency-Key": key or uuid.uuid4().hex})
    eq(st, 201, "checkout: %r" % b)
    check(re.fullmatch(r"[0-9A-Z]{10}", b["number"]) is not None,
          "order number %r" % b["number"])
    return b


def place_guest_html(s, sku, qty=1, email="guest@example.test"):
    """A guest's order through the HTML pages: the cart form,
    checkout page, place form. (browser, order page response)."""
    b = Browser(s)
    b.get("/cart")
    r = b.post("/cart/items", {"sku": sku, "quantity": str(qty)},
               token_from="/cart")
    check(r.status in (200, 303), "add to cart: %r" % r)
    page = b.get("/checkout").text()
    m = re.search(r'name="idem" value="([^"]+)"', page)
    check(m is not None, "checkout page carries its one-time key")
    form = {"email": email, "idem": m.group(1), "csrf_token": b.csrf}
    for k, v in ADDRESS.items():
        form["ship_" + k] = v
    r = b.req("POST", "/checkout/place", form=form)
    eq(r.status, 303, "place order: %s" % r.text()[:600])
    loc = r.header("location")
    check(re.search(r"/orders/[0-9A-Z]{10}$", loc) is not None,
          "placed → the order page: %r" % loc)
    return b, loc, b.get(urllib.parse.urlparse(loc).path)


def stock_of(s, slug):
    """Units on hand of the product's first variant (all warehouses)."""
    r = staff_product(s, slug)
    eq(r.status, 200, "staff product %s: %r" % (slug, r))
    v = r["product"]["variants"][0]
    return sum(x["on_hand"] for x in v.get("stock", []))


def outbox(s, to):
    """(subject, text) of the mails queued for to, oldest first."""
    return [(row[0], row[1]) for row in s.sql(
        "SELECT subject, body_text FROM souk_outbox WHERE recipient = ? "
        "ORDER BY id", (to,))]


def staff_move(s, number, to, note=None):
    body = {"to": to}
    if note:
        body["note"] = note
    return call(s, "POST", "/api/v1/staff/orders/%s/transitions" % number,
                body, token=s.token)


def ship(s, number):
    """Staff move the order to shipped with tracking (via the staff API)."""
    for to in ("paid", "picking", "packed"):
        st, b, _ = staff_move(s, number, to)
        eq(st, 200, "staff: %s → %s: %r" % (number, to, b))
    st, b, _ = call(s, "POST", "/api/v1/staff/orders/%s/ship" % number,
                    {"carrier": "DHL", "tracking_number": "TRACK123",
                     "tracking_url": "https://track.example/TRACK123"},
                    token=s.token)
    eq(st, 200, "ship %s: %r" % (number, b))


def counts(s):
    """Rows that a refused request must not have touched."""
    return {t: s.sql("SELECT COUNT(*) FROM %s" % t)[0][0]
            for t in ("orders", "order_lines", "order_events",
                      "order_change_requests", "catalog_stock_moves",
                      "souk_outbox")}


def test_api_order_page_history_and_mail(ctx):
    """An order placed by the API: GET /api/v1/orders/N answers the
    document; the HTML page shows the thanks banner, lines, totals and
    address; the confirmation mail is in the outbox with the page's link;
    the history lists one's own orders only, newest first."""
    s = customer_stack(ctx)
    make_product(s, "tea-pot", "Tea pot", 2500, stock=10)
    ann = customer(ctx, s, "ann@example.test")
    bob = customer(ctx, s, "bob@example.test")
    first = place_api(s, ann, "TEA-POT", 2)
    second = place_api(s, ann, "TEA-POT", 1)
    bobs = place_api(s, bob, "TEA-POT", 1)
    st, b, _ = call(s, "GET", "/api/v1/orders/" + first["number"], token=ann)
    eq(st, 200, "own order by API: %r" % b)
    doc = b["order"]
    for k in ("id", "number", "status", "status_label", "placed_at",
              "email", "currency", "prices_include_tax", "subtotal",
              "discount_total", "shipping_total", "tax_total", "total",
              "paid_amount", "payment_method", "shipping", "address",
              "carrier", "tracking_number", "tracking_url",
              "customer_note", "lines", "events", "change_requests",
              "can_cancel", "can_request_change", "href", "invoice_href"):
        check(k in doc, "order document has %s: %r" % (k, sorted(doc)))
    eq(doc["status"], "pending_payment", "a new order waits for payment")
    eq(doc["email"], "ann@example.test", "the account's email")
    eq(doc["lines"][0]["sku"], "TEA-POT", "line sku")
    eq(doc["lines"][0]["quantity"], 2, "line quantity")
    eq(doc["lines"][0]["unit_price"], {"amount": 2500, "currency": "EUR"},
       "unit price as a money object")
    eq(doc["subtotal"]["amount"], 5000, "subtotal")
    eq(doc["total"], first["total"], "the total the checkout answered")
    eq(doc["address"]["city"], "Berlin", "address")
    check(re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ",
                       doc["placed_at"]) is not None, "ISO 8601 UTC time")
    check(doc["can_cancel"] and doc["can_request_change"], "may still act")
    eq(doc["href"], "/orders/" + first["number"], "page link")
    eq([e["kind"] for e in doc["events"]][:1], ["placed"],
       "the public timeline starts with placed")
    check(all("actor" not in e for e in doc["events"]),
          "the customer's timeline names no staff")

    # The HTML page of a signed-in customer (session by login form).
    web = Browser(s)
    r = web.post("/account/login", {"email": "ann@example.test",
                                    "password": "correct horse battery "
                                                "staple"})
    eq(r.status, 303, "sign in")
    r = web.get("/orders/" + first["number"])
    eq(r.status, 200, "own order page")
    t = r.text()
    for want in ("Thank you for your order", first["number"], "Tea pot",
                 "TEA-POT", "Berlin", "Cancel order", "Printable invoice",
                 "Change this order"):
        check(want in t, "order page shows %r" % want)

    # The confirmation mail.
    mails = outbox(s, "ann@example.test")
    eq(len(mails), 2, "one confirmation per order: %r" % mails)
    subj, text = mails[0]
    check(first["number"] in subj, "subject names the order: %r" % subj)
    check("http://localhost/orders/%s" % first["number"] in text,
          "mail links the order page: %r" % text)
    check("Tea pot" in text and "Total" in text and "Berlin" in text,
          "mail has lines, totals, address: %r" % text)
    check("50.00 EUR" in text, "money as text with its code: %r" % text)

    # History: own orders, newest first; JSON and HTML.
    st, b, _ = call(s, "GET", "/api/v1/orders", token=ann)
    eq(st, 200, "history API")
    eq([o["number"] for o in b["orders"]],
       [second["number"], first["number"]], "own orders, newest first")
    eq(b["total"], 2, "two orders")
    r = web.get("/account/orders")
    eq(r.status, 200, "history page")
    check(first["number"] in r.text() and second["number"] in r.text(),
          "history page lists both")
    check(bobs["number"] not in r.text(), "not another customer's")
    eq(Browser(s).get("/account/orders").status, 303,
       "a guest is sent to sign in")
    eq(call(s, "GET", "/api/v1/orders")[0], 401, "API without a token")
    eq(call(s, "GET", "/api/v1/orders?page=0", token=ann)[0], 400,
       "page 0 is bad input")


def test_not_yours_is_404(ctx):
    """Another customer's order number, an unknown number and a guest's
    order without its key all answer the same 404; the guest's key opens
    it (and is then remembered by the browser); a session's own token
    opens it without the key."""
    s = customer_stack(ctx)
    make_product(s, "mug", "Mug", 900, stock=10)
    ann = customer(ctx, s, "ann@example.test")
    bob = customer(ctx, s, "bob@example.test")
    order = place_api(s, ann, "MUG", 1)
    n = order["number"]
    st, b, _ = call(s, "GET", "/api/v1/orders/" + n, token=bob)
    eq(st, 404, "another customer's order by API: %r" % b)
    st, b2, _ = call(s, "GET", "/api/v1/orders/ZZZZZZZZZZ", token=bob)
    eq(st, 404, "unknown number")
    eq(b["error"], b2["error"], "the same answer for both")
    for path in ("/orders/%s", "/orders/%s/invoice"):
        r = Browser(s).get(path % n)
        eq(r.status, 404, "a stranger's browser: %s" % path)
    st, _, _ = call(s, "POST", "/api/v1/orders/%s/cancel" % n, {},
                    token=bob)
    eq(st, 404, "cancel of another's order")
    eq(call(s, "GET", "/api/v1/orders/" + n, token=ann)[1]["order"]
       ["status"], "pending_payment", "still pending")
    # Another site of the same group does not know the order.
    eq(call(s, "GET", "/api/v1/orders/" + n, token=ann,
            host="bazaar.test")[0], 404, "another site")

    # A guest's order: the placing browser sees it; a stranger not; the
    # mailed key opens it.
    guest, loc, r = place_guest_html(s, "MUG", 1)
    eq(r.status, 200, "the placing guest sees the order page")
    check("Thank you for your order" in r.text(), "thanks banner")
    gn = loc.rsplit("/", 1)[1]
    eq(Browser(s).get("/orders/" + gn).status, 404, "a stranger: 404")
    eq(call(s, "GET", "/api/v1/orders/" + gn, token=ann)[0], 404,
       "a signed-in stranger: 404")
    mails = outbox(s, "guest@example.test")
    eq(len(mails), 1, "the guest's confirmation")
    m = re.search(r"/orders/%s\?key=([0-9a-f]+)" % gn, mails[0][1])
    check(m is not None, "the guest's mail carries the key: %r" % mails[0][1])
    key = m.group(1)
    other = Browser(s)
    eq(other.get("/orders/%s?key=%s" % (gn, "0" * len(key))).status, 404,
       "a wrong key: 404")
    eq(other.get("/orders/%s?key=%s" % (gn, key)).status, 200,
       "the right key opens it")
    eq(other.get("/orders/" + gn).status, 200,
       "then the browser remembers it")
    eq(other.get("/orders/%s/invoice" % gn).status, 200, "and its invoice")
    eq(call(s, "GET", "/api/v1/orders/%s?key=%s" % (gn, key))[0], 200,
       "the key works for the API too")


def test_cancel_before_and_after_shipment(ctx):
    """Cancel before shipment: cancelled, the stock back, a public event
    and a mail. After shipment: 409 'has shipped: return it instead',
    nothing changed."""
    s = customer_stack(ctx)
    make_product(s, "lamp", "Lamp", 4000, stock=5)
    ann = customer(ctx, s, "ann@example.test")
    a = place_api(s, ann, "LAMP", 2)
    eq(stock_of(s, "lamp"), 3, "two taken by the order")
    before = counts(s)
    st, b, _ = call(s, "POST", "/api/v1/orders/%s/cancel" % a["number"],
                    {"reason": {"why": "x"}}, token=ann)
    eq(st, 400, "a reason that is not text: %r" % b)
    st, b, _ = call(s, "POST", "/api/v1/orders/%s/cancel" % a["number"],
                    {"reason": "x" * 501}, token=ann)
    eq(st, 400, "a reason too long: %r" % b)
    eq(counts(s), before, "nothing written by bad input")
    eq(stock_of(s, "lamp"), 3, "stock still taken")
    st, b, _ = call(s, "POST", "/api/v1/orders/%s/cancel" % a["number"],
                    {"reason": "ordered twice"}, token=ann)
    eq(st, 200, "cancel: %r" % b)
    eq(b["order"]["status"], "cancelled", "cancelled")
    eq(b["order"]["can_cancel"], False, "no second cancel")
    eq(stock_of(s, "lamp"), 5, "stock back")
    check(any(e["to"] == "cancelled" and e["note"] == "ordered twice"
              for e in b["order"]["events"]),
          "public event with the reason: %r" % b["order"]["events"])
    subjects = [m[0] for m in outbox(s, "ann@example.test")]
    check(any("cancelled" in x for x in subjects),
          "cancel mail: %r" % subjects)
    st, b, _ = call(s, "POST", "/api/v1/orders/%s/cancel" % a["number"], {},
                    token=ann)
    eq(st, 409, "already cancelled: %r" % b)

    # HTML cancel by form, then a shipped order.
    web = Browser(s)
    web.post("/account/login", {"email": "ann@example.test",
                                "password": "correct horse battery staple"})
    c = place_api(s, ann, "LAMP", 1)
    r = web.post("/orders/%s/cancel" % c["number"], {"reason": ""},
                 token_from="/orders/" + c["number"])
    eq(r.status, 303, "cancel form → back to the page")
    r = web.get("/orders/" + c["number"])
    check("Cancelled" in r.text() and "is cancelled" in r.text(),
          "page shows the status and the flash")
    eq(stock_of(s, "lamp"), 5, "stock back after the form")

    d = place_api(s, ann, "LAMP", 1)
    ship(s, d["number"])
    before = counts(s)
    stock = stock_of(s, "lamp")
    st, b, _ = call(s, "POST", "/api/v1/orders/%s/cancel" % d["number"],
                    {"reason": "too late"}, token=ann)
    eq(st, 409, "cancel after shipment")
    eq(b["error"]["message"], "Order %s has shipped: return it instead"
       % d["number"], "the message says what to do: %r" % b)
    eq(counts(s), before, "nothing written")
    eq(stock_of(s, "lamp"), stock, "stock unchanged")
    st, b, _ = call(s, "GET", "/api/v1/orders/" + d["number"], token=ann)
    eq(b["order"]["status"], "shipped", "still shipped")
    eq(b["order"]["tracking_number"], "TRACK123", "tracking shown")
    eq(b["order"]["can_cancel"], False, "no cancel button now")
    r = web.get("/orders/" + d["number"])
    check("TRACK123" in r.text() and "track.example" in r.text(),
          "the page shows tracking")
    check("Cancel order" not in r.text(), "no cancel button")
    shipped = [t for subj, t in outbox(s, "ann@example.test")
               if "has shipped" in subj]
    eq(len(shipped), 1, "one shipped mail")
    check("DHL" in shipped[0] and "TRACK123" in shipped[0]
          and "https://track.example/TRACK123" in shipped[0],
          "the shipped mail carries the tracking: %r" % shipped[0])
    paid = [subj for subj, t in outbox(s, "ann@example.test")
            if subj == "Payment received for order %s" % d["number"]]
    eq(len(paid), 1, "a payment mail")
    r = web.req("POST", "/orders/%s/cancel" % d["number"],
                form={"reason": "", "csrf_token": web.csrf})
    eq(r.status, 409, "the cancel form after shipment")
    check("has shipped: return it instead" in r.text(),
          "the page says what to do")
    eq(counts(s), before, "still nothing written")


def test_change_requests(ctx):
    """A change request is created (201) and shown; a second one while
    the first is open is refused; bad input (unknown kind, quantity -1, a
    line of another order, a bad address) is 4xx with nothing written."""
    s = customer_stack(ctx)
    make_product(s, "vase", "Vase", 3000, stock=10)
    make_product(s, "bowl", "Bowl", 1500, stock=10)
    ann = customer(ctx, s, "ann@example.test")
    a = place_api(s, ann, "VASE", 2)
    other = place_api(s, ann, "BOWL", 1)
    n = a["number"]
    doc = call(s, "GET", "/api/v1/orders/" + n, token=ann)[1]["order"]
    line = doc["lines"][0]["id"]
    other_line = call(s, "GET", "/api/v1/orders/" + other["number"],
                      token=ann)[1]["order"]["lines"][0]["id"]
    path = "/api/v1/orders/%s/change-requests" % n
    before = counts(s)
    bad = [({"kind": "colour"}, 400, "unknown kind"),
           ({}, 400, "no kind"),
           ({"kind": "quantities", "lines": [{"id": line, "quantity": -1}]},
            400, "quantity -1"),
           ({"kind": "quantities", "lines": [{"id": line,
                                              "quantity": "two"}]},
            400, "quantity not a number"),
           ({"kind": "quantities", "lines": []}, 400, "no lines"),
           ({"kind": "quantities", "lines": [{"id": other_line,
                                              "quantity": 1}]},
            422, "a line of another order"),
           ({"kind": "items", "add": [{"sku": "BOWL", "quantity": 0}]},
            400, "item quantity 0"),
           ({"kind": "items", "add": "BOWL"}, 400, "add not a list"),
           ({"kind": "address", "address": "Berlin"}, 400,
            "address not an object"),
           ({"kind": "address", "address": dict(ADDRESS,
                                                postcode="ABC")},
            400, "a bad postcode"),
           ({"kind": "quantities", "lines": [{"id": line, "quantity": 1}],
             "message": "x" * 1001}, 400, "message too long"),
           ({"kind": "quantities", "lines": [{"id": line, "quantity": 1}],
             "message": 7}, 400, "message not text"),
           ({"kind": ["items"]}, 400, "kind not text")]
    for body, want, what in bad:
        st, b, _ = call(s, "POST", path, body, token=ann)
        eq(st, want, "%s: %r" % (what, b))
        check(b and b["error"]["message"], "%s: a message: %r" % (what, b))
    eq(counts(s), before, "nothing written by bad input")

    st, b, _ = call(s, "POST", path, {"kind": "quantities",
                                      "lines": [{"id": line,
                                                 "quantity": 1}],
                                      "message": "one is enough"},
                    token=ann)
    eq(st, 201, "change request: %r" % b)
    cr = b["change_request"]
    eq((cr["kind"], cr["status"]), ("quantities", "open"), "open request")
    eq(cr["payload"], {"lines": [{"id": line, "quantity": 1}]}, "payload")
    doc = call(s, "GET", "/api/v1/orders/" + n, token=ann)[1]["order"]
    eq([c["id"] for c in doc["change_requests"]], [cr["id"]],
       "visible on the order")
    eq(doc["can_request_change"], False, "one open request at a time")
    st, b, _ = call(s, "POST", path, {"kind": "items",
                                      "add": [{"sku": "BOWL",
                                               "quantity": 1}]},
                    token=ann)
    eq(st, 409, "a second while one is open: %r" % b)

    # By form, on the other order: a bad kind, then add an item.
    web = Browser(s)
    web.post("/account/login", {"email": "ann@example.test",
                                "password": "correct horse battery staple"})
    page = "/orders/" + other["number"]
    before = counts(s)
    r = web.post(page + "/change-requests", {"kind": "colour"},
                 token_from=page)
    eq(r.status, 400, "a bad kind by form")
    check("Kind must be address, quantities or items" in r.text(),
          "the page names the problem")
    r = web.post(page + "/change-requests", {"kind": "quantities",
                                             "qty_%d" % other_line: "-1"},
                 token_from=page)
    eq(r.status, 400, "quantity -1 by form")
    r = web.post(page + "/change-requests", {"kind": "quantities",
                                             "qty_%d" % line: "1"},
                 token_from=page)
    eq(r.status, 422, "another order's line by form")
    eq(counts(s), before, "nothing written by the forms")
    r = web.post(page + "/change-requests", {"kind": "items", "sku": "VASE",
                                             "quantity": "1"},
                 token_from=page)
    eq(r.status, 303, "change request by form: %s" % r.text()[:400])
    r = web.get(page)
    check("waiting for our answer" in r.text(), "page shows it is open")
    r = web.post(page + "/change-requests", {"kind": "nope"},
                 token_from="/orders/" + n)
    eq(r.status, 409, "the form's answer while one is open")

    # Staff decide: the customer sees the outcome and is mailed.
    st, b, _ = call(s, "POST", "/api/v1/staff/change-requests/%d"
                    % cr["id"], {"decision": "decline",
                                 "reason": "Already at the packing table"},
                    token=s.token)
    eq(st, 200, "staff decline: %r" % b)
    doc = call(s, "GET", "/api/v1/orders/" + n, token=ann)[1]["order"]
    eq((doc["change_requests"][0]["status"],
        doc["change_requests"][0]["reason"]),
       ("declined", "Already at the packing table"), "declined, with why")
    eq(doc["can_request_change"], True, "may ask again")
    mails = [t for subj, t in outbox(s, "ann@example.test")
             if subj == "Your change to order %s was declined" % n]
    eq(len(mails), 1, "the decline mail")
    check("Already at the packing table" in mails[0], "with the reason")
    odoc = call(s, "GET", "/api/v1/orders/" + other["number"],
                token=ann)[1]["order"]
    st, b, _ = call(s, "POST", "/api/v1/staff/change-requests/%d"
                    % odoc["change_requests"][0]["id"],
                    {"decision": "accept"}, token=s.token)
    eq(st, 200, "staff accept: %r" % b)
    odoc = call(s, "GET", "/api/v1/orders/" + other["number"],
                token=ann)[1]["order"]
    eq(sorted(x["sku"] for x in odoc["lines"]), ["BOWL", "VASE"],
       "the item was added")
    mails = [t for subj, t in outbox(s, "ann@example.test")
             if subj == "Order %s was changed" % other["number"]]
    eq(len(mails), 1, "the change mail")
    check("Vase" in mails[0] and "Total" in mails[0],
          "it shows the new lines and totals: %r" % mails[0])


def test_invoice(ctx):
    """The invoice: seller from shop.name and shop.address, the buyer,
    lines with tax rate and amount, totals, and a tax summary per rate."""
    s = customer_stack(ctx, settings={"shop.address":
                                  "Demo GmbH | Marktplatz 5 | 10117 Berlin"})
    make_product(s, "book", "Book", 2000, stock=5)
    make_product(s, "pen", "Pen", 500, stock=5)
    st, b, _ = call(s, "POST", "/api/v1/tax-rules",
                    {"country": "DE", "name": "MwSt", "rate_bp": 1900,
                     "shipping": 1}, token=s.token)
    check(st in (200, 201), "tax rule: %r" % b)
    ann = customer(ctx, s, "ann@example.test")
    call(s, "POST", "/api/v1/cart/items", {"sku": "PEN", "quantity": 2},
         token=ann)
    a = place_api(s, ann, "BOOK", 1)
    doc = call(s, "GET", "/api/v1/orders/" + a["number"],
               token=ann)[1]["order"]
    web = Browser(s)
    web.post("/account/login", {"email": "ann@example.test",
                                "password": "correct horse battery staple"})
    r = web.get("/orders/%s/invoice" % a["number"])
    eq(r.status, 200, "invoice")
    t = r.text()
    for want in ("Invoice", a["number"], "Demo GmbH", "Marktplatz 5",
                 "Ann Buyer", "Hauptstr. 1", "Book", "Pen", "19%",
                 "Tax summary", "@media print"):
        check(want in t, "invoice shows %r" % want)
    summary = t[t.index("Tax summary"):]
    for want in ("19%", "\u20ac25.21", "\u20ac4.79", "\u20ac30.00"):
        check(want in summary, "tax summary shows %r: %s"
              % (want, summary[:600]))
    eq(doc["lines"][0]["tax_rate_bp"], 1900, "line rate")
    # 20.00 incl. 19 %: 3.19 tax; 2 x 5.00 = 10.00: 1.60
    taxes = sorted(x["tax_amount"]["amount"] for x in doc["lines"])
    eq(taxes, [160, 319], "tax per line, half up")


def test_history_pages_and_escaping(ctx):
    """The history pages by 20, newest first; what a buyer typed is
    escaped on the order page and the invoice."""
    s = customer_stack(ctx)
    make_product(s, "sock", "Sock", 300, stock=100)
    ann = customer(ctx, s, "ann@example.test")
    numbers = [place_api(s, ann, "SOCK", 1)["number"] for _ in range(21)]
    st, b, _ = call(s, "GET", "/api/v1/orders", token=ann)
    eq((b["total"], b["pages"], b["per_page"]), (21, 2, 20), "counts")
    eq(b["orders"][0]["number"], numbers[-1], "newest first")
    st, b2, _ = call(s, "GET", "/api/v1/orders?page=2", token=ann)
    eq([o["number"] for o in b2["orders"]], [numbers[0]], "page 2: oldest")
    web = Browser(s)
    web.post("/account/login", {"email": "ann@example.test",
                                "password": "correct horse battery staple"})
    r = web.get("/account/orders?page=2")
    check(numbers[0] in r.text() and 'rel="prev"' in r.text(),
          "page 2 links back")
    eq(Browser(s).get("/account/orders?page=x").status, 303,
       "a guest is sent to sign in first")
    eq(web.get("/account/orders?page=x").status, 400, "a bad page")

    evil = dict(ADDRESS, name="Ann <script>alert(1)</script>")
    st, b, _ = call(s, "POST", "/api/v1/cart/items",
                    {"sku": "SOCK", "quantity": 1}, token=ann)
    st, b, _ = call(s, "POST", "/api/v1/checkout",
                    {"address": evil, "note": "<b>ring twice</b>"},
                    token=ann, headers={"Idempotency-Key": "evil-1"})
    if st != 201:
        return          # the checkout refused the markup: nothing to show
    for path in ("/orders/%s", "/orders/%s/invoice"):
        t = web.get(path % b["number"]).text()
        check("<script>alert" not in t and "<b>ring" not in t,
              "%s escapes what the buyer typed" % path)
        check("&lt;script&gt;" in t, "%s shows it as text" % path)

"""The staff side of orders, through nginx on the run's database engine:
the staff API (list and filters, the full document, moves, shipping with
tracking, notes, change requests), the back office pages (list, detail,
forms, pick list by warehouse, packing slip) and who may do what. Orders
are placed as a guest would, through the cart and checkout API."""

import json
import re
import threading
import uuid

from catalog_kit import ADMIN_EMAIL, PASSWORD, add_user, api, \
    ensure_warehouse, make_product, staff_token
from harness import Browser, check, eq
from shop_kit import shop_stack

USES_DB = True

ADDRESS = {"name": "Ada Buyer", "line1": "Hauptstrasse 1",
           "city": "Berlin", "postcode": "10115", "country": "DE"}


# ---------------------------------------------------------------------------
# Helpers

def stack(ctx, workers=1):
    return shop_stack(ctx, workers=workers)


def place(s, items, email=None, host="localhost"):
    """A guest buys items [(sku, quantity)] through the cart and checkout
    API; returns the order number."""
    email = email or "buyer-%s@example.test" % uuid.uuid4().hex[:6]
    b = Browser(s, host)
    eq(b.get("/account/login").status, 200, "a guest's first page")
    for sku, qty in items:
        st, doc = b.json("POST", "/api/v1/cart/items",
                         {"sku": sku, "quantity": qty})
        eq(st, 201, "add %d of %s: %r" % (qty, sku, doc))
    h = {"Accept": "application/json", "Content-Type": "application/json",
         "Idempotency-Key": uuid.uuid4().hex, "X-CSRF-Token": b.csrf}
    r = b.req("POST", "/api/v1/checkout", body=json.dumps({
        "email": email, "address": ADDRESS}).encode(), headers=h)
    eq(r.status, 201, "checkout: %s" % r.text()[:300])
    return r.json()["number"]


def staff(s, method, path, obj=None, token=None, host="localhost"):
    return api(s, method, "/api/v1/staff" + path, obj, token=token,
               host=host)


def move(s, number, to, token=None, **kw):
    body = dict(kw, to=to)
    return staff(s, "POST", "/orders/%s/transitions" % number, body,
                 token=token)


def status_of(s, number):
    return s.sql("SELECT status FROM orders WHERE number = ?",
                 (number,))[0][0]


def events(s, number):
    return s.sql("SELECT e.kind, e.from_status, e.to_status, e.note, "
                 "e.public FROM order_events e JOIN orders o ON o.id = "
                 "e.order_id WHERE o.number = ? ORDER BY e.id", (number,))


def on_hand(s, sku, warehouse=None):
    q = ("SELECT COALESCE(SUM(s.on_hand), 0) FROM catalog_stock s JOIN "
         "catalog_variants v ON v.id = s.variant_id JOIN catalog_warehouses "
         "w ON w.id = s.warehouse_id WHERE v.sku = ?")
    args = [sku]
    if warehouse:
        q += " AND w.code = ?"
        args.append(warehouse)
    return int(s.sql(q, tuple(args))[0][0])


def order_row(s, number):
    return s.sql("SELECT status, subtotal, tax_total, total, shipping_total,"
                 " ship_city, carrier, tracking_number, tracking_url FROM "
                 "orders WHERE number = ?", (number,))[0]


def lines(s, number):
    """{sku: (quantity, allocated)}"""
    rows = s.sql("SELECT l.sku, l.quantity, (SELECT COALESCE(SUM("
                 "a.quantity), 0) FROM order_allocations a WHERE a.line_id "
                 "= l.id) FROM order_lines l JOIN orders o ON o.id = "
                 "l.order_id WHERE o.number = ? ORDER BY l.id", (number,))
    return {r[0]: (int(r[1]), int(r[2])) for r in rows}


def request_change(s, number, kind, payload):
    """An open change request as the customer's page would leave it."""
    oid = s.sql("SELECT id FROM orders WHERE number = ?", (number,))[0][0]
    s.sql("INSERT INTO order_change_requests (order_id, kind, payload, "
          "message, status, created_at) VALUES (?, ?, ?, 'please', 'open', "
          "1700000000)", (int(oid), kind, json.dumps(payload)))
    return int(s.sql("SELECT MAX(id) FROM order_change_requests")[0][0])


def decide(s, cid, decision, reason=None, token=None):
    body = {"decision": decision}
    if reason is not None:
        body["reason"] = reason
    return staff(s, "POST", "/change-requests/%d" % cid, body, token=token)


def user_token(ctx, s, email, role):
    add_user(ctx, s, email, role)
    return staff_token(s, email)


def admin_browser(s):
    b = Browser(s)
    r = b.login(ADMIN_EMAIL, PASSWORD)
    eq(r.status, 303, "admin signs in: %r" % r)
    return b


# ---------------------------------------------------------------------------
# Moves and shipping

def test_moves_illegal_refused_and_ship(ctx):
    """pending_payment → shipped is refused (409) with nothing written;
    paid, picking, packed go through; a ship with a javascript: URL is 422
    and leaves the order packed; a ship with tracking makes it shipped with
    carrier, number and URL, and a second ship is 409."""
    s = stack(ctx)
    make_product(s, "mug", "Mug", 1250, stock=10)
    n = place(s, [("MUG", 2)])
    eq(status_of(s, n), "pending_payment", "a pay-later order waits")
    before = events(s, n)
    a = move(s, n, "shipped")
    eq(a.status, 409, "pending_payment → shipped: %r" % a)
    check("cannot become shipped" in a.raw.text(), "409 says why: %r" % a)
    eq(status_of(s, n), "pending_payment", "status unchanged")
    eq(events(s, n), before, "no event written")
    a = move(s, n, "flying")
    eq(a.status, 422, "unknown status: %r" % a)
    for to in ("paid", "picking", "packed"):
        a = move(s, n, to, note="to %s" % to)
        eq(a.status, 200, "→ %s: %r" % (to, a))
        eq(a["order"]["status"], to, "the answer has the new status")
    tos = [t["to"] for t in a["order"]["transitions"]]
    eq(sorted(tos), ["cancelled", "on_hold", "shipped"],
       "moves allowed from packed")
    a = staff(s, "POST", "/orders/%s/ship" % n,
              {"carrier": "DHL", "tracking_number": "JJD0001",
               "tracking_url": "javascript:alert(1)"})
    eq(a.status, 422, "javascript: URL: %r" % a)
    eq(order_row(s, n)[0], "packed", "still packed")
    eq(order_row(s, n)[6:], ("", "", ""), "no tracking stored")
    a = staff(s, "POST", "/orders/%s/ship" % n, {"carrier": "",
                                                 "tracking_number": "X"})
    eq(a.status, 422, "no carrier: %r" % a)
    a = staff(s, "POST", "/orders/%s/ship" % n,
              {"carrier": "DHL", "tracking_number": "JJD0001",
               "tracking_url": "https://track.example/JJD0001"})
    eq(a.status, 200, "ship: %r" % a)
    row = order_row(s, n)
    eq(row[0], "shipped", "shipped")
    eq(row[6:], ("DHL", "JJD0001", "https://track.example/JJD0001"),
       "tracking stored")
    last = [e for e in events(s, n) if e[2] == "shipped"][-1]
    eq((last[0], last[1], last[2], last[4]),
       ("status", "packed", "shipped", "1"), "a public shipped event")
    check("JJD0001" in last[3], "the event names the tracking number")
    a = staff(s, "POST", "/orders/%s/ship" % n,
              {"carrier": "UPS", "tracking_number": "1Z"})
    eq(a.status, 409, "ship twice: %r" % a)
    eq(order_row(s, n)[6], "DHL", "the first shipment's carrier stays")
    eq(staff(s, "GET", "/orders/ZZZZZZZZZZ").status, 404, "unknown number")


def test_concurrent_moves_one_wins(ctx):
    """Two staff move the same paid order to picking at once: one 200, one
    409, and one status event."""
    s = stack(ctx)
    make_product(s, "cup", "Cup", 500, stock=10)
    n = place(s, [("CUP", 1)])
    eq(move(s, n, "paid").status, 200, "paid")
    for _ in range(3):
        out = [None, None]
        gate = threading.Barrier(2)

        def go(i, to):
            gate.wait(10)
            out[i] = move(s, n, to).status

        ts = [threading.Thread(target=go, args=(0, "picking")),
              threading.Thread(target=go, args=(1, "picking"))]
        for t in ts:
            t.start()
        for t in ts:
            t.join(60)
        eq(sorted(out), [200, 409], "one wins: %r" % out)
        picks = [e for e in events(s, n) if e[2] == "picking"]
        eq(len(picks), 1, "one picking event")
        # back to paid through a hold, for another round
        eq(move(s, n, "on_hold").status, 200, "hold")
        eq(move(s, n, "picking").status, 200, "release to picking")
        s.sql("UPDATE orders SET status = 'paid' WHERE number = ?", (n,))
        s.sql("DELETE FROM order_events WHERE to_status IN ('picking', "
              "'on_hold')")


# ---------------------------------------------------------------------------
# Notes, permissions, sites

def test_notes_permissions_and_sites(ctx):
    """A private and a public note; a customer gets 403 on the staff API;
    a clerk may pick but not cancel (403, nothing changed) nor decide a
    change request; an order of another site is 404."""
    s = stack(ctx)
    make_product(s, "pen", "Pen", 300, stock=10)
    n = place(s, [("PEN", 1)])
    a = staff(s, "POST", "/orders/%s/notes" % n, {"note": "called them"})
    eq(a.status, 201, "private note: %r" % a)
    a = staff(s, "POST", "/orders/%s/notes" % n,
              {"note": "Your parcel leaves tomorrow", "public": True})
    eq(a.status, 201, "public note: %r" % a)
    notes = [(e["note"], e["public"]) for e in a["order"]["events"]
             if e["kind"] == "note"]
    eq(notes, [("called them", False), ("Your parcel leaves tomorrow",
                                         True)], "both notes, flagged")
    a = staff(s, "POST", "/orders/%s/notes" % n, {"note": "  "})
    eq(a.status, 422, "empty note: %r" % a)
    a = staff(s, "POST", "/orders/%s/notes" % n, {"note": "x\x01y"})
    eq(a.status, 422, "control character: %r" % a)
    eq(len([e for e in events(s, n) if e[0] == "note"]), 2, "two notes")

    cust = user_token(ctx, s, "cust@example.test", "customer")
    eq(staff(s, "GET", "/orders", token=cust).status, 403, "customer list")
    eq(staff(s, "GET", "/orders/" + n, token=cust).status, 403,
       "customer detail")
    eq(move(s, n, "paid", token=cust).status, 403, "customer move")
    eq(staff(s, "GET", "/orders", token="").status, 401, "anonymous")

    clerk = user_token(ctx, s, "clerk@example.test", "orders_clerk")
    a = move(s, n, "cancelled", token=clerk)
    eq(a.status, 403, "clerk cancels: %r" % a)
    eq(move(s, n, "paid", token=clerk).status, 403, "clerk marks paid")
    eq(status_of(s, n), "pending_payment", "nothing changed")
    eq(move(s, n, "paid").status, 200, "admin marks paid")
    eq(move(s, n, "picking", token=clerk).status, 200, "clerk picks")
    eq(staff(s, "POST", "/orders/%s/notes" % n, {"note": "picked"},
             token=clerk).status, 201, "clerk adds a note")
    cid = request_change(s, n, "address", dict(ADDRESS, city="Hamburg",
                                               postcode="20095"))
    eq(decide(s, cid, "accept", token=clerk).status, 403,
       "clerk decides a change request")
    eq(s.sql("SELECT status FROM order_change_requests WHERE id = ?",
             (cid,))[0][0], "open", "still open")

    other = place_other(ctx, s)
    eq(staff(s, "GET", "/orders/" + other).status, 404, "other site's order")
    eq(move(s, other, "paid").status, 404, "other site's order: move")
    eq(staff(s, "POST", "/orders/%s/notes" % other, {"note": "x"}).status,
       404, "other site's order: note")
    oid = s.sql("SELECT id FROM orders WHERE number = ?", (other,))[0][0]
    s.sql("INSERT INTO order_change_requests (order_id, kind, payload, "
          "status, created_at) VALUES (?, 'address', '{}', 'open', 1)",
          (int(oid),))
    ocid = int(s.sql("SELECT MAX(id) FROM order_change_requests")[0][0])
    eq(decide(s, ocid, "decline", "no").status, 404,
       "other site's change request")
    check(all(r[0] == "pending_payment" for r in s.sql(
        "SELECT status FROM orders WHERE number = ?", (other,))),
        "the other site's order is untouched")
    b = admin_browser(s)
    eq(b.get("/admin/orders/" + other).status, 404, "back office: 404")


def place_other(ctx, s):
    """An order on site "other" (its own group, its own admin)."""
    email = "boss@other.test"
    add_user_other(ctx, s, email)
    tok = staff_token(s, email, host="other.test")
    ensure_warehouse(s, "OTH", token=tok, host="other.test")
    make_product(s, "far", "Far", 700, token=tok, host="other.test")
    r = api(s, "POST", "/api/v1/stock/receipts",
            {"warehouse": "OTH", "lines": [{"sku": "FAR", "quantity": 5}]},
            token=tok, host="other.test")
    eq(r.status, 201, "stock at other: %r" % r)
    return place(s, [("FAR", 1)], host="other.test")


def add_user_other(ctx, s, email):
    from catalog_kit import souk
    rc, out, err = souk(ctx, s, "user", "add", email, "--role", "admin",
                        "--site", "other",
                        env={"SOUK_PASSWORD": PASSWORD})
    eq(rc, 0, "souk user add %s: %s %s" % (email, out, err))


# ---------------------------------------------------------------------------
# The list

def test_list_filters(ctx):
    """Status, number, email part, payment method, dates and paging, on
    the API and on the back office page."""
    s = stack(ctx)
    make_product(s, "bag", "Bag", 2000, stock=50)
    n1 = place(s, [("BAG", 1)], email="alice@example.test")
    n2 = place(s, [("BAG", 1)], email="bob@example.test")
    n3 = place(s, [("BAG", 2)], email="carol@example.test")
    eq(move(s, n2, "paid").status, 200, "paid")
    s.sql("UPDATE orders SET placed_at = 1577836800 WHERE number = ?",
          (n1,))                                   # 2020-01-01
    a = staff(s, "GET", "/orders")
    eq(a.status, 200, "list: %r" % a)
    eq([o["number"] for o in a["orders"]][:3][0] in (n2, n3), True,
       "newest first")
    eq(a["orders"][-1]["number"], n1, "the oldest last")
    eq(a["total"], 3, "three orders")
    a = staff(s, "GET", "/orders?status=paid")
    eq([o["number"] for o in a["orders"]], [n2], "status filter")
    a = staff(s, "GET", "/orders?q=" + n3.lower())
    eq([o["number"] for o in a["orders"]], [n3], "by number")
    a = staff(s, "GET", "/orders?q=CAROL%40example")
    eq([o["number"] for o in a["orders"]], [n3], "by part of the email")
    a = staff(s, "GET", "/orders?q=%25")
    eq(a["orders"], [], "a % is a character, not a wildcard")
    a = staff(s, "GET", "/orders?status=lost")
    eq(a.status, 422, "bad status: %r" % a)
    a = staff(s, "GET", "/orders?page=0")
    eq(a.status, 422, "bad page: %r" % a)
    a = staff(s, "GET", "/orders?page=99")
    eq((a.status, a["page"]), (200, 1), "a page past the end: the last")

    b = admin_browser(s)
    r = b.get("/admin/orders")
    eq(r.status, 200, "back office list")
    for n in (n1, n2, n3):
        check('data-order="%s"' % n in r.text(), "%s listed" % n)
    r = b.get("/admin/orders?from=2019-12-31&to=2020-01-01")
    check('data-order="%s"' % n1 in r.text() and
          'data-order="%s"' % n2 not in r.text(), "date range")
    r = b.get("/admin/orders?from=2021-01-01")
    check('data-order="%s"' % n1 not in r.text() and
          'data-order="%s"' % n2 in r.text(), "from a date")
    r = b.get("/admin/orders?payment=pay_later&status=pending_payment")
    check('data-order="%s"' % n3 in r.text() and
          'data-order="%s"' % n2 not in r.text(), "payment and status")
    r = b.get("/admin/orders?payment=card")
    check("No orders match" in r.text(), "no card orders")
    r = b.get("/admin/orders?from=2020-02-30")
    eq(r.status, 200, "a bad date still shows the page")
    check("YYYY-MM-DD" in r.text(), "and says why it was left out")
    r = b.get("/admin/orders?q=<script>")
    check("<script>" not in r.text(), "the search is escaped")
    anon = Browser(s)
    r = anon.get("/admin/orders")
    eq(r.status, 303, "anonymous: to the log-in")


# ---------------------------------------------------------------------------
# Pick list, packing slip, the detail page's forms

def test_picklist_slip_and_pages(ctx):
    """Two warehouses: the pick list sums paid orders' allocations by SKU
    per warehouse and lists them per order, leaving unpaid pay-later
    orders out; the packing slip shows no price; the detail page's forms
    move, note and ship."""
    s = stack(ctx)
    make_product(s, "lamp", "Lamp", 4500, stock=2)
    make_product(s, "bulb", "Bulb", 250, stock=20)
    ensure_warehouse(s, "EAST")
    r = api(s, "POST", "/api/v1/stock/receipts",
            {"warehouse": "EAST", "lines": [{"sku": "LAMP", "quantity": 5}]})
    eq(r.status, 201, "stock at EAST: %r" % r)
    n1 = place(s, [("LAMP", 3), ("BULB", 2)])     # LAMP: 2 MAIN + 1 EAST
    n2 = place(s, [("LAMP", 2), ("BULB", 1)])     # LAMP: 2 EAST
    n3 = place(s, [("BULB", 4)])                  # unpaid: not picked yet
    eq(lines(s, n1)["LAMP"], (3, 3), "allocated")
    for n in (n1, n2):
        eq(move(s, n, "paid").status, 200, "paid")
    eq(move(s, n2, "picking").status, 200, "picking")
    b = admin_browser(s)
    r = b.get("/admin/orders/picklist?warehouse=MAIN")
    eq(r.status, 200, "pick list MAIN")
    t = r.text()
    check('<tr data-sku="LAMP"><td><code>LAMP</code></td><td>Lamp</td>'
          '<td class="num" data-qty="2">' in t, "MAIN: 2 lamps\n" + t[-3000:])
    check('<tr data-sku="BULB"><td><code>BULB</code></td><td>Bulb</td>'
          '<td class="num" data-qty="3">' in t, "MAIN: 3 bulbs")
    check('data-order="%s"' % n1 in t and 'data-order="%s"' % n2 in t
          and 'data-order="%s"' % n3 not in t, "per order, paid only")
    r = b.get("/admin/orders/picklist?warehouse=EAST")
    t = r.text()
    check('<tr data-sku="LAMP"><td><code>LAMP</code></td><td>Lamp</td>'
          '<td class="num" data-qty="3">' in t, "EAST: 3 lamps")
    check('data-sku="BULB"' not in t, "no bulbs at EAST")
    eq(b.get("/admin/orders/picklist?warehouse=NOPE").status, 404,
       "unknown warehouse")
    check("Choose a warehouse" in b.get("/admin/orders/picklist").text(),
          "no warehouse: the choice")

    r = b.get("/admin/orders/%s/packing-slip" % n1)
    eq(r.status, 200, "packing slip")
    t = r.text()
    check("LAMP" in t and "Ada Buyer" in t, "lines and address")
    for price in ("45.00", "45,00", "5.00", "EUR", "€", "140"):
        check(price not in t, "no price (%s) on the slip" % price)
    r = b.req("GET", "/admin/orders/%s/packing-slip" % n1,
              headers={"Accept": "application/json"})
    check("4500" not in r.text() and "amount" not in r.text(),
          "no price in the slip's JSON either")

    page = "/admin/orders/" + n1
    t = b.get(page).text()
    check('data-to="picking"' in t and 'data-to="cancelled"' in t
          and 'data-to="packed"' not in t, "buttons for legal moves only")
    r = b.post(page + "/transition", {"to": "shipped"}, token_from=page)
    eq(r.status, 409, "an illegal move from the page")
    eq(status_of(s, n1), "paid", "unchanged")
    r = b.post(page + "/transition", {"to": "picking", "note": "go",
                                      "public": "no"}, token_from=page)
    eq(r.status, 303, "pick from the page: %r" % r)
    r = b.post(page + "/notes", {"note": "fragile", "public": "yes"},
               token_from=page)
    eq(r.status, 303, "note from the page")
    eq(b.post(page + "/transition", {"to": "packed"},
              token_from=page).status, 303, "packed")
    r = b.post(page + "/ship", {"carrier": "DPD", "tracking_number": "1",
                                "tracking_url": "ftp://x"}, token_from=page)
    eq(r.status, 422, "ftp URL")
    eq(status_of(s, n1), "packed", "still packed")
    r = b.post(page + "/ship", {"carrier": "DPD", "tracking_number": "123",
                                "tracking_url": "http://dpd.example/123"},
               token_from=page)
    eq(r.status, 303, "shipped from the page")
    t = b.get(page).text()
    check("DPD 123" in t and "fragile" in t and "(customer sees it)" in t,
          "tracking and timeline shown")
    r = b.req("POST", page + "/notes", form={"note": "x"})
    eq(r.status, 403, "no CSRF token")


# ---------------------------------------------------------------------------
# Change requests

def test_change_requests(ctx):
    """Accept an address change, a quantity rise (stock taken) and fall
    (stock returned), added items (at today's price, stock taken); decline
    needs a reason; a rise without stock is declined with nothing else
    changed; a shipped order's request is declined "shipped"."""
    s = stack(ctx)
    make_product(s, "sock", "Sock", 1000, stock=6)
    make_product(s, "hat", "Hat", 2500, stock=3)
    n = place(s, [("SOCK", 1)])
    eq(move(s, n, "paid").status, 200, "paid")
    paid = int(s.sql("SELECT paid_amount FROM orders WHERE number = ?",
                     (n,))[0][0])
    sock_line = int(s.sql("SELECT l.id FROM order_lines l JOIN orders o ON "
                          "o.id = l.order_id WHERE o.number = ?",
                          (n,))[0][0])

    cid = request_change(s, n, "address", dict(ADDRESS, city="Hamburg",
                                               postcode="20095"))
    a = decide(s, cid, "decline")
    eq(a.status, 422, "decline without a reason: %r" % a)
    eq(s.sql("SELECT status FROM order_change_requests WHERE id = ?",
             (cid,))[0][0], "open", "still open")
    a = decide(s, cid, "maybe", "x")
    eq(a.status, 422, "bad decision")
    a = decide(s, cid, "accept")
    eq(a.status, 200, "accept the address: %r" % a)
    eq(order_row(s, n)[5], "Hamburg", "address replaced")
    eq(decide(s, cid, "accept").status, 409, "decided twice")

    total0 = int(order_row(s, n)[3])
    cid = request_change(s, n, "quantities",
                         {"lines": [{"id": sock_line, "quantity": 3}]})
    a = decide(s, cid, "accept")
    eq(a.status, 200, "quantity up: %r" % a)
    eq(lines(s, n)["SOCK"], (3, 3), "3 socks allocated")
    eq(on_hand(s, "SOCK"), 3, "two more taken")
    total1 = int(order_row(s, n)[3])
    eq(total1 - total0, 2000, "total up by two socks")

    cid = request_change(s, n, "quantities",
                         {"lines": [{"id": sock_line, "quantity": 10}]})
    before = (order_row(s, n), lines(s, n), on_hand(s, "SOCK"))
    a = decide(s, cid, "accept")
    eq(a.status, 409, "a rise without stock: %r" % a)
    eq((order_row(s, n), lines(s, n), on_hand(s, "SOCK")), before,
       "nothing changed")
    row = s.sql("SELECT status, reason FROM order_change_requests WHERE id "
                "= ?", (cid,))[0]
    eq(row[0], "declined", "the request is declined")
    check("left" in row[1], "with the stock reason: %r" % (row,))

    cid = request_change(s, n, "items", {"add": [{"sku": "HAT",
                                                  "quantity": 2}]})
    a = decide(s, cid, "accept", "added as asked")
    eq(a.status, 200, "items: %r" % a)
    eq(lines(s, n)["HAT"], (2, 2), "hats added and allocated")
    eq(on_hand(s, "HAT"), 1, "hat stock taken")
    hat = [l for l in a["order"]["lines"] if l["sku"] == "HAT"][0]
    eq(hat["unit_price"]["amount"], 2500, "at the catalog price")
    eq(int(order_row(s, n)[3]) - total1, 5000, "total up by two hats")

    cid = request_change(s, n, "quantities",
                         {"lines": [{"id": sock_line, "quantity": 1}]})
    a = decide(s, cid, "accept")
    eq(a.status, 200, "quantity down: %r" % a)
    eq(lines(s, n)["SOCK"], (1, 1), "one sock left")
    eq(on_hand(s, "SOCK"), 5, "two returned")
    ret = s.sql("SELECT SUM(delta_on_hand) FROM catalog_stock_moves WHERE "
                "kind = 'return' AND ref = ?", (n,))[0][0]
    eq(int(ret), 2, "as return moves")
    total = int(order_row(s, n)[3])
    ev = [e for e in events(s, n) if e[0] == "change"][-1]
    check("accepted" in ev[3], "a change event: %r" % (ev,))
    if paid > total:
        check("Refund due" in ev[3], "refund due recorded: %r" % (ev,))

    cid = request_change(s, n, "address", dict(ADDRESS, city="Bonn",
                                               postcode="53111"))
    a = decide(s, cid, "decline", "we already packed it")
    eq(a.status, 200, "declined: %r" % a)
    row = s.sql("SELECT status, reason FROM order_change_requests WHERE id "
                "= ?", (cid,))[0]
    eq(row, ("declined", "we already packed it"), "declined with reason")
    eq(order_row(s, n)[5], "Hamburg", "address kept")

    for to in ("picking", "packed"):
        eq(move(s, n, to).status, 200, to)
    eq(staff(s, "POST", "/orders/%s/ship" % n,
             {"carrier": "DHL", "tracking_number": "9"}).status, 200, "ship")
    cid = request_change(s, n, "address", dict(ADDRESS, city="Köln",
                                               postcode="50667"))
    a = decide(s, cid, "accept")
    eq(a.status, 409, "a shipped order's request: %r" % a)
    eq(s.sql("SELECT status, reason FROM order_change_requests WHERE id = "
             "?", (cid,))[0], ("declined", "shipped"), "declined: shipped")
    eq(order_row(s, n)[5], "Hamburg", "address kept")
    eq(decide(s, 999999, "accept").status, 404, "no such request")

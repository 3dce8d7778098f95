"""Checkout through nginx on the run's database engine: the staff set-up
of shipping methods and tax rules (JSON API, refused without
orders.settings and for another site's rows), addresses checked per
country, flat / table / free-over / pickup shipping, tax with prices
including or excluding it (exact totals), the built-in methods, the JSON
checkout with its Idempotency-Key, and the HTML checkout for a guest and
for a signed-in customer with an address book."""

import re

from catalog_kit import ADMIN_EMAIL, PASSWORD, add_user, api, \
    ensure_warehouse, make_product, staff_token
from harness import Browser, check, eq
from shop_kit import shop_stack

USES_DB = True

DE = {"name": "Erika Muster", "line1": "Hauptstr. 1", "city": "Berlin",
      "postcode": "10115", "country": "DE"}


def product(s, slug, price, weight=0, stock=50, kind=None):
    """A listed product with one variant of weight grams."""
    sku = slug.upper()
    extra = {"variants": [{"sku": sku, "weight_g": weight,
                           "prices": [{"currency": "EUR",
                                       "amount": price}]}]}
    if kind:
        extra["kind"] = kind
    make_product(s, slug, slug.replace("-", " ").title(), price, sku=sku,
                 stock=stock if kind != "service" else None, extra=extra)
    return sku


def customer(ctx, s, email):
    """A customer account and its API token."""
    add_user(ctx, s, email, "customer")
    return staff_token(s, email)


def add(s, tok, sku, qty=1):
    r = api(s, "POST", "/api/v1/cart/items", {"sku": sku, "quantity": qty},
            token=tok)
    eq(r.status, 201, "add %s to the cart: %r" % (sku, r))


def quote(s, tok, address=None, **kw):
    body = {"address": DE if address is None else address}
    body.update(kw)
    return api(s, "POST", "/api/v1/checkout/quote", body, token=tok)


def amount(q, key):
    return q["quote"][key]["amount"]


def method(s, doc, status=201, host="localhost"):
    r = api(s, "POST", "/api/v1/shipping-methods", doc, host=host)
    eq(r.status, status, "shipping method %r: %r" % (doc.get("code"), r))
    return r


def tax(s, doc, status=201):
    r = api(s, "POST", "/api/v1/tax-rules", doc)
    eq(r.status, status, "tax rule %r: %r" % (doc, r))
    return r


def counts(s):
    return (s.sql("SELECT COUNT(*) FROM order_shipping_methods")[0][0],
            s.sql("SELECT COUNT(*) FROM order_shipping_rates")[0][0],
            s.sql("SELECT COUNT(*) FROM order_tax_rules")[0][0])


def test_setup_api(ctx):
    """Staff create, list, change (rates replaced as a whole) and delete
    shipping methods and tax rules; bad values are 400 naming the field,
    a taken code 409, nothing written; a customer gets 403, an anonymous
    caller 401, another site's row 404."""
    s = shop_stack(ctx)
    ensure_warehouse(s)
    r = method(s, {"code": "parcel", "name": "Parcel", "kind": "table",
                   "countries": ["de", "AT"], "position": 2,
                   "rates": [{"country": "DE", "max_weight_g": 1000,
                              "price": 490},
                             {"country": "*", "max_weight_g": 5000,
                              "price": 1500}]})
    m = r["shipping_method"]
    eq(m["countries"], ["DE", "AT"], "countries upper-cased")
    eq(len(m["rates"]), 2, "two rates")
    mid = m["id"]
    method(s, {"code": "shop", "name": "Collect in store", "kind": "pickup",
               "warehouse": "MAIN"})
    r = api(s, "GET", "/api/v1/shipping-methods")
    eq(r.status, 200, "list: %r" % r)
    eq([x["code"] for x in r["shipping_methods"]], ["shop", "parcel"],
       "position order")
    eq(r["shipping_methods"][0]["warehouse"], "MAIN", "pickup store")
    r = api(s, "PUT", "/api/v1/shipping-methods/%d" % mid,
            {"rates": [{"country": "*", "max_weight_g": 2000,
                        "price": 700}]})
    eq(r.status, 200, "PUT: %r" % r)
    eq(r["shipping_method"]["rates"], [{"country": "*", "max_weight_g": 2000,
                                        "price": 700}], "rates replaced")
    eq(r["shipping_method"]["name"], "Parcel", "other fields kept")
    tid = tax(s, {"country": "DE", "name": "MwSt", "rate_bp": 1900})[
        "tax_rule"]["id"]
    tax(s, {"country": "US", "region": "ny", "name": "NY sales tax",
            "rate_bp": 888, "shipping": False})
    r = api(s, "GET", "/api/v1/tax-rules")
    eq([(x["country"], x["region"], x["rate_bp"], x["shipping"])
        for x in r["tax_rules"]],
       [("DE", "", 1900, True), ("US", "NY", 888, False)], "tax rules")

    before = counts(s)
    bad = [({"code": "Bad Code", "name": "x", "kind": "flat"}, "Code"),
           ({"code": "x", "name": "", "kind": "flat"}, "Name"),
           ({"code": "x", "name": "x", "kind": "drone"}, "Kind"),
           ({"code": "x", "name": "x", "kind": "flat", "price": -1},
            "Price"),
           ({"code": "x", "name": "x", "kind": "flat", "price": 1.5},
            "Price"),
           ({"code": "x", "name": "x", "kind": "flat",
             "countries": ["ZZ"]}, "Countries"),
           ({"code": "x", "name": "x", "kind": "pickup"}, "Warehouse"),
           ({"code": "x", "name": "x", "kind": "flat", "rates": [
               {"country": "DE", "max_weight_g": 10, "price": 1}]},
            "Rates"),
           ({"code": "x", "name": "x", "kind": "table", "rates": [
               {"country": "DE", "max_weight_g": 0, "price": 1}]},
            "Rates")]
    for doc, field in bad:
        r = method(s, doc, status=400)
        check(field in r["error"]["message"],
              "%r names %s: %r" % (doc, field, r))
    r = method(s, {"code": "parcel", "name": "Again", "kind": "flat"},
               status=409)
    check("Code" in r["error"]["message"], "taken code: %r" % r)
    for doc in ({"country": "XX", "name": "x", "rate_bp": 1},
                {"country": "FR", "name": "x", "rate_bp": 10001},
                {"country": "FR", "name": "", "rate_bp": 10}):
        tax(s, doc, status=400)
    tax(s, {"country": "de", "name": "again", "rate_bp": 700}, status=409)
    eq(counts(s), before, "nothing written by refused requests")

    # Another site's rows are not there; other people may not touch them.
    r = method(s, {"code": "bz", "name": "Bazaar post", "kind": "flat",
                   "price": 300}, host="bazaar.test")
    bz = r["shipping_method"]["id"]
    for verb in ("GET", "PUT", "DELETE"):
        r = api(s, verb, "/api/v1/shipping-methods/%d" % bz,
                {"name": "mine"} if verb == "PUT" else None)
        eq(r.status, 404, "%s another site's method: %r" % (verb, r))
    eq(len(api(s, "GET", "/api/v1/shipping-methods")["shipping_methods"]),
       2, "demo lists its own two")
    r = api(s, "PUT", "/api/v1/tax-rules/%d" % tid, {"rate_bp": 700},
            host="bazaar.test")
    eq(r.status, 404, "demo's tax rule from bazaar: %r" % r)
    tok = customer(ctx, s, "buyer@example.test")
    for verb, path in (("GET", "/api/v1/shipping-methods"),
                       ("POST", "/api/v1/tax-rules"),
                       ("DELETE", "/api/v1/tax-rules/%d" % tid)):
        r = api(s, verb, path, {"country": "FR", "name": "x", "rate_bp": 1}
                if verb == "POST" else None, token=tok)
        eq(r.status, 403, "customer %s %s: %r" % (verb, path, r))
        r = api(s, verb, path, token="")
        eq(r.status, 401, "anonymous %s %s: %r" % (verb, path, r))
    eq(counts(s), (str(int(before[0]) + 1), before[1], before[2]),
       "only bazaar's method was added")
    eq(api(s, "DELETE", "/api/v1/shipping-methods/%d" % mid).status, 200,
       "delete")
    eq(api(s, "GET", "/api/v1/shipping-methods/%d" % mid).status, 404,
       "gone")
    eq(s.sql("SELECT COUNT(*) FROM order_shipping_rates WHERE method_id = ?",
             (mid,))[0][0], "0", "its rates went with it")
    eq(api(s, "DELETE", "/api/v1/tax-rules/%d" % tid).status, 200,
       "delete tax rule")


def test_address_rules(ctx):
    """Addresses are checked per country: postcode shapes (normalised),
    required states, known codes, the shop's own country list; each
    refusal is 400 naming the field."""
    s = shop_stack(ctx, settings={"orders.countries": "DE,AT,GB,US,CA,NL,"
                                  "JP,IE"})
    sku = product(s, "mug", 1000)
    tok = customer(ctx, s, "addr@example.test")
    add(s, tok, sku)
    good = [({"postcode": "10115"}, "10115"),
            ({"country": "GB", "postcode": "sw1a1aa"}, "SW1A 1AA"),
            ({"country": "GB", "postcode": "M1 1AE"}, "M1 1AE"),
            ({"country": "NL", "postcode": "1012ab"}, "1012 AB"),
            ({"country": "JP", "postcode": "100-0001"}, "100-0001"),
            ({"country": "US", "postcode": "10001-1234", "region": "ny"},
             "10001-1234"),
            ({"country": "CA", "postcode": "k1a0b1", "region": "ON"},
             "K1A 0B1"),
            ({"country": "IE", "postcode": ""}, ""),
            ({"country": "at", "postcode": "1010"}, "1010")]
    for change, want in good:
        r = quote(s, tok, dict(DE, **change))
        eq(r.status, 200, "%r: %r" % (change, r))
    bad = [({"postcode": "1011"}, "Postcode"),
           ({"postcode": ""}, "Postcode"),
           ({"country": "GB", "postcode": "12345"}, "Postcode"),
           ({"country": "US", "postcode": "10001"}, "Region"),
           ({"country": "US", "postcode": "10001", "region": "XX"},
            "Region"),
           ({"country": "CA", "postcode": "12345", "region": "ON"},
            "Postcode"),
           ({"country": "FR", "postcode": "75001"}, "Country"),
           ({"country": "QQ"}, "Country"),
           ({"name": ""}, "Name"),
           ({"line1": "  "}, "Address line 1"),
           ({"city": "x" * 101}, "City"),
           ({"name": "Eve\u0007"}, "Name"),
           ({"phone": "call me"}, "Phone"),
           ({"postcode": 10115}, "Postcode")]
    for change, field in bad:
        r = quote(s, tok, dict(DE, **change))
        eq(r.status, 400, "%r refused: %r" % (change, r))
        check(r["error"]["message"].startswith(field),
              "%r names %s: %r" % (change, field, r))
    r = quote(s, tok, address="Berlin")
    eq(r.status, 400, "address not an object: %r" % r)


def test_shipping_kinds(ctx):
    """Flat, table (weight bands per country, '*' otherwise, none above
    the last band), free over a threshold, pickup, countries; the chosen
    method, an unknown one 422."""
    s = shop_stack(ctx)
    ensure_warehouse(s)
    light = product(s, "card", 500, weight=100)
    heavy = product(s, "anvil", 2000, weight=4000)
    method(s, {"code": "flat", "name": "Flat", "kind": "flat", "price": 495,
               "free_over": 5000})
    method(s, {"code": "parcel", "name": "Parcel", "kind": "table",
               "rates": [{"country": "DE", "max_weight_g": 1000,
                          "price": 300},
                         {"country": "DE", "max_weight_g": 5000,
                          "price": 800},
                         {"country": "*", "max_weight_g": 2000,
                          "price": 1200}]})
    method(s, {"code": "store", "name": "Collect", "kind": "pickup",
               "warehouse": "MAIN", "countries": "DE"})
    method(s, {"code": "off", "name": "Off", "kind": "flat", "price": 1,
               "active": False})
    tok = customer(ctx, s, "ship@example.test")
    add(s, tok, light)
    q = quote(s, tok)
    eq(q.status, 200, "quote: %r" % q)
    opts = {o["code"]: o["price"]["amount"]
            for o in q["quote"]["shipping_options"]}
    eq(opts, {"flat": 495, "parcel": 300, "store": 0}, "DE, 100 g")
    eq(q["quote"]["shipping"]["code"], "flat", "first by default")
    eq(amount(q, "total"), 995, "500 + 495")
    q = quote(s, tok, shipping="parcel")
    eq(amount(q, "shipping_total"), 300, "chosen table rate")
    q = quote(s, tok, shipping="store")
    eq(q["quote"]["shipping"]["warehouse_id"] > 0, True, "pickup store")
    eq(amount(q, "total"), 500, "pickup is free")
    q = quote(s, tok, address=dict(DE, country="AT", postcode="1010"))
    opts = {o["code"]: o["price"]["amount"]
            for o in q["quote"]["shipping_options"]}
    eq(opts, {"flat": 495, "parcel": 1200}, "AT: '*' band, no pickup")
    add(s, tok, heavy)
    q = quote(s, tok, shipping="parcel")
    eq(q["quote"]["weight_g"], 4100, "parcel weight")
    eq(amount(q, "shipping_total"), 800, "DE 4100 g: the 5000 g band")
    q = quote(s, tok, address=dict(DE, country="AT", postcode="1010"),
              shipping="parcel")
    eq(q.status, 422, "AT 4100 g: no band: %r" % q)
    check("Shipping" in q["error"]["message"], "names shipping: %r" % q)
    add(s, tok, heavy)   # 500 + 2 * 2000 = 4500: still under 5000
    q = quote(s, tok)
    eq(amount(q, "shipping_total"), 495, "under the threshold")
    add(s, tok, light)   # 5000: at the threshold
    q = quote(s, tok)
    eq(amount(q, "subtotal"), 5000, "subtotal")
    eq(amount(q, "shipping_total"), 0, "free at 50.00")
    eq(quote(s, tok, shipping="drone").status, 422, "unknown method")
    eq(quote(s, tok, shipping="off").status, 422, "inactive method")
    eq(quote(s, tok, payment="cash").status, 422, "unknown payment")


def test_tax_included(ctx):
    """Prices include tax (the default): tax = round(gross * bp / (10000 +
    bp)) per line, half up; shipping taxed when the rule says; the total
    is what the shopper saw. A region row beats its country's."""
    s = shop_stack(ctx)
    a = product(s, "pen", 1999)
    b = product(s, "ink", 333)
    method(s, {"code": "post", "name": "Post", "kind": "flat",
               "price": 490})
    tax(s, {"country": "DE", "name": "MwSt", "rate_bp": 1900})
    tax(s, {"country": "US", "name": "none", "rate_bp": 0})
    tax(s, {"country": "US", "region": "NY", "name": "NY", "rate_bp": 888,
            "shipping": False})
    tok = customer(ctx, s, "tax@example.test")
    add(s, tok, a, 3)
    add(s, tok, b)
    q = quote(s, tok)
    eq(q.status, 200, "quote: %r" % q)
    lines = {l["sku"]: l for l in q["quote"]["lines"]}
    # 5997 * 1900 / 11900 = 957.5...: 958; 333 * 1900 / 11900 = 53.17: 53
    eq(lines[a]["tax_amount"]["amount"], 958, "pen tax")
    eq(lines[b]["tax_amount"]["amount"], 53, "ink tax")
    eq(lines[a]["tax_rate_bp"], 1900, "rate on the line")
    # shipping 490 * 1900 / 11900 = 78.2: 78
    eq(amount(q, "tax_total"), 958 + 53 + 78, "tax total")
    eq(amount(q, "total"), 5997 + 333 + 490, "total as shown")
    eq(q["quote"]["prices_include_tax"], True, "included")
    ny = dict(DE, country="US", postcode="10001", region="NY")
    q = quote(s, tok, address=ny)
    # 5997 * 888 / 10888 = 489.1: 489; 333 * 888 / 10888 = 27.16: 27
    eq(amount(q, "tax_total"), 489 + 27, "NY rate, shipping untaxed")
    q = quote(s, tok, address=dict(ny, region="CA"))
    eq(amount(q, "tax_total"), 0, "the US country row: 0 %")
    q = quote(s, tok, address=dict(DE, country="FR", postcode="75001"))
    eq(amount(q, "tax_total"), 0, "no rule: no tax")


def test_tax_excluded(ctx):
    """Prices exclude tax: tax = round(net * bp / 10000) per line, added to
    the total; 100 % doubles; half a cent rounds up."""
    s = shop_stack(ctx, settings={"orders.prices_include_tax": "no",
                                  "orders.flat_rate": "4.90"})
    a = product(s, "bolt", 25)
    b = product(s, "nut", 1000)
    tax(s, {"country": "DE", "name": "MwSt", "rate_bp": 1900})
    tax(s, {"country": "AT", "name": "all", "rate_bp": 10000})
    tok = customer(ctx, s, "net@example.test")
    add(s, tok, a, 3)     # 75 * 0.19 = 14.25: 14
    add(s, tok, b)        # 1000 * 0.19 = 190
    q = quote(s, tok)
    eq(q.status, 200, "quote: %r" % q)
    eq(q["quote"]["shipping"]["code"], "standard", "built-in method")
    eq(amount(q, "shipping_total"), 490, "orders.flat_rate")
    # shipping 490 * 0.19 = 93.1: 93
    eq(amount(q, "tax_total"), 14 + 190 + 93, "tax excluded")
    eq(amount(q, "total"), 1075 + 490 + 297, "net + shipping + tax")
    eq(q["quote"]["prices_include_tax"], False, "excluded")
    q = quote(s, tok, address=dict(DE, country="AT", postcode="1010"))
    eq(amount(q, "tax_total"), 1075 + 490, "100 %")
    eq(amount(q, "total"), 2 * (1075 + 490), "doubled")
    api(s, "DELETE", "/api/v1/cart/items/%d" % q["quote"]["lines"][1]["id"],
        token=tok)
    api(s, "PATCH", "/api/v1/cart/items/%d" % q["quote"]["lines"][0]["id"],
        {"quantity": 2}, token=tok)
    q = quote(s, tok)     # 50 * 0.19 = 9.5: 10 (half up)
    eq(amount(q, "tax_total") - 93, 10, "half rounds up")


def test_builtin_methods_and_services(ctx):
    """A new shop sells with the built-in standard rate (free) and pay
    later; orders.pay_later = no with no other method refuses; a cart of
    services needs no delivery."""
    s = shop_stack(ctx)
    svc = product(s, "lesson", 4000, kind="service")
    tok = customer(ctx, s, "svc@example.test")
    add(s, tok, svc)
    q = quote(s, tok)
    eq(q.status, 200, "quote: %r" % q)
    eq(q["quote"]["shipping"]["code"], "none", "services ship nothing")
    eq(q["quote"]["payment"]["code"], "pay_later", "built-in pay later")
    eq(q["quote"]["payment"]["pay_timing"], "before", "pay_timing")
    eq(amount(q, "total"), 4000, "no delivery cost")
    s2 = shop_stack(ctx, settings={"orders.pay_later": "no"})
    sku = product(s2, "cup", 800)
    tok2 = customer(ctx, s2, "nopay@example.test")
    add(s2, tok2, sku)
    q = quote(s2, tok2)
    eq(q.status, 422, "no payment method: %r" % q)
    check(q["error"]["message"].startswith("Payment"), "names payment")
    eq(quote(s2, tok2, shipping="standard").status, 422, "still none")


def test_api_checkout(ctx):
    """POST /api/v1/checkout: Idempotency-Key required (400, nothing
    written); bad input 400 naming the field; placed 201 with the number
    and total; the same key again 200 with the same body; an empty cart
    409."""
    s = shop_stack(ctx)
    sku = product(s, "lamp", 2500, stock=5)
    method(s, {"code": "post", "name": "Post", "kind": "flat",
               "price": 500})
    tok = customer(ctx, s, "api@example.test")
    add(s, tok, sku, 2)
    body = {"address": DE, "shipping": "post", "payment": "pay_later",
            "note": "Ring twice"}

    def orders():
        return s.sql("SELECT COUNT(*) FROM orders")[0][0]

    r = api(s, "POST", "/api/v1/checkout", body, token=tok)
    eq(r.status, 400, "no key: %r" % r)
    check("Idempotency-Key" in r["error"]["message"], "names the header")
    h = {"Accept": "application/json", "Authorization": "Bearer " + tok,
         "Content-Type": "application/json"}

    def post(b, key):
        import json
        hh = dict(h)
        if key is not None:
            hh["Idempotency-Key"] = key
        return s.http("POST", "/api/v1/checkout", body=json.dumps(b).encode(),
                      headers=hh)

    eq(post(body, "x" * 129).status, 400, "key too long")
    for change, field in (({"address": dict(DE, postcode="1")}, "Postcode"),
                          ({"shipping": 5}, "Shipping"),
                          ({"note": "x" * 1001}, "Note"),
                          ({"address_id": 999999}, "address_id")):
        r = post(dict(body, **change), "k-bad")
        eq(r.status, 400, "%r: %s" % (change, r.text()[:300]))
        check(r.json()["error"]["message"].startswith(field),
              "%r names %s: %s" % (change, field, r.text()[:300]))
    eq(orders(), "0", "nothing placed by refused requests")
    r = post(body, "order-1")
    eq(r.status, 201, "placed: %s" % r.text()[:400])
    placed = r.json()
    eq(placed["total"], {"amount": 5500, "currency": "EUR"}, "total")
    eq(placed["status"], "pending_payment", "status")
    eq(placed["order"], "/api/v1/orders/" + placed["number"], "link")
    row = s.sql("SELECT ship_postcode, shipping_method, payment_method, "
                "customer_note, total FROM orders WHERE number = ?",
                (placed["number"],))
    eq(row, [("10115", "post", "pay_later", "Ring twice", "5500")], "row")
    r = post(body, "order-1")
    eq(r.status, 200, "replay: %s" % r.text()[:300])
    eq(r.json(), placed, "same body")
    eq(r.header("Idempotent-Replayed"), "true", "replay header")
    eq(orders(), "1", "one order")
    r = post(body, "order-2")
    eq(r.status, 409, "empty cart now: %s" % r.text()[:300])


def csrf_of(text):
    m = re.search(r'name="csrf_token" value="([^"]+)"', text)
    return m.group(1) if m else None


def form_of(text):
    """The checkout form's hidden idem and csrf fields."""
    m = re.search(r'name="idem" value="([0-9a-f]{32})"', text)
    check(m is not None, "the page carries a one-time key")
    return {"idem": m.group(1), "csrf_token": csrf_of(text)}


def guest_with(s, slug):
    """A guest browser with one unit of slug in the cart (cart forms)."""
    b = Browser(s)
    r = b.post("/cart/items", {"sku": slug.upper(), "quantity": "1"},
               token_from="/cart")
    eq(r.status, 303, "add to cart: %s" % r.text()[:300])
    return b


def test_html_guest_checkout(ctx):
    """A guest: an empty cart says so; the page shows the lines; a bad
    postcode comes back 400 naming it with the typed values kept; the
    address priced; placing goes to the order page; the same form posted
    twice gives the same order."""
    s = shop_stack(ctx)
    sku = product(s, "vase", 3000, stock=3)
    method(s, {"code": "post", "name": "Post", "kind": "flat",
               "price": 450})
    b = Browser(s)
    r = b.get("/checkout")
    eq(r.status, 200, "empty checkout")
    check("Your cart is empty" in r.text(), "says so")
    check('href="/cart"' in r.text(), "links to the cart")
    b = guest_with(s, "vase")
    r = b.get("/checkout")
    eq(r.status, 200, "checkout page")
    check("Vase" in r.text(), "the line is reviewed")
    f = form_of(r.text())
    fields = {"email": "guest@example.test", "ship_name": "<Gus>",
              "ship_line1": "Hauptstr. 1", "ship_city": "Berlin",
              "ship_postcode": "1011", "ship_country": "DE"}
    r = b.req("POST", "/checkout", form=dict(fields, **f))
    eq(r.status, 400, "bad postcode")
    check("Postcode: not a valid postcode for DE" in r.text(), "named")
    check("&lt;Gus&gt;" in r.text() and "<Gus>" not in r.text(),
          "kept and escaped")
    fields["ship_postcode"] = "10115"
    r = b.req("POST", "/checkout", form=dict(fields, **form_of(r.text())))
    eq(r.status, 200, "priced: %s" % r.text()[:300])
    check('value="post" checked' in r.text(), "shipping offered")
    check(re.search(r'id="checkout-total">[^<]*34[.,]50', r.text()),
          "total 34.50 shown")
    f = form_of(r.text())
    place = dict(fields, shipping="post", payment="pay_later", **f)
    r = b.req("POST", "/checkout/place", form=place)
    eq(r.status, 303, "placed: %s" % r.text()[:400])
    loc = r.header("location")
    check(re.match(r"^/orders/[0-9A-Z]{10}$", loc or ""), "to %r" % loc)
    number = loc.rsplit("/", 1)[1]
    row = s.sql("SELECT email, ship_name, total, user_id FROM orders WHERE "
                "number = ?", (number,))
    eq(row, [("guest@example.test", "<Gus>", "3450", "0")], "the order")
    r = b.req("POST", "/checkout/place", form=place)
    eq(r.status, 303, "double click")
    eq(r.header("location"), loc, "same order")
    eq(s.sql("SELECT COUNT(*) FROM orders")[0][0], "1", "one order")
    r = b.get("/checkout")
    check("Your cart is empty" in r.text(), "cart emptied")


def test_html_signed_in_address_book(ctx):
    """A signed-in customer picks an address book entry (only their own),
    sees the quote for it and places the order with their own email."""
    s = shop_stack(ctx)
    product(s, "bowl", 1500)
    add_user(ctx, s, "book@example.test", "customer")
    add_user(ctx, s, "other@example.test", "customer")
    b = Browser(s)
    page = b.get("/account/login").text()
    r = b.req("POST", "/account/login", form={
        "email": "book@example.test", "password": PASSWORD,
        "csrf_token": csrf_of(page)})
    eq(r.status, 303, "signed in")
    b.token("/cart")      # the new session's token, for the JSON call
    st, body = b.json("POST", "/api/v1/account/addresses",
                      {"label": "Home", "name": "Bo Book",
                       "line1": "Ring 2", "city": "Wien",
                       "postcode": "1010", "country": "AT"})
    check(st in (200, 201), "address book entry: %r %r" % (st, body))
    aid = s.sql("SELECT id FROM account_addresses")[0][0]
    otok = staff_token(s, "other@example.test")
    r = api(s, "POST", "/api/v1/account/addresses",
            {"name": "O", "line1": "x", "city": "Linz", "postcode": "4020",
             "country": "AT"}, token=otok)
    oid = s.sql("SELECT MAX(id) FROM account_addresses")[0][0]
    r = b.post("/cart/items", {"sku": "BOWL", "quantity": "2"},
               token_from="/cart")
    eq(r.status, 303, "add")
    r = b.get("/checkout")
    check("Home" in r.text() and "Ring 2" in r.text(), "book shown")
    check("book@example.test" in r.text(), "own email shown")
    r = b.req("POST", "/checkout", form=dict(book=oid, **form_of(r.text())))
    eq(r.status, 400, "another's entry refused")
    r = b.req("POST", "/checkout", form=dict(book=aid, **form_of(r.text())))
    eq(r.status, 200, "priced for the entry")
    check(re.search(r'id="checkout-total">[^<]*30[.,]00', r.text()),
          "total shown")
    r = b.req("POST", "/checkout/place",
              form=dict(book=aid, **form_of(r.text())))
    eq(r.status, 303, "placed: %s" % r.text()[:300])
    number = r.header("location").rsplit("/", 1)[1]
    eq(s.sql("SELECT email, ship_city, ship_country FROM orders WHERE "
             "number = ?", (number,)),
       [("book@example.test", "Wien", "AT")], "own email, book address")


def test_admin_setup_pages(ctx):
    """The back office's set-up page: staff add a table method with rates
    typed as text and decimal prices, a tax rule in percent; a bad amount
    comes back 400 with the typed values and nothing saved; deleting
    works; a customer is refused."""
    s = shop_stack(ctx)
    b = Browser(s)
    r = b.login(ADMIN_EMAIL, PASSWORD, "/admin/orders/setup")
    eq(r.status, 303, "staff log-in")
    r = b.get("/admin/orders/setup")
    eq(r.status, 200, "set-up page: %s" % r.text()[:300])
    check("No shipping methods yet" in r.text(), "empty list")
    form = {"code": "parcel", "name": "Parcel <DHL>", "kind": "table",
            "price": "", "free_over": "60", "countries": "DE, AT",
            "warehouse": "", "rates": "DE 1000 4.90\r\n* 5000 12.50\r\n",
            "position": "1", "active": "yes"}
    r = b.post("/admin/orders/setup/methods", dict(form, rates="DE x 4.90"),
               token_from="/admin/orders/setup")
    eq(r.status, 400, "bad rate line")
    check("Rates: line 1" in r.text(), "named: %s" % r.text()[:200])
    check("Parcel &lt;DHL&gt;" in r.text(), "typed values kept, escaped")
    eq(s.sql("SELECT COUNT(*) FROM order_shipping_methods")[0][0], "0",
       "nothing saved")
    r = b.post("/admin/orders/setup/methods", form,
               token_from="/admin/orders/setup")
    eq(r.status, 303, "saved: %s" % r.text()[:300])
    rows = s.sql("SELECT code, kind, free_over, countries, position FROM "
                 "order_shipping_methods")
    eq(rows, [("parcel", "table", "6000", "DE,AT", "1")], "row")
    eq(s.sql("SELECT country, max_weight_g, price FROM order_shipping_rates "
             "ORDER BY max_weight_g"),
       [("DE", "1000", "490"), ("*", "5000", "1250")], "rates")
    r = b.get("/admin/orders/setup")
    check("Shipping method added." in r.text(), "flash")
    check('data-method="parcel"' in r.text(), "listed")
    r = b.post("/admin/orders/setup/tax", {"country": "de", "region": "",
                                           "name": "MwSt", "rate": "7.5",
                                           "shipping": "no"},
               token_from="/admin/orders/setup")
    eq(r.status, 303, "tax saved: %s" % r.text()[:300])
    eq(s.sql("SELECT country, region, rate_bp, shipping FROM "
             "order_tax_rules"), [("DE", "", "750", "0")], "tax row")
    r = b.post("/admin/orders/setup/tax", {"country": "DE", "name": "x",
                                           "rate": "19,5"},
               token_from="/admin/orders/setup")
    eq(r.status, 400, "decimal comma refused")
    check("Rate:" in r.text(), "named")
    mid = s.sql("SELECT id FROM order_shipping_methods")[0][0]
    r = b.get("/admin/orders/setup?method=%s" % mid)
    check("DE 1000 4.90" in r.text(), "rates as text in the edit form")
    r = b.post("/admin/orders/setup/methods/%s/delete" % mid, {},
               token_from="/admin/orders/setup")
    eq(r.status, 303, "deleted")
    eq(s.sql("SELECT COUNT(*) FROM order_shipping_methods")[0][0], "0",
       "gone")
    add_user(ctx, s, "shopper@example.test", "customer")
    c = Browser(s)
    c.login("shopper@example.test", PASSWORD)
    eq(c.get("/admin/orders/setup").status, 403, "customer refused")


def test_unsellable_and_tampering(ctx):
    """A product delisted after it went into the cart: the checkout page
    names the problem and offers no Place button, the quote is 422 and
    placing 409 with nothing written; a posted price or total is
    ignored; a note with control characters is 400."""
    s = shop_stack(ctx)
    sku = product(s, "kettle", 3000, stock=4)
    other = product(s, "spoon", 200, stock=4)
    tok = customer(ctx, s, "tamper@example.test")
    add(s, tok, sku)
    add(s, tok, other)
    h = {"Accept": "application/json", "Authorization": "Bearer " + tok,
         "Content-Type": "application/json", "Idempotency-Key": "t-1"}
    import json
    body = {"address": DE, "total": 1, "price": 1,
            "lines": [{"sku": sku, "unit_price": 1}]}
    q = quote(s, tok, total=1)
    eq(amount(q, "total"), 3200, "a posted total is ignored")
    r = s.http("POST", "/api/v1/checkout", headers=h,
               body=json.dumps(dict(body, note="a\u0007b")).encode())
    eq(r.status, 400, "control character in the note")
    r = api(s, "POST", "/api/v1/products/kettle/workflow",
            {"action": "delist"})
    eq(r.status, 200, "delisted: %r" % r)
    q = quote(s, tok)
    eq(q.status, 422, "quote refused: %r" % q)
    check(sku in q["error"]["message"], "names the SKU: %r" % q)
    stock = s.sql("SELECT SUM(on_hand) FROM catalog_stock")[0][0]
    r = s.http("POST", "/api/v1/checkout", headers=h,
               body=json.dumps(body).encode())
    eq(r.status, 409, "placing refused: %s" % r.text()[:300])
    eq(s.sql("SELECT COUNT(*) FROM orders")[0][0], "0", "no order")
    eq(s.sql("SELECT SUM(on_hand) FROM catalog_stock")[0][0], stock,
       "stock untouched")
    eq(s.sql("SELECT COUNT(*) FROM order_idempotency")[0][0], "0",
       "the key is free again")
    # The same through the page: a signed-in browser of that account.
    b = Browser(s)
    b.get("/account/login")
    b.req("POST", "/account/login", form={
        "email": "tamper@example.test", "password": PASSWORD,
        "csrf_token": b.csrf})
    r = b.get("/checkout")
    eq(r.status, 200, "page")
    check(sku in r.text() and "checkout-place" not in r.text(),
          "problem shown, no Place button")

"""The catalog's storefront through nginx on the run's database engine:
category pages and GET /api/v1/products (the same handler) with filters,
sorting and paging, search ranking, the product page with variants and
availability, the comparison (four at most), watches for guests and
signed-in shoppers, products of another site or group and delisted ones
not found, the exact JSON shapes, and fixed query budgets."""

import json
import re

from catalog_kit import (ADMIN_EMAIL, PASSWORD, add_user, api,
                         catalog_stack, ensure_warehouse, make_product,
                         workflow)
from harness import Browser, check, eq

USES_DB = True


def store_stack(ctx, settings=None):
    """catalog_stack with X-Souk-Queries on every answer."""
    s = catalog_stack(ctx, settings=settings, start=False)
    with open(s.conf) as f:
        text = f.read()
    with open(s.conf, "w") as f:
        f.write(text.replace("[server]\n", "[server]\ndebug_headers = yes\n",
                             1))
    s.start_soukd()
    s.start_nginx()
    add_user(ctx, s, ADMIN_EMAIL, "admin")
    s.token = __import__("catalog_kit").staff_token(s, ADMIN_EMAIL)
    return s


def get_json(s, path, host="localhost"):
    r = s.http("GET", path, headers={"Accept": "application/json"},
               host=host)
    return r.status, (json.loads(r.text()) if r.text() else None), r


def slugs(body):
    return [p["slug"] for p in body["products"]]


def seed_shoes(s):
    """Five shoes with prices, attributes and stock; one out of stock."""
    data = [("red-runner", "Red runner", 4999, "red", "leather", 3),
            ("blue-runner", "Blue runner", 2999, "blue", "canvas", 10),
            ("red-boot", "Red boot", 8999, "red", "canvas", 1),
            ("green-clog", "Green clog", 1500, "green", "wood", 0),
            ("black-loafer", "Black loafer", 12000, "black", "leather", 4)]
    for slug, name, price, colour, material, stock in data:
        make_product(s, slug, name, price, category="shoes", stock=stock,
                     extra={"attributes": {"colour": [colour],
                                           "material": [material]}})
    return data


def test_listing_filters_sort_paging(ctx):
    """A category page and the API list the category's products with the
    issue's exact keys; price range (minor and major units), in stock and
    attributes (several: AND) filter; sorts order; pages page; bad values
    are 400 and an unknown category 404."""
    s = store_stack(ctx)
    seed_shoes(s)
    make_product(s, "sun-hat", "Sun hat", 1999, category="hats", stock=2)
    st, b, _ = get_json(s, "/api/v1/products?category=shoes&sort=price")
    eq(st, 200, "listing: %r" % b)
    eq(b["total"], 5, "five shoes, the hat is elsewhere")
    eq(slugs(b), ["green-clog", "blue-runner", "red-runner", "red-boot",
                  "black-loafer"], "sort=price")
    first = b["products"][0]
    for k in ("sku", "slug", "name", "price", "in_stock"):
        check(k in first, "product key %s in %r" % (k, first))
    eq(first["price"], {"amount": 1500, "currency": "EUR"}, "price shape")
    eq(first["sku"], "GREEN-CLOG", "first SKU")
    eq(first["in_stock"], False, "no stock received")
    eq(b["products"][1]["in_stock"], True, "in stock")
    eq(b["category"]["slug"], "shoes", "category in the answer")
    st, b, _ = get_json(s, "/api/v1/products?category=shoes&sort=-price")
    eq(slugs(b)[0], "black-loafer", "sort=-price")
    st, b, _ = get_json(s, "/api/v1/products?category=shoes&sort=name")
    eq(slugs(b), ["black-loafer", "blue-runner", "green-clog", "red-boot",
                  "red-runner"], "sort=name")
    st, b, _ = get_json(s, "/api/v1/products?category=shoes")
    eq(slugs(b)[0], "black-loafer", "default sort: newest first")
    st, b, _ = get_json(s, "/api/v1/products?category=shoes&sort=price"
                        "&price_min=2999&price_max=8999")
    eq(slugs(b), ["blue-runner", "red-runner", "red-boot"],
       "price range in minor units, inclusive")
    st, b, _ = get_json(s, "/api/v1/products?category=shoes&sort=price"
                        "&min=29.99&max=50")
    eq(slugs(b), ["blue-runner", "red-runner"], "major units from a form")
    st, b, _ = get_json(s, "/api/v1/products?category=shoes&in_stock=1")
    eq(b["total"], 4, "in stock only: %r" % slugs(b))
    check("green-clog" not in slugs(b), "the clog is out of stock")
    st, b, _ = get_json(s, "/api/v1/products?category=shoes&sort=price&"
                        "attr.colour=red")
    eq(slugs(b), ["red-runner", "red-boot"], "attribute filter")
    st, b, _ = get_json(s, "/api/v1/products?category=shoes&attr.colour=red"
                        "&attr.material=canvas")
    eq(slugs(b), ["red-boot"], "two attributes: AND")
    facets = b["facets"]["attributes"]
    colour = [f for f in facets if f["name"] == "colour"][0]
    eq({v["value"]: v["count"] for v in colour["values"]},
       {"black": 1, "blue": 1, "green": 1, "red": 2},
       "facet counts over the whole category")
    st, b, _ = get_json(s, "/api/v1/products?category=shoes&sort=price&"
                        "per_page=2&page=2")
    eq(slugs(b), ["red-runner", "red-boot"], "page 2 of 2 per page")
    eq(b["pagination"]["pages"], 3, "pages")
    eq(b["total"], 5, "total is over all pages")
    for q in ("page=0", "page=x", "per_page=97", "per_page=0", "sort=cheap",
              "price_min=-1", "price_min=1.5", "min=1.234", "in_stock=2",
              "sort=relevance"):
        st, b, _ = get_json(s, "/api/v1/products?category=shoes&" + q)
        eq(st, 400, "bad %s: %r" % (q, b))
        check("error" in b, "an error answer for %s" % q)
    r = s.http("GET", "/c/shoes?page=0")
    eq(r.status, 400, "bad page on the HTML page too")
    eq(get_json(s, "/api/v1/products?category=nope")[0], 404,
       "unknown category")
    eq(s.http("GET", "/c/nope").status, 404, "unknown category page")
    r = s.http("GET", "/c/shoes?sort=price&in_stock=1")
    eq(r.status, 200, "category page")
    t = r.text()
    check("Blue runner" in t and "Green clog" not in t,
          "the page lists what the API lists")
    check('name="attr.colour" value="red"' in t, "facet checkboxes")
    check("€29.99" in t, "prices formatted")


def test_search_ranking(ctx):
    """A title hit ranks above a body hit; words match as prefixes; an
    empty query is 400 on the API and a friendly page in HTML; products of
    another group never show."""
    s = store_stack(ctx)
    make_product(s, "lamp-stand", "Lamp stand", 3000, stock=1,
                 extra={"summary": "Holds a desk light"})
    make_product(s, "desk-light", "Desk light", 2000, stock=1,
                 extra={"summary": "A reading lamp for the desk"})
    make_product(s, "rug", "Rug", 5000, stock=1)
    st, b, _ = get_json(s, "/api/v1/products?q=lamp")
    eq(st, 200, "search: %r" % b)
    eq(slugs(b), ["lamp-stand", "desk-light"], "title hit first")
    st, b, _ = get_json(s, "/api/v1/products?q=lam")
    eq(set(slugs(b)), {"lamp-stand", "desk-light"}, "prefix match")
    st, b, _ = get_json(s, "/api/v1/products?q=lamp&sort=price")
    eq(slugs(b), ["desk-light", "lamp-stand"], "search sorted by price")
    for q in ("", "%20%22*", "()"):
        st, b, _ = get_json(s, "/api/v1/products?q=" + q)
        eq(st, 400, "empty query %r: %r" % (q, b))
    r = s.http("GET", "/search?q=%20")
    eq(r.status, 200, "HTML: a page, not an error")
    check("Type something" in r.text(), "asks for a word")
    r = s.http("GET", "/search?q=lamp")
    check(r.text().find("Lamp stand") < r.text().find("Desk light"),
          "HTML in the same order")
    make_product(s, "lamp-other", "Lamp other", 100, host="other.test",
                 token=other_token(ctx, s))
    st, b, _ = get_json(s, "/api/v1/products?q=lamp")
    check("lamp-other" not in slugs(b), "another group's product unseen")
    st, b, _ = get_json(s, "/api/v1/products?q=lamp", host="other.test")
    eq(slugs(b), ["lamp-other"], "and the other shop sees only its own")


def other_token(ctx, s):
    email = "other-admin@example.test"
    add_user(ctx, s, email, "admin", site="other")
    return __import__("catalog_kit").staff_token(s, email, host="other.test")


def test_product_page(ctx):
    """Variants chosen with ?sku=, compare-at struck through, availability,
    breadcrumbs, sanitised description; 404 for delisted products, for a
    product shown only on another site and for another group's."""
    s = store_stack(ctx)
    api(s, "POST", "/api/v1/categories", {"slug": "clothes",
                                          "name": "Clothes"})
    api(s, "POST", "/api/v1/categories", {"slug": "knitwear",
                                          "name": "Knitwear",
                                          "parent": "clothes"})
    make_product(s, "jumper", "Wool jumper", 4900, sku="J-S",
                 category="knitwear", stock=2, extra={
                     "description": "<p>Soft <b>wool</b></p>",
                     "attributes": {"material": ["wool"]},
                     "channels": {"etsy": "https://etsy.example/jumper"},
                     "variants": [
                         {"sku": "J-S", "options": {"Size": "S"},
                          "prices": [{"currency": "EUR", "amount": 4900,
                                      "compare_at": 5900}]},
                         {"sku": "J-M", "options": {"Size": "M"},
                          "prices": [{"currency": "EUR", "amount": 5200}]}]})
    st, b, _ = get_json(s, "/api/v1/products/jumper")
    eq(st, 200, "product API: %r" % b)
    p = b["product"]
    eq((p["sku"], p["price"], p["compare_at"]),
       ("J-S", {"amount": 4900, "currency": "EUR"},
        {"amount": 5900, "currency": "EUR"}), "first variant by default")
    eq(p["availability"]["state"], "low", "two left")
    eq(p["availability"]["count"], 2, "how many")
    eq([v["sku"] for v in p["variants"]], ["J-S", "J-M"], "variants")
    eq([c["name"] for c in b["breadcrumbs"]], ["Clothes", "Knitwear"],
       "breadcrumbs from the category path")
    st, b, _ = get_json(s, "/api/v1/products/jumper?sku=J-M")
    eq((b["product"]["sku"], b["product"]["price"]["amount"]),
       ("J-M", 5200), "?sku= chooses the variant")
    eq(b["product"]["availability"]["state"], "out", "J-M has no stock")
    check("compare_at" not in b["product"], "no compare-at for J-M")
    r = s.http("GET", "/p/jumper?sku=J-M")
    t = r.text()
    eq(r.status, 200, "product page")
    check('<option value="J-M" selected>' in t, "picker shows the choice")
    check("<b>wool</b>" in t, "description raw (sanitised on save)")
    check('<a href="https://etsy.example/jumper" rel="noopener">etsy</a>'
          in t, "the link to the product on another sales channel (saved "
          "with a new product that names no sites)")
    eq(api(s, "PATCH", "/api/v1/products/jumper", {
        "channels": {"evil": "javascript:alert(1)"}}).status, 422,
       "a channel link must be http(s)")
    check("javascript:" not in s.http("GET", "/p/jumper").text(),
          "the refused link is nowhere")
    check("Out of stock" in t, "availability shown")
    t = s.http("GET", "/p/jumper").text()
    check(re.search(r"<s class=\"was\">.*€59\.00", t) is not None,
          "compare-at struck through")
    # Delisted: gone from the page, the API and the listing.
    eq(workflow(s, "jumper", "delist").status, 200, "delist")
    eq(get_json(s, "/api/v1/products/jumper")[0], 404, "delisted: API")
    eq(s.http("GET", "/p/jumper").status, 404, "delisted: page")
    eq(get_json(s, "/api/v1/products?category=clothes")[1]["total"], 0,
       "delisted: not listed")
    # Shown on bazaar only: demo answers 404, bazaar 200.
    make_product(s, "bazaar-only", "Bazaar only", 100, stock=1,
                 extra={"sites": ["bazaar"]})
    eq(s.http("GET", "/p/bazaar-only").status, 404, "not on this site")
    eq(get_json(s, "/api/v1/products/bazaar-only")[0], 404, "API too")
    eq(s.http("GET", "/p/bazaar-only", host="bazaar.test").status, 200,
       "on its own site")
    # Another group's product: 404 on page and API, even with the slug.
    make_product(s, "elsewhere", "Elsewhere", 100, stock=1,
                 host="other.test", token=other_token(ctx, s))
    eq(s.http("GET", "/p/elsewhere").status, 404, "other group: page")
    eq(get_json(s, "/api/v1/products/elsewhere")[0], 404, "other group: API")
    eq(s.http("GET", "/p/elsewhere", host="other.test").status, 200,
       "its own shop shows it")


def test_compare(ctx):
    """Four products side by side with their attributes; a fifth refused
    with a message; remove; unknown products 404."""
    s = store_stack(ctx)
    for i in range(5):
        make_product(s, "item-%d" % i, "Item %d" % i, 1000 + i, stock=1,
                     extra={"attributes": {"size": [str(i)]}})
    b = Browser(s)
    for i in range(4):
        st, body = b.json("POST", "/compare", {"product": "item-%d" % i,
                                               "action": "add"})
        eq(st, 200, "add %d: %r" % (i, body))
    st, body = b.json("POST", "/compare", {"product": "item-4",
                                           "action": "add"})
    eq(st, 422, "a fifth is refused: %r" % body)
    check("at most 4" in json.dumps(body), "with a message: %r" % body)
    st, body = b.json("GET", "/compare")
    eq(slugs(body), ["item-0", "item-1", "item-2", "item-3"], "the four")
    eq(body["attributes"], [{"name": "size", "cells": ["0", "1", "2", "3"]}],
       "attributes side by side")
    st, body = b.json("POST", "/compare", {"product": "item-1",
                                           "action": "remove"})
    eq(slugs(body), ["item-0", "item-2", "item-3"], "removed")
    eq(b.json("POST", "/compare", {"product": "nope", "action": "add"})[0],
       404, "unknown product")
    eq(b.json("POST", "/compare", {"product": "item-4",
                                   "action": "swap"})[0], 400, "bad action")
    r = b.req("POST", "/compare", form={"product": "item-4",
                                        "action": "add"})
    eq(r.status, 303, "a form post redirects")
    t = b.req("GET", "/compare").text()
    check("Item 4" in t and "<th scope=\"row\">size</th>" in t,
          "the HTML table")
    eq(Browser(s).json("GET", "/compare")[1]["products"], [],
       "another visitor's list is empty")


def test_watch(ctx):
    """A guest watches with an email (form: 303 and a flash), a signed-in
    shopper with the account's address (JSON: 201); bad input 422 and no
    row; the back-in-stock mail reaches the outbox when stock arrives."""
    s = store_stack(ctx)
    make_product(s, "kettle", "Kettle", 3000, stock=0)
    g = Browser(s)
    eq(g.req("GET", "/p/kettle").status, 200, "page")
    eq(g.jar, {}, "browsing starts no session")
    r = g.req("GET", "/p/kettle/watch")
    eq(r.status, 200, "watch form")
    r = g.req("POST", "/p/kettle/watch", form={"kind": "stock",
              "email": "not-an-email", "csrf_token": g.csrf})
    eq(r.status, 422, "bad email")
    r = g.req("POST", "/p/kettle/watch", form={"kind": "often",
              "email": "guest@example.test", "csrf_token": g.csrf})
    eq(r.status, 422, "bad kind")
    eq(count(s, "catalog_watches"), 0, "nothing written")
    r = g.req("POST", "/p/kettle/watch", form={"kind": "stock",
              "email": "guest@example.test", "csrf_token": g.csrf})
    eq(r.status, 303, "watching: %s" % r.text()[:300])
    check(r.header("location").endswith("/p/kettle"), "back to the product")
    t = g.req("GET", "/p/kettle").text()
    check("We will mail you when it is back in stock" in t,
          "the flash shows once")
    t = g.req("GET", "/p/kettle").text()
    check("We will mail you" not in t, "and only once")
    check('name="csrf_token"' in t, "with a session the form is inline")
    r = g.req("POST", "/p/kettle/watch", form={"kind": "stock",
              "email": "guest@example.test"})
    eq(r.status, 403, "no CSRF token, refused")
    eq(s.sql("SELECT email, kind FROM catalog_watches"),
       [("guest@example.test", "stock")], "the guest's watch")
    # Signed in: the account's own address, whatever the form says.
    add_user(ctx, s, "shopper@example.test", "customer")
    u = Browser(s)
    u.req("GET", "/account/login")
    r = u.req("POST", "/account/login", form={
        "email": "shopper@example.test", "password": PASSWORD,
        "csrf_token": u.csrf})
    eq(r.status, 303, "signed in")
    u.req("GET", "/p/kettle")
    st, body = u.json("POST", "/p/kettle/watch", {"kind": "price",
                                                  "email": "x@evil.test"})
    eq(st, 201, "JSON watch: %r" % body)
    eq(body["watch"], {"product": "kettle", "kind": "price"}, "answer")
    eq(s.sql("SELECT email FROM catalog_watches WHERE kind = 'price'"),
       [("shopper@example.test",)], "the account's address")
    eq(u.json("POST", "/p/nope/watch", {"kind": "price"})[0], 404,
       "unknown product")
    # Back in stock: K1's receipt path writes the mail.
    ensure_warehouse(s)
    r = api(s, "POST", "/api/v1/stock/receipts", {
        "warehouse": "MAIN", "note": "restock",
        "lines": [{"sku": "KETTLE", "quantity": 5}]})
    eq(r.status, 201, "receipt: %r" % r)
    rows = s.sql("SELECT recipient FROM souk_outbox")
    check(any("guest@example.test" in str(x) for x in rows),
          "back-in-stock mail in the outbox: %r" % (rows,))


def count(s, table):
    return int(s.sql("SELECT COUNT(*) FROM %s" % table)[0][0])


def queries(r):
    v = r.header("x-souk-queries")
    check(v is not None, "X-Souk-Queries present")
    return int(v)


def test_query_budgets(ctx):
    """A category page, a search and a product page cost the same number
    of queries at 1, 24 and 96 products per page: no query per product."""
    s = store_stack(ctx, settings={"catalog.facet_cache_seconds": "0"})
    for i in range(26):
        make_product(s, "thing-%02d" % i, "Thing %d" % i, 100 + i,
                     category="things", stock=1,
                     extra={"attributes": {"shade": ["s%d" % (i % 3)]}})
    seen = {}
    for kind, path in (("category", "/c/things?per_page=%d"),
                       ("api", "/api/v1/products?category=things&"
                               "per_page=%d"),
                       ("filtered", "/c/things?in_stock=1&attr.shade=s1&"
                                    "per_page=%d"),
                       ("search", "/search?q=thing&per_page=%d")):
        ns = []
        for n in (1, 24, 96):
            r = s.http("GET", path % n)
            eq(r.status, 200, "%s at %d" % (kind, n))
            want = min(n, 9 if kind == "filtered" else 26)
            check(r.text().count('class="card"') in (0, want),
                  "%s at %d shows %d cards" % (kind, n, want))
            ns.append(queries(r))
        eq(len(set(ns)), 1, "%s: same budget at 1, 24, 96: %r" % (kind, ns))
        seen[kind] = ns[0]
    ns = [queries(s.http("GET", "/p/thing-%02d" % i)) for i in (0, 7)]
    eq(ns[0], ns[1], "product pages cost the same")
    seen["product"] = ns[0]
    # category: category, breadcrumbs, children, two facet queries (which
    # also count the unfiltered category), page, cards; filtered: and a
    # count; search: count, page, cards; product: the product, its
    # document (11: K1's cat_product_load) and the breadcrumbs.
    eq(seen, {"category": 7, "api": 7, "filtered": 8, "search": 3,
              "product": 13}, "budgets")


def test_home_and_saffron(ctx):
    """The home page features the newest listed products; every catalog
    page renders in saffron (a child of base) as well as in base."""
    sites = [("demo", "localhost 127.0.0.1 demo.test",
              "hello accounts admin catalog",
              {"group": "shops", "shop.name": "Demo"}),
             ("bazaar", "bazaar.test", "hello accounts admin catalog",
              {"group": "shops", "theme": "saffron"}),
             ("other", "other.test", "hello accounts admin catalog",
              {"group": "elsewhere"})]
    s = catalog_stack(ctx, sites=sites)
    make_product(s, "teapot", "Teapot", 2500, category="kitchen", stock=3,
                 extra={"sites": ["demo", "bazaar"],
                        "attributes": {"colour": ["white"]}})
    make_product(s, "draft-pot", "Draft pot", 100, list=False,
                 extra={"sites": ["demo", "bazaar"]})
    t = s.http("GET", "/").text()
    check("Featured products" in t and "Teapot" in t, "featured on home")
    check("Draft pot" not in t, "drafts are not featured")
    b = Browser(s, host="bazaar.test")
    b.req("POST", "/compare", form={"product": "teapot", "action": "add"})
    for path, text in (("/c/kitchen", "Teapot"), ("/p/teapot", "€25.00"),
                       ("/search?q=tea", "Teapot"), ("/compare", "Compare products"),
                       ("/p/teapot/watch", "csrf_token"), ("/", "Teapot")):
        for host, skin in (("localhost", False), ("bazaar.test", True)):
            r = b.req("GET", path) if host != "localhost" \
                else s.http("GET", path, host=host)
            eq(r.status, 200, "%s on %s" % (path, host))
            check(text in r.text(), "%s on %s shows %s" % (path, host, text))
            eq("skin." in r.text(), skin, "%s on %s: theme" % (path, host))
    check("Teapot" in b.req("GET", "/compare").text(),
          "the comparison in saffron")

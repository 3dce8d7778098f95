"""The catalog's back office through nginx: staff log-in, the product
editor (two variants through the form; a bad price, a duplicate SKU or a
bad slug answers 422 and writes nothing), an image upload, the review
queue and the rights it needs, bulk delisting, goods receipts, a stock
count raising one alert and resolving it, and who may see what (a
customer: 403 everywhere; another group: no products)."""

import os
import re
import struct
import zlib

from catalog_kit import (ADMIN_EMAIL, PASSWORD, add_user, catalog_stack,
                         make_product)
import harness
from harness import check, eq

USES_DB = True

EDITOR = "editor@example.test"
CUSTOMER = "shopper@example.test"
OUTSIDER = "outsider@example.test"


class Browser(harness.Browser):
    """The shared cookie-jar browser, logging in with the kit's password."""

    def login(self, email, next_path=None):
        return super().login(email, PASSWORD, next_path)


def png(w, h):
    """A w x h RGB PNG with a gradient, made here."""
    raw = b"".join(b"\x00" + b"".join(bytes((x * 255 // w, y * 255 // h,
                                             128)) for x in range(w))
                   for y in range(h))

    def chunk(kind, data):
        c = struct.pack(">I", len(data)) + kind + data
        return c + struct.pack(">I", zlib.crc32(kind + data) & 0xffffffff)
    return (b"\x89PNG\r\n\x1a\n"
            + chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(raw))
            + chunk(b"IEND", b""))


def count(s, table, where="1 = 1", params=()):
    return int(s.sql("SELECT COUNT(*) FROM %s WHERE %s" % (table, where),
                     params)[0][0])


def pid(s, slug):
    rows = s.sql("SELECT id FROM catalog_products WHERE slug = ?", (slug,))
    return int(rows[0][0]) if rows else None


def status(s, slug):
    return s.sql("SELECT status FROM catalog_products WHERE slug = ?",
                 (slug,))[0][0]


def staff(ctx, s, email=ADMIN_EMAIL, role=None):
    if role:
        add_user(ctx, s, email, role)
    b = Browser(s)
    eq(b.login(email).status, 303, "%s logs in to the admin" % email)
    return b


def product_form(slug, name="Wool scarf", rows=None):
    rows = rows if rows is not None else [
        ("SCARF-BLUE", "Colour=Blue", "12.50"),
        ("SCARF-RED", "Colour=Red; Size=L", "13")]
    form = [("name", name), ("slug", slug), ("kind", "product"),
            ("summary", "Warm"), ("description", "<p>Soft <b>wool</b></p>"),
            ("seo_title", ""), ("seo_description", ""),
            ("tags", "winter, wool"), ("attributes", "material=wool"),
            ("channels", ""), ("available_at", ""), ("preorder_limit", ""),
            ("sites", "demo")]
    for i, (sku, opts, price) in enumerate(rows + [("", "", "")]):
        form += [("v%d_sku" % i, sku), ("v%d_options" % i, opts),
                 ("v%d_weight" % i, "200"), ("v%d_barcode" % i, ""),
                 ("v%d_threshold" % i, "5"), ("v%d_price" % i, price),
                 ("v%d_compare_at" % i, ""), ("v%d_cost" % i, "")]
    return form


NEW = "/admin/catalog/products/new"


def test_editor_creates_and_refuses(ctx):
    """Two variants through the form, prices parsed exactly; a bad price,
    a duplicate SKU (in the form, or another product's) and a bad slug
    each answer 422 with the field marked and write nothing."""
    s = catalog_stack(ctx)
    b = staff(ctx, s)
    r = b.post(NEW, product_form("wool-scarf"))
    eq(r.status, 303, "creating through the form: %s" % r.text()[:300])
    id_ = pid(s, "wool-scarf")
    eq(r.header("location"), "/admin/catalog/products/%d" % id_,
       "on to the editor")
    rows = s.sql("SELECT v.sku, v.options, p.base_amount FROM "
                 "catalog_variants v JOIN catalog_prices p ON p.variant_id "
                 "= v.id WHERE v.product_id = ? ORDER BY v.sku", (id_,))
    eq([(r_[0], int(r_[2])) for r_ in rows],
       [("SCARF-BLUE", 1250), ("SCARF-RED", 1300)], "two variants, prices")
    page = b.get("/admin/catalog/products/%d" % id_).text()
    check("Product created as a draft." in page, "the flash says so")
    check('value="12.50"' in page and 'value="13.00"' in page,
          "prices shown back as typed")
    check('value="Colour=Red; Size=L"' in page, "options shown back")

    before = (count(s, "catalog_products"), count(s, "catalog_variants"),
              count(s, "catalog_prices"))
    cases = [
        ("bad price", product_form("cap", rows=[("CAP-1", "", "12,5x")]),
         "f-v0_price"),
        ("duplicate SKU in the form",
         product_form("cap", rows=[("CAP-1", "", "5"), ("CAP-1", "", "6")]),
         "f-v1_sku"),
        ("bad slug", product_form("Bad Slug", rows=[("CAP-1", "", "5")]),
         "f-slug"),
    ]
    for what, form, field in cases:
        r = b.post(NEW, form)
        eq(r.status, 422, what)
        check(re.search(r'id="%s"[^>]*aria-invalid="true"' % field,
                        r.text()), "%s: the field is marked" % what)
        check("Nothing was saved" in r.text(), "%s: says so" % what)
    r = b.post(NEW, product_form("cap", rows=[("SCARF-BLUE", "", "5")]))
    eq(r.status, 422, "a SKU another product has")
    eq((count(s, "catalog_products"), count(s, "catalog_variants"),
        count(s, "catalog_prices")), before, "nothing was written")
    r = b.post("/admin/catalog/products/%d" % id_,
               product_form("wool-scarf", rows=[("SCARF-BLUE", "", "1.999")]))
    eq(r.status, 422, "three decimals in EUR")
    eq(int(s.sql("SELECT p.base_amount FROM catalog_prices p JOIN "
                 "catalog_variants v ON v.id = p.variant_id WHERE v.sku = "
                 "'SCARF-BLUE'")[0][0]), 1250, "the price is unchanged")
    r = b.get("/admin/catalog/products/%d" % id_,
              headers={"Accept": "application/json"})
    eq(r.status, 200, "the editor as JSON")
    eq(r.json()["document"]["slug"], "wool-scarf", "the same model")


def media_stack(ctx):
    """catalog_stack with soukd's media_dir where the nginx sample serves
    /media/ from (its document root's media folder)."""
    s = catalog_stack(ctx, start=False)
    with open(s.conf) as f:
        text = f.read()
    with open(s.conf, "w") as f:
        f.write(text.replace("[server]\n", "[server]\nmedia_dir = %s\n"
                             % os.path.join(s.T, "public", "media"), 1))
    s.start_soukd()
    s.start_nginx()
    add_user(ctx, s, ADMIN_EMAIL, "admin")
    return s


def test_image_upload(ctx):
    """A PNG made here is stored as WebP widths and listed on the editor;
    a file that is not an image is refused (422, no row)."""
    s = media_stack(ctx)
    b = staff(ctx, s)
    eq(b.post(NEW, product_form("scarf")).status, 303, "product")
    id_ = pid(s, "scarf")
    ed = "/admin/catalog/products/%d" % id_
    r = b.upload(ed + "/images", {"alt": "A blue scarf"},
                 {"image": ("x.png", b"not an image at all", "image/png")},
                 ed)
    eq(r.status, 422, "a text file called .png")
    eq(count(s, "catalog_images"), 0, "no image row")
    r = b.upload(ed + "/images", {"alt": "A blue scarf"},
                 {"image": ("scarf.png", png(200, 120), "image/png")}, ed)
    eq(r.status, 303, "upload: %s" % r.text()[:300])
    rows = s.sql("SELECT media_key, width, height, alt FROM catalog_images "
                 "WHERE product_id = ?", (id_,))
    eq(len(rows), 1, "one image row")
    key = rows[0][0]
    eq((int(rows[0][1]), int(rows[0][2]), rows[0][3]),
       (200, 120, "A blue scarf"), "its size and text")
    page = b.get(ed).text()
    m = re.search(r'<img src="([^"]*%s-160\.webp)"' % key, page)
    check(m is not None, "the thumbnail is on the editor")
    r = s.http("GET", m.group(1))
    eq(r.status, 200, "nginx serves the thumbnail")
    check(r.body[:4] == b"RIFF" and r.body[8:12] == b"WEBP", "a WebP")


def test_review_queue_and_rights(ctx):
    """An editor creates and submits; the editor may not approve (403,
    nothing changes); a manager approves from the queue and lists it."""
    s = catalog_stack(ctx)
    ed = staff(ctx, s, EDITOR, "catalog_editor")
    eq(ed.post(NEW, product_form("hat", "Felt hat",
                                 [("HAT-1", "", "30")])).status, 303,
       "the editor creates a product")
    path = "/admin/catalog/products/%d" % pid(s, "hat")
    page = ed.get(path).text()
    check('data-action="submit"' in page, "a submit button")
    check('data-action="approve"' not in page, "no approve button for them")
    eq(ed.post(path + "/workflow", {"action": "submit"},
               token_from=path).status, 303,
       "submit")
    eq(status(s, "hat"), "review", "in review")
    eq(ed.get("/admin/catalog/review").status, 403, "the queue: editor")
    eq(ed.post(path + "/workflow", {"action": "approve"},
               token_from=path).status, 403, "approve: editor")
    eq(ed.post("/admin/catalog/review/%d" % pid(s, "hat"),
               {"decision": "approve"}, token_from=path).status, 403,
       "approve from the queue: editor")
    eq(status(s, "hat"), "review", "still in review")

    mgr = staff(ctx, s)
    page = mgr.get("/admin/catalog/review").text()
    check('data-product="%d"' % pid(s, "hat") in page, "in the queue")
    r = mgr.post("/admin/catalog/review/%d" % pid(s, "hat"),
                 {"decision": "reject", "note": ""},
                 token_from="/admin/catalog/review")
    eq(r.status, 422, "a rejection needs a note")
    r = mgr.post("/admin/catalog/review/%d" % pid(s, "hat"),
                 {"decision": "approve", "note": "fine"},
                 token_from="/admin/catalog/review")
    eq(r.status, 303, "approve")
    eq(status(s, "hat"), "approved", "approved")
    check('data-product="%d"' % pid(s, "hat")
          not in mgr.get("/admin/catalog/review").text(), "out of the queue")
    eq(mgr.post(path + "/workflow", {"action": "list"},
                token_from=path).status, 303, "list")
    eq(status(s, "hat"), "listed", "listed")
    check(count(s, "catalog_listing", "product_id = ? AND site_id = 'demo'",
                (pid(s, "hat"),)) > 0, "on the storefront's listing")
    page = mgr.get(path).text()
    check(re.search(r'id="events">.*approve', page, re.S),
          "the history shows the approval")


def test_bulk_delist(ctx):
    """Three listed products and a draft: bulk delist moves the three and
    names the draft as refused."""
    s = catalog_stack(ctx)
    for n in range(3):
        make_product(s, "mug-%d" % n, "Mug %d" % n, 900 + n)
    make_product(s, "mug-draft", "Draft mug", 500, list=False)
    b = staff(ctx, s)
    ids = [("ids", str(pid(s, x))) for x in ("mug-0", "mug-1", "mug-2",
                                              "mug-draft")]
    r = b.post("/admin/catalog/products/bulk", ids + [("action", "delist")],
               token_from="/admin/catalog/products")
    eq(r.status, 303, "bulk delist")
    eq([status(s, "mug-%d" % n) for n in range(3)], ["delisted"] * 3,
       "three delisted")
    eq(status(s, "mug-draft"), "draft", "the draft is unchanged")
    page = b.get("/admin/catalog/products").text()
    check("3 products delisted." in page and "Draft mug" in page,
          "the flash counts them and names the refused one")
    r = b.post("/admin/catalog/products/bulk", [("action", "delist")],
               token_from="/admin/catalog/products")
    eq(r.status, 422, "nothing selected")
    page = b.get("/admin/catalog/products?status=delisted&sort=name").text()
    check(page.count('name="ids"') == 3, "the status filter")
    page = b.get("/admin/catalog/products?q=draft").text()
    check(page.count('name="ids"') == 1, "the text filter")
    r = b.post("/admin/catalog/categories", {"name": "Mugs", "slug": "mugs",
                                             "parent": "", "position": "1"})
    eq(r.status, 303, "a category through the form")
    r = b.post("/admin/catalog/categories", {"name": "X", "slug": "Bad!",
                                             "parent": ""})
    eq(r.status, 422, "a bad category slug")
    eq(count(s, "catalog_categories"), 1, "only the good one")
    r = b.post("/admin/catalog/products/bulk",
               ids[:2] + [("action", "add_category"), ("category", "mugs")],
               token_from="/admin/catalog/products")
    eq(r.status, 303, "bulk add to a category")
    page = b.get("/admin/catalog/products?category=mugs").text()
    check(page.count('name="ids"') == 2, "the category filter")


def test_receipt_count_and_alert(ctx):
    """A receipt raises stock and resolves nothing; a count below the
    threshold raises one alert; resolving it moves it to the second tab."""
    s = catalog_stack(ctx)
    b = staff(ctx, s)
    eq(b.post(NEW, product_form("sock", "Socks",
                                [("SOCK-1", "", "4.00")])).status, 303,
       "product (threshold 5)")
    r = b.post("/admin/catalog/warehouses", {"code": "MAIN",
               "name": "Main", "country": "DE", "active": "yes"})
    eq(r.status, 303, "a warehouse")
    r = b.post("/admin/catalog/warehouses", {"code": "", "name": "X",
               "country": "Germany", "active": "yes"})
    eq(r.status, 422, "a bad warehouse")
    eq(count(s, "catalog_warehouses"), 1, "not added")
    wid = int(s.sql("SELECT id FROM catalog_warehouses")[0][0])
    rp = "/admin/catalog/warehouses/%d/receipts" % wid
    r = b.post(rp, {"lines": "SOCK-1 10\nSOCK-1 x", "note": "delivery"})
    eq(r.status, 422, "a bad line")
    eq(count(s, "catalog_receipts"), 0, "nothing checked in")
    r = b.post(rp, {"lines": "SOCK-1 10", "note": "delivery"})
    eq(r.status, 303, "a receipt")
    eq(int(s.sql("SELECT on_hand FROM catalog_stock")[0][0]), 10,
       "stock raised")
    eq(count(s, "catalog_alerts"), 0, "no alert")
    check("delivery" in b.get(rp).text(), "the receipt is listed")
    ed = "/admin/catalog/products/%d" % pid(s, "sock")
    r = b.post(ed + "/stock", {"sku": "SOCK-1", "warehouse": str(wid),
                               "on_hand": "2", "note": ""}, token_from=ed)
    eq(r.status, 422, "a count needs a note")
    r = b.post(ed + "/stock", {"sku": "SOCK-1", "warehouse": str(wid),
                               "on_hand": "2", "note": "stocktake"}, token_from=ed)
    eq(r.status, 303, "a count")
    eq(count(s, "catalog_alerts", "resolved_at IS NULL"), 1, "one alert")
    b.post(ed + "/stock", {"sku": "SOCK-1", "warehouse": str(wid),
                           "on_hand": "1", "note": "again"}, token_from=ed)
    eq(count(s, "catalog_alerts"), 1, "still one (same crossing)")
    page = b.get("/admin/catalog/alerts").text()
    aid = int(s.sql("SELECT id FROM catalog_alerts")[0][0])
    check('data-alert="%d"' % aid in page, "on the open tab")
    check(re.search(r'id="catalog-open-alerts">1<',
                    b.get("/admin").text()), "the dashboard counts it")
    r = b.post("/admin/catalog/alerts/%d/resolve" % aid, {},
               token_from="/admin/catalog/alerts")
    eq(r.status, 303, "resolve")
    eq(count(s, "catalog_alerts", "resolved_at IS NULL"), 0, "resolved")
    check('data-alert="%d"' % aid in
          b.get("/admin/catalog/alerts?tab=resolved").text(),
          "on the resolved tab")
    eq(b.post("/admin/catalog/alerts/%d/resolve" % aid, {},
              token_from="/admin/catalog/alerts").status, 404,
       "resolving twice")


PAGES = ["/admin/catalog/products", NEW, "/admin/catalog/review",
         "/admin/catalog/categories", "/admin/catalog/warehouses",
         "/admin/catalog/alerts"]


def test_who_sees_what(ctx):
    """Anonymous → log-in; a customer: 403 on every page and form; a user
    of another group sees none of this group's products."""
    s = catalog_stack(ctx)
    make_product(s, "lamp", "Brass lamp", 4000, list=False)
    path = "/admin/catalog/products/%d" % pid(s, "lamp")
    anon = Browser(s)
    r = anon.get("/admin/catalog/products")
    eq(r.status, 303, "anonymous")
    check(r.header("location").startswith("/admin/login?next="),
          "to the log-in")
    add_user(ctx, s, CUSTOMER, "customer")
    c = Browser(s)
    c.login(CUSTOMER)
    for p in PAGES + [path]:
        eq(c.get(p).status, 403, "customer: GET %s" % p)
    r = c.post(path + "/workflow", {"action": "submit"},
               token_from="/admin/login")
    eq(r.status, 403, "customer: a workflow post")
    r = c.post("/admin/catalog/products/bulk",
               [("ids", str(pid(s, "lamp"))), ("action", "submit")],
               token_from="/admin/login")
    eq(r.status, 403, "customer: a bulk post")
    eq(status(s, "lamp"), "draft", "nothing changed")

    add_user(ctx, s, OUTSIDER, "admin", "other")
    o = Browser(s, "other.test")
    eq(o.login(OUTSIDER).status, 303, "the other group's admin")
    page = o.get("/admin/catalog/products").text()
    check("Brass lamp" not in page, "no product of another group listed")
    eq(o.get(path).status, 404, "the editor: 404")
    r = o.post(path + "/workflow", {"action": "submit"},
               token_from="/admin/catalog/products")
    eq(r.status, 404, "a workflow post: 404")
    eq(status(s, "lamp"), "draft", "still a draft")

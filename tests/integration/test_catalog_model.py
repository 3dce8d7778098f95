"""The catalog's model through the staff JSON API on nginx, on the run's
database engine: products saved as documents (bad input 422, nothing
written), the workflow and who may move a product, stock arithmetic in
warehouses, low-stock alerts once per crossing, the price log and price
anomalies, watch mails through the outbox, price lists and scheduled
listing run by the catalog.schedule job, and another group's product
out of reach."""

import time

from catalog_kit import (ADMIN_EMAIL, PASSWORD, add_user, api,
                         catalog_stack, ensure_category, ensure_warehouse,
                         make_product, souk, staff_product, staff_token,
                         workflow)
from harness import Skip, check, eq

USES_DB = True


def count(s, table, where="1 = 1", params=()):
    return int(s.sql("SELECT COUNT(*) FROM %s WHERE %s" % (table, where),
                     params)[0][0])


def product_id(s, slug):
    return int(s.sql("SELECT id FROM catalog_products WHERE slug = ?",
                     (slug,))[0][0])


def test_product_document_round_trip(ctx):
    """A product saved through POST comes back as the same document: the
    description sanitised, categories, tags, attributes, variants with
    options and prices; a PATCH merges (absent fields stay); the listing
    rows exist only once it is listed, for each category and ancestor."""
    s = catalog_stack(ctx)
    ensure_category(s, "clothes")
    r = api(s, "POST", "/api/v1/categories",
            {"slug": "knitwear", "name": "Knitwear", "parent": "clothes"})
    eq(r.status, 201, "child category: %r" % r)
    doc = {"slug": "wool-jumper", "name": "Wool jumper",
           "summary": "Warm", "kind": "product",
           "description": "<p onclick='x()'>Soft <script>alert(1)</script>"
                          "<b>wool</b></p>",
           "seo": {"title": "Jumper", "description": "A jumper"},
           "categories": ["knitwear"], "tags": ["winter", "wool"],
           "attributes": {"material": ["wool"], "fit": "regular"},
           "channels": {"amazon": "https://amazon.example/jumper"},
           "variants": [
               {"sku": "WJ-S", "options": {"Size": "S"}, "weight_g": 400,
                "prices": [{"currency": "EUR", "amount": 4900,
                            "compare_at": 5900, "cost": 2000}]},
               {"sku": "WJ-M", "options": {"Size": "M"},
                "prices": [{"currency": "EUR", "amount": 5200}]}]}
    r = api(s, "POST", "/api/v1/products", doc)
    eq(r.status, 201, "created: %r" % r)
    p = r["product"]
    eq(p["status"], "draft", "a new product is a draft")
    eq(p["sites"], ["demo"], "shown on the request's site by default")
    check("script" not in p["description"] and "onclick" not in
          p["description"] and "<b>wool</b>" in p["description"],
          "description sanitised: %r" % p["description"])
    eq(p["categories"], ["knitwear"], "categories")
    eq(sorted(p["tags"]), ["winter", "wool"], "tags")
    eq(p["attributes"], {"fit": ["regular"], "material": ["wool"]},
       "attributes")
    eq([v["sku"] for v in p["variants"]], ["WJ-S", "WJ-M"], "variants")
    eq(p["variants"][0]["options"], {"Size": "S"}, "options")
    eq(p["variants"][0]["prices"][0]["amount"], 4900, "price")
    eq(p["variants"][0]["prices"][0]["cost"], 2000, "staff see the cost")
    eq(count(s, "catalog_listing"), 0, "a draft is not listed")
    # A merge: only the name changes.
    r = api(s, "PATCH", "/api/v1/products/wool-jumper",
            {"name": "Wool jumper, navy"})
    eq(r.status, 200, "patched: %r" % r)
    eq(r["product"]["name"], "Wool jumper, navy", "name replaced")
    eq(r["product"]["tags"], p["tags"], "tags kept")
    eq(len(r["product"]["variants"]), 2, "variants kept")
    for a in ("submit", "approve", "list"):
        eq(workflow(s, "wool-jumper", a).status, 200, a)
    pid = product_id(s, "wool-jumper")
    rows = s.sql("SELECT category_id, price, in_stock FROM catalog_listing "
                 "WHERE product_id = ? AND site_id = 'demo' ORDER BY "
                 "category_id", (pid,))
    eq(len(rows), 3, "everything (0), knitwear and its parent: %r" % rows)
    eq(int(rows[0][1]), 4900, "the lowest variant's price")
    eq(int(rows[0][2]), 0, "nothing in stock yet")
    rows = s.sql("SELECT scope, title, body FROM souk_text_docs WHERE idx "
                 "= 'catalog' AND doc = ?", (pid,))
    eq(len(rows), 1, "one search document")
    eq(rows[0][:2], ("shops", "Wool jumper, navy"), "scope = group, title")
    for word in ("Warm", "Soft", "winter", "regular", "WJ-M"):
        check(word in rows[0][2], "the body has %r: %r" % (word, rows[0][2]))
    check("<b>" not in rows[0][2], "no markup in the body")


def test_bad_input_writes_nothing(ctx):
    """Refused documents answer 422 and leave no row behind; bad JSON
    400; an unknown slug 404; a taken SKU or slug 422."""
    s = catalog_stack(ctx)
    make_product(s, "mug", "Mug", 900, list=False)
    before = count(s, "catalog_products")
    bad = [
        {"slug": "Bad Slug", "name": "x", "variants": [
            {"sku": "A1", "prices": [{"currency": "EUR", "amount": 1}]}]},
        {"slug": "no-variants", "name": "x", "variants": []},
        {"slug": "neg", "name": "x", "variants": [
            {"sku": "N1", "prices": [{"currency": "EUR", "amount": -5}]}]},
        {"slug": "frac", "name": "x", "variants": [
            {"sku": "F1", "prices": [{"currency": "EUR", "amount": 1.5}]}]},
        {"slug": "cur", "name": "x", "variants": [
            {"sku": "C1", "prices": [{"currency": "eur", "amount": 1}]}]},
        {"slug": "no-eur", "name": "x", "variants": [
            {"sku": "U1", "prices": [{"currency": "USD", "amount": 1}]}]},
        {"slug": "badsku", "name": "x", "variants": [
            {"sku": "A B", "prices": [{"currency": "EUR", "amount": 1}]}]},
        {"slug": "takensku", "name": "x", "variants": [
            {"sku": "MUG", "prices": [{"currency": "EUR", "amount": 1}]}]},
        {"slug": "mug", "name": "x", "variants": [
            {"sku": "M2", "prices": [{"currency": "EUR", "amount": 1}]}]},
        {"slug": "nocat", "name": "x", "categories": ["nope"], "variants": [
            {"sku": "NC", "prices": [{"currency": "EUR", "amount": 1}]}]},
        {"slug": "othersite", "name": "x", "sites": ["other"], "variants": [
            {"sku": "OS", "prices": [{"currency": "EUR", "amount": 1}]}]},
        {"slug": "long", "name": "x" * 201, "variants": [
            {"sku": "LG", "prices": [{"currency": "EUR", "amount": 1}]}]},
        {"slug": "kind", "name": "x", "kind": "gadget", "variants": [
            {"sku": "KD", "prices": [{"currency": "EUR", "amount": 1}]}]},
    ]
    for d in bad:
        r = api(s, "POST", "/api/v1/products", d)
        eq(r.status, 422, "refused %s: %r" % (d["slug"], r))
        check(r.body and r.body["error"]["message"], "says why")
    eq(count(s, "catalog_products"), before, "no product written")
    eq(count(s, "catalog_variants"), 1, "no variant written")
    eq(api(s, "POST", "/api/v1/products", raw=b"{not json").status, 400,
       "bad JSON")
    eq(api(s, "PATCH", "/api/v1/products/nope", {"name": "x"}).status, 404,
       "unknown slug")
    r = api(s, "PATCH", "/api/v1/products/mug", {"name": ""})
    eq(r.status, 422, "empty name")
    eq(s.sql("SELECT name FROM catalog_products WHERE slug = 'mug'")[0][0],
       "Mug", "name unchanged")
    eq(api(s, "POST", "/api/v1/products", {"slug": "x"}, token="").status,
       401, "no token")


def test_workflow_and_permissions(ctx):
    """Every transition, the refusals (409), and who may: an editor
    submits but cannot approve (403); a manager approves, rejects with a
    note, lists and delists; each move is an event row."""
    s = catalog_stack(ctx)
    add_user(ctx, s, "ed@example.test", "catalog_editor")
    add_user(ctx, s, "boss@example.test", "catalog_manager")
    ed = staff_token(s, "ed@example.test")
    boss = staff_token(s, "boss@example.test")
    make_product(s, "lamp", "Lamp", 3000, list=False, token=ed)
    eq(workflow(s, "lamp", "approve", token=boss).status, 409,
       "a draft cannot be approved")
    eq(workflow(s, "lamp", "list", token=boss).status, 409,
       "a draft cannot be listed")
    eq(workflow(s, "lamp", "fly", token=boss).status, 422, "unknown action")
    eq(workflow(s, "lamp", "submit", token=ed).status, 200, "editor submits")
    eq(workflow(s, "lamp", "submit", token=ed).status, 409, "twice: 409")
    eq(workflow(s, "lamp", "approve", token=ed).status, 403,
       "an editor cannot approve")
    eq(workflow(s, "lamp", "reject", token=boss).status, 422,
       "a rejection needs a note")
    r = workflow(s, "lamp", "reject", note="photo missing", token=boss)
    eq(r.status, 200, "rejected: %r" % r)
    eq(r["product"]["status"], "draft", "back to draft")
    eq(workflow(s, "lamp", "submit", token=ed).status, 200, "again")
    eq(workflow(s, "lamp", "approve", token=boss).status, 200, "approved")
    eq(workflow(s, "lamp", "list", token=ed).status, 403,
       "an editor cannot list")
    eq(count(s, "catalog_listing"), 0, "not listed yet")
    r = workflow(s, "lamp", "list", token=boss)
    eq(r["product"]["status"], "listed", "listed")
    check(count(s, "catalog_listing") > 0, "listing rows")
    eq(workflow(s, "lamp", "delist", token=boss).status, 200, "delisted")
    eq(count(s, "catalog_listing"), 0, "listing rows gone")
    eq(workflow(s, "lamp", "list", token=boss).status, 200, "listed again")
    ev = staff_product(s, "lamp")["product"]["events"]
    eq([e["action"] for e in reversed(ev)],
       ["create", "submit", "reject", "submit", "approve", "list", "delist",
        "list"], "history, newest first in the document")
    eq(ev[-1]["from"], None, "create has no from")
    reject = [e for e in ev if e["action"] == "reject"][0]
    eq((reject["from"], reject["to"], reject["note"], reject["actor"]),
       ("review", "draft", "photo missing", "boss@example.test"),
       "who rejected, from what to what, why")


def test_stock_arithmetic(ctx):
    """Receipts add, a count sets; available = on hand - reserved over
    warehouses; never negative; every change a move row; reserved stock
    cannot be counted away."""
    s = catalog_stock_ready(ctx)
    make_product(s, "pen", "Pen", 150, list=False)
    ensure_warehouse(s, "MAIN")
    ensure_warehouse(s, "EAST")
    r = api(s, "POST", "/api/v1/stock/receipts", {
        "warehouse": "MAIN", "note": "delivery 1",
        "lines": [{"sku": "PEN", "quantity": 10}]})
    eq(r.status, 201, "receipt: %r" % r)
    api(s, "POST", "/api/v1/stock/receipts", {
        "warehouse": "EAST", "lines": [{"sku": "PEN", "quantity": 5}]})
    r = api(s, "PUT", "/api/v1/stock/PEN", {"warehouse": "MAIN",
                                            "on_hand": 7,
                                            "note": "counted"})
    eq(r.status, 200, "count: %r" % r)
    eq((r["on_hand"], r["available"], r["available_total"]), (7, 7, 12),
       "7 at MAIN, 12 in all")
    for body, what in (
            ({"warehouse": "MAIN", "on_hand": -1, "note": "x"}, "negative"),
            ({"warehouse": "MAIN", "on_hand": 3}, "no note"),
            ({"warehouse": "NOPE", "on_hand": 3, "note": "x"},
             "unknown warehouse")):
        eq(api(s, "PUT", "/api/v1/stock/PEN", body).status, 422, what)
    eq(api(s, "PUT", "/api/v1/stock/NOSKU", {"warehouse": "MAIN",
                                             "on_hand": 1,
                                             "note": "x"}).status, 404,
       "unknown SKU")
    for lines in ([{"sku": "PEN", "quantity": 0}],
                  [{"sku": "PEN", "quantity": -3}],
                  [{"sku": "PEN", "quantity": 2}, {"sku": "NOSKU",
                                                   "quantity": 1}], []):
        eq(api(s, "POST", "/api/v1/stock/receipts",
               {"warehouse": "MAIN", "lines": lines}).status, 422,
           "bad receipt %r" % lines)
    eq(count(s, "catalog_receipts"), 2, "refused receipts left no row")
    # Reserved (written by checkout later): simulated in the table.
    s.sql("UPDATE catalog_stock SET reserved = 4 WHERE warehouse_id = "
          "(SELECT id FROM catalog_warehouses WHERE code = 'MAIN')")
    r = api(s, "PUT", "/api/v1/stock/PEN", {"warehouse": "MAIN",
                                            "on_hand": 3, "note": "x"})
    eq(r.status, 422, "cannot count below what is reserved: %r" % r)
    doc = staff_product(s, "pen")["product"]
    st = {w["warehouse"]: w for w in doc["variants"][0]["stock"]}
    eq((st["MAIN"]["on_hand"], st["MAIN"]["reserved"],
        st["MAIN"]["available"]), (7, 4, 3), "MAIN: 7 - 4 = 3")
    eq(st["EAST"]["available"], 5, "EAST: 5")
    moves = s.sql("SELECT kind, delta_on_hand FROM catalog_stock_moves "
                  "ORDER BY id")
    eq([(k, int(d)) for k, d in moves],
       [("receipt", 10), ("receipt", 5), ("adjust", -3)], "move rows")


def catalog_stock_ready(ctx, **kw):
    return catalog_stack(ctx, **kw)


def test_low_stock_alert_once_per_crossing(ctx):
    """The alert fires once when stock falls to the threshold, not again
    while it stays low, and again after a refill and a second drop; each
    time an alert row and an outbox mail to catalog.alert_email."""
    s = catalog_stack(ctx, settings={"catalog.alert_email":
                                     "ops@example.test"})
    make_product(s, "cup", "Cup", 500, stock=10, list=False,
                 extra={"variants": [{"sku": "CUP", "low_stock_threshold": 3,
                                      "prices": [{"currency": "EUR",
                                                  "amount": 500}]}]})

    def set_to(n):
        r = api(s, "PUT", "/api/v1/stock/CUP", {"warehouse": "MAIN",
                                                "on_hand": n,
                                                "note": "count"})
        eq(r.status, 200, "set %d: %r" % (n, r))

    def alerts():
        return count(s, "catalog_alerts", "kind = 'low_stock'")

    def mails():
        return count(s, "souk_outbox", "recipient = 'ops@example.test'")

    eq(alerts(), 0, "10 > 3: no alert")
    set_to(3)
    eq(alerts(), 1, "at the threshold: one alert")
    eq(mails(), 1, "and one mail")
    set_to(2)
    set_to(1)
    eq(alerts(), 1, "still low: no new alert")
    set_to(9)
    eq(alerts(), 1, "a refill raises none")
    set_to(2)
    eq(alerts(), 2, "the second crossing alerts again")
    eq(mails(), 2, "and mails again")
    msg = s.sql("SELECT message FROM catalog_alerts ORDER BY id")[0][0]
    check("CUP" in msg, "the alert names the SKU: %r" % msg)


def test_price_log_and_anomalies(ctx):
    """Every change of a charged price is a log row; a change of more than
    50% (or the configured percentage) or below cost raises an alert, and
    the change is still saved."""
    s = catalog_stack(ctx)
    make_product(s, "clock", "Clock", 10000, list=False)

    def price(amount, cost=None):
        p = {"currency": "EUR", "amount": amount}
        if cost is not None:
            p["cost"] = cost
        r = api(s, "PATCH", "/api/v1/products/clock",
                {"variants": [{"sku": "CLOCK", "prices": [p]}]})
        eq(r.status, 200, "price %d: %r" % (amount, r))

    def anomalies():
        return count(s, "catalog_alerts", "kind = 'price_anomaly'")

    price(9000)
    eq(anomalies(), 0, "10% down: fine")
    price(4000)
    eq(anomalies(), 1, "more than 50% down: alert")
    price(4000, cost=5000)
    eq(anomalies(), 2, "below cost: alert")
    eq(int(s.sql("SELECT amount FROM catalog_prices")[0][0]), 4000,
       "the change was saved")
    log = s.sql("SELECT old_amount, new_amount FROM catalog_price_log "
                "ORDER BY id")
    eq([(None if o is None else int(o), int(n)) for o, n in log],
       [(None, 10000), (10000, 9000), (9000, 4000)], "price log rows")


def test_watch_mails(ctx):
    """A price watcher gets one mail per drop; a stock watcher one mail
    when the product comes back; both through the outbox."""
    s = catalog_stack(ctx)
    make_product(s, "kettle", "Kettle", 4000)
    pid = product_id(s, "kettle")
    now = int(time.time())
    for kind in ("price", "stock"):
        s.sql("INSERT INTO catalog_watches (site_id, product_id, user_id, "
              "email, kind, currency, price_seen, created_at) VALUES "
              "('demo', ?, 0, ?, ?, 'EUR', 4000, ?)",
              (pid, "%s@example.test" % kind, kind, now))

    def mails(to):
        return s.sql("SELECT subject, body_text FROM souk_outbox WHERE "
                     "recipient = ? ORDER BY id", (to,))

    def price(amount):
        eq(api(s, "PATCH", "/api/v1/products/kettle", {"variants": [
            {"sku": "KETTLE", "prices": [{"currency": "EUR",
                                          "amount": amount}]}]}).status,
           200, "price %d" % amount)

    price(4500)
    eq(len(mails("price@example.test")), 0, "dearer: no mail")
    price(3500)
    m = mails("price@example.test")
    eq(len(m), 1, "cheaper: one mail")
    check("/p/kettle" in m[0][1] and "35.00" in m[0][1],
          "the mail has the link and the price: %r" % (m,))
    price(3500)
    price(3800)
    eq(len(mails("price@example.test")), 1, "no drop below 3500: no mail")
    price(3000)
    eq(len(mails("price@example.test")), 2, "a second drop: a second mail")
    eq(len(mails("stock@example.test")), 0, "nothing in stock yet")
    ensure_warehouse(s)
    for q in (2, 3):
        eq(api(s, "POST", "/api/v1/stock/receipts", {
            "warehouse": "MAIN", "lines": [{"sku": "KETTLE",
                                            "quantity": q}]}).status, 201,
           "receipt")
    m = mails("stock@example.test")
    eq(len(m), 1, "back in stock: one mail, not one per receipt")
    check("Back in stock" in m[0][0], "subject: %r" % m[0][0])


def _run_schedule(ctx, s):
    rc, out, err = souk(ctx, s, "job", "run", "catalog.schedule")
    if rc == 2 or "unknown command" in (out + err):
        raise Skip("souk job run is not there yet (C1)")
    eq(rc, 0, "souk job run catalog.schedule: %s %s" % (out, err))


def test_price_list_and_scheduled_listing(ctx):
    """A price list that has started replaces the charged amount through
    the logged path, the job is idempotent, and an ended list puts the
    base price back; a listing scheduled in the future happens when the
    job runs after its time."""
    s = catalog_stack(ctx)
    make_product(s, "vase", "Vase", 2000)
    now = int(time.time())
    r = api(s, "POST", "/api/v1/price-lists", {
        "name": "Spring sale", "currency": "EUR", "starts_at": now - 10,
        "items": [{"sku": "VASE", "amount": 1500}]})
    eq(r.status, 201, "price list: %r" % r)
    row = s.sql("SELECT base_amount, amount FROM catalog_prices")[0]
    eq((int(row[0]), int(row[1])), (2000, 1500), "sale price charged")
    eq(s.sql("SELECT reason FROM catalog_price_log ORDER BY id DESC")[0][0],
       "price list Spring sale", "logged with the list's name")
    eq(api(s, "POST", "/api/v1/price-lists", {
        "name": "x", "starts_at": now, "items": [{"sku": "NOPE",
                                                  "amount": 1}]}).status,
       422, "unknown SKU in a list")
    make_product(s, "later", "Later", 100, list=False)
    for a in ("submit", "approve"):
        workflow(s, "later", a)
    r = workflow(s, "later", "list", list_at=now + 2)
    eq(r.status, 200, "scheduled: %r" % r)
    eq(r["product"]["status"], "approved", "stays approved until then")
    logs = count(s, "catalog_price_log")
    _run_schedule(ctx, s)
    eq(count(s, "catalog_price_log"), logs, "running again changes nothing")
    s.sql("UPDATE catalog_price_lists SET ends_at = ?", (now - 1,))
    s.sql("UPDATE catalog_price_lists SET starts_at = ?", (now - 100,))
    s.sql("UPDATE catalog_products SET list_at = ? WHERE slug = 'later'",
          (now - 1,))
    _run_schedule(ctx, s)
    eq(int(s.sql("SELECT amount FROM catalog_prices p JOIN catalog_variants"
                 " v ON v.id = p.variant_id WHERE v.sku = 'VASE'")[0][0]),
       2000, "the list ended: base price again")
    eq(s.sql("SELECT status FROM catalog_products WHERE slug = 'later'")
       [0][0], "listed", "the scheduled listing happened")


def test_other_group_cannot_see_or_edit(ctx):
    """A product of group "shops" is not found (404) from a site of
    another group, for reading, editing and the workflow; the same slug
    can exist there separately."""
    s = catalog_stack(ctx)
    make_product(s, "secret", "Secret", 100)
    add_user(ctx, s, "other@example.test", "admin", "other")
    tok = staff_token(s, "other@example.test", host="other.test")
    eq(staff_product(s, "secret", token=tok, host="other.test").status, 404,
       "not visible")
    eq(api(s, "PATCH", "/api/v1/products/secret", {"name": "mine"},
           token=tok, host="other.test").status, 404, "not editable")
    eq(workflow(s, "secret", "delist", token=tok,
                host="other.test").status, 404, "no workflow")
    eq(api(s, "PUT", "/api/v1/stock/SECRET", {"warehouse": "MAIN",
                                              "on_hand": 0, "note": "x"},
           token=tok, host="other.test").status, 404, "no stock")
    eq(s.sql("SELECT name, status FROM catalog_products WHERE slug = "
             "'secret'")[0], ("Secret", "listed"), "unchanged")
    r = api(s, "POST", "/api/v1/products", {
        "slug": "secret", "name": "Theirs", "variants": [
            {"sku": "SECRET", "prices": [{"currency": "EUR",
                                          "amount": 1}]}]},
        token=tok, host="other.test")
    eq(r.status, 201, "the other group has its own catalogue: %r" % r)
    eq(count(s, "catalog_products", "slug = 'secret'"), 2, "two products")


def test_category_tree_moves(ctx):
    """Moving a category carries its subtree (paths) and refreshes the
    listing of products filed there; moving under itself is refused."""
    s = catalog_stack(ctx)
    for slug, parent in (("home", None), ("garden", None),
                         ("kitchen", "home"), ("pans", "kitchen")):
        r = api(s, "POST", "/api/v1/categories", {"slug": slug,
                                                   "name": slug,
                                                   "parent": parent})
        eq(r.status, 201, "category %s: %r" % (slug, r))
    make_product(s, "wok", "Wok", 3000, category="pans")
    eq(api(s, "PATCH", "/api/v1/categories/kitchen",
           {"parent": "pans"}).status, 422, "not under its own child")
    r = api(s, "PATCH", "/api/v1/categories/kitchen", {"parent": "garden"})
    eq(r.status, 200, "moved: %r" % r)
    ids = dict(s.sql("SELECT slug, id FROM catalog_categories"))
    path = s.sql("SELECT path FROM catalog_categories WHERE slug = 'pans'")
    eq(path[0][0], "/%s/%s/%s/" % (ids["garden"], ids["kitchen"],
                                   ids["pans"]), "the subtree moved along")
    cats = sorted(int(c) for (c,) in s.sql(
        "SELECT category_id FROM catalog_listing WHERE site_id = 'demo'"))
    eq(cats, sorted([0, int(ids["garden"]), int(ids["kitchen"]),
                     int(ids["pans"])]), "listing under the new ancestors")


def test_sites_services_and_presale_listing(ctx):
    """A product shown on two sites of the group has listing rows on
    both; a service and an open pre-sale count as in stock without any
    stock; a sold-out pre-sale does not."""
    s = catalog_stack(ctx)
    make_product(s, "tour", "City tour", 2500, extra={"kind": "service"})
    future = int(time.time()) + 86400 * 30
    make_product(s, "gizmo", "Gizmo", 9900, extra={
        "available_at": future, "preorder_limit": 5})
    make_product(s, "plain", "Plain", 100)

    def in_stock(slug):
        return int(s.sql("SELECT in_stock FROM catalog_listing l JOIN "
                         "catalog_products p ON p.id = l.product_id WHERE "
                         "p.slug = ? AND l.category_id = 0 AND l.site_id = "
                         "'demo'", (slug,))[0][0])

    eq(in_stock("tour"), 1, "a service is always available")
    eq(in_stock("gizmo"), 1, "an open pre-sale is available")
    eq(in_stock("plain"), 0, "a product without stock is not")
    s.sql("UPDATE catalog_products SET preorder_sold = 5 WHERE slug = "
          "'gizmo'")
    eq(api(s, "PATCH", "/api/v1/products/gizmo", {"summary": "sold out"})
       .status, 200, "saved again")
    eq(in_stock("gizmo"), 0, "a sold-out pre-sale is not available")
    eq(api(s, "PATCH", "/api/v1/products/gizmo",
           {"preorder_limit": 2}).status, 422,
       "the limit cannot go below what is sold")
    r = api(s, "PATCH", "/api/v1/products/plain",
            {"sites": ["demo", "bazaar"]})
    eq(r.status, 200, "shown on both sites: %r" % r)
    sites = sorted(x for (x,) in s.sql(
        "SELECT DISTINCT site_id FROM catalog_listing l JOIN "
        "catalog_products p ON p.id = l.product_id WHERE p.slug = 'plain'"))
    eq(sites, ["bazaar", "demo"], "listing rows for both sites")
    r = api(s, "PATCH", "/api/v1/products/plain", {"sites": ["bazaar"]})
    eq(r["product"]["sites"], ["bazaar"], "taken off demo")
    eq(count(s, "catalog_listing l JOIN catalog_products p ON p.id = "
             "l.product_id", "p.slug = 'plain' AND l.site_id = 'demo'"), 0,
       "no demo rows left")

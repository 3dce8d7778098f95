"""Placing orders under contention, through nginx on the run's database
engine with several soukd workers: 100 guests racing for the last 5 units
get exactly 5 orders and stock 0, never below; a cart wanting more than is
left is refused with nothing written; one Idempotency-Key sent 20 times at
once makes one order, and a new key places again only once the cart was
refilled; the orders.holds job cancels an unpaid order whose hold ran out,
returning its stock as "release" moves, and leaves paid and still-held
orders alone. Every assertion reads the database directly.

The helpers here (race_stack, Buyer, integrity problems) are shared with
test_orders_crash.py."""

import json
import threading
import time
import uuid

from catalog_kit import api, make_product, souk
from harness import Browser, check, eq
from shop_kit import shop_stack

USES_DB = True

WORKERS = 4
ADDRESS = {"name": "Ada Buyer", "line1": "Hauptstrasse 1",
           "city": "Berlin", "postcode": "10115", "country": "DE"}


def race_stack(ctx, workers=WORKERS, settings=None):
    """shop_stack with several workers and no jobs process (the holds job
    runs only when a test runs it)."""
    return shop_stack(ctx, settings=settings, workers=workers, jobs=False)


def count(s, table, where="1 = 1", params=()):
    return int(s.sql("SELECT COUNT(*) FROM %s WHERE %s" % (table, where),
                     params)[0][0])


def variant_id(s, sku):
    return int(s.sql("SELECT id FROM catalog_variants WHERE sku = ?",
                     (sku,))[0][0])


def stock_of(s, sku):
    """(on_hand, reserved) summed over the SKU's warehouses."""
    row = s.sql("SELECT SUM(on_hand), SUM(reserved) FROM catalog_stock "
                "WHERE variant_id = ?", (variant_id(s, sku),))[0]
    return int(row[0] or 0), int(row[1] or 0)


def snapshot(s):
    """Row counts of everything placing an order writes."""
    return {t: count(s, t) for t in ("orders", "order_lines",
                                     "order_allocations", "order_events",
                                     "order_idempotency",
                                     "catalog_stock_moves", "souk_outbox")}


class Answer:
    """An HTTP answer: status, decoded JSON (or None), the raw text; status
    None and error set when the connection failed."""

    def __init__(self, status=None, body=None, text="", error=None):
        self.status = status
        self.body = body
        self.text = text
        self.error = error

    def number(self):
        return self.body.get("number") if isinstance(self.body, dict) \
            else None

    def message(self):
        if isinstance(self.body, dict) and \
                isinstance(self.body.get("error"), dict):
            return self.body["error"].get("message") or ""
        return ""

    def __repr__(self):
        if self.error:
            return "<connection error %s>" % self.error
        return "<%s %s>" % (self.status, self.text[:300])


class Buyer:
    """A guest with their own session (and so their own cart) through
    nginx: the sign-in page starts the session and gives the CSRF token
    that JSON calls send as X-CSRF-Token."""

    def __init__(self, s, host="localhost", n=0):
        self.s = s
        self.host = host
        self.email = "buyer%d-%s@example.test" % (n, uuid.uuid4().hex[:6])
        self.b = Browser(s, host)
        r = self.b.get("/account/login")
        eq(r.status, 200, "a guest's first page: %r" % r)
        check(self.b.jar and self.b.csrf, "the guest has a session and a "
              "CSRF token")
        # Fixed from here on, so concurrent calls need not share the jar.
        self.headers = {
            "Cookie": "; ".join("%s=%s" % kv for kv in self.b.jar.items()),
            "X-CSRF-Token": self.b.csrf, "Accept": "application/json"}

    def call(self, method, path, obj=None, headers=None, timeout=30.0):
        h = dict(self.headers)
        h.update(headers or {})
        body = None
        if obj is not None:
            body = json.dumps(obj).encode()
            h["Content-Type"] = "application/json"
        try:
            r = self.s.http(method, path, body=body, headers=h,
                            host=self.host, timeout=timeout)
        except (OSError, Exception) as e:     # noqa: B014 (http.client)
            return Answer(error="%s: %s" % (type(e).__name__, e))
        text = r.text()
        try:
            doc = json.loads(text) if text else None
        except ValueError:
            doc = None
        return Answer(r.status, doc, text)

    def add(self, sku, quantity=1):
        return self.call("POST", "/api/v1/cart/items",
                         {"sku": sku, "quantity": quantity})

    def cart_count(self):
        a = self.call("GET", "/api/v1/cart")
        eq(a.status, 200, "GET /api/v1/cart: %r" % a)
        return sum(int(l["quantity"]) for l in a.body["cart"]["lines"])

    def checkout(self, key, timeout=30.0):
        body = {"email": self.email, "address": ADDRESS}
        h = {} if key is None else {"Idempotency-Key": key}
        return self.call("POST", "/api/v1/checkout", body, headers=h,
                         timeout=timeout)


def ready_buyer(s, sku, quantity=1, n=0):
    b = Buyer(s, n=n)
    a = b.add(sku, quantity)
    eq(a.status, 201, "buyer %d adds %d of %s: %r" % (n, quantity, sku, a))
    return b


def at_once(fns):
    """Runs the callables in threads released together; their results in
    order."""
    gate = threading.Barrier(len(fns))
    out = [None] * len(fns)

    def run(i):
        try:
            gate.wait(30)
        except threading.BrokenBarrierError:
            pass
        out[i] = fns[i]()

    ts = [threading.Thread(target=run, args=(i,)) for i in range(len(fns))]
    for t in ts:
        t.start()
    for t in ts:
        t.join(120)
    return out


def integrity_problems(s):
    """What must hold in the database whatever happened to the requests:
    a list of readable problems (empty when all is well).
    - every order has a line, and every line of an order not cancelled
      has allocations summing to its quantity;
    - each line's variant has sale moves with ref = the order's number
      summing to minus the ordered quantity, and the net of all its moves
      for that ref is minus what is still allocated;
    - every sale/return/release move's ref names an order;
    - no order has two idempotency keys, no key names a missing order;
    - nothing is below zero in catalog_stock."""
    bad = []
    rows = s.sql("SELECT o.number FROM orders o WHERE NOT EXISTS (SELECT 1 "
                 "FROM order_lines l WHERE l.order_id = o.id)")
    bad += ["order %s has no line" % r[0] for r in rows]
    rows = s.sql("SELECT o.number, l.id, l.quantity, (SELECT COALESCE(SUM("
                 "a.quantity), 0) FROM order_allocations a WHERE a.line_id "
                 "= l.id) FROM order_lines l JOIN orders o ON o.id = "
                 "l.order_id WHERE o.status <> 'cancelled' AND l.kind <> "
                 "'service'")
    bad += ["order %s line %s: quantity %s, allocated %s" % r
            for r in rows if int(r[2]) != int(r[3])]
    # Per (order, variant): ordered, allocated, sold and net moved.
    rows = s.sql("SELECT o.number, l.variant_id, SUM(l.quantity), "
                 "SUM((SELECT COALESCE(SUM(a.quantity), 0) FROM "
                 "order_allocations a WHERE a.line_id = l.id)) FROM "
                 "order_lines l JOIN orders o ON o.id = l.order_id WHERE "
                 "l.kind <> 'service' GROUP BY o.number, l.variant_id")
    moves = {}
    for ref, vid, kind, delta in s.sql(
            "SELECT ref, variant_id, kind, SUM(delta_on_hand) FROM "
            "catalog_stock_moves WHERE kind IN ('sale', 'return', "
            "'release') GROUP BY ref, variant_id, kind"):
        moves.setdefault((ref, vid), {})[kind] = int(delta)
    for number, vid, qty, alloc in rows:
        m = moves.get((number, vid), {})
        if m.get("sale", 0) != -int(qty):
            bad.append("order %s variant %s: ordered %s, sale moves %d"
                       % (number, vid, qty, m.get("sale", 0)))
        if sum(m.values()) != -int(alloc):
            bad.append("order %s variant %s: allocated %s, moves net %d"
                       % (number, vid, alloc, sum(m.values())))
    rows = s.sql("SELECT m.id, m.kind, m.ref FROM catalog_stock_moves m "
                 "WHERE m.kind IN ('sale', 'return', 'release') AND NOT "
                 "EXISTS (SELECT 1 FROM orders o WHERE o.number = m.ref)")
    bad += ["stock move %s (%s) names no order: ref %r" % r for r in rows]
    rows = s.sql("SELECT order_id, COUNT(*) FROM order_idempotency GROUP BY "
                 "order_id HAVING COUNT(*) > 1")
    bad += ["order id %s has %s idempotency keys" % r for r in rows]
    rows = s.sql("SELECT k.idem_key, k.order_id FROM order_idempotency k "
                 "WHERE NOT EXISTS (SELECT 1 FROM orders o WHERE o.id = "
                 "k.order_id)")
    bad += ["key %r names missing order id %s" % r for r in rows]
    rows = s.sql("SELECT variant_id, warehouse_id, on_hand, reserved FROM "
                 "catalog_stock WHERE on_hand < 0 OR reserved < 0 OR "
                 "on_hand < reserved")
    bad += ["stock below zero: %r" % (r,) for r in rows]
    return bad


def assert_integrity(s):
    bad = integrity_problems(s)
    check(not bad, "database integrity:\n  " + "\n  ".join(bad[:30]))


# ---------------------------------------------------------------------------

def test_hundred_buyers_last_five_units(ctx):
    """100 guests, each with 1 unit of the same SKU in their cart, check
    out at the same moment while 5 units are left: exactly 5 orders (201),
    95 clear 409s; stock on hand - reserved is 0, never negative; 5 sale
    moves of 1 naming the 5 numbers; the losers' carts are untouched."""
    s = race_stack(ctx)
    make_product(s, "last-five", "Last Five", 1250, stock=5)
    buyers = [ready_buyer(s, "LAST-FIVE", 1, n) for n in range(100)]
    before = snapshot(s)
    answers = at_once([(lambda b=b: b.checkout(uuid.uuid4().hex))
                       for b in buyers])

    won = [a for a in answers if a.status == 201]
    lost = [a for a in answers if a.status == 409]
    other = [a for a in answers if a.status not in (201, 409)]
    check(not other, "every answer is 201 or 409; others: %r" % other[:5])
    eq(len(won), 5, "orders placed for the last 5 units")
    eq(len(lost), 95, "buyers refused")
    for a in lost:
        check(a.message(), "a 409 says why: %r" % a)
    numbers = sorted(a.number() for a in won)
    eq(len(set(numbers)), 5, "five different numbers: %r" % numbers)

    eq(stock_of(s, "LAST-FIVE"), (0, 0), "on hand - reserved = 0")
    rows = s.sql("SELECT number, status FROM orders ORDER BY number")
    eq(sorted(r[0] for r in rows), numbers, "the 5 orders in the database")
    eq(count(s, "order_lines", "quantity = 1"), 5, "one line of 1 each")
    eq(count(s, "order_idempotency"), 5, "one key per order")
    moves = s.sql("SELECT ref, delta_on_hand FROM catalog_stock_moves WHERE "
                  "kind = 'sale' ORDER BY ref")
    eq([(r, int(d)) for r, d in moves], [(n, -1) for n in numbers],
       "5 sale moves of 1 naming the orders")
    eq(count(s, "catalog_stock_moves") - before["catalog_stock_moves"], 5,
       "no other stock move")
    assert_integrity(s)
    winners = [b for b, a in zip(buyers, answers) if a.status == 201]
    losers = [b for b, a in zip(buyers, answers) if a.status == 409]
    eq(winners[0].cart_count(), 0, "a winner's cart was emptied")
    eq([b.cart_count() for b in losers[:5]], [1] * 5,
       "a loser's cart still holds its unit")
    # The shop still sells what it has: nothing, now.
    a = losers[0].checkout(uuid.uuid4().hex)
    eq(a.status, 409, "checking out again with nothing left: %r" % a)
    eq(count(s, "orders"), 5, "still 5 orders")


def test_two_wanted_one_left(ctx):
    """A cart wanting 2 when only 1 is left: 409 naming the SKU, and
    nothing written: no order, no key, no move, no mail, stock and cart
    as they were."""
    s = race_stack(ctx, workers=2)
    make_product(s, "pair", "Pair", 900, stock=2)
    greedy = ready_buyer(s, "PAIR", 2, 1)     # 2 of 2: fine when added
    first = ready_buyer(s, "PAIR", 1, 2)
    a = first.checkout(uuid.uuid4().hex)
    eq(a.status, 201, "the first buyer takes 1: %r" % a)
    eq(stock_of(s, "PAIR"), (1, 0), "1 left")
    before = snapshot(s)
    key = uuid.uuid4().hex
    a = greedy.checkout(key)
    eq(a.status, 409, "2 wanted, 1 left: %r" % a)
    check("PAIR" in a.message(), "the message names the SKU: %r" % a)
    eq(snapshot(s), before, "nothing written")
    eq(stock_of(s, "PAIR"), (1, 0), "still 1 left")
    eq(count(s, "order_idempotency", "idem_key = ?", (key,)), 0,
       "the refused key is not claimed")
    eq(greedy.cart_count(), 2, "the cart still wants 2")
    # The same key once the cart fits: it was never used, so it places.
    a = greedy.call("GET", "/api/v1/cart")
    line = a.body["cart"]["lines"][0]
    a = greedy.call("PATCH", "/api/v1/cart/items/%s" % line["id"],
                    {"quantity": 1})
    eq(a.status, 200, "down to 1: %r" % a)
    a = greedy.checkout(key)
    eq(a.status, 201, "the refused key places once the cart fits: %r" % a)
    eq(stock_of(s, "PAIR"), (0, 0), "sold out")
    assert_integrity(s)


def test_same_key_twenty_times_at_once(ctx):
    """One buyer double-clicks twenty times: one order, every answer names
    it (201 once, 200 for the replays); one row in orders and in
    order_idempotency, stock taken once. An unknown key on the emptied
    cart is refused and writes nothing; the first key replays the same
    order even after the cart was refilled; a new key then places the
    refilled cart; another buyer's identical key is theirs alone."""
    s = race_stack(ctx)
    make_product(s, "clicky", "Clicky", 4200, stock=50)
    b = ready_buyer(s, "CLICKY", 1, 1)
    key = "double-click-" + uuid.uuid4().hex[:8]
    answers = at_once([(lambda: b.checkout(key))] * 20)
    statuses = sorted(a.status for a in answers)
    check(all(st in (200, 201) for st in statuses),
          "every answer is 201 or 200: %r"
          % [a for a in answers if a.status not in (200, 201)][:3])
    numbers = set(a.number() for a in answers)
    eq(len(numbers), 1, "every answer names the same order: %r" % numbers)
    number = numbers.pop()
    check(number, "the answers carry a number: %r" % answers[0])
    eq(statuses.count(201), 1, "201 once, 200 for the rest: %r" % statuses)
    eq(count(s, "orders"), 1, "one row in orders")
    eq(count(s, "order_idempotency"), 1, "one row in order_idempotency")
    eq(s.sql("SELECT o.number FROM order_idempotency k JOIN orders o ON "
             "o.id = k.order_id WHERE k.idem_key = ?", (key,)),
       [(number,)], "the key names the order")
    eq(stock_of(s, "CLICKY"), (49, 0), "stock taken once")
    eq(count(s, "catalog_stock_moves", "kind = 'sale'"), 1, "one sale move")
    eq(b.cart_count(), 0, "the cart was emptied")

    before = snapshot(s)
    a = b.checkout(uuid.uuid4().hex)
    eq(a.status, 409, "a new key on an empty cart: %r" % a)
    eq(snapshot(s), before, "nothing written for it")

    eq(b.add("CLICKY", 2).status, 201, "refill the cart")
    a = b.checkout(key)
    eq((a.status, a.number()), (200, number),
       "the first key still answers its order: %r" % a)
    eq(count(s, "orders"), 1, "the replay placed nothing")
    eq(b.cart_count(), 2, "the replay left the refilled cart alone")
    a = b.checkout(uuid.uuid4().hex)
    eq(a.status, 201, "a new key places the refilled cart: %r" % a)
    check(a.number() != number, "a second number")
    eq(count(s, "orders"), 2, "two orders")
    eq(stock_of(s, "CLICKY"), (47, 0), "1 + 2 taken")

    other = ready_buyer(s, "CLICKY", 1, 2)
    a = other.checkout(key)
    eq(a.status, 201, "another buyer's identical key is theirs: %r" % a)
    check(a.number() != number, "their own order")
    eq(count(s, "order_idempotency"), 3, "three keys")
    assert_integrity(s)


def test_one_cart_ten_keys_at_once(ctx):
    """The buyer's cart submitted ten times at once with ten different
    keys (two tabs, a form rendered twice): the cart becomes one order;
    the others find it emptied (409) and write nothing; stock taken once."""
    s = race_stack(ctx)
    make_product(s, "tabs", "Tabs", 800, stock=50)
    b = ready_buyer(s, "TABS", 2, 1)
    answers = at_once([(lambda k=uuid.uuid4().hex: b.checkout(k))
                       for _ in range(10)])
    statuses = sorted(a.status for a in answers)
    eq(statuses.count(201), 1, "one order from one cart: %r" % statuses)
    eq(statuses.count(409), 9, "the other submits find the cart empty: %r"
       % [a for a in answers if a.status != 201][:3])
    eq(count(s, "orders"), 1, "one row in orders: %r"
       % s.sql("SELECT number, cart_id FROM orders"))
    eq(count(s, "order_idempotency"), 1, "only the placing key is kept")
    eq(stock_of(s, "TABS"), (48, 0), "stock taken once")
    assert_integrity(s)


def test_idempotency_key_required(ctx):
    """No key, an empty one or one over 128 characters: 400 and nothing
    written, the cart kept."""
    s = race_stack(ctx, workers=2)
    make_product(s, "keyed", "Keyed", 100, stock=5)
    b = ready_buyer(s, "KEYED", 1, 1)
    before = snapshot(s)
    for key, what in ((None, "no key"), ("", "an empty key"),
                      ("k" * 129, "129 characters"),
                      ("tab\there", "a control character")):
        a = b.checkout(key)
        eq(a.status, 400, "%s: %r" % (what, a))
        check(a.message(), "%s: the 400 says why" % what)
    eq(snapshot(s), before, "nothing written")
    eq(b.cart_count(), 1, "the cart is kept")
    a = b.checkout("k" * 128)
    eq(a.status, 201, "a 128-character key is fine: %r" % a)


# ---------------------------------------------------------------------------
# Holds: the orders.holds job.

def place(s, sku, quantity, n):
    b = ready_buyer(s, sku, quantity, n)
    a = b.checkout(uuid.uuid4().hex)
    eq(a.status, 201, "order %d: %r" % (n, a))
    return a.number()


def order_row(s, number):
    return s.sql("SELECT status, hold_until, cancelled_at FROM orders WHERE "
                 "number = ?", (number,))[0]


def test_holds_job_releases_expired_orders(ctx):
    """An unpaid order whose hold ran out is cancelled by `souk job run
    orders.holds` and its stock comes back as release moves; an order paid
    in time, one still inside its hold and one without a hold (pay later)
    are left as they were. A second run changes nothing."""
    s = race_stack(ctx, workers=2)
    make_product(s, "held", "Held", 3000, stock=20)
    expired = place(s, "HELD", 2, 1)
    paid = place(s, "HELD", 3, 2)
    waiting = place(s, "HELD", 4, 3)
    nohold = place(s, "HELD", 1, 4)
    eq(stock_of(s, "HELD"), (10, 0), "10 of 20 sold")
    for number in (expired, paid, waiting, nohold):
        st, hold, _ = order_row(s, number)
        eq(st, "pending_payment", "%s awaits payment" % number)
        eq(hold, None, "pay_later sets no hold on %s" % number)
    now = int(time.time())
    for number, until in ((expired, now - 60), (paid, now - 60),
                          (waiting, now + 3600)):
        s.sql("UPDATE orders SET hold_until = ? WHERE number = ?",
              (until, number))
    # Paid in time: the staff records the payment (which ends the hold).
    r = api(s, "POST", "/api/v1/staff/orders/%s/transitions" % paid,
            {"to": "paid", "note": "bank transfer"})
    eq(r.status, 200, "staff marks %s paid: %r" % (paid, r))
    eq(order_row(s, paid)[:2], ("paid", None), "paid, no hold left")
    # A paid order whose hold_until was left behind: still not the job's.
    s.sql("UPDATE orders SET hold_until = ? WHERE number = ?",
          (now - 60, paid))

    rc, out, err = souk(ctx, s, "job", "run", "orders.holds", "--site",
                        "demo")
    eq(rc, 0, "souk job run orders.holds: %s %s" % (out, err))
    st, _, cancelled_at = order_row(s, expired)
    eq(st, "cancelled", "the expired hold is cancelled")
    check(cancelled_at is not None, "cancelled_at is set")
    moves = s.sql("SELECT kind, delta_on_hand FROM catalog_stock_moves "
                  "WHERE ref = ? ORDER BY id", (expired,))
    eq([(k, int(d)) for k, d in moves], [("sale", -2), ("release", 2)],
       "sold, then released")
    eq(count(s, "order_allocations a JOIN order_lines l ON l.id = "
             "a.line_id JOIN orders o ON o.id = l.order_id",
             "o.number = ?", (expired,)), 0, "nothing allocated any more")
    eq(stock_of(s, "HELD"), (12, 0), "its 2 units are back")
    eq(order_row(s, paid)[0], "paid", "the order paid in time stays paid")
    eq(order_row(s, waiting)[0], "pending_payment",
       "the order still inside its hold waits")
    eq(order_row(s, nohold)[0], "pending_payment",
       "the order without a hold waits")
    eq(count(s, "catalog_stock_moves", "kind = 'release'"), 1,
       "one release move")

    before = snapshot(s)
    rc, out, err = souk(ctx, s, "job", "run", "orders.holds", "--site",
                        "demo")
    eq(rc, 0, "second run: %s %s" % (out, err))
    eq(snapshot(s), before, "a second run changes nothing")
    eq(stock_of(s, "HELD"), (12, 0), "stock as it was")
    # The released units sell again.
    place(s, "HELD", 12, 5)
    eq(stock_of(s, "HELD"), (0, 0), "all sold")
    assert_integrity(s)


def test_holds_job_other_site_untouched(ctx):
    """The job run for demo leaves an expired order of bazaar (same
    group, same database) alone."""
    s = race_stack(ctx, workers=2)
    make_product(s, "held2", "Held two", 3000, stock=5)
    number = place(s, "HELD2", 1, 1)
    s.sql("UPDATE orders SET hold_until = ?, site_id = 'bazaar' WHERE "
          "number = ?", (int(time.time()) - 60, number))
    rc, out, err = souk(ctx, s, "job", "run", "orders.holds", "--site",
                        "demo")
    eq(rc, 0, "souk job run: %s %s" % (out, err))
    eq(order_row(s, number)[0], "pending_payment",
       "another site's order is not demo's job")
    eq(count(s, "catalog_stock_moves", "kind = 'release'"), 0,
       "nothing released")

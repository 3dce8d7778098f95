"""soukd workers killed with SIGKILL in the middle of a stream of
checkouts, on the run's database engine: many guests each fill a cart
and check out with an Idempotency-Key, retrying the same key after a
connection error or a 502, while another thread kills a worker every few
hundred milliseconds. Afterwards the database must be whole: every order
has its lines, allocations and sale moves; no stock move lacks its order;
no key made two orders; every SKU's on-hand is its initial stock less what
was sold; every key a buyer was answered for names the order the database
has for it; the master restarted the workers and the shop still sells."""

import os
import random
import signal
import threading
import time
import uuid

from harness import check, eq, slow, wait_for
from test_orders_race import Buyer, assert_integrity, count, race_stack, \
    stock_of, variant_id
from catalog_kit import make_product

USES_DB = True

SKUS = [("crash-a", 700), ("crash-b", 1500), ("crash-c", 2300)]
STOCK = 100000           # never runs out: a 409 is then a bug
STREAM_SECONDS = 12.0
BUYERS = 12              # threads, each placing order after order
KILL_EVERY = (0.25, 0.6)
RETRY_GIVE_UP = 60.0     # seconds one request may keep failing


def workers(s):
    """The master's children that serve requests (not the jobs or mail
    delivery processes)."""
    out = []
    for pid in s.worker_pids():
        try:
            with open("/proc/%d/comm" % pid) as f:
                comm = f.read().strip()
        except OSError:
            continue
        if comm == "soukd":
            out.append(pid)
    return out


def transient(a):
    """An answer worth retrying with the same key: no answer at all, or the
    proxy's word that the worker went away."""
    return a.status is None or a.status in (502, 503, 504)


def retrying(fn, what, log, errors):
    """fn() until it gives a real answer; (answer, attempts). A 500 is
    retried as a buyer would (the same key), and kept in errors: it is a
    fault of its own, reported after the integrity checks."""
    t0 = time.time()
    tries = 0
    while True:
        tries += 1
        a = fn()
        if a.status == 500:
            errors.append("%s: %r" % (what, a))
        elif not transient(a):
            return a, tries
        else:
            log.append("%s: %r" % (what, a))
        if time.time() - t0 > RETRY_GIVE_UP:
            return a, tries
        time.sleep(0.05)


class Stream:
    """The buyers' side: which key got which answer."""

    def __init__(self, s):
        self.s = s
        self.stop = threading.Event()
        self.lock = threading.Lock()
        self.placed = {}         # key -> (status, number, attempts)
        self.refused = []        # (key, answer) a checkout said no to
        self.unanswered = []     # keys still failing after RETRY_GIVE_UP
        self.add_failed = []
        self.transients = []
        self.server_errors = []  # 500s (retried)

    def new_buyer(self, n):
        """A guest with a session, retried while workers die; None after
        RETRY_GIVE_UP."""
        t0 = time.time()
        while time.time() - t0 < RETRY_GIVE_UP:
            try:
                return Buyer(self.s, n=n)
            except Exception as e:        # a lost answer, a 502
                self.transients.append("new buyer: %s" % e)
                time.sleep(0.05)
        self.add_failed.append("no session in %d s" % RETRY_GIVE_UP)
        return None

    def buyer(self, n):
        rnd = random.Random(n)
        i = 0
        while not self.stop.is_set():
            i += 1
            b = self.new_buyer(n)
            if b is None:
                continue
            want = {}
            for sku, _ in rnd.sample(SKUS, rnd.randint(1, 2)):
                qty = rnd.randint(1, 3)
                a, _ = retrying(lambda: b.add(sku.upper(), qty),
                                "add", self.transients,
                                self.server_errors)
                if a.status != 201:
                    self.add_failed.append("%s: %r" % (sku, a))
                    continue
            # What the cart holds now (an add retried after a lost answer
            # may have landed twice): the order must be exactly this.
            a, _ = retrying(lambda: b.call("GET", "/api/v1/cart"), "cart",
                            self.transients, self.server_errors)
            if a.status != 200:
                self.add_failed.append("cart: %r" % a)
                continue
            for line in a.body["cart"]["lines"]:
                want[line["sku"]] = int(line["quantity"])
            if not want:
                continue
            key = "crash-%d-%d-%s" % (n, i, uuid.uuid4().hex[:6])
            a, tries = retrying(lambda: b.checkout(key, timeout=20),
                                "checkout", self.transients,
                                self.server_errors)
            with self.lock:
                if a.status in (200, 201):
                    self.placed[key] = (a.status, a.number(), tries, want)
                elif transient(a) or a.status == 500:
                    self.unanswered.append(key)
                else:
                    self.refused.append((key, a))


def killer(s, stop, kills, log):
    rnd = random.Random(7)
    while not stop.wait(rnd.uniform(*KILL_EVERY)):
        pids = workers(s)
        if not pids:
            continue
        pid = rnd.choice(pids)
        try:
            os.kill(pid, signal.SIGKILL)
            kills.append(pid)
        except ProcessLookupError:
            log.append("worker %d was gone already" % pid)


@slow
def test_sigkill_workers_during_checkouts(ctx):
    s = race_stack(ctx, workers=4)
    for slug, price in SKUS:
        make_product(s, slug, slug.title(), price, stock=STOCK)
    initial = {slug.upper(): stock_of(s, slug.upper())[0]
               for slug, _ in SKUS}
    eq(set(initial.values()), {STOCK}, "initial stock")

    st = Stream(s)
    stop_kill = threading.Event()
    kills, klog = [], []
    ts = [threading.Thread(target=st.buyer, args=(n,))
          for n in range(BUYERS)]
    k = threading.Thread(target=killer, args=(s, stop_kill, kills, klog))
    for t in ts:
        t.start()
    time.sleep(1.0)                 # a few orders before the first kill
    k.start()
    time.sleep(STREAM_SECONDS)
    stop_kill.set()
    k.join(10)
    st.stop.set()
    for t in ts:
        t.join(RETRY_GIVE_UP + 60)
    check(not any(t.is_alive() for t in ts), "every buyer finished")

    # The master is alive, back to 4 workers, and the shop answers.
    check(s.soukd_alive(), "the soukd master survived %d kills" % len(kills))
    wait_for(lambda: len(workers(s)) == 4, "four workers again", 15,
             s.soukd_alive)
    check(len(kills) >= 10, "workers were killed (%d)" % len(kills))
    b = Buyer(s, n=999)
    a = b.add("CRASH-A", 1)
    eq(a.status, 201, "the shop still adds to carts: %r" % a)
    key = "after-" + uuid.uuid4().hex
    a = b.checkout(key)
    eq(a.status, 201, "and still places orders: %r" % a)
    st.placed[key] = (201, a.number(), 1, {"CRASH-A": 1})

    check(not st.add_failed, "with stock to spare every add and cart read "
          "answers: %r" % st.add_failed[:5])
    check(not st.unanswered, "checkouts that never got an answer in %d s: "
          "%r" % (RETRY_GIVE_UP, st.unanswered[:5]))
    check(not st.refused, "with stock to spare no checkout may be refused "
          "(a retried key must replay its order): %r" % st.refused[:5])
    check(len(st.placed) >= 20, "a stream of orders (%d placed, %d "
          "transient failures retried)" % (len(st.placed),
                                           len(st.transients)))

    assert_integrity(s)

    # Every answered key names the order the database has for it, with
    # exactly the cart that was sent.
    rows = s.sql("SELECT k.idem_key, o.number FROM order_idempotency k "
                 "JOIN orders o ON o.id = k.order_id")
    db_keys = {r[0]: r[1] for r in rows}
    numbers = {}
    for key, (status, number, tries, want) in st.placed.items():
        eq(db_keys.get(key), number, "key %s (answered %d after %d tries) "
           "names its order" % (key, status, tries))
        numbers[number] = want
    eq(len(set(numbers)), len(numbers), "no two keys share an order")
    extra = set(db_keys) - set(st.placed)
    check(not extra, "orders whose key no buyer was answered for: %r"
          % sorted(extra)[:5])
    eq(count(s, "orders"), len(st.placed), "one order per answered key")
    for number, want in list(numbers.items())[:400]:
        got = dict((sku, int(q)) for sku, q in s.sql(
            "SELECT l.sku, SUM(l.quantity) FROM order_lines l JOIN orders o "
            "ON o.id = l.order_id WHERE o.number = ? GROUP BY l.sku",
            (number,)))
        eq(got, want, "order %s has the cart's lines" % number)

    # Stock: initial less what was sold, per SKU.
    for sku, start in initial.items():
        sold = int(s.sql("SELECT COALESCE(SUM(l.quantity), 0) FROM "
                         "order_lines l JOIN orders o ON o.id = l.order_id "
                         "WHERE l.variant_id = ? AND o.status <> "
                         "'cancelled'", (variant_id(s, sku),))[0][0])
        eq(stock_of(s, sku), (start - sold, 0),
           "%s: %d - %d sold" % (sku, start, sold))
        moved = int(s.sql("SELECT COALESCE(SUM(delta_on_hand), 0) FROM "
                          "catalog_stock_moves WHERE variant_id = ?",
                          (variant_id(s, sku),))[0][0])
        eq(moved, start - sold, "%s: the moves add up to on hand" % sku)
    print("# %d orders, %d kills, %d transient failures retried"
          % (len(st.placed), len(kills), len(st.transients)))
    check(not st.server_errors, "no answer 500 (%d, retried): %s"
          % (len(st.server_errors), "\n  ".join(st.server_errors[:5])))

"""Shared set-up for the payments suites (not a test file).

    from pay_kit import pay_stack, sign, webhook, buy

pay_stack(ctx) is shop_kit's stack with the payments and stripe plugins on
for every site, nginx also on a TCP port (s.url: "http://127.0.0.1:PORT"),
and the Stripe stand-in (tests/standins/stripe_standin.py) running with one
account per site: secret key SECRET[site], webhook signing secret
WHSEC[site], its webhooks sent to /webhooks/payments/card with the site's
host. s.standin talks to the stand-in's control API."""

import hashlib
import hmac
import html
import json
import os
import re
import subprocess
import sys
import time
import urllib.request

from harness import eq, check, wait_for, free_port

from catalog_kit import api, make_product, add_user, staff_token
from shop_kit import shop_stack

HERE = os.path.dirname(os.path.abspath(__file__))
STANDIN = os.path.join(HERE, "..", "standins", "stripe_standin.py")

SITES = {"demo": "localhost", "bazaar": "bazaar.test", "other": "other.test"}
SECRET = {k: "sk_test_%s_4eC39HqLyjWDarjtT1zdp7dc" % k for k in SITES}
WHSEC = {k: "whsec_%s_Jb2Nq8sXk3lY0pTq" % k for k in SITES}
CARD_OK = "4242424242424242"
CARD_DECLINED = "4000000000000002"
DE = {"name": "Erika Muster", "line1": "Hauptstr. 1", "city": "Berlin",
      "postcode": "10115", "country": "DE"}
BANK = {"payments.bank_transfer.iban": "DE89370400440532013000",
        "payments.bank_transfer.bic": "COBADEFFXXX",
        "payments.bank_transfer.holder": "Demo Shop GmbH"}


class StandIn:
    """The stand-in's control API (not Stripe's: /_standin/...)."""

    def __init__(self, proc, url):
        self.proc = proc
        self.url = url

    def call(self, method, path, obj=None):
        data = json.dumps(obj).encode() if obj is not None else None
        req = urllib.request.Request(self.url + path, data=data,
                                     method=method,
                                     headers={"Content-Type":
                                              "application/json"})
        with urllib.request.urlopen(req, timeout=30) as f:
            body = f.read()
        return json.loads(body) if body else None

    def account(self, secret_key, webhook_url, webhook_secret, host):
        return self.call("POST", "/_standin/accounts", {
            "secret_key": secret_key, "webhook_url": webhook_url,
            "webhook_secret": webhook_secret, "webhook_host": host})

    def requests(self):
        """The Stripe API calls received, oldest first: [{"method",
        "path", "form", "headers"}] (Authorization shown as "Bearer sk_…"
        only to say which account)."""
        return self.call("GET", "/_standin/requests")

    def pay(self, session_id, card=CARD_OK):
        """Pays a session as its hosted page's form would: {"status",
        "redirect"} (the success URL the shopper would be sent to)."""
        return self.call("POST", "/_standin/sessions/%s/pay" % session_id,
                         {"card": card})

    def fail(self, path_prefix, count, status=500):
        """The next count API calls under path_prefix answer status."""
        return self.call("POST", "/_standin/fail", {
            "path_prefix": path_prefix, "count": count, "status": status})


def start_standin(ctx, s):
    port_file = os.path.join(s.T, "standin.port")
    log = open(os.path.join(s.T, "standin.log"), "ab")
    proc = subprocess.Popen([sys.executable, STANDIN, "--port-file",
                             port_file], stdin=subprocess.DEVNULL,
                            stdout=log, stderr=log)
    log.close()
    s.procs.append(proc)
    wait_for(lambda: os.path.exists(port_file)
             and open(port_file).read().strip() != "",
             "the Stripe stand-in is listening",
             alive=lambda: proc.poll() is None)
    port = int(open(port_file).read().strip())
    return StandIn(proc, "http://127.0.0.1:%d" % port)


def pay_stack(ctx, settings=None, start=True, workers=1, jobs=True,
              site_settings=None, standin=True):
    """The stack above. settings/site_settings as for shop_stack; the
    stripe and bank settings below are the defaults they override."""
    port = free_port()
    sin = None
    base = dict(BANK)
    base.update(settings or {})
    per = {}
    for sid in SITES:
        per[sid] = {"stripe.secret_key": SECRET[sid],
                    "stripe.webhook_secret": WHSEC[sid]}
        if sid == "demo":
            # The gateway sends demo's buyers back to nginx's TCP port;
            # the other sites' return links use the request's Host.
            per[sid]["payments.base_url"] = "http://127.0.0.1:%d" % port
        per[sid].update((site_settings or {}).get(sid, {}))
    s = shop_stack(ctx, settings=base, start=False,
                   extra_plugins=("payments", "stripe"), workers=workers,
                   jobs=jobs, site_settings=per, tcp_port=port)
    s.url = "http://127.0.0.1:%d" % port
    s.standin = None
    if standin:
        sin = start_standin(ctx, s)
        s.standin = sin
        _set_api_base(s, sin.url)
    if not start:
        return s
    s.start_soukd()
    s.start_nginx(tcp_port=port)
    add_user(ctx, s, "admin@example.test", "admin")
    s.token = staff_token(s, "admin@example.test")
    if sin is not None:
        for sid, host in SITES.items():
            sin.account(SECRET[sid], s.url + "/webhooks/payments/card",
                        WHSEC[sid], host)
    return s


def _set_api_base(s, url):
    """stripe.api_base in [settings]: every site talks to the stand-in."""
    with open(s.conf) as f:
        text = f.read()
    text = text.replace("[settings]\n", "[settings]\nstripe.api_base = %s\n"
                        % url, 1)
    with open(s.conf, "w") as f:
        f.write(text)


def sign(secret, body, t=None):
    """A Stripe-Signature header for body (bytes) at time t."""
    t = int(time.time()) if t is None else int(t)
    mac = hmac.new(secret.encode(), b"%d." % t + body,
                   hashlib.sha256).hexdigest()
    return "t=%d,v1=%s" % (t, mac)


def event(evt_id, etype, obj, created=None):
    """A Stripe event around a data.object."""
    return {"id": evt_id, "object": "event", "api_version": "2024-06-20",
            "created": int(time.time()) if created is None else created,
            "livemode": False, "pending_webhooks": 1, "type": etype,
            "data": {"object": obj}}


def webhook(s, obj, site="demo", secret=None, t=None, sig=None,
            method="card"):
    """Posts an event through nginx as Stripe would: signed with the
    site's (or secret's) key unless sig is given."""
    body = json.dumps(obj).encode()
    if sig is None:
        sig = sign(secret or WHSEC[site], body, t)
    return s.http("POST", "/webhooks/payments/%s" % method, body=body,
                  host=SITES[site],
                  headers={"Content-Type": "application/json",
                           "Stripe-Signature": sig})


def product(s, slug, price, stock=50, host="localhost", token=None):
    sku = slug.upper()
    make_product(s, slug, slug.replace("-", " ").title(), price, sku=sku,
                 stock=stock, host=host, token=token,
                 extra={"variants": [{"sku": sku, "prices": [
                     {"currency": "EUR", "amount": price}]}]})
    return sku


def buy(ctx, s, sku, payment, email="buyer@example.test", qty=1,
        host="localhost", key=None, token=None):
    """A customer (made once) buys qty of sku with payment through the
    API: the 201 body (number, total, status, redirect for off-site)."""
    if token is None:
        rows = s.sql("SELECT COUNT(*) FROM souk_users WHERE email = ?",
                     (email,))
        if rows[0][0] == "0":
            add_user(ctx, s, email, "customer")
        token = staff_token(s, email, host=host)
    r = api(s, "POST", "/api/v1/cart/items", {"sku": sku, "quantity": qty},
            token=token, host=host)
    eq(r.status, 201, "add to cart: %r" % r)
    body = json.dumps({"address": DE, "payment": payment}).encode()
    r = s.http("POST", "/api/v1/checkout", body=body, host=host,
               headers={"Accept": "application/json",
                        "Authorization": "Bearer " + token,
                        "Content-Type": "application/json",
                        "Idempotency-Key": key or os.urandom(8).hex()})
    eq(r.status, 201, "placed with %s: %s" % (payment, r.text()[:400]))
    return r.json()


def continue_url(r):
    """Where a form post that starts a payment sends the browser: the
    Location of a 303, or the link of the 200 "Continue to payment" page
    (souk_redirect_offsite, for a hosted page on another origin)."""
    if r.status == 303:
        return r.header("location")
    eq(r.status, 200, "a redirect or the continue page: %r" % r)
    m = re.search(r'<a id="continue" href="([^"]+)"', r.text())
    check(m is not None, "the continue page has its link: %s"
          % r.text()[:300])
    check('http-equiv="refresh"' in r.text(), "and refreshes to it")
    return html.unescape(m.group(1))


def payments_of(s, number):
    """(id, method, state, amount, captured, refunded, provider_ref) of
    the order's payments, oldest first."""
    return s.sql("SELECT id, method, state, amount, captured, refunded, "
                 "provider_ref FROM payments WHERE order_number = ? "
                 "ORDER BY id", (number,))


def order_row(s, number):
    """(status, total, paid_amount) of the order."""
    return s.sql("SELECT status, total, paid_amount FROM orders WHERE "
                 "number = ?", (number,))[0]

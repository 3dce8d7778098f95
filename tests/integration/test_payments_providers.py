"""The payment provider registry (souk/payment.h): one plugin per method.
A second plugin claiming a method another serves is refused at load and
says why; a plugin registering a free method offers it at checkout on the
sites it is on, and only there."""

import re

from harness import check, eq, read_file

from catalog_kit import api, souk, make_product, add_user, staff_token
from pay_kit import pay_stack, DE

USES_DB = True


def _with_testkit(s, method, sites=("demo",)):
    """testkit loaded last, claiming method, on for sites."""
    with open(s.conf) as f:
        text = f.read()
    text = text.replace("[settings]\n", "[settings]\ntestkit_pay = %s\n"
                        % method, 1)
    text, n = re.subn(r"(?m)^(plugins = .*payments stripe)$",
                      r"\1 testkit", text, count=1)
    eq(n, 1, "the [server] plugins line")
    for sid in sites:
        text, n = re.subn(r"(\[site:%s\]\nhosts = [^\n]*\nplugins = [^\n]*)"
                          % sid, r"\1 testkit", text, count=1)
        eq(n, 1, "site %s's plugins line" % sid)
    with open(s.conf, "w") as f:
        f.write(text)


def _methods(s, host="localhost"):
    """The payment codes checkout offers a customer of host's site."""
    r = api(s, "POST", "/api/v1/cart/items", {"sku": "LAMP",
                                               "quantity": 1}, host=host)
    eq(r.status, 201, "add to cart on %s: %r" % (host, r))
    r = api(s, "POST", "/api/v1/checkout/quote", {"address": DE}, host=host)
    eq(r.status, 200, "quote on %s: %r" % (host, r))
    return [m["code"] for m in r["quote"]["payment_options"]]


def test_second_claimant_refused(ctx):
    """testkit claiming "card", which stripe already serves: refused at
    load, the refusal names the method and the plugin that has it."""
    s = pay_stack(ctx, start=False, standin=False)
    _with_testkit(s, "card")
    code, out, err = souk(ctx, s, "plugins")
    text = out + err
    check(re.search(r'testkit.*payment method "card" is already served by '
                    r'plugin stripe', text),
          "souk plugins says testkit is refused for card: %s" % text[-800:])


def test_free_method_offered_where_on(ctx):
    """testkit claiming a free method: offered at checkout on demo (testkit
    on) beside stripe's card and payments' own methods, not on bazaar."""
    s = pay_stack(ctx, start=False, standin=False)
    _with_testkit(s, "testkit_cash", sites=("demo",))
    s.start_soukd()
    s.start_nginx(tcp_port=int(s.url.rsplit(":", 1)[1]))
    add_user(ctx, s, "admin@example.test", "admin")
    s.token = staff_token(s, "admin@example.test")
    make_product(s, "lamp", "Lamp", 2500, sku="LAMP", stock=50,
                 extra={"sites": ["demo", "bazaar"], "variants": [
                     {"sku": "LAMP", "prices": [{"currency": "EUR",
                                                 "amount": 2500}]}]})
    demo = _methods(s)
    for code in ("card", "cod", "bank_transfer", "testkit_cash"):
        check(code in demo, "demo offers %s: %r" % (code, demo))
    bazaar = _methods(s, host="bazaar.test")
    check("card" in bazaar and "testkit_cash" not in bazaar,
          "bazaar (testkit off) offers card, not testkit_cash: %r" % bazaar)
    log = read_file(s.error_log)
    check("testkit" not in log or "refus" not in log,
          "no refusal logged: %s" % log[-500:])

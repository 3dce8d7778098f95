"""The browser half of the card payment tests: the shop with payments and
stripe behind nginx (unix socket and a TCP port), the Stripe stand-in,
one product, and pay_card.js driving chromium from the product page
through checkout (Card), the stand-in's hosted page, the return page and
the order page.

run.py calls run_pay_card(paths, tap, shots, theme_conf, keep); alone:
    python3 tests/browser/pay_card_flow.py --build DIR"""

import json
import os
import shutil
import subprocess
import sys
import urllib.parse

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "integration"))

import harness  # noqa: E402
import pay_kit  # noqa: E402
from catalog_kit import add_user, staff_token  # noqa: E402
from test_themes import serve_themes_from  # noqa: E402


class _Ctx:
    """What pay_kit needs of a test context: the build's paths and
    stack()."""

    def __init__(self, paths):
        self.paths = paths
        self.stacks = []

    def stack(self, start=True, share_db=None, **conf):
        s = harness.Stack(self.paths, "browser-pay-card", share_db=share_db)
        self.stacks.append(s)
        s.write_conf(**conf)
        return s


def _plan(s, shots):
    price = 2790
    pay_kit.product(s, "card-teapot", price)
    return {"socket": s.http_sock, "shots": shots,
            "site": urllib.parse.urlsplit(s.url).netloc,
            "standin": urllib.parse.urlsplit(s.standin.url).netloc,
            "product": "card-teapot", "name": "Card Teapot",
            "email": "guest@example.test", "card": pay_kit.CARD_OK,
            "declined": pay_kit.CARD_DECLINED, "address": pay_kit.DE}


def _stack(ctx, theme_conf):
    """pay_kit's stack, its nginx serving the themes from the source tree
    (pay_stack itself cannot: it starts nginx before one could)."""
    s = pay_kit.pay_stack(ctx, start=False)
    serve_themes_from(s, theme_conf["theme_dir"])
    s.start_soukd()
    s.start_nginx(tcp_port=urllib.parse.urlsplit(s.url).port)
    add_user(ctx, s, "admin@example.test", "admin")
    s.token = staff_token(s, "admin@example.test")
    for sid, host in pay_kit.SITES.items():
        s.standin.account(pay_kit.SECRET[sid],
                          s.url + "/webhooks/payments/card",
                          pay_kit.WHSEC[sid], host)
    return s


def run_pay_card(paths, tap, shots_root, theme_conf, keep):
    ctx = _Ctx(paths)
    s = None
    try:
        if paths.db_problem() is not None or not paths.db_section():
            tap.line(True, "pay card # SKIP soukd has no database yet")
            return
        s = _stack(ctx, theme_conf)
        plan = _plan(s, shots_root or os.path.join(s.T, "shots"))
        path = os.path.join(s.T, "plan-pay-card.json")
        with open(path, "w") as f:
            json.dump(plan, f)
        home = os.path.join(s.T, "home")
        os.makedirs(home, exist_ok=True)
        p = subprocess.run(["node", os.path.join(HERE, "pay_card.js"), path],
                           capture_output=True, timeout=300,
                           env=dict(os.environ, HOME=home, TMPDIR=s.T))
        out = p.stdout.decode("utf-8", "replace")
        tap.relay("pay card", out)
        if p.returncode != 0 and "not ok" not in out:
            tap.line(False, "pay card: pay_card.js exit status %d"
                     % p.returncode, p.stderr.decode("utf-8",
                                                     "replace")[-2000:])
        if p.returncode != 0:
            for line in s.dump().splitlines():
                print("#   " + line)
    except Exception as e:  # noqa: BLE001 - report, then dump the logs
        tap.line(False, "pay card: browser stack ran", "%s: %s\n%s"
                 % (type(e).__name__, e, s.dump() if s else ""))
    finally:
        for st in ctx.stacks:
            st.cleanup(keep=True)
            rep = st.sanitizer_report()
            if rep:
                tap.line(False, "pay card: no sanitizer report in soukd's "
                         "logs", rep)
            if not keep:
                st.remove()


if __name__ == "__main__":
    import argparse

    sys.path.insert(0, HERE)
    import run  # noqa: E402 - its Tap and theme settings

    ap = argparse.ArgumentParser()
    ap.add_argument("--build", required=True)
    ap.add_argument("--prefix")
    ap.add_argument("--shots")
    ap.add_argument("--keep", action="store_true")
    a = ap.parse_args()
    t = run.Tap()
    run_pay_card(harness.Paths(a.build, a.prefix), t, a.shots,
                 run.theme_conf(), a.keep)
    print("1..%d" % t.n)
    print("# %d passed, %d failed" % (t.n - t.failed, t.failed))
    sys.exit(0 if t.failed == 0 else 1)

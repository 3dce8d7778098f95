"""The browser half of the checkout tests: one soukd with the catalog,
cart and orders behind nginx, a product, a flat shipping method and a tax
rule seeded through the staff API, and checkout.js driving chromium from
the product page through the cart and the checkout to the order page.

run.py calls run_checkout(paths, tap, shots, theme_conf, keep); alone:
    python3 tests/browser/checkout_flow.py --build DIR"""

import json
import os
import shutil
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "integration"))

import catalog_kit  # noqa: E402
import harness  # noqa: E402
from test_themes import serve_themes_from  # noqa: E402

PLUGINS = "hello accounts admin catalog cart orders"


class _Ctx:
    """What catalog_kit needs of a test context: the build's paths."""

    def __init__(self, paths):
        self.paths = paths


def seed(ctx, stack):
    catalog_kit.add_user(ctx, stack, catalog_kit.ADMIN_EMAIL, "admin")
    stack.token = catalog_kit.staff_token(stack, catalog_kit.ADMIN_EMAIL)
    catalog_kit.make_product(stack, "teapot", "Teapot", 2400, sku="TEA-1",
                             stock=5)
    for path, doc in (("/api/v1/shipping-methods",
                       {"code": "post", "name": "Parcel post",
                        "kind": "flat", "price": 390}),
                      ("/api/v1/tax-rules",
                       {"country": "DE", "name": "MwSt", "rate_bp": 1900})):
        r = catalog_kit.api(stack, "POST", path, doc)
        harness.eq(r.status, 201, "%s: %r" % (path, r))


def run_checkout(paths, tap, shots_root, theme_conf, keep):
    stack = harness.Stack(paths, "browser-checkout")
    try:
        if stack.db is None or not paths.db_section():
            tap.line(True, "checkout # SKIP soukd has no database yet")
            return
        for so in ("accounts", "admin", "catalog", "cart", "orders"):
            os.symlink(os.path.join(paths.build, "plugins", so + ".so"),
                       os.path.join(stack.plugin_dir, so + ".so"))
        extra = dict(theme_conf)
        extra["plugin_data_dir"] = os.path.join(harness.SRCDIR, "plugins")
        stack.write_conf(plugins=PLUGINS, server_extra=extra,
                         sites=[("demo", "demo.test localhost", PLUGINS,
                                 {"group": "shops"})])
        serve_themes_from(stack, extra["theme_dir"])
        stack.start_soukd()
        stack.start_nginx()
        seed(_Ctx(paths), stack)
        plan = {"socket": stack.http_sock,
                "shots": shots_root or os.path.join(stack.T, "shots"),
                "site": "demo.test", "product": "teapot", "name": "Teapot",
                "total": "\u20ac27.90", "email": "guest@example.test",
                "address": {"name": "Erika Muster", "line1": "Hauptstr. 1",
                            "city": "Berlin", "postcode": "10115",
                            "country": "DE"}}
        path = os.path.join(stack.T, "plan-checkout.json")
        with open(path, "w") as f:
            json.dump(plan, f)
        home = os.path.join(stack.T, "home")
        os.makedirs(home, exist_ok=True)
        p = subprocess.run(["node", os.path.join(HERE, "checkout.js"), path],
                           capture_output=True, timeout=300,
                           env=dict(os.environ, HOME=home, TMPDIR=stack.T))
        out = p.stdout.decode("utf-8", "replace")
        tap.relay("checkout", out)
        if p.returncode != 0 and "not ok" not in out:
            tap.line(False, "checkout: checkout.js exit status %d"
                     % p.returncode, p.stderr.decode("utf-8",
                                                     "replace")[-2000:])
        if p.returncode != 0:
            for line in stack.dump().splitlines():
                print("#   " + line)
    except Exception as e:  # noqa: BLE001 - report, then dump the logs
        tap.line(False, "checkout: browser stack ran", "%s: %s\n%s"
                 % (type(e).__name__, e, stack.dump()))
    finally:
        stack.cleanup(keep=True)
        rep = stack.sanitizer_report()
        if rep:
            tap.line(False, "checkout: no sanitizer report in soukd's logs",
                     rep)
        if not keep:
            shutil.rmtree(stack.T, ignore_errors=True)


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
    run_checkout(harness.Paths(a.build, a.prefix), t, a.shots,
                 run.theme_conf(), a.keep)
    print("1..%d" % t.n)
    print("# %d passed, %d failed" % (t.n - t.failed, t.failed))
    sys.exit(0 if t.failed == 0 else 1)

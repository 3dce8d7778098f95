"""The browser half of the catalog's storefront tests: one soukd with the
catalog behind nginx, a product with two variants seeded through the
staff API (tests/integration/catalog_kit.py), and catalog.js driving
chromium through choosing a variant and adding it to the comparison.

run.py calls run_catalog(paths, tap, shots, theme_conf, keep); alone:
    python3 tests/browser/catalog_flow.py --build DIR"""

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

PLUGINS = "hello accounts admin catalog"


class _Ctx:
    """What catalog_kit needs of a test context: the build's paths."""

    def __init__(self, paths):
        self.paths = paths


def seed(ctx, stack):
    catalog_kit.add_user(ctx, stack, catalog_kit.ADMIN_EMAIL, "admin")
    stack.token = catalog_kit.staff_token(stack, catalog_kit.ADMIN_EMAIL)
    catalog_kit.make_product(stack, "jumper", "Wool jumper", 4900, sku="J-S",
                             stock=3, extra={
        "attributes": {"material": ["wool"]},
        "variants": [{"sku": "J-S", "options": {"Size": "S"},
                      "prices": [{"currency": "EUR", "amount": 4900}]},
                     {"sku": "J-M", "options": {"Size": "M"},
                      "prices": [{"currency": "EUR", "amount": 5200}]}]})


def run_catalog(paths, tap, shots_root, theme_conf, keep):
    stack = harness.Stack(paths, "browser-catalog")
    try:
        if stack.db is None or not paths.db_section():
            tap.line(True, "catalog # SKIP soukd has no database yet")
            return
        for so in ("accounts", "admin", "catalog"):
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
                "site": "demo.test", "product": "jumper",
                "name": "Wool jumper", "sku": "J-M", "price": "€52.00"}
        path = os.path.join(stack.T, "plan-catalog.json")
        with open(path, "w") as f:
            json.dump(plan, f)
        home = os.path.join(stack.T, "home")
        os.makedirs(home, exist_ok=True)
        p = subprocess.run(["node", os.path.join(HERE, "catalog.js"), path],
                           capture_output=True, timeout=300,
                           env=dict(os.environ, HOME=home, TMPDIR=stack.T))
        out = p.stdout.decode("utf-8", "replace")
        tap.relay("catalog", out)
        if p.returncode != 0 and "not ok" not in out:
            tap.line(False, "catalog: catalog.js exit status %d"
                     % p.returncode, p.stderr.decode("utf-8",
                                                     "replace")[-2000:])
        if p.returncode != 0:
            for line in stack.dump().splitlines():
                print("#   " + line)
    except Exception as e:  # noqa: BLE001 - report, then dump the logs
        tap.line(False, "catalog: browser stack ran", "%s: %s\n%s"
                 % (type(e).__name__, e, stack.dump()))
    finally:
        stack.cleanup(keep=True)
        rep = stack.sanitizer_report()
        if rep:
            tap.line(False, "catalog: no sanitizer report in soukd's logs",
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
    run_catalog(harness.Paths(a.build, a.prefix), t, a.shots,
                run.theme_conf(), a.keep)
    print("1..%d" % t.n)
    print("# %d passed, %d failed" % (t.n - t.failed, t.failed))
    sys.exit(0 if t.failed == 0 else 1)

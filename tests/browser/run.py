#!/usr/bin/env python3
"""Browser tests: two sites of one soukd, behind nginx, each seen in both
themes (base and its child saffron) by Debian's chromium through
playwright-core (pages.js). Prints TAP and a final "# N passed, M failed".

    run.py --build DIR [--prefix DIR] [--shots DIR] [--keep]

--build/--prefix as for tests/integration/run.py. --shots DIR keeps the
screenshots there (default: the test's temp dir, removed at the end unless
--keep). Needs node, /usr/bin/chromium and node_modules/playwright-core
(tests/browser/run installs it with npm ci).
"""

import argparse
import json
import os
import re
import shutil
import subprocess
import sys

sys.dont_write_bytecode = True
HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "integration"))

import harness  # noqa: E402
from test_themes import serve_themes_from  # noqa: E402
import admin_flow  # noqa: E402
import catalog_flow  # noqa: E402
import checkout_flow  # noqa: E402
import pay_card_flow  # noqa: E402

SRCDIR = harness.SRCDIR
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")

# Shown as text, never run: an attribute break-out, a tag and quotes.
HOSTILE_TAGLINE = "\"><img src=x onerror=window.__pwned=1>&amp; 'q'"
HOSTILE_QUERY = "\"><script>window.__pwned=1</script><b id=pwned>x</b>"
ACCENT = "#1d6b3a"
ACCENT_RGB = "rgb(29, 107, 58)"


def sites(demo_theme, bazaar_theme):
    """Two sites; demo in English with hostile and colour settings, bazaar
    in German with an announcement."""
    return [
        ("demo", "demo.test localhost 127.0.0.1", "hello",
         {"theme": demo_theme, "shop.name": "Demo Spices",
          "theme.tagline": HOSTILE_TAGLINE, "theme.accent": ACCENT}),
        ("bazaar", "bazaar.test", "hello",
         {"theme": bazaar_theme, "shop.name": "Basar am Markt",
          "shop.locale": "de",
          "theme.announcement": "Versandkostenfrei ab 50 Euro"}),
    ]


def pages(demo_theme, bazaar_theme):
    """What each home page (and a 404 and a search) must show."""
    def marks(theme):
        if theme == "saffron":
            return {"selectors": [".hero-eyebrow", ".header-rule"],
                    "no_selectors": []}
        return {"selectors": [], "no_selectors": [".hero-eyebrow",
                                                  ".header-rule"]}
    eyebrow = {"saffron": {"en": ["Market fresh"],
                           "de": ["Frisch vom Markt"]}}
    demo = dict(name="demo-%s" % demo_theme, host="demo.test", path="/",
                status=200, lang="en", h1="Welcome to Demo Spices",
                theme=demo_theme, accent=ACCENT_RGB,
                text=["Demo Spices", HOSTILE_TAGLINE, "Powered by Souk",
                      "Served by the hello plugin"]
                + eyebrow.get(demo_theme, {}).get("en", []),
                keyboard=True, mobile=True, **marks(demo_theme))
    bazaar = dict(name="bazaar-%s" % bazaar_theme, host="bazaar.test",
                  path="/", status=200, lang="de",
                  h1="Willkommen bei Basar am Markt", theme=bazaar_theme,
                  text=["Versandkostenfrei ab 50 Euro", "Betrieben mit Souk",
                        "Im Shop suchen"]
                  + eyebrow.get(bazaar_theme, {}).get("de", []),
                  absent=["Powered by Souk"],
                  keyboard=True, mobile=True, **marks(bazaar_theme))
    out = [demo, bazaar]
    if demo_theme == "base":
        demo["csp_control"] = True
        out.append(dict(demo, name="demo-base-search",
                        path="/?q=" + quote(HOSTILE_QUERY),
                        search=HOSTILE_QUERY, keyboard=False, mobile=False,
                        csp_control=False,
                        text=["No products match", HOSTILE_QUERY]))
        out.append(dict(name="bazaar-%s-404" % bazaar_theme,
                        host="bazaar.test", path="/no-such-page", status=404,
                        lang="de", h1="Seite nicht gefunden",
                        theme=bazaar_theme,
                        text=["/no-such-page", "Zur\u00fcck zur Startseite"],
                        selectors=[".header-rule"] * (bazaar_theme
                                                      == "saffron"),
                        no_selectors=[".hero"]))
    return out


def quote(s):
    from urllib.parse import quote as q
    return q(s, safe="")


class Tap:
    def __init__(self):
        self.n = 0
        self.failed = 0

    def line(self, ok, name, why=""):
        self.n += 1
        if not ok:
            self.failed += 1
        print("%s %d - %s" % ("ok" if ok else "not ok", self.n, name))
        for w in why.splitlines():
            print("#   " + w)
        sys.stdout.flush()

    def relay(self, prefix, text):
        """Renumbers pages.js's TAP lines under a prefix."""
        for line in text.splitlines():
            m = re.match(r"^(not ok|ok) \d+ - (.*)$", line)
            if m:
                self.line(m.group(1) == "ok", "%s: %s" % (prefix, m.group(2)))
            elif line.startswith("#   "):
                print(line)


def theme_conf():
    """soukd reads the themes and the hello plugin's templates from the
    source tree."""
    return {"theme_dir": os.path.join(SRCDIR, "themes"),
            "plugin_data_dir": os.path.join(SRCDIR, "plugins")}


def run_browser(stack, tap, phase, plan_pages, shots):
    plan = {"socket": stack.http_sock, "shots": shots, "pages": plan_pages}
    path = os.path.join(stack.T, "plan-%s.json" % phase)
    with open(path, "w") as f:
        json.dump(plan, f, indent=1)
    home = os.path.join(stack.T, "home")
    os.makedirs(home, exist_ok=True)
    env = dict(os.environ, HOME=home, TMPDIR=stack.T)
    p = subprocess.run(["node", os.path.join(HERE, "pages.js"), path],
                       stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                       env=env, timeout=300)
    out = p.stdout.decode("utf-8", "replace")
    tap.relay(phase, out)
    if p.returncode != 0 and "not ok" not in out:
        tap.line(False, "%s: pages.js exit status %d" % (phase, p.returncode),
                 p.stderr.decode("utf-8", "replace")[-2000:])


def wait_theme(stack, host, marker):
    """Until the site on host serves a page containing marker (workers
    re-read souk.conf at most once a second)."""
    def served():
        r = stack.http("GET", "/", host=host)
        return r.status == 200 and marker in r.text()
    harness.wait_for(served, "%s to show %r" % (host, marker), 15,
                     stack.soukd_alive, step=0.1)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--build")
    ap.add_argument("--prefix")
    ap.add_argument("--shots")
    ap.add_argument("--keep", action="store_true")
    args = ap.parse_args()
    tap = Tap()

    paths = harness.Paths(args.build, args.prefix)
    need = [p for p in (paths.soukd, paths.hello, CHROMIUM,
                        os.path.join(HERE, "node_modules", "playwright-core"))
            if not os.path.exists(p)]
    if need or shutil.which("node") is None:
        tap.line(False, "browser test prerequisites exist",
                 "missing: %s" % ", ".join(need or ["node"]))
        print("1..%d\n# 0 passed, %d failed" % (tap.n, tap.failed))
        return 1

    stack = harness.Stack(paths, "browser")
    shots = args.shots or os.path.join(stack.T, "shots")
    ok = False
    try:
        extra = theme_conf()
        stack.write_conf(plugins="hello", sites=sites("base", "saffron"),
                         server_extra=extra)
        serve_themes_from(stack, extra["theme_dir"])
        stack.start_soukd()
        stack.start_nginx()
        wait_theme(stack, "bazaar.test", "hero-eyebrow")
        run_browser(stack, tap, "base|saffron", pages("base", "saffron"),
                    shots)

        # The same two sites, themes swapped, without a restart.
        stack.write_conf(plugins="hello", sites=sites("saffron", "base"),
                         server_extra=extra)
        wait_theme(stack, "demo.test", "hero-eyebrow")
        run_browser(stack, tap, "saffron|base", pages("saffron", "base"),
                    shots)
        ok = tap.failed == 0
    except Exception as e:  # noqa: BLE001 - report, then dump the logs
        tap.line(False, "browser stack ran", "%s: %s\n%s"
                 % (type(e).__name__, e, stack.dump()))
    finally:
        stack.cleanup(keep=True)
        rep = stack.sanitizer_report()
        if rep:
            tap.line(False, "no sanitizer report in soukd's logs", rep)
        if not ok and tap.failed and not rep:
            for line in stack.dump().splitlines():
                print("#   " + line)
        if args.keep or args.shots:
            print("# screenshots in %s" % shots)
        if not args.keep:
            shutil.rmtree(stack.T, ignore_errors=True)
    # The admin shell: a site owner turns a plugin off for one site only.
    admin_flow.run_admin(paths, tap, args.shots, theme_conf(), args.keep)
    catalog_flow.run_catalog(paths, tap, args.shots, theme_conf(), args.keep)
    checkout_flow.run_checkout(paths, tap, args.shots, theme_conf(),
                               args.keep)
    pay_card_flow.run_pay_card(paths, tap, args.shots, theme_conf(),
                               args.keep)
    print("1..%d" % tap.n)
    print("# %d passed, %d failed" % (tap.n - tap.failed, tap.failed))
    return 0 if tap.failed == 0 else 1


if __name__ == "__main__":
    sys.exit(main())

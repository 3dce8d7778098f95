"""Themes through nginx: two sites of one soukd wearing base and its child
saffron side by side; assets served by nginx with content-hashed URLs and a
year-long Cache-Control; site settings change the page; a child's override
wins and everything else falls through to base."""

import html
import os
import re
import shutil

from harness import SRCDIR, check, eq, read_file, wait_for

THEMES = os.path.join(SRCDIR, "themes")


def theme_extra(theme_dir=THEMES):
    return {"theme_dir": theme_dir,
            "plugin_data_dir": os.path.join(SRCDIR, "plugins")}


def two_sites(demo=None, bazaar=None, demo_theme="base",
              bazaar_theme="saffron"):
    d = {"theme": demo_theme, "shop.name": "Demo Spices"}
    d.update(demo or {})
    b = {"theme": bazaar_theme, "shop.name": "Basar", "shop.locale": "de"}
    b.update(bazaar or {})
    return [("demo", "localhost 127.0.0.1 demo.test", "hello", d),
            ("bazaar", "bazaar.test", "hello", b)]


def serve_themes_from(stack, theme_dir):
    """nginx's sample serves the themes from the installed data dir; point
    that path (whatever prefix it has) at theme_dir."""
    orig = stack.nginx_server_block

    def block(tcp_port=None):
        text = orig(tcp_port)
        text, n = re.subn(r"/[\w./-]*/souk/themes(?=[/;\s])", theme_dir,
                          text)
        check(n >= 1, "nginx sample names the installed themes folder "
                      "(.../souk/themes)")
        return text
    stack.nginx_server_block = block


def themed(ctx, theme_dir=THEMES, **kw):
    s = ctx.stack(start=False, plugins="hello",
                  server_extra=theme_extra(theme_dir), **kw)
    serve_themes_from(s, theme_dir)
    s.start_soukd()
    s.start_nginx()
    return s


def home(s, host, path="/"):
    r = s.http("GET", path, host=host)
    eq(r.status, 200, "GET %s on %s" % (path, host))
    check("text/html" in (r.header("content-type") or ""),
          "an HTML page: %r" % r.header("content-type"))
    return r.text()


def escaped(s):
    """The engine's HTML escaping: & < > " ' as entities (' as &#39;)."""
    return html.escape(s, quote=True).replace("&#x27;", "&#39;")


def stylesheets(page):
    return re.findall(r'<link rel="stylesheet" href="([^"]+)"', page)


def test_two_sites_two_themes(ctx):
    s = themed(ctx, sites=two_sites())
    demo = home(s, "demo.test")
    bazaar = home(s, "bazaar.test")
    # base on demo, in English.
    check('<html lang="en">' in demo, "demo: lang en")
    check("Welcome to Demo Spices" in demo, "demo: base's hero, English")
    check("hero-eyebrow" not in demo and "header-rule" not in demo,
          "demo: none of saffron's blocks")
    eq([u.split("/")[2] for u in stylesheets(demo)], ["base"],
       "demo: only base's stylesheet")
    # saffron on bazaar, in German: its own header and hero ...
    check('<html lang="de">' in bazaar, "bazaar: lang de")
    check('class="header-rule"' in bazaar, "bazaar: saffron's header block")
    check("Frisch vom Markt" in bazaar,
          "bazaar: saffron's hero with saffron's German eyebrow")
    # ... and base for everything it does not override.
    check("Willkommen bei Basar" in bazaar,
          "bazaar: base's German strings fall through to the child")
    check('class="site-footer"' in bazaar and "Betrieben mit Souk" in bazaar,
          "bazaar: base's footer")
    check('class="search"' in bazaar, "bazaar: base's search partial")
    check("Served by the hello plugin" in bazaar and
          "Served by the hello plugin" in demo,
          "both: the page.footer slot filled by the hello plugin")
    css = stylesheets(bazaar)
    eq(len(css), 2, "bazaar: two stylesheets: %r" % css)
    check(css[0].startswith("/assets/base/theme.") and
          css[1].startswith("/assets/saffron/skin."),
          "bazaar: base's theme.css from base's folder, then saffron's "
          "skin.css: %r" % css)
    logos = [re.findall(r'<img src="(/assets/[^"]+)"', p) for p in (demo,
                                                                  bazaar)]
    check(logos[0] and logos[0][0].startswith("/assets/base/img/logo."),
          "demo: base's logo: %r" % logos[0])
    check(logos[1] and logos[1][0].startswith("/assets/saffron/img/logo."),
          "bazaar: saffron's own logo replaces base's: %r" % logos[1])


def test_error_page_falls_through(ctx):
    s = themed(ctx, sites=two_sites())
    for host, theme, words in (("demo.test", "base", "Page not found"),
                               ("bazaar.test", "saffron",
                                "Seite nicht gefunden")):
        r = s.http("GET", "/no-such-page", host=host)
        eq(r.status, 404, "%s: 404" % host)
        t = r.text()
        check(words in t and "/no-such-page" in t,
              "%s: base's error/404 template in the site's language" % host)
        check(("header-rule" in t) == (theme == "saffron"),
              "%s: the error page wears the site's own header" % host)


def test_assets_hashed_and_cached(ctx):
    s = themed(ctx, sites=two_sites())
    page = home(s, "bazaar.test")
    urls = stylesheets(page)
    urls += re.findall(r'<img src="(/assets/[^"]+)"', page)
    eq(len(urls), 3, "two stylesheets and the logo: %r" % urls)
    for url in urls:
        m = re.fullmatch(r"/assets/(\w+)/(.+)\.([0-9a-f]{6,})\.(\w+)", url)
        check(m, "content-hashed asset URL: %r" % url)
        r = s.http("GET", url, host="bazaar.test")
        eq(r.status, 200, "GET %s through nginx" % url)
        src = os.path.join(THEMES, m.group(1), "assets",
                           "%s.%s" % (m.group(2), m.group(4)))
        with open(src, "rb") as f:
            eq(r.body, f.read(), "%s is the file %s" % (url, src))
        cc = r.header("cache-control") or ""
        check("max-age=31536000" in cc and "public" in cc,
              "%s: a year-long public Cache-Control, got %r" % (url, cc))
        check(r.header("x-request-id") is None,
              "%s: served by nginx, not by a soukd worker" % url)
    for url, want in ((urls[0], "text/css"), (urls[2], "image/svg+xml")):
        ctype = s.http("GET", url, host="bazaar.test").header("content-type")
        check(ctype and ctype.startswith(want), "%s as %s: %r"
              % (url, want, ctype))
    # An asset name without the hash, or with a wrong one, is not served
    # as if it were the current file.
    r = s.http("GET", "/assets/base/theme.css", host="demo.test")
    check(r.status == 404 or "max-age=31536000" not in
          (r.header("cache-control") or ""),
          "the unhashed name is never cached for a year")


def test_changed_asset_gets_new_url(ctx):
    # A copy of the themes, so a file can change.
    s = ctx.stack(start=False, plugins="hello", sites=two_sites())
    themes = os.path.join(s.T, "themes")
    shutil.copytree(THEMES, themes)
    s.write_conf(plugins="hello", sites=two_sites(),
                 server_extra=theme_extra(themes))
    serve_themes_from(s, themes)
    s.start_soukd()
    s.start_nginx()
    before = stylesheets(home(s, "demo.test"))[0]
    with open(os.path.join(themes, "base", "assets", "theme.css"), "a") as f:
        f.write("\n.changed-by-test { color: inherit; }\n")
    s.stop_soukd()
    s.start_soukd()
    after = stylesheets(home(s, "demo.test"))[0]
    check(before != after, "a changed file gets a new URL: %s, %s"
          % (before, after))
    r = s.http("GET", after, host="demo.test")
    eq(r.status, 200, "the new URL is served")
    check(b".changed-by-test" in r.body, "the new URL serves the new file")


def test_settings_change_the_page(ctx):
    hostile = "<b id=\"x\">Bold</b> & 'q'"
    s = themed(ctx, sites=two_sites(
        demo={"theme.tagline": hostile, "theme.accent": "#1d6b3a",
              "theme.show_search": "false",
              "theme.footer_note": "Open Mon-Sat",
              "theme.welcome_text": "Spices from small farms."}))
    demo = home(s, "demo.test")
    csp = s.last.header("content-security-policy") or ""
    bazaar = home(s, "bazaar.test")
    check(escaped(hostile) in demo,
          "demo: the tagline, escaped")
    check("<b id=" not in demo, "demo: no markup from a setting")
    check(re.search(r"--color-accent:\s*#1d6b3a;", demo),
          "demo: the accent colour in the settings style")
    check(re.search(r'<style nonce="[^"]+">', demo),
          "demo: the settings style carries the CSP nonce")
    nonce = re.search(r'<style nonce="([^"]+)">', demo).group(1)
    check("'nonce-%s'" % nonce in csp,
          "the CSP allows exactly that nonce: %r" % csp)
    check('class="search"' not in demo, "demo: show_search = false hides it")
    check("Open Mon-Sat" in demo and "Spices from small farms." in demo,
          "demo: footer note and welcome text")
    check("--color-accent" not in bazaar and "Open Mon-Sat" not in bazaar,
          "bazaar: another site's settings do not leak")
    check('class="search"' in bazaar, "bazaar: show_search defaults to on")
    # A new value takes effect without a restart.
    s.write_conf(plugins="hello", server_extra=theme_extra(),
                 sites=two_sites(demo={"theme.tagline": "Fresh today"}))
    wait_for(lambda: "Fresh today" in s.http("GET", "/",
                                             host="demo.test").text(),
             "the new tagline", 15, s.soukd_alive, step=0.1)


def test_bad_setting_refused(ctx):
    s = ctx.stack(start=False, plugins="hello", server_extra=theme_extra(),
                  sites=two_sites(demo={"theme.accent": "red;}body{"}))
    s.start_soukd(wait=False)
    code = s.soukd.wait(15)
    check(code != 0, "soukd refuses a colour that is not #rgb/#rrggbb")
    log = read_file(s.soukd_out) + read_file(s.error_log)
    check("accent" in log, "the error names the setting: %r" % log[-500:])


def test_theme_query_escaped(ctx):
    s = themed(ctx, sites=two_sites())
    q = "\"><script>alert(1)</script>"
    r = s.http("GET", "/?q=%22%3E%3Cscript%3Ealert(1)%3C%2Fscript%3E",
               host="demo.test")
    eq(r.status, 200, "search page")
    t = r.text()
    check("<script>alert" not in t, "no script from the query")
    check('value="%s"' % escaped(q) in t,
          "the query back in the search box, escaped")

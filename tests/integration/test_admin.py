"""The admin shell through nginx: the staff log-in, permission checks
(anonymous → log-in, customer → 403), a site owner turning a plugin off for
one site only, picking a theme and editing its settings (checked against
the theme's schema; a refused value writes nothing), CSRF on every form,
and the admin pages wearing the admin theme whatever the site wears."""

import os
import re
import subprocess

import harness
from harness import SRCDIR, check, eq, wait_for

USES_DB = True

PASSWORD = "correct horse battery staple"


def admin_stack(ctx):
    """Two sites of one soukd in one group (one set of accounts), both with
    hello and admin: demo (base) and bazaar (saffron)."""
    s = ctx.stack(start=False, plugins="hello admin",
                  server_extra={"theme_dir": os.path.join(SRCDIR, "themes"),
                                "plugin_data_dir":
                                    os.path.join(SRCDIR, "plugins")},
                  sites=[("demo", "localhost demo.test", "hello admin",
                          {"shop.name": "Demo", "group": "shops"}),
                         ("bazaar", "bazaar.test", "hello admin",
                          {"theme": "saffron", "group": "shops"})])
    s.need_db()
    os.symlink(os.path.join(ctx.paths.build, "plugins", "admin.so"),
               os.path.join(s.plugin_dir, "admin.so"))
    s.start_soukd()
    s.start_nginx()
    return s


def add_user(ctx, s, email, role, site=None):
    cmd = [os.path.join(ctx.paths.build, "souk"), "-c", s.conf, "user",
           "add", email, "--role", role] + (["--site", site] if site else [])
    env = dict(os.environ, SOUK_PASSWORD=PASSWORD)
    p = subprocess.run(cmd, env=env, stdin=subprocess.DEVNULL,
                       stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    eq(p.returncode, 0, "souk user add %s: %s" % (email, p.stdout))


class Browser(harness.Browser):
    """The shared cookie-jar browser, logging in with this suite's
    password."""

    def login(self, email, next_path=None):
        return super().login(email, PASSWORD, next_path)


def test_anonymous_goes_to_login(ctx):
    """An anonymous browser is sent to the staff log-in, which keeps where
    it was going; an API client gets 401; the log-in page wears the admin
    theme (admin.css over base's theme.css) on a site that wears saffron."""
    s = admin_stack(ctx)
    b = Browser(s, "bazaar.test")
    r = b.get("/admin/sites?sort=theme")
    eq(r.status, 303, "GET /admin/sites anonymous")
    eq(r.header("location"), "/admin/login?next=%2Fadmin%2Fsites%3Fsort%3D"
       "theme", "redirect to the log-in, keeping the page")
    r = s.http("GET", "/admin", host="bazaar.test",
               headers={"Accept": "application/json"})
    eq(r.status, 401, "JSON client without a session")
    r = b.get("/admin/login")
    eq(r.status, 200, "the log-in page")
    page = r.text()
    check(re.search(r'/assets/admin/admin\.[0-9a-f]+\.css', page),
          "the admin stylesheet is linked")
    check(re.search(r'/assets/base/theme\.[0-9a-f]+\.css', page),
          "base's stylesheet under it (admin is a child of base)")
    check("/assets/saffron/" not in page,
          "nothing of the site's own theme (saffron)")
    check('name="email"' in page and 'type="password"' in page,
          "email and password fields")
    check('class="admin-nav"' not in page, "no admin menu before log-in")


def test_customer_gets_403(ctx):
    """A customer can log in (their password is right) but every admin
    page and form answers 403, and nothing changes."""
    s = admin_stack(ctx)
    add_user(ctx, s, "shopper@example.com", "customer")
    b = Browser(s)
    r = b.login("shopper@example.com")
    eq(r.status, 403, "customer logging in to the admin")
    for path in ("/admin", "/admin/sites", "/admin/sites/demo"):
        eq(b.get(path).status, 403, "customer: GET %s" % path)
    # A form token from a page the customer may open (the log-in form).
    r = b.post("/admin/sites/demo/plugins",
               {"plugin": "hello", "enabled": "no"},
               token_from="/admin/login")
    eq(r.status, 403, "customer turning a plugin off")
    eq(s.http("GET", "/hello").status, 200, "hello is still on")


def test_wrong_password_and_next(ctx):
    """A wrong password shows the form again (422) with the email kept and
    no session user; ?next= is followed only inside /admin."""
    s = admin_stack(ctx)
    add_user(ctx, s, "owner@example.com", "admin", "demo")
    b = Browser(s)
    r = b.post("/admin/login", {"email": "owner@example.com",
                                "password": "wrong"})
    eq(r.status, 422, "wrong password")
    check("Wrong email or password" in r.text(), "says why")
    check('value="owner@example.com"' in r.text(), "the email is kept")
    eq(b.get("/admin").status, 303, "still anonymous")
    r = b.post("/admin/login", {"email": "", "password": ""})
    eq(r.status, 422, "empty fields")
    check(r.text().count('aria-invalid="true"') == 2,
          "both fields marked invalid")
    r = b.login("owner@example.com", "//evil.example/admin")
    eq(r.status, 303, "log-in")
    eq(r.header("location"), "/admin", "an off-site next is ignored")
    b2 = Browser(s)
    r = b2.login("owner@example.com", "/admin/sites?sort=id")
    eq(r.header("location"), "/admin/sites?sort=id", "a local next is kept")


def test_owner_turns_plugin_off_for_one_site(ctx):
    """The owner of the group (demo and bazaar) turns hello off for demo:
    its pages are gone from demo only (within a second, no restart), then
    back."""
    s = admin_stack(ctx)
    add_user(ctx, s, "owner@example.com", "admin")
    b = Browser(s)
    eq(b.login("owner@example.com").status, 303, "owner logs in")
    r = b.get("/admin")
    eq(r.status, 200, "dashboard")
    check('class="admin-nav"' in r.text(), "the admin menu shows")
    check("owner@example.com" in r.text(), "the signed-in account shows")
    page = b.get("/admin/sites/demo").text()
    check(re.search(r'<tr data-plugin="hello">.*?Turn off', page, re.S),
          "hello is on for demo, with a button to turn it off")
    r = b.post("/admin/sites/demo/plugins",
               {"plugin": "hello", "enabled": "no"},
               token_from="/admin/sites/demo")
    eq(r.status, 303, "turning hello off")
    eq(r.header("location"), "/admin/sites/demo", "back to the site page")
    wait_for(lambda: s.http("GET", "/hello").status == 404,
             "hello gone from demo", timeout=5)
    eq(s.http("GET", "/hello", host="bazaar.test").status, 200,
       "hello still on bazaar")
    page = b.get("/admin/sites/demo").text()
    check("hello is now off for demo" in page, "a flash message says so")
    check("hello is now off" not in b.get("/admin/sites/demo").text(),
          "the flash shows once")
    r = b.post("/admin/sites/demo/plugins",
               {"plugin": "hello", "enabled": "yes"},
               token_from="/admin/sites/demo")
    eq(r.status, 303, "turning hello on again")
    wait_for(lambda: s.http("GET", "/hello").status == 200,
             "hello back on demo", timeout=5)
    r = b.post("/admin/sites/demo/plugins",
               {"plugin": "admin", "enabled": "no"},
               token_from="/admin/sites/demo")
    eq(r.status, 409, "the admin cannot turn itself off on its own site")
    r = b.post("/admin/sites/demo/plugins",
               {"plugin": "nosuch", "enabled": "no"},
               token_from="/admin/sites/demo")
    eq(r.status, 422, "an unknown plugin")


def test_site_owner_sees_only_their_site(ctx):
    """An admin of demo only: bazaar is neither listed nor manageable."""
    s = admin_stack(ctx)
    add_user(ctx, s, "demo-owner@example.com", "admin", "demo")
    b = Browser(s)
    eq(b.login("demo-owner@example.com").status, 303, "log-in")
    page = b.get("/admin/sites").text()
    check('href="/admin/sites/demo"' in page, "demo is listed")
    check("bazaar" not in page, "bazaar is not")
    eq(b.get("/admin/sites/bazaar").status, 403, "bazaar's page")
    r = b.post("/admin/sites/bazaar/plugins",
               {"plugin": "hello", "enabled": "no"},
               token_from="/admin/sites/demo")
    eq(r.status, 403, "turning a plugin off on bazaar")
    eq(s.http("GET", "/hello", host="bazaar.test").status, 200,
       "bazaar unchanged")
    eq(b.get("/admin/sites/nosuch").status, 404, "an unknown site")


def test_csrf_required(ctx):
    """A form without the session's token, or with another, is refused
    and changes nothing."""
    s = admin_stack(ctx)
    add_user(ctx, s, "owner@example.com", "admin")
    b = Browser(s)
    eq(b.login("owner@example.com").status, 303, "log-in")
    r = b.req("POST", "/admin/sites/demo/plugins",
              form={"plugin": "hello", "enabled": "no"})
    eq(r.status, 403, "no token")
    r = b.req("POST", "/admin/sites/demo/plugins",
              form={"plugin": "hello", "enabled": "no",
                    "csrf_token": "x" * 43})
    eq(r.status, 403, "a wrong token")
    eq(s.http("GET", "/hello").status, 200, "hello is still on")


def test_theme_and_settings(ctx):
    """The owner picks saffron for demo and sets its accent colour; a bad
    colour is refused with the field marked, and nothing is written."""
    s = admin_stack(ctx)
    add_user(ctx, s, "owner@example.com", "admin")
    b = Browser(s)
    eq(b.login("owner@example.com").status, 303, "log-in")
    page = b.get("/admin/sites/demo").text()
    check('<option value="saffron"' in page, "saffron is offered")
    check('<option value="admin"' not in page,
          "the admin theme is not offered to a shop")
    for bad in ("admin", "../base", "nosuch"):
        r = b.post("/admin/sites/demo/theme", {"theme": bad},
                   token_from="/admin/sites/demo")
        eq(r.status, 422, "theme %r" % bad)
    r = b.post("/admin/sites/demo/theme", {"theme": "saffron"},
               token_from="/admin/sites/demo")
    eq(r.status, 303, "picking saffron")
    wait_for(lambda: "/assets/saffron/" in s.http("GET", "/").text(),
             "demo wears saffron", timeout=5)

    page = b.get("/admin/sites/demo").text()
    check('name="theme.eyebrow"' in page, "saffron's own setting")
    check('name="theme.accent"' in page, "and base's, inherited")
    r = b.post("/admin/sites/demo/settings",
               {"theme.accent": "red; background: url(x)",
                "theme.eyebrow": "Fresh today"},
               token_from="/admin/sites/demo")
    eq(r.status, 422, "a colour that is not one")
    check(re.search(r'id="f-theme-accent"[^>]*aria-invalid="true"',
                    r.text()), "the accent field is marked")
    check('value="Fresh today"' in r.text(), "what was typed is kept")
    check("Fresh today" not in s.http("GET", "/").text(),
          "nothing was written (not even the good field)")
    r = b.post("/admin/sites/demo/settings",
               {"theme.accent": "#7a1f00", "theme.eyebrow": "Fresh today"},
               token_from="/admin/sites/demo")
    eq(r.status, 303, "good values")
    wait_for(lambda: "--color-accent: #7a1f00" in s.http("GET", "/").text(),
             "the accent shows on demo", timeout=5)
    check("#7a1f00" not in s.http("GET", "/", host="bazaar.test").text(),
          "bazaar keeps its colours")


def test_sites_table_sorts_and_pages(ctx):
    """The sites table sorts by a column both ways and pages with ?per=."""
    s = admin_stack(ctx)
    add_user(ctx, s, "owner@example.com", "admin")
    b = Browser(s)
    eq(b.login("owner@example.com").status, 303, "log-in")
    page = b.get("/admin/sites?sort=id&dir=asc").text()
    check(page.index(">bazaar<") < page.index(">demo<"), "ascending by id")
    check('aria-sort="ascending"' in page, "the sorted column says so")
    page = b.get("/admin/sites?sort=id&dir=desc").text()
    check(page.index(">demo<") < page.index(">bazaar<"), "descending")
    page = b.get("/admin/sites?sort=id&per=1&page=2").text()
    check(">demo<" in page and ">bazaar<" not in page, "page 2 of 2")
    check('rel="prev"' in page and 'rel="next"' not in page,
          "a previous link, no next")
    eq(b.get("/admin/sites?sort=%27%3B--&page=x&per=-5").status, 200,
       "junk in the query falls back to defaults")

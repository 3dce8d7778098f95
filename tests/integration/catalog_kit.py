"""Shared set-up for the catalog's integration tests (not a test file).

    from catalog_kit import catalog_stack, api, make_product, staff_token

catalog_stack(ctx) starts soukd with hello, accounts, admin and catalog on
nginx: sites "demo" (localhost, demo.test) and "bazaar" (bazaar.test) in
group "shops", and "other" (other.test) alone in its own group. It creates
an admin user (ADMIN_EMAIL) on the group and an API token for it, kept as
s.token. api(s, method, path, json) sends JSON with that token (or
token=...); make_product(...) creates a product through the staff API and
(list=True) moves it through submit, approve and list."""

import json
import os
import re
import subprocess
import urllib.parse

from harness import SRCDIR, Skip, eq

PASSWORD = "correct horse battery staple"
ADMIN_EMAIL = "owner@example.test"

PLUGINS = "hello accounts admin catalog"


def _plugin(ctx, name):
    p = os.path.join(ctx.paths.build, "plugins", name + ".so")
    if not os.path.exists(p):
        raise Skip("plugins/%s.so is not built" % name)
    return p


def catalog_stack(ctx, settings=None, sites=None, start=True,
                  plugins=PLUGINS):
    """The stack described above. settings: [settings] of souk.conf (for
    all sites), e.g. {"catalog.alert_email": "ops@example.test"}."""
    sos = [_plugin(ctx, n) for n in ("accounts", "admin", "catalog")]
    if sites is None:
        sites = [("demo", "localhost 127.0.0.1 demo.test", PLUGINS,
                  {"group": "shops", "shop.name": "Demo"}),
                 ("bazaar", "bazaar.test", PLUGINS, {"group": "shops"}),
                 ("other", "other.test", PLUGINS, {"group": "elsewhere"})]
    s = ctx.stack(start=False, plugins=plugins, sites=sites,
                  settings=settings,
                  server_extra={"theme_dir": os.path.join(SRCDIR, "themes"),
                                "plugin_data_dir":
                                    os.path.join(SRCDIR, "plugins")})
    s.need_db()
    for so in sos:
        os.symlink(so, os.path.join(s.plugin_dir, os.path.basename(so)))
    if not start:
        return s
    s.start_soukd()
    s.start_nginx()
    add_user(ctx, s, ADMIN_EMAIL, "admin")
    s.token = staff_token(s, ADMIN_EMAIL)
    return s


def souk(ctx, s, *args, env=None):
    """Runs the souk tool on the stack's config: (exit code, out, err)."""
    p = subprocess.run([os.path.join(ctx.paths.build, "souk"), "-c",
                        s.conf] + list(args), stdin=subprocess.DEVNULL,
                       capture_output=True, text=True, timeout=120,
                       env=dict(os.environ, **(env or {})))
    return p.returncode, p.stdout, p.stderr


def add_user(ctx, s, email, role, site=None):
    """An account with a role (site None: every site of demo's group)."""
    args = ["user", "add", email, "--role", role]
    if site:
        args += ["--site", site]
    rc, out, err = souk(ctx, s, *args, env={"SOUK_PASSWORD": PASSWORD})
    eq(rc, 0, "souk user add %s: %s %s" % (email, out, err))


def _cookies(r, jar):
    for k, v in r.headers.items():
        if k != "set-cookie":
            continue
        for c in v.split("\n"):
            m = re.match(r"\s*([^=;\s]+)=([^;]*)", c)
            if m:
                if m.group(2) == "" or "max-age=0" in c.lower():
                    jar.pop(m.group(1), None)
                else:
                    jar[m.group(1)] = m.group(2)


def _csrf(text):
    m = re.search(r'name="csrf_token" value="([^"]+)"', text)
    return m.group(1) if m else None


def staff_token(s, email, host="localhost"):
    """Signs in through the accounts pages and creates an API token."""
    jar = {}

    def req(method, path, form=None, accept=None):
        h = {}
        if jar:
            h["Cookie"] = "; ".join("%s=%s" % kv for kv in jar.items())
        body = None
        if form is not None:
            body = urllib.parse.urlencode(form).encode()
            h["Content-Type"] = "application/x-www-form-urlencoded"
        if accept:
            h["Accept"] = accept
        r = s.http(method, path, body=body, headers=h, host=host)
        _cookies(r, jar)
        return r

    page = req("GET", "/account/login").text()
    r = req("POST", "/account/login", {"email": email, "password": PASSWORD,
                                       "csrf_token": _csrf(page) or ""})
    eq(r.status, 303, "sign in as %s: %s" % (email, r.text()[:300]))
    page = req("GET", "/account/tokens").text()
    r = req("POST", "/account/tokens", {"label": "catalog tests",
                                        "csrf_token": _csrf(page) or ""},
            accept="application/json")
    eq(r.status, 201, "API token for %s: %s" % (email, r.text()[:300]))
    return r.json()["new_token"]


class ApiAnswer:
    """status and the decoded body (None when not JSON)."""

    def __init__(self, r):
        self.status = r.status
        self.raw = r
        try:
            self.body = json.loads(r.text()) if r.text() else None
        except ValueError:
            self.body = None

    def __getitem__(self, k):
        return self.body[k]

    def __repr__(self):
        return "<%d %s>" % (self.status, self.raw.text()[:400])


def api(s, method, path, obj=None, token=None, host="localhost",
        raw=None):
    """A JSON API call with the stack's admin token (token="" for none).
    raw: bytes to send as the body instead of obj."""
    h = {"Accept": "application/json"}
    tok = s.token if token is None else token
    if tok:
        h["Authorization"] = "Bearer " + tok
    body = raw
    if obj is not None:
        body = json.dumps(obj).encode()
    if body is not None:
        h["Content-Type"] = "application/json"
    return ApiAnswer(s.http(method, path, body=body, headers=h, host=host))


def ensure_warehouse(s, code="MAIN", token=None, host="localhost"):
    """The warehouse, created once per stack."""
    made = getattr(s, "_warehouses", set())
    if code not in made:
        r = api(s, "POST", "/api/v1/warehouses",
                {"code": code, "name": "Warehouse " + code}, token=token,
                host=host)
        if r.status not in (201, 422):
            eq(r.status, 201, "warehouse %s: %r" % (code, r))
        made.add(code)
        s._warehouses = made
    return code


def ensure_category(s, slug, parent=None, token=None, host="localhost"):
    made = getattr(s, "_categories", set())
    if (host, slug) not in made:
        r = api(s, "POST", "/api/v1/categories",
                {"slug": slug, "name": slug.replace("-", " ").title(),
                 "parent": parent}, token=token, host=host)
        if r.status not in (201, 422):
            eq(r.status, 201, "category %s: %r" % (slug, r))
        made.add((host, slug))
        s._categories = made
    return slug


def make_product(s, slug, name, price, sku=None, category=None, stock=None,
                 list=True, currency="EUR", extra=None, token=None,
                 host="localhost"):
    """Creates a product with one variant (sku defaults to the slug in
    capitals) priced price minor units; category: a slug or a list of
    slugs (created when missing, as roots); stock: units received at
    warehouse MAIN; list: through submit, approve and list. Returns the
    product document as the API answered it at the end."""
    sku = sku or slug.upper()
    cats = [category] if isinstance(category, str) else list_(category)
    for c in cats:
        ensure_category(s, c, token=token, host=host)
    doc = {"slug": slug, "name": name, "summary": "About " + name,
           "categories": cats,
           "variants": [{"sku": sku, "prices": [{"currency": currency,
                                                 "amount": price}]}]}
    doc.update(extra or {})
    r = api(s, "POST", "/api/v1/products", doc, token=token, host=host)
    eq(r.status, 201, "create product %s: %r" % (slug, r))
    product = r["product"]
    if stock:
        ensure_warehouse(s, token=token, host=host)
        r = api(s, "POST", "/api/v1/stock/receipts",
                {"warehouse": "MAIN", "note": "initial stock",
                 "lines": [{"sku": sku, "quantity": stock}]}, token=token,
                host=host)
        eq(r.status, 201, "stock for %s: %r" % (sku, r))
    if list:
        for action in ("submit", "approve", "list"):
            r = workflow(s, slug, action, token=token, host=host)
            eq(r.status, 200, "%s %s: %r" % (action, slug, r))
        product = r["product"]
    return product


def list_(v):
    return [] if v is None else [x for x in v]


def workflow(s, slug, action, note=None, list_at=None, token=None,
             host="localhost"):
    body = {"action": action}
    if note is not None:
        body["note"] = note
    if list_at is not None:
        body["list_at"] = list_at
    return api(s, "POST", "/api/v1/products/%s/workflow" % slug, body,
               token=token, host=host)


def staff_product(s, slug, token=None, host="localhost"):
    """GET /api/v1/staff/products/SLUG (stock, events, cost)."""
    return api(s, "GET", "/api/v1/staff/products/" + slug, token=token,
               host=host)

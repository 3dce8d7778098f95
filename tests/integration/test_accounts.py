"""The accounts plugin through nginx, on the run's database engine:
register, log in and out, password reset by a mail caught by a local SMTP
sink, email change, address book, API tokens and the JSON API; and bad
input (SQL metacharacters, huge strings, invalid email, missing or wrong
CSRF token, replayed or expired links, dead sessions, another user's
address id), each a clear 4xx that writes nothing."""

import json
import os
import re
import urllib.parse

from harness import SRCDIR, Skip, check, eq, uses_db
from smtp_sink import SmtpSink

USES_DB = True

PASSWORD = "correct horse battery"
EMAIL = "ada@example.test"


class Browser:
    """A cookie jar and the last page's CSRF token, over one stack."""

    def __init__(self, stack, host="localhost"):
        self.s = stack
        self.host = host
        self.cookies = {}
        self.csrf = None

    def _headers(self, extra=None):
        h = {}
        if self.cookies:
            h["Cookie"] = "; ".join("%s=%s" % kv
                                    for kv in self.cookies.items())
        h.update(extra or {})
        return h

    def _take(self, r):
        for k, v in r.headers.items():
            if k != "set-cookie":
                continue
            name, _, rest = v.partition("=")
            value = rest.split(";", 1)[0]
            if value == "" or "max-age=0" in rest.lower():
                self.cookies.pop(name.strip(), None)
            else:
                self.cookies[name.strip()] = value
        m = re.search(r'name="csrf_token" value="([^"]*)"', r.text())
        if m:
            self.csrf = m.group(1)
        return r

    def get(self, path, headers=None):
        return self._take(self.s.http("GET", path, host=self.host,
                                      headers=self._headers(headers)))

    def post(self, path, fields=None, csrf=True, headers=None):
        fields = dict(fields or {})
        if csrf is True and self.csrf is not None:
            fields.setdefault("csrf_token", self.csrf)
        elif isinstance(csrf, str):
            fields["csrf_token"] = csrf
        body = urllib.parse.urlencode(fields).encode()
        h = {"Content-Type": "application/x-www-form-urlencoded"}
        h.update(headers or {})
        return self._take(self.s.http("POST", path, body=body,
                                      host=self.host,
                                      headers=self._headers(h)))

    def api(self, method, path, obj=None, token=None):
        h = {"Accept": "application/json"}
        body = None
        if obj is not None:
            body = json.dumps(obj).encode()
            h["Content-Type"] = "application/json"
        if token is not None:
            h["Authorization"] = "Bearer " + token
            return self.s.http(method, path, body=body, host=self.host,
                               headers=h)
        if self.csrf is not None:
            h["X-CSRF-Token"] = self.csrf
        return self._take(self.s.http(method, path, body=body,
                                      host=self.host,
                                      headers=self._headers(h)))

    def register(self, email=EMAIL, password=PASSWORD, name="Ada"):
        self.get("/account/register")
        r = self.post("/account/register", {"email": email,
                                            "password": password,
                                            "name": name})
        eq(r.status, 303, "register %s: %s" % (email, r.text()[:300]))
        return r

    def logout(self):
        """From the profile page's button, as a browser would (the
        session, and with it the CSRF token, changed at sign-in)."""
        self.get("/account")
        r = self.post("/account/logout")
        eq(r.status, 303, "logout")
        return r

    def login(self, email=EMAIL, password=PASSWORD):
        self.get("/account/login")
        return self.post("/account/login", {"email": email,
                                            "password": password})


def accounts_so(ctx):
    p = os.path.join(ctx.paths.build, "plugins", "accounts.so")
    if not os.path.exists(p):
        raise Skip("plugins/accounts.so is not built")
    return p


def site(sid="demo", hosts="localhost 127.0.0.1 demo.test", **extra):
    return (sid, hosts, "hello accounts", extra)


def accounts_stack(ctx, sites=None, settings=None, mail=True, limits=None):
    """soukd with hello and accounts on the base theme, nginx in front,
    and (mail=True) an SMTP sink as the mail relay: returns (stack,
    sink)."""
    so = accounts_so(ctx)
    s = ctx.stack(start=False, plugins="hello accounts",
                  sites=sites or [site()], settings=settings, limits=limits,
                  server_extra={"theme_dir": os.path.join(SRCDIR, "themes"),
                                "plugin_data_dir": os.path.join(SRCDIR,
                                                                "plugins")})
    s.need_db()
    os.symlink(so, os.path.join(s.plugin_dir, "accounts.so"))
    sink = None
    if mail:
        sink = SmtpSink()
        sink.start()
        ctx.stacks.append(_SinkStopper(sink))
        with open(s.conf, "a") as f:
            f.write("\n[mail]\ntransport = smtp\nsmtp_url = %s\n"
                    "from = shop@example.test\nretry_base = 1\n" % sink.url)
    s.start_soukd()
    s.start_nginx()
    return s, sink


class _SinkStopper:
    """Lets ctx.close() stop the sink like a stack (cleanup/dump API)."""

    def __init__(self, sink):
        self.sink = sink
        self.T = None

    def cleanup(self, keep=False):
        self.sink.stop()

    def sanitizer_report(self):
        return None

    def remove(self):
        pass

    def dump(self):
        return "--- SMTP sink: %r" % (self.sink.messages(),)


def count(s, table, where="1 = 1", params=()):
    return int(s.sql("SELECT COUNT(*) FROM %s WHERE %s" % (table, where),
                     params)[0][0])


def rcpt(msg):
    """The envelope recipients, without the angle brackets."""
    return [a.strip("<>") for a in msg.rcpt]


def link_in(msg, what):
    m = re.search(r"https?://\S+(/account/%s/[A-Za-z0-9_-]{43})" % what,
                  msg.body())
    check(m is not None, "a %s link in the mail: %r" % (what, msg.body()))
    return m.group(1)


@uses_db
def test_register_login_logout(ctx):
    s, _ = accounts_stack(ctx, mail=False)
    b = Browser(s)
    r = b.get("/account/register")
    eq(r.status, 200, "GET /account/register")
    check('name="csrf_token"' in r.text() and 'name="email"' in r.text(),
          "register form with email and a CSRF token")
    r = b.register()
    check(r.header("location").endswith("/account"), "to /account")
    check(b.cookies, "a session cookie after registering")
    r = b.get("/account")
    eq(r.status, 200, "GET /account signed in")
    check(EMAIL in r.text(), "profile shows the email")
    check("My account" in r.text(), "header slot: My account")
    eq(count(s, "souk_users", "email = ?", (EMAIL,)), 1, "one user row")
    eq(s.sql("SELECT display_name FROM account_profiles")[0][0], "Ada",
       "profile row")
    # The same email again: 409 and still one row.
    b2 = Browser(s)
    b2.get("/account/register")
    r = b2.post("/account/register", {"email": "ADA@example.test",
                                      "password": PASSWORD})
    eq(r.status, 409, "email taken (any case)")
    check("already" in r.text() or "exists" in r.text(), "says why")
    eq(count(s, "souk_users"), 1, "no second account")
    # Log out: the session no longer reaches /account.
    b.logout()
    r = b.get("/account")
    eq(r.status, 303, "/account after logout redirects")
    check(r.header("location").endswith("/account/login"), "to login")
    # Wrong password, then the right one.
    r = b.login(password="wrong password!")
    eq(r.status, 401, "wrong password")
    check("Wrong email or password" in r.text(), "says so on the form")
    r = b.login()
    eq(r.status, 303, "right password")
    eq(b.get("/account").status, 200, "signed in again")


@uses_db
def test_login_is_throttled(ctx):
    s, _ = accounts_stack(ctx, mail=False)
    b = Browser(s)
    b.register()
    b.logout()
    statuses = []
    for i in range(30):
        statuses.append(b.login(password="wrong %d!!" % i).status)
        if statuses[-1] == 429:
            break
    eq(statuses[-1], 429, "throttled after repeated failures: %r"
       % statuses)
    # Throttled means refused even with the right password.
    eq(b.login().status, 429, "the right password is refused too")


@uses_db
def test_password_reset_by_mail(ctx):
    s, sink = accounts_stack(ctx)
    b = Browser(s)
    b.register()
    b.logout()
    b.get("/account/reset")
    r = b.post("/account/reset", {"email": EMAIL})
    eq(r.status, 200, "reset asked")
    msg = sink.wait(1)[0]
    eq(rcpt(msg), [EMAIL], "mail to the account")
    check(msg.message_id, "a Message-ID")
    path = link_in(msg, "reset")
    eq(count(s, "account_reset_tokens"), 1, "one token row")
    check(path.rsplit("/", 1)[1] not in
          s.sql("SELECT token_hash FROM account_reset_tokens")[0][0],
          "the table holds a hash, not the token")
    r = b.get(path)
    eq(r.status, 200, "the link shows the form")
    # Too short first: 422, token still good.
    eq(b.post(path, {"password": "short"}).status, 422, "short password")
    r = b.post(path, {"password": "a brand new secret"})
    eq(r.status, 303, "password set")
    eq(b.login().status, 401, "old password no longer works")
    eq(b.login(password="a brand new secret").status, 303,
       "new password works")
    # Replayed: 410 on GET and POST, and the password stays.
    eq(b.get(path).status, 410, "used link: GET")
    replay = Browser(s)
    replay.get("/account/reset")
    r = replay.post(path, {"password": "attacker's choice"})
    eq(r.status, 410, "used link: POST")
    b.logout()
    eq(b.login(password="a brand new secret").status, 303,
       "replay changed nothing")
    # An unknown address gets the same answer and no token, no mail.
    outbox = count(s, "souk_outbox")
    replay.get("/account/reset")
    r = replay.post("/account/reset", {"email": "nobody@example.test"})
    eq(r.status, 200, "unknown address: same answer")
    check("nobody@example.test" in r.text(), "same page")
    eq(count(s, "account_reset_tokens"), 1, "no token for nobody")
    eq(count(s, "souk_outbox"), outbox, "no mail for nobody")
    # A made-up token.
    eq(b.get("/account/reset/" + "A" * 43).status, 410, "unknown token")


@uses_db
def test_reset_link_expires(ctx):
    s, sink = accounts_stack(ctx, settings={"accounts.reset_ttl": "0"})
    b = Browser(s)
    b.register()
    b.logout()
    b.get("/account/reset")
    eq(b.post("/account/reset", {"email": EMAIL}).status, 200, "asked")
    path = link_in(sink.wait(1)[0], "reset")
    eq(b.get(path).status, 410, "expired link: GET")
    hash_before = s.sql("SELECT password_hash FROM souk_users")[0][0]
    eq(b.post(path, {"password": "a brand new secret"}).status, 410,
       "expired link: POST")
    eq(s.sql("SELECT password_hash FROM souk_users")[0][0], hash_before,
       "password unchanged")
    eq(count(s, "account_reset_tokens", "used_at IS NOT NULL"), 0,
       "token not spent")


@uses_db
def test_email_change(ctx):
    s, sink = accounts_stack(ctx)
    b = Browser(s)
    b.register()
    b.get("/account")
    r = b.post("/account/email", {"new_email": "ada@new.test",
                                  "password": "wrong password!"})
    eq(r.status, 401, "wrong password refuses the change")
    eq(count(s, "account_email_tokens"), 0, "no token")
    b.get("/account")
    r = b.post("/account/email", {"new_email": "ada@new.test",
                                  "password": PASSWORD})
    eq(r.status, 200, "confirmation sent")
    msg = sink.wait(1)[0]
    eq(rcpt(msg), ["ada@new.test"], "mail to the new address")
    path = link_in(msg, "email")
    eq(count(s, "souk_users", "email = ?", (EMAIL,)), 1,
       "not changed before the link is used")
    b2 = Browser(s)                       # the link opened elsewhere
    r = b2.get(path)
    eq(r.status, 200, "confirm page")
    check("ada@new.test" in r.text(), "names the new address")
    r = b2.post(path)
    eq(r.status, 200, "confirmed")
    eq(count(s, "souk_users", "email = ?", ("ada@new.test",)), 1,
       "email changed")
    msgs = sink.wait(2)
    eq(rcpt(msgs[1]), [EMAIL], "the old address is told")
    eq(b2.post(path).status, 410, "link works once")
    b.logout()
    eq(b.login().status, 401, "old email no longer signs in")
    eq(b.login(email="ada@new.test").status, 303, "new email signs in")


@uses_db
def test_profile_and_password(ctx):
    s, _ = accounts_stack(ctx, mail=False)
    b = Browser(s)
    b.register()
    b.get("/account")
    r = b.post("/account/profile", {"name": "Augusta Ada King"})
    eq(r.status, 303, "profile saved")
    eq(s.sql("SELECT display_name FROM account_profiles")[0][0],
       "Augusta Ada King", "display name stored")
    check('value="Augusta Ada King"' in b.get("/account").text(),
          "and shown in the form")
    r = b.api("GET", "/api/v1/account")
    eq(r.json()["account"]["name"], "Augusta Ada King", "API: the name")
    hash_before = s.sql("SELECT password_hash FROM souk_users")[0][0]
    b.get("/account")
    r = b.post("/account/password", {"current_password": "not it at all",
                                     "new_password": "another secret"})
    eq(r.status, 401, "wrong current password")
    check("wrong password" in r.text(), "marked on the form")
    r = b.post("/account/password", {"current_password": PASSWORD,
                                     "new_password": "short"})
    eq(r.status, 422, "new password too short")
    eq(s.sql("SELECT password_hash FROM souk_users")[0][0], hash_before,
       "nothing changed")
    r = b.post("/account/password", {"current_password": PASSWORD,
                                     "new_password": "another secret"})
    eq(r.status, 303, "password changed")
    b.logout()
    eq(b.login().status, 401, "old password refused")
    eq(b.login(password="another secret").status, 303, "new one works")


ADDRESS = {"label": "Home", "name": "Ada Lovelace", "line1": "1 Main St",
           "line2": "", "city": "London", "postcode": "N1 1AA",
           "country": "gb", "phone": ""}


@uses_db
def test_address_book(ctx):
    s, _ = accounts_stack(ctx, mail=False)
    b = Browser(s)
    b.register()
    eq(b.get("/account/addresses").status, 200, "empty book")
    b.get("/account/addresses/new")
    r = b.post("/account/addresses", ADDRESS)
    eq(r.status, 303, "address added")
    row = s.sql("SELECT id, name, country FROM account_addresses")
    eq(len(row), 1, "one row")
    aid = row[0][0]
    eq(row[0][2], "GB", "country upper-cased")
    r = b.get("/account/addresses")
    check("Ada Lovelace" in r.text() and "N1 1AA" in r.text(), "listed")
    r = b.get("/account/addresses/%s" % aid)
    eq(r.status, 200, "edit form")
    check('value="1 Main St"' in r.text(), "form filled")
    r = b.post("/account/addresses/%s" % aid,
               dict(ADDRESS, line1="2 Side St"))
    eq(r.status, 303, "saved")
    eq(s.sql("SELECT line1 FROM account_addresses")[0][0], "2 Side St",
       "updated")
    # Missing required field: 422, marked, nothing written.
    r = b.post("/account/addresses/%s" % aid, dict(ADDRESS, city=""))
    eq(r.status, 422, "city required")
    check("field-invalid" in r.text(), "the field is marked")
    eq(s.sql("SELECT city FROM account_addresses")[0][0], "London",
       "unchanged")
    # Another user cannot see, change or delete it: 404, nothing written.
    mallory = Browser(s)
    mallory.register(email="mallory@example.test")
    eq(mallory.get("/account/addresses/%s" % aid).status, 404,
       "another user's address: GET")
    mallory.get("/account/addresses/new")
    eq(mallory.post("/account/addresses/%s" % aid,
                    dict(ADDRESS, name="Mallory")).status, 404,
       "another user's address: POST")
    eq(mallory.post("/account/addresses/%s" % aid,
                    dict(ADDRESS, city="")).status, 404,
       "another user's address: bad POST is still 404")
    eq(mallory.post("/account/addresses/%s/delete" % aid).status, 404,
       "another user's address: delete")
    eq(mallory.api("GET", "/api/v1/account/addresses/%s" % aid).status, 404,
       "another user's address: API")
    check("Ada Lovelace" not in mallory.get("/account/addresses").text(),
          "not in the other user's list")
    eq(s.sql("SELECT name FROM account_addresses")[0][0], "Ada Lovelace",
       "untouched")
    eq(b.post("/account/addresses/%s/delete" % aid).status, 303, "deleted")
    eq(count(s, "account_addresses"), 0, "gone")
    eq(b.get("/account/addresses/%s" % aid).status, 404, "gone: 404")


@uses_db
def test_api_tokens(ctx):
    s, _ = accounts_stack(ctx, mail=False)
    b = Browser(s)
    b.register()
    b.get("/account/tokens")
    r = b.post("/account/tokens", {"label": "my script"})
    eq(r.status, 201, "token created")
    m = re.search(r'class="new-token">([^<]+)<', r.text())
    check(m is not None, "the token is shown once")
    token = m.group(1)
    check(token not in b.get("/account/tokens").text(), "and only once")
    eq(count(s, "souk_api_tokens", "token_hash = ?", (token,)), 0,
       "stored hashed")
    anon = Browser(s)
    r = anon.api("GET", "/api/v1/account", token=token)
    eq(r.status, 200, "GET /api/v1/account with the token")
    eq(r.json()["account"]["email"], EMAIL, "the token's account")
    eq(anon.api("GET", "/api/v1/account").status, 401, "no token: 401")
    eq(anon.api("GET", "/api/v1/account", token="x" * 43).status, 401,
       "bad token: 401")
    # Token-authenticated writes need no CSRF token.
    r = anon.api("POST", "/api/v1/account/addresses", ADDRESS, token=token)
    eq(r.status, 201, "API: address created")
    aid = r.json()["address"]["id"]
    r = anon.api("PUT", "/api/v1/account/addresses/%d" % aid,
                 dict(ADDRESS, city="Paris"), token=token)
    eq(r.status, 200, "API: updated")
    eq(r.json()["address"]["city"], "Paris", "API: new city")
    r = anon.api("POST", "/api/v1/account/addresses",
                 dict(ADDRESS, country="Great Britain"), token=token)
    eq(r.status, 422, "API: bad field")
    check("Country" in r.json()["error"]["message"], "names the field")
    r = anon.api("GET", "/api/v1/account/addresses", token=token)
    eq(len(r.json()["addresses"]), 1, "API: list")
    eq(anon.api("DELETE", "/api/v1/account/addresses/%d" % aid,
                token=token).status, 204, "API: deleted")
    # Revoke: the token stops working.
    tid = s.sql("SELECT id FROM souk_api_tokens")[0][0]
    b.get("/account/tokens")
    eq(b.post("/account/tokens/%s/delete" % tid).status, 303, "revoked")
    eq(anon.api("GET", "/api/v1/account", token=token).status, 401,
       "revoked token: 401")
    # Someone else's token id: 404.
    mallory = Browser(s)
    mallory.register(email="mallory@example.test")
    mallory.get("/account/tokens")
    eq(mallory.post("/account/tokens/%s/delete" % tid).status, 404,
       "another user's token")


SQLISH = ["'; DROP TABLE account_addresses; --", "\" OR 1=1 --",
          "Robert'); DELETE FROM souk_users;--", "%_\\", "ünïcödé ✓ 🛒"]


@uses_db
def test_bad_input(ctx):
    s, _ = accounts_stack(ctx, mail=False)
    b = Browser(s)
    b.register()
    users = count(s, "souk_users")
    # SQL metacharacters are data: stored and shown verbatim (escaped).
    for v in SQLISH:
        b.get("/account/addresses/new")
        r = b.post("/account/addresses", dict(ADDRESS, name=v, line1=v))
        eq(r.status, 303, "address with %r" % v)
    eq(sorted(r[0] for r in s.sql("SELECT name FROM account_addresses")),
       sorted(SQLISH), "stored verbatim")
    check("<script" not in b.get("/account/addresses").text(), "escaped")
    eq(count(s, "souk_users"), users, "users intact")
    # Email fields with metacharacters are just invalid addresses.
    anon = Browser(s)
    for v in ["x' OR '1'='1", "a@b", "no at sign", "two@@example.test",
              "sp ace@example.test", "<a@example.test>", ""]:
        anon.get("/account/register")
        r = anon.post("/account/register", {"email": v,
                                            "password": PASSWORD})
        eq(r.status, 422, "invalid email %r" % v)
        check("not a valid email" in r.text() or "required" in r.text(),
              "says why for %r" % v)
    eq(count(s, "souk_users"), users, "no account from a bad email")
    # Too long for the field (under the core's 64 kB per field): 422.
    big = "x" * 10000
    before = count(s, "account_addresses")
    for field in ADDRESS:
        b.get("/account/addresses/new")
        r = b.post("/account/addresses", dict(ADDRESS, **{field: big}))
        eq(r.status, 422, "10 kB in %s" % field)
        check(big not in r.text(), "not echoed back")
    for field in ("email", "password", "name"):
        anon.get("/account/register")
        f = {"email": "big@example.test", "password": PASSWORD}
        f[field] = big
        eq(anon.post("/account/register", f).status, 422,
           "10 kB in register %s" % field)
    # 100 kB and 1 MB in any field: refused before the handler (the
    # core's field limit, nginx's body limit), still a 4xx.
    for size in (100000, 1 << 20):
        mb = "y" * size
        for field in ADDRESS:
            b.get("/account/addresses/new")
            r = b.post("/account/addresses", dict(ADDRESS, **{field: mb}))
            check(400 <= r.status < 500, "%d bytes in %s: %d"
                  % (size, field, r.status))
    anon.get("/account/register")
    r = anon.post("/account/register", {"email": mb, "password": mb})
    check(400 <= r.status < 500, "1 MB register: %d" % r.status)
    eq(count(s, "account_addresses"), before, "no address written")
    eq(count(s, "souk_users"), users, "no user written")
    # The other forms: login, reset, profile, tokens.
    anon.get("/account/login")
    eq(anon.post("/account/login", {"email": "x' OR '1'='1",
                                    "password": "x"}).status, 422,
       "login: metacharacters in the email")
    eq(anon.post("/account/login", {"email": EMAIL,
                                    "password": "' OR 1=1 --"}).status, 401,
       "login: metacharacters in the password are just wrong")
    eq(anon.post("/account/login", {"email": EMAIL,
                                    "password": big}).status, 422,
       "login: 10 kB password")
    anon.get("/account/reset")
    eq(anon.post("/account/reset", {"email": big}).status, 422,
       "reset: 10 kB email")
    eq(anon.post("/account/reset", {"email": "'; --"}).status, 422,
       "reset: invalid email")
    eq(count(s, "account_reset_tokens"), 0, "no reset token")
    b.get("/account")
    eq(b.post("/account/profile", {"name": big}).status, 422,
       "profile: 10 kB name")
    eq(b.post("/account/email", {"new_email": "not an email",
                                 "password": PASSWORD}).status, 422,
       "email change: invalid address")
    eq(count(s, "account_email_tokens"), 0, "no email token")
    b.get("/account/tokens")
    eq(b.post("/account/tokens", {"label": big}).status, 422,
       "tokens: 10 kB label")
    eq(b.post("/account/tokens", {"label": ""}).status, 422,
       "tokens: empty label")
    eq(count(s, "souk_api_tokens"), 0, "no token")
    # Control characters.
    b.get("/account/addresses/new")
    eq(b.post("/account/addresses", dict(ADDRESS, name="a\x01b")).status,
       422, "control character")


@uses_db
def test_csrf_and_dead_sessions(ctx):
    s, _ = accounts_stack(ctx, mail=False)
    b = Browser(s)
    b.register()
    before = count(s, "account_addresses")
    b.get("/account/addresses/new")
    r = b.post("/account/addresses", ADDRESS, csrf=False)
    eq(r.status, 403, "missing CSRF token")
    r = b.post("/account/addresses", ADDRESS, csrf="0" * 64)
    eq(r.status, 403, "wrong CSRF token")
    # Another session's token does not fit this session.
    other = Browser(s)
    other.get("/account/login")
    r = b.post("/account/addresses", ADDRESS, csrf=other.csrf)
    eq(r.status, 403, "another session's CSRF token")
    eq(count(s, "account_addresses"), before, "nothing written")
    # A session that is gone (expired, or never was): no access.
    dead = Browser(s)
    dead.cookies = {k: "A" * len(v) for k, v in b.cookies.items()}
    r = dead.get("/account")
    eq(r.status, 303, "unknown session: to the login page")
    r = dead.post("/account/addresses", ADDRESS, csrf=b.csrf)
    eq(r.status, 403, "unknown session: POST refused")
    eq(dead.api("GET", "/api/v1/account").status, 401, "unknown: API 401")
    # Expire the real session in the database: the same as unknown.
    s.sql("UPDATE souk_sessions SET expires_at = 1")
    r = b.get("/account")
    eq(r.status, 303, "expired session: to the login page")
    r = b.post("/account/addresses", ADDRESS)
    check(r.status in (303, 403), "expired session: refused (%d)"
          % r.status)
    eq(count(s, "account_addresses"), before, "still nothing written")
    # A register or login POST without a token changes nothing either.
    anon = Browser(s)
    r = anon.post("/account/register", {"email": "eve@example.test",
                                        "password": PASSWORD}, csrf=False)
    eq(r.status, 403, "register without CSRF")
    eq(count(s, "souk_users", "email = ?", ("eve@example.test",)), 0,
       "no account")


@uses_db
def test_one_account_per_group(ctx):
    sites = [site("demo", "localhost 127.0.0.1 demo.test", group="shops"),
             site("outlet", "outlet.test", group="shops"),
             site("other", "other.test")]
    s, _ = accounts_stack(ctx, sites=sites, mail=False)
    Browser(s, "demo.test").register()
    eq(Browser(s, "outlet.test").login().status, 303,
       "the account works on a sibling site of the group")
    eq(Browser(s, "other.test").login().status, 401,
       "but not on a site of another group")
    Browser(s, "other.test").register()
    eq(count(s, "souk_users", "email = ?", (EMAIL,)), 2,
       "the other group has its own account with that email")

"""Sessions, CSRF, login and permissions through nginx on either engine:
anonymous browsing writes nothing, a form without its token gets 403 and
changes nothing, login gives a new session id, a route's permission answers
401 / 403 before the handler, and an API token stands in for a session."""

import os
import subprocess
from urllib.parse import urlencode

from harness import check, eq
from harness import fcgi_params_for, fcgi_request
from test_cli import souk_bin

USES_DB = True

JSON = {"Accept": "application/json"}
FORM = {"Accept": "application/json",
        "Content-Type": "application/x-www-form-urlencoded"}


def sid(r):
    """The souk_sid value a Set-Cookie carries, or None."""
    sc = r.header("set-cookie") or ""
    name, _, rest = sc.partition("=")
    if name not in ("souk_sid", "__Host-souk_sid"):
        return None
    return rest.split(";", 1)[0]


def cookie(value):
    h = dict(FORM)
    h["Cookie"] = "souk_sid=%s" % value
    return h


def session_stack(ctx):
    s = ctx.stack()
    s.need_db()
    return s


def add_user(ctx, s, email, role, password="pass word 1"):
    env = dict(os.environ, SOUK_PASSWORD=password)
    p = subprocess.run([souk_bin(ctx), "-c", s.conf, "user", "add", email,
                        "--role", role], capture_output=True, text=True,
                       env=env, timeout=60)
    eq(p.returncode, 0, "souk user add %s: %s" % (email, p.stderr.strip()))
    return p.stdout


def test_anonymous_and_csrf(ctx):
    s = session_stack(ctx)
    r = s.http("GET", "/test/session", headers=JSON)
    eq(r.status, 200, "anonymous page")
    check(r.header("set-cookie") is None, "anonymous browsing: no cookie")
    eq(r.json()["active"], False, "no session")
    eq(s.sql("SELECT COUNT(*) FROM souk_sessions")[0][0], "0",
       "anonymous browsing writes nothing")

    r = s.http("POST", "/test/form", body=b"a=1", headers=FORM)
    eq(r.status, 403, "a form without a session")
    check("security token" in r.json()["error"]["message"],
          "the 403 says why: %r" % r.body[:200])

    r = s.http("GET", "/test/session?start=1", headers=JSON)
    v = sid(r)
    sc = r.header("set-cookie") or ""
    check(v is not None and len(v) == 64, "a 256-bit id: %r" % sc)
    check("HttpOnly" in sc and "SameSite=Lax" in sc and "Secure" not in sc,
          "HttpOnly, SameSite=Lax, no Secure over HTTP: %r" % sc)
    token = r.json()["csrf"]
    eq(s.sql("SELECT COUNT(*) FROM souk_sessions WHERE id_hash = ?",
             (v,))[0][0], "0", "the table holds a hash, not the id")

    r = s.http("POST", "/test/form", body=b"a=1", headers=cookie(v))
    eq(r.status, 403, "a form without its token")
    bad = ("0" if token[0] != "0" else "1") + token[1:]
    r = s.http("POST", "/test/form", body=urlencode(
        {"csrf_token": bad}).encode(), headers=cookie(v))
    eq(r.status, 403, "a form with a wrong token")
    r = s.http("POST", "/test/form", body=urlencode(
        {"csrf_token": token}).encode(), headers=cookie(v))
    eq(r.status, 200, "a form with the session's token")
    h = cookie(v)
    h["X-CSRF-Token"] = token
    eq(s.http("POST", "/test/form", body=b"", headers=h).status, 200,
       "the token in X-CSRF-Token")
    eq(s.http("POST", "/hello/echo", body=b"a=1", headers=FORM).status, 200,
       "a SOUK_ROUTE_NO_CSRF route takes a POST without a token")


def test_https_cookie(ctx):
    s = session_stack(ctx)
    params = fcgi_params_for("GET", "/test/session?start=1",
                             headers=JSON) + [("HTTPS", "on")]
    r = fcgi_request(s.sock, "GET", "/test/session?start=1", params=params)
    sc = r.header("set-cookie") or ""
    check(sc.startswith("__Host-souk_sid=") and "; Secure" in sc
          and "Path=/" in sc and "Domain" not in sc,
          "HTTPS: __Host- prefix, Secure, Path=/: %r" % sc)


def test_login_permission_token(ctx):
    s = session_stack(ctx)
    out = add_user(ctx, s, "Owner@Example.org", "admin")
    check("owner@example.org" in out, "souk user add reports: %r" % out)
    add_user(ctx, s, "cust@example.org", "customer")
    p = subprocess.run([souk_bin(ctx), "-c", s.conf, "user", "add",
                        "CUST@example.org", "--role", "admin"],
                       capture_output=True, text=True, timeout=60,
                       env=dict(os.environ, SOUK_PASSWORD="x"))
    check(p.returncode == 1 and "already has an account" in p.stderr,
          "a second account with the same email is refused: %r" % p.stderr)

    eq(s.http("GET", "/test/admin", headers=JSON).status, 401,
       "permission route, anonymous: 401")

    r = s.http("GET", "/test/session?start=1", headers=JSON)
    anon, token = sid(r), r.json()["csrf"]

    def login(email, password, sess, tok):
        return s.http("POST", "/test/login", body=urlencode(
            {"csrf_token": tok, "email": email,
             "password": password}).encode(), headers=cookie(sess))

    eq(login("cust@example.org", "nope", anon, token).status, 401,
       "wrong password")
    r = login("cust@example.org", "pass word 1", anon, token)
    eq(r.status, 200, "customer logs in")
    cust = sid(r)
    check(cust and cust != anon, "a new session id at login")
    r = s.http("GET", "/test/session", headers=cookie(anon))
    eq(r.json()["active"], False, "the pre-login id is dead")
    eq(s.http("GET", "/test/admin", headers=cookie(cust)).status, 403,
       "a customer: 403")

    r = s.http("GET", "/test/session?start=1", headers=JSON)
    anon2, token2 = sid(r), r.json()["csrf"]
    r = login("owner@example.org", "pass word 1", anon2, token2)
    owner = sid(r)
    eq(r.status, 200, "the owner logs in")
    eq(s.http("GET", "/test/admin", headers=cookie(owner)).status, 200,
       "admin holds the permission")

    tok = s.http("GET", "/test/session", headers=cookie(owner)).json()["csrf"]
    r = s.http("POST", "/test/token", body=urlencode(
        {"csrf_token": tok}).encode(), headers=cookie(owner))
    eq(r.status, 200, "an API token")
    api = r.json()["token"]
    h = dict(FORM)
    h["Authorization"] = "Bearer " + api
    r = s.http("POST", "/test/form", body=b"", headers=h)
    eq(r.status, 200, "a POST with the API token needs no CSRF token")
    eq(r.json()["user"], s.http("GET", "/test/session",
                                headers=cookie(owner)).json()["user"],
       "the token stands for its user")
    check(r.header("set-cookie") is None, "an API call gets no cookie")
    h["Authorization"] = "Bearer " + "0" * 64
    eq(s.http("POST", "/test/form", body=b"", headers=h).status, 401,
       "a wrong token: 401")

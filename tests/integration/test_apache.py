"""The core checks again through Apache httpd and mod_proxy_fcgi, using
conf/apache/souk.conf (port from the kernel, retried when taken)."""

import os

from harness import APACHE, check, eq, needs
from test_http import check_security_headers, multipart

JSON = {"Accept": "application/json"}


def apache_stack(ctx, **conf):
    # Apache's children run as www-data when it starts as root: the
    # socket's group lets them in. As another user, children stay that user.
    extra = {"socket_group": "www-data"} if os.geteuid() == 0 else {}
    s = ctx.stack(nginx=False, server_extra=extra, **conf)
    s.start_apache()
    return s


@needs(APACHE)
def test_apache_hello(ctx):
    s = apache_stack(ctx, settings={"hello.greeting": "Via Apache"})
    r = s.http("GET", "/hello", port=s.port)
    eq(r.status, 200, "GET /hello HTML")
    check(r.header("content-type").startswith("text/html"), "HTML")
    check_security_headers(r, "Apache HTML")
    r = s.http("GET", "/hello", headers=JSON, port=s.port)
    eq(r.status, 200, "GET /hello JSON")
    eq(r.json().get("message"), "Via Apache", "greeting")
    eq(r.json().get("site"), "demo", "Host with a port finds the site")
    check_security_headers(r, "Apache JSON")


@needs(APACHE)
def test_apache_errors(ctx):
    s = apache_stack(ctx)
    r = s.http("GET", "/no/such/page", headers=JSON, port=s.port)
    eq(r.status, 404, "404 through Apache")
    eq(r.json()["error"]["status"], 404, "JSON error body")
    r = s.http("DELETE", "/hello", headers=JSON, port=s.port)
    eq(r.status, 405, "405 through Apache")
    check("GET" in (r.header("allow") or ""), "Allow through Apache")
    r = s.http("GET", "/hello/%2e%2e/hello", headers=JSON, port=s.port)
    check(r.status in (400, 404), "encoded .. refused: %d" % r.status)


@needs(APACHE)
def test_apache_forms(ctx):
    s = apache_stack(ctx)
    r = s.http("POST", "/hello/echo?q=1", body=b"a=b+c",
               headers={"Accept": "application/json",
                        "Content-Type": "application/x-www-form-urlencoded"},
               port=s.port)
    eq(r.status, 200, "urlencoded POST")
    eq(r.json()["form"], {"a": "b c"}, "form")
    eq(r.json()["query"], {"q": "1"}, "query (REQUEST_URI from Apache)")
    body, ctype = multipart([("t", "x")],
                            [("file", "a.txt", "text/plain", b"hello\n")])
    r = s.http("POST", "/hello/echo", body=body,
               headers={"Accept": "application/json",
                        "Content-Type": ctype}, port=s.port)
    eq(r.status, 200, "multipart POST")
    eq(r.json()["uploads"][0]["size"], 6, "upload size")
    r = s.http("POST", "/hello/echo", body=b"x" * (2 << 20),
               headers={"Content-Type": "application/octet-stream"},
               port=s.port)
    eq(r.status, 413, "body over the cap")


@needs(APACHE)
def test_apache_assets(ctx):
    s = apache_stack(ctx)
    with open(os.path.join(s.T, "public", "assets", "a.css"), "w") as f:
        f.write("p{}\n")
    before = len(s.access_lines())
    r = s.http("GET", "/assets/a.css", port=s.port)
    eq(r.status, 200, "asset through Apache")
    eq(r.body, b"p{}\n", "asset bytes")
    check("max-age=31536000" in (r.header("cache-control") or ""),
          "long cache lifetime")
    eq(len(s.access_lines()), before, "soukd never saw the asset")

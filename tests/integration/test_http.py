"""Through nginx with conf/nginx/souk.conf: what a shop's visitors and
plugins rely on (pages, JSON, headers, sites, forms, uploads, cookies)."""

import json
import os
import re
import threading
from urllib.parse import quote

from harness import TestFailure, check, eq, slow, wait_for

JSON = {"Accept": "application/json"}

SECURITY_HEADERS = {
    "x-content-type-options": "nosniff",
    "x-frame-options": None,
    "referrer-policy": None,
    "content-security-policy": None,
    "x-request-id": None,
}


def check_security_headers(r, what):
    for name, want in SECURITY_HEADERS.items():
        got = r.header(name)
        check(got, "%s: header %s missing (%r)" % (what, name, r.headers))
        if want is not None:
            eq(got, want, "%s: %s" % (what, name))
    csp = r.header("content-security-policy")
    check("default-src" in csp, "%s: CSP sets default-src: %r" % (what, csp))


def test_hello_html(ctx):
    s = ctx.stack()
    r = s.http("GET", "/hello")
    eq(r.status, 200, "GET /hello status")
    check(r.header("content-type").startswith("text/html"),
          "HTML by default: %r" % r.header("content-type"))
    body = r.text()
    check(body.lstrip().lower().startswith("<!doctype html"),
          "a full HTML page")
    check("Hello" in body, "the greeting is on the page")
    check('class="hello-footer"' in body,
          "the hello plugin's page.footer slot is rendered")
    check("<script" not in body.lower(), "no inline script (CSP)")
    check_security_headers(r, "GET /hello HTML")


def test_hello_json(ctx):
    s = ctx.stack(settings={"hello.greeting": "Salaam from settings"})
    r = s.http("GET", "/hello", headers=JSON)
    eq(r.status, 200, "GET /hello JSON status")
    check(r.header("content-type").startswith("application/json"),
          "JSON when asked: %r" % r.header("content-type"))
    j = r.json()
    eq(j.get("message"), "Salaam from settings", "greeting setting used")
    eq(j.get("site"), "demo", "site id in the model")
    check_security_headers(r, "GET /hello JSON")
    # /api/ paths answer JSON without an Accept header.
    r = s.http("GET", "/api/nothing-here")
    check(r.header("content-type").startswith("application/json"),
          "an /api/ path answers JSON, even an error: %r" % r.headers)


def test_home_and_named_hello(ctx):
    s = ctx.stack()
    r = s.http("GET", "/", headers=JSON)
    eq(r.status, 200, "GET / status")
    eq(r.json().get("site"), "demo", "home model names the site")
    r = s.http("GET", "/hello/Amina", headers=JSON)
    eq(r.status, 200, "GET /hello/Amina status")
    eq(r.json().get("message"), "Hello, Amina!", "named greeting")
    r = s.http("GET", "/hello/" + "x" * 40, headers=JSON)
    eq(r.status, 404, "a name over the route's {1,32} constraint")


def test_request_id_in_access_log(ctx):
    s = ctx.stack()
    r = s.http("GET", "/hello?from=log", headers=JSON)
    eq(r.status, 200, "status")
    rid = r.header("x-request-id")
    check(re.fullmatch(r"[0-9a-f]{32}", rid or ""),
          "nginx's $request_id reaches soukd: %r" % rid)

    def logged():
        return [l for l in s.access_lines() if "req=%s " % rid in l]
    lines = wait_for(logged, "access log line for " + rid, 5)
    line = lines[0]
    for part in ("site=demo", "method=GET", "path=/hello", "route=/hello",
                 "status=200"):
        check(part in line.split(), "access log has %s: %r" % (part, line))
    check(re.search(r" us=\d+", line), "access log has us=N: %r" % line)


def test_not_found(ctx):
    s = ctx.stack()
    r = s.http("GET", "/no/such/page", headers=JSON)
    eq(r.status, 404, "unknown path")
    j = r.json()
    err = j.get("error") or {}
    eq(err.get("status"), 404, "error.status")
    check(isinstance(err.get("message"), str) and len(err["message"]) > 3,
          "error.message says why: %r" % j)
    eq(j.get("request_id"), r.header("x-request-id"), "request_id")
    check_security_headers(r, "404 JSON")
    r = s.http("GET", "/no/such/page")
    eq(r.status, 404, "unknown path, HTML")
    check(r.header("content-type").startswith("text/html"), "HTML error")
    check("404" in r.text(), "the page shows the status")
    check_security_headers(r, "404 HTML")


def test_method_not_allowed(ctx):
    s = ctx.stack()
    r = s.http("DELETE", "/hello", headers=JSON)
    eq(r.status, 405, "DELETE /hello")
    allow = [m.strip() for m in (r.header("allow") or "").split(",")]
    check("GET" in allow and "HEAD" in allow,
          "Allow lists GET and HEAD: %r" % r.header("allow"))
    check("POST" not in allow, "Allow has only what /hello takes")
    eq(r.json()["error"]["status"], 405, "error.status")


def test_head(ctx):
    s = ctx.stack()
    g = s.http("GET", "/hello")
    raw = s.raw_http(b"HEAD /hello HTTP/1.1\r\nHost: localhost\r\n"
                     b"Connection: close\r\n\r\n")
    head, _, rest = raw.partition(b"\r\n\r\n")
    check(head.startswith(b"HTTP/1.1 200"), "HEAD status: %r" % head[:40])
    eq(rest, b"", "HEAD answer has no body")
    m = re.search(rb"(?im)^content-length:\s*(\d+)", head)
    check(m, "HEAD carries Content-Length: %r" % head)
    eq(int(m.group(1)), len(g.body), "HEAD length equals GET body length")
    # nginx drops a HEAD body itself; check soukd's own answer too.
    f = s.fcgi("HEAD", "/hello")
    eq(f.status, 200, "HEAD via FastCGI")
    eq(f.body, b"", "soukd sends no body for HEAD")
    eq(int(f.header("content-length") or -1), len(g.body),
       "soukd's HEAD Content-Length")


def test_unknown_host_default_site(ctx):
    s = ctx.stack()
    r = s.http("GET", "/hello", host="nowhere.example", headers=JSON)
    eq(r.status, 200, "unknown host served by default_site")
    eq(r.json().get("site"), "demo", "default site answers")


def test_unknown_host_no_default(ctx):
    s = ctx.stack(default_site=None)
    r = s.http("GET", "/hello", host="nowhere.example", headers=JSON)
    eq(r.status, 404, "unknown host without default_site")
    msg = r.json()["error"]["message"]
    check("site" in msg.lower(), "message says no site: %r" % msg)
    r = s.http("GET", "/hello", host="localhost", headers=JSON)
    eq(r.status, 200, "a known host still works")


def test_site_without_hello(ctx):
    s = ctx.stack(sites=[
        ("demo", "localhost", "hello testkit", {}),
        ("bare", "bare.test", "testkit", {})])
    r = s.http("GET", "/hello", host="bare.test", headers=JSON)
    eq(r.status, 404, "/hello on a site without the hello plugin")
    r = s.http("GET", "/test/pid", host="bare.test", headers=JSON)
    eq(r.status, 200, "the site's own plugin answers")
    r = s.http("GET", "/hello", host="localhost", headers=JSON)
    eq(r.status, 200, "/hello on the site with hello")


def test_two_sites_two_greetings(ctx):
    s = ctx.stack(sites=[
        ("demo", "localhost demo.test", "hello",
         {"hello.greeting": "Welcome to demo"}),
        ("souq", "souq.test", "hello",
         {"hello.greeting": "Ahlan from souq"})])
    a = s.http("GET", "/hello", host="demo.test", headers=JSON).json()
    b = s.http("GET", "/hello", host="SOUQ.test:8080", headers=JSON).json()
    eq(a.get("message"), "Welcome to demo", "site demo greeting")
    eq(a.get("site"), "demo", "site demo id")
    eq(b.get("message"), "Ahlan from souq",
       "site souq greeting (host case and port ignored)")
    eq(b.get("site"), "souq", "site souq id")


def test_site_plugins_change_without_restart(ctx):
    s = ctx.stack()
    eq(s.http("GET", "/hello", headers=JSON).status, 200, "before")
    pid = s.pid()
    s.write_conf(sites=[("demo", "localhost 127.0.0.1 demo.test",
                         "testkit", {})])

    def gone():
        return s.http("GET", "/hello", headers=JSON).status == 404
    wait_for(gone, "/hello to disappear after the edit", 10, s.soukd_alive,
             step=0.2)
    eq(s.pid(), pid, "same worker (no restart)")
    s.write_conf()
    wait_for(lambda: s.http("GET", "/hello").status == 200,
             "/hello to come back", 10, s.soukd_alive, step=0.2)


def test_assets_served_by_nginx(ctx):
    s = ctx.stack()
    with open(os.path.join(s.T, "public", "assets", "site.css"), "w") as f:
        f.write("body { color: teal; }\n")
    before = len(s.access_lines())
    r = s.http("GET", "/assets/site.css")
    eq(r.status, 200, "asset status")
    eq(r.text(), "body { color: teal; }\n", "asset bytes")
    check("max-age=31536000" in (r.header("cache-control") or ""),
          "long cache lifetime: %r" % r.header("cache-control"))
    eq(s.http("GET", "/assets/missing.css").status, 404, "missing asset")
    eq(len(s.access_lines()), before, "soukd never saw the asset requests")


def echo(s, body, content_type, path="/hello/echo", headers=None):
    h = dict(JSON)
    if content_type:
        h["Content-Type"] = content_type
    h.update(headers or {})
    r = s.http("POST", path, body=body, headers=h)
    eq(r.status, 200, "POST %s status" % path)
    return r.json()


def test_post_urlencoded(ctx):
    s = ctx.stack()
    j = echo(s, b"a=1&b=hello+world&c=%C3%A9t%C3%A9",
             "application/x-www-form-urlencoded", "/hello/echo?q=x%20y")
    eq(j.get("method"), "POST", "method")
    eq(j.get("path"), "/hello/echo", "path")
    eq(j["form"].get("a"), "1", "field a")
    eq(j["form"].get("b"), "hello world", "plus is space in forms")
    eq(j["form"].get("c"), "\u00e9t\u00e9", "UTF-8 percent-decoded")
    eq(j["query"].get("q"), "x y", "query decoded")


def multipart(fields, files, boundary="----soukTestBoundary7MA4YWxk"):
    out = []
    for name, value in fields:
        out.append(("--%s\r\nContent-Disposition: form-data; name=\"%s\""
                    "\r\n\r\n%s\r\n" % (boundary, name, value)).encode())
    for name, filename, ctype, data in files:
        out.append(("--%s\r\nContent-Disposition: form-data; name=\"%s\"; "
                    "filename=\"%s\"\r\nContent-Type: %s\r\n\r\n"
                    % (boundary, name, filename, ctype)).encode()
                   + data + b"\r\n")
    out.append(("--%s--\r\n" % boundary).encode())
    return b"".join(out), "multipart/form-data; boundary=" + boundary


def test_post_multipart_file(ctx):
    s = ctx.stack()
    data = bytes(range(256)) * 40                     # binary, 10240 bytes
    body, ctype = multipart([("title", "Invoice \u2116 7")],
                            [("file", "report.bin",
                              "application/octet-stream", data)])
    j = echo(s, body, ctype)
    eq(j["form"].get("title"), "Invoice \u2116 7", "text field")
    ups = j.get("uploads") or []
    eq(len(ups), 1, "one upload")
    eq(ups[0], {"name": "file", "filename": "report.bin",
                "content_type": "application/octet-stream",
                "size": len(data)}, "upload description")


def test_upload_near_the_cap(ctx):
    """A 900 kB file under the 1 MB cap: nginx spools it to a temp file,
    soukd reads every byte."""
    s = ctx.stack()
    data = os.urandom(900 * 1024)
    body, ctype = multipart([], [("file", "photo.jpg", "image/jpeg", data)])
    j = echo(s, body, ctype)
    eq(j["uploads"][0]["size"], len(data), "all bytes arrived")


def test_html_escapes_user_input(ctx):
    s = ctx.stack()
    evil = '<script>alert("x")</script><img src=x onerror=alert(1)>'
    r = s.http("POST", "/hello/echo",
               body=("note=" + quote(evil)).encode(),
               headers={"Content-Type":
                        "application/x-www-form-urlencoded"})
    eq(r.status, 200, "status")
    check(r.header("content-type").startswith("text/html"), "an HTML page")
    page = r.text()
    check("<script>alert" not in page and "<img src=x" not in page,
          "user input is not markup: %r" % page[:500])
    check("&lt;script&gt;alert" in page, "it is shown escaped")


def test_post_json(ctx):
    s = ctx.stack()
    doc = {"sku": "TEA-1", "qty": 3, "tags": ["green", "\u0634\u0627\u064a"],
           "nested": {"ok": True, "none": None}}
    j = echo(s, json.dumps(doc).encode(), "application/json")
    eq(j.get("json"), doc, "JSON body parsed and echoed")


def test_cookies(ctx):
    s = ctx.stack()
    j = echo(s, b"", None, headers={"Cookie": "sid=abc123; theme=dark"})
    eq(j.get("cookies"), {"sid": "abc123", "theme": "dark"}, "cookies")


@slow
def test_64_concurrent_connections(ctx):
    s = ctx.stack(workers=2)
    results, errors = [], []
    lock = threading.Lock()

    def client(n):
        for i in range(4):
            try:
                r = s.http("GET", "/hello?c=%d&i=%d" % (n, i), headers=JSON)
                with lock:
                    results.append(r.status)
            except Exception as e:  # noqa: BLE001 - counted as a failure
                with lock:
                    errors.append(repr(e))
    threads = [threading.Thread(target=client, args=(n,)) for n in range(64)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    check(not errors, "client errors: %r" % errors[:3])
    eq(len(results), 256, "every request answered")
    bad = [x for x in results if x != 200]
    check(not bad, "all 200, got %d others: %r" % (len(bad), bad[:5]))


def test_body_over_cap_through_nginx(ctx):
    s = ctx.stack()
    r = s.http("POST", "/hello/echo", body=b"x" * (10 << 20),
               headers={"Content-Type": "application/octet-stream"})
    eq(r.status, 413, "10 MB body through nginx (cap 1 MB)")
    eq(s.http("GET", "/hello").status, 200, "next request")


def test_many_form_fields_through_nginx(ctx):
    s = ctx.stack()
    pid = s.pid()
    body = "&".join("f%d=v" % i for i in range(10000)).encode()
    r = s.http("POST", "/hello/echo", body=body,
               headers={"Content-Type": "application/x-www-form-urlencoded",
                        "Accept": "application/json"})
    eq(r.status, 400, "10,000-field form")
    check("param" in r.json()["error"]["message"].lower(),
          "message names the cause: %r" % r.body[:200])
    eq(s.pid(), pid, "same worker answers next")


if __name__ == "__main__":
    raise TestFailure("run through run.py")

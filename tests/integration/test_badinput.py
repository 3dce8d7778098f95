"""Hostile and broken input, mostly sent straight to soukd's socket with
the harness's FastCGI client: each gets a clear 4xx, and the same worker
(workers = 1, compared by pid) answers the next request."""

import re
import socket
import struct
import threading

from harness import (FCGI_PARAMS, FCGI_STDIN, check, eq,
                     fcgi_begin, fcgi_exchange, fcgi_len, fcgi_pairs,
                     fcgi_params_for, fcgi_record, fcgi_stream, slow,
                     wait_for)

JSON = {"Accept": "application/json"}


def clear_4xx(r, status, words, what):
    """status as given, and a body (JSON or HTML: a request refused while
    its headers are parsed may not know it wanted JSON) whose message
    mentions one of words."""
    eq(r.status, status, what + " status")
    try:
        text = r.json()["error"]["message"]
    except (ValueError, KeyError, TypeError):
        text = r.body.decode("utf-8", "replace")
    check(any(w in text.lower() for w in words),
          "%s: message %r mentions one of %r" % (what, text[:300], words))


def same_worker(s, pid, what):
    eq(s.pid(), pid, what + ": the same worker answers next")


def test_malformed_fastcgi_params(ctx):
    s = ctx.stack(nginx=False)
    pid = s.pid()
    # A parameter with an empty name (libfcgi turns it into "=x").
    params = fcgi_params_for("GET", "/hello", headers=JSON) + [("", "x")]
    r = s.fcgi("GET", "/hello", params=params)
    clear_4xx(r, 400, ("parameter", "malformed"), "empty param name")
    same_worker(s, pid, "empty param name")
    # A header value that is not UTF-8.
    params = fcgi_params_for("GET", "/hello", headers=JSON) + \
        [("HTTP_X_BAD", b"\xff\xfe")]
    r = s.fcgi("GET", "/hello", params=params)
    eq(r.status, 400, "non-UTF-8 header value")
    same_worker(s, pid, "non-UTF-8 header")
    # No REQUEST_METHOD at all.
    params = [(k, v) for k, v in fcgi_params_for("GET", "/hello",
                                                 headers=JSON)
              if k != "REQUEST_METHOD"]
    r = s.fcgi("GET", "/hello", params=params)
    eq(r.status, 400, "missing REQUEST_METHOD")
    same_worker(s, pid, "missing REQUEST_METHOD")


def test_request_id_is_checked(ctx):
    """A REQUEST_ID that could split a header or a log line is replaced by
    soukd's own id; a well-formed one is kept."""
    s = ctx.stack(nginx=False)
    for bad in ("a b", "x" * 33, "id\r\nSet-Cookie: a=b", "\u00e9t\u00e9"):
        params = fcgi_params_for("GET", "/hello", headers=JSON,
                                 extra=[("REQUEST_ID", bad)])
        r = s.fcgi("GET", "/hello", params=params)
        eq(r.status, 200, "status with REQUEST_ID %r" % bad)
        rid = r.header("x-request-id") or ""
        check(rid != bad and re.fullmatch(r"[A-Za-z0-9-]{1,32}", rid),
              "REQUEST_ID %r replaced, got %r" % (bad, rid))
        check("set-cookie" not in r.headers, "no header injected")
    params = fcgi_params_for("GET", "/hello", headers=JSON,
                             extra=[("REQUEST_ID", "edge-42-AbC")])
    eq(s.fcgi("GET", "/hello", params=params).header("x-request-id"),
       "edge-42-AbC", "a well-formed REQUEST_ID is kept")


def test_broken_fastcgi_records(ctx):
    """Records no web server sends: a pair whose lengths run past the
    params stream, a record cut short, garbage. Whatever soukd answers, the
    worker survives them."""
    s = ctx.stack(nginx=False)
    pid = s.pid()
    good = fcgi_pairs(fcgi_params_for("GET", "/hello"))
    payloads = [
        # value length 200 but only 3 bytes follow before the stream ends
        fcgi_begin() + fcgi_stream(FCGI_PARAMS, good + b"\x04\x80\x00\x00"
                                   b"\xc8NAMEabc"),
        # a params record announcing 100 bytes, connection closed after 10
        fcgi_begin() + struct.pack(">BBHHBx", 1, FCGI_PARAMS, 1, 100, 0)
        + good[:10],
        # not FastCGI at all
        b"GET / HTTP/1.1\r\nHost: x\r\n\r\n",
        # wrong version byte
        b"\x09" + fcgi_begin()[1:] + fcgi_stream(FCGI_PARAMS, good),
    ]
    for i, p in enumerate(payloads):
        sk = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        sk.settimeout(10)
        sk.connect(s.sock)
        try:
            sk.sendall(p)
            sk.shutdown(socket.SHUT_WR)
            while sk.recv(65536):
                pass
        except (ConnectionResetError, BrokenPipeError, socket.timeout):
            pass
        finally:
            sk.close()
        eq(s.fcgi("GET", "/hello", headers=JSON).status, 200,
           "payload %d: next request" % i)
    same_worker(s, pid, "broken records")


def test_body_over_cap_direct(ctx):
    s = ctx.stack(nginx=False)
    pid = s.pid()
    body = b"z" * (10 << 20)
    r = s.fcgi("POST", "/hello/echo", body=body, headers=JSON,
               content_type="application/octet-stream", timeout=60)
    clear_4xx(r, 413, ("large", "limit"), "10 MB body, 1 MB cap")
    check(r.ended, "a complete FastCGI answer (END_REQUEST)")
    same_worker(s, pid, "oversize body")


def test_truncated_multipart(ctx):
    s = ctx.stack(nginx=False)
    pid = s.pid()
    b = "----cutShort"
    body = ("--%s\r\nContent-Disposition: form-data; name=\"f\"; "
            "filename=\"a.txt\"\r\nContent-Type: text/plain\r\n\r\n"
            "half a file" % b).encode()
    r = s.fcgi("POST", "/hello/echo", body=body, headers=JSON,
               content_type="multipart/form-data; boundary=" + b)
    clear_4xx(r, 400, ("multipart", "truncated", "body", "boundary"),
              "multipart without its closing delimiter")
    same_worker(s, pid, "truncated multipart")
    r = s.fcgi("POST", "/hello/echo", body=b"--x\r\n", headers=JSON,
               content_type="multipart/form-data")
    eq(r.status, 400, "multipart without a boundary parameter")
    same_worker(s, pid, "multipart without boundary")


def test_invalid_percent_encoding(ctx):
    s = ctx.stack(nginx=False)
    pid = s.pid()
    for uri in ("/hello?x=%zz", "/hello?x=%4", "/hel%zzlo", "/hello%"):
        r = s.fcgi("GET", uri, headers=JSON)
        eq(r.status, 400, "invalid escape in %r" % uri)
    r = s.fcgi("POST", "/hello/echo", body=b"a=%G1", headers=JSON,
               content_type="application/x-www-form-urlencoded")
    eq(r.status, 400, "invalid escape in a form body")
    same_worker(s, pid, "invalid percent-encoding")


def test_dot_dot_paths(ctx):
    s = ctx.stack()
    pid = s.pid()
    for uri in ("/hello/../hello", "/../etc/passwd", "/hello/%2e%2e/hello",
                "/%2E%2E/hello", "/hello/.%2e/x"):
        r = s.fcgi("GET", uri, headers=JSON)
        eq(r.status, 400, "refused %r" % uri)
    # nginx normalises a plain /../ itself, but passes the raw
    # REQUEST_URI: the encoded form must still be refused.
    r = s.http("GET", "/hello/%2e%2e/hello", headers=JSON)
    eq(r.status, 400, "encoded .. through nginx")
    same_worker(s, pid, "dot-dot paths")


def test_unknown_host_direct(ctx):
    s = ctx.stack(nginx=False, default_site=None)
    pid = s.pid()
    r = s.fcgi("GET", "/hello", host="evil.example", headers=JSON)
    clear_4xx(r, 404, ("site",), "unknown host, no default site")
    r = s.fcgi("GET", "/test/pid", host="evil.example", headers=JSON)
    eq(r.status, 404, "no route of any site leaks to an unknown host")
    same_worker(s, pid, "unknown host")


def test_ten_thousand_query_params(ctx):
    s = ctx.stack(nginx=False, limits={"max_uri_len": 1048576})
    pid = s.pid()
    q = "&".join("p%d=%d" % (i, i) for i in range(10000))
    r = s.fcgi("GET", "/hello?" + q, headers=JSON)
    clear_4xx(r, 400, ("param",), "10,000 query parameters")
    same_worker(s, pid, "10,000 query params")


def test_long_uri(ctx):
    s = ctx.stack(nginx=False)
    pid = s.pid()
    r = s.fcgi("GET", "/hello?x=" + "a" * 10000, headers=JSON)
    clear_4xx(r, 414, ("uri", "long"), "a 10 kB URI (max_uri_len 8192)")
    same_worker(s, pid, "long URI")


def test_huge_header(ctx):
    s = ctx.stack(nginx=False)
    pid = s.pid()
    r = s.fcgi("GET", "/hello", headers={"Accept": "application/json",
                                         "X-Big": "a" * (1 << 20)})
    clear_4xx(r, 431, ("header",), "a 1 MB header")
    many = {"X-H%d" % i: "v" for i in range(500)}
    many["Accept"] = "application/json"
    r = s.fcgi("GET", "/hello", headers=many)
    eq(r.status, 431, "500 headers")
    same_worker(s, pid, "huge header")


def test_invalid_utf8(ctx):
    s = ctx.stack(nginx=False)
    pid = s.pid()
    cases = [("GET", "/hello?name=%ff", b"", None),
             ("GET", "/hello/%c3%28", b"", None),
             ("GET", "/hello?x=%c0%af", b"", None),        # overlong '/'
             ("POST", "/hello/echo", b"a=%ed%a0%80",       # surrogate
              "application/x-www-form-urlencoded"),
             ("POST", "/hello/echo", b'{"a":"\xff"}', "application/json")]
    for method, uri, body, ctype in cases:
        r = s.fcgi(method, uri, body=body, headers=JSON, content_type=ctype)
        eq(r.status, 400, "invalid UTF-8: %s %s %r" % (method, uri, body))
    same_worker(s, pid, "invalid UTF-8")


def test_invalid_json(ctx):
    s = ctx.stack(nginx=False)
    pid = s.pid()
    for body in (b"{bad", b'{"a":1} trailing', b"[" * 5000 + b"]" * 5000):
        r = s.fcgi("POST", "/hello/echo", body=body, headers=JSON,
                   content_type="application/json")
        eq(r.status, 400, "invalid JSON body %r" % body[:20])
    same_worker(s, pid, "invalid JSON")


def test_crafted_params_cve_2025_23016(ctx):
    """The nameLen/valueLen pattern of CVE-2025-23016 (lengths near
    INT_MAX whose sum overflows). The worker that reads it may die; the
    master replaces it, and a client running meanwhile is served."""
    s = ctx.stack(workers=2)
    # libfcgi's Malloc(nameLen + valueLen + 2) asks for ~2 GB: under ASan
    # that is a report, then the abort the test expects.
    s.allowed_sanitizer = ("allocation-size-too-big",
                           "requested allocation size")
    stop = threading.Event()
    statuses, errors = [], []

    def client():
        while not stop.is_set() and len(statuses) < 2000:
            try:
                statuses.append(s.http("GET", "/hello", headers=JSON).status)
            except Exception as e:  # noqa: BLE001 - counted as a failure
                errors.append(repr(e))
    th = threading.Thread(target=client)
    th.start()
    try:
        wait_for(lambda: len(statuses) >= 5 or errors,
                 "the concurrent client to get going", 10)
        patterns = [
            (0x7FFFFFFF, 0x7FFFFFFF),
            (0x7FFFFFFF, 0x7FFFFFFE),
            (0x7FFFFFFF, 0),
            (0x40000000, 0x40000000),
        ]
        for name_len, value_len in patterns:
            pair = fcgi_len(name_len) + fcgi_len(value_len) + b"A" * 64
            payload = (fcgi_begin()
                       + fcgi_record(FCGI_PARAMS, pair)
                       + fcgi_record(FCGI_PARAMS, b"")
                       + fcgi_record(FCGI_STDIN, b""))
            try:
                fcgi_exchange(s.sock, payload, timeout=5)
            except (socket.timeout, OSError):
                pass            # a worker stuck or gone: what follows counts
            for i in range(5):
                r = s.fcgi("GET", "/hello", headers=JSON)
                eq(r.status, 200, "request %d after crafted params %x/%x"
                   % (i, name_len, value_len))
        n = len(statuses)
        wait_for(lambda: len(statuses) >= n + 5 or errors,
                 "the concurrent client to keep going", 10)
    finally:
        stop.set()
        th.join(30)
    check(not errors, "concurrent client errors: %r" % errors[:3])
    bad = [x for x in statuses if x != 200]
    check(not bad, "concurrent client saw %r" % bad[:5])
    check(s.soukd_alive(), "the master survived")
    wait_for(lambda: len(s.worker_pids()) == 2, "two workers again", 10,
             s.soukd_alive)


@slow
def test_slowloris_body_does_not_block_others(ctx):
    """A client that announces a body and stalls holds one worker; with
    workers = 2 the other keeps serving."""
    s = ctx.stack(nginx=False, workers=2)
    sk = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    sk.connect(s.sock)
    try:
        params = fcgi_params_for("POST", "/hello/echo",
                                 content_type="text/plain",
                                 content_length=1000)
        sk.sendall(fcgi_begin() + fcgi_stream(FCGI_PARAMS,
                                              fcgi_pairs(params))
                   + fcgi_record(FCGI_STDIN, b"only a little"))
        for i in range(5):
            eq(s.fcgi("GET", "/hello", headers=JSON, timeout=10).status,
               200, "request %d while one worker waits for a body" % i)
    finally:
        sk.close()

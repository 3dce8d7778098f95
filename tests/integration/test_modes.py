"""soukd's other ways to run: under spawn-fcgi (socket on fd 0), as a plain
CGI program, and with -l / -w overriding the config."""

import json
import os
import signal
import socket
import subprocess

from harness import check, eq, fcgi_request, needs, wait_for

JSON = {"Accept": "application/json"}


@needs("spawn-fcgi")
def test_spawn_fcgi(ctx):
    s = ctx.stack(start=False, listen=False)
    sock = os.path.join(s.T, "spawn.sock")
    out = open(os.path.join(s.T, "soukd-stderr.log"), "ab")
    p = subprocess.Popen(["spawn-fcgi", "-n", "-s", sock, "-M", "0666",
                          "--", s.paths.soukd, "-c", s.conf],
                         stdin=subprocess.DEVNULL, stdout=out, stderr=out,
                         start_new_session=True)
    out.close()
    s.procs.append(p)
    s.soukd = p               # cleanup and dumps treat it as soukd
    s.wait_socket(sock, lambda: p.poll() is None)
    r = fcgi_request(sock, "GET", "/hello", headers=JSON)
    s.last = r
    eq(r.status, 200, "GET /hello under spawn-fcgi")
    eq(r.json().get("site"), "demo", "site")
    r = fcgi_request(sock, "POST", "/hello/echo", body=b"k=v",
                     headers=JSON,
                     content_type="application/x-www-form-urlencoded")
    eq(r.json()["form"], {"k": "v"}, "POST under spawn-fcgi")
    pid = int(fcgi_request(sock, "GET", "/test/pid", headers=JSON)
              .json()["pid"])
    eq(pid, p.pid, "no master: soukd itself answers on fd 0")
    p.send_signal(signal.SIGTERM)
    eq(p.wait(15), 0, "exit status after SIGTERM")


def cgi_env(s, method, uri, extra=None):
    path, _, query = uri.partition("?")
    env = {"GATEWAY_INTERFACE": "CGI/1.1", "REQUEST_METHOD": method,
           "REQUEST_URI": uri, "SCRIPT_NAME": "", "PATH_INFO": path,
           "QUERY_STRING": query, "SERVER_NAME": "localhost",
           "SERVER_PROTOCOL": "HTTP/1.1", "REMOTE_ADDR": "127.0.0.1",
           "HTTP_HOST": "localhost", "HTTP_ACCEPT": "application/json",
           "PATH": "/usr/bin:/bin"}
    env.update(extra or {})
    # A CGI environment is otherwise clean; the sanitizer settings of the
    # ASan run must still reach soukd.
    for k in ("ASAN_OPTIONS", "LSAN_OPTIONS", "UBSAN_OPTIONS"):
        if k in os.environ:
            env[k] = os.environ[k]
    return env


def parse_cgi(out):
    head, sep, body = out.partition(b"\r\n\r\n")
    check(sep, "CGI output has a header block: %r" % out[:200])
    headers = {}
    for line in head.decode("latin-1").split("\r\n"):
        k, _, v = line.partition(":")
        headers[k.strip().lower()] = v.strip()
    return headers, body


def test_cgi_post(ctx):
    s = ctx.stack(start=False)
    body = b"item=tea&qty=2"
    env = cgi_env(s, "POST", "/hello/echo?via=cgi",
                  {"CONTENT_LENGTH": str(len(body)),
                   "CONTENT_TYPE": "application/x-www-form-urlencoded"})
    p = subprocess.run([s.paths.soukd, "-c", s.conf], input=body, env=env,
                       capture_output=True, timeout=30)
    eq(p.returncode, 0, "CGI exit status (stderr %r)" % p.stderr[-300:])
    headers, out = parse_cgi(p.stdout)
    check(headers.get("status", "200").startswith("200"),
          "CGI status: %r" % headers)
    check(headers.get("x-content-type-options") == "nosniff",
          "security headers in CGI mode too")
    j = json.loads(out)
    eq(j.get("method"), "POST", "method")
    eq(j.get("form"), {"item": "tea", "qty": "2"}, "form from stdin")
    eq(j.get("query"), {"via": "cgi"}, "query from QUERY_STRING")
    check(not os.path.exists(s.sock), "CGI mode does not listen")


def test_cgi_error(ctx):
    s = ctx.stack(start=False)
    p = subprocess.run([s.paths.soukd, "-c", s.conf], input=b"",
                       env=cgi_env(s, "GET", "/nope"), capture_output=True,
                       timeout=30)
    eq(p.returncode, 0, "CGI exit status for a 404")
    headers, out = parse_cgi(p.stdout)
    check(headers.get("status", "").startswith("404"),
          "CGI 404: %r" % headers)


def test_listen_and_workers_flags(ctx):
    s = ctx.stack(start=False, workers=1)
    other = os.path.join(s.T, "flag.sock")
    s.sock = other
    s.start_soukd(args=["-l", other, "-w", "3"])
    wait_for(lambda: len(s.worker_pids()) == 3, "three workers (-w 3)", 10,
             s.soukd_alive)
    eq(s.fcgi("GET", "/hello", headers=JSON).status, 200,
       "served on the -l socket")
    check(not os.path.exists(os.path.join(s.T, "soukd.sock")),
          "the config's listen path was not used")


@needs("cgi-fcgi")
def test_tcp_listen(ctx):
    s = ctx.stack(start=False)
    sk = socket.socket()
    sk.bind(("127.0.0.1", 0))
    port = sk.getsockname()[1]
    sk.close()
    s.start_soukd(args=["-l", "127.0.0.1:%d" % port], wait=False)

    def up():
        c = socket.socket()
        try:
            c.connect(("127.0.0.1", port))
            return True
        except OSError:
            return False
        finally:
            c.close()
    wait_for(up, "soukd on TCP %d" % port, 10, s.soukd_alive)
    env = {"REQUEST_METHOD": "GET", "REQUEST_URI": "/hello",
           "QUERY_STRING": "", "HTTP_HOST": "localhost",
           "HTTP_ACCEPT": "application/json", "PATH": "/usr/bin:/bin"}
    p = subprocess.run(["cgi-fcgi", "-bind", "-connect",
                        "127.0.0.1:%d" % port], env=env, input=b"",
                       capture_output=True, timeout=30)
    headers, out = parse_cgi(p.stdout)
    check("Hello" in out.decode("utf-8", "replace"),
          "cgi-fcgi over TCP got the greeting: %r" % p.stdout[:300])

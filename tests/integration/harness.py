"""Integration harness: runs soukd, nginx and Apache in a temp dir and talks
to them over unix sockets (HTTP, and raw FastCGI for crafted records).

Standard library only. Every wait polls with a liveness check and a bound;
nothing waits for a fixed delay to mean "ready".

Each stack gets its own database on the engine the run was started with
(run.py --db sqlite|mariadb): a fresh SQLite file in the stack's temp dir,
or a fresh database on the shared MariaDB test server whose socket is
$SOUK_TEST_MARIADB_SOCKET (scripts/test starts it with tests/db/mariadb).
"""

import functools
import grp
import html
import itertools
import http.client
import json
import os
import re
import shutil
import signal
import sqlite3
import socket
import struct
import subprocess
import tempfile
import threading
import time
import urllib.parse
import uuid

HERE = os.path.dirname(os.path.abspath(__file__))
SRCDIR = os.path.normpath(os.path.join(HERE, "..", ".."))

NGINX = os.environ.get("NGINX", "/usr/sbin/nginx")
APACHE = os.environ.get("APACHE", "/usr/sbin/apache2")
APACHE_MODULES = "/usr/lib/apache2/modules"


class TestFailure(AssertionError):
    pass


class Skip(Exception):
    pass


def check(cond, what):
    if not cond:
        raise TestFailure(what)


def eq(got, want, what):
    if got != want:
        raise TestFailure("%s: got %r, want %r" % (what, got, want))


def wait_for(pred, what, timeout=10.0, alive=None, step=0.02):
    """Polls pred() until true; fails early when alive() says a process
    died, and after timeout seconds."""
    end = time.monotonic() + timeout
    while True:
        v = pred()
        if v:
            return v
        if alive is not None and not alive():
            raise TestFailure("process died while waiting for " + what)
        if time.monotonic() > end:
            raise TestFailure("timed out after %.1fs waiting for %s"
                              % (timeout, what))
        time.sleep(step)


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def read_file(path):
    try:
        with open(path, "rb") as f:
            return f.read().decode("utf-8", "replace")
    except OSError:
        return ""


# ---------------------------------------------------------------------------
# Where the programs under test are.

class Paths:
    """soukd and the plugin files, from a build dir or an install prefix.

    SOUK_BUILD (or --build) is the VPATH build dir; SOUK_PREFIX (or
    --prefix) an install prefix, whose soukd and hello.so then win. The
    testkit fixture is only ever in the build dir. db is the engine every
    stack uses: "sqlite" or "mariadb" (SOUK_TEST_DB; sqlite by default).
    """

    def __init__(self, build=None, prefix=None, db=None):
        build = build or os.environ.get("SOUK_BUILD")
        prefix = prefix or os.environ.get("SOUK_PREFIX")
        if not build:
            raise SystemExit("no build dir: pass --build DIR or SOUK_BUILD")
        self.build = os.path.abspath(build)
        self.prefix = os.path.abspath(prefix) if prefix else None
        if self.prefix:
            self.soukd = os.path.join(self.prefix, "sbin", "soukd")
            self.hello = os.path.join(self.prefix, "lib", "souk", "plugins",
                                      "hello.so")
        else:
            self.soukd = os.path.join(self.build, "soukd")
            self.hello = os.path.join(self.build, "plugins", "hello.so")
        self.testkit = os.path.join(self.build, "tests", "integration",
                                    "testkit.so")
        self.db = db or os.environ.get("SOUK_TEST_DB") or "sqlite"
        if self.db not in ("sqlite", "mariadb"):
            raise SystemExit("unknown database engine %r" % self.db)
        self.mariadb_socket = os.environ.get("SOUK_TEST_MARIADB_SOCKET")
        self._db_section = None

    def db_problem(self):
        """Why the chosen engine cannot be used, or None."""
        if self.db != "mariadb":
            return None
        if not self.mariadb_socket:
            return "--db mariadb needs SOUK_TEST_MARIADB_SOCKET " \
                "(tests/db/mariadb start DIR)"
        if not os.path.exists(self.mariadb_socket):
            return "no MariaDB socket at %s" % self.mariadb_socket
        if shutil.which("mariadb") is None:
            return "the mariadb client is not installed"
        return None

    def db_section(self):
        """True when this soukd knows the [database] section. Until the
        database layer is built, stacks run without one (and tests that
        need it skip), so the suite stays usable in between."""
        if self._db_section is None:
            T = tempfile.mkdtemp(prefix="souk-it.probe.")
            conf = os.path.join(T, "souk.conf")
            with open(conf, "w") as f:
                f.write("[server]\nlisten = %s/s.sock\nplugins =\n\n"
                        "[database]\ndriver = sqlite\npath = %s/p.db\n"
                        % (T, T))
            p = subprocess.run([self.soukd, "-t", "-c", conf],
                               stdin=subprocess.DEVNULL,
                               stdout=subprocess.PIPE,
                               stderr=subprocess.STDOUT)
            shutil.rmtree(T, ignore_errors=True)
            self._db_section = b"unknown section [database]" not in p.stdout
        return self._db_section

    def missing(self):
        return [p for p in (self.soukd, self.hello, self.testkit)
                if not os.path.exists(p)]


# ---------------------------------------------------------------------------
# FastCGI client: speaks the protocol itself, so tests can send what no web
# server would (broken records, huge params, oversize bodies).

FCGI_BEGIN_REQUEST = 1
FCGI_END_REQUEST = 3
FCGI_PARAMS = 4
FCGI_STDIN = 5
FCGI_STDOUT = 6
FCGI_STDERR = 7
FCGI_RESPONDER = 1
FCGI_MAX = 65535


def fcgi_record(rtype, content, req_id=1):
    pad = (8 - len(content) % 8) % 8
    return (struct.pack(">BBHHBx", 1, rtype, req_id, len(content), pad)
            + content + b"\0" * pad)


def fcgi_stream(rtype, data, req_id=1):
    """data split into records, then the empty record ending the stream."""
    out = []
    for i in range(0, len(data), FCGI_MAX):
        out.append(fcgi_record(rtype, data[i:i + FCGI_MAX], req_id))
    out.append(fcgi_record(rtype, b"", req_id))
    return b"".join(out)


def fcgi_len(n):
    if n < 128:
        return bytes([n])
    return struct.pack(">I", n | 0x80000000)


def fcgi_pairs(params):
    out = []
    for name, value in params:
        name = name.encode() if isinstance(name, str) else name
        value = value.encode() if isinstance(value, str) else value
        out.append(fcgi_len(len(name)) + fcgi_len(len(value)) + name + value)
    return b"".join(out)


def fcgi_begin(req_id=1, keep=0):
    return fcgi_record(FCGI_BEGIN_REQUEST,
                       struct.pack(">HB5x", FCGI_RESPONDER, keep), req_id)


class FcgiResponse:
    def __init__(self, raw_stdout, stderr, ended, app_status):
        self.raw = raw_stdout
        self.stderr = stderr
        self.ended = ended          # an FCGI_END_REQUEST arrived
        self.app_status = app_status
        self.status = None
        self.headers = {}
        self.body = b""
        head, sep, body = raw_stdout.partition(b"\r\n\r\n")
        if not sep:
            head, sep, body = raw_stdout.partition(b"\n\n")
        if sep:
            self.body = body
            for line in head.decode("latin-1").splitlines():
                k, _, v = line.partition(":")
                self.headers[k.strip().lower()] = v.strip()
            st = self.headers.get("status")
            self.status = int(st.split()[0]) if st else 200

    def header(self, name):
        return self.headers.get(name.lower())

    def json(self):
        return json.loads(self.body.decode("utf-8"))

    def __repr__(self):
        return "<fcgi status=%r ended=%r %r>" % (
            self.status, self.ended, self.raw[:300])


def fcgi_exchange(sock_path, payload, timeout=20.0, sender=None):
    """Sends payload (bytes) on a new connection and reads records until
    FCGI_END_REQUEST or EOF. sender, when given, is a generator of further
    bytes sent from a thread while reading (big bodies)."""
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.settimeout(timeout)
    s.connect(sock_path)
    errors = []

    def send_rest():
        try:
            for chunk in sender:
                s.sendall(chunk)
        except OSError as e:          # soukd may close early: fine
            errors.append(e)

    th = None
    try:
        s.sendall(payload)
        if sender is not None:
            th = threading.Thread(target=send_rest, daemon=True)
            th.start()
        buf = b""
        out, err = [], []
        ended, app_status = False, None
        while not ended:
            try:
                chunk = s.recv(65536)
            except ConnectionResetError:
                break
            if not chunk:
                break
            buf += chunk
            while len(buf) >= 8 and not ended:
                _, rtype, _, clen, plen = struct.unpack(">BBHHBx", buf[:8])
                if len(buf) < 8 + clen + plen:
                    break
                content = buf[8:8 + clen]
                buf = buf[8 + clen + plen:]
                if rtype == FCGI_STDOUT:
                    out.append(content)
                elif rtype == FCGI_STDERR:
                    err.append(content)
                elif rtype == FCGI_END_REQUEST:
                    ended = True
                    app_status = struct.unpack(">I", content[:4])[0]
        return FcgiResponse(b"".join(out), b"".join(err), ended, app_status)
    finally:
        s.close()
        if th is not None:
            th.join(5)


def fcgi_params_for(method, uri, host="localhost", headers=None,
                    content_type=None, content_length=None, extra=None):
    query = uri.partition("?")[2]
    params = [("GATEWAY_INTERFACE", "CGI/1.1"),
              ("REQUEST_METHOD", method), ("REQUEST_URI", uri),
              ("QUERY_STRING", query), ("SERVER_PROTOCOL", "HTTP/1.1"),
              ("SERVER_NAME", host), ("REMOTE_ADDR", "127.0.0.1"),
              ("HTTP_HOST", host)]
    if content_type is not None:
        params.append(("CONTENT_TYPE", content_type))
    if content_length is not None:
        params.append(("CONTENT_LENGTH", str(content_length)))
    for k, v in (headers or {}).items():
        params.append(("HTTP_" + k.upper().replace("-", "_"), v))
    params.extend(extra or [])
    return params


def fcgi_request(sock_path, method, uri, body=b"", host="localhost",
                 headers=None, content_type=None, params=None, timeout=20.0):
    """A well-formed request; params replaces the generated list."""
    if params is None:
        params = fcgi_params_for(
            method, uri, host, headers, content_type,
            len(body) if (body or method in ("POST", "PUT")) else None)
    payload = fcgi_begin() + fcgi_stream(FCGI_PARAMS, fcgi_pairs(params))
    if len(body) <= 1 << 20:
        payload += fcgi_stream(FCGI_STDIN, body)
        return fcgi_exchange(sock_path, payload, timeout)

    def chunks():
        for i in range(0, len(body), FCGI_MAX):
            yield fcgi_record(FCGI_STDIN, body[i:i + FCGI_MAX])
        yield fcgi_record(FCGI_STDIN, b"")
    return fcgi_exchange(sock_path, payload, timeout, sender=chunks())


# ---------------------------------------------------------------------------
# HTTP over a unix socket (nginx) or TCP (Apache).

class Browser:
    """Requests through nginx to one host with a cookie jar, as a browser
    sends them: forms urlencoded (a dict, or pairs for repeated names) or
    multipart, each POST carrying the CSRF token of the page it came from.
    The last page's token is also kept in csrf, for JSON calls."""

    def __init__(self, s, host="localhost"):
        self.s = s
        self.host = host
        self.jar = {}
        self.csrf = None

    def req(self, method, path, form=None, body=None, ctype=None,
            headers=None):
        h = dict(headers or {})
        if self.jar:
            h["Cookie"] = "; ".join("%s=%s" % kv for kv in self.jar.items())
        if form is not None:
            pairs = list(form.items()) if isinstance(form, dict) \
                else list(form)
            body = urllib.parse.urlencode(pairs).encode()
            ctype = "application/x-www-form-urlencoded"
        if ctype:
            h["Content-Type"] = ctype
        r = self.s.http(method, path, body=body, headers=h, host=self.host)
        for c in (r.header("set-cookie") or "").split("\n"):
            m = re.match(r"\s*([^=;\s]+)=([^;]*)", c)
            if m and (m.group(2) == "" or "max-age=0" in c.lower()):
                self.jar.pop(m.group(1), None)
            elif m:
                self.jar[m.group(1)] = m.group(2)
        m = re.search(r'name="csrf_token" value="([^"]+)"', r.text())
        if m:
            self.csrf = html.unescape(m.group(1))
        return r

    def get(self, path, **kw):
        return self.req("GET", path, **kw)

    def token(self, path):
        """The CSRF token of the form on the page at path (GET)."""
        page = self.get(path).text()
        m = re.search(r'name="csrf_token" value="([^"]+)"', page)
        check(m is not None, "%s carries a CSRF token" % path)
        return html.unescape(m.group(1))

    def post(self, path, form, token_from=None):
        """POSTs form with the token of the page token_from (default
        path)."""
        pairs = list(form.items()) if isinstance(form, dict) else list(form)
        pairs.append(("csrf_token", self.token(token_from or path)))
        return self.req("POST", path, form=pairs)

    def upload(self, path, fields, files, token_from):
        """A multipart POST: files maps a field to (name, bytes, type)."""
        b = uuid.uuid4().hex
        parts = []
        fields = dict(fields, csrf_token=self.token(token_from))
        for k, v in fields.items():
            parts.append(("--%s\r\nContent-Disposition: form-data; "
                          "name=\"%s\"\r\n\r\n%s\r\n" % (b, k, v)).encode())
        for k, (name, data, ctype) in files.items():
            parts.append(("--%s\r\nContent-Disposition: form-data; "
                          "name=\"%s\"; filename=\"%s\"\r\nContent-Type: "
                          "%s\r\n\r\n" % (b, k, name, ctype)).encode()
                         + data + b"\r\n")
        body = b"".join(parts) + ("--%s--\r\n" % b).encode()
        return self.req("POST", path, body=body,
                        ctype="multipart/form-data; boundary=" + b)

    def json(self, method, path, obj=None):
        """A JSON call with the session's cookie and last CSRF token:
        (status, parsed body or None)."""
        h = {"Accept": "application/json"}
        body = None
        if obj is not None:
            body = json.dumps(obj).encode()
            h["Content-Type"] = "application/json"
        if self.csrf:
            h["X-CSRF-Token"] = self.csrf
        r = self.req(method, path, body=body, headers=h)
        return r.status, (json.loads(r.text()) if r.text() else None)

    def login(self, email, password, next_path=None):
        """The staff log-in form (/admin/login, ?next= when given)."""
        q = "?next=" + urllib.parse.quote(next_path, safe="") \
            if next_path else ""
        return self.post("/admin/login" + q,
                         {"email": email, "password": password})


class UnixHTTPConnection(http.client.HTTPConnection):
    def __init__(self, path, timeout=20.0):
        super().__init__("localhost", timeout=timeout)
        self.unix_path = path

    def connect(self):
        s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        s.settimeout(self.timeout)
        s.connect(self.unix_path)
        self.sock = s


class Response:
    def __init__(self, status, headers, body):
        self.status = status
        self.headers = headers            # lower-case name -> value
        self.body = body

    def header(self, name):
        return self.headers.get(name.lower())

    def text(self):
        return self.body.decode("utf-8", "replace")

    def json(self):
        try:
            return json.loads(self.body.decode("utf-8"))
        except ValueError as e:
            raise TestFailure("answer is not JSON (%s): %r"
                              % (e, self.body[:300]))

    def __repr__(self):
        return "<http %d %r %r>" % (self.status, self.headers,
                                    self.body[:300])


# ---------------------------------------------------------------------------
# A stack's database: a fresh SQLite file, or a fresh database on the shared
# MariaDB test server. Tests read it back (sql) to check what was written.

_DB_SEQ = itertools.count(1)


def mariadb_cmd(socket_path, database=None):
    """The mariadb client as root on the private test server; no option
    files (--no-defaults must come first)."""
    cmd = ["mariadb", "--no-defaults", "--socket=" + socket_path, "-uroot",
           "--default-character-set=utf8mb4", "--batch",
           "--skip-column-names"]
    if database:
        cmd.append("--database=" + database)
    return cmd


class Database:
    """One stack's data. engine "sqlite": path is a file under the stack's
    var/; "mariadb": name is a database created here and dropped by
    drop()."""

    def __init__(self, paths, tempdir):
        self.engine = paths.db
        self.socket = paths.mariadb_socket
        self.created = False
        self.path = os.path.join(tempdir, "var", "souk.db")
        self.name = "souk_it_%d_%d" % (os.getpid(), next(_DB_SEQ))
        if self.engine == "sqlite":
            os.makedirs(os.path.dirname(self.path), exist_ok=True)
        else:
            self._client("CREATE DATABASE `%s` CHARACTER SET utf8mb4 "
                         "COLLATE utf8mb4_unicode_ci" % self.name, None)
            self.created = True

    def conf_lines(self):
        """The [database] section soukd reads (apply_migrations = yes so
        every suite starts from an up-to-date schema)."""
        lines = ["[database]", "driver = %s" % self.engine]
        if self.engine == "sqlite":
            lines.append("path = %s" % self.path)
        else:
            lines += ["socket = %s" % self.socket, "user = root",
                      "name = %s" % self.name]
        lines.append("apply_migrations = yes")
        return lines

    def _client(self, query, database):
        p = subprocess.run(mariadb_cmd(self.socket, database),
                           input=query.encode("utf-8"),
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                           timeout=30)
        if p.returncode != 0:
            raise TestFailure("mariadb: %s: %s" % (
                query[:200], p.stderr.decode("utf-8", "replace").strip()))
        return p.stdout.decode("utf-8", "replace")

    def sql(self, query, params=()):
        """Runs one statement, returns its rows as tuples of str (None for
        NULL) on both engines. params bind '?' placeholders; on MariaDB
        they are quoted here (test data only, never user input)."""
        if self.engine == "sqlite":
            con = sqlite3.connect(self.path, timeout=10)
            try:
                cur = con.execute(query, tuple(params))
                rows = cur.fetchall()
                con.commit()
            finally:
                con.close()
            return [tuple(None if v is None else str(v) for v in row)
                    for row in rows]
        parts = query.split("?")
        if len(parts) != len(params) + 1:
            raise TestFailure("sql: %d placeholders, %d params"
                              % (len(parts) - 1, len(params)))
        text = parts[0]
        for v, rest in zip(params, parts[1:]):
            text += sql_literal(v) + rest
        out = self._client(text, self.name)
        rows = []
        for line in out.splitlines():
            rows.append(tuple(None if v == "NULL" else
                              _UNESCAPE.sub(_unescape_one, v)
                              for v in line.split("\t")))
        return rows

    def scalar(self, query, params=()):
        """The first column of the first row, or None."""
        rows = self.sql(query, params)
        return rows[0][0] if rows else None

    def tables(self):
        if self.engine == "sqlite":
            q = "SELECT name FROM sqlite_master WHERE type = 'table'"
        else:
            q = "SHOW TABLES"
        return sorted(r[0] for r in self.sql(q))

    def drop(self):
        if self.created:
            try:
                self._client("DROP DATABASE IF EXISTS `%s`" % self.name,
                             None)
            except (TestFailure, OSError, subprocess.SubprocessError):
                pass                      # the server may be gone already
            self.created = False


# Batch output escapes tab, newline, NUL and backslash in values.
_UNESCAPE = re.compile(r"\\(.)", re.S)
_ESCAPES = {"t": "\t", "n": "\n", "0": "\0", "\\": "\\"}


def _unescape_one(m):
    return _ESCAPES.get(m.group(1), m.group(1))


def sql_literal(v):
    """A MariaDB literal for a test value."""
    if v is None:
        return "NULL"
    if isinstance(v, bool):
        return "1" if v else "0"
    if isinstance(v, int):
        return str(v)
    if isinstance(v, bytes):
        return "X'%s'" % v.hex()
    return "_utf8mb4 X'%s'" % str(v).encode("utf-8").hex()



# ---------------------------------------------------------------------------
# One test's world: a temp dir with soukd, and nginx or Apache in front.

class Stack:
    """share_db: another stack whose database this one uses too (several
    soukd hosts on one database)."""

    def __init__(self, paths, name="t", share_db=None):
        self.paths = paths
        self.T = tempfile.mkdtemp(prefix="souk-it.%s." % name[:20])
        # nginx workers and Apache children are other users: they must be
        # able to reach the sockets inside.
        os.chmod(self.T, 0o755)
        self.plugin_dir = os.path.join(self.T, "plugins")
        os.mkdir(self.plugin_dir)
        os.symlink(paths.hello, os.path.join(self.plugin_dir, "hello.so"))
        os.symlink(paths.testkit,
                   os.path.join(self.plugin_dir, "testkit.so"))
        self.sock = os.path.join(self.T, "soukd.sock")
        self.conf = os.path.join(self.T, "souk.conf")
        self.error_log = os.path.join(self.T, "soukd-error.log")
        self.access_log = os.path.join(self.T, "soukd-access.log")
        self.pid_file = os.path.join(self.T, "soukd.pid")
        self.http_sock = os.path.join(self.T, "http.sock")
        self.soukd = None
        self.soukd_out = os.path.join(self.T, "soukd-stderr.log")
        self.nginx = None
        self.apache = None
        self.port = None
        self.last = None                  # last response, for failures
        self.procs = []
        self.db = None
        self.owns_db = share_db is None
        if share_db is not None:
            self.db = share_db.db
        elif paths.db_problem() is None:
            self.db = Database(paths, self.T)

    def need_db(self, soukd=True):
        """This stack's database; skips the test when there is none, or
        (soukd=True) when soukd cannot use it yet (before the database
        layer exists)."""
        if self.db is None:
            raise Skip(self.paths.db_problem())
        if soukd and not self.paths.db_section():
            raise Skip("soukd has no [database] section yet")
        return self.db

    def sql(self, query, params=()):
        """Rows from this stack's database (see Database.sql)."""
        return self.need_db().sql(query, params)

    # -- configuration ----------------------------------------------------

    def write_conf(self, workers=1, plugins="hello testkit",
                   default_site="demo", settings=None, sites=None,
                   server_extra=None, limits=None, listen=True,
                   database=True):
        """Writes souk.conf. sites: list of (id, hosts, plugins, extra
        dict); the default is one site "demo" on localhost with both
        plugins. database=False leaves out the [database] section (soukd's
        default: var/souk.db next to the config)."""
        if sites is None:
            sites = [("demo", "localhost 127.0.0.1 demo.test",
                      "hello testkit", {})]
        lines = ["; written by the integration harness", "[server]"]
        if listen:
            lines.append("listen = %s" % self.sock)
        lines += ["socket_mode = 0660",
                  "workers = %d" % workers,
                  "drain_timeout = 10",
                  "plugin_dir = %s" % self.plugin_dir,
                  "plugins = %s" % plugins,
                  "error_log = %s" % self.error_log,
                  "access_log = %s" % self.access_log,
                  "pid_file = %s" % self.pid_file]
        if default_site:
            lines.append("default_site = %s" % default_site)
        for k, v in (server_extra or {}).items():
            lines.append("%s = %s" % (k, v))
        lines += ["", "[limits]", "max_body = 1048576"]
        for k, v in (limits or {}).items():
            lines.append("%s = %s" % (k, v))
        lines += ["", "[settings]"]
        for k, v in (settings or {}).items():
            lines.append("%s = %s" % (k, v))
        if database and self.db is not None and self.paths.db_section():
            lines += [""] + self.db.conf_lines()
        for sid, hosts, plugs, extra in sites:
            lines += ["", "[site:%s]" % sid, "hosts = %s" % hosts,
                      "plugins = %s" % plugs, "theme = base"]
            for k, v in extra.items():
                lines.append("%s = %s" % (k, v))
        text = "\n".join(lines) + "\n"
        # A rewrite must change the mtime that workers compare, even
        # within the same second as the previous write.
        old = os.stat(self.conf).st_mtime if os.path.exists(self.conf) \
            else None
        with open(self.conf, "w") as f:
            f.write(text)
        if old is not None:
            t = max(time.time(), old + 2)
            os.utime(self.conf, (t, t))
        return self.conf

    # -- soukd ------------------------------------------------------------

    def soukd_alive(self):
        return self.soukd is not None and self.soukd.poll() is None

    def start_soukd(self, args=None, wait=True, env=None):
        if not os.path.exists(self.conf):
            self.write_conf()
        cmd = [self.paths.soukd, "-c", self.conf] + (args or [])
        out = open(self.soukd_out, "ab")
        self.soukd = subprocess.Popen(cmd, stdin=subprocess.DEVNULL,
                                      stdout=out, stderr=out, env=env,
                                      start_new_session=True)
        out.close()
        self.procs.append(self.soukd)
        if wait:
            self.wait_socket(self.sock, self.soukd_alive)
            self.wait_served()
        return self.soukd

    def wait_socket(self, path, alive, timeout=10.0):
        def ready():
            if not os.path.exists(path):
                return False
            s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            try:
                s.connect(path)
                return True
            except OSError:
                return False
            finally:
                s.close()
        wait_for(ready, "socket " + path, timeout, alive)

    def wait_served(self, timeout=10.0):
        """Until a worker answers (workers load plugins after the master
        created the socket)."""
        def served():
            try:
                r = self.fcgi("GET", "/test/pid", timeout=timeout)
            except OSError:
                return False
            return r.status is not None
        wait_for(served, "a soukd worker to answer", timeout,
                 self.soukd_alive)

    def worker_pids(self):
        """Live children of the soukd master."""
        if self.soukd is None:
            return []
        out = []
        for d in os.listdir("/proc"):
            if not d.isdigit():
                continue
            try:
                with open("/proc/%s/stat" % d) as f:
                    st = f.read()
            except OSError:
                continue
            fields = st[st.rfind(")") + 2:].split()
            if int(fields[1]) == self.soukd.pid and fields[0] != "Z":
                out.append(int(d))
        return sorted(out)

    def signal_soukd(self, sig):
        self.soukd.send_signal(sig)

    def stop_soukd(self, timeout=15.0):
        if not self.soukd_alive():
            return self.soukd.returncode if self.soukd else None
        self.soukd.send_signal(signal.SIGTERM)
        try:
            return self.soukd.wait(timeout)
        except subprocess.TimeoutExpired:
            self.soukd.kill()
            self.soukd.wait()
            raise TestFailure("soukd did not exit within %.0fs of SIGTERM"
                              % timeout)

    def fcgi(self, method, uri, **kw):
        r = fcgi_request(self.sock, method, uri, **kw)
        self.last = r
        return r

    def pid(self):
        """The pid of the worker that answers (workers=1: the worker)."""
        r = self.fcgi("GET", "/test/pid",
                      headers={"Accept": "application/json"})
        eq(r.status, 200, "GET /test/pid status")
        return int(r.json()["pid"])

    # -- nginx ------------------------------------------------------------

    def nginx_server_block(self, tcp_port=None):
        """conf/nginx/souk.conf with only its listen lines, socket path
        and document root swapped. Each swap must happen, so an edit of
        the sample cannot silently leave the tests on something else."""
        src = read_file(os.path.join(SRCDIR, "conf", "nginx", "souk.conf"))
        text, n = re.subn(r"(?m)^(\s*)listen\s+[^;]+;\n", "", src)
        check(n >= 1, "nginx sample has listen lines")
        listen = "    listen unix:%s;\n" % self.http_sock
        if tcp_port:
            listen += "    listen 127.0.0.1:%d;\n" % tcp_port
        text, n = re.subn(r"(?m)^(\s*server\s*\{\n)", r"\g<1>" + listen,
                          text, count=1)
        check(n == 1, "nginx sample has a server block")
        for old, new in (("unix:/run/souk/soukd.sock", "unix:" + self.sock),
                         ("/srv/souk/public", os.path.join(self.T,
                                                           "public"))):
            check(old in text, "nginx sample mentions " + old)
            text = text.replace(old, new)
        return text

    def start_nginx(self, tcp_port=None):
        os.makedirs(os.path.join(self.T, "tmp"), exist_ok=True)
        os.makedirs(os.path.join(self.T, "public", "assets"), exist_ok=True)
        with open(os.path.join(self.T, "souk-site.conf"), "w") as f:
            f.write(self.nginx_server_block(tcp_port))
        T = self.T
        wrapper = """# test-only wrapper around conf/nginx/souk.conf
user root;
worker_processes 1;
events { worker_connections 1024; }
http {
    access_log %(T)s/nginx-access.log;
    client_body_temp_path %(T)s/tmp/body;
    fastcgi_temp_path %(T)s/tmp/fastcgi;
    proxy_temp_path %(T)s/tmp/proxy;
    uwsgi_temp_path %(T)s/tmp/uwsgi;
    scgi_temp_path %(T)s/tmp/scgi;
    include /etc/nginx/mime.types;
    default_type application/octet-stream;
    include %(T)s/souk-site.conf;
}
""" % {"T": T}
        with open(os.path.join(T, "nginx.conf"), "w") as f:
            f.write(wrapper)
        out = open(os.path.join(T, "nginx-stderr.log"), "ab")
        self.nginx = subprocess.Popen(
            [NGINX, "-p", T, "-c", os.path.join(T, "nginx.conf"),
             "-e", os.path.join(T, "nginx-error.log"),
             "-g", "daemon off; pid %s/nginx.pid;" % T],
            stdin=subprocess.DEVNULL, stdout=out, stderr=out)
        out.close()
        self.procs.append(self.nginx)
        self.wait_socket(self.http_sock, lambda: self.nginx.poll() is None)

    def http(self, method, path, body=None, headers=None, host="localhost",
             timeout=30.0, port=None):
        """One request through nginx (unix socket) or, with port, through
        a TCP server (Apache). Returns a Response."""
        if port is not None:
            conn = http.client.HTTPConnection("127.0.0.1", port,
                                              timeout=timeout)
        else:
            conn = UnixHTTPConnection(self.http_sock, timeout)
        hdrs = {"Host": host}
        hdrs.update(headers or {})
        try:
            conn.request(method, path, body=body, headers=hdrs)
            r = conn.getresponse()
            data = r.read()
            resp = Response(r.status, {k.lower(): v for k, v in
                                       r.getheaders()}, data)
        finally:
            conn.close()
        self.last = resp
        return resp

    def raw_http(self, data, timeout=20.0):
        """Sends raw bytes to nginx's socket, returns all bytes until the
        server closes (send Connection: close)."""
        s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        s.settimeout(timeout)
        s.connect(self.http_sock)
        try:
            s.sendall(data)
            chunks = []
            while True:
                c = s.recv(65536)
                if not c:
                    break
                chunks.append(c)
            return b"".join(chunks)
        finally:
            s.close()

    # -- Apache -----------------------------------------------------------

    def apache_vhost(self, port):
        src = read_file(os.path.join(SRCDIR, "conf", "apache", "souk.conf"))
        text = src
        for old, new in (("<VirtualHost *:80>", "<VirtualHost *:%d>" % port),
                         ("unix:/run/souk/soukd.sock", "unix:" + self.sock),
                         ("/srv/souk/public", os.path.join(self.T,
                                                           "public"))):
            check(old in text, "Apache sample mentions " + old)
            text = text.replace(old, new)
        return text

    def start_apache(self, tries=5):
        os.makedirs(os.path.join(self.T, "public", "assets"), exist_ok=True)
        T = self.T
        mods = ["mpm_event", "authz_core", "proxy", "proxy_fcgi", "headers",
                "mime", "dir"]
        for attempt in range(tries):
            port = free_port()
            with open(os.path.join(T, "souk-vhost.conf"), "w") as f:
                f.write(self.apache_vhost(port))
            lines = ['ServerRoot "%s"' % T, "ServerName localhost",
                     "Listen 127.0.0.1:%d" % port]
            lines += ["LoadModule %s_module %s/mod_%s.so"
                      % (m, APACHE_MODULES, m) for m in mods]
            lines += ["User www-data", "Group www-data",
                      'PidFile "%s/httpd.pid"' % T,
                      'DefaultRuntimeDir "%s"' % T,
                      'ErrorLog "%s/apache-error.log"' % T,
                      "TypesConfig /etc/mime.types",
                      "StartServers 1", "ServerLimit 1",
                      "ThreadsPerChild 16", "MaxRequestWorkers 16",
                      'Include "%s/souk-vhost.conf"' % T]
            with open(os.path.join(T, "httpd.conf"), "w") as f:
                f.write("\n".join(lines) + "\n")
            out = open(os.path.join(T, "apache-stderr.log"), "ab")
            p = subprocess.Popen(
                [APACHE, "-d", T, "-f", os.path.join(T, "httpd.conf"),
                 "-DFOREGROUND"], stdin=subprocess.DEVNULL, stdout=out,
                stderr=out, env={"PATH": os.environ.get("PATH", "")})
            out.close()

            def up():
                s = socket.socket()
                try:
                    s.connect(("127.0.0.1", port))
                    return True
                except OSError:
                    return False
                finally:
                    s.close()
            try:
                wait_for(up, "Apache on port %d" % port, 10,
                         lambda: p.poll() is None)
            except TestFailure:
                p.poll()
                log = read_file(os.path.join(T, "apache-error.log")) + \
                    read_file(os.path.join(T, "apache-stderr.log"))
                if p.returncode is not None and "AH00072" in log:
                    continue              # port taken meanwhile: retry
                self.apache = p
                self.procs.append(p)
                raise
            self.apache = p
            self.procs.append(p)
            self.port = port
            return port
        raise TestFailure("Apache could not bind a port in %d tries" % tries)

    # -- logs and cleanup -------------------------------------------------

    def access_lines(self):
        return [l for l in read_file(self.access_log).splitlines() if l]

    def dump(self):
        """What a failing test prints: logs and the last response."""
        parts = []
        for name in ("nginx-error.log", "apache-error.log",
                     "soukd-stderr.log", "soukd-error.log",
                     "soukd-access.log"):
            text = read_file(os.path.join(self.T, name))
            if text:
                lines = text.splitlines()[-40:]
                parts.append("--- %s (last %d lines)\n%s"
                             % (name, len(lines), "\n".join(lines)))
        parts.append("--- last response\n%r" % (self.last,))
        return "\n".join(parts)

    # Sanitizer kinds a test provokes on purpose (e.g. libfcgi asking for
    # a 2 GB buffer in the CVE-2025-23016 test).
    allowed_sanitizer = ()

    def sanitizer_report(self):
        """The first ASan/LSan/UBSan report in soukd's logs, or None. A
        worker's report only shows in its exit status, which the master
        just logs, so the logs are the place to look."""
        marks = ("ERROR: AddressSanitizer", "ERROR: LeakSanitizer",
                 "runtime error:")
        for name in ("soukd-stderr.log", "soukd-error.log"):
            lines = read_file(os.path.join(self.T, name)).splitlines()
            for i, line in enumerate(lines):
                if any(m in line for m in marks) and not any(
                        a in line for a in self.allowed_sanitizer):
                    return "%s:\n%s" % (name, "\n".join(lines[i:i + 25]))
        return None

    def cleanup(self, keep=False):
        if self.nginx is not None and self.nginx.poll() is None:
            self.nginx.send_signal(signal.SIGQUIT)
        if self.apache is not None and self.apache.poll() is None:
            self.apache.send_signal(signal.SIGTERM)
        if self.soukd is not None and self.soukd.poll() is None:
            self.soukd.send_signal(signal.SIGTERM)
        # Anything else a test started (a gateway stand-in) just stops.
        for p in self.procs:
            if p not in (self.nginx, self.apache, self.soukd) \
                    and p.poll() is None:
                p.terminate()
        for p in self.procs:
            try:
                p.wait(15)
            except subprocess.TimeoutExpired:
                if p is not self.nginx:   # never SIGKILL nginx's master
                    p.kill()
                    p.wait()
        # soukd workers left behind by a broken master would hold the
        # socket; they are in soukd's session, so take the group down.
        if self.soukd is not None:
            try:
                os.killpg(self.soukd.pid, signal.SIGKILL)
            except (ProcessLookupError, PermissionError):
                pass
        if not keep:
            self.remove()

    def remove(self):
        """Deletes the temp dir and drops this stack's own database."""
        if self.db is not None and self.owns_db:
            self.db.drop()
        shutil.rmtree(self.T, ignore_errors=True)


def group_gid(name):
    return grp.getgrnam(name).gr_gid


def uses_db(fn):
    """Marks a test that exercises the database: run.py --db-only runs
    just these (scripts/test runs them again on MariaDB). A module whose
    tests all do sets USES_DB = True instead."""
    fn.uses_db = True
    return fn


def slow(fn):
    """Marks a test that --quick skips."""
    fn.slow = True
    return fn


def needs(*programs):
    """Skips a test when a program it drives is not installed."""
    def deco(fn):
        @functools.wraps(fn)
        def wrapper(ctx):
            for p in programs:
                if shutil.which(p) is None and not os.path.exists(p):
                    raise Skip("%s is not installed" % p)
            return fn(ctx)
        return wrapper
    return deco

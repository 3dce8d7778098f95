"""The shipped samples (conf/souk.conf, conf/nginx, conf/apache,
conf/systemd) agree with each other and work as they are."""

import os
import re
import subprocess

from harness import SRCDIR, check, eq, read_file

JSON = {"Accept": "application/json"}


def sample(*parts):
    text = read_file(os.path.join(SRCDIR, "conf", *parts))
    check(text, "conf/%s exists" % "/".join(parts))
    return text


def ini_value(text, section, key):
    sec = None
    for line in text.splitlines():
        line = line.split(";", 1)[0].strip()
        m = re.fullmatch(r"\[(.+)\]", line)
        if m:
            sec = m.group(1)
        elif sec == section and "=" in line:
            k, v = (x.strip() for x in line.split("=", 1))
            if k == key:
                return v
    return None


def size_bytes(v):
    m = re.fullmatch(r"(\d+)([kKmMgG]?)", v)
    check(m, "a size: %r" % v)
    mult = {"": 1, "k": 1 << 10, "m": 1 << 20, "g": 1 << 30}
    return int(m.group(1)) * mult[m.group(2).lower()]


def test_nginx_sample_rules(ctx):
    ngx = sample("nginx", "souk.conf")
    code = "\n".join(l.split("#", 1)[0] for l in ngx.splitlines())
    check("include fastcgi_params" not in code and
          "include /etc/nginx/fastcgi" not in code,
          "its own parameter list, not the stock include")
    names = re.findall(r"fastcgi_param\s+(\S+)", code)
    dups = sorted({n for n in names if names.count(n) > 1})
    eq(dups, [], "no fastcgi_param declared twice (libfcgi keeps the first)")
    for need in ("REQUEST_METHOD", "REQUEST_URI", "QUERY_STRING",
                 "CONTENT_TYPE", "CONTENT_LENGTH", "REQUEST_ID", "HTTPS",
                 "REMOTE_ADDR"):
        check(need in names, "fastcgi_param %s is sent" % need)
    check(re.search(r"fastcgi_param\s+REQUEST_ID\s+\$request_id;", code),
          "REQUEST_ID is nginx's $request_id")
    check("fastcgi_keep_conn" not in code and "keepalive" not in code,
          "no fastcgi_keep_conn / upstream keepalive")
    check("fastcgi_keep_conn" in ngx, "a comment says why not")
    m = re.search(r"client_max_body_size\s+(\S+);", code)
    check(m, "client_max_body_size is set")
    souk = sample("souk.conf")
    eq(size_bytes(m.group(1)), int(ini_value(souk, "limits", "max_body")),
       "nginx body cap equals soukd's max_body")
    m = re.search(r"location\s+/assets/\s*\{([^}]*)\}", code)
    check(m and "max-age=31536000" in m.group(1),
          "/assets/ served by nginx with a long cache lifetime")


def test_samples_agree_on_socket(ctx):
    listen = ini_value(sample("souk.conf"), "server", "listen")
    eq(listen, "/run/souk/soukd.sock", "conf/souk.conf listen")
    check("fastcgi_pass unix:%s;" % listen in sample("nginx", "souk.conf"),
          "nginx sample passes to soukd's socket")
    check('"unix:%s|fcgi://localhost/"' % listen in
          sample("apache", "souk.conf"),
          "Apache sample proxies to soukd's socket")
    unit = sample("systemd", "soukd.service")
    check(re.search(r"(?m)^RuntimeDirectory=souk$", unit),
          "systemd creates /run/souk")
    eq(ini_value(sample("souk.conf"), "server", "socket_group"),
       "www-data", "the socket's group lets the web server in")


def test_systemd_unit(ctx):
    unit = sample("systemd", "soukd.service")
    for line in (r"Type=simple", r"ExecStart=\S*soukd -c \S+",
                 r"ExecReload=\S*kill -HUP \$MAINPID", r"KillSignal=SIGTERM",
                 r"RuntimeDirectory=souk", r"NoNewPrivileges=yes",
                 r"ProtectSystem=strict"):
        check(re.search(r"(?m)^%s$" % line, unit), "unit has " + line)


def test_souk_conf_sample_serves(ctx):
    """conf/souk.conf with only its paths moved into a temp dir passes
    soukd -t and serves its demo site through the nginx sample."""
    s = ctx.stack(start=False)
    text = sample("souk.conf")
    moves = {"/run/souk/soukd.sock": s.sock,
             "/usr/local/lib/souk/plugins": s.plugin_dir,
             "/var/log/souk/error.log": s.error_log,
             "/var/log/souk/access.log": s.access_log,
             "/run/souk/soukd.pid": s.pid_file}
    for old, new in moves.items():
        check(old in text, "conf/souk.conf mentions " + old)
        text = text.replace(old, new)
    with open(s.conf, "w") as f:
        f.write(text)
    # Deploying the sample: the schema first (soukd refuses to start with
    # pending migrations), then the config test, then soukd.
    souk = (os.path.join(s.paths.prefix, "bin", "souk") if s.paths.prefix
            else os.path.join(s.paths.build, "souk"))
    p = subprocess.run([souk, "-c", s.conf, "migrate"], capture_output=True,
                       text=True, timeout=60)
    eq(p.returncode, 0, "souk migrate on the sample: %r" % p.stderr)
    p = subprocess.run([s.paths.soukd, "-t", "-c", s.conf],
                       capture_output=True, text=True, timeout=30)
    eq(p.returncode, 0, "soukd -t on the sample: %r" % p.stderr)
    s.start_soukd(wait=False)
    s.wait_socket(s.sock, s.soukd_alive)
    s.start_nginx()
    r = s.http("GET", "/hello", headers=JSON)
    eq(r.status, 200, "GET /hello with the samples")
    eq(r.json().get("message"), ini_value(text, "site:demo",
                                          "hello.greeting"),
       "the demo site's greeting")

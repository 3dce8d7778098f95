"""Migrations and sites in the database, through a running soukd on either
engine: pending migrations refuse the start, `souk migrate` applies them,
and `souk site ...` changes what running workers serve within a second,
for one site only, without a restart."""

import os
import subprocess
import time

from harness import SRCDIR, check, eq, read_file, wait_for

USES_DB = True


def souk(ctx, s, *args):
    p = ctx.paths
    exe = (os.path.join(p.prefix, "bin", "souk") if p.prefix
           else os.path.join(p.build, "souk"))
    r = subprocess.run([exe, "-c", s.conf] + list(args),
                       capture_output=True, text=True, timeout=60)
    return r.returncode, r.stdout, r.stderr


def hello(s, host):
    """(status, JSON model) of GET /hello on host."""
    r = s.fcgi("GET", "/hello", host=host,
               headers={"Accept": "application/json"})
    return r.status, (r.json() if r.status == 200 else None)


def served_soon(s, host, pred, what):
    """Every worker serves pred within about a second of the change (a
    little slack for a loaded test machine): six answers in a row."""
    t0 = time.monotonic()
    wait_for(lambda: all(pred(*hello(s, host)) for _ in range(6)), what, 5,
             s.soukd_alive)
    took = time.monotonic() - t0
    check(took < 2.5, "%s took %.1fs (workers poll once a second)"
          % (what, took))


def test_pending_migrations_refuse_start(ctx):
    s = ctx.stack(start=False, nginx=False)
    s.need_db()
    text = read_file(s.conf)
    check("apply_migrations = yes" in text, "the harness applies by default")
    t = subprocess.run([s.paths.soukd, "-t", "-c", s.conf],
                       capture_output=True, text=True, timeout=60)
    eq(t.returncode, 0, "soukd -t passes when start-up would apply them: %r"
       % t.stderr)
    rc, out, _ = souk(ctx, s, "migrate", "--status")
    check("pending  core" in out, "... and soukd -t applied nothing: %r"
          % out)
    with open(s.conf, "w") as f:
        f.write(text.replace("apply_migrations = yes", "apply_migrations = no"))
    t = subprocess.run([s.paths.soukd, "-t", "-c", s.conf],
                       capture_output=True, text=True, timeout=60)
    check(t.returncode == 1 and "is pending" in t.stderr,
          "soukd -t fails when soukd would refuse: %r" % t.stderr)
    s.start_soukd(wait=False)
    try:
        rc = s.soukd.wait(20)
    except subprocess.TimeoutExpired:
        rc = None
    check(rc not in (None, 0), "soukd refuses to start, exit %r" % rc)
    out = read_file(s.soukd_out)
    if os.path.exists(s.error_log):
        out += read_file(s.error_log)
    check("is pending" in out and "souk migrate" in out
          and "apply_migrations = yes" in out,
          "one clear line says what to do: %r" % out[-600:])
    rc, out, err = souk(ctx, s, "migrate", "--status")
    eq(rc, 0, "souk migrate --status: %s" % err)
    check("pending  core" in out and "001_sites" in out,
          "--status lists the core's pending migrations: %r" % out)
    rc, out, err = souk(ctx, s, "migrate")
    eq(rc, 0, "souk migrate: %s" % err)
    check("up to date" in out, "souk migrate says so: %r" % out)
    rc, out, _ = souk(ctx, s, "migrate", "--status")
    check(out.strip().endswith("0 pending (%s)" % s.db.engine),
          "nothing pending afterwards: %r" % out)
    s.start_soukd()
    eq(hello(s, "localhost")[0], 200, "soukd serves once migrated")


def test_site_changes_served_live(ctx):
    s = ctx.stack(nginx=False, workers=2, default_site=None)
    s.need_db()
    eq(hello(s, "shop.example")[0], 404, "an unknown host is not served")

    rc, out, err = souk(ctx, s, "site", "add", "shop", "--host",
                        "Shop.Example", "--group", "brands")
    eq(rc, 0, "souk site add: %s" % err)
    rc, _, err = souk(ctx, s, "site", "enable", "shop", "hello")
    eq(rc, 0, "souk site enable: %s" % err)
    served_soon(s, "shop.example",
                lambda st, m: st == 200 and m["site"] == "shop",
                "the new site served by the running workers")

    greeting = "Hi from the DB; 'quoted' -- \u00e9t\u00e9"
    rc, _, err = souk(ctx, s, "site", "set", "shop", "hello.greeting",
                      greeting)
    eq(rc, 0, "souk site set: %s" % err)
    served_soon(s, "shop.example",
                lambda st, m: st == 200 and m["message"] == greeting,
                "the site's setting")
    st, m = hello(s, "localhost")
    check(st == 200 and m["message"] != greeting,
          "the other site keeps its own greeting: %r" % (m,))

    rc, _, err = souk(ctx, s, "site", "disable", "demo", "hello")
    eq(rc, 0, "souk site disable on souk.conf's site: %s" % err)
    served_soon(s, "localhost", lambda st, m: st == 404,
                "hello's pages gone from demo")
    eq(hello(s, "shop.example")[0], 200, "... and still on shop")

    rc, out, err = souk(ctx, s, "site", "list")
    eq(rc, 0, "souk site list: %s" % err)
    check("shop\n  group:   brands" in out and "shop.example" in out,
          "site list shows the database's site: %r" % out)


def test_site_changes_refused(ctx):
    s = ctx.stack(nginx=False, server_extra={
        "theme_dir": os.path.join(SRCDIR, "themes")})
    s.need_db()
    v0 = s.db.scalar("SELECT version FROM souk_site_version")
    cases = [
        (("site", "add", "dup", "--host", "localhost"), "already served"),
        (("site", "add", "demo", "--host", "new.example"), "exists"),
        (("site", "add", "x'; DROP TABLE souk_sites; --", "--host",
          "x.example"), "bad site id"),
        (("site", "enable", "demo", "no-such-plugin"), "not loaded"),
        (("site", "enable", "ghost", "hello"), "no site ghost"),
        (("site", "set", "demo", "theme.accent", "red"), "not a colour"),
        (("site", "set", "demo", "theme", "no-such-theme"), "no-such-theme"),
    ]
    for args, why in cases:
        rc, _, err = souk(ctx, s, *args)
        eq(rc, 1, "souk %s is refused" % " ".join(args))
        check(why in err and err.count("\n") == 1,
              "in one line saying why (%r): %r" % (why, err))
    eq(s.db.scalar("SELECT version FROM souk_site_version"), v0,
       "nothing was written")
    check("souk_sites" in s.db.tables(), "the tables are all there")

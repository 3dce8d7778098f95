"""The database under soukd on either engine (run.py --db sqlite|mariadb):
each stack's own fresh database, migrations applied at start, several soukd
hosts sharing one database, and the harness's own reading of it."""

import os
import signal

from harness import SRCDIR, check, eq, wait_for

USES_DB = True


def test_round_trip(ctx):
    """What tests read back is what was stored: quotes, tabs, newlines,
    backslashes, NUL-free unicode and NULL survive the harness's reader
    on both engines (the MariaDB path goes through the mariadb client)."""
    s = ctx.stack(start=False)
    db = s.need_db(soukd=False)
    db.sql("CREATE TABLE it_probe (id INTEGER PRIMARY KEY, v TEXT)")
    values = ["plain", "it's \"quoted\"; DROP TABLE it_probe; --",
              "tab\there\nnewline \\ back\\slash", "\u00e9t\u00e9 \u2603 "
              "\U0001F600", "NULL?", None]
    for i, v in enumerate(values, 1):
        db.sql("INSERT INTO it_probe (id, v) VALUES (?, ?)", (i, v))
    rows = db.sql("SELECT id, v FROM it_probe ORDER BY id")
    eq([r[1] for r in rows], values, "values read back")
    eq(db.scalar("SELECT COUNT(*) FROM it_probe"), str(len(values)),
       "row count")
    check("it_probe" in db.tables(), "the table is listed")


def test_fresh_per_stack(ctx):
    """Two stacks in one test do not see each other's data."""
    a = ctx.stack(start=False)
    b = ctx.stack(start=False)
    a.need_db(soukd=False).sql("CREATE TABLE it_mine (x INTEGER)")
    check("it_mine" in a.db.tables(), "the first stack has its table")
    check("it_mine" not in b.need_db(soukd=False).tables(),
          "the second stack's database is fresh")


def core_migrations():
    d = os.path.join(SRCDIR, "core", "migrations")
    if not os.path.isdir(d):
        return []
    return sorted(f for f in os.listdir(d) if f.endswith(".sql"))


def applied(db):
    if "souk_migrations" not in db.tables():
        return None
    return db.scalar("SELECT COUNT(*) FROM souk_migrations")


def test_migrations_applied_at_start(ctx):
    """apply_migrations = yes (the harness's default): soukd brings a
    fresh database up to date before it serves."""
    s = ctx.stack(nginx=False)
    db = s.need_db()
    eq(s.fcgi("GET", "/test/pid").status, 200, "soukd serves")
    if not core_migrations():
        return                           # nothing to apply yet
    n = applied(db)
    check(n is not None, "table souk_migrations exists after start; "
          "tables: %r" % (db.tables(),))
    check(int(n) >= 1, "migrations are recorded, got %s" % n)


def test_two_hosts_one_database(ctx):
    """Several soukd hosts on one database: the second starts on the
    schema the first applied, records nothing twice, and both serve."""
    a = ctx.stack(nginx=False)
    db = a.need_db()
    before = applied(db)
    b = ctx.stack(nginx=False, share_db=a)
    eq(a.fcgi("GET", "/test/pid").status, 200, "first host serves")
    eq(b.fcgi("GET", "/test/pid").status, 200, "second host serves")
    check(a.pid() != b.pid(), "two soukd hosts answer")
    eq(applied(db), before, "the second host applied nothing again")
    if db.engine == "sqlite":
        check(os.path.exists(db.path), "the SQLite file is where the "
              "config says")
        check(not os.path.exists(os.path.join(b.T, "var", "souk.db")),
              "the second host made no file of its own")


def test_worker_restart_reconnects(ctx):
    """A worker that dies is replaced by one that opens its own
    connection after fork and serves; SIGHUP's new workers too."""
    s = ctx.stack(nginx=False, workers=1)
    s.need_db()
    old = s.pid()
    r = s.fcgi("GET", "/test/crash")
    check(r.status is None or r.status >= 500, "the crash answers no "
          "page: %r" % (r,))
    wait_for(lambda: s.worker_pids() and old not in s.worker_pids(),
             "a new worker", 10, s.soukd_alive)
    wait_for(lambda: s.fcgi("GET", "/test/pid").status == 200,
             "the new worker to serve", 10, s.soukd_alive)
    mid = s.pid()
    check(mid != old, "another worker answers")
    s.signal_soukd(signal.SIGHUP)
    wait_for(lambda: s.pid() != mid, "a worker started by SIGHUP to "
             "serve", 10, s.soukd_alive)

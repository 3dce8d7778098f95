"""Plugin commands and scheduled jobs: the jobs process the master
supervises runs testkit.tick for each site testkit is on for (and only
those), comes back after kill -9, and shares each turn with another soukd
on the same database through the lease row; `souk job run` and `souk
testkit echo` run in the CLI on the chosen site, refusing a site where the
plugin is off and a database with pending migrations. X-Souk-Queries
appears with debug_headers only, and is the same for the same request."""

import os
import signal
import subprocess

from harness import check, eq, wait_for

USES_DB = True

TICKS = ("CREATE TABLE testkit_ticks (site VARCHAR(64) NOT NULL, "
         "pid BIGINT NOT NULL, at_ms BIGINT NOT NULL)")

# demo has testkit, other does not.
SITES = [("demo", "localhost 127.0.0.1 demo.test", "hello testkit", {}),
         ("other", "other.test", "hello", {})]


def souk(ctx, s, *args, env=None):
    """Runs the souk command on the stack's config: (status, output)."""
    p = ctx.paths
    exe = os.path.join(p.prefix, "bin", "souk") if p.prefix else \
        os.path.join(p.build, "souk")
    r = subprocess.run([exe, "-c", s.conf] + list(args),
                       stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                       timeout=30, env=env)
    return r.returncode, r.stdout.decode("utf-8", "replace")


def jobs_stack(ctx, start=True, share_db=None, sites=None, server=None,
               settings=None):
    """A stack with testkit's job registered and its table made."""
    conf = {"testkit_jobs": "yes"}
    conf.update(settings or {})
    s = ctx.stack(start=False, nginx=False, share_db=share_db,
                  sites=sites or SITES, settings=conf, server_extra=server)
    s.need_db()
    if share_db is None:
        s.sql(TICKS)
    if start:
        s.start_soukd()
    return s


def ticks(s, site):
    return int(s.sql("SELECT COUNT(*) FROM testkit_ticks WHERE site = ?",
                     (site,))[0][0])


def jobs_pid(s):
    """The pid of the stack's jobs process, or None."""
    for pid in s.worker_pids():
        try:
            with open("/proc/%d/comm" % pid) as f:
                if f.read().strip() == "soukd-jobs":
                    return pid
        except OSError:
            continue
    return None


def test_jobs_process_runs_per_site(ctx):
    """The job runs for demo and never for other; its lease row records
    each run; kill -9 of the jobs process: the master starts another, which
    goes on running the job."""
    s = jobs_stack(ctx)
    wait_for(lambda: ticks(s, "demo") >= 2, "two ticks on demo", 15,
             s.soukd_alive)
    eq(ticks(s, "other"), 0, "no tick on other, where testkit is off")
    rows = s.sql("SELECT site, last_ok, lease_owner FROM souk_jobs WHERE "
                 "name = 'testkit.tick' ORDER BY site")
    eq([r[0] for r in rows], ["demo"], "a lease row for demo only")
    eq(rows[0][1], "1", "the last run succeeded")
    pids = set(r[0] for r in s.sql("SELECT DISTINCT pid FROM "
                                   "testkit_ticks"))
    old = jobs_pid(s)
    check(old is not None, "a jobs process runs")
    eq(pids, {str(old)}, "the jobs process ran the job")

    os.kill(old, signal.SIGKILL)
    wait_for(lambda: jobs_pid(s) not in (None, old),
             "the master to start another jobs process", 10, s.soukd_alive)
    new = jobs_pid(s)
    wait_for(lambda: s.sql("SELECT COUNT(*) FROM testkit_ticks WHERE pid "
                           "= ?", (new,))[0][0] != "0",
             "a tick from the new jobs process", 15, s.soukd_alive)
    eq(ticks(s, "other"), 0, "still no tick on other")

    # SIGHUP: a new generation, a new jobs process; the old one exits.
    s.signal_soukd(signal.SIGHUP)
    wait_for(lambda: jobs_pid(s) not in (None, new),
             "a new jobs process after SIGHUP", 10, s.soukd_alive)
    wait_for(lambda: new not in s.worker_pids(),
             "the old jobs process to exit", 10, s.soukd_alive)

    code, out = souk(ctx, s, "job", "list")
    eq(code, 0, "souk job list: " + out)
    lines = [l.split() for l in out.splitlines()[1:]]
    eq([l[:3] for l in lines], [["testkit.tick", "demo", "1s"]],
       "one line, for demo: " + out)
    eq(lines[0][-1], "ok", "last result: " + out)
    code = s.stop_soukd()
    eq(code, 0, "soukd stops with its jobs process")
    check(jobs_pid(s) is None, "no jobs process is left")


def test_jobs_off(ctx):
    """[server] jobs = no: the master starts no jobs process; nor does it
    when no loaded plugin registers a job."""
    s = jobs_stack(ctx, server={"jobs": "no"})
    check(len(s.worker_pids()) >= 1, "workers run")
    eq(jobs_pid(s), None, "no jobs process with jobs = no")
    eq(ticks(s, "demo"), 0, "no job ran")
    t = ctx.stack(nginx=False)
    eq(len(t.worker_pids()), 1, "only the worker: no job, no jobs process")


def test_two_hosts_one_turn(ctx):
    """Two soukd masters on one database, the job taking 300 ms a run:
    every turn runs on one host only, so runs start at least a period
    apart, whichever host takes them."""
    a = jobs_stack(ctx, settings={"testkit_tick_ms": "300"})
    b = jobs_stack(ctx, share_db=a, settings={"testkit_tick_ms": "300"})
    # The master forks its jobs process after the workers: wait for both.
    wait_for(lambda: jobs_pid(a) and jobs_pid(b),
             "each host has a jobs process", 10,
             lambda: a.soukd_alive() and b.soukd_alive())
    wait_for(lambda: ticks(a, "demo") >= 6, "six ticks", 30,
             lambda: a.soukd_alive() and b.soukd_alive())
    rows = a.sql("SELECT at_ms, pid FROM testkit_ticks WHERE site = 'demo' "
                 "ORDER BY at_ms")
    starts = [int(r[0]) for r in rows]
    gaps = [y - x for x, y in zip(starts, starts[1:])]
    check(min(gaps) >= 800, "no two runs share a turn: gaps %r (pids %r)"
          % (gaps, [r[1] for r in rows]))
    check(set(r[1] for r in rows) <= {str(jobs_pid(a)), str(jobs_pid(b))},
          "only the two jobs processes ran it")
    eq(len(a.sql("SELECT name FROM souk_jobs")), 1, "one lease row")


def test_job_run_cli(ctx):
    """`souk job run` runs the job here, now: exit 0 and one row; a site
    where testkit is off is refused, as is an unknown job; a failing run
    exits 1 and `souk job list` shows it."""
    s = jobs_stack(ctx, server={"jobs": "no"})
    code, out = souk(ctx, s, "job", "run", "testkit.tick", "--site", "demo")
    eq(code, 0, "souk job run: " + out)
    eq(ticks(s, "demo"), 1, "one run")
    eq(s.sql("SELECT last_ok, lease_owner FROM souk_jobs")[0], ("1", None),
       "recorded, lease given back")

    code, out = souk(ctx, s, "--site", "other", "job", "run", "testkit.tick")
    eq(code, 1, "refused on other: " + out)
    check("off for site \"other\"" in out, "says why: " + out)
    eq(ticks(s, "other"), 0, "nothing ran on other")

    code, out = souk(ctx, s, "job", "run", "testkit.nope")
    eq(code, 1, "unknown job: " + out)
    code, out = souk(ctx, s, "job", "run")
    eq(code, 2, "usage: " + out)

    s.sql("DROP TABLE testkit_ticks")
    code, out = souk(ctx, s, "job", "run", "testkit.tick")
    eq(code, 1, "the failing job: " + out)
    code, out = souk(ctx, s, "job", "list")
    eq(code, 0, out)
    check("returned -1" in out.splitlines()[1], "list shows the failure: "
          + out)


def test_plugin_command(ctx):
    """`souk testkit echo`: refused while migrations are pending; then it
    runs on the default site (or --site, anywhere in the line) with the
    operator's rights and no session; refused where testkit is off;
    unknown commands keep exit 2; `souk help` lists it."""
    s = jobs_stack(ctx, start=False)
    code, out = souk(ctx, s, "testkit", "echo", "x")
    eq(code, 1, "refused before souk migrate: " + out)
    check("souk migrate" in out, "points at souk migrate: " + out)
    code, out = souk(ctx, s, "migrate")
    eq(code, 0, "souk migrate: " + out)
    s.sql("INSERT INTO testkit_ticks (site, pid, at_ms) VALUES "
          "('demo', 1, 1), ('demo', 1, 2), ('other', 1, 3)")

    code, out = souk(ctx, s, "testkit", "echo", "a", "--site", "demo", "b c")
    eq(code, 0, out)
    eq(out.strip(), "site=demo args=a,b c ticks=2 command=1 can=1 user=0 "
       "session=-2 base=[]", "what the command request carries")
    code, out = souk(ctx, s, "testkit", "echo")
    eq(code, 0, out)
    check(out.startswith("site=demo args= "), "the default site: " + out)
    code, out = souk(ctx, s, "testkit", "echo", "fail")
    eq(code, 1, "the command's own status: " + out)

    code, out = souk(ctx, s, "testkit", "echo", "--site", "other")
    eq(code, 1, "refused where testkit is off: " + out)
    check("off for site \"other\"" in out, "says why: " + out)
    check("site=" not in out, "the command did not run: " + out)
    code, out = souk(ctx, s, "--site", "nosuch", "testkit", "echo")
    eq(code, 1, "unknown site: " + out)
    code, out = souk(ctx, s, "testkit", "echo", "--site")
    eq(code, 2, "--site without a value: " + out)

    code, out = souk(ctx, s, "frobnicate")
    eq(code, 2, "unknown command: " + out)
    check("unknown command \"frobnicate\"" in out, out)
    code, out = souk(ctx, s, "help")
    eq(code, 0, out)
    check("testkit echo [ARGS]" in out, "help lists the plugin's command: "
          + out)
    eq(s.sql("SELECT COUNT(*) FROM souk_sessions")[0][0], "0",
       "no session was made")


def test_query_header(ctx):
    """X-Souk-Queries only with debug_headers = yes, the same number for
    the same anonymous request."""
    s = ctx.stack(nginx=False, server_extra={"debug_headers": "yes",
                                             "jobs": "no"})
    s.need_db()
    r1 = s.fcgi("GET", "/test/session")
    r2 = s.fcgi("GET", "/test/session")
    eq(r1.status, 200, "first answer")
    q1, q2 = r1.header("X-Souk-Queries"), r2.header("X-Souk-Queries")
    check(q1 is not None and q1.isdigit(), "header present: %r" % q1)
    eq(q1, q2, "same count for the same request")
    r3 = s.fcgi("GET", "/test/session?start=1")
    check(int(r3.header("X-Souk-Queries")) > int(q1),
          "starting a session runs more statements (%s, %s)"
          % (r3.header("X-Souk-Queries"), q1))

    t = ctx.stack(nginx=False, server_extra={"jobs": "no"})
    eq(t.fcgi("GET", "/test/session").header("X-Souk-Queries"), None,
       "no header without debug_headers")

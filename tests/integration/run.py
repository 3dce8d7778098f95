#!/usr/bin/env python3
"""Runs the integration suite (tests/integration/test_*.py) and prints TAP
lines and a final "# N passed, M failed".

    run.py --build DIR [--prefix DIR] [--quick] [-k WORD] [--keep]
           [--db sqlite|mariadb] [--db-only]

--build is the build dir (soukd, plugins/hello.so, the testkit fixture);
--prefix an install prefix whose sbin/soukd and hello.so are used instead.
SOUK_BUILD / SOUK_PREFIX work too. --quick skips the slow tests.

--db picks the engine (default sqlite): every stack gets a fresh database,
a SQLite file in its temp dir or, for mariadb, a new database on the server
at $SOUK_TEST_MARIADB_SOCKET. --db-only runs just the tests that use the
database (module USES_DB = True, or @harness.uses_db), which is how
scripts/test runs them a second time on MariaDB.
"""

import argparse
import importlib
import inspect
import os
import sys
import time
import traceback

sys.dont_write_bytecode = True  # the source tree may be read-only
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import harness  # noqa: E402

# Step-1 suites first, in this order; any other test_*.py here after them,
# so a new suite needs no edit of this file.
FIRST = ["test_http", "test_badinput", "test_process", "test_modes",
         "test_apache", "test_samples"]
HERE = os.path.dirname(os.path.abspath(__file__))
MODULES = FIRST + sorted(
    f[:-3] for f in os.listdir(HERE)
    if f.startswith("test_") and f.endswith(".py") and f[:-3] not in FIRST)


class Ctx:
    """What a test function gets: stacks it starts are cleaned up, and
    dumped when the test fails."""

    def __init__(self, paths, name, keep):
        self.paths = paths
        self.name = name
        self.keep = keep
        self.stacks = []

    def stack(self, nginx=True, start=True, share_db=None, **conf):
        """A stack with its own fresh database, or share_db's."""
        s = harness.Stack(self.paths, self.name, share_db=share_db)
        self.stacks.append(s)
        s.write_conf(**conf)
        if start:
            s.start_soukd()
            if nginx:
                s.start_nginx()
        return s

    def close(self, failed):
        """Stops everything, then fails the test if a sanitizer reported
        anything (leaks show at exit, so only after the stop)."""
        reports = []
        # Every stack stops before any is removed: stacks may share one
        # database, which its owner drops.
        for s in self.stacks:
            s.cleanup(keep=True)
            rep = s.sanitizer_report()
            if rep:
                reports.append(rep)
        if not (self.keep or (failed or reports) and
                os.environ.get("SOUK_IT_KEEP_FAILED") == "1"):
            for s in self.stacks:
                s.remove()
        if reports:
            raise harness.TestFailure("sanitizer report in soukd's logs:\n"
                                      + "\n".join(reports))


def collect(quick, pattern, db_only=False):
    tests = []
    for mod_name in MODULES:
        mod = importlib.import_module(mod_name)
        mod_db = getattr(mod, "USES_DB", False)
        fns = [(n, f) for n, f in vars(mod).items()
               if n.startswith("test_") and callable(f)
               and getattr(f, "__module__", None) == mod_name]
        fns.sort(key=lambda nf: inspect.unwrap(nf[1]).__code__.co_firstlineno)
        for name, fn in fns:
            full = "%s.%s" % (mod_name[5:], name[5:])
            if pattern and pattern not in full:
                continue
            if quick and getattr(fn, "slow", False):
                continue
            if db_only and not (mod_db or getattr(fn, "uses_db", False)):
                continue
            tests.append((full, fn))
    return tests


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--build")
    ap.add_argument("--prefix")
    ap.add_argument("--quick", action="store_true")
    ap.add_argument("-k", dest="pattern")
    ap.add_argument("--keep", action="store_true",
                    help="keep every temp dir")
    ap.add_argument("--db", choices=("sqlite", "mariadb"),
                    help="database engine (default: $SOUK_TEST_DB or "
                    "sqlite)")
    ap.add_argument("--db-only", action="store_true",
                    help="only the tests that use the database")
    args = ap.parse_args()

    paths = harness.Paths(args.build, args.prefix, args.db)
    missing = paths.missing()
    if missing:
        print("not ok 1 - programs under test exist: missing %s"
              % ", ".join(missing))
        print("# 0 passed, 1 failed")
        return 1
    # Asked for MariaDB and cannot have it: say so rather than quietly
    # testing nothing.
    problem = paths.db_problem()
    if problem:
        print("not ok 1 - database engine %s is usable: %s"
              % (paths.db, problem))
        print("# 0 passed, 1 failed")
        return 1

    tests = collect(args.quick, args.pattern, args.db_only)
    print("1..%d" % len(tests))
    print("# soukd %s" % paths.soukd)
    print("# database %s%s" % (paths.db, "" if paths.db_section() else
                               " (soukd has no [database] section yet: "
                               "stacks run without one)"))
    passed = failed = 0
    for i, (name, fn) in enumerate(tests, 1):
        ctx = Ctx(paths, name.replace(".", "-"), args.keep)
        t0 = time.monotonic()
        ok, why, skip = True, None, None
        try:
            fn(ctx)
        except harness.Skip as e:
            skip = str(e)
        except Exception as e:   # noqa: BLE001 - report any failure
            ok = False
            why = "".join(traceback.format_exception_only(type(e), e))
            tb = traceback.format_exc()
        finally:
            dumps = [s.dump() for s in ctx.stacks] if not ok else []
            try:
                ctx.close(not ok)
            except Exception as e:  # noqa: BLE001
                if ok:
                    ok, why, tb = False, str(e), ""
                    skip = None
        dt = time.monotonic() - t0
        if skip is not None:
            print("ok %d - %s # SKIP %s" % (i, name, skip))
            passed += 1
        elif ok:
            print("ok %d - %s (%.1fs)" % (i, name, dt))
            passed += 1
        else:
            print("not ok %d - %s (%.1fs)" % (i, name, dt))
            for line in (why.strip() + "\n" + tb).splitlines():
                print("#   " + line)
            for d in dumps:
                for line in d.splitlines():
                    print("#   " + line)
            failed += 1
        sys.stdout.flush()
    print("# %d passed, %d failed" % (passed, failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())

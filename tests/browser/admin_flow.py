"""The browser half of the admin tests (run.py calls run_admin): one soukd
with two sites of one group behind nginx, a site owner made with `souk user
add`, and admin.js driving chromium through log-in, turning a plugin off
for one site and on again."""

import json
import os
import shutil
import subprocess

import harness
from test_themes import serve_themes_from

HERE = os.path.dirname(os.path.abspath(__file__))

PASSWORD = "correct horse battery staple"


def run_admin(paths, tap, shots_root, theme_conf, keep):
    """Runs the phase in a stack of its own; reports through tap (run.py's
    Tap)."""
    stack = harness.Stack(paths, "browser-admin")
    try:
        if stack.db is None or not paths.db_section():
            tap.line(True, "admin # SKIP soukd has no database yet")
            return
        os.symlink(os.path.join(paths.build, "plugins", "admin.so"),
                   os.path.join(stack.plugin_dir, "admin.so"))
        stack.write_conf(plugins="hello admin", server_extra=theme_conf,
                         sites=[("demo", "demo.test localhost", "hello admin",
                                 {"group": "shops"}),
                                ("bazaar", "bazaar.test", "hello admin",
                                 {"group": "shops", "theme": "saffron"})])
        serve_themes_from(stack, theme_conf["theme_dir"])
        stack.start_soukd()
        stack.start_nginx()
        env = dict(os.environ, SOUK_PASSWORD=PASSWORD)
        p = subprocess.run([os.path.join(paths.build, "souk"), "-c",
                            stack.conf, "user", "add", "owner@example.com",
                            "--role", "admin", "--site", "demo"],
                           env=env, stdin=subprocess.DEVNULL,
                           stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
        tap.line(p.returncode == 0, "admin: souk user add makes the owner",
                 p.stdout.decode("utf-8", "replace"))
        plan = {"socket": stack.http_sock,
                "shots": shots_root or os.path.join(stack.T, "shots"),
                "email": "owner@example.com", "password": PASSWORD,
                "site": "demo.test", "other": "bazaar.test",
                "plugin": "hello", "plugin_path": "/hello"}
        run_node(stack, tap, plan)
    except Exception as e:  # noqa: BLE001 - report, then dump the logs
        tap.line(False, "admin: browser stack ran", "%s: %s\n%s"
                 % (type(e).__name__, e, stack.dump()))
    finally:
        stack.cleanup(keep=True)
        rep = stack.sanitizer_report()
        if rep:
            tap.line(False, "admin: no sanitizer report in soukd's logs", rep)
        if not keep:
            shutil.rmtree(stack.T, ignore_errors=True)


def run_node(stack, tap, plan):
    path = os.path.join(stack.T, "plan-admin.json")
    with open(path, "w") as f:
        json.dump(plan, f, indent=1)
    home = os.path.join(stack.T, "home")
    os.makedirs(home, exist_ok=True)
    env = dict(os.environ, HOME=home, TMPDIR=stack.T)
    p = subprocess.run(["node", os.path.join(HERE, "admin.js"), path],
                       stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                       env=env, timeout=300)
    out = p.stdout.decode("utf-8", "replace")
    tap.relay("admin", out)
    if p.returncode != 0 and "not ok" not in out:
        tap.line(False, "admin: admin.js exit status %d" % p.returncode,
                 p.stderr.decode("utf-8", "replace")[-2000:])
        for line in stack.dump().splitlines():
            print("#   " + line)
    elif p.returncode != 0:
        for line in stack.dump().splitlines():
            print("#   " + line)

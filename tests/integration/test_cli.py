"""The souk command: what a site owner or hosting provider reads off an
installation (plugins, sites, routes, the resolved hook order)."""

import os
import subprocess

from harness import TestFailure, check, eq, uses_db


def souk_bin(ctx):
    p = ctx.paths
    if p.prefix:
        return os.path.join(p.prefix, "bin", "souk")
    return os.path.join(p.build, "souk")


def fixture(ctx, name):
    path = os.path.join(ctx.paths.build, "tests", "fixtures", name + ".so")
    if not os.path.exists(path):
        raise TestFailure("fixture %s is not built (make check builds it)"
                          % path)
    return path


def cli_stack(ctx):
    """A config with hello and the alpha/beta fixtures (beta requires
    alpha; both hook "tie" at equal priorities), listed out of order."""
    s = ctx.stack(start=False, listen=False,
                  plugins="beta hello alpha",
                  sites=[("demo", "localhost shop.test/brand",
                          "hello alpha beta", {}),
                         ("bare", "bare.test", "alpha", {})])
    for name in ("alpha", "beta"):
        os.symlink(fixture(ctx, name), os.path.join(s.plugin_dir,
                                                    name + ".so"))
    return s


def souk(ctx, s, *args):
    cmd = [souk_bin(ctx)] + (["-c", s.conf] if s else []) + list(args)
    p = subprocess.run(cmd, capture_output=True, text=True, timeout=60)
    return p.returncode, p.stdout, p.stderr


def test_help_and_version(ctx):
    rc, out, _ = souk(ctx, None, "--help")
    eq(rc, 0, "souk --help exit status")
    for cmd in ("plugins", "plugin check", "plugin new", "sites",
                "routes SITE", "hooks SITE", "version"):
        check(cmd in out, "--help lists %r" % cmd)
    rc, out, _ = souk(ctx, None, "version")
    eq(rc, 0, "souk version exit status")
    check("plugin ABI 1.0" in out, "version names the plugin ABI: %r" % out)
    rc, _, err = souk(ctx, None, "no-such-command")
    eq(rc, 2, "an unknown command is a usage error")
    check("usage" in err.lower() or "unknown" in err.lower(),
          "and says so: %r" % err)


def test_plugins_lists_installed_and_state(ctx):
    s = cli_stack(ctx)
    # Installed but not configured: it must show, and as not loaded.
    os.symlink(fixture(ctx, "fail_init"),
               os.path.join(s.plugin_dir, "fail_init.so"))
    rc, out, _ = souk(ctx, s, "plugins")
    eq(rc, 0, "souk plugins exit status")
    rows = {ln.split()[0]: ln for ln in out.splitlines()[1:] if ln.strip()}
    for name in ("alpha", "beta", "hello"):
        check(name in rows and "loaded" in rows[name],
              "%s listed as loaded: %r" % (name, rows.get(name)))
    check("fail_init" in rows and "not configured" in rows["fail_init"],
          "an installed, unconfigured plugin is listed as such: %r"
          % rows.get("fail_init"))
    check("1.2.3" in rows["alpha"], "the plugin's version is shown")


def test_plugins_reports_load_error(ctx):
    s = cli_stack(ctx)
    os.symlink(fixture(ctx, "bad_major"),
               os.path.join(s.plugin_dir, "bad_major.so"))
    s.write_conf(plugins="hello bad_major", listen=False)
    rc, out, err = souk(ctx, s, "plugins")
    eq(rc, 1, "souk plugins fails when the configured set does not load")
    check("bad_major" in out + err and "ABI" in out + err,
          "the refusal names the plugin and the ABI: %r" % (out + err))


def test_sites(ctx):
    s = cli_stack(ctx)
    rc, out, _ = souk(ctx, s, "sites")
    eq(rc, 0, "souk sites exit status")
    check("demo" in out and "shop.test/brand" in out,
          "site demo with its host and path prefix: %r" % out)
    check("bare" in out and "bare.test" in out, "site bare: %r" % out)


def route_rows(out):
    return [ln.split() for ln in out.splitlines()[1:] if ln.strip()]


def test_routes_per_site(ctx):
    s = cli_stack(ctx)
    rc, out, _ = souk(ctx, s, "routes", "demo")
    eq(rc, 0, "souk routes demo exit status")
    rows = route_rows(out)
    patterns = [r[-2] for r in rows]
    check("/hello" in patterns and "/alpha" in patterns,
          "demo serves hello's and alpha's routes: %r" % patterns)
    echo = [r for r in rows if r[-2] == "/hello/echo"]
    check(echo and echo[0][0] == "POST" and echo[0][-1] == "hello",
          "POST /hello/echo owned by hello: %r" % echo)
    get = [r for r in rows if r[-2] == "/hello"]
    check(get and "HEAD" in " ".join(get[0]), "GET routes also take HEAD")

    rc, out, _ = souk(ctx, s, "routes", "bare")
    eq(rc, 0, "souk routes bare exit status")
    patterns = [r[-2] for r in route_rows(out)]
    eq(patterns, ["/alpha"], "a site without hello has none of its routes")

    rc, _, err = souk(ctx, s, "routes", "nosuch")
    eq(rc, 1, "an unknown site is refused")
    check("nosuch" in err, "and named: %r" % err)


def hook_order(out, name):
    """The callbacks listed under one hook name, as (kind, prio, plugin)."""
    rows, cur = [], None
    for ln in out.splitlines():
        if ln and not ln.startswith(" "):
            cur = ln.strip()
            continue
        if cur == name and ln.strip():
            f = ln.split()
            # "1. filter prio 25 beta seq 5"
            rows.append((f[1], int(f[3]), f[4]))
    return rows


def test_hooks_resolved_order(ctx):
    s = cli_stack(ctx)
    rc, out, _ = souk(ctx, s, "hooks", "demo")
    eq(rc, 0, "souk hooks demo exit status")
    # beta's EARLY callback first; then equal priorities by load order
    # (alpha loads before beta, which requires it), then registration.
    eq(hook_order(out, "tie"),
       [("filter", 25, "beta"), ("filter", 50, "alpha"),
        ("filter", 50, "alpha"), ("filter", 50, "beta")],
       "resolved order of hook 'tie'")
    eq(hook_order(out, "page.footer"), [("slot", 50, "hello")],
       "hello's footer slot")

    rc, out, _ = souk(ctx, s, "hooks", "bare")
    eq(rc, 0, "souk hooks bare exit status")
    eq(hook_order(out, "tie"), [("filter", 50, "alpha"),
                                ("filter", 50, "alpha")],
       "a site sees only its enabled plugins' hooks")
    check("page.footer" not in out, "hello's slot is absent on bare")


def test_plugin_check(ctx):
    rc, out, _ = souk(ctx, None, "plugin", "check", fixture(ctx, "alpha"))
    eq(rc, 0, "a good plugin checks ok")
    check("would load" in out and "/alpha" in out,
          "says it would load and what it registers: %r" % out)
    for bad, word in (("bad_major", "ABI"), ("fail_init", "init"),
                      ("needs_missing", "missing requirement")):
        rc, out, err = souk(ctx, None, "plugin", "check", fixture(ctx, bad))
        eq(rc, 1, "plugin check refuses %s" % bad)
        text = out + err
        check(bad in text or "plugin" in text,
              "the refusal names the plugin: %r" % text)
        check(word.lower() in text.lower(),
              "and the cause (%s): %r" % (word, text))


@uses_db
def test_routes_of_a_site_added_in_the_database(ctx):
    """`souk routes` and `souk hooks` show the sites soukd serves: those of
    souk.conf merged with those added by `souk site add`."""
    s = cli_stack(ctx)
    rc, _, err = souk(ctx, s, "sites")
    eq(rc, 0, "souk sites works before the database is migrated")
    check("souk migrate" in err, "and says the database is not ready: %r"
          % err)
    rc, out, err = souk(ctx, s, "migrate")
    eq(rc, 0, "souk migrate: %s" % err)
    rc, _, err = souk(ctx, s, "site", "add", "shop2", "--host", "shop2.test")
    eq(rc, 0, "souk site add: %s" % err)
    rc, _, err = souk(ctx, s, "site", "enable", "shop2", "hello")
    eq(rc, 0, "souk site enable: %s" % err)
    rc, out, _ = souk(ctx, s, "sites")
    check("shop2" in out and "shop2.test" in out,
          "souk sites lists the database's site: %r" % out)
    rc, out, err = souk(ctx, s, "routes", "shop2")
    eq(rc, 0, "souk routes shop2: %s" % err)
    patterns = [r[-2] for r in route_rows(out)]
    check("/hello" in patterns and "/alpha" not in patterns,
          "shop2 serves hello's routes only: %r" % patterns)
    rc, out, _ = souk(ctx, s, "hooks", "shop2")
    eq(hook_order(out, "page.footer"), [("slot", 50, "hello")],
       "shop2's hooks")
    eq(hook_order(out, "tie"), [], "no alpha/beta hooks on shop2")

/* Unit tests for souk.conf parsing (core/config.c). */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../../core/config.c"
#include "tap.h"

/* request.c owns the real defaults; these values only need to be
 * recognisable, to show the file's [limits] start from them. */
void
sk_limits_default(sk_limits_t *l)
{
    memset(l, 0, sizeof(*l));
    l->max_body = 111;
    l->max_uploads = 7;
    l->max_json_depth = 9;
}

static char  dir[] = "/tmp/souk-config-t.XXXXXX";
static char  path[256];

static const char *
write_conf(const char *text)
{
    FILE  *f;

    snprintf(path, sizeof(path), "%s/souk.conf", dir);
    f = fopen(path, "w");
    if (f == NULL) {
        perror(path);
        exit(1);
    }
    fputs(text, f);
    fclose(f);
    return path;
}

/* Loads text and checks it fails with exactly "PATH:LINE: why". */
static void
fails(const char *text, int line, const char *why, const char *what)
{
    char          err[512], want[1024];
    const char   *got = err, *exp = want;
    sk_config_t  *cfg;

    err[0] = '\0';
    cfg = sk_config_load(write_conf(text), err, sizeof(err));
    ok(cfg == NULL, "%s: refused", what);
    snprintf(want, sizeof(want), "%s:%d: %s", path, line, why);
    is_str(got, exp, "%s: message", what);
    sk_config_free(cfg);
}

static const char good[] =
    "; a full file\n"
    "[server]\n"
    "listen = run/soukd.sock\n"
    "socket_mode = 0640\n"
    "socket_group = www-data\n"
    "backlog = 64   ; inline comment\n"
    "workers = 3\n"
    "drain_timeout = 5\n"
    "plugin_dir = plugins\n"
    "plugins = hello, catalog\n"
    "plugins = cart\n"
    "error_log = logs/error.log\n"
    "access_log =\n"
    "pid_file = /run/x.pid\n"
    "default_site = demo\n"
    "\n"
    "[limits]\n"
    "max_body = 2048\n"
    "max_json_depth = 16\n"
    "\n"
    "[settings]\n"
    "hello.greeting = Hello\n"
    "shop.words = one\n"
    "shop.words = two\n"
    "\n"
    "[site:demo]\n"
    "hosts = Demo.Test, 127.0.0.1\n"
    "hosts = demo.test/Brand/\n"
    "plugins = hello catalog\n"
    "theme = dark\n"
    "hello.greeting = Welcome\n"
    "\n"
    "[site:other]\n"
    "hosts = other.test\n";

static void
test_good(void)
{
    char          err[512] = "", want[1024];
    const char   *exp = want;
    sk_config_t  *cfg;
    sk_site_t    *s;

    cfg = sk_config_load(write_conf(good), err, sizeof(err));
    if (!ok(cfg != NULL, "good file loads")) {
        printf("# %s\n", err);
        return;
    }
    snprintf(want, sizeof(want), "%s/run/soukd.sock", dir);
    is_str(cfg->listen, exp, "relative socket path resolved to the dir");
    is_int(cfg->socket_mode, 0640, "socket_mode is octal");
    is_str(cfg->socket_group, "www-data", "socket_group");
    is_int(cfg->backlog, 64, "inline comment stripped from a number");
    is_int(cfg->workers, 3, "workers");
    is_int(cfg->drain_timeout, 5, "drain_timeout");
    snprintf(want, sizeof(want), "%s/plugins", dir);
    is_str(cfg->plugin_dir, exp, "plugin_dir resolved");
    is_int(cfg->nplugins, 3, "plugins: commas, spaces, repeated key append");
    if (cfg->nplugins == 3) {
        is_str(cfg->plugins[0], "hello", "plugin 1");
        is_str(cfg->plugins[1], "catalog", "plugin 2");
        is_str(cfg->plugins[2], "cart", "plugin 3 from the repeated key");
    }
    snprintf(want, sizeof(want), "%s/logs/error.log", dir);
    is_str(cfg->error_log, exp, "error_log resolved");
    ok(cfg->access_log == NULL, "empty access_log means none");
    is_str(cfg->pid_file, "/run/x.pid", "absolute path kept");
    is_str(cfg->default_site, "demo", "default_site");
    snprintf(want, sizeof(want), "%s/souk.conf", dir);
    is_str(cfg->path, exp, "cfg->path is the absolute file");
    ok(cfg->file_size == (off_t) strlen(good), "file size recorded");

    is_int(cfg->limits.max_body, 2048, "max_body from the file");
    is_int(cfg->limits.max_json_depth, 16, "max_json_depth from the file");
    is_int(cfg->limits.max_uploads, 7, "unset limit keeps the default");

    is_int(cfg->nsettings, 2, "two installation settings");
    is_str(cfg->settings[0].value, "Hello", "setting value");
    is_str(cfg->settings[1].value, "one two", "repeated setting appends");

    if (!is_int(cfg->nsites, 2, "two sites")) {
        sk_config_free(cfg);
        return;
    }
    s = &cfg->sites[0];
    is_str(s->id, "demo", "site id");
    is_int(s->nhosts, 3, "hosts over two lines");
    is_str(s->hosts[0], "demo.test", "host lower-cased");
    is_str(s->hosts[2], "demo.test/Brand", "prefix keeps case, loses '/'");
    is_int(s->nplugin_names, 2, "site plugins");
    is_str(s->theme, "dark", "theme");
    is_int(s->nsettings, 1, "other site keys are settings");
    is_str(s->settings[0].name, "hello.greeting", "site setting name");
    is_str(s->settings[0].value, "Welcome", "site setting value");
    ok(cfg->sites[1].theme == NULL, "no theme: NULL");
    sk_config_free(cfg);
}

static void
test_listen(void)
{
    char          err[512] = "";
    sk_config_t  *cfg;

    cfg = sk_config_load(write_conf("[server]\nworkers = 1\n"), err,
                         sizeof(err));
    ok(cfg != NULL && cfg->listen == NULL,
       "no listen is fine (socket on fd 0)");
    if (cfg != NULL) {
        is_int(cfg->workers, 1, "the rest still read");
        is_int(cfg->backlog, 128, "backlog default");
        is_int(cfg->socket_mode, 0660, "socket_mode default");
        ok(cfg->error_log == NULL, "no error_log: stderr");
    }
    sk_config_free(cfg);
    cfg = sk_config_load(write_conf("[server]\nlisten = 127.0.0.1:9000\n"),
                         err, sizeof(err));
    ok(cfg != NULL && cfg->listen && !strcmp(cfg->listen, "127.0.0.1:9000"),
       "a TCP address is not taken as a path");
    sk_config_free(cfg);
}

static void
test_errors(void)
{
    char          err[512] = "", want[600];
    const char   *got = err;
    sk_config_t  *cfg;
    char          longline[400];

    fails("[server]\nworkers = 2\n[nope]\nx = 1\n", 4,
          "unknown section [nope]", "unknown section");
    fails("[server]\n\nlisten = a.sock\nworkrs = 2\n", 4,
          "unknown key \"workrs\" in [server]", "unknown server key");
    fails("[limits]\nmax_body = 1\nmax_bdy = 2\n", 3,
          "unknown key \"max_bdy\" in [limits]", "unknown limits key");
    fails("[server]\nworkers = two\n", 2,
          "bad number \"two\" for workers (expected 1 to 1024)",
          "word for a number");
    fails("[server]\nworkers = 0\n", 2,
          "bad number \"0\" for workers (expected 1 to 1024)",
          "number out of range");
    fails("[server]\nsocket_mode = 0680\n", 2,
          "bad number \"0680\" for socket_mode (expected octal 0 to 511)",
          "mode with a non-octal digit");
    fails("[limits]\nmax_body = 10k\n", 2,
          "bad number \"10k\" for max_body (expected 0 to "
          "4611686018427387903)", "number with a suffix");
    fails("workers = 2\n", 1, "\"workers\" is outside any [section]",
          "key before any section");
    fails("[server]\nworkers = 2\nthis line has no equals sign\n", 3,
          "syntax error (expected [section] or name = value)",
          "syntax error from inih");
    fails("[server]\ndefault_site = shop\n[site:demo]\nhosts = a\n", 2,
          "default_site \"shop\" has no [site:shop] section",
          "default_site naming no site");
    fails("[site:a]\nhosts = x.test\n[site:b]\nhosts = y.test X.test\n", 4,
          "host \"x.test\" is already served by site a", "duplicate host");
    fails("[site:a b]\nhosts = x\n", 2,
          "bad site id \"a b\" (letters, digits, _ and -)", "bad site id");
    fails("[site:a]\nhosts = ok.test\nhosts = x.test:8080\n", 3,
          "site a: host \"x.test:8080\" has a port (hosts are matched "
          "without one)", "host with a port");
    fails("[site:a]\nhosts = x.test/a/../b\n", 2,
          "site a: host \"x.test/a/../b\" has a path prefix that is not "
          "normalised", "prefix with ..");

    memset(longline, 'a', sizeof(longline) - 1);
    longline[sizeof(longline) - 1] = '\0';
    memcpy(longline, "plugins = ", 10);
    snprintf(want, sizeof(want), "[server]\nworkers = 2\n%s\n", longline);
    fails(want, 3, "line longer than 198 bytes (split a list over several "
          "lines with the same key)", "line over inih's limit");

    cfg = sk_config_load("/nonexistent/souk.conf", err, sizeof(err));
    ok(cfg == NULL, "missing file refused");
    is_str(got, "/nonexistent/souk.conf: No such file or directory",
           "missing file message");
}

/* The sample shipped in conf/ must stay valid. */
static void
test_sample(void)
{
    char          err[512] = "", p[4096];
    const char   *top = getenv("top_srcdir");
    sk_config_t  *cfg;

    snprintf(p, sizeof(p), "%s/conf/souk.conf", top ? top : "../..");
    cfg = sk_config_load(p, err, sizeof(err));
    if (!ok(cfg != NULL, "conf/souk.conf loads")) {
        printf("# %s\n", err);
        return;
    }
    is_str(cfg->listen, "/run/souk/soukd.sock", "sample listen");
    is_int(cfg->socket_mode, 0660, "sample mode");
    is_str(cfg->socket_group, "www-data", "sample group");
    ok(cfg->nsites == 1 && cfg->sites[0].nplugin_names == 1
       && strcmp(cfg->sites[0].plugin_names[0], "hello") == 0,
       "sample has one site with hello");
    sk_config_free(cfg);
}

int
main(void)
{
    if (mkdtemp(dir) == NULL) {
        perror("mkdtemp");
        return 1;
    }
    test_good();
    test_listen();
    test_errors();
    test_sample();
    unlink(path);
    rmdir(dir);
    return done_testing();
}

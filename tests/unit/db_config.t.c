/* Unit tests for the [database] section of souk.conf (core/config.c). */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../../core/config.c"
#include "tap.h"

/* request.c owns the limits; this test does not look at them. */
void
sk_limits_default(sk_limits_t *l)
{
    memset(l, 0, sizeof(*l));
}

static char  dir[] = "/tmp/souk-db-config-t.XXXXXX";
static char  path[256];

static sk_config_t *
load(const char *text, char *err, size_t errlen)
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
    err[0] = '\0';
    return sk_config_load(path, err, errlen);
}

/* Checks text is refused with exactly "PATH:LINE: why". */
static void
fails(const char *text, int line, const char *why, const char *what)
{
    char          err[512], want[1024];
    const char   *got = err, *exp = want;
    sk_config_t  *cfg;

    cfg = load(text, err, sizeof(err));
    ok(cfg == NULL, "%s: refused", what);
    snprintf(want, sizeof(want), "%s:%d: %s", path, line, why);
    is_str(got, exp, "%s: message", what);
    sk_config_free(cfg);
}

static void
test_default(void)
{
    char          err[512], want[300];
    const char   *exp = want;
    sk_config_t  *cfg;

    cfg = load("[server]\nworkers = 1\n", err, sizeof(err));
    ok(cfg != NULL, "no [database]: loads (%s)", err);
    if (cfg == NULL) {
        return;
    }
    is_int(cfg->db.driver, SOUK_DB_SQLITE, "no [database]: SQLite");
    snprintf(want, sizeof(want), "%s/var/souk.db", dir);
    is_str(cfg->db.path, exp, "no [database]: var/souk.db beside the file");
    is_int(cfg->db.apply_migrations, 0,
           "no [database]: pending migrations are not applied");
    sk_config_free(cfg);

    cfg = load("[database]\npath = data/shop.db\nbusy_timeout = 250\n"
               "apply_migrations = yes\n", err, sizeof(err));
    ok(cfg != NULL, "sqlite path: loads (%s)", err);
    if (cfg == NULL) {
        return;
    }
    snprintf(want, sizeof(want), "%s/data/shop.db", dir);
    is_str(cfg->db.path, exp, "a relative path is taken from the file's dir");
    is_int(cfg->db.busy_timeout, 250, "busy_timeout");
    is_int(cfg->db.apply_migrations, 1, "apply_migrations = yes");
    sk_config_free(cfg);
}

static void
test_mariadb(void)
{
    char          err[512], want[300];
    const char   *exp = want;
    sk_config_t  *cfg;

    cfg = load("[database]\ndriver = mariadb\nsocket = run/my.sock\n"
               "user = souk\npassword = p;w=d\nname = shop\nport = 3307\n"
               "host = db.internal\nlock_wait_timeout = 3\n"
               "apply_migrations = no\n", err, sizeof(err));
    ok(cfg != NULL, "mariadb: loads (%s)", err);
    if (cfg == NULL) {
        return;
    }
    is_int(cfg->db.driver, SOUK_DB_MARIADB, "mariadb: driver");
    snprintf(want, sizeof(want), "%s/run/my.sock", dir);
    is_str(cfg->db.socket, exp, "mariadb: socket resolved like a path");
    is_str(cfg->db.user, "souk", "mariadb: user");
    is_str(cfg->db.name, "shop", "mariadb: name");
    is_str(cfg->db.host, "db.internal", "mariadb: host");
    is_int(cfg->db.port, 3307, "mariadb: port");
    is_int(cfg->db.lock_wait_timeout, 3, "mariadb: lock_wait_timeout");
    ok(cfg->db.path == NULL, "mariadb: no SQLite path is made up");
    sk_config_free(cfg);
}

static void
test_errors(void)
{
    fails("[database]\ndriver = postgres\n", 2,
          "driver \"postgres\" is not sqlite or mariadb", "unknown driver");
    fails("[database]\napply_migrations = maybe\n", 2,
          "apply_migrations must be yes or no", "apply_migrations");
    fails("[database]\nport = 70000\n", 2,
          "bad number \"70000\" for port (expected 1 to 65535)",
          "port out of range");
    fails("\n[database]\ndatabase = x\n", 3,
          "unknown key \"database\" in [database]", "unknown key");
}

int
main(void)
{
    if (mkdtemp(dir) == NULL) {
        perror("mkdtemp");
        return 1;
    }
    test_default();
    test_mariadb();
    test_errors();
    unlink(path);
    rmdir(dir);
    return done_testing();
}

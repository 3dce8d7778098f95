/* Migrations and sites in the database, on SQLite and MariaDB: pending
 * refused, applied once, edits refused, variants, failures rolled back,
 * `souk site` changes checked and seen by a running worker. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "souk_core.h"
#include "db_int.h"
#include "migrate.h"
#include "dbtest.h"
#include "tap.h"

/* Linked against libsoukcore.a: the real migrate.c, site_db.c, site.c. */

static char            tmp[256];
static sk_plugin_t     plug[2];
static souk_plugin_t   desc2;
static const char     *p2_requires[] = { "p1", NULL };

typedef struct {
    int     ran;
    int     pending;
    int     applied;
} counts_t;

static void
count_note(void *arg, const char *plugin, const char *name, const char *file,
    int state)
{
    counts_t  *c = arg;

    (void) plugin; (void) name; (void) file;
    if (state == SK_MIG_RAN) {
        c->ran++;
    } else if (state == SK_MIG_PENDING) {
        c->pending++;
    } else {
        c->applied++;
    }
}

static void
put(const char *rel, const char *text)
{
    char   path[512];
    FILE  *f;

    snprintf(path, sizeof(path), "%s/%s", tmp, rel);
    f = fopen(path, "w");
    if (f == NULL || fputs(text, f) < 0 || fclose(f) != 0) {
        printf("Bail out! cannot write %s\n", path);
        exit(1);
    }
}

static void
drop(const char *rel)
{
    char  path[512];

    snprintf(path, sizeof(path), "%s/%s", tmp, rel);
    (void) unlink(path);
}

static int
run(sk_runtime_t *rt, int mode, counts_t *c, char *err, size_t errlen)
{
    memset(c, 0, sizeof(*c));
    err[0] = '\0';
    return sk_migrate(rt, rt->db, mode, count_note, c, NULL, err, errlen);
}

static int64_t
scalar(souk_db_t *db, const char *sql)
{
    souk_stmt_t  *st = souk_db_row(db, sql, "");
    int64_t       v;

    if (st == NULL) {
        return -1;
    }
    v = souk_stmt_int(st, 0);
    souk_stmt_reset(st);
    return v;
}

static void
test_migrations(sk_runtime_t *rt, const char *eng)
{
    counts_t  c;
    char      err[1024], file[64], text[256];
    int       rc;

    put("p1/migrations/001_a.sql", "CREATE TABLE p1_a (id INTEGER "
        "PRIMARY KEY, v VARCHAR(64));\n");
    snprintf(file, sizeof(file), "p1/migrations/001_a.%s.sql", eng);
    snprintf(text, sizeof(text), "-- the %s variant\nCREATE TABLE p1_a "
             "(id INTEGER PRIMARY KEY, v VARCHAR(64), %s_only INTEGER);\n",
             eng, eng);
    put(file, text);
    put("p1/migrations/002_b.sql", "INSERT INTO p1_a (id, v) VALUES "
        "(1, 'x;''y'' -- z');\nINSERT INTO p1_a (id, v) VALUES (2, 'w');\n");
    put("p1/migrations/notes.txt", "not a migration");

    rc = run(rt, SK_MIGRATE_CHECK, &c, err, sizeof(err));
    ok(rc == SOUK_ERROR && strstr(err, "pending") != NULL
       && strstr(err, "001_sites") != NULL,
       "%s: a fresh database is refused, naming the first pending one: %s",
       eng, err);
    rc = run(rt, SK_MIGRATE_STATUS, &c, err, sizeof(err));
    ok(rc == SOUK_OK && c.pending >= 3 && c.ran == 0,
       "%s: --status lists %d pending, runs nothing", eng, c.pending);
    rc = run(rt, SK_MIGRATE_APPLY, &c, err, sizeof(err));
    ok(rc == SOUK_OK && c.ran >= 3 && c.pending == 0,
       "%s: apply runs them all (%d) %s", eng, c.ran, err);
    is_int(scalar(rt->db, "SELECT COUNT(*) FROM p1_a"), 2,
           "%s: the plugin's migrations ran in name order", eng);
    snprintf(text, sizeof(text), "SELECT COUNT(%s_only) FROM p1_a", eng);
    is_int(scalar(rt->db, text), 0,
           "%s: the engine's own variant won over the plain file", eng);
    is_int(scalar(rt->db, "SELECT COUNT(*) FROM p1_a WHERE id = 1 AND "
                  "v = 'x;''y'' -- z'"), 1,
           "%s: quotes, ';' and '--' inside a string are data", eng);
    is_int(scalar(rt->db, "SELECT COUNT(*) FROM souk_migrations WHERE "
                  "plugin = 'p1' AND LENGTH(checksum) = 64"), 2,
           "%s: each is recorded with its 256-bit checksum", eng);
    rc = run(rt, SK_MIGRATE_APPLY, &c, err, sizeof(err));
    ok(rc == SOUK_OK && c.ran == 0 && c.applied >= 5,
       "%s: a second apply runs nothing", eng);
    rc = run(rt, SK_MIGRATE_CHECK, &c, err, sizeof(err));
    is_int(rc, SOUK_OK, "%s: soukd's check passes once applied", eng);

    /* an edited migration */
    put("p1/migrations/002_b.sql", "INSERT INTO p1_a (id, v) VALUES "
        "(1, 'x;''y'' -- z');\nINSERT INTO p1_a (id, v) VALUES (3, 'w');\n");
    rc = run(rt, SK_MIGRATE_CHECK, &c, err, sizeof(err));
    ok(rc == SOUK_ERROR && strstr(err, "002_b.sql was edited") != NULL
       && strchr(err, '\n') == NULL,
       "%s: an edited migration is refused in one line: %s", eng, err);
    rc = run(rt, SK_MIGRATE_APPLY, &c, err, sizeof(err));
    ok(rc == SOUK_ERROR && strstr(err, "edited") != NULL,
       "%s: ... and never re-run by apply", eng);
    is_int(scalar(rt->db, "SELECT COUNT(*) FROM p1_a"), 2,
           "%s: nothing written by the refused edit", eng);
    put("p1/migrations/002_b.sql", "INSERT INTO p1_a (id, v) VALUES "
        "(1, 'x;''y'' -- z');\nINSERT INTO p1_a (id, v) VALUES (2, 'w');\n");

    /* a failing one: rolled back (SQLite) and not recorded */
    put("p1/migrations/003_c.sql", "CREATE TABLE p1_c (id INTEGER);\n"
        "INSERT INTO p1_c (id) VALUES (1);\nTHIS IS NOT SQL;\n");
    rc = run(rt, SK_MIGRATE_APPLY, &c, err, sizeof(err));
    ok(rc == SOUK_ERROR && strstr(err, "003_c.sql failed") != NULL,
       "%s: a failing migration stops apply, naming the file: %s", eng, err);
    is_int(scalar(rt->db, "SELECT COUNT(*) FROM souk_migrations WHERE "
                  "name = '003_c'"), 0, "%s: ... and is not recorded", eng);
    if (rt->db != NULL && souk_db_dialect(rt->db) == SOUK_DB_SQLITE) {
        is_int(scalar(rt->db, "SELECT COUNT(*) FROM sqlite_master WHERE "
                      "name = 'p1_c'"), 0,
               "%s: its earlier statements were rolled back", eng);
    }
    drop("p1/migrations/003_c.sql");

    /* only the other engine's variant */
    snprintf(file, sizeof(file), "p1/migrations/004_d.%s.sql",
             strcmp(eng, "sqlite") == 0 ? "mariadb" : "sqlite");
    put(file, "CREATE TABLE p1_d (id INTEGER);\n");
    rc = run(rt, SK_MIGRATE_APPLY, &c, err, sizeof(err));
    ok(rc == SOUK_ERROR && strstr(err, "no ") != NULL
       && strstr(err, eng) != NULL,
       "%s: a migration without a variant for this engine is refused: %s",
       eng, err);
    drop(file);
}

static const sk_site_t *
served(sk_runtime_t *rt, const char *host)
{
    size_t  plen;

    return sk_sites_resolve(rt->sites, host, "/", &plen);
}

static void
rebuild(sk_runtime_t *rt)
{
    char  err[512];

    sk_sites_free(rt->sites);
    rt->sites = sk_sites_build(rt->cfg, rt, err, sizeof(err));
    if (rt->sites == NULL) {
        printf("# sites: %s\n", err);
    }
}

static void
test_sites(sk_runtime_t *rt, dbtest_t *t, const char *eng)
{
    char              err[512];
    char             *hosts[] = { "Shop.Example", "shop.example/b2" };
    char             *taken[] = { "localhost" };
    const sk_site_t  *s;
    const char       *v;
    int64_t           ver;
    souk_db_t        *other;
    size_t            i;

    rebuild(rt);
    ok(rt->sites != NULL && served(rt, "localhost") != NULL,
       "%s: souk.conf's site is served with the tables in place", eng);
    sk_sitedb_version(rt->db, &ver);
    is_int(sk_sitedb_add(rt, "shop", "g1", hosts, 2, "base", err,
                         sizeof(err)), SOUK_OK, "%s: site add", eng);
    is_int(sk_sitedb_add(rt, "shop3", NULL, taken, 1, NULL, err,
                         sizeof(err)), SOUK_DECLINED,
           "%s: a host souk.conf serves is refused: %s", eng, err);
    is_int(sk_sitedb_add(rt, "demo", NULL, hosts, 1, NULL, err,
                         sizeof(err)), SOUK_DECLINED,
           "%s: an id souk.conf has is refused: %s", eng, err);
    is_int(sk_sitedb_add(rt, "x'y", NULL, hosts, 1, NULL, err, sizeof(err)),
           SOUK_DECLINED, "%s: a bad id is refused: %s", eng, err);
    is_int(scalar(rt->db, "SELECT version FROM souk_site_version"), ver + 1,
           "%s: only the good change moved the version", eng);
    rebuild(rt);
    s = served(rt, "shop.example");
    ok(s != NULL && strcmp(s->id, "shop") == 0 && s->group != NULL
       && strcmp(s->group, "g1") == 0,
       "%s: the new site serves its host (lower-cased) with its group", eng);

    is_int(sk_sitedb_plugin(rt, "shop", "nope", 1, err, sizeof(err)),
           SOUK_DECLINED, "%s: an unknown plugin is refused", eng);
    is_int(sk_sitedb_plugin(rt, "ghost", "p1", 1, err, sizeof(err)),
           SOUK_DECLINED, "%s: an unknown site is refused", eng);
    is_int(sk_sitedb_plugin(rt, "shop", "p2", 1, err, sizeof(err)),
           SOUK_DECLINED, "%s: p2 without its requirement p1 is refused: %s",
           eng, err);
    is_int(sk_sitedb_plugin(rt, "shop", "p1", 1, err, sizeof(err)), SOUK_OK,
           "%s: enable p1", eng);
    is_int(sk_sitedb_plugin(rt, "demo", "p1", 0, err, sizeof(err)), SOUK_OK,
           "%s: disable p1 on souk.conf's site", eng);
    rebuild(rt);
    s = served(rt, "shop.example");
    ok(s != NULL && s->enabled[0] && !s->enabled[1],
       "%s: p1 is on for shop, p2 still off", eng);
    s = served(rt, "localhost");
    ok(s != NULL && !s->enabled[0],
       "%s: the database's override turned souk.conf's p1 off", eng);

    is_int(sk_sitedb_set(rt, "demo", "hello.greeting", "Hi 'there'; --",
                         err, sizeof(err)), SOUK_OK, "%s: set a setting", eng);
    is_int(sk_sitedb_set(rt, "shop", "theme.accent", "red", err,
                         sizeof(err)), SOUK_DECLINED,
           "%s: a theme setting the schema refuses: %s", eng, err);
    is_int(sk_sitedb_set(rt, "shop", "theme.accent", "#123456", err,
                         sizeof(err)), SOUK_OK, "%s: a good colour", eng);
    is_int(sk_sitedb_set(rt, "shop", "theme", "no-such-theme", err,
                         sizeof(err)), SOUK_DECLINED,
           "%s: a theme that does not exist: %s", eng, err);
    rebuild(rt);
    s = served(rt, "localhost");
    v = NULL;
    for (i = 0; s != NULL && i < s->nsettings; i++) {
        if (strcmp(s->settings[i].name, "hello.greeting") == 0) {
            v = s->settings[i].value;
        }
    }
    is_str(v, "Hi 'there'; --", "%s: the database's value wins, as data",
           eng);
    is_int(sk_sitedb_set(rt, "demo", "hello.greeting", NULL, err,
                         sizeof(err)), SOUK_OK, "%s: unset", eng);
    rebuild(rt);
    s = served(rt, "localhost");
    v = NULL;
    for (i = 0; s != NULL && i < s->nsettings; i++) {
        if (strcmp(s->settings[i].name, "hello.greeting") == 0) {
            v = s->settings[i].value;
        }
    }
    is_str(v, "From the file", "%s: unset falls back to souk.conf", eng);

    /* a worker sees another process's change within a second */
    other = dbtest_connect(t);
    if (other != NULL) {
        souk_db_t  *mine = rt->db;
        char       *h3[] = { "three.example" };

        rt->db = other;
        (void) sk_sitedb_add(rt, "three", NULL, h3, 1, NULL, err,
                             sizeof(err));
        rt->db = mine;
        ok(served(rt, "three.example") == NULL || strcmp(served(rt,
           "three.example")->id, "three") != 0,
           "%s: not yet served before the poll", eng);
        usleep(1100 * 1000);
        sk_sites_refresh(rt);
        s = served(rt, "three.example");
        ok(s != NULL && strcmp(s->id, "three") == 0,
           "%s: served after the next poll, without a restart", eng);
        sk_db_close(other);
    }
}

int
main(void)
{
    const char    *src = getenv("top_srcdir");
    sk_runtime_t   rt;
    sk_config_t   *cfg;
    dbtest_t       t;
    char           conf[2048], err[512], path[512];
    int            e;

    snprintf(tmp, sizeof(tmp), "/tmp/souk-migrate-t.XXXXXX");
    if (mkdtemp(tmp) == NULL) {
        printf("Bail out! mkdtemp\n");
        return 1;
    }
    snprintf(path, sizeof(path), "%s/p1", tmp);
    mkdir(path, 0700);
    snprintf(path, sizeof(path), "%s/p1/migrations", tmp);
    mkdir(path, 0700);
    snprintf(conf, sizeof(conf), "[server]\ntheme_dir = %s/themes\n"
             "plugin_data_dir = %s\n[site:demo]\nhosts = localhost\n"
             "plugins = p1\ntheme = base\nhello.greeting = From the file\n",
             src != NULL ? src : "../..", tmp);
    put("souk.conf", conf);
    snprintf(path, sizeof(path), "%s/souk.conf", tmp);
    cfg = sk_config_load(path, err, sizeof(err));
    if (cfg == NULL) {
        printf("Bail out! %s\n", err);
        return 1;
    }
    plug[0].name = "p1";
    plug[0].idx = 0;
    plug[1].name = "p2";
    plug[1].idx = 1;
    plug[1].dir = tmp;            /* no p2/migrations: p2 has none */
    desc2.requires = p2_requires;
    plug[1].desc = &desc2;

    for (e = SOUK_DB_SQLITE; e <= SOUK_DB_MARIADB; e++) {
        const char  *eng = dbtest_engine(e);

        if (dbtest_setup(&t, e) != SOUK_OK) {
            printf("ok %d # SKIP %s: %s\n", ++tap_n, eng,
                   t.skip ? t.skip : "setup failed");
            continue;
        }
        memset(&rt, 0, sizeof(rt));
        rt.cfg = cfg;
        rt.plugins[0] = &plug[0];
        rt.plugins[1] = &plug[1];
        rt.nplugins = 2;
        rt.db = dbtest_connect(&t);
        if (rt.db == NULL) {
            ok(0, "%s: connect", eng);
            dbtest_teardown(&t);
            continue;
        }
        test_migrations(&rt, eng);
        test_sites(&rt, &t, eng);
        sk_sites_free(rt.sites);
        sk_db_close(rt.db);
        dbtest_teardown(&t);
    }
    sk_config_free(cfg);
    drop("p1/migrations/001_a.sql");
    drop("p1/migrations/001_a.sqlite.sql");
    drop("p1/migrations/001_a.mariadb.sql");
    drop("p1/migrations/002_b.sql");
    drop("p1/migrations/notes.txt");
    drop("souk.conf");
    snprintf(path, sizeof(path), "%s/p1/migrations", tmp);
    rmdir(path);
    snprintf(path, sizeof(path), "%s/p1", tmp);
    rmdir(path);
    rmdir(tmp);
    return done_testing();
}

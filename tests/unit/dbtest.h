/* Throwaway databases on both engines for unit tests (SQLite and MariaDB). */
#ifndef SOUK_DBTEST_H
#define SOUK_DBTEST_H

/*
 * Include after core/db.c (or db_int.h). Usage, for every case on both
 * engines:
 *
 *   int e;
 *   for (e = SOUK_DB_SQLITE; e <= SOUK_DB_MARIADB; e++) {
 *       dbtest_t t;
 *       if (dbtest_setup(&t, e) != SOUK_OK) { skip or fail; continue; }
 *       souk_db_t *db = dbtest_connect(&t);   // as many as you like
 *       ...
 *       sk_db_close(db);
 *       dbtest_teardown(&t);
 *   }
 *
 * SQLite: a fresh file in a temp dir. MariaDB: a fresh database on the
 * server at $SOUK_TEST_MARIADB_SOCKET (user root, no password; see
 * tests/db/mariadb); when the variable is unset, dbtest_setup returns
 * SOUK_DECLINED and t->skip says why, so the test prints "# SKIP".
 */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

typedef struct {
    int            engine;
    char           dir[256];
    char           path[300];
    char           name[64];
    sk_db_conf_t   conf;
    const char    *skip;
} dbtest_t;

__attribute__((unused))
static const char *
dbtest_engine(int engine)
{
    return engine == SOUK_DB_MARIADB ? "mariadb" : "sqlite";
}

__attribute__((unused))
static souk_db_t *
dbtest_connect(dbtest_t *t)
{
    char        err[512];
    souk_db_t  *db;

    db = sk_db_open(&t->conf, err, sizeof(err));
    if (db == NULL) {
        printf("# dbtest: %s\n", err);
    }
    return db;
}

/* Runs one statement as the server's root, outside the test database. */
static int
dbtest_admin(dbtest_t *t, const char *fmt, const char *arg)
{
    sk_db_conf_t   c = t->conf;
    souk_db_t     *db;
    char           sql[256], err[512];
    int            rc;

    c.name = NULL;
    db = sk_db_open(&c, err, sizeof(err));
    if (db == NULL) {
        printf("# dbtest: %s\n", err);
        return SOUK_ERROR;
    }
    snprintf(sql, sizeof(sql), fmt, arg);
    rc = sk_db_exec_script(db, sql);
    if (rc != SOUK_OK) {
        printf("# dbtest: %s: %s\n", sql, souk_db_error(db));
    }
    sk_db_close(db);
    return rc;
}

__attribute__((unused))
static int
dbtest_setup(dbtest_t *t, int engine)
{
    static int   seq;
    const char  *sock;

    memset(t, 0, sizeof(*t));
    t->engine = engine;
    t->conf.driver = engine;
    if (engine == SOUK_DB_SQLITE) {
        snprintf(t->dir, sizeof(t->dir), "%s/souk-dbtest-XXXXXX",
                 getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
        if (mkdtemp(t->dir) == NULL) {
            perror("# dbtest: mkdtemp");
            return SOUK_ERROR;
        }
        snprintf(t->path, sizeof(t->path), "%s/var/souk.db", t->dir);
        t->conf.path = t->path;
        return SOUK_OK;
    }
    sock = getenv("SOUK_TEST_MARIADB_SOCKET");
    if (sock == NULL || sock[0] == '\0') {
        t->skip = "SOUK_TEST_MARIADB_SOCKET is not set";
        return SOUK_DECLINED;
    }
    t->conf.socket = (char *) sock;
    t->conf.user = (char *) "root";
    snprintf(t->name, sizeof(t->name), "souk_t_%ld_%d", (long) getpid(),
             ++seq);
    if (dbtest_admin(t, "CREATE DATABASE %s CHARACTER SET utf8mb4 "
                     "COLLATE utf8mb4_unicode_ci", t->name) != SOUK_OK)
    {
        return SOUK_ERROR;
    }
    t->conf.name = t->name;
    return SOUK_OK;
}

__attribute__((unused))
static void
dbtest_teardown(dbtest_t *t)
{
    static const char  *files[] = { "souk.db", "souk.db-wal", "souk.db-shm" };
    char                p[400];
    size_t              i;

    if (t->engine == SOUK_DB_MARIADB) {
        if (t->name[0] != '\0') {
            (void) dbtest_admin(t, "DROP DATABASE IF EXISTS %s", t->name);
        }
        return;
    }
    for (i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
        snprintf(p, sizeof(p), "%s/var/%s", t->dir, files[i]);
        (void) unlink(p);
    }
    snprintf(p, sizeof(p), "%s/var", t->dir);
    (void) rmdir(p);
    (void) rmdir(t->dir);
}

#endif /* SOUK_DBTEST_H */

/* The SQLite driver behind the database API: one file, WAL, durable commits. */

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <sqlite3.h>

#include "db_int.h"

#define SK_SQLITE_BUSY_MS  5000

static void
sk_sqlite_error(souk_db_t *db, int rc)
{
    int  prim = rc & 0xff;

    /* BUSY covers BUSY_SNAPSHOT (a reader that wants to write after
     * another connection committed): only a fresh transaction can go on. */
    sk_db_set_error(db, rc, prim == SQLITE_BUSY || prim == SQLITE_LOCKED, 0,
                    "%s", sqlite3_errmsg(db->h));
}

/* The file's folder (var/) is made when missing; its parent must exist. */
static int
sk_sqlite_mkdir(const char *path, char *err, size_t errlen)
{
    char  *dir, *slash;
    int    rc = SOUK_OK;

    dir = strdup(path);
    if (dir == NULL) {
        abort();
    }
    slash = strrchr(dir, '/');
    if (slash != NULL && slash != dir) {
        *slash = '\0';
        if (mkdir(dir, 0750) != 0 && errno != EEXIST) {
            snprintf(err, errlen, "database: mkdir %s: %s", dir,
                     strerror(errno));
            rc = SOUK_ERROR;
        }
    }
    free(dir);
    return rc;
}

static int
sk_sqlite_pragmas(souk_db_t *db, char *err, size_t errlen)
{
    sqlite3_stmt  *st;
    const char    *mode;
    int            ok;

    /* journal_mode answers with the mode in force: check it took. */
    if (sqlite3_prepare_v2(db->h, "PRAGMA journal_mode=WAL", -1, &st, NULL)
        != SQLITE_OK)
    {
        snprintf(err, errlen, "database: %s", sqlite3_errmsg(db->h));
        return SOUK_ERROR;
    }
    ok = sqlite3_step(st) == SQLITE_ROW;
    mode = ok ? (const char *) sqlite3_column_text(st, 0) : NULL;
    ok = mode != NULL && strcmp(mode, "wal") == 0;
    sqlite3_finalize(st);
    if (!ok) {
        snprintf(err, errlen, "database: %s: cannot switch to WAL: %s",
                 db->conf.path, sqlite3_errmsg(db->h));
        return SOUK_ERROR;
    }
    /* FULL in WAL mode syncs the log at each commit: a committed order
     * survives a power cut. */
    if (sqlite3_exec(db->h, "PRAGMA synchronous=FULL; "
                     "PRAGMA foreign_keys=ON;", NULL, NULL, NULL)
        != SQLITE_OK)
    {
        snprintf(err, errlen, "database: %s", sqlite3_errmsg(db->h));
        return SOUK_ERROR;
    }
    return SOUK_OK;
}

static int
sk_sqlite_open(souk_db_t *db, char *err, size_t errlen)
{
    sqlite3  *h = NULL;
    int       rc;

    if (db->conf.path == NULL || db->conf.path[0] == '\0') {
        snprintf(err, errlen, "database: sqlite needs a path");
        return SOUK_ERROR;
    }
    if (sk_sqlite_mkdir(db->conf.path, err, errlen) != SOUK_OK) {
        return SOUK_ERROR;
    }
    /* NOMUTEX: a connection belongs to one single-threaded worker. */
    rc = sqlite3_open_v2(db->conf.path, &h, SQLITE_OPEN_READWRITE
                         | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, NULL);
    if (rc != SQLITE_OK) {
        snprintf(err, errlen, "database: %s: %s", db->conf.path,
                 h != NULL ? sqlite3_errmsg(h) : sqlite3_errstr(rc));
        sqlite3_close(h);
        return SOUK_ERROR;
    }
    db->h = h;
    sqlite3_extended_result_codes(h, 1);
    sqlite3_busy_timeout(h, db->conf.busy_timeout > 0
                            ? db->conf.busy_timeout : SK_SQLITE_BUSY_MS);
    if (sk_sqlite_pragmas(db, err, errlen) != SOUK_OK) {
        sqlite3_close(h);
        db->h = NULL;
        return SOUK_ERROR;
    }
    return SOUK_OK;
}

static void
sk_sqlite_close(souk_db_t *db)
{
    if (db->h != NULL) {
        sqlite3_close(db->h);
        db->h = NULL;
    }
}

static int
sk_sqlite_prepare(souk_stmt_t *st)
{
    sqlite3_stmt  *s = NULL;
    const char    *tail;
    int            rc;

    rc = sqlite3_prepare_v3(st->db->h, st->sql, -1,
                            SQLITE_PREPARE_PERSISTENT, &s, &tail);
    if (rc != SQLITE_OK) {
        sk_sqlite_error(st->db, rc);
        return SOUK_ERROR;
    }
    if (s == NULL) {
        sk_db_set_error(st->db, 0, 0, 0, "empty statement");
        return SOUK_ERROR;
    }
    tail += strspn(tail, " \t\r\n;");
    if (*tail != '\0') {
        /* One statement per prepare, as on MariaDB. */
        sqlite3_finalize(s);
        sk_db_set_error(st->db, 0, 0, 0, "more than one statement");
        return SOUK_ERROR;
    }
    st->h = s;
    st->nparams = sqlite3_bind_parameter_count(s);
    st->ncols = sqlite3_column_count(s);
    return SOUK_OK;
}

static void
sk_sqlite_finalize(souk_stmt_t *st)
{
    sqlite3_finalize(st->h);
}

static int
sk_sqlite_bind_rc(souk_stmt_t *st, int rc)
{
    if (rc != SQLITE_OK) {
        sk_sqlite_error(st->db, rc);
        return SOUK_ERROR;
    }
    return SOUK_OK;
}

static int
sk_sqlite_bind_int(souk_stmt_t *st, int idx, int64_t v)
{
    return sk_sqlite_bind_rc(st, sqlite3_bind_int64(st->h, idx, v));
}

static int
sk_sqlite_bind_text(souk_stmt_t *st, int idx, const char *s, size_t len)
{
    return sk_sqlite_bind_rc(st, sqlite3_bind_text64(st->h, idx, s, len,
                                                     SQLITE_TRANSIENT,
                                                     SQLITE_UTF8));
}

static int
sk_sqlite_bind_blob(souk_stmt_t *st, int idx, const void *p, size_t len)
{
    return sk_sqlite_bind_rc(st, sqlite3_bind_blob64(st->h, idx, p, len,
                                                     SQLITE_TRANSIENT));
}

static int
sk_sqlite_bind_null(souk_stmt_t *st, int idx)
{
    return sk_sqlite_bind_rc(st, sqlite3_bind_null(st->h, idx));
}

static void
sk_sqlite_clear_binds(souk_stmt_t *st)
{
    sqlite3_clear_bindings(st->h);
}

static int
sk_sqlite_step(souk_stmt_t *st)
{
    int  rc;

    rc = sqlite3_step(st->h);
    if (rc == SQLITE_ROW) {
        return SOUK_ROW;
    }
    if (rc == SQLITE_DONE) {
        return SOUK_DONE;
    }
    sk_sqlite_error(st->db, rc);
    return SOUK_ERROR;
}

static void
sk_sqlite_reset(souk_stmt_t *st)
{
    /* The error, if any, was reported by the step that failed. */
    (void) sqlite3_reset(st->h);
}

static int
sk_sqlite_is_null(souk_stmt_t *st, int col)
{
    return sqlite3_column_type(st->h, col) == SQLITE_NULL;
}

static int64_t
sk_sqlite_col_int(souk_stmt_t *st, int col)
{
    return sqlite3_column_int64(st->h, col);
}

static const char *
sk_sqlite_col_text(souk_stmt_t *st, int col)
{
    return (const char *) sqlite3_column_text(st->h, col);
}

static const void *
sk_sqlite_col_blob(souk_stmt_t *st, int col, size_t *len)
{
    const void  *p;

    p = sqlite3_column_blob(st->h, col);
    if (len != NULL) {
        *len = (size_t) sqlite3_column_bytes(st->h, col);
    }
    return p;
}

static int64_t
sk_sqlite_last_id(souk_db_t *db)
{
    return sqlite3_last_insert_rowid(db->h);
}

static int64_t
sk_sqlite_changes(souk_db_t *db)
{
    return sqlite3_changes64(db->h);
}

static int
sk_sqlite_exec_script(souk_db_t *db, const char *sql)
{
    int  rc;

    rc = sqlite3_exec(db->h, sql, NULL, NULL, NULL);
    if (rc != SQLITE_OK) {
        sk_sqlite_error(db, rc);
        return SOUK_ERROR;
    }
    return SOUK_OK;
}

const sk_db_driver_t  sk_db_sqlite_driver = {
    .name = "sqlite",
    .dialect = SOUK_DB_SQLITE,
    .open = sk_sqlite_open,
    .close = sk_sqlite_close,
    .prepare = sk_sqlite_prepare,
    .finalize = sk_sqlite_finalize,
    .bind_int = sk_sqlite_bind_int,
    .bind_text = sk_sqlite_bind_text,
    .bind_blob = sk_sqlite_bind_blob,
    .bind_null = sk_sqlite_bind_null,
    .clear_binds = sk_sqlite_clear_binds,
    .step = sk_sqlite_step,
    .reset = sk_sqlite_reset,
    .is_null = sk_sqlite_is_null,
    .col_int = sk_sqlite_col_int,
    .col_text = sk_sqlite_col_text,
    .col_blob = sk_sqlite_col_blob,
    .last_id = sk_sqlite_last_id,
    .changes = sk_sqlite_changes,
    .exec_script = sk_sqlite_exec_script,
};

/* The database API plugins use: statements, the statement cache, tx retry. */

#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "db_int.h"

#define SK_DB_BUCKETS     64
#define SK_DB_ATTEMPTS    5       /* souk_db_tx: runs of fn at most */
#define SK_DB_STMT_WARN   1000    /* SQL built at run time fills the cache */
#define SK_DB_IDLE_PING   60      /* s idle before the connection is checked */

static void
sk_db_oom(void)
{
    /* STYLE.md: allocation failure aborts the worker; the master restarts
     * it. */
    abort();
}

static char *
sk_db_strdup(const char *s)
{
    char  *d;

    if (s == NULL) {
        return NULL;
    }
    d = strdup(s);
    if (d == NULL) {
        sk_db_oom();
    }
    return d;
}

void
sk_db_set_error(souk_db_t *db, int code, int retryable, int lost,
    const char *fmt, ...)
{
    va_list  ap;

    va_start(ap, fmt);
    vsnprintf(db->err, sizeof(db->err), fmt, ap);
    va_end(ap);
    db->code = code;
    db->retryable = retryable;
    if (lost) {
        db->lost = 1;
    }
    if (retryable && db->depth > 0) {
        /* The engine may already have rolled the whole transaction back
         * (MariaDB does on a deadlock); only a fresh run of it is safe. */
        db->doomed = 1;
    }
}

static void
sk_db_conf_copy(sk_db_conf_t *dst, const sk_db_conf_t *src)
{
    *dst = *src;
    dst->path = sk_db_strdup(src->path);
    dst->socket = sk_db_strdup(src->socket);
    dst->host = sk_db_strdup(src->host);
    dst->user = sk_db_strdup(src->user);
    dst->password = sk_db_strdup(src->password);
    dst->name = sk_db_strdup(src->name);
}

static void
sk_db_conf_clear(sk_db_conf_t *c)
{
    free(c->path);
    free(c->socket);
    free(c->host);
    free(c->user);
    if (c->password != NULL) {
        explicit_bzero(c->password, strlen(c->password));
    }
    free(c->password);
    free(c->name);
    memset(c, 0, sizeof(*c));
}

souk_db_t *
sk_db_open(const sk_db_conf_t *c, char *err, size_t errlen)
{
    souk_db_t  *db;

    db = calloc(1, sizeof(*db));
    if (db == NULL) {
        sk_db_oom();
    }
    if (c->driver == SOUK_DB_MARIADB) {
        db->drv = &sk_db_mariadb_driver;
    } else if (c->driver == SOUK_DB_SQLITE || c->driver == 0) {
        db->drv = &sk_db_sqlite_driver;
    } else {
        snprintf(err, errlen, "database: unknown driver %d", c->driver);
        free(db);
        return NULL;
    }
    sk_db_conf_copy(&db->conf, c);
    db->nbuckets = SK_DB_BUCKETS;
    db->buckets = calloc(db->nbuckets, sizeof(souk_stmt_t *));
    if (db->buckets == NULL) {
        sk_db_oom();
    }
    if (db->drv->open(db, err, errlen) != SOUK_OK) {
        sk_db_conf_clear(&db->conf);
        free(db->buckets);
        free(db);
        return NULL;
    }
    return db;
}

/* Drops the engine's statements; the souk_stmt_t objects stay valid (the
 * cache hands them out again, prepared anew). */
static void
sk_db_finalize_all(souk_db_t *db)
{
    size_t        i;
    souk_stmt_t  *st;

    for (i = 0; i < db->nbuckets; i++) {
        for (st = db->buckets[i]; st != NULL; st = st->next) {
            if (st->h != NULL) {
                db->drv->finalize(st);
                st->h = NULL;
            }
            st->active = 0;
        }
    }
}

void
sk_db_close(souk_db_t *db)
{
    size_t        i;
    souk_stmt_t  *st, *next;

    if (db == NULL) {
        return;
    }
    sk_db_finalize_all(db);
    for (i = 0; i < db->nbuckets; i++) {
        for (st = db->buckets[i]; st != NULL; st = next) {
            next = st->next;
            free(st->sql);
            free(st);
        }
    }
    free(db->buckets);
    db->drv->close(db);
    sk_db_conf_clear(&db->conf);
    free(db);
}

/* After a lost connection: a new one, and every statement to re-prepare. */
static int
sk_db_reconnect(souk_db_t *db)
{
    char  err[512];

    sk_db_finalize_all(db);
    db->drv->close(db);
    db->h = NULL;
    if (db->drv->open(db, err, sizeof(err)) != SOUK_OK) {
        sk_db_set_error(db, 0, 1, 1, "%s", err);
        sk_log_msg(SOUK_LOG_ERROR, "database: reconnect failed: %s", err);
        return SOUK_ERROR;
    }
    db->lost = 0;
    sk_log_msg(SOUK_LOG_WARN, "database: connection lost, reconnected");
    return SOUK_OK;
}

/*
 * Outside a transaction, before work: reconnects after a lost connection,
 * and checks one that sat idle (a MariaDB server drops those after its
 * wait_timeout), so an idle worker's next request does not fail.
 */
static int
sk_db_ready(souk_db_t *db)
{
    struct timespec  now;

    if (db->depth > 0) {
        return SOUK_OK;
    }
    clock_gettime(CLOCK_MONOTONIC, &now);
    if (!db->lost && db->drv->ping != NULL && db->used != 0
        && now.tv_sec - db->used > SK_DB_IDLE_PING
        && db->drv->ping(db) != SOUK_OK)
    {
        db->lost = 1;
    }
    db->used = now.tv_sec;
    if (db->lost) {
        return sk_db_reconnect(db);
    }
    return SOUK_OK;
}

const char *
sk_db_engine(const souk_db_t *db)
{
    return db->drv->name;
}

int
sk_db_in_tx(const souk_db_t *db)
{
    return db->depth > 0;
}

int
sk_db_exec_script(souk_db_t *db, const char *sql)
{
    if (sk_db_ready(db) != SOUK_OK) {
        return SOUK_ERROR;
    }
    db->err[0] = '\0';
    return db->drv->exec_script(db, sql);
}

SOUK_API souk_db_t *
souk_db(souk_request_t *r)
{
    return r->rt != NULL ? r->rt->db : NULL;
}

SOUK_API int
souk_db_dialect(const souk_db_t *db)
{
    return db->drv->dialect;
}

SOUK_API const char *
souk_db_error(const souk_db_t *db)
{
    return db->err;
}

/* FNV-1a: SQL texts are short and few; any even spread will do. */
static uint32_t
sk_db_hash(const char *s)
{
    uint32_t  h = 2166136261u;

    while (*s != '\0') {
        h ^= (unsigned char) *s++;
        h *= 16777619u;
    }
    return h;
}

static souk_stmt_t *
sk_db_cache_find(souk_db_t *db, const char *sql, uint32_t h)
{
    souk_stmt_t  *st;

    for (st = db->buckets[h % db->nbuckets]; st != NULL; st = st->next) {
        if (st->hash == h && strcmp(st->sql, sql) == 0) {
            return st;
        }
    }
    return NULL;
}

static int
sk_db_stmt_prepare(souk_stmt_t *st)
{
    souk_db_t  *db = st->db;

    if (db->drv->prepare(st) != SOUK_OK) {
        st->h = NULL;
        sk_log_msg(SOUK_LOG_ERROR, "database: cannot prepare \"%.200s\": %s",
                   st->sql, db->err);
        return SOUK_ERROR;
    }
    return SOUK_OK;
}

SOUK_API souk_stmt_t *
souk_db_prepare(souk_db_t *db, const char *sql)
{
    souk_stmt_t  *st;
    uint32_t      h;

    if (sk_db_ready(db) != SOUK_OK) {
        return NULL;
    }
    h = sk_db_hash(sql);
    st = sk_db_cache_find(db, sql, h);
    if (st != NULL) {
        if (st->h == NULL) {
            return sk_db_stmt_prepare(st) == SOUK_OK ? st : NULL;
        }
        if (st->active) {
            db->drv->reset(st);
            st->active = 0;
        }
        db->drv->clear_binds(st);
        return st;
    }

    st = calloc(1, sizeof(*st));
    if (st == NULL) {
        sk_db_oom();
    }
    st->db = db;
    st->sql = sk_db_strdup(sql);
    st->hash = h;
    if (sk_db_stmt_prepare(st) != SOUK_OK) {
        /* Not cached: a bad statement is a bug to fix, not to remember. */
        free(st->sql);
        free(st);
        return NULL;
    }
    st->next = db->buckets[h % db->nbuckets];
    db->buckets[h % db->nbuckets] = st;
    if (++db->nstmts == SK_DB_STMT_WARN) {
        sk_log_msg(SOUK_LOG_WARN, "database: %d cached statements; is SQL "
                   "text built with values in it?", SK_DB_STMT_WARN);
    }
    return st;
}

/* Binds go to a statement that is not running: a bind after a step starts
 * the statement over, as SQLite requires. */
static int
sk_db_bind_check(souk_stmt_t *st, int idx)
{
    if (st == NULL || st->h == NULL) {
        return SOUK_ERROR;
    }
    if (idx < 1 || idx > st->nparams) {
        sk_db_set_error(st->db, 0, 0, 0, "bind index %d out of range 1..%d",
                        idx, st->nparams);
        return SOUK_ERROR;
    }
    if (st->active) {
        st->db->drv->reset(st);
        st->active = 0;
    }
    return SOUK_OK;
}

SOUK_API int
souk_stmt_bind_int(souk_stmt_t *st, int idx, int64_t v)
{
    if (sk_db_bind_check(st, idx) != SOUK_OK) {
        return SOUK_ERROR;
    }
    return st->db->drv->bind_int(st, idx, v);
}

SOUK_API int
souk_stmt_bind_text(souk_stmt_t *st, int idx, const char *s, long len)
{
    if (s == NULL) {
        return souk_stmt_bind_null(st, idx);
    }
    if (sk_db_bind_check(st, idx) != SOUK_OK) {
        return SOUK_ERROR;
    }
    return st->db->drv->bind_text(st, idx, s,
                                  len < 0 ? strlen(s) : (size_t) len);
}

SOUK_API int
souk_stmt_bind_blob(souk_stmt_t *st, int idx, const void *p, size_t len)
{
    if (p == NULL) {
        return souk_stmt_bind_null(st, idx);
    }
    if (sk_db_bind_check(st, idx) != SOUK_OK) {
        return SOUK_ERROR;
    }
    return st->db->drv->bind_blob(st, idx, p, len);
}

SOUK_API int
souk_stmt_bind_null(souk_stmt_t *st, int idx)
{
    if (sk_db_bind_check(st, idx) != SOUK_OK) {
        return SOUK_ERROR;
    }
    return st->db->drv->bind_null(st, idx);
}

SOUK_API int
souk_stmt_step(souk_stmt_t *st)
{
    souk_db_t  *db;
    int         rc;

    if (st == NULL) {
        return SOUK_ERROR;
    }
    db = st->db;
    if (st->h == NULL) {
        sk_db_set_error(db, 0, db->lost, 0,
                        "statement lost with the connection");
        return SOUK_ERROR;
    }
    if (!st->active) {
        /* The first step runs the statement; the rest only fetch rows. */
        db->nqueries++;
    }
    rc = db->drv->step(st);
    if (rc == SOUK_ROW) {
        if (!st->active) {
            st->tx = db->depth > 0 ? db->tx : 0;
        }
        st->active = 1;
    } else {
        /* Done or failed: the next step runs the statement again. */
        db->drv->reset(st);
        st->active = 0;
    }
    return rc;
}

SOUK_API int
souk_stmt_columns(souk_stmt_t *st)
{
    return st != NULL ? st->ncols : 0;
}

static int
sk_db_col_ok(souk_stmt_t *st, int col)
{
    return st != NULL && st->active && col >= 0 && col < st->ncols;
}

SOUK_API int
souk_stmt_is_null(souk_stmt_t *st, int col)
{
    return sk_db_col_ok(st, col) ? st->db->drv->is_null(st, col) : 1;
}

SOUK_API int64_t
souk_stmt_int(souk_stmt_t *st, int col)
{
    return sk_db_col_ok(st, col) ? st->db->drv->col_int(st, col) : 0;
}

SOUK_API const char *
souk_stmt_text(souk_stmt_t *st, int col)
{
    return sk_db_col_ok(st, col) ? st->db->drv->col_text(st, col) : NULL;
}

SOUK_API const void *
souk_stmt_blob(souk_stmt_t *st, int col, size_t *len)
{
    if (!sk_db_col_ok(st, col)) {
        if (len != NULL) {
            *len = 0;
        }
        return NULL;
    }
    return st->db->drv->col_blob(st, col, len);
}

SOUK_API void
souk_stmt_reset(souk_stmt_t *st)
{
    if (st != NULL && st->h != NULL && st->active) {
        st->db->drv->reset(st);
    }
    if (st != NULL) {
        st->active = 0;
    }
}

SOUK_API int64_t
souk_db_last_id(souk_db_t *db)
{
    return db->drv->last_id(db);
}

SOUK_API int64_t
souk_db_changes(souk_db_t *db)
{
    return db->drv->changes(db);
}

/* Prepares sql and binds the values fmt describes; NULL on error. */
static souk_stmt_t *
sk_db_vbind(souk_db_t *db, const char *sql, const char *fmt, va_list ap)
{
    souk_stmt_t  *st;
    const char   *s;
    int           i, rc;

    st = souk_db_prepare(db, sql);
    if (st == NULL) {
        return NULL;
    }
    for (i = 0; fmt != NULL && fmt[i] != '\0'; i++) {
        switch (fmt[i]) {
        case 'i':
            rc = souk_stmt_bind_int(st, i + 1, va_arg(ap, int64_t));
            break;
        case 't':
            s = va_arg(ap, const char *);
            rc = souk_stmt_bind_text(st, i + 1, s, -1);
            break;
        case 'n':
            rc = souk_stmt_bind_null(st, i + 1);
            break;
        default:
            sk_db_set_error(db, 0, 0, 0, "bad bind format letter '%c'",
                            fmt[i]);
            rc = SOUK_ERROR;
        }
        if (rc != SOUK_OK) {
            sk_log_msg(SOUK_LOG_ERROR, "database: \"%.200s\": %s", sql,
                       db->err);
            return NULL;
        }
    }
    return st;
}

SOUK_API int
souk_db_exec(souk_db_t *db, const char *sql, const char *fmt, ...)
{
    souk_stmt_t  *st;
    va_list       ap;
    int           rc;

    va_start(ap, fmt);
    st = sk_db_vbind(db, sql, fmt, ap);
    va_end(ap);
    if (st == NULL) {
        return SOUK_ERROR;
    }
    while ((rc = souk_stmt_step(st)) == SOUK_ROW) {
        /* rows of a SELECT or RETURNING are dropped */
    }
    return rc == SOUK_DONE ? SOUK_OK : SOUK_ERROR;
}

SOUK_API souk_stmt_t *
souk_db_row(souk_db_t *db, const char *sql, const char *fmt, ...)
{
    souk_stmt_t  *st;
    va_list       ap;
    int           rc;

    va_start(ap, fmt);
    st = sk_db_vbind(db, sql, fmt, ap);
    va_end(ap);
    if (st == NULL) {
        return NULL;
    }
    rc = souk_stmt_step(st);
    if (rc == SOUK_ROW) {
        return st;
    }
    if (rc == SOUK_DONE) {
        db->err[0] = '\0';
    }
    return NULL;
}

/*
 * Resets the statements still on a row: all of them (tx 0), or those
 * started inside transaction tx, which COMMIT and ROLLBACK end (their rows
 * belong to it). A loop over rows begun before the transaction goes on.
 */
static void
sk_db_reset_all(souk_db_t *db, unsigned tx)
{
    size_t        i;
    souk_stmt_t  *st;

    for (i = 0; i < db->nbuckets; i++) {
        for (st = db->buckets[i]; st != NULL; st = st->next) {
            if (st->active && (tx == 0 || st->tx == tx)) {
                souk_stmt_reset(st);
            }
        }
    }
}

void
sk_db_request_done(souk_db_t *db)
{
    if (db != NULL) {
        sk_db_reset_all(db, 0);
        db->nqueries = 0;
    }
}

static int
sk_db_savepoint(souk_db_t *db, souk_tx_pt fn, void *arg)
{
    char  sql[64];
    int   rc, depth;

    depth = db->depth;
    snprintf(sql, sizeof(sql), "SAVEPOINT souk_sp%d", depth);
    if (db->drv->exec_script(db, sql) != SOUK_OK) {
        return SOUK_ERROR;
    }
    db->depth++;
    rc = fn(db, arg);
    db->depth = depth;
    if (db->doomed) {
        /* The outermost souk_db_tx runs everything again. */
        return SOUK_ERROR;
    }
    if (rc != SOUK_OK) {
        snprintf(sql, sizeof(sql), "ROLLBACK TO SAVEPOINT souk_sp%d", depth);
        if (db->drv->exec_script(db, sql) != SOUK_OK) {
            return SOUK_ERROR;
        }
    }
    snprintf(sql, sizeof(sql), "RELEASE SAVEPOINT souk_sp%d", depth);
    if (db->drv->exec_script(db, sql) != SOUK_OK) {
        return SOUK_ERROR;
    }
    return rc;
}

/* A short random pause before the next attempt, doubling each time, so
 * two workers that collided do not collide again in step. */
static void
sk_db_backoff(int attempt)
{
    struct timespec  ts, now;
    unsigned         r, ms;

    clock_gettime(CLOCK_MONOTONIC, &now);
    r = (unsigned) now.tv_nsec ^ ((unsigned) getpid() * 2654435761u);
    ms = (2u << attempt) + r % (5u << attempt);
    ts.tv_sec = ms / 1000;
    ts.tv_nsec = (long) (ms % 1000) * 1000000L;
    while (nanosleep(&ts, &ts) != 0 && errno == EINTR) {
        /* finish the pause */
    }
}

/* One run of fn in a transaction. *again is set when it should run again. */
static int
sk_db_tx_once(souk_db_t *db, souk_tx_pt fn, void *arg, int *again)
{
    int  rc;

    *again = 0;
    if (sk_db_ready(db) != SOUK_OK) {
        *again = 1;
        return SOUK_ERROR;
    }
    db->doomed = 0;
    db->retryable = 0;
    /* SQLite: take the write lock now. A deferred transaction that reads
     * first cannot upgrade once another connection has committed
     * (SQLITE_BUSY_SNAPSHOT, which the busy timeout does not wait out),
     * so under load writers failed instead of queueing. */
    if (db->drv->exec_script(db, db->drv->dialect == SOUK_DB_SQLITE
                                 ? "BEGIN IMMEDIATE" : "BEGIN") != SOUK_OK)
    {
        *again = db->retryable;
        return SOUK_ERROR;
    }
    if (++db->tx == 0) {
        db->tx = 1;
    }
    db->depth = 1;
    rc = fn(db, arg);
    sk_db_reset_all(db, db->tx);
    if (rc == SOUK_OK && !db->doomed) {
        if (db->drv->exec_script(db, "COMMIT") == SOUK_OK) {
            db->depth = 0;
            return SOUK_OK;
        }
        rc = SOUK_ERROR;
        if (db->lost) {
            /* The server may have committed before the line dropped: a
             * new run could do it all twice. Report, do not retry. */
            db->depth = 0;
            sk_log_msg(SOUK_LOG_ERROR, "database: connection lost during "
                       "COMMIT; the transaction may or may not have been "
                       "applied: %s", db->err);
            return rc;
        }
    }
    /* Only an error of the engine's making (deadlock, busy, lost) earns a
     * new run; fn's own refusal stands. */
    *again = db->doomed;
    db->depth = 0;
    if (!db->lost) {
        /* Keep fn's error message: the rollback's own is of no interest. */
        char  keep[sizeof(db->err)];

        memcpy(keep, db->err, sizeof(keep));
        (void) db->drv->exec_script(db, "ROLLBACK");
        memcpy(db->err, keep, sizeof(keep));
    }
    return rc;
}

SOUK_API int
souk_db_tx(souk_db_t *db, souk_tx_pt fn, void *arg)
{
    int  attempt, rc, again;

    if (db->depth > 0) {
        return sk_db_savepoint(db, fn, arg);
    }
    for (attempt = 0; attempt < SK_DB_ATTEMPTS; attempt++) {
        if (attempt > 0) {
            sk_db_backoff(attempt);
        }
        rc = sk_db_tx_once(db, fn, arg, &again);
        if (!again) {
            return rc;
        }
    }
    sk_log_msg(SOUK_LOG_ERROR, "database: transaction failed %d times, last: "
               "%s", SK_DB_ATTEMPTS, db->err);
    return SOUK_ERROR;
}

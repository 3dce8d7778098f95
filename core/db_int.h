/* Internal database API: opening the connection and the engine drivers. */
#ifndef SK_DB_INT_H
#define SK_DB_INT_H

/*
 * Core files (worker, migrations, sessions, outbox, the CLI) open and close
 * connections through sk_db_open / sk_db_close; everything else goes
 * through the public souk_db_* / souk_stmt_* API in <souk/db.h>. The
 * [database] settings (sk_db_conf_t) live in souk_core.h, inside
 * sk_config_t as cfg->db; the worker's connection is rt->db.
 *
 * The rest of this header is the contract between core/db.c and the two
 * drivers (core/db_sqlite.c, core/db_mariadb.c); other files do not need it.
 */

#include "souk_core.h"

/*
 * Opens a connection as c says (SQLite: creates the file and its folder if
 * missing, WAL, synchronous=FULL, busy_timeout, foreign_keys; MariaDB:
 * utf8mb4, strict sql_mode). NULL with a one-line err. Call after fork:
 * a connection is never shared between processes.
 */
souk_db_t *sk_db_open(const sk_db_conf_t *c, char *err, size_t errlen);
/* Finalizes every cached statement and closes. NULL is fine. */
void sk_db_close(souk_db_t *db);
/* "sqlite" or "mariadb" (for logs, `souk migrate`, file variants). */
const char *sk_db_engine(const souk_db_t *db);

/*
 * Runs SQL text without values (DDL, a whole migration file with several
 * statements separated by ';'). Never for values from outside: those go
 * through prepared statements. SOUK_OK or SOUK_ERROR (souk_db_error says
 * why). Inside souk_db_tx on MariaDB, DDL commits implicitly.
 */
int sk_db_exec_script(souk_db_t *db, const char *sql);

/* Non-zero while inside souk_db_tx on this connection. */
int sk_db_in_tx(const souk_db_t *db);

/* After each request: resets every statement still on a row, so no read
 * snapshot outlives the request. NULL is fine. */
void sk_db_request_done(souk_db_t *db);

/*
 * Statements run on db since the last reset: each execution counts once,
 * at its first step (for X-Souk-Queries). sk_db_request_done and
 * sk_db_queries_reset set it to 0. NULL: 0.
 */
unsigned long sk_db_queries(const souk_db_t *db);
void sk_db_queries_reset(souk_db_t *db);

/* ---------- between db.c and the drivers ---------- */

typedef struct sk_db_driver_s  sk_db_driver_t;

struct souk_stmt_s {
    souk_db_t     *db;
    char          *sql;
    uint32_t       hash;
    souk_stmt_t   *next;        /* cache bucket chain */
    void          *h;           /* driver's statement, NULL: to (re)prepare */
    int            nparams;
    int            ncols;
    int            active;      /* executed; rows may be pending */
    unsigned       tx;          /* db->tx when it started running */
};

struct souk_db_s {
    const sk_db_driver_t  *drv;
    void                  *h;          /* sqlite3 * or MYSQL * */
    sk_db_conf_t           conf;       /* copy (strings owned), to reconnect */
    char                   err[512];
    int                    code;       /* engine's code of the last error */
    int                    retryable;  /* last error: deadlock, busy, lost */
    int                    lost;       /* connection lost: reconnect first */
    int                    depth;      /* souk_db_tx nesting */
    int                    doomed;     /* retryable error inside this tx */
    unsigned               tx;         /* counts outermost transactions */
    time_t                 used;       /* monotonic s of the last prepare */
    int64_t                last_id;    /* kept by drivers that need it */
    int64_t                changes;
    souk_stmt_t          **buckets;    /* statement cache by SQL text */
    size_t                 nbuckets;
    size_t                 nstmts;
    unsigned long          nqueries;   /* executions since the last reset */
};

/*
 * Each driver fills db->err / db->code / db->retryable / db->lost through
 * sk_db_set_error when a call fails. Statement functions get a prepared
 * st (st->h != NULL).
 */
struct sk_db_driver_s {
    const char  *name;
    int          dialect;
    int        (*open)(souk_db_t *db, char *err, size_t errlen);
    void       (*close)(souk_db_t *db);
    int        (*prepare)(souk_stmt_t *st);
    void       (*finalize)(souk_stmt_t *st);
    int        (*bind_int)(souk_stmt_t *st, int idx, int64_t v);
    int        (*bind_text)(souk_stmt_t *st, int idx, const char *s,
                            size_t len);
    int        (*bind_blob)(souk_stmt_t *st, int idx, const void *p,
                            size_t len);
    int        (*bind_null)(souk_stmt_t *st, int idx);
    void       (*clear_binds)(souk_stmt_t *st);
    int        (*step)(souk_stmt_t *st);
    void       (*reset)(souk_stmt_t *st);
    int        (*is_null)(souk_stmt_t *st, int col);
    int64_t    (*col_int)(souk_stmt_t *st, int col);
    const char *(*col_text)(souk_stmt_t *st, int col);
    const void *(*col_blob)(souk_stmt_t *st, int col, size_t *len);
    int64_t    (*last_id)(souk_db_t *db);
    int64_t    (*changes)(souk_db_t *db);
    int        (*exec_script)(souk_db_t *db, const char *sql);
    /* NULL when the engine has no connection to lose (SQLite). */
    int        (*ping)(souk_db_t *db);
};

extern const sk_db_driver_t  sk_db_sqlite_driver;
extern const sk_db_driver_t  sk_db_mariadb_driver;

void sk_db_set_error(souk_db_t *db, int code, int retryable, int lost,
    const char *fmt, ...) SOUK_PRINTF(5, 6);

#endif /* SK_DB_INT_H */

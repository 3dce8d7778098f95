/* The MariaDB driver behind the database API (Connector/C, prepared). */

#include <stdlib.h>
#include <string.h>

#include <mysql.h>
#include <errmsg.h>

#include "db_int.h"

/*
 * Every result column is fetched as a string (the client converts numbers),
 * into a buffer that grows when a value does not fit: souk_stmt_int parses
 * it, souk_stmt_text and souk_stmt_blob hand it out. Results are stored in
 * the client (mysql_stmt_store_result) so several statements can be stepped
 * in turn on one connection, as on SQLite.
 */

#define SK_MY_COL_CAP    256
#define SK_MY_LOCK_WAIT  10     /* s, when [database] does not say */

/* Strict, and close to SQLite: "x" names a column, || joins strings. */
#define SK_MY_SQL_MODE                                                       \
    "TRADITIONAL,ANSI_QUOTES,PIPES_AS_CONCAT,NO_ENGINE_SUBSTITUTION"

typedef struct {
    int64_t        v;
    char          *buf;
    size_t         cap;
    unsigned long  len;
    my_bool        null;
    int            type;
} sk_my_param_t;

typedef struct {
    char          *buf;
    size_t         cap;
    unsigned long  len;
    my_bool        null;
    my_bool        error;
} sk_my_col_t;

typedef struct {
    MYSQL_STMT     *s;
    MYSQL_BIND     *pb;
    sk_my_param_t  *pv;
    MYSQL_BIND     *rb;
    sk_my_col_t    *cv;
    int             stored;   /* a stored result is open */
} sk_my_stmt_t;

static void *
sk_my_calloc(size_t n, size_t size)
{
    void  *p;

    p = calloc(n ? n : 1, size);
    if (p == NULL) {
        abort();
    }
    return p;
}

/* Deadlock, lock wait timeout and lost connections earn a new run of the
 * transaction; a lost connection also a new connection. */
static void
sk_my_error(souk_db_t *db, unsigned code, const char *msg)
{
    int  lost, retry;

    lost = code == CR_SERVER_GONE_ERROR || code == CR_SERVER_LOST
           || code == 2055 /* lost at reading/handshake */
           || code == 4031 /* disconnected for inactivity */;
    retry = lost || code == 1213 || code == 1205;
    sk_db_set_error(db, (int) code, retry, lost, "%s", msg);
}

static int
sk_my_open(souk_db_t *db, char *err, size_t errlen)
{
    const sk_db_conf_t  *c = &db->conf;
    MYSQL               *m;
    unsigned int         timeout = 10;
    char                 init[256];

    m = mysql_init(NULL);
    if (m == NULL) {
        snprintf(err, errlen, "database: mysql_init failed");
        return SOUK_ERROR;
    }
    /* The server's default lock wait (50 s) is far too long for a page;
     * a wait that times out makes the transaction run again. */
    snprintf(init, sizeof(init), "SET SESSION sql_mode='%s', "
             "time_zone='+00:00', innodb_lock_wait_timeout=%d",
             SK_MY_SQL_MODE, c->lock_wait_timeout > 0
                             ? c->lock_wait_timeout : SK_MY_LOCK_WAIT);
    mysql_optionsv(m, MYSQL_SET_CHARSET_NAME, "utf8mb4");
    mysql_optionsv(m, MYSQL_OPT_CONNECT_TIMEOUT, &timeout);
    mysql_optionsv(m, MYSQL_INIT_COMMAND, init);
    /* FOUND_ROWS: an UPDATE counts the rows it matched, as SQLite does,
     * so "UPDATE ... WHERE qty >= ?" tells by souk_db_changes. */
    if (mysql_real_connect(m, c->socket != NULL ? "localhost"
                              : (c->host != NULL ? c->host : "localhost"),
                           c->user, c->password, c->name,
                           c->socket != NULL ? 0 : (unsigned) c->port,
                           c->socket,
                           CLIENT_MULTI_STATEMENTS | CLIENT_FOUND_ROWS)
        == NULL)
    {
        snprintf(err, errlen, "database: mariadb %s: %s",
                 c->socket != NULL ? c->socket
                 : (c->host != NULL ? c->host : "localhost"),
                 mysql_error(m));
        mysql_close(m);
        return SOUK_ERROR;
    }
    db->h = m;
    return SOUK_OK;
}

static void
sk_my_close(souk_db_t *db)
{
    if (db->h != NULL) {
        mysql_close(db->h);
        db->h = NULL;
    }
}

static void
sk_my_stmt_free(sk_my_stmt_t *ms, int nparams, int ncols)
{
    int  i;

    for (i = 0; i < nparams; i++) {
        free(ms->pv[i].buf);
    }
    for (i = 0; i < ncols; i++) {
        free(ms->cv[i].buf);
    }
    free(ms->pb);
    free(ms->pv);
    free(ms->rb);
    free(ms->cv);
    free(ms);
}

static void
sk_my_bind_results(sk_my_stmt_t *ms, int ncols)
{
    int  i;

    memset(ms->rb, 0, sizeof(MYSQL_BIND) * (size_t) ncols);
    for (i = 0; i < ncols; i++) {
        ms->rb[i].buffer_type = MYSQL_TYPE_STRING;
        ms->rb[i].buffer = ms->cv[i].buf;
        /* one byte kept for the NUL souk_stmt_text promises */
        ms->rb[i].buffer_length = ms->cv[i].cap - 1;
        ms->rb[i].length = &ms->cv[i].len;
        ms->rb[i].is_null = &ms->cv[i].null;
        ms->rb[i].error = &ms->cv[i].error;
    }
}

static int
sk_my_prepare(souk_stmt_t *st)
{
    sk_my_stmt_t  *ms;
    int            i;

    ms = sk_my_calloc(1, sizeof(*ms));
    ms->s = mysql_stmt_init(st->db->h);
    if (ms->s == NULL) {
        sk_my_error(st->db, mysql_errno(st->db->h), mysql_error(st->db->h));
        free(ms);
        return SOUK_ERROR;
    }
    if (mysql_stmt_prepare(ms->s, st->sql, strlen(st->sql)) != 0) {
        sk_my_error(st->db, mysql_stmt_errno(ms->s), mysql_stmt_error(ms->s));
        mysql_stmt_close(ms->s);
        free(ms);
        return SOUK_ERROR;
    }
    st->nparams = (int) mysql_stmt_param_count(ms->s);
    st->ncols = (int) mysql_stmt_field_count(ms->s);
    ms->pb = sk_my_calloc((size_t) st->nparams, sizeof(MYSQL_BIND));
    ms->pv = sk_my_calloc((size_t) st->nparams, sizeof(sk_my_param_t));
    for (i = 0; i < st->nparams; i++) {
        ms->pv[i].type = MYSQL_TYPE_NULL;
        ms->pv[i].null = 1;
    }
    ms->rb = sk_my_calloc((size_t) st->ncols, sizeof(MYSQL_BIND));
    ms->cv = sk_my_calloc((size_t) st->ncols, sizeof(sk_my_col_t));
    for (i = 0; i < st->ncols; i++) {
        ms->cv[i].cap = SK_MY_COL_CAP;
        ms->cv[i].buf = sk_my_calloc(1, SK_MY_COL_CAP);
    }
    st->h = ms;
    return SOUK_OK;
}

static void
sk_my_finalize(souk_stmt_t *st)
{
    sk_my_stmt_t  *ms = st->h;

    if (ms->stored) {
        mysql_stmt_free_result(ms->s);
    }
    mysql_stmt_close(ms->s);
    sk_my_stmt_free(ms, st->nparams, st->ncols);
}

static int
sk_my_bind_int(souk_stmt_t *st, int idx, int64_t v)
{
    sk_my_param_t  *p = &((sk_my_stmt_t *) st->h)->pv[idx - 1];

    p->v = v;
    p->null = 0;
    p->type = MYSQL_TYPE_LONGLONG;
    return SOUK_OK;
}

static int
sk_my_bind_bytes(souk_stmt_t *st, int idx, const void *s, size_t len,
    int type)
{
    sk_my_param_t  *p = &((sk_my_stmt_t *) st->h)->pv[idx - 1];

    /* Copied: the caller's buffer may be gone by the time we execute. */
    if (len + 1 > p->cap) {
        free(p->buf);
        p->cap = len + 1;
        p->buf = malloc(p->cap);
        if (p->buf == NULL) {
            abort();
        }
    }
    memcpy(p->buf, s, len);
    p->buf[len] = '\0';
    p->len = (unsigned long) len;
    p->null = 0;
    p->type = type;
    return SOUK_OK;
}

static int
sk_my_bind_text(souk_stmt_t *st, int idx, const char *s, size_t len)
{
    return sk_my_bind_bytes(st, idx, s, len, MYSQL_TYPE_STRING);
}

static int
sk_my_bind_blob(souk_stmt_t *st, int idx, const void *p, size_t len)
{
    return sk_my_bind_bytes(st, idx, p, len, MYSQL_TYPE_BLOB);
}

static int
sk_my_bind_null(souk_stmt_t *st, int idx)
{
    sk_my_param_t  *p = &((sk_my_stmt_t *) st->h)->pv[idx - 1];

    p->null = 1;
    p->type = MYSQL_TYPE_NULL;
    return SOUK_OK;
}

static void
sk_my_clear_binds(souk_stmt_t *st)
{
    int  i;

    for (i = 1; i <= st->nparams; i++) {
        sk_my_bind_null(st, i);
    }
}

static void
sk_my_bind_params(sk_my_stmt_t *ms, int nparams)
{
    MYSQL_BIND     *b;
    sk_my_param_t  *p;
    int             i;

    memset(ms->pb, 0, sizeof(MYSQL_BIND) * (size_t) nparams);
    for (i = 0; i < nparams; i++) {
        b = &ms->pb[i];
        p = &ms->pv[i];
        b->buffer_type = p->type;
        b->is_null = &p->null;
        if (p->type == MYSQL_TYPE_LONGLONG) {
            b->buffer = &p->v;
        } else if (p->type != MYSQL_TYPE_NULL) {
            b->buffer = p->buf;
            b->buffer_length = p->len;
            b->length = &p->len;
        }
    }
}

/* Values longer than their buffer: grow it and fetch that column again. */
static int
sk_my_refetch(souk_stmt_t *st, sk_my_stmt_t *ms)
{
    sk_my_col_t  *c;
    int           i, grown = 0;

    for (i = 0; i < st->ncols; i++) {
        c = &ms->cv[i];
        if (c->null || c->len < c->cap) {
            continue;
        }
        free(c->buf);
        c->cap = c->len + 1;
        c->buf = sk_my_calloc(1, c->cap);
        ms->rb[i].buffer = c->buf;
        ms->rb[i].buffer_length = c->cap - 1;
        if (mysql_stmt_fetch_column(ms->s, &ms->rb[i], (unsigned) i, 0)
            != 0)
        {
            sk_my_error(st->db, mysql_stmt_errno(ms->s),
                        mysql_stmt_error(ms->s));
            return SOUK_ERROR;
        }
        grown = 1;
    }
    if (grown && mysql_stmt_bind_result(ms->s, ms->rb) != 0) {
        sk_my_error(st->db, mysql_stmt_errno(ms->s), mysql_stmt_error(ms->s));
        return SOUK_ERROR;
    }
    return SOUK_OK;
}

static int
sk_my_fetch(souk_stmt_t *st, sk_my_stmt_t *ms)
{
    int  rc, i;

    rc = mysql_stmt_fetch(ms->s);
    if (rc == MYSQL_NO_DATA) {
        return SOUK_DONE;
    }
    if (rc == MYSQL_DATA_TRUNCATED) {
        if (sk_my_refetch(st, ms) != SOUK_OK) {
            return SOUK_ERROR;
        }
    } else if (rc != 0) {
        sk_my_error(st->db, mysql_stmt_errno(ms->s), mysql_stmt_error(ms->s));
        return SOUK_ERROR;
    }
    for (i = 0; i < st->ncols; i++) {
        ms->cv[i].buf[ms->cv[i].null ? 0 : ms->cv[i].len] = '\0';
    }
    return SOUK_ROW;
}

static int
sk_my_execute(souk_stmt_t *st, sk_my_stmt_t *ms)
{
    souk_db_t  *db = st->db;
    uint64_t    id;

    sk_my_bind_params(ms, st->nparams);
    if ((st->nparams > 0 && mysql_stmt_bind_param(ms->s, ms->pb) != 0)
        || mysql_stmt_execute(ms->s) != 0)
    {
        sk_my_error(db, mysql_stmt_errno(ms->s), mysql_stmt_error(ms->s));
        return SOUK_ERROR;
    }
    if (st->ncols == 0) {
        id = mysql_stmt_insert_id(ms->s);
        if (id != 0) {
            db->last_id = (int64_t) id;
        }
        db->changes = (int64_t) mysql_stmt_affected_rows(ms->s);
        return SOUK_DONE;
    }
    sk_my_bind_results(ms, st->ncols);
    if (mysql_stmt_bind_result(ms->s, ms->rb) != 0
        || mysql_stmt_store_result(ms->s) != 0)
    {
        sk_my_error(db, mysql_stmt_errno(ms->s), mysql_stmt_error(ms->s));
        mysql_stmt_free_result(ms->s);
        return SOUK_ERROR;
    }
    ms->stored = 1;
    return SOUK_OK;
}

static int
sk_my_step(souk_stmt_t *st)
{
    sk_my_stmt_t  *ms = st->h;
    int            rc;

    if (!st->active) {
        rc = sk_my_execute(st, ms);
        if (rc != SOUK_OK) {
            return rc;
        }
    }
    return sk_my_fetch(st, ms);
}

static void
sk_my_reset(souk_stmt_t *st)
{
    sk_my_stmt_t  *ms = st->h;

    if (ms->stored) {
        mysql_stmt_free_result(ms->s);
        ms->stored = 0;
    }
}

static int
sk_my_is_null(souk_stmt_t *st, int col)
{
    return ((sk_my_stmt_t *) st->h)->cv[col].null;
}

static int64_t
sk_my_col_int(souk_stmt_t *st, int col)
{
    sk_my_col_t  *c = &((sk_my_stmt_t *) st->h)->cv[col];

    return c->null ? 0 : strtoll(c->buf, NULL, 10);
}

static const char *
sk_my_col_text(souk_stmt_t *st, int col)
{
    sk_my_col_t  *c = &((sk_my_stmt_t *) st->h)->cv[col];

    return c->null ? NULL : c->buf;
}

static const void *
sk_my_col_blob(souk_stmt_t *st, int col, size_t *len)
{
    sk_my_col_t  *c = &((sk_my_stmt_t *) st->h)->cv[col];

    if (len != NULL) {
        *len = c->null ? 0 : c->len;
    }
    return c->null ? NULL : c->buf;
}

static int64_t
sk_my_last_id(souk_db_t *db)
{
    return db->last_id;
}

static int64_t
sk_my_changes(souk_db_t *db)
{
    return db->changes;
}

/* Text protocol with several statements; every result is drained. */
static int
sk_my_exec_script(souk_db_t *db, const char *sql)
{
    MYSQL      *m = db->h;
    MYSQL_RES  *res;
    int         status;

    if (mysql_real_query(m, sql, strlen(sql)) != 0) {
        sk_my_error(db, mysql_errno(m), mysql_error(m));
        return SOUK_ERROR;
    }
    do {
        res = mysql_store_result(m);
        if (res != NULL) {
            mysql_free_result(res);
        } else if (mysql_field_count(m) != 0) {
            sk_my_error(db, mysql_errno(m), mysql_error(m));
            return SOUK_ERROR;
        } else {
            if (mysql_insert_id(m) != 0) {
                db->last_id = (int64_t) mysql_insert_id(m);
            }
            db->changes = (int64_t) mysql_affected_rows(m);
        }
        status = mysql_next_result(m);
        if (status > 0) {
            sk_my_error(db, mysql_errno(m), mysql_error(m));
            return SOUK_ERROR;
        }
    } while (status == 0);
    return SOUK_OK;
}

static int
sk_my_ping(souk_db_t *db)
{
    if (mysql_ping(db->h) != 0) {
        sk_my_error(db, mysql_errno(db->h), mysql_error(db->h));
        return SOUK_ERROR;
    }
    return SOUK_OK;
}

const sk_db_driver_t  sk_db_mariadb_driver = {
    .name = "mariadb",
    .dialect = SOUK_DB_MARIADB,
    .open = sk_my_open,
    .close = sk_my_close,
    .prepare = sk_my_prepare,
    .finalize = sk_my_finalize,
    .bind_int = sk_my_bind_int,
    .bind_text = sk_my_bind_text,
    .bind_blob = sk_my_bind_blob,
    .bind_null = sk_my_bind_null,
    .clear_binds = sk_my_clear_binds,
    .step = sk_my_step,
    .reset = sk_my_reset,
    .is_null = sk_my_is_null,
    .col_int = sk_my_col_int,
    .col_text = sk_my_col_text,
    .col_blob = sk_my_col_blob,
    .last_id = sk_my_last_id,
    .changes = sk_my_changes,
    .exec_script = sk_my_exec_script,
    .ping = sk_my_ping,
};

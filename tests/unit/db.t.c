/* Unit tests for the database API: every case on SQLite and on MariaDB. */

#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../core/db.c"
#include "../../core/db_sqlite.c"
#include "../../core/db_mariadb.c"

#include "tap.h"
#include "dbtest.h"

/* db.c logs through the core's log; the messages are of no interest here. */
void
sk_log_msg(int level, const char *fmt, ...)
{
    (void) level;
    (void) fmt;
}

static const char *E;          /* engine name, in every test name */

/* Column text of st, or NULL when there is no statement (no row). */
static const char *
text_of(souk_stmt_t *st, int col)
{
    return st != NULL ? souk_stmt_text(st, col) : NULL;
}

static int
ddl(souk_db_t *db, const char *sqlite, const char *mariadb)
{
    int  rc;

    rc = sk_db_exec_script(db, souk_db_dialect(db) == SOUK_DB_MARIADB
                               ? mariadb : sqlite);
    if (rc != SOUK_OK) {
        printf("# ddl: %s\n", souk_db_error(db));
    }
    return rc;
}

static int
make_tables(souk_db_t *db)
{
    return ddl(db,
        "CREATE TABLE t (id INTEGER PRIMARY KEY AUTOINCREMENT, n INTEGER, "
        "s TEXT, b BLOB);"
        "CREATE TABLE parent (id INTEGER PRIMARY KEY);"
        "CREATE TABLE child (id INTEGER PRIMARY KEY, parent_id INTEGER NOT "
        "NULL REFERENCES parent(id));"
        "CREATE TABLE u (email VARCHAR(64) NOT NULL UNIQUE, k VARCHAR(5));"
        "INSERT INTO parent (id) VALUES (1);",
        "CREATE TABLE t (id BIGINT AUTO_INCREMENT PRIMARY KEY, n BIGINT, "
        "s LONGTEXT, b LONGBLOB) ENGINE=InnoDB;"
        "CREATE TABLE parent (id BIGINT PRIMARY KEY) ENGINE=InnoDB;"
        "CREATE TABLE child (id BIGINT PRIMARY KEY, parent_id BIGINT NOT "
        "NULL, FOREIGN KEY (parent_id) REFERENCES parent(id)) ENGINE=InnoDB;"
        "CREATE TABLE u (email VARCHAR(64) NOT NULL UNIQUE, k VARCHAR(5)) "
        "ENGINE=InnoDB;"
        "INSERT INTO parent (id) VALUES (1);");
}

static int64_t
count(souk_db_t *db, const char *where)
{
    char          sql[256];
    souk_stmt_t  *st;
    int64_t       n;

    snprintf(sql, sizeof(sql), "SELECT COUNT(*) FROM t WHERE %s", where);
    st = souk_db_row(db, sql, "");
    if (st == NULL) {
        printf("# count: %s\n", souk_db_error(db));
        return -1;
    }
    n = souk_stmt_int(st, 0);
    souk_stmt_reset(st);
    return n;
}

static void
test_binds(souk_db_t *db)
{
    static const char  blob[] = { 'a', 0, 'b', (char) 0xff, 0 };
    souk_stmt_t       *st;
    size_t             len;
    const void        *p;
    int64_t            id;

    st = souk_db_prepare(db, "INSERT INTO t (n, s, b) VALUES (?, ?, ?)");
    ok(st != NULL, "%s: prepare insert", E);
    souk_stmt_bind_int(st, 1, INT64_MAX);
    souk_stmt_bind_text(st, 2, "hello world", 5);
    souk_stmt_bind_blob(st, 3, blob, sizeof(blob));
    is_int(souk_stmt_step(st), SOUK_DONE, "%s: insert runs", E);
    id = souk_db_last_id(db);
    ok(id > 0, "%s: last id is set", E);
    is_int(souk_db_changes(db), 1, "%s: one row changed", E);

    is_int(souk_db_exec(db, "INSERT INTO t (n, s, b) VALUES (?, ?, ?)",
                        "itn", (int64_t) -42, (const char *) NULL),
           SOUK_OK, "%s: exec with NULLs", E);
    ok(souk_db_last_id(db) > id, "%s: last id grows", E);

    st = souk_db_row(db, "SELECT n, s, b FROM t WHERE id = ?", "i", id);
    ok(st != NULL, "%s: row found", E);
    if (st == NULL) {
        return;
    }
    is_int(souk_stmt_columns(st), 3, "%s: three columns", E);
    ok(souk_stmt_int(st, 0) == INT64_MAX, "%s: int64 max round-trips", E);
    is_str(souk_stmt_text(st, 1), "hello", "%s: text with length", E);
    p = souk_stmt_blob(st, 2, &len);
    ok(len == sizeof(blob) && p != NULL && memcmp(p, blob, len) == 0,
       "%s: blob with NUL and 0xff bytes round-trips", E);
    souk_stmt_reset(st);

    st = souk_db_row(db, "SELECT n, s, b FROM t WHERE id = ?", "i",
                     souk_db_last_id(db));
    ok(st != NULL && souk_stmt_int(st, 0) == -42, "%s: negative int", E);
    ok(st != NULL && souk_stmt_is_null(st, 1) && souk_stmt_is_null(st, 2)
       && souk_stmt_text(st, 1) == NULL && !souk_stmt_is_null(st, 0),
       "%s: NULL columns read as NULL", E);
    souk_stmt_reset(st);

    st = souk_db_row(db, "SELECT id FROM t WHERE id = ?", "i", (int64_t) -1);
    ok(st == NULL && souk_db_error(db)[0] == '\0',
       "%s: no row: NULL and an empty error", E);
}

static void
test_big_and_unicode(souk_db_t *db)
{
    const char    *uni = "Grüße, Καλημέρα, 日本語, 🛒🧾 (4-byte)";
    char          *big;
    souk_stmt_t   *st;
    const char    *got;
    size_t         n = 1024 * 1024, len = 0;

    big = malloc(n + 1);
    memset(big, 'x', n);
    big[0] = 'A';
    big[n - 1] = 'Z';
    big[n] = '\0';
    is_int(souk_db_exec(db, "INSERT INTO t (n, s) VALUES (1001, ?)", "t",
                        big), SOUK_OK, "%s: 1 MB text inserted", E);
    st = souk_db_row(db, "SELECT s, LENGTH(s) FROM t WHERE n = 1001", "");
    got = st != NULL ? souk_stmt_text(st, 0) : NULL;
    if (got != NULL) {
        souk_stmt_blob(st, 0, &len);
    }
    ok(got != NULL && len == n && strcmp(got, big) == 0
       && souk_stmt_int(st, 1) == (int64_t) n,
       "%s: 1 MB text reads back whole", E);
    souk_stmt_reset(st);
    free(big);

    is_int(souk_db_exec(db, "INSERT INTO t (n, s) VALUES (1002, ?)", "t",
                        uni), SOUK_OK, "%s: unicode inserted", E);
    st = souk_db_row(db, "SELECT s FROM t WHERE s = ?", "t", uni);
    is_str(text_of(st, 0), uni,
           "%s: unicode (incl. 4-byte) round-trips and matches", E);
    souk_stmt_reset(st);
}

static void
test_metachars(souk_db_t *db)
{
    static const char  *evil[] = {
        "'; DROP TABLE t; --", "\" OR \"1\"=\"1", "back\\slash\\",
        "100% _wild_", "a'b''c", "?", "x\r\ny", ");DELETE FROM t;("
    };
    souk_stmt_t  *st;
    size_t        i;
    int           good = 1;
    int64_t       before;

    before = count(db, "1 = 1");
    for (i = 0; i < sizeof(evil) / sizeof(evil[0]); i++) {
        if (souk_db_exec(db, "INSERT INTO t (n, s) VALUES (2000, ?)", "t",
                         evil[i]) != SOUK_OK)
        {
            good = 0;
            continue;
        }
        st = souk_db_row(db, "SELECT COUNT(*), MAX(s) FROM t WHERE s = ?",
                         "t", evil[i]);
        if (st == NULL || souk_stmt_int(st, 0) != 1
            || strcmp(souk_stmt_text(st, 1), evil[i]) != 0)
        {
            printf("# metachar case %zu differs\n", i);
            good = 0;
        }
        souk_stmt_reset(st);
    }
    ok(good, "%s: SQL metacharacters are stored and matched as data", E);
    is_int(count(db, "1 = 1"), before + (int64_t) (sizeof(evil)
                                                   / sizeof(evil[0])),
           "%s: the table is intact, nothing deleted", E);
}

static void
test_changes_cache_errors(souk_db_t *db)
{
    souk_stmt_t  *a, *b;

    souk_db_exec(db, "INSERT INTO t (n) VALUES (3000)", "");
    souk_db_exec(db, "INSERT INTO t (n) VALUES (3000)", "");
    souk_db_exec(db, "INSERT INTO t (n) VALUES (3000)", "");
    is_int(souk_db_exec(db, "UPDATE t SET n = 3001 WHERE n = ?", "i",
                        (int64_t) 3000), SOUK_OK, "%s: update runs", E);
    is_int(souk_db_changes(db), 3, "%s: changes counts updated rows", E);
    souk_db_exec(db, "UPDATE t SET n = n WHERE n = ?", "i", (int64_t) 3001);
    is_int(souk_db_changes(db), 3,
           "%s: changes counts matched rows even when unchanged", E);
    souk_db_exec(db, "UPDATE t SET n = 1 WHERE n = ?", "i", (int64_t) -9);
    is_int(souk_db_changes(db), 0, "%s: no match, no changes", E);

    a = souk_db_prepare(db, "SELECT s FROM t WHERE n = ?");
    souk_stmt_bind_int(a, 1, 1002);
    b = souk_db_prepare(db, "SELECT s FROM t WHERE n = ?");
    ok(a != NULL && a == b, "%s: same SQL text, same cached statement", E);
    ok(souk_stmt_step(b) == SOUK_DONE,
       "%s: the cached statement comes back with binds cleared", E);

    ok(souk_db_prepare(db, "SELEC broken FROM") == NULL
       && souk_db_error(db)[0] != '\0',
       "%s: a syntax error gives NULL and a message", E);
    ok(souk_db_prepare(db, "SELECT 1; SELECT 2") == NULL,
       "%s: one statement per prepare", E);
    a = souk_db_prepare(db, "SELECT ?");
    ok(a != NULL && souk_stmt_bind_int(a, 2, 1) == SOUK_ERROR,
       "%s: a bind index out of range is refused", E);

    is_int(souk_db_exec(db, "INSERT INTO child (id, parent_id) VALUES "
                        "(1, 99)", ""), SOUK_ERROR,
           "%s: foreign keys are enforced", E);
    is_int(souk_db_exec(db, "INSERT INTO u (email) VALUES ('a@x')", ""),
           SOUK_OK, "%s: unique insert", E);
    is_int(souk_db_exec(db, "INSERT INTO u (email) VALUES ('a@x')", ""),
           SOUK_ERROR, "%s: unique violation is an error", E);
    if (souk_db_dialect(db) == SOUK_DB_MARIADB) {
        is_int(souk_db_exec(db, "INSERT INTO u (email, k) VALUES ('b@x', "
                            "'toolong')", ""), SOUK_ERROR,
               "%s: strict mode refuses a too-long value", E);
    } else {
        ok(1, "%s: too-long value # SKIP SQLite does not size text", E);
    }
}

/* ---------- transactions ---------- */

static int
tx_insert(souk_db_t *db, void *arg)
{
    return souk_db_exec(db, "INSERT INTO t (n) VALUES (?)", "i",
                        *(int64_t *) arg);
}

static int
tx_fail(souk_db_t *db, void *arg)
{
    (void) tx_insert(db, arg);
    return SOUK_DECLINED;
}

static int
tx_inner_fail(souk_db_t *db, void *arg)
{
    int64_t  n = 4002;

    (void) arg;
    if (souk_db_tx(db, tx_fail, &n) != SOUK_DECLINED) {
        return SOUK_ERROR;
    }
    return SOUK_OK;
}

static int
tx_nested(souk_db_t *db, void *arg)
{
    int64_t  a = 4001, c = 4003, d = 4004;

    (void) arg;
    if (tx_insert(db, &a) != SOUK_OK) {
        return SOUK_ERROR;
    }
    /* a savepoint that fails inside a savepoint that succeeds */
    if (souk_db_tx(db, tx_inner_fail, NULL) != SOUK_OK) {
        return SOUK_ERROR;
    }
    if (souk_db_tx(db, tx_insert, &c) != SOUK_OK) {
        return SOUK_ERROR;
    }
    return souk_db_tx(db, tx_fail, &d) == SOUK_DECLINED ? SOUK_OK
                                                         : SOUK_ERROR;
}

/* A transaction per row of a loop that runs outside it. */
static int
tx_per_row(souk_db_t *db, void *arg)
{
    return souk_db_exec(db, "UPDATE t SET s = 'seen' WHERE id = ?", "i",
                        *(int64_t *) arg);
}

static void
test_tx_in_loop(souk_db_t *db)
{
    souk_stmt_t  *st;
    int64_t       id;
    int           rows = 0, rc;

    souk_db_exec(db, "INSERT INTO t (n) VALUES (4500), (4500), (4500)", "");
    st = souk_db_prepare(db, "SELECT id FROM t WHERE n = 4500 ORDER BY id");
    while ((rc = souk_stmt_step(st)) == SOUK_ROW && rows < 10) {
        id = souk_stmt_int(st, 0);
        rows++;
        if (souk_db_tx(db, tx_per_row, &id) != SOUK_OK) {
            break;
        }
    }
    souk_stmt_reset(st);
    is_int(rows, 3, "%s: a loop over rows survives a tx per row", E);
    is_int(count(db, "n = 4500 AND s = 'seen'"), 3,
           "%s: and every row's tx committed", E);
}

static void
test_tx(souk_db_t *db, souk_db_t *db2)
{
    int64_t  n = 4000;

    is_int(souk_db_tx(db, tx_insert, &n), SOUK_OK, "%s: tx commits", E);
    is_int(count(db2, "n = 4000"), 1,
           "%s: a committed row is seen by another connection", E);
    n = 4010;
    is_int(souk_db_tx(db, tx_fail, &n), SOUK_DECLINED,
           "%s: tx returns fn's result", E);
    is_int(count(db2, "n = 4010"), 0, "%s: a failed tx leaves nothing", E);
    ok(!sk_db_in_tx(db), "%s: out of the tx afterwards", E);

    is_int(souk_db_tx(db, tx_nested, NULL), SOUK_OK, "%s: nested tx", E);
    is_int(count(db2, "n IN (4001, 4003)"), 2,
           "%s: the outer tx and the good savepoint are kept", E);
    is_int(count(db2, "n IN (4002, 4004)"), 0,
           "%s: failed savepoints (also nested two deep) roll back", E);
}

/* The retry: connection db2 makes db's first run(s) fail for real. */
typedef struct {
    souk_db_t  *other;
    int         runs;
    int         release_at;   /* run that lets the other go; 0: never */
    int         held;
    int         busy;         /* SQLite: times our BEGIN met the lock */
} retry_t;

/* SQLite transactions begin IMMEDIATE, so contention shows at BEGIN, before
 * fn runs: the busy handler sees it. It gives up at once (no waiting in a
 * test), and on the first time lets the other connection commit when the
 * test wants the retry to succeed. */
static int
retry_busy(void *arg, int n)
{
    retry_t  *rt = arg;

    (void) n;
    rt->busy++;
    if (rt->release_at != 0 && rt->held) {
        sk_db_exec_script(rt->other, "COMMIT");
        rt->held = 0;
    }
    return 0;
}

static int
tx_contended(souk_db_t *db, void *arg)
{
    retry_t  *rt = arg;

    rt->runs++;
    if (souk_db_dialect(db) == SOUK_DB_MARIADB && rt->release_at != 0
        && rt->runs == rt->release_at && rt->held)
    {
        /* The other connection holds the row lock until now. */
        sk_db_exec_script(rt->other, "COMMIT");
        rt->held = 0;
    }
    return souk_db_exec(db, "UPDATE t SET n = n + 1 WHERE n >= 5000 AND "
                        "n < 5999", "");
}

static void
retry_setup(souk_db_t *db, souk_db_t *db2, retry_t *rt, int release_at)
{
    memset(rt, 0, sizeof(*rt));
    rt->other = db2;
    rt->release_at = release_at;
    souk_db_exec(db, "DELETE FROM t WHERE n >= 5000", "");
    souk_db_exec(db, "INSERT INTO t (n) VALUES (5000)", "");
    if (souk_db_dialect(db) == SOUK_DB_MARIADB) {
        sk_db_exec_script(db2, "BEGIN");
        souk_db_exec(db2, "UPDATE t SET n = n WHERE n >= 5000", "");
    } else {
        sk_db_exec_script(db2, "BEGIN IMMEDIATE");
        sqlite3_busy_handler(db->h, retry_busy, rt);
    }
    rt->held = 1;
}

static void
retry_done(souk_db_t *db, retry_t *rt)
{
    if (rt->held) {
        sk_db_exec_script(rt->other, "ROLLBACK");
        rt->held = 0;
    }
    if (souk_db_dialect(db) == SOUK_DB_SQLITE) {
        sqlite3_busy_timeout(db->h, 200);
    }
}

static void
test_retry(souk_db_t *db, souk_db_t *db2)
{
    int      lite = souk_db_dialect(db) == SOUK_DB_SQLITE;
    retry_t  rt;

    retry_setup(db, db2, &rt, 2);
    is_int(souk_db_tx(db, tx_contended, &rt), SOUK_OK,
           "%s: tx succeeds after a real %s", E,
           lite ? "BUSY" : "lock timeout");
    /* SQLite meets the lock at BEGIN (fn never saw it), MariaDB in fn */
    is_int(rt.runs, lite ? 1 : 2, "%s: fn ran %s", E,
           lite ? "once, after BEGIN was retried" : "twice");
    if (lite) {
        is_int(rt.busy, 1, "%s: BEGIN met the other writer once", E);
    }
    is_int(count(db, "n = 5001"), 1,
           "%s: the update applied exactly once", E);
    retry_done(db, &rt);

    retry_setup(db, db2, &rt, 0);
    is_int(souk_db_tx(db, tx_contended, &rt), SOUK_ERROR,
           "%s: endless contention ends in SOUK_ERROR", E);
    is_int(lite ? rt.busy : rt.runs, SK_DB_ATTEMPTS, "%s: after %d attempts",
           E, SK_DB_ATTEMPTS);
    retry_done(db, &rt);
    is_int(count(db, "n = 5001"), 0, "%s: nothing of it applied", E);
}

/* A real deadlock (MariaDB 1213): the other connection, in a thread, locks
 * row B then wants row A while fn holds A and wants B. The other one has
 * written many rows, so InnoDB picks fn's lighter transaction as victim. */
typedef struct {
    souk_db_t   *other;
    int          pipe[2];
    pthread_t    thread;
    int          started;
    int          runs;
    int          code;       /* the error fn's first run saw */
} deadlock_t;

static void *
deadlock_other(void *arg)
{
    deadlock_t  *dl = arg;
    char         c = 'x';
    int          i;

    sk_db_exec_script(dl->other, "BEGIN");
    for (i = 0; i < 200; i++) {
        souk_db_exec(dl->other, "INSERT INTO heavy (n) VALUES (1)", "");
    }
    souk_db_exec(dl->other, "UPDATE dl SET s = 'o' WHERE id = 2", "");
    (void) !write(dl->pipe[1], &c, 1);
    souk_db_exec(dl->other, "UPDATE dl SET s = 'o' WHERE id = 1", "");
    sk_db_exec_script(dl->other, "COMMIT");
    return NULL;
}

static int
tx_deadlock(souk_db_t *db, void *arg)
{
    deadlock_t  *dl = arg;
    char         c;
    int          rc;

    dl->runs++;
    if (souk_db_exec(db, "UPDATE dl SET s = 'a' WHERE id = 1", "")
        != SOUK_OK)
    {
        return SOUK_ERROR;
    }
    if (dl->runs == 1) {
        dl->started = pthread_create(&dl->thread, NULL, deadlock_other,
                                     dl) == 0;
        if (!dl->started || read(dl->pipe[0], &c, 1) != 1) {
            return SOUK_ERROR;
        }
    }
    rc = souk_db_exec(db, "UPDATE dl SET s = 'a' WHERE id = 2", "");
    if (rc != SOUK_OK && dl->runs == 1) {
        dl->code = db->code;
    }
    return rc;
}

static void
test_deadlock(souk_db_t *db, souk_db_t *db2)
{
    deadlock_t  dl;

    if (souk_db_dialect(db) != SOUK_DB_MARIADB) {
        for (dl.runs = 0; dl.runs < 3; dl.runs++) {
            ok(1, "%s: deadlock # SKIP SQLite has one writer at a time (its "
               "BUSY retry is tested above)", E);
        }
        return;
    }
    memset(&dl, 0, sizeof(dl));
    dl.other = db2;
    if (pipe(dl.pipe) != 0) {
        return;
    }
    /* A loaded machine must not turn the deadlock into a lock wait
     * timeout (1 s in this test) before the other thread closes the
     * cycle: InnoDB finds a deadlock at once, whatever the timeout. */
    sk_db_exec_script(db, "SET SESSION innodb_lock_wait_timeout = 30");
    sk_db_exec_script(db2, "SET SESSION innodb_lock_wait_timeout = 30");
    /* Primary-key lookups: each UPDATE locks its one row only. */
    if (sk_db_exec_script(db, "CREATE TABLE dl (id BIGINT PRIMARY KEY, "
                          "s VARCHAR(8)) ENGINE=InnoDB; CREATE TABLE heavy "
                          "(id BIGINT AUTO_INCREMENT PRIMARY KEY, n BIGINT) "
                          "ENGINE=InnoDB; INSERT INTO dl VALUES (1, ''), "
                          "(2, '')") != SOUK_OK)
    {
        ok(0, "%s: deadlock tables: %s", E, souk_db_error(db));
        return;
    }
    is_int(souk_db_tx(db, tx_deadlock, &dl), SOUK_OK,
           "%s: tx succeeds after a real deadlock", E);
    if (dl.started) {
        pthread_join(dl.thread, NULL);
    }
    is_int(dl.code, 1213, "%s: the first run was a deadlock victim", E);
    is_int(dl.runs, 2, "%s: and fn ran again", E);
    close(dl.pipe[0]);
    close(dl.pipe[1]);
    sk_db_exec_script(db, "SET SESSION innodb_lock_wait_timeout = 1");
    sk_db_exec_script(db2, "SET SESSION innodb_lock_wait_timeout = 1");
}

static int
tx_after_kill(souk_db_t *db, void *arg)
{
    int  *runs = arg;

    (*runs)++;
    return souk_db_exec(db, "INSERT INTO t (n) VALUES (6000)", "");
}

static void
test_lost(souk_db_t *db, souk_db_t *db2)
{
    souk_stmt_t  *st;
    int64_t       cid;
    int           runs = 0;
    char          sql[64];

    if (souk_db_dialect(db) != SOUK_DB_MARIADB) {
        for (runs = 0; runs < 3; runs++) {
            ok(1, "%s: lost connection # SKIP SQLite has no connection", E);
        }
        return;
    }
    st = souk_db_row(db, "SELECT CONNECTION_ID()", "");
    cid = st != NULL ? souk_stmt_int(st, 0) : 0;
    souk_stmt_reset(st);
    snprintf(sql, sizeof(sql), "KILL CONNECTION %lld", (long long) cid);
    sk_db_exec_script(db2, sql);
    is_int(souk_db_tx(db, tx_after_kill, &runs), SOUK_OK,
           "%s: tx goes through on a new connection after a kill", E);
    is_int(count(db2, "n = 6000"), 1, "%s: and its row is there once", E);

    /* A connection the server dropped while the worker sat idle. */
    st = souk_db_row(db, "SELECT CONNECTION_ID()", "");
    cid = st != NULL ? souk_stmt_int(st, 0) : 0;
    souk_stmt_reset(st);
    snprintf(sql, sizeof(sql), "KILL CONNECTION %lld", (long long) cid);
    sk_db_exec_script(db2, sql);
    db->used -= SK_DB_IDLE_PING + 1;
    is_int(souk_db_exec(db, "INSERT INTO t (n) VALUES (6001)", ""), SOUK_OK,
           "%s: after idling, a dropped connection is noticed and renewed",
           E);
}

/* A statement left on its row must not keep its snapshot into the next
 * request (SQLite keeps the read transaction while a statement runs). */
static void
test_request_done(souk_db_t *db, souk_db_t *db2)
{
    souk_stmt_t  *st;
    int64_t       before;

    before = count(db, "n = 8000");
    st = souk_db_row(db, "SELECT id FROM t", "");
    ok(st != NULL, "%s: a statement left on a row", E);
    souk_db_exec(db2, "INSERT INTO t (n) VALUES (8000)", "");
    sk_db_request_done(db);
    is_int(count(db, "n = 8000"), before + 1,
           "%s: after the request, the next one sees fresh data", E);
}

static void
run_engine(int engine)
{
    dbtest_t    t;
    souk_db_t  *db, *db2;
    int         rc;

    E = dbtest_engine(engine);
    rc = dbtest_setup(&t, engine);
    if (rc == SOUK_DECLINED) {
        ok(1, "%s: all cases # SKIP %s", E, t.skip);
        return;
    }
    if (!ok(rc == SOUK_OK, "%s: test database created", E)) {
        return;
    }
    t.conf.busy_timeout = 200;
    t.conf.lock_wait_timeout = 1;
    db = dbtest_connect(&t);
    db2 = dbtest_connect(&t);
    if (ok(db != NULL && db2 != NULL, "%s: two connections open", E)) {
        is_int(souk_db_dialect(db), engine, "%s: dialect", E);
        is_str(sk_db_engine(db), E, "%s: engine name", E);
        if (ok(make_tables(db) == SOUK_OK, "%s: tables made", E)) {
            test_binds(db);
            test_big_and_unicode(db);
            test_metachars(db);
            test_changes_cache_errors(db);
            test_tx(db, db2);
            test_tx_in_loop(db);
            test_retry(db, db2);
            test_deadlock(db, db2);
            test_lost(db, db2);
            test_request_done(db, db2);
        }
    }
    sk_db_close(db);
    sk_db_close(db2);
    dbtest_teardown(&t);
}

static void
test_sqlite_file(void)
{
    dbtest_t      t;
    souk_db_t    *db;
    souk_stmt_t  *st;

    E = "sqlite";
    dbtest_setup(&t, SOUK_DB_SQLITE);
    db = dbtest_connect(&t);
    ok(db != NULL && access(t.path, F_OK) == 0,
       "sqlite: the file and its var/ folder are made");
    st = db ? souk_db_row(db, "PRAGMA journal_mode", "") : NULL;
    is_str(text_of(st, 0), "wal", "sqlite: WAL");
    souk_stmt_reset(st);
    st = db ? souk_db_row(db, "PRAGMA synchronous", "") : NULL;
    is_int(st ? souk_stmt_int(st, 0) : -1, 2, "sqlite: synchronous=FULL");
    souk_stmt_reset(st);
    st = db ? souk_db_row(db, "PRAGMA foreign_keys", "") : NULL;
    is_int(st ? souk_stmt_int(st, 0) : -1, 1, "sqlite: foreign keys on");
    souk_stmt_reset(st);
    sk_db_close(db);
    dbtest_teardown(&t);
}

int
main(void)
{
    test_sqlite_file();
    run_engine(SOUK_DB_SQLITE);
    run_engine(SOUK_DB_MARIADB);
    return done_testing();
}

/* Tests the outbox: queueing in a transaction, delivery, retries, claims. */
#define _GNU_SOURCE
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <sodium.h>

#include "souk_core.h"
#include "db_int.h"
#include "outbox_int.h"
#include "tap.h"

/* is_int evaluates its argument again on failure: these calls have effects. */
#define is_v(got, want, ...)                                                 \
    do {                                                                     \
        long long  v_ = (long long) (got);                                   \
        is_int(v_, (long long) (want), __VA_ARGS__);                         \
    } while (0)

__attribute__((format(printf, 1, 2)))
static void
diag(const char *fmt, ...)
{
    va_list  ap;

    printf("# ");
    va_start(ap, fmt);
    vprintf(fmt, ap);
    va_end(ap);
    printf("\n");
}

/*
 * Every case runs on SQLite (a file in a temp dir) and, when
 * SOUK_TEST_MARIADB_SOCKET names a server (scripts/test starts one), on
 * MariaDB in a database of its own. The table comes from the real
 * migration files in core/migrations/.
 */

static char  tmpdir[256];

static char *
slurp(const char *path)
{
    FILE   *fp = fopen(path, "r");
    char   *s;
    long    n;

    if (fp == NULL) {
        return NULL;
    }
    fseek(fp, 0, SEEK_END);
    n = ftell(fp);
    fseek(fp, 0, SEEK_SET);
    s = calloc(1, (size_t) n + 1);
    if (fread(s, 1, (size_t) n, fp) != (size_t) n) {
        n = 0;
    }
    fclose(fp);
    return s;
}

static souk_db_t *
open_engine(int driver, const char *name)
{
    sk_db_conf_t  c;
    char          err[512], path[512];
    souk_db_t    *db;

    memset(&c, 0, sizeof(c));
    c.driver = driver;
    c.busy_timeout = 2000;
    c.lock_wait_timeout = 5;
    if (driver == SOUK_DB_SQLITE) {
        snprintf(path, sizeof(path), "%s/souk.db", tmpdir);
        c.path = path;
    } else {
        c.socket = getenv("SOUK_TEST_MARIADB_SOCKET");
        c.host = (char *) "localhost";
        c.user = (char *) "root";
        c.name = (char *) name;
    }
    db = sk_db_open(&c, err, sizeof(err));
    if (db == NULL) {
        diag("open: %s", err);
    }
    return db;
}

/* A fresh database with the outbox table, or NULL. */
static souk_db_t *
fresh_db(int driver)
{
    char          sql[256], path[1024];
    const char   *src = getenv("top_srcdir");
    souk_db_t    *db;
    char         *script;

    if (driver == SOUK_DB_SQLITE) {
        snprintf(path, sizeof(path), "%s/souk.db", tmpdir);
        unlink(path);
        db = open_engine(driver, NULL);
    } else {
        snprintf(sql, sizeof(sql), "DROP DATABASE IF EXISTS souk_outbox_t_"
                 "%ld; CREATE DATABASE souk_outbox_t_%ld", (long) getpid(),
                 (long) getpid());
        db = open_engine(driver, NULL);
        if (db == NULL || sk_db_exec_script(db, sql) != SOUK_OK) {
            return NULL;
        }
        sk_db_close(db);
        snprintf(sql, sizeof(sql), "souk_outbox_t_%ld", (long) getpid());
        db = open_engine(driver, sql);
    }
    if (db == NULL) {
        return NULL;
    }
    snprintf(path, sizeof(path), "%s/core/migrations/030_outbox.%s.sql",
             src ? src : ".", sk_db_engine(db));
    script = slurp(path);
    if (script == NULL || sk_db_exec_script(db, script) != SOUK_OK) {
        diag("migration %s: %s", path, souk_db_error(db));
        free(script);
        sk_db_close(db);
        return NULL;
    }
    free(script);
    return db;
}

static int64_t
count(souk_db_t *db, const char *where)
{
    char          sql[256];
    souk_stmt_t  *st;
    int64_t       n;

    snprintf(sql, sizeof(sql), "SELECT COUNT(*) FROM souk_outbox WHERE %s",
             where);
    st = souk_db_row(db, sql, "");
    if (st == NULL) {
        return -1;
    }
    n = souk_stmt_int(st, 0);
    souk_stmt_reset(st);
    return n;
}

static int64_t
col_int(souk_db_t *db, const char *col, int64_t id)
{
    char          sql[256];
    souk_stmt_t  *st;
    int64_t       v;

    snprintf(sql, sizeof(sql), "SELECT %s FROM souk_outbox WHERE id = ?",
             col);
    st = souk_db_row(db, sql, "i", id);
    if (st == NULL) {
        return -1;
    }
    v = souk_stmt_int(st, 0);
    souk_stmt_reset(st);
    return v;
}

static const souk_mail_t  mail1 = {
    .site = "shop", .to = "ann@example.org", .subject = "Your order",
    .text = "Thank you.", .html = NULL,
};

/* ---------- queueing ---------- */

typedef struct {
    const souk_mail_t  *m;
    int                 fail;      /* fn returns SOUK_ERROR after queueing */
    int64_t             id;
} queue_arg_t;

static int
queue_fn(souk_db_t *db, void *arg)
{
    queue_arg_t  *q = arg;

    q->id = souk_outbox_mail(db, q->m);
    if (q->id <= 0) {
        return SOUK_ERROR;
    }
    return q->fail ? SOUK_ERROR : SOUK_OK;
}

static int
nested_fn(souk_db_t *db, void *arg)
{
    queue_arg_t  inner = { &mail1, 1, 0 };

    (void) arg;
    /* The inner savepoint fails and is rolled back alone. */
    if (souk_db_tx(db, queue_fn, &inner) != SOUK_ERROR) {
        return SOUK_ERROR;
    }
    return souk_outbox_mail(db, &mail1) > 0 ? SOUK_OK : SOUK_ERROR;
}

static void
test_queue(souk_db_t *db, const char *eng)
{
    queue_arg_t   ok_arg = { &mail1, 0, 0 }, bad_arg = { &mail1, 1, 0 };
    souk_mail_t   m = mail1;
    const char   *bad[] = { "ann@example.org\r\nBcc: eve@evil.test",
                            "ann@example.org, eve@evil.test", "no-at-sign",
                            "@example.org", "Ann <ann@example.org>", "",
                            NULL };
    size_t        i;

    is_v(souk_db_tx(db, queue_fn, &ok_arg), SOUK_OK,
           "%s: a committed transaction", eng);
    is_v(count(db, "1 = 1"), 1, "%s: ... leaves exactly one row", eng);
    ok(ok_arg.id > 0, "%s: souk_outbox_mail returns the row id", eng);
    is_v(count(db, "state = 'pending' AND attempts = 0"), 1,
           "%s: the row is pending, not yet tried", eng);

    is_v(souk_db_tx(db, queue_fn, &bad_arg), SOUK_ERROR,
           "%s: a failing transaction", eng);
    is_v(count(db, "1 = 1"), 1, "%s: ... leaves no row behind", eng);

    is_v(souk_db_tx(db, nested_fn, NULL), SOUK_OK,
           "%s: outer commit after an inner savepoint failed", eng);
    is_v(count(db, "1 = 1"), 2, "%s: ... keeps only the outer mail", eng);

    for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        m.to = bad[i];
        is_v(souk_outbox_mail(db, &m), SOUK_ERROR,
               "%s: recipient #%zu refused", eng, i);
    }
    m = mail1;
    m.subject = NULL;
    is_v(souk_outbox_mail(db, &m), SOUK_ERROR, "%s: no subject refused",
           eng);
    is_v(count(db, "1 = 1"), 2, "%s: refused mails wrote nothing", eng);
    is_v(count(db, "msg_key IS NOT NULL AND msg_key <> ''"), 2,
           "%s: every row has its Message-ID key", eng);
    ok(souk_db_exec(db, "DELETE FROM souk_outbox", "") == SOUK_OK,
       "%s: cleared", eng);
}

/* ---------- delivery to the spool ---------- */

static int
spool_count(const char *dir, char *name, size_t len)
{
    DIR            *d = opendir(dir);
    struct dirent  *e;
    int             n = 0;

    if (d == NULL) {
        return 0;
    }
    while ((e = readdir(d)) != NULL) {
        if (e->d_name[0] != '.') {
            n++;
            snprintf(name, len, "%s/%s", dir, e->d_name);
        }
    }
    closedir(d);
    return n;
}

static void
spool_conf(sk_mail_conf_t *mc, char *dir, size_t len, const char *eng)
{
    sk_mail_conf_defaults(mc);
    snprintf(dir, len, "%s/spool-%s", tmpdir, eng);
    mc->transport = SK_MAIL_SPOOL;
    mc->spool_dir = dir;
    mc->from = (char *) "Shop <shop@shop.example>";
    mc->retry_base = 10;
    mc->retry_max = 40;
    mc->max_attempts = 4;
    mc->claim_timeout = 60;
}

static void
test_spool(souk_db_t *db, const char *eng)
{
    sk_mail_conf_t      mc;
    sk_deliver_stats_t  st;
    souk_mail_t         m = mail1;
    char                dir[512], file[1024], want[128];
    char               *eml;
    int64_t             id, now = 1700000000000LL;
    souk_stmt_t        *s;

    spool_conf(&mc, dir, sizeof(dir), eng);
    m.subject = "Ihre Bestellung \xc3\xa4\r\nBcc: eve@evil.test";
    m.html = "<p>Danke</p>";
    id = souk_outbox_mail(db, &m);
    ok(id > 0, "%s: queued", eng);
    ok(souk_db_exec(db, "UPDATE souk_outbox SET next_at = ?", "i", now)
       == SOUK_OK, "%s: made due at a fixed time", eng);

    is_v(sk_deliver_pass(db, &mc, "a:1", now - 1, &st), SOUK_OK,
           "%s: a pass before it is due", eng);
    is_v(st.claimed, 0, "%s: ... claims nothing", eng);
    is_v(sk_deliver_pass(db, &mc, "a:1", now, &st), SOUK_OK,
           "%s: a pass when due", eng);
    is_v(st.sent, 1, "%s: ... sends it", eng);
    is_v(spool_count(dir, file, sizeof(file)), 1,
           "%s: one file in the spool", eng);
    is_v(col_int(db, "attempts", id), 1, "%s: one attempt recorded", eng);
    is_v(count(db, "state = 'sent' AND sent_at IS NOT NULL "
                 "AND claimed_by IS NULL"), 1, "%s: the row is sent", eng);

    is_v(sk_deliver_pass(db, &mc, "a:1", now + 3600000, &st), SOUK_OK,
           "%s: a later pass", eng);
    is_v(st.claimed, 0, "%s: ... does not send it again", eng);

    eml = slurp(file);
    s = souk_db_row(db, "SELECT msg_key FROM souk_outbox WHERE id = ?", "i",
                    id);
    snprintf(want, sizeof(want), "Message-ID: <%s@shop.example>\r\n",
             s ? souk_stmt_text(s, 0) : "?");
    if (s != NULL) {
        souk_stmt_reset(s);
    }
    ok(eml != NULL && strstr(eml, want) != NULL,
       "%s: Message-ID is the row's key at the sender's domain", eng);
    ok(eml != NULL && strstr(eml, "\nBcc:") == NULL
       && strstr(eml, "Subject: =?UTF-8?B?") != NULL,
       "%s: a line break in the subject cannot add a header", eng);
    ok(eml != NULL && strstr(eml, "multipart/alternative") != NULL
       && strstr(eml, "<p>Danke</p>") != NULL,
       "%s: the HTML part is there", eng);
    free(eml);
    ok(souk_db_exec(db, "DELETE FROM souk_outbox", "") == SOUK_OK,
       "%s: cleared", eng);
}

/* ---------- a relay that is down: retries with back-off ---------- */

/* A loopback port with nothing listening on it. */
static int
dead_port(void)
{
    struct sockaddr_in  a;
    socklen_t           n = sizeof(a);
    int                 fd = socket(AF_INET, SOCK_STREAM, 0), port;

    memset(&a, 0, sizeof(a));
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (bind(fd, (struct sockaddr *) &a, sizeof(a)) != 0
        || getsockname(fd, (struct sockaddr *) &a, &n) != 0)
    {
        close(fd);
        return 9;
    }
    port = ntohs(a.sin_port);
    close(fd);
    return port;
}

static void
test_retry(souk_db_t *db, const char *eng)
{
    sk_mail_conf_t      mc;
    sk_deliver_stats_t  st;
    char                dir[512], url[64];
    int64_t             id, now = 1700000000000LL, t;
    int                 i;

    spool_conf(&mc, dir, sizeof(dir), eng);
    snprintf(url, sizeof(url), "smtp://127.0.0.1:%d", dead_port());
    mc.transport = SK_MAIL_SMTP;
    mc.smtp_url = url;
    mc.smtp_timeout = 5;
    mc.smtp_tls = SK_MAIL_TLS_NO;
    id = souk_outbox_mail(db, &mail1);
    souk_db_exec(db, "UPDATE souk_outbox SET next_at = ?", "i", now);

    is_v(sk_deliver_pass(db, &mc, "a:1", now, &st), SOUK_OK,
           "%s: relay down: the pass itself works", eng);
    is_v(st.retried, 1, "%s: ... the mail is kept for a retry", eng);
    t = col_int(db, "next_at", id);
    ok(t >= now + 10000 && t < now + 12000,
       "%s: ... due again after retry_base (%lld ms)", eng,
       (long long) (t - now));
    is_v(count(db, "state = 'pending' AND last_error LIKE 'smtp:%'"), 1,
           "%s: ... pending, with the error recorded", eng);

    /* The waits double up to retry_max: 10 s, 20 s, then failed at 4. */
    now = t;
    sk_deliver_pass(db, &mc, "a:1", now, &st);
    t = col_int(db, "next_at", id);
    ok(t >= now + 20000 && t < now + 22000, "%s: second wait doubles",
       eng);
    sk_deliver_pass(db, &mc, "a:1", t, &st);
    is_v(col_int(db, "attempts", id), 3, "%s: third attempt", eng);
    t = col_int(db, "next_at", id);
    sk_deliver_pass(db, &mc, "a:1", t, &st);
    is_v(st.failed, 1, "%s: max_attempts reached: given up", eng);
    is_v(count(db, "state = 'failed'"), 1, "%s: ... the row says failed",
           eng);

    /* Back to a working transport: a failed row is not sent any more. */
    spool_conf(&mc, dir, sizeof(dir), eng);
    sk_deliver_pass(db, &mc, "a:1", t + 86400000, &st);
    is_v(st.claimed, 0, "%s: a failed row stays failed", eng);

    for (i = 1; i <= 6; i++) {
        diag("backoff(%d) = %lld", i, (long long) sk_deliver_backoff(&mc, i));
    }
    is_v(sk_deliver_backoff(&mc, 1), 10000, "backoff 1 = retry_base");
    is_v(sk_deliver_backoff(&mc, 3), 40000, "backoff 3 = 4 x base");
    is_v(sk_deliver_backoff(&mc, 9), 40000, "backoff is capped");
    souk_db_exec(db, "DELETE FROM souk_outbox", "");
}

/* ---------- a crash between claim and record ---------- */

static void
test_claim(souk_db_t *db, const char *eng)
{
    sk_mail_conf_t      mc;
    sk_deliver_stats_t  st;
    char                dir[512], file[1024];
    int64_t             id, now = 1700000000000LL;

    spool_conf(&mc, dir, sizeof(dir), eng);
    snprintf(dir, sizeof(dir), "%s/spool-claim-%s", tmpdir, eng);
    id = souk_outbox_mail(db, &mail1);
    souk_db_exec(db, "UPDATE souk_outbox SET next_at = ?", "i", now);

    /* Process A claims the row exactly as sk_deliver_pass does, then dies
     * before it records anything. */
    souk_db_exec(db, "UPDATE souk_outbox SET next_at = ?, claimed_by = ?, "
                 "attempts = attempts + 1 WHERE id = ? AND state = "
                 "'pending' AND next_at <= ?", "itii",
                 now + mc.claim_timeout * 1000, "a:1", id, now);
    is_v(souk_db_changes(db), 1, "%s: A claimed the row", eng);

    sk_deliver_pass(db, &mc, "b:2", now + 1000, &st);
    is_v(st.claimed, 0, "%s: B leaves a claimed row alone", eng);
    sk_deliver_pass(db, &mc, "b:2", now + mc.claim_timeout * 1000, &st);
    is_v(st.sent, 1, "%s: after the claim timeout B sends it", eng);
    is_v(col_int(db, "attempts", id), 2, "%s: both attempts counted",
           eng);
    is_v(spool_count(dir, file, sizeof(file)), 1,
           "%s: one message in the spool", eng);
    is_v(count(db, "state = 'sent'"), 1, "%s: recorded as sent", eng);
    souk_db_exec(db, "DELETE FROM souk_outbox", "");
}

/* ---------- pruning sent rows ---------- */

static void
test_prune(souk_db_t *db, const char *eng)
{
    sk_mail_conf_t      mc;
    sk_deliver_stats_t  st;
    char                dir[512];
    int64_t             now = 1700000000000LL, day = 86400000LL;

    spool_conf(&mc, dir, sizeof(dir), eng);
    souk_outbox_mail(db, &mail1);
    souk_outbox_mail(db, &mail1);
    souk_db_exec(db, "UPDATE souk_outbox SET next_at = ?", "i", now);
    mc.batch = 1;
    sk_deliver_pass(db, &mc, "a:1", now, &st);
    souk_db_exec(db, "UPDATE souk_outbox SET state = 'failed' WHERE state = "
                 "'pending'", "");
    is_v(count(db, "state = 'sent'"), 1, "%s: one sent, one failed", eng);
    is_v(sk_outbox_prune(db, 1, now + day / 2), 0,
         "%s: a row sent half a day ago is kept (keep 1 day)", eng);
    is_v(sk_outbox_prune(db, 0, now + 400 * day), 0,
         "%s: keep_sent = 0 keeps everything", eng);
    is_v(sk_outbox_prune(db, 1, now + 2 * day), 1,
         "%s: a row sent two days ago is pruned", eng);
    is_v(count(db, "state = 'failed'"), 1,
         "%s: the failed row stays for a person to look at", eng);
    souk_db_exec(db, "DELETE FROM souk_outbox", "");
}

/* ---------- building messages (no database) ---------- */

static void
test_build(void)
{
    sk_mail_conf_t  mc;
    sk_mail_msg_t   m;
    souk_pool_t    *p = sk_pool_create(4096);
    souk_buf_t      b;
    char            line[2000];
    const char     *s, *e;
    int             longest = 0;

    sk_mail_conf_defaults(&mc);
    mc.from = (char *) "shop@shop.example";
    memset(&m, 0, sizeof(m));
    m.key = "0123abcd";
    m.to = "ann@example.org";
    m.subject = "Hello";
    memset(line, 'x', sizeof(line) - 1);
    line[sizeof(line) - 1] = '\0';
    line[10] = '=';
    m.text = line;
    m.created_ms = 0;
    souk_buf_init(&b, p, 0);
    is_v(sk_mail_build(&mc, &m, &b), SOUK_OK, "a 2000-byte line builds");
    for (s = b.data; (e = strstr(s, "\r\n")) != NULL; s = e + 2) {
        if (e - s > longest) {
            longest = (int) (e - s);
        }
    }
    ok(longest <= 76, "no line longer than 76 (longest %d)", longest);
    ok(strstr(b.data, "=3D") != NULL, "'=' is quoted-printable encoded");
    ok(strstr(b.data, "Date: Thu, 01 Jan 1970 00:00:00 +0000\r\n") != NULL,
       "Date comes from the row's creation time");
    m.to = "ann@example.org\nBcc: x@y";
    souk_buf_init(&b, p, 0);
    is_v(sk_mail_build(&mc, &m, &b), SOUK_ERROR,
           "a recipient with a line break is refused at send time too");
    sk_pool_destroy(p);
}

static void
run_engine(int driver, const char *eng)
{
    souk_db_t  *db = fresh_db(driver);

    ok(db != NULL, "%s: a database with the outbox table", eng);
    if (db == NULL) {
        return;
    }
    test_queue(db, eng);
    test_spool(db, eng);
    test_retry(db, eng);
    test_claim(db, eng);
    test_prune(db, eng);
    if (driver == SOUK_DB_MARIADB) {
        char  sql[128];

        snprintf(sql, sizeof(sql), "DROP DATABASE souk_outbox_t_%ld",
                 (long) getpid());
        sk_db_exec_script(db, sql);
    }
    sk_db_close(db);
}

int
main(void)
{
    char  cmd[600];

    if (sodium_init() < 0) {
        return 1;
    }
    snprintf(tmpdir, sizeof(tmpdir), "/tmp/souk-outbox.XXXXXX");
    if (mkdtemp(tmpdir) == NULL) {
        return 1;
    }
    test_build();
    run_engine(SOUK_DB_SQLITE, "sqlite");
    if (getenv("SOUK_TEST_MARIADB_SOCKET") != NULL
        && getenv("SOUK_TEST_MARIADB_SOCKET")[0] != '\0')
    {
        run_engine(SOUK_DB_MARIADB, "mariadb");
    } else {
        ok(1, "# SKIP mariadb: SOUK_TEST_MARIADB_SOCKET is not set");
    }
    snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmpdir);
    if (system(cmd) != 0) {
        diag("could not remove %s", tmpdir);
    }
    return done_testing();
}

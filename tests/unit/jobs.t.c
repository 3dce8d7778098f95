/* Tests plugin commands and jobs: registration rules, the lease that lets
 * one runner take a turn, and the per-request statement counter. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "souk_core.h"
#include "plugin_int.h"
#include "db_int.h"
#include "tap.h"
#include "dbtest.h"

static int
cmd_fn(souk_request_t *r, int argc, char **argv, void *data)
{
    (void) r;
    (void) argc;
    (void) argv;
    (void) data;
    return 0;
}

typedef struct {
    int             calls;
    int             rc;
    sk_runtime_t   *rival;      /* runs the same job from inside this one */
    int             rival_rc;
    int             was_command;
} job_state_t;

static const sk_job_t  *the_job;
static const sk_site_t *the_site;

static int
job_fn(souk_request_t *r, void *data)
{
    job_state_t  *st = data;
    souk_pool_t  *p;

    st->calls++;
    st->was_command = souk_request_is_command(r)
                      && souk_user_can(r, "anything")
                      && souk_user_id(r) == 0
                      && souk_session_start(r) == SOUK_DECLINED
                      && strcmp(souk_site_id(r), "demo") == 0;
    if (st->rival != NULL) {
        p = sk_pool_create(4096);
        st->rival_rc = sk_job_run_site(st->rival, the_job, the_site, p,
                                       "rival:2", 1, NULL);
        sk_pool_destroy(p);
    }
    return st->rc;
}

/* ---------- registration ---------- */

static sk_plugin_t  pa = { .name = "alpha", .idx = 0 };
static sk_plugin_t  pb = { .name = "beta", .idx = 1 };

static void
test_registration(void)
{
    static sk_runtime_t  rt;
    souk_plugin_ctx_t    ca = { &rt, &pa }, cb = { &rt, &pb };
    char                 err[256];
    char                *argv1[] = { "import", "products", "x.csv", NULL };
    char                *argv2[] = { "import", "other", NULL };
    char                *argv3[] = { "export", NULL };
    const sk_command_t  *c;
    int                  used = 0;

    rt.plugins[0] = &pa;
    rt.plugins[1] = &pb;
    rt.nplugins = 2;

    is_int(souk_command_add(&ca, "import", "products", "F", "s", cmd_fn,
                            NULL), SOUK_ERROR, "refused outside init");
    sk_registry_begin(&ca);
    is_int(souk_command_add(&ca, "site", NULL, "", "s", cmd_fn, NULL),
           SOUK_ERROR, "a built-in verb is refused");
    (void) sk_registry_end(err, sizeof(err));
    ok(strstr(err, "built into souk") != NULL, "says why: %s", err);

    sk_registry_begin(&ca);
    is_int(souk_command_add(&ca, "import", "products", "FILE.csv", "Import",
                            cmd_fn, NULL), SOUK_OK, "import products");
    is_int(souk_command_add(&ca, "import", NULL, "", "Import all", cmd_fn,
                            NULL), SOUK_OK, "import alone is another");
    is_int(souk_command_add(&ca, "Bad verb", NULL, "", "", cmd_fn, NULL),
           SOUK_ERROR, "a verb with capitals and spaces is refused");
    is_int(souk_job_add(&ca, "beta.tick", 1, job_fn, NULL), SOUK_ERROR,
           "a job named for another plugin is refused");
    is_int(souk_job_add(&ca, "alpha.tick", 0, job_fn, NULL), SOUK_ERROR,
           "every_seconds 0 is refused");
    is_int(sk_registry_end(err, sizeof(err)), 3, "three refusals");
    pa.inited = 1;

    sk_registry_begin(&ca);
    is_int(souk_job_add(&ca, "alpha.tick", 5, job_fn, NULL), SOUK_OK,
           "alpha.tick");
    is_int(souk_job_add(&ca, "alpha.tick", 5, job_fn, NULL), SOUK_ERROR,
           "the same job twice is refused");
    (void) sk_registry_end(err, sizeof(err));

    /* beta's init takes a command alpha has, and fails: unwound. */
    sk_registry_begin(&cb);
    is_int(souk_command_add(&cb, "import", "products", "", "", cmd_fn, NULL),
           SOUK_ERROR, "a taken verb + noun is refused");
    is_int(souk_command_add(&cb, "export", NULL, "", "", cmd_fn, NULL),
           SOUK_OK, "beta's own command is accepted during its init");
    is_int(souk_job_add(&cb, "beta.tick", 1, job_fn, NULL), SOUK_OK,
           "and its job");
    is_int(sk_registry_end(err, sizeof(err)), 1, "one refusal");
    ok(strstr(err, "\"alpha\"") != NULL, "names the owner: %s", err);
    /* pb.inited stays 0: the loader refused beta */
    ok(sk_command_find(&rt, 1, argv3, &used) == NULL,
       "a refused plugin's command is gone");
    ok(sk_job_find(&rt, "beta.tick") == NULL, "and its job");
    is_int(sk_commands_count(&rt), 2, "alpha's two commands remain");
    is_int(sk_jobs_count(&rt), 1, "alpha's job remains");

    c = sk_command_find(&rt, 3, argv1, &used);
    ok(c != NULL && c->noun != NULL && used == 2, "VERB NOUN found first");
    c = sk_command_find(&rt, 2, argv2, &used);
    ok(c != NULL && c->noun == NULL && used == 1, "else the VERB alone");
    ok(sk_job_find(&rt, "alpha.tick") != NULL
       && sk_job_find(&rt, "alpha.tick")->every == 5, "alpha.tick, 5 s");
}

/* ---------- the lease ---------- */

static char *
slurp(const char *path)
{
    FILE  *fp = fopen(path, "r");
    char  *s;
    long   n;

    if (fp == NULL) {
        return NULL;
    }
    fseek(fp, 0, SEEK_END);
    n = ftell(fp);
    fseek(fp, 0, SEEK_SET);
    s = calloc(1, (size_t) n + 1);
    if (s != NULL && fread(s, 1, (size_t) n, fp) != (size_t) n) {
        s[0] = '\0';
    }
    fclose(fp);
    return s;
}

static int
make_table(souk_db_t *db, int engine)
{
    const char  *src = getenv("top_srcdir");
    char         path[1024];
    char        *sql;
    int          rc;

    snprintf(path, sizeof(path), "%s/core/migrations/040_jobs.%s.sql",
             src != NULL ? src : ".", dbtest_engine(engine));
    sql = slurp(path);
    if (sql == NULL) {
        printf("# cannot read %s\n", path);
        return SOUK_ERROR;
    }
    rc = sk_db_exec_script(db, sql);
    free(sql);
    return rc;
}

static long long
row_int(souk_db_t *db, const char *sql)
{
    souk_stmt_t  *st = souk_db_row(db, sql, NULL);
    long long     v;

    if (st == NULL) {
        return -99;
    }
    v = souk_stmt_is_null(st, 0) ? -1 : (long long) souk_stmt_int(st, 0);
    souk_stmt_reset(st);
    return v;
}

static void
lease_cases(sk_runtime_t *rt, sk_runtime_t *rt2, const sk_job_t *job,
    const sk_site_t *site, job_state_t *st, const char *e)
{
    souk_pool_t  *p = sk_pool_create(4096);
    souk_db_t    *db = rt->db;
    int           was_ok = 5;

    is_int(sk_job_run_site(rt, job, site, p, "a:1", 0, &was_ok), SK_JOB_RAN,
           "%s: a new (job, site) is due at once", e);
    ok(st->calls == 1 && st->was_command, "%s: ran once, on a command "
       "request for the site", e);
    is_int(was_ok, -1, "%s: it never ran before", e);
    is_int(row_int(db, "SELECT last_ok FROM souk_jobs"), 1, "%s: ok", e);
    is_int(row_int(db, "SELECT COUNT(*) FROM souk_jobs WHERE lease_owner "
                   "IS NULL"), 1, "%s: the lease is given back", e);
    is_int(sk_job_run_site(rt2, job, site, p, "b:1", 0, NULL),
           SK_JOB_NOT_DUE, "%s: another runner finds it not due", e);
    is_int(st->calls, 1, "%s: so it did not run", e);
    is_int(sk_job_run_site(rt, job, site, p, "a:1", 1, NULL), SK_JOB_RAN,
           "%s: a forced run ignores next_run", e);

    /* While it runs, a rival on its own connection cannot take it. */
    st->rival = rt2;
    souk_db_exec(db, "UPDATE souk_jobs SET next_run = 0", NULL);
    is_int(sk_job_run_site(rt, job, site, p, "a:1", 0, NULL), SK_JOB_RAN,
           "%s: due again", e);
    is_int(st->rival_rc, SK_JOB_NOT_DUE, "%s: the lease keeps a forced "
           "rival out while it runs", e);
    is_int(st->calls, 3, "%s: the rival's run did not happen", e);
    st->rival = NULL;

    /* A live lease of a dead host holds; an expired one does not. */
    souk_db_exec(db, "UPDATE souk_jobs SET next_run = 0, lease_owner = "
                 "'dead:9', lease_until = ?", "i",
                 (int64_t) time(NULL) * 1000 + 60000);
    is_int(sk_job_run_site(rt, job, site, p, "a:1", 1, NULL),
           SK_JOB_NOT_DUE, "%s: a live lease holds", e);
    souk_db_exec(db, "UPDATE souk_jobs SET lease_until = 1", NULL);
    is_int(sk_job_run_site(rt, job, site, p, "a:1", 0, NULL), SK_JOB_RAN,
           "%s: an expired lease is taken over", e);

    st->rc = SOUK_ERROR;
    is_int(sk_job_run_site(rt, job, site, p, "a:1", 1, &was_ok),
           SK_JOB_FAILED, "%s: a failing job", e);
    is_int(was_ok, 1, "%s: had been fine", e);
    is_int(row_int(db, "SELECT last_ok FROM souk_jobs"), 0,
           "%s: recorded as failed", e);
    is_int(sk_job_run_site(rt, job, site, p, "a:1", 1, &was_ok),
           SK_JOB_FAILED, "%s: fails again", e);
    is_int(was_ok, 0, "%s: known to be failing (logged once)", e);
    st->rc = SOUK_OK;
    sk_pool_destroy(p);
}

static void
test_lease(void)
{
    static sk_runtime_t  rt, rt2;
    static sk_site_t     site = { .id = "demo" };
    static sk_job_t      job = { .name = "alpha.tick", .every = 3600,
                                 .fn = job_fn };
    job_state_t          st;
    dbtest_t             t;
    int                  e;

    job.data = &st;
    the_job = &job;
    the_site = &site;
    for (e = SOUK_DB_SQLITE; e <= SOUK_DB_MARIADB; e++) {
        memset(&st, 0, sizeof(st));
        if (dbtest_setup(&t, e) != SOUK_OK) {
            ok(1, "# SKIP %s: %s", dbtest_engine(e), t.skip);
            continue;
        }
        rt.db = dbtest_connect(&t);
        rt2.db = dbtest_connect(&t);
        if (rt.db == NULL || rt2.db == NULL
            || make_table(rt.db, e) != SOUK_OK)
        {
            ok(0, "%s: set up", dbtest_engine(e));
        } else {
            lease_cases(&rt, &rt2, &job, &site, &st, dbtest_engine(e));
        }
        sk_db_close(rt.db);
        sk_db_close(rt2.db);
        dbtest_teardown(&t);
    }
}

/* ---------- X-Souk-Queries ---------- */

static void
test_counter(void)
{
    souk_stmt_t  *st;
    souk_db_t    *db;
    dbtest_t      t;
    int           n = 0;

    if (dbtest_setup(&t, SOUK_DB_SQLITE) != SOUK_OK
        || (db = dbtest_connect(&t)) == NULL)
    {
        ok(0, "sqlite set up");
        return;
    }
    is_int(sk_db_queries(db), 0, "nothing counted yet");
    souk_db_exec(db, "CREATE TABLE c (x INTEGER)", NULL);
    souk_db_exec(db, "INSERT INTO c VALUES (1), (2), (3)", NULL);
    st = souk_db_prepare(db, "SELECT x FROM c ORDER BY x");
    while (souk_stmt_step(st) == SOUK_ROW) {
        n++;
    }
    is_int(n, 3, "three rows read");
    is_int(sk_db_queries(db), 3, "three statements, rows not counted");
    st = souk_db_row(db, "SELECT x FROM c WHERE x = ?", "i", (int64_t) 2);
    is_int(sk_db_queries(db), 4, "souk_db_row counts one");
    sk_db_request_done(db);
    is_int(sk_db_queries(db), 0, "reset after the request");
    sk_db_close(db);
    dbtest_teardown(&t);
}

/* A long command frees its allocations between batches; r survives. */
static void
test_pool_reset(void)
{
    souk_pool_t     *outer = sk_pool_create(4096);
    souk_request_t  *r = sk_request_synthetic(NULL, NULL, outer);
    souk_request_t   web;
    souk_pool_t     *inner;
    char            *a, *b;
    int              i;

    ok(r != NULL && souk_request_is_command(r), "a command request");
    inner = souk_request_pool(r);
    ok(inner != outer, "its pool is not the caller's");
    souk_view_new(r, "x");
    for (i = 0; i < 1000; i++) {
        a = souk_palloc(inner, 1000);
        memset(a, 'x', 1000);
    }
    is_int(souk_request_pool_reset(r), SOUK_OK, "reset");
    ok(souk_view(r) == NULL, "the view model went with the pool");
    ok(souk_request_is_command(r) && souk_request_pool(r) == inner,
       "the request itself is intact");
    b = souk_pstrdup(souk_request_pool(r), "after");
    is_str(b, "after", "the pool serves again after a reset");
    memset(&web, 0, sizeof(web));
    web.pool = outer;
    is_int(souk_request_pool_reset(&web), SOUK_DECLINED,
           "a client's request cannot reset its pool");
    sk_pool_destroy(outer);     /* frees the inner pool too (ASan: leak) */
}

int
main(void)
{
    test_pool_reset();
    test_registration();
    test_lease();
    test_counter();
    return done_testing();
}

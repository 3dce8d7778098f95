/* Scheduled jobs: registration, and one leased run of a job for a site. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "souk_core.h"
#include "db_int.h"

#define SK_JOBS_MAX      256
#define SK_JOB_NAME_MAX  120
/*
 * How long a lease holds a run against other hosts. A host that dies while
 * running leaves its lease to expire; a job still running after this may be
 * started again elsewhere, which souk/job.h allows (jobs run twice safely).
 */
#define SK_JOB_LEASE_MS  600000

/* Process-wide, like the commands (core/command.c): an entry counts only
 * while its plugin is loaded in its runtime and its init succeeded. */
typedef struct {
    sk_job_t             job;
    const sk_runtime_t  *rt;
    const sk_plugin_t   *plugin;
} sk_job_entry_t;

static sk_job_entry_t  sk_jobs[SK_JOBS_MAX];
static size_t          sk_njobs;

static int
sk_job_live(const sk_job_entry_t *e, const sk_runtime_t *rt,
    const sk_plugin_t *loading)
{
    const sk_plugin_t  *p;

    if (e->rt != rt || e->job.owner >= rt->nplugins) {
        return 0;
    }
    p = rt->plugins[e->job.owner];
    return p == e->plugin && (p->inited || p == loading);
}

/* "PLUGIN.WHAT": the plugin's own prefix, then [a-z0-9_.-]. */
static int
sk_job_name_ok(const char *plugin, const char *name)
{
    size_t  n = strlen(plugin), i;

    if (strncmp(name, plugin, n) != 0 || name[n] != '.'
        || name[n + 1] == '\0' || strlen(name) > SK_JOB_NAME_MAX)
    {
        return 0;
    }
    for (i = n + 1; name[i] != '\0'; i++) {
        if (!((name[i] >= 'a' && name[i] <= 'z')
              || (name[i] >= '0' && name[i] <= '9')
              || name[i] == '_' || name[i] == '-' || name[i] == '.'))
        {
            return 0;
        }
    }
    return 1;
}

SOUK_API int
souk_job_add(souk_plugin_ctx_t *ctx, const char *name, unsigned every_seconds,
    souk_job_pt fn, void *data)
{
    sk_job_entry_t  *e;
    char             why[256];
    size_t           i;

    if (sk_registry_check(ctx, "souk_job_add") != SOUK_OK) {
        return SOUK_ERROR;
    }
    if (name == NULL || fn == NULL || every_seconds < 1
        || !sk_job_name_ok(ctx->plugin->name, name))
    {
        snprintf(why, sizeof(why), "souk_job_add needs a name \"%s.WHAT\" "
                 "([a-z0-9_.-], at most %d bytes), every_seconds >= 1 and a "
                 "function", ctx->plugin->name, SK_JOB_NAME_MAX);
        return sk_registry_fail(ctx, why);
    }
    for (i = 0; i < sk_njobs; i++) {
        if (sk_job_live(&sk_jobs[i], ctx->rt, ctx->plugin)
            && strcmp(sk_jobs[i].job.name, name) == 0)
        {
            snprintf(why, sizeof(why), "job \"%s\" is already registered",
                     name);
            return sk_registry_fail(ctx, why);
        }
    }
    if (sk_njobs == SK_JOBS_MAX) {
        return sk_registry_fail(ctx, "too many jobs");
    }
    e = &sk_jobs[sk_njobs];
    e->job.name = strdup(name);
    if (e->job.name == NULL) {
        abort();                /* start-up memory: nothing to go on with */
    }
    sk_njobs++;
    e->job.every = every_seconds;
    e->job.fn = fn;
    e->job.data = data;
    e->job.owner = ctx->plugin->idx;
    e->rt = ctx->rt;
    e->plugin = ctx->plugin;
    return SOUK_OK;
}

size_t
sk_jobs_count(const sk_runtime_t *rt)
{
    size_t  i, n = 0;

    for (i = 0; i < sk_njobs; i++) {
        n += sk_job_live(&sk_jobs[i], rt, NULL);
    }
    return n;
}

const sk_job_t *
sk_job_at(const sk_runtime_t *rt, size_t at)
{
    size_t  i;

    for (i = 0; i < sk_njobs; i++) {
        if (sk_job_live(&sk_jobs[i], rt, NULL) && at-- == 0) {
            return &sk_jobs[i].job;
        }
    }
    return NULL;
}

const sk_job_t *
sk_job_find(const sk_runtime_t *rt, const char *name)
{
    size_t  i;

    for (i = 0; i < sk_njobs; i++) {
        if (sk_job_live(&sk_jobs[i], rt, NULL)
            && strcmp(sk_jobs[i].job.name, name) == 0)
        {
            return &sk_jobs[i].job;
        }
    }
    return NULL;
}

/* ---------- one run ---------- */

static int64_t
sk_job_now_ms(void)
{
    struct timespec  ts;

    clock_gettime(CLOCK_REALTIME, &ts);
    return (int64_t) ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

typedef struct {
    int      found;
    int64_t  next_run;
    int      leased;        /* a lease that has not expired */
    int      last_ok;       /* 1, 0, or -1: never ran */
} sk_job_row_t;

/* Reads the (job, site) row, creating it (due now) the first time. */
static int
sk_job_row(souk_db_t *db, const char *name, const char *site, int64_t now,
    sk_job_row_t *row)
{
    souk_stmt_t  *st;

    memset(row, 0, sizeof(*row));
    row->last_ok = -1;
    row->next_run = now;
    st = souk_db_row(db, "SELECT next_run, lease_owner, lease_until, "
                     "last_ok FROM souk_jobs WHERE name = ? AND site = ?",
                     "tt", name, site);
    if (st != NULL) {
        row->found = 1;
        row->next_run = souk_stmt_int(st, 0);
        row->leased = !souk_stmt_is_null(st, 1)
                      && souk_stmt_int(st, 2) >= now;
        row->last_ok = souk_stmt_is_null(st, 3) ? -1
                       : souk_stmt_int(st, 3) != 0;
        souk_stmt_reset(st);
        return SOUK_OK;
    }
    if (souk_db_error(db)[0] != '\0') {
        return SOUK_ERROR;
    }
    /* Two hosts may both find no row: the key keeps one, the other's
     * insert is ignored and it then competes for the lease as usual. */
    return souk_db_exec(db, souk_db_dialect(db) == SOUK_DB_SQLITE
                        ? "INSERT OR IGNORE INTO souk_jobs (name, site, "
                          "next_run) VALUES (?, ?, ?)"
                        : "INSERT IGNORE INTO souk_jobs (name, site, "
                          "next_run) VALUES (?, ?, ?)",
                        "tti", name, site, now);
}

/*
 * The conditional UPDATE is the whole protocol: of the runners that saw
 * the turn due, the engine lets exactly one change the row (SQLite
 * serialises writers, InnoDB re-reads the locked row), and the others see
 * no change. A forced run (souk job run) ignores next_run, not a lease.
 */
static int
sk_job_lease(souk_db_t *db, const char *name, const char *site,
    const char *who, int64_t now, int force)
{
    int  rc;

    if (force) {
        rc = souk_db_exec(db, "UPDATE souk_jobs SET lease_owner = ?, "
                          "lease_until = ? WHERE name = ? AND site = ? AND "
                          "(lease_owner IS NULL OR lease_until < ?)",
                          "titti", who, now + SK_JOB_LEASE_MS, name, site,
                          now);
    } else {
        rc = souk_db_exec(db, "UPDATE souk_jobs SET lease_owner = ?, "
                          "lease_until = ? WHERE name = ? AND site = ? AND "
                          "next_run <= ? AND (lease_owner IS NULL OR "
                          "lease_until < ?)", "tittii", who,
                          now + SK_JOB_LEASE_MS, name, site, now, now);
    }
    if (rc != SOUK_OK) {
        return SK_JOB_DB_ERROR;
    }
    return souk_db_changes(db) == 1 ? SK_JOB_RAN : SK_JOB_NOT_DUE;
}

static int
sk_job_finish(souk_db_t *db, const sk_job_t *job, const char *site,
    const char *who, int64_t started, int ok, const char *error)
{
    int64_t  done = sk_job_now_ms();

    /* The next turn counts from the start, so a job every 60 s runs every
     * 60 s however long it takes; one slower than its period runs again
     * at once, never twice at a time. */
    int64_t  next = started + (int64_t) job->every * 1000;

    if (next < done) {
        next = done;
    }
    return souk_db_exec(db, "UPDATE souk_jobs SET lease_owner = NULL, "
                        "lease_until = NULL, last_run = ?, last_ok = ?, "
                        "last_error = ?, next_run = ? WHERE name = ? AND "
                        "site = ? AND lease_owner = ?", "iitittt", started,
                        (int64_t) ok, error, next, job->name, site, who);
}

int
sk_job_run_site(sk_runtime_t *rt, const sk_job_t *job, const sk_site_t *site,
    souk_pool_t *pool, const char *who, int force, int *was_ok)
{
    souk_db_t       *db = rt->db;
    souk_request_t  *r;
    sk_job_row_t     row;
    int64_t          now = sk_job_now_ms();
    int              rc, fn_rc;
    const char      *error = NULL;

    if (was_ok != NULL) {
        *was_ok = -1;
    }
    if (db == NULL) {
        return SK_JOB_DB_ERROR;
    }
    if (sk_job_row(db, job->name, site->id, now, &row) != SOUK_OK) {
        return SK_JOB_DB_ERROR;
    }
    if (was_ok != NULL) {
        *was_ok = row.last_ok;
    }
    /* Most passes end here, having only read. */
    if (row.leased || (!force && row.next_run > now)) {
        return SK_JOB_NOT_DUE;
    }
    rc = sk_job_lease(db, job->name, site->id, who, now, force);
    if (rc != SK_JOB_RAN) {
        return rc;
    }
    r = sk_request_synthetic(rt, site, pool);
    r->cur_plugin = job->owner < rt->nplugins ? rt->plugins[job->owner]
                    : NULL;
    fn_rc = job->fn(r, job->data);
    r->cur_plugin = NULL;
    /* A statement the job left on a row would hold its snapshot. */
    sk_db_request_done(db);
    if (fn_rc != SOUK_OK) {
        error = souk_psprintf(pool, "the job returned %d", fn_rc);
    }
    rc = sk_job_finish(db, job, site->id, who, now, fn_rc == SOUK_OK,
                       error);
    sk_pool_reset(pool);
    if (rc != SOUK_OK) {
        sk_log_msg(SOUK_LOG_ERROR, "job %s on site %s: cannot record the "
                   "run: %s", job->name, site->id, souk_db_error(db));
    }
    return fn_rc == SOUK_OK ? SK_JOB_RAN : SK_JOB_FAILED;
}

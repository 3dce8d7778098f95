/* The jobs process: loads the plugins as a worker does and, about once a
 * second, runs each job that is due for each site its plugin is on for. */
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/prctl.h>

#include "db_int.h"
#include "sk_process.h"

#define SK_JOBS_POOL      65536
#define SK_JOBS_TICK_MS   1000
#define SK_JOBS_ERR_MAX   30000     /* longest pause while the db fails */

static volatile sig_atomic_t  sk_jobs_stop;
static volatile sig_atomic_t  sk_jobs_reopen;

int
sk_jobs_wanted(const sk_config_t *cfg)
{
    return cfg->jobs != 0;
}

static void
sk_jobs_on_signal(int signo)
{
    if (signo == SIGUSR1) {
        sk_jobs_reopen = 1;
    } else {
        sk_jobs_stop = 1;
    }
}

/*
 * A job that fails every second would fill the log: its failure is logged
 * when it starts failing, and its recovery when it ends (the row's last_ok
 * tells across restarts and hosts); repeats go to the debug level.
 */
static void
sk_jobs_note(const sk_job_t *job, const sk_site_t *site, int rc, int was_ok)
{
    if (rc == SK_JOB_FAILED) {
        sk_log_msg(was_ok == 0 ? SOUK_LOG_DEBUG : SOUK_LOG_ERROR,
                   "job %s on site %s failed%s", job->name, site->id,
                   was_ok == 0 ? " again" : "; logged again when it "
                   "succeeds");
    } else if (rc == SK_JOB_RAN && was_ok == 0) {
        sk_log_msg(SOUK_LOG_INFO, "job %s on site %s succeeds again",
                   job->name, site->id);
    }
}

/* One pass over every (job, site). SOUK_ERROR when the database failed. */
static int
sk_jobs_pass(sk_runtime_t *rt, souk_pool_t *pool, const char *who)
{
    const sk_job_t   *job;
    const sk_site_t  *site;
    size_t            i, j, nj = sk_jobs_count(rt), ns;
    int               rc, was_ok, failed = 0;

    ns = sk_sites_count(rt->sites);
    for (i = 0; i < nj && !sk_jobs_stop; i++) {
        job = sk_job_at(rt, i);
        for (j = 0; j < ns && !sk_jobs_stop; j++) {
            site = sk_sites_at(rt->sites, j);
            if (!site->enabled[job->owner]) {
                continue;
            }
            rc = sk_job_run_site(rt, job, site, pool, who, 0, &was_ok);
            if (rc == SK_JOB_DB_ERROR) {
                sk_log_msg(SOUK_LOG_DEBUG, "job %s on site %s: %s",
                           job->name, site->id, souk_db_error(rt->db));
                failed = 1;
            } else {
                sk_jobs_note(job, site, rc, was_ok);
            }
            sk_pool_reset(pool);
        }
    }
    return failed ? SOUK_ERROR : SOUK_OK;
}

static void
sk_jobs_loop(sk_runtime_t *rt, const char *who, pid_t master)
{
    souk_pool_t  *pool = sk_pool_create(SK_JOBS_POOL);
    int           errors = 0, pause, i;

    while (!sk_jobs_stop) {
        if (sk_jobs_reopen) {
            sk_jobs_reopen = 0;
            (void) sk_log_reopen();
        }
        /* Sites and their plugins change without a restart. */
        sk_sites_refresh(rt);
        if (sk_jobs_pass(rt, pool, who) != SOUK_OK) {
            /* Logged at a slowing pace, not every second. */
            if (errors++ == 0) {
                sk_log_msg(SOUK_LOG_ERROR, "jobs: the database fails: %s; "
                           "retrying", souk_db_error(rt->db));
            }
        } else {
            errors = 0;
        }
        if (master > 0 && getppid() != master) {
            break;
        }
        pause = SK_JOBS_TICK_MS;
        for (i = 1; i < errors && pause < SK_JOBS_ERR_MAX; i++) {
            pause *= 2;
        }
        if (pause > SK_JOBS_ERR_MAX) {
            pause = SK_JOBS_ERR_MAX;
        }
        if (!sk_jobs_stop) {
            (void) poll(NULL, 0, pause);
        }
    }
    sk_pool_destroy(pool);
}

int
sk_jobs_run(sk_config_t *cfg, pid_t master)
{
    sk_runtime_t  rt;
    char          err[1024], host[256], who[300];

    if (master > 0) {
        (void) prctl(PR_SET_PDEATHSIG, SIGTERM);
        if (getppid() != master) {
            return SK_EXIT_OK;
        }
    }
    (void) prctl(PR_SET_NAME, "soukd-jobs");
    /* No SA_RESTART: a signal cuts the pause between passes short. */
    sk_child_signals(sk_jobs_on_signal, 0);
    if (sk_runtime_load(&rt, cfg, err, sizeof(err)) != SOUK_OK) {
        sk_log_msg(SOUK_LOG_ERROR, "jobs: %s", err);
        sk_runtime_unload(&rt);
        return SK_EXIT_CONFIG;
    }
    if (gethostname(host, sizeof(host)) != 0) {
        snprintf(host, sizeof(host), "localhost");
    }
    host[sizeof(host) - 1] = '\0';
    snprintf(who, sizeof(who), "%.200s:%ld", host, (long) getpid());
    sk_log_msg(SOUK_LOG_INFO, "jobs process %ld started (%zu jobs, %zu "
               "sites)", (long) getpid(), sk_jobs_count(&rt),
               sk_sites_count(rt.sites));
    sk_jobs_loop(&rt, who, master);
    sk_log_msg(SOUK_LOG_INFO, "jobs process exits");
    sk_runtime_unload(&rt);
    return SK_EXIT_OK;
}

/* A worker process: loads the plugins and answers FastCGI requests. */
#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <sys/prctl.h>
#include <sys/socket.h>

#include <fcgiapp.h>
#include <sodium.h>

#include "db_int.h"
#include "migrate.h"
#include "sk_process.h"
#include "theme.h"

#define SK_POOL_BLOCK  16384

/*
 * Signal state. The handler only sets flags and swaps descriptors, both of
 * which are async-signal-safe; everything else happens between requests.
 */
static volatile sig_atomic_t  sk_worker_stopping;
static volatile sig_atomic_t  sk_worker_reopen;
static int                    sk_worker_listen_fd = -1;
static int                    sk_worker_dead_fd = -1;

/*
 * SIGTERM may land after the loop checked the flag but before accept()
 * blocks; a plain flag would then wait for one more request. Putting an
 * unbound, non-listening socket on the listen descriptor makes that accept
 * fail at once (EINVAL), and libfcgi hands the failure back to the loop. The
 * request in flight, if any, has its own connection and is not disturbed.
 */
static void
sk_worker_on_signal(int signo)
{
    int  saved = errno;

    if (signo == SIGUSR1) {
        sk_worker_reopen = 1;
    } else {
        sk_worker_stopping = 1;
        if (sk_worker_dead_fd >= 0 && sk_worker_listen_fd >= 0) {
            (void) dup2(sk_worker_dead_fd, sk_worker_listen_fd);
        }
        FCGX_ShutdownPending();
    }
    errno = saved;
}

/*
 * libfcgi's FCGX_Init installs handlers for SIGTERM, SIGUSR1 and SIGPIPE;
 * these replace them. SA_RESTART keeps the read or write of a request in
 * flight going when a signal lands: libfcgi treats EINTR there as a broken
 * stream. accept() is not held up by it, since a restarted accept() finds
 * the dead socket.
 */
int
sk_runtime_load(sk_runtime_t *rt, sk_config_t *cfg, char *err, size_t errlen)
{
    souk_db_t  *db;
    size_t      pending = 0;

    /* randombytes_buf works without it, but sodium_init picks the best
     * implementation once per process (request ids). */
    memset(rt, 0, sizeof(*rt));
    if (sodium_init() < 0) {
        snprintf(err, errlen, "libsodium failed to initialise");
        return SOUK_ERROR;
    }
    rt->cfg = cfg;
    /* Here, after fork: a connection is never shared between processes. */
    rt->db = sk_db_open(&cfg->db, err, errlen);
    if (rt->db == NULL) {
        return SOUK_ERROR;
    }
    if (sk_plugins_load(rt, err, errlen) != SOUK_OK) {
        return SOUK_ERROR;
    }
    /* The master's start-up check runs this first, so it is the one that
     * applies migrations; workers then find none pending. */
    if (sk_migrate(rt, rt->db, sk_migrate_mode(cfg->db.apply_migrations),
                   NULL, NULL, &pending, err, errlen) != SOUK_OK)
    {
        return SOUK_ERROR;
    }
    /* soukd -t with migrations that start-up will apply: the sites tables
     * may not exist yet, so the check builds souk.conf's sites alone. */
    db = rt->db;
    if (pending > 0) {
        rt->db = NULL;
    }
    rt->sites = sk_sites_build(cfg, rt, err, errlen);
    rt->db = db;
    if (rt->sites == NULL) {
        return SOUK_ERROR;
    }
    return SOUK_OK;
}

void
sk_runtime_unload(sk_runtime_t *rt)
{
    if (rt->sites != NULL) {
        sk_sites_free(rt->sites);
        rt->sites = NULL;
    }
    sk_view_shutdown();
    sk_plugins_unload(rt);
    /* The loader leaves the tables to their owner: the runtime. */
    if (rt->router != NULL) {
        sk_router_destroy(rt->router);
        rt->router = NULL;
    }
    if (rt->hooks != NULL) {
        sk_hooks_destroy(rt->hooks);
        rt->hooks = NULL;
    }
    sk_db_close(rt->db);
    rt->db = NULL;
}

static long
sk_elapsed_us(const struct timespec *a, const struct timespec *b)
{
    return (long) (b->tv_sec - a->tv_sec) * 1000000L
           + (b->tv_nsec - a->tv_nsec) / 1000;
}

void
sk_serve_one(sk_runtime_t *rt, souk_pool_t *pool, char **envp,
    sk_read_pt rd, void *rio, sk_write_pt wr, void *wio)
{
    souk_request_t   req, *r = &req;
    struct timespec  t0, t1;
    int              status;

    clock_gettime(CLOCK_MONOTONIC, &t0);
    /* Before the request takes its limits: a refresh may swap the config. */
    sk_sites_refresh(rt);

    memset(r, 0, sizeof(*r));
    r->pool = pool;
    r->rt = rt;
    r->limits = &rt->cfg->limits;
    clock_gettime(CLOCK_REALTIME, &r->start);

    status = sk_request_parse(r, envp, rd, rio);
    if (status != 0) {
        sk_request_fail(r, status, r->error_msg);
    } else {
        sk_dispatch(r);
    }
    if (sk_respond(r, wr, wio) != SOUK_OK) {
        /* The web server went away; the access log still records it. */
        sk_log_msg(SOUK_LOG_INFO, "req=%s: the response could not be sent",
                   r->id);
    }
    /* A statement a handler left on a row would hold its snapshot (and
     * SQLite's WAL) into the next request. */
    sk_db_request_done(rt->db);
    clock_gettime(CLOCK_MONOTONIC, &t1);
    sk_log_access(r, sk_elapsed_us(&t0, &t1));
}

static ssize_t
sk_fcgi_read(void *io, char *buf, size_t n)
{
    FCGX_Request  *rq = io;
    int            got;

    if (n > INT_MAX) {
        n = INT_MAX;
    }
    got = FCGX_GetStr(buf, (int) n, rq->in);
    if (got == 0 && FCGX_GetError(rq->in) != 0) {
        return -1;
    }
    return got;
}

static int
sk_fcgi_write(void *io, const char *buf, size_t n)
{
    FCGX_Request  *rq = io;
    int            chunk;

    while (n > 0) {
        chunk = n > INT_MAX ? INT_MAX : (int) n;
        if (FCGX_PutStr(buf, chunk, rq->out) != chunk) {
            return SOUK_ERROR;
        }
        buf += chunk;
        n -= (size_t) chunk;
    }
    return SOUK_OK;
}

static void
sk_worker_loop(sk_runtime_t *rt, int listen_fd, pid_t master)
{
    FCGX_Request   rq;
    souk_pool_t   *pool;
    int            rc;

    pool = sk_pool_create(SK_POOL_BLOCK);
    FCGX_InitRequest(&rq, listen_fd, 0);
    while (!sk_worker_stopping) {
        if (sk_worker_reopen) {
            sk_worker_reopen = 0;
            sk_log_reopen();
        }
        rc = FCGX_Accept_r(&rq);
        if (rc < 0) {
            if (!sk_worker_stopping) {
                sk_log_msg(SOUK_LOG_ERROR, "accept failed: %s",
                           rc > -4096 ? strerror(-rc) : "FastCGI error");
            }
            break;
        }
        if (sk_worker_reopen) {
            sk_worker_reopen = 0;
            sk_log_reopen();
        }
        sk_serve_one(rt, pool, rq.envp, sk_fcgi_read, &rq, sk_fcgi_write,
                     &rq);
        FCGX_Finish_r(&rq);
        sk_pool_reset(pool);
        /* PDEATHSIG covers a dying master; this covers a master that died
         * before the worker had set it up. */
        if (master > 0 && getppid() != master) {
            break;
        }
    }
    FCGX_Finish_r(&rq);
    sk_pool_destroy(pool);
}

int
sk_worker_run(sk_config_t *cfg, int listen_fd, pid_t master)
{
    sk_runtime_t  rt;
    char          err[1024];

    if (master > 0) {
        (void) prctl(PR_SET_PDEATHSIG, SIGTERM);
        if (getppid() != master) {
            return SK_EXIT_OK;
        }
    }
    if (FCGX_Init() != 0) {
        sk_log_msg(SOUK_LOG_ERROR, "worker: libfcgi failed to initialise");
        return SK_EXIT_SOFTWARE;
    }
    sk_worker_listen_fd = listen_fd;
    sk_worker_dead_fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (sk_worker_dead_fd < 0) {
        sk_log_msg(SOUK_LOG_ERROR, "worker: socket: %s", strerror(errno));
        return SK_EXIT_SOFTWARE;
    }
    sk_child_signals(sk_worker_on_signal, SA_RESTART);

    if (sk_runtime_load(&rt, cfg, err, sizeof(err)) != SOUK_OK) {
        sk_log_msg(SOUK_LOG_ERROR, "worker: %s", err);
        sk_runtime_unload(&rt);
        return SK_EXIT_CONFIG;
    }
    sk_log_msg(SOUK_LOG_INFO, "worker started (%zu plugins, %zu sites)",
               rt.nplugins, sk_sites_count(rt.sites));

    sk_worker_loop(&rt, listen_fd, master);

    sk_log_msg(SOUK_LOG_INFO, "worker exits");
    sk_runtime_unload(&rt);
    return SK_EXIT_OK;
}

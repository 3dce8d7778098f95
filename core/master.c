/* The master process: owns the listen socket, forks and watches the workers. */
#define _GNU_SOURCE             /* pipe2 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/wait.h>

#include "sk_process.h"

/*
 * The master never loads a plugin: a plugin that crashes or leaks can only
 * take a worker down. Plugins are checked in a short-lived child (at start
 * and on SIGHUP) that reports over a pipe. Signal handlers only set a flag
 * and write a byte to a self-pipe; the poll loop does the work.
 */

#define SK_KIDS_MAX        1024
#define SK_WORKERS_MAX     256
#define SK_QUICK_DEATH_MS  1000     /* a worker dying sooner is "broken" */
#define SK_BACKOFF_MIN_MS  250
#define SK_BACKOFF_MAX_MS  5000
#define SK_CHECK_TIMEOUT_MS 30000

typedef struct {
    pid_t      pid;          /* 0: free slot */
    unsigned   gen;          /* the config generation it was forked for */
    long long  started_ms;
} sk_kid_t;

/*
 * A helper process beside the workers: the outbox's delivery process
 * (core/deliver.c) when [mail] has a transport, the jobs process
 * (core/jobs_run.c) when [server] jobs = yes. One of each; the one of an
 * older generation runs on until it has exited.
 */
typedef struct sk_master_s  sk_master_t;

typedef struct {
    const char   *what;                         /* for the log */
    int         (*wanted)(const sk_master_t *m);
    int         (*run)(sk_config_t *cfg, pid_t master);
    sk_kid_t      kid;
    pid_t         old;
    long long     at;          /* backoff: no fork before */
    int           fails;
} sk_aux_t;

#define SK_AUX_N  2

struct sk_master_s {
    const sk_master_opts_t  *opts;
    sk_config_t             *cfg;
    char                    *listen;        /* the address bound */
    char                    *pid_file;      /* as written at start */
    int                      listen_fd;
    int                      nworkers;
    unsigned                 gen;
    sk_kid_t                 kids[SK_KIDS_MAX];
    int                      fails;         /* quick deaths in a row */
    long long                last_fail_ms;
    long long                restart_at_ms; /* backoff: no fork before */
    int                      stopping;
    long long                deadline_ms;   /* drain end when stopping */
    pid_t                    pid;
    sk_aux_t                 aux[SK_AUX_N];
    /* jobs the plugins of this generation register (the plugin check
     * counts them): none, and no jobs process is started */
    unsigned long            njobs;
};

/* What sk_master_fork hands the helper process it starts. */
typedef struct {
    sk_master_t  *m;
    sk_aux_t     *a;
} sk_aux_arg_t;

static int                    sk_master_pipe[2] = { -1, -1 };
static volatile sig_atomic_t  sk_got_chld, sk_got_hup, sk_got_term,
                              sk_got_usr1;

static long long
sk_now_ms(void)
{
    struct timespec  ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long) ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void
sk_master_on_signal(int signo)
{
    int            saved = errno;
    unsigned char  b = (unsigned char) signo;

    switch (signo) {
    case SIGCHLD:
        sk_got_chld = 1;
        break;
    case SIGHUP:
        sk_got_hup = 1;
        break;
    case SIGUSR1:
        sk_got_usr1 = 1;
        break;
    default:
        sk_got_term = 1;
        break;
    }
    /* Non-blocking: a full pipe already holds a wake-up. */
    (void) !write(sk_master_pipe[1], &b, 1);
    errno = saved;
}

static const int  sk_master_sigs[] = { SIGCHLD, SIGHUP, SIGUSR1, SIGTERM,
                                       SIGINT };

static int
sk_master_signals(void)
{
    struct sigaction  sa;
    size_t            i;

    if (pipe2(sk_master_pipe, O_NONBLOCK | O_CLOEXEC) != 0) {
        return -1;
    }
    memset(&sa, 0, sizeof(sa));
    sigemptyset(&sa.sa_mask);
    sa.sa_flags = SA_RESTART | SA_NOCLDSTOP;
    sa.sa_handler = sk_master_on_signal;
    for (i = 0; i < sizeof(sk_master_sigs) / sizeof(sk_master_sigs[0]); i++) {
        sigaction(sk_master_sigs[i], &sa, NULL);
    }
    sa.sa_flags = 0;
    sa.sa_handler = SIG_IGN;
    sigaction(SIGPIPE, &sa, NULL);
    return 0;
}

/*
 * Forks with every signal blocked, so the child cannot run the master's
 * handlers before it has put back the defaults (the worker installs its
 * own and unblocks). Returns the pid in the parent; the child runs fn.
 */
static pid_t
sk_master_fork(int (*fn)(void *arg), void *arg)
{
    sigset_t          all, old;
    struct sigaction  sa;
    pid_t             pid;
    size_t            i;

    sigfillset(&all);
    sigprocmask(SIG_BLOCK, &all, &old);
    pid = fork();
    if (pid == 0) {
        memset(&sa, 0, sizeof(sa));
        sa.sa_handler = SIG_DFL;
        for (i = 0; i < sizeof(sk_master_sigs) / sizeof(sk_master_sigs[0]);
             i++)
        {
            sigaction(sk_master_sigs[i], &sa, NULL);
        }
        close(sk_master_pipe[0]);
        close(sk_master_pipe[1]);
        _exit(fn(arg));
    }
    sigprocmask(SIG_SETMASK, &old, NULL);
    return pid;
}

static int
sk_master_worker_main(void *arg)
{
    sk_master_t  *m = arg;

    return sk_worker_run(m->cfg, m->listen_fd, m->pid);
}

/* ---------- the plugin check (start-up and reload) ---------- */

typedef struct {
    sk_config_t  *cfg;
    int           fd;
} sk_check_t;

static int
sk_master_checker_main(void *arg)
{
    sk_check_t    *c = arg;
    sk_runtime_t   rt;
    char           line[1024];
    sigset_t       none;
    size_t         n;

    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, NULL);
    if (sk_runtime_load(&rt, c->cfg, line, sizeof(line) - 1) == SOUK_OK) {
        /* The master loads no plugin: the job count tells it whether a
         * jobs process has anything to do. */
        snprintf(line, sizeof(line), "ok %zu %zu %zu", rt.nplugins,
                 sk_sites_count(rt.sites), sk_jobs_count(&rt));
    }
    n = strlen(line);
    line[n++] = '\n';
    (void) !write(c->fd, line, n);
    sk_runtime_unload(&rt);
    sk_config_free(c->cfg);
    return 0;
}

/* Reads the checker's one line, giving up after SK_CHECK_TIMEOUT_MS. */
static size_t
sk_master_read_line(int fd, char *line, size_t len)
{
    struct pollfd  pfd = { .fd = fd, .events = POLLIN };
    long long      end = sk_now_ms() + SK_CHECK_TIMEOUT_MS;
    long long      left;
    size_t         got = 0;
    ssize_t        n;
    int            rc;

    while (got < len - 1) {
        left = end - sk_now_ms();
        if (left <= 0) {
            break;
        }
        rc = poll(&pfd, 1, (int) left);
        if (rc < 0 && errno == EINTR) {
            continue;
        }
        if (rc <= 0) {
            break;
        }
        n = read(fd, line + got, len - 1 - got);
        if (n < 0 && errno == EINTR) {
            continue;
        }
        if (n <= 0) {
            break;
        }
        got += (size_t) n;
        line[got] = '\0';
        if (strchr(line, '\n') != NULL) {
            break;
        }
    }
    line[got] = '\0';
    line[strcspn(line, "\n")] = '\0';
    return got;
}

int
sk_plugins_check(sk_config_t *cfg, char *line, size_t len)
{
    sk_check_t  c;
    int         p[2], st = 0;
    size_t      got;
    pid_t       pid;

    if (pipe2(p, O_CLOEXEC) != 0) {
        snprintf(line, len, "pipe: %s", strerror(errno));
        return -1;
    }
    c.cfg = cfg;
    c.fd = p[1];
    pid = sk_master_fork(sk_master_checker_main, &c);
    close(p[1]);
    if (pid < 0) {
        snprintf(line, len, "fork: %s", strerror(errno));
        close(p[0]);
        return -1;
    }
    got = sk_master_read_line(p[0], line, len);
    close(p[0]);
    (void) kill(pid, SIGKILL);      /* a no-op unless it hangs */
    while (waitpid(pid, &st, 0) < 0 && errno == EINTR) {
        /* retry */
    }
    if (WIFSIGNALED(st) && WTERMSIG(st) != SIGKILL) {
        snprintf(line, len, "a plugin crashed while loading (signal %d)",
                 WTERMSIG(st));
    } else if (got == 0 && WIFEXITED(st)) {
        snprintf(line, len, "a plugin ended the process while loading "
                 "(exit status %d)", WEXITSTATUS(st));
    } else if (got == 0) {
        snprintf(line, len, "the plugin check gave no answer within %d s",
                 SK_CHECK_TIMEOUT_MS / 1000);
    }
    return strncmp(line, "ok ", 3) == 0 ? 0 : -1;
}

/* ---------- workers ---------- */

static sk_kid_t *
sk_master_kid(sk_master_t *m, pid_t pid)
{
    size_t  i;

    for (i = 0; i < SK_KIDS_MAX; i++) {
        if (m->kids[i].pid == pid) {
            return &m->kids[i];
        }
    }
    return NULL;
}

static int
sk_master_count(const sk_master_t *m, int current_only)
{
    size_t  i;
    int     n = 0;

    for (i = 0; i < SK_KIDS_MAX; i++) {
        if (m->kids[i].pid > 0 && (!current_only || m->kids[i].gen == m->gen))
        {
            n++;
        }
    }
    return n;
}

static void
sk_master_spawn_missing(sk_master_t *m)
{
    sk_kid_t  *k;
    pid_t      pid;

    while (sk_master_count(m, 1) < m->nworkers) {
        k = sk_master_kid(m, 0);
        if (k == NULL) {
            sk_log_msg(SOUK_LOG_ERROR, "too many worker processes");
            return;
        }
        pid = sk_master_fork(sk_master_worker_main, m);
        if (pid < 0) {
            sk_log_msg(SOUK_LOG_ERROR, "fork: %s", strerror(errno));
            m->restart_at_ms = sk_now_ms() + SK_BACKOFF_MAX_MS;
            return;
        }
        k->pid = pid;
        k->gen = m->gen;
        k->started_ms = sk_now_ms();
    }
}

/* ---------- helper processes: delivery, jobs ---------- */

static int
sk_master_want_deliver(const sk_master_t *m)
{
    return sk_deliver_wanted(m->cfg);
}

static int
sk_master_want_jobs(const sk_master_t *m)
{
    return sk_jobs_wanted(m->cfg) && m->njobs > 0;
}

/* The job count from the plugin check's "ok NPLUGINS NSITES NJOBS". */
static unsigned long
sk_master_njobs(const char *line)
{
    unsigned long  np, ns, nj = 0;

    return sscanf(line, "ok %lu %lu %lu", &np, &ns, &nj) == 3 ? nj : 0;
}

static int
sk_master_aux_main(void *arg)
{
    sk_aux_arg_t  *x = arg;

    return x->a->run(x->m->cfg, x->m->pid);
}

static void
sk_master_aux_spawn(sk_master_t *m, sk_aux_t *a)
{
    sk_aux_arg_t  x = { m, a };
    pid_t         pid;

    if (m->stopping || a->kid.pid > 0 || !a->wanted(m)
        || sk_now_ms() < a->at)
    {
        return;
    }
    pid = sk_master_fork(sk_master_aux_main, &x);
    if (pid < 0) {
        sk_log_msg(SOUK_LOG_ERROR, "fork: %s", strerror(errno));
        a->at = sk_now_ms() + SK_BACKOFF_MAX_MS;
        return;
    }
    a->kid.pid = pid;
    a->kid.gen = m->gen;
    a->kid.started_ms = sk_now_ms();
}

static void
sk_master_aux_spawn_all(sk_master_t *m)
{
    size_t  i;

    for (i = 0; i < SK_AUX_N; i++) {
        sk_master_aux_spawn(m, &m->aux[i]);
    }
}

/* Non-zero when pid was a helper process of a (then it is forgotten). */
static int
sk_master_aux_reaped(sk_master_t *m, sk_aux_t *a, pid_t pid, int st)
{
    long long  now = sk_now_ms(), delay = 0;

    if (pid == a->old) {
        a->old = 0;
        return 1;
    }
    if (pid != a->kid.pid) {
        return 0;
    }
    a->kid.pid = 0;
    if (m->stopping) {
        return 1;
    }
    /* Like a worker: restart at once, backing off when it keeps dying
     * right after it starts (a database that refuses it). */
    if (now - a->kid.started_ms < SK_QUICK_DEATH_MS) {
        a->fails++;
        delay = SK_BACKOFF_MIN_MS << (a->fails < 6 ? a->fails - 1 : 5);
        delay = delay > SK_BACKOFF_MAX_MS ? SK_BACKOFF_MAX_MS : delay;
    } else {
        a->fails = 0;
    }
    sk_log_msg(SOUK_LOG_ERROR, "%s process %ld exited with %s %d, "
               "restarting in %lld ms", a->what, (long) pid,
               WIFSIGNALED(st) ? "signal" : "status",
               WIFSIGNALED(st) ? WTERMSIG(st) : WEXITSTATUS(st), delay);
    a->at = now + delay;
    return 1;
}

/* A reload: the old process finishes what it is doing and exits; a new
 * one starts with the new config (claims and leases keep the two apart
 * meanwhile). */
static void
sk_master_aux_reload(sk_master_t *m)
{
    sk_aux_t  *a;
    size_t     i;

    for (i = 0; i < SK_AUX_N; i++) {
        a = &m->aux[i];
        if (a->kid.pid > 0) {
            if (a->old > 0) {
                (void) kill(a->old, SIGKILL);
            }
            a->old = a->kid.pid;
            (void) kill(a->old, SIGTERM);
            a->kid.pid = 0;
        }
        a->at = 0;
        a->fails = 0;
        sk_master_aux_spawn(m, a);
    }
}

/* Helper processes still running (current and old). */
static int
sk_master_aux_count(const sk_master_t *m)
{
    size_t  i;
    int     n = 0;

    for (i = 0; i < SK_AUX_N; i++) {
        n += (m->aux[i].kid.pid > 0) + (m->aux[i].old > 0);
    }
    return n;
}

/* The nearest time a missing helper process may be started, or -1. */
static long long
sk_master_aux_due(const sk_master_t *m)
{
    long long  t = -1;
    size_t     i;

    for (i = 0; i < SK_AUX_N; i++) {
        if (m->aux[i].kid.pid == 0 && m->aux[i].wanted(m)
            && (t < 0 || m->aux[i].at < t))
        {
            t = m->aux[i].at;
        }
    }
    return t;
}

static void
sk_master_signal_all(sk_master_t *m, int signo, int old_only)
{
    size_t  i;

    for (i = 0; !old_only && i < SK_AUX_N; i++) {
        if (m->aux[i].kid.pid > 0) {
            (void) kill(m->aux[i].kid.pid, signo);
        }
        if (m->aux[i].old > 0) {
            (void) kill(m->aux[i].old, signo);
        }
    }

    for (i = 0; i < SK_KIDS_MAX; i++) {
        if (m->kids[i].pid > 0 && (!old_only || m->kids[i].gen != m->gen)) {
            (void) kill(m->kids[i].pid, signo);
        }
    }
}

/* A worker of the current generation died: restart it, backing off when
 * workers keep dying right after they start (a broken plugin). */
static void
sk_master_died(sk_master_t *m, const sk_kid_t *k, int st)
{
    long long  now = sk_now_ms(), delay = 0;
    char       how[64];

    if (WIFSIGNALED(st)) {
        snprintf(how, sizeof(how), "signal %d", WTERMSIG(st));
    } else {
        snprintf(how, sizeof(how), "status %d", WEXITSTATUS(st));
    }
    if (now - k->started_ms < SK_QUICK_DEATH_MS) {
        /* Deaths far apart are not a storm: start the backoff afresh. */
        if (now - m->last_fail_ms > 2 * SK_BACKOFF_MAX_MS) {
            m->fails = 0;
        }
        m->last_fail_ms = now;
        m->fails++;
        delay = SK_BACKOFF_MIN_MS << (m->fails < 6 ? m->fails - 1 : 5);
        if (delay > SK_BACKOFF_MAX_MS) {
            delay = SK_BACKOFF_MAX_MS;
        }
    } else {
        m->fails = 0;
    }
    if (delay > 0) {
        sk_log_msg(SOUK_LOG_ERROR, "worker %ld exited with %s, restarting "
                   "in %lld ms", (long) k->pid, how, delay);
    } else {
        sk_log_msg(SOUK_LOG_ERROR, "worker %ld exited with %s, restarting",
                   (long) k->pid, how);
    }
    if (now + delay > m->restart_at_ms) {
        m->restart_at_ms = now + delay;
    }
}

static void
sk_master_reap(sk_master_t *m)
{
    sk_kid_t  *k;
    pid_t      pid;
    size_t     i;
    int        st, aux;

    while ((pid = waitpid(-1, &st, WNOHANG)) > 0) {
        for (i = 0, aux = 0; i < SK_AUX_N && !aux; i++) {
            aux = sk_master_aux_reaped(m, &m->aux[i], pid, st);
        }
        if (aux) {
            continue;
        }
        k = sk_master_kid(m, pid);
        if (k == NULL) {
            continue;
        }
        if (k->gen == m->gen && !m->stopping) {
            sk_master_died(m, k, st);
        } else if (WIFSIGNALED(st)) {
            sk_log_msg(SOUK_LOG_INFO, "worker %ld stopped by signal %d",
                       (long) pid, WTERMSIG(st));
        } else {
            sk_log_msg(SOUK_LOG_INFO, "worker %ld stopped", (long) pid);
        }
        k->pid = 0;
    }
}

/* ---------- reload and stop ---------- */

static int
sk_master_nworkers(const sk_master_t *m, const sk_config_t *cfg)
{
    int  n = m->opts->workers > 0 ? m->opts->workers : cfg->workers;

    if (n < 1) {
        n = 1;
    }
    if (n > SK_WORKERS_MAX) {
        sk_log_msg(SOUK_LOG_WARN, "workers = %d; using %d", n,
                   SK_WORKERS_MAX);
        n = SK_WORKERS_MAX;
    }
    return n;
}

static void
sk_master_reload(sk_master_t *m)
{
    sk_config_t  *cfg;
    char          err[1024];

    sk_log_msg(SOUK_LOG_INFO, "reloading %s", m->opts->conf_path);
    cfg = sk_config_load(m->opts->conf_path, err, sizeof(err));
    if (cfg == NULL || sk_plugins_check(cfg, err, sizeof(err)) != 0) {
        sk_log_msg(SOUK_LOG_ERROR, "reload failed: %s; keeping the running "
                   "workers", err);
        if (cfg != NULL) {
            sk_config_free(cfg);
        }
        return;
    }
    if (m->opts->listen == NULL && cfg->listen != NULL
        && strcmp(cfg->listen, m->listen) != 0)
    {
        sk_log_msg(SOUK_LOG_WARN, "listen changed to %s: that takes a "
                   "restart; still listening on %s", cfg->listen, m->listen);
    }
    sk_config_free(m->cfg);
    m->cfg = cfg;
    m->njobs = sk_master_njobs(err);
    (void) sk_log_open(cfg->error_log, cfg->access_log);
    m->nworkers = sk_master_nworkers(m, cfg);
    m->gen++;
    m->fails = 0;
    m->restart_at_ms = 0;
    sk_master_spawn_missing(m);
    sk_master_aux_reload(m);
    /* The old generation finishes what it is doing and exits. */
    sk_master_signal_all(m, SIGTERM, 1);
    sk_log_msg(SOUK_LOG_INFO, "reloaded: %d workers of generation %u",
               m->nworkers, m->gen);
}

static void
sk_master_begin_stop(sk_master_t *m)
{
    m->stopping = 1;
    m->deadline_ms = sk_now_ms() + (long long) m->cfg->drain_timeout * 1000;
    sk_log_msg(SOUK_LOG_INFO, "stopping: %d workers, waiting up to %d s",
               sk_master_count(m, 0), m->cfg->drain_timeout);
    sk_master_signal_all(m, SIGTERM, 0);
}

static int
sk_master_timeout(const sk_master_t *m)
{
    long long  now = sk_now_ms(), t, aux = sk_master_aux_due(m);

    if (m->stopping) {
        t = m->deadline_ms - now;
    } else if (sk_master_count(m, 1) < m->nworkers) {
        t = m->restart_at_ms - now;
        if (aux >= 0 && aux - now < t) {
            t = aux - now;
        }
    } else if (aux >= 0) {
        t = aux - now;
    } else {
        return -1;
    }
    if (t < 0) {
        return 0;
    }
    return t > 60000 ? 60000 : (int) t;
}

/* One pass of the loop: wait for a signal or a timer, then act on it. */
static void
sk_master_step(sk_master_t *m)
{
    struct pollfd  pfd = { .fd = sk_master_pipe[0], .events = POLLIN };
    unsigned char  buf[64];

    if (poll(&pfd, 1, sk_master_timeout(m)) > 0) {
        while (read(sk_master_pipe[0], buf, sizeof(buf)) > 0) {
            /* drain */
        }
    }
    if (sk_got_chld) {
        sk_got_chld = 0;
        sk_master_reap(m);
    }
    if (sk_got_term && !m->stopping) {
        sk_master_begin_stop(m);
    }
    if (sk_got_hup) {
        sk_got_hup = 0;
        if (!m->stopping) {
            sk_master_reload(m);
        }
    }
    if (sk_got_usr1) {
        sk_got_usr1 = 0;
        (void) sk_log_reopen();
        sk_master_signal_all(m, SIGUSR1, 0);
    }
    if (m->stopping) {
        if ((sk_master_count(m, 0) > 0 || sk_master_aux_count(m) > 0)
            && sk_now_ms() >= m->deadline_ms)
        {
            sk_log_msg(SOUK_LOG_WARN, "drain timeout: killing %d workers",
                       sk_master_count(m, 0));
            sk_master_signal_all(m, SIGKILL, 0);
            m->deadline_ms = sk_now_ms() + 60000;
        }
    } else {
        if (sk_now_ms() >= m->restart_at_ms) {
            sk_master_spawn_missing(m);
        }
        sk_master_aux_spawn_all(m);
    }
}

/* ---------- start-up ---------- */

static int
sk_master_pid_file(const char *path)
{
    FILE  *fp;

    if (path == NULL) {
        return 0;
    }
    fp = fopen(path, "we");
    if (fp == NULL) {
        fprintf(stderr, "soukd: pid_file %s: %s\n", path, strerror(errno));
        return -1;
    }
    fprintf(fp, "%ld\n", (long) getpid());
    if (fclose(fp) != 0) {
        fprintf(stderr, "soukd: pid_file %s: %s\n", path, strerror(errno));
        return -1;
    }
    return 0;
}

static int
sk_master_start(sk_master_t *m)
{
    const char  *addr = m->opts->listen ? m->opts->listen : m->cfg->listen;
    char         err[1024];

    /* Refuse a broken plugin set before binding, as `soukd -t` would. */
    if (sk_plugins_check(m->cfg, err, sizeof(err)) != 0) {
        fprintf(stderr, "soukd: %s\n", err);
        return -1;
    }
    m->njobs = sk_master_njobs(err);
    m->listen_fd = sk_listen_open(addr, m->cfg->socket_mode,
                                  m->cfg->socket_group, m->cfg->backlog,
                                  err, sizeof(err));
    if (m->listen_fd < 0) {
        fprintf(stderr, "soukd: %s\n", err);
        return -1;
    }
    m->listen = strdup(addr);
    if (m->cfg->pid_file != NULL) {
        m->pid_file = strdup(m->cfg->pid_file);
    }
    if (m->listen == NULL
        || sk_master_pid_file(m->pid_file) != 0
        || sk_log_open(m->cfg->error_log, m->cfg->access_log) != SOUK_OK)
    {
        close(m->listen_fd);
        sk_listen_unlink(addr);
        return -1;
    }
    return 0;
}

int
sk_master_run(const sk_master_opts_t *o, sk_config_t *cfg)
{
    static sk_master_t  master;
    sk_master_t        *m = &master;

    m->opts = o;
    m->cfg = cfg;
    m->pid = getpid();
    m->listen_fd = -1;
    m->aux[0].what = "delivery";
    m->aux[0].wanted = sk_master_want_deliver;
    m->aux[0].run = sk_deliver_run;
    m->aux[1].what = "jobs";
    m->aux[1].wanted = sk_master_want_jobs;
    m->aux[1].run = sk_jobs_run;
    if (sk_master_signals() != 0) {
        fprintf(stderr, "soukd: pipe: %s\n", strerror(errno));
        return 1;
    }
    if (sk_master_start(m) != 0) {
        return 1;
    }
    m->nworkers = sk_master_nworkers(m, cfg);
    sk_log_msg(SOUK_LOG_INFO, "soukd %s started: listening on %s, %d "
               "workers", SOUK_VERSION, m->listen, m->nworkers);
    sk_master_spawn_missing(m);
    sk_master_aux_spawn_all(m);

    while (!m->stopping || sk_master_count(m, 0) > 0
           || sk_master_aux_count(m) > 0)
    {
        sk_master_step(m);
    }

    close(m->listen_fd);
    sk_listen_unlink(m->listen);
    if (m->pid_file != NULL) {
        (void) unlink(m->pid_file);
    }
    sk_log_msg(SOUK_LOG_INFO, "soukd stopped");
    free(m->pid_file);
    free(m->listen);
    sk_config_free(m->cfg);
    return 0;
}

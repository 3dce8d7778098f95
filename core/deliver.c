/* The delivery process: claims due outbox rows, sends them, records it. */
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/prctl.h>

#include <sodium.h>

#include "outbox_int.h"
#include "db_int.h"
#include "sk_process.h"

/*
 * The protocol, safe with several soukd hosts on one database:
 *
 * 1. claim: a conditional UPDATE moves a due row's next_at past the claim
 *    timeout, names us in claimed_by and counts the attempt. Only one
 *    process's UPDATE changes the row; the others see 0 changes and skip.
 * 2. send, outside any transaction (it may take the SMTP timeout).
 * 3. record: sent, failed, or due again after the back-off, but only while
 *    the claim is still ours.
 *
 * A process killed between 1 and 3 leaves the row claimed; it is due again
 * when the claim times out, and is sent again with the same Message-ID.
 * Nothing is lost; at worst a message arrives twice and the receiver can
 * tell. Counting the attempt at claim time means a message that crashes the
 * process every time still reaches max_attempts.
 */

#define SK_DELIVER_POOL        65536
#define SK_DELIVER_PRUNE_MS    3600000   /* prune sent rows hourly */
#define SK_DELIVER_ERR_MAX_MS  30000     /* longest pause after errors */

static volatile sig_atomic_t  sk_deliver_stop;
static volatile sig_atomic_t  sk_deliver_reopen;

int
sk_deliver_wanted(const sk_config_t *cfg)
{
    return cfg->mail != NULL && cfg->mail->transport != SK_MAIL_NONE;
}

int64_t
sk_deliver_backoff(const sk_mail_conf_t *mc, int attempts)
{
    int64_t  ms = (int64_t) mc->retry_base * 1000;
    int64_t  max = (int64_t) mc->retry_max * 1000;

    while (--attempts > 0 && ms < max) {
        ms *= 2;
    }
    return ms < max ? ms : max;
}

static int64_t
sk_deliver_mono_ms(void)
{
    struct timespec  ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t) ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Reads the claimed row into pool memory (statements are reused). */
static int
sk_deliver_load(souk_db_t *db, souk_pool_t *pool, int64_t id,
    sk_mail_msg_t *m)
{
    souk_stmt_t  *st;

    st = souk_db_row(db, "SELECT site, msg_key, recipient, subject, "
                     "body_text, body_html, created_at, attempts FROM "
                     "souk_outbox WHERE id = ?", "i", id);
    if (st == NULL) {
        return SOUK_ERROR;
    }
    memset(m, 0, sizeof(*m));
    m->id = id;
    m->site = souk_pstrdup(pool, souk_stmt_text(st, 0));
    m->key = souk_pstrdup(pool, souk_stmt_text(st, 1));
    m->to = souk_pstrdup(pool, souk_stmt_text(st, 2));
    m->subject = souk_pstrdup(pool, souk_stmt_text(st, 3));
    m->text = souk_pstrdup(pool, souk_stmt_text(st, 4));
    m->html = souk_stmt_is_null(st, 5) ? NULL
              : souk_pstrdup(pool, souk_stmt_text(st, 5));
    m->created_ms = souk_stmt_int(st, 6);
    m->attempts = (int) souk_stmt_int(st, 7);
    souk_stmt_reset(st);
    if (m->key == NULL || m->to == NULL || m->subject == NULL
        || m->text == NULL)
    {
        return SOUK_ERROR;
    }
    return SOUK_OK;
}

/* Writes the outcome of one attempt, if the claim is still ours. */
static int
sk_deliver_record(souk_db_t *db, const sk_mail_conf_t *mc,
    const sk_mail_msg_t *m, const char *who, int64_t now, int rc,
    const char *err, sk_deliver_stats_t *stats)
{
    if (rc == SK_SEND_OK) {
        stats->sent++;
        return souk_db_exec(db, "UPDATE souk_outbox SET state = 'sent', "
                            "sent_at = ?, last_error = NULL, claimed_by = "
                            "NULL WHERE id = ? AND claimed_by = ?", "iit",
                            now, m->id, who);
    }
    if (rc == SK_SEND_RETRY && m->attempts < mc->max_attempts) {
        int64_t  wait = sk_deliver_backoff(mc, m->attempts);

        stats->retried++;
        sk_log_msg(SOUK_LOG_WARN, "outbox: mail %lld, attempt %d of %d: %s; "
                   "next try in %lld s", (long long) m->id, m->attempts,
                   mc->max_attempts, err, (long long) (wait / 1000));
        return souk_db_exec(db, "UPDATE souk_outbox SET next_at = ?, "
                            "last_error = ?, claimed_by = NULL WHERE id = ? "
                            "AND claimed_by = ?", "itit", now + wait, err,
                            m->id, who);
    }
    stats->failed++;
    sk_log_msg(SOUK_LOG_ERROR, "outbox: mail %lld given up after %d "
               "attempts: %s", (long long) m->id, m->attempts, err);
    return souk_db_exec(db, "UPDATE souk_outbox SET state = 'failed', "
                        "last_error = ?, claimed_by = NULL WHERE id = ? AND "
                        "claimed_by = ?", "tit", err, m->id, who);
}

/* Claims, sends and records one row. SOUK_DECLINED: someone else has it. */
static int
sk_deliver_one(souk_db_t *db, const sk_mail_conf_t *mc, souk_pool_t *pool,
    const char *who, int64_t id, int64_t now, sk_deliver_stats_t *stats)
{
    sk_mail_msg_t  m;
    souk_buf_t     msg;
    char           err[512];
    int            rc;

    if (souk_db_exec(db, "UPDATE souk_outbox SET next_at = ?, claimed_by = "
                     "?, attempts = attempts + 1 WHERE id = ? AND state = "
                     "'pending' AND next_at <= ?", "itii",
                     now + (int64_t) mc->claim_timeout * 1000, who, id, now)
        != SOUK_OK)
    {
        return SOUK_ERROR;
    }
    if (souk_db_changes(db) != 1) {
        return SOUK_DECLINED;
    }
    stats->claimed++;
    if (sk_deliver_load(db, pool, id, &m) != SOUK_OK) {
        return SOUK_ERROR;
    }
    souk_buf_init(&msg, pool, strlen(m.text) + 1024);
    if (sk_mail_build(mc, &m, &msg) != SOUK_OK) {
        snprintf(err, sizeof(err), "invalid sender or recipient address");
        rc = SK_SEND_FAIL;
    } else {
        rc = sk_mail_send(mc, &m, msg.data, msg.len, err, sizeof(err));
    }
    /* A crash here resends the message with the same Message-ID. */
    return sk_deliver_record(db, mc, &m, who, now, rc, err, stats);
}

int
sk_deliver_pass(souk_db_t *db, const sk_mail_conf_t *mc, const char *who,
    int64_t now_ms, sk_deliver_stats_t *stats)
{
    souk_stmt_t  *st;
    souk_pool_t  *pool;
    int64_t       ids[1000], t0;
    int           n = 0, i, rc = SOUK_OK;

    memset(stats, 0, sizeof(*stats));
    st = souk_db_prepare(db, "SELECT id FROM souk_outbox WHERE state = "
                         "'pending' AND next_at <= ? ORDER BY next_at, id "
                         "LIMIT ?");
    if (st == NULL) {
        return SOUK_ERROR;
    }
    souk_stmt_bind_int(st, 1, now_ms);
    souk_stmt_bind_int(st, 2, mc->batch);
    while (n < mc->batch && n < 1000 && (rc = souk_stmt_step(st)) == SOUK_ROW)
    {
        ids[n++] = souk_stmt_int(st, 0);
    }
    souk_stmt_reset(st);
    if (rc == SOUK_ERROR) {
        sk_log_msg(SOUK_LOG_ERROR, "outbox: %s", souk_db_error(db));
        return SOUK_ERROR;
    }
    pool = sk_pool_create(SK_DELIVER_POOL);
    t0 = sk_deliver_mono_ms();
    for (i = 0; i < n && !sk_deliver_stop; i++) {
        /* Each claim starts its own timeout: sending the ones before may
         * have taken a while. */
        rc = sk_deliver_one(db, mc, pool, who, ids[i],
                            now_ms + (sk_deliver_mono_ms() - t0), stats);
        sk_pool_reset(pool);
        if (rc == SOUK_ERROR) {
            sk_log_msg(SOUK_LOG_ERROR, "outbox: %s", souk_db_error(db));
            break;
        }
        rc = SOUK_OK;
    }
    sk_pool_destroy(pool);
    return rc == SOUK_ERROR ? SOUK_ERROR : SOUK_OK;
}

/* ---------- the process ---------- */

static void
sk_deliver_on_signal(int signo)
{
    if (signo == SIGUSR1) {
        sk_deliver_reopen = 1;
    } else {
        sk_deliver_stop = 1;
    }
}

static int64_t
sk_deliver_wall_ms(void)
{
    struct timespec  ts;

    clock_gettime(CLOCK_REALTIME, &ts);
    return (int64_t) ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void
sk_deliver_loop(souk_db_t *db, const sk_mail_conf_t *mc, const char *who,
    pid_t master)
{
    sk_deliver_stats_t  stats;
    int64_t             prune_at = 0;
    int                 rc, pause, errors = 0, i;

    while (!sk_deliver_stop) {
        if (sk_deliver_reopen) {
            sk_deliver_reopen = 0;
            (void) sk_log_reopen();
        }
        if (sk_deliver_mono_ms() >= prune_at) {
            prune_at = sk_deliver_mono_ms() + SK_DELIVER_PRUNE_MS;
            (void) sk_outbox_prune(db, mc->keep_sent, sk_deliver_wall_ms());
        }
        rc = sk_deliver_pass(db, mc, who, sk_deliver_wall_ms(), &stats);
        if (master > 0 && getppid() != master) {
            break;
        }
        /* A full batch means more may be due: go again at once. */
        if (rc == SOUK_OK && stats.claimed >= mc->batch) {
            errors = 0;
            continue;
        }
        /* A database that keeps failing (down, or the table missing) is
         * logged at a slowing pace, not every poll_interval. */
        errors = rc == SOUK_OK ? 0 : errors + 1;
        pause = mc->poll_ms;
        for (i = 0; i < errors && pause < SK_DELIVER_ERR_MAX_MS; i++) {
            pause *= 2;
        }
        if (i > 0 && pause > SK_DELIVER_ERR_MAX_MS) {
            pause = SK_DELIVER_ERR_MAX_MS > mc->poll_ms
                    ? SK_DELIVER_ERR_MAX_MS : mc->poll_ms;
        }
        if (!sk_deliver_stop) {
            (void) poll(NULL, 0, pause);
        }
    }
}

int
sk_deliver_run(sk_config_t *cfg, pid_t master)
{
    const sk_mail_conf_t  *mc = cfg->mail;
    souk_db_t             *db;
    char                   err[1024], host[256], who[300];

    if (master > 0) {
        (void) prctl(PR_SET_PDEATHSIG, SIGTERM);
        if (getppid() != master) {
            return SK_EXIT_OK;
        }
    }
    (void) prctl(PR_SET_NAME, "soukd-deliver");
    /* No SA_RESTART: a signal cuts the pause between passes short. */
    sk_child_signals(sk_deliver_on_signal, 0);
    if (sodium_init() < 0 || mc == NULL) {
        sk_log_msg(SOUK_LOG_ERROR, "delivery: cannot start");
        return SK_EXIT_SOFTWARE;
    }
    db = sk_db_open(&cfg->db, err, sizeof(err));
    if (db == NULL) {
        sk_log_msg(SOUK_LOG_ERROR, "delivery: %s", err);
        return SK_EXIT_CONFIG;
    }
    if (gethostname(host, sizeof(host)) != 0) {
        snprintf(host, sizeof(host), "localhost");
    }
    host[sizeof(host) - 1] = '\0';
    snprintf(who, sizeof(who), "%.200s:%ld", host, (long) getpid());
    sk_log_msg(SOUK_LOG_INFO, "delivery process %ld started (%s to %s)",
               (long) getpid(),
               mc->transport == SK_MAIL_SMTP ? "smtp" : "spool",
               mc->transport == SK_MAIL_SMTP ? mc->smtp_url : mc->spool_dir);
    sk_deliver_loop(db, mc, who, master);
    sk_db_close(db);
    sk_log_msg(SOUK_LOG_INFO, "delivery process exits");
    return SK_EXIT_OK;
}

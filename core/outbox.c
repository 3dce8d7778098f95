/* The outbox: mail queued in the caller's transaction (souk_outbox_mail). */
#include <string.h>
#include <time.h>

#include <sodium.h>

#include "outbox_int.h"

/*
 * A row is the promise of a message. It is written with the change that
 * causes it, so a rolled-back (or retried) transaction leaves no row behind
 * and a committed one leaves exactly one. Each row gets a random key at
 * insert: the delivery process builds the Message-ID from it, so every
 * sending of the row carries the same Message-ID.
 */

/* A plain recipient: an address, without a display name. */
static int
sk_outbox_rcpt_ok(const char *s)
{
    return sk_mail_addr_ok(s) && strpbrk(s, "<> \t\"()") == NULL;
}

static int64_t
sk_outbox_now_ms(void)
{
    struct timespec  ts;

    clock_gettime(CLOCK_REALTIME, &ts);
    return (int64_t) ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

SOUK_API int64_t
souk_outbox_mail(souk_db_t *db, const souk_mail_t *m)
{
    unsigned char  raw[16];
    char           key[33];
    int64_t        now;

    if (db == NULL || m == NULL || m->subject == NULL || m->text == NULL) {
        sk_log_msg(SOUK_LOG_ERROR, "outbox: a mail needs to, subject and "
                   "text");
        return SOUK_ERROR;
    }
    if (!sk_outbox_rcpt_ok(m->to)) {
        /* Never log the value itself: it may be an attacker's header. */
        sk_log_msg(SOUK_LOG_ERROR, "outbox: refused a mail to an invalid "
                   "address (one address with an @, no spaces, commas or "
                   "line breaks)");
        return SOUK_ERROR;
    }
    if (m->site != NULL && strlen(m->site) > 64) {
        sk_log_msg(SOUK_LOG_ERROR, "outbox: site id longer than 64 bytes "
                   "(the column's width)");
        return SOUK_ERROR;
    }
    randombytes_buf(raw, sizeof(raw));
    sodium_bin2hex(key, sizeof(key), raw, sizeof(raw));
    now = sk_outbox_now_ms();
    if (souk_db_exec(db, "INSERT INTO souk_outbox (kind, site, msg_key, "
                     "recipient, subject, body_text, body_html, state, "
                     "attempts, next_at, created_at) VALUES ('mail', ?, ?, "
                     "?, ?, ?, ?, 'pending', 0, ?, ?)", "ttttttii",
                     m->site ? m->site : "", key, m->to, m->subject,
                     m->text, m->html, now, now) != SOUK_OK)
    {
        sk_log_msg(SOUK_LOG_ERROR, "outbox: queueing a mail failed: %s",
                   souk_db_error(db));
        return SOUK_ERROR;
    }
    return souk_db_last_id(db);
}

int64_t
sk_outbox_prune(souk_db_t *db, int keep_days, int64_t now_ms)
{
    if (keep_days <= 0) {
        return 0;
    }
    if (souk_db_exec(db, "DELETE FROM souk_outbox WHERE state = 'sent' AND "
                     "sent_at < ?", "i",
                     now_ms - (int64_t) keep_days * 86400000) != SOUK_OK)
    {
        sk_log_msg(SOUK_LOG_ERROR, "outbox: pruning sent mail failed: %s",
                   souk_db_error(db));
        return -1;
    }
    return souk_db_changes(db);
}

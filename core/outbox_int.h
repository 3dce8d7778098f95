/* Internal to the outbox: the [mail] settings, messages and transports. */
#ifndef SK_OUTBOX_INT_H
#define SK_OUTBOX_INT_H

#include "souk_core.h"

/*
 * Three files share this header: core/outbox.c (queueing, the table),
 * core/mail.c (the [mail] section, building RFC 5322 messages, the SMTP and
 * spool transports) and core/deliver.c (the delivery process soukd's master
 * supervises). Only the config hooks in souk_core.h are used elsewhere.
 */

#define SK_MAIL_NONE   0          /* no [mail] transport: rows wait */
#define SK_MAIL_SMTP   1
#define SK_MAIL_SPOOL  2

#define SK_MAIL_TLS_NO    0
#define SK_MAIL_TLS_TRY   1
#define SK_MAIL_TLS_ON    2

struct sk_mail_conf_s {
    int      transport;
    char    *smtp_url;            /* smtp://relay:25 or smtps://... */
    char    *smtp_user;           /* NULL: no AUTH */
    char    *smtp_password;
    int      smtp_tls;            /* STARTTLS on smtp:// */
    int      smtp_timeout;        /* s for one message, connect included */
    char    *from;                /* envelope and header sender */
    char    *spool_dir;           /* absolute */
    int      retry_base;          /* s before the first retry; doubles */
    int      retry_max;           /* s, the longest wait between tries */
    int      max_attempts;        /* then the row is marked failed */
    int      batch;               /* rows claimed per pass */
    int      poll_ms;             /* pause when nothing is due */
    int      claim_timeout;       /* s before a claimed row is due again */
    int      keep_sent;           /* days a sent row is kept; 0: forever */
};

/* ---------- a message as the delivery process reads it from a row ------ */

typedef struct {
    int64_t      id;
    const char  *site;
    const char  *key;             /* unique per row: Message-ID local part */
    const char  *to;
    const char  *subject;
    const char  *text;
    const char  *html;            /* or NULL */
    int64_t      created_ms;      /* the Date header */
    int          attempts;        /* including the one under way */
} sk_mail_msg_t;

/* Transport results: sent, worth retrying, or never going to work. */
#define SK_SEND_OK     0
#define SK_SEND_RETRY  1
#define SK_SEND_FAIL   2

/*
 * Builds the whole message (headers, quoted-printable UTF-8 body, a
 * multipart/alternative when there is HTML) into out. The bytes depend only
 * on the row and mc->from, so a message sent again is the same message,
 * with the same Message-ID: <KEY@DOMAIN-OF-FROM>.
 */
int sk_mail_build(const sk_mail_conf_t *mc, const sk_mail_msg_t *m,
    souk_buf_t *out);
/* The Message-ID header value for m, into buf. */
const char *sk_mail_message_id(const sk_mail_conf_t *mc,
    const sk_mail_msg_t *m, char *buf, size_t len);

/* Sends the built message through mc's transport; err gets one line. */
int sk_mail_send(const sk_mail_conf_t *mc, const sk_mail_msg_t *m,
    const char *data, size_t len, char *err, size_t errlen);

/* The default [mail] settings (transport none). */
void sk_mail_conf_defaults(sk_mail_conf_t *mc);

/* ---------- the outbox table (core/outbox.c) ---------- */

/* Validates an address for one recipient header: no CR/LF, no comma. */
int sk_mail_addr_ok(const char *s);

/* Deletes rows sent more than keep_days ago (failed rows stay for a
 * person to look at). The number deleted, or -1 on a database error. */
int64_t sk_outbox_prune(souk_db_t *db, int keep_days, int64_t now_ms);

/* ---------- the delivery process (core/deliver.c) ---------- */

typedef struct {
    int   sent;
    int   retried;
    int   failed;
    int   claimed;
} sk_deliver_stats_t;

/*
 * One pass: claims up to mc->batch due rows for who, sends each, records
 * the outcome. now_ms is the wall clock (tests pass their own). SOUK_OK or
 * SOUK_ERROR on a database error (logged).
 */
int sk_deliver_pass(souk_db_t *db, const sk_mail_conf_t *mc,
    const char *who, int64_t now_ms, sk_deliver_stats_t *st);

/* The wait before attempt n + 1 after n failed ones, in ms. */
int64_t sk_deliver_backoff(const sk_mail_conf_t *mc, int attempts);

#endif /* SK_OUTBOX_INT_H */

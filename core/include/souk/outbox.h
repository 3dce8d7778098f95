/* Souk public API: the outbox, for side effects that leave the process. */
#ifndef SOUK_OUTBOX_H
#define SOUK_OUTBOX_H

#include <souk/core.h>
#include <souk/db.h>

#ifdef __cplusplus
extern "C" {
#endif

/*
 * A message written with the change that causes it, inside the same
 * souk_db_tx, so a crash loses none. soukd's delivery worker sends it later
 * with retries and back-off (mail: SMTP relay through libcurl, or a spool
 * folder in development). Each message has a stable Message-ID, so one sent
 * again after a crash can be recognised by its receiver.
 */
typedef struct {
    const char  *site;        /* site id the message belongs to */
    const char  *to;          /* one address */
    const char  *subject;
    const char  *text;        /* plain-text body */
    const char  *html;        /* optional HTML body, or NULL */
} souk_mail_t;

/* Queues a mail; returns the outbox row id, or -1 (SOUK_ERROR). */
SOUK_API int64_t souk_outbox_mail(souk_db_t *db, const souk_mail_t *m);

#ifdef __cplusplus
}
#endif

#endif /* SOUK_OUTBOX_H */

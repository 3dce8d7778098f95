/* The [mail] section of souk.conf, and what makes an address usable. */
#define _GNU_SOURCE             /* explicit_bzero */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "outbox_int.h"

/*
 * Kept apart from core/mail.c (libcurl) and core/outbox.c (the database) so
 * config.c and the tests that include it link with nothing more.
 */

/* ---------- the [mail] section ---------- */

void
sk_mail_conf_defaults(sk_mail_conf_t *mc)
{
    memset(mc, 0, sizeof(*mc));
    mc->transport = SK_MAIL_NONE;
    mc->smtp_tls = SK_MAIL_TLS_TRY;
    mc->smtp_timeout = 30;
    mc->retry_base = 30;
    mc->retry_max = 3600;
    mc->max_attempts = 10;
    mc->batch = 20;
    mc->poll_ms = 1000;
    mc->claim_timeout = 300;
    mc->keep_sent = 30;
}

static char *
sk_mail_strdup(const char *s)
{
    char  *d = strdup(s);

    if (d == NULL) {
        abort();
    }
    return d;
}

static void
sk_mail_set_str(char **dst, const char *value)
{
    free(*dst);
    *dst = value[0] != '\0' ? sk_mail_strdup(value) : NULL;
}

static void
sk_mail_set_path(char **dst, const char *dir, const char *value)
{
    size_t  n;

    if (value[0] == '/' || value[0] == '\0') {
        sk_mail_set_str(dst, value);
        return;
    }
    free(*dst);
    n = strlen(dir) + strlen(value) + 2;
    *dst = malloc(n);
    if (*dst == NULL) {
        abort();
    }
    snprintf(*dst, n, "%s/%s", dir, value);
}

/* A whole number in [min, max] into *out, or SOUK_ERROR with why. */
static int
sk_mail_int(const char *name, const char *value, long min, long max,
    int *out, char *why, size_t len)
{
    char  *end;
    long   v;

    errno = 0;
    v = strtol(value, &end, 10);
    if (value[0] == '\0' || *end != '\0' || errno != 0 || v < min
        || v > max)
    {
        snprintf(why, len, "bad number \"%s\" for %s (expected %ld to %ld)",
                 value, name, min, max);
        return SOUK_ERROR;
    }
    *out = (int) v;
    return SOUK_OK;
}

static int
sk_mail_conf_word(sk_mail_conf_t *mc, const char *name, const char *value,
    char *why, size_t len)
{
    if (strcmp(name, "transport") == 0) {
        if (strcmp(value, "smtp") == 0) {
            mc->transport = SK_MAIL_SMTP;
        } else if (strcmp(value, "spool") == 0) {
            mc->transport = SK_MAIL_SPOOL;
        } else if (strcmp(value, "none") == 0) {
            mc->transport = SK_MAIL_NONE;
        } else {
            snprintf(why, len, "transport must be smtp, spool or none, not "
                     "\"%s\"", value);
            return SOUK_ERROR;
        }
        return SOUK_OK;
    }
    /* smtp_tls */
    if (strcmp(value, "no") == 0) {
        mc->smtp_tls = SK_MAIL_TLS_NO;
    } else if (strcmp(value, "try") == 0) {
        mc->smtp_tls = SK_MAIL_TLS_TRY;
    } else if (strcmp(value, "yes") == 0) {
        mc->smtp_tls = SK_MAIL_TLS_ON;
    } else {
        snprintf(why, len, "smtp_tls must be no, try or yes, not \"%s\"",
                 value);
        return SOUK_ERROR;
    }
    return SOUK_OK;
}

int
sk_mail_conf_set(sk_mail_conf_t **mcp, const char *dir, const char *name,
    const char *value, char *why, size_t len)
{
    sk_mail_conf_t  *mc = *mcp;

    if (mc == NULL) {
        mc = malloc(sizeof(*mc));
        if (mc == NULL) {
            abort();
        }
        sk_mail_conf_defaults(mc);
        sk_mail_set_path(&mc->spool_dir, dir, "var/mail");
        *mcp = mc;
    }
    if (strcmp(name, "transport") == 0 || strcmp(name, "smtp_tls") == 0) {
        return sk_mail_conf_word(mc, name, value, why, len);
    } else if (strcmp(name, "smtp_url") == 0) {
        sk_mail_set_str(&mc->smtp_url, value);
    } else if (strcmp(name, "smtp_user") == 0) {
        sk_mail_set_str(&mc->smtp_user, value);
    } else if (strcmp(name, "smtp_password") == 0) {
        sk_mail_set_str(&mc->smtp_password, value);
    } else if (strcmp(name, "from") == 0) {
        sk_mail_set_str(&mc->from, value);
    } else if (strcmp(name, "spool_dir") == 0) {
        sk_mail_set_path(&mc->spool_dir, dir, value);
    } else if (strcmp(name, "smtp_timeout") == 0) {
        return sk_mail_int(name, value, 1, 3600, &mc->smtp_timeout, why,
                           len);
    } else if (strcmp(name, "retry_base") == 0) {
        return sk_mail_int(name, value, 1, 86400, &mc->retry_base, why, len);
    } else if (strcmp(name, "retry_max") == 0) {
        return sk_mail_int(name, value, 1, 7 * 86400, &mc->retry_max, why,
                           len);
    } else if (strcmp(name, "max_attempts") == 0) {
        return sk_mail_int(name, value, 1, 1000, &mc->max_attempts, why,
                           len);
    } else if (strcmp(name, "batch") == 0) {
        return sk_mail_int(name, value, 1, 1000, &mc->batch, why, len);
    } else if (strcmp(name, "poll_interval") == 0) {
        return sk_mail_int(name, value, 10, 60000, &mc->poll_ms, why, len);
    } else if (strcmp(name, "keep_sent") == 0) {
        return sk_mail_int(name, value, 0, 36500, &mc->keep_sent, why, len);
    } else if (strcmp(name, "claim_timeout") == 0) {
        return sk_mail_int(name, value, 1, 86400, &mc->claim_timeout, why,
                           len);
    } else {
        snprintf(why, len, "unknown setting \"%s\" in [mail]", name);
        return SOUK_ERROR;
    }
    return SOUK_OK;
}

int
sk_mail_conf_check(sk_mail_conf_t *mc, char *why, size_t len)
{
    if (mc == NULL || mc->transport == SK_MAIL_NONE) {
        return SOUK_OK;
    }
    if (mc->from == NULL && mc->transport == SK_MAIL_SPOOL) {
        mc->from = sk_mail_strdup("souk@localhost");
    }
    if (mc->from == NULL || !sk_mail_addr_ok(mc->from)) {
        snprintf(why, len, "[mail] needs from = an address (one line, with "
                 "an @)");
        return SOUK_ERROR;
    }
    if (mc->transport == SK_MAIL_SMTP
        && (mc->smtp_url == NULL
            || (strncmp(mc->smtp_url, "smtp://", 7) != 0
                && strncmp(mc->smtp_url, "smtps://", 8) != 0)))
    {
        snprintf(why, len, "transport = smtp needs smtp_url = smtp://HOST:"
                 "PORT or smtps://HOST:PORT");
        return SOUK_ERROR;
    }
    if (mc->retry_max < mc->retry_base) {
        snprintf(why, len, "retry_max (%d) is shorter than retry_base (%d)",
                 mc->retry_max, mc->retry_base);
        return SOUK_ERROR;
    }
    return SOUK_OK;
}

void
sk_mail_conf_free(sk_mail_conf_t *mc)
{
    if (mc == NULL) {
        return;
    }
    free(mc->smtp_url);
    free(mc->smtp_user);
    if (mc->smtp_password != NULL) {
        explicit_bzero(mc->smtp_password, strlen(mc->smtp_password));
        free(mc->smtp_password);
    }
    free(mc->from);
    free(mc->spool_dir);
    free(mc);
}

#define SK_MAIL_ADDR_MAX  320     /* RFC 3696 (errata): 64 + 1 + 255 */

/*
 * One address as it goes into a header and the SMTP envelope: printable,
 * with an @ that has something on both sides, and nothing that would start
 * another header, another recipient or an SMTP command (CR, LF, comma,
 * angle brackets outside "Name <a@b>").
 */
int
sk_mail_addr_ok(const char *s)
{
    const char  *p, *at = NULL;
    size_t       n;

    if (s == NULL) {
        return 0;
    }
    n = strlen(s);
    if (n < 3 || n > SK_MAIL_ADDR_MAX) {
        return 0;
    }
    for (p = s; *p != '\0'; p++) {
        if ((unsigned char) *p < 0x20 || *p == 0x7f || *p == ',') {
            return 0;
        }
        if (*p == '@') {
            at = p;
        }
    }
    return at != NULL && at != s && at[1] != '\0';
}

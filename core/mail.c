/* Mail: building RFC 5322 messages, and the SMTP and spool transports. */
#define _GNU_SOURCE             /* O_CLOEXEC, mkostemp */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/stat.h>

#include <curl/curl.h>
#include <sodium.h>

#include "outbox_int.h"

/* ---------- building the message ---------- */

/* The bare address of "Name <a@b>" or "a@b", into buf. */
static const char *
sk_mail_bare(const char *from, char *buf, size_t len)
{
    const char  *lt = strrchr(from, '<'), *gt;
    size_t       n;

    if (lt == NULL || (gt = strchr(lt, '>')) == NULL) {
        snprintf(buf, len, "%s", from);
        return buf;
    }
    n = (size_t) (gt - lt - 1);
    if (n >= len) {
        n = len - 1;
    }
    memcpy(buf, lt + 1, n);
    buf[n] = '\0';
    return buf;
}

const char *
sk_mail_message_id(const sk_mail_conf_t *mc, const sk_mail_msg_t *m,
    char *buf, size_t len)
{
    char         addr[320];
    const char  *at;

    at = strrchr(sk_mail_bare(mc->from, addr, sizeof(addr)), '@');
    snprintf(buf, len, "<%s@%s>", m->key,
             at != NULL && at[1] != '\0' ? at + 1 : "souk.invalid");
    return buf;
}

/* A header value; RFC 2047 encoded words when it is not plain ASCII. */
static void
sk_mail_header_text(souk_buf_t *out, const char *s)
{
    char          b64[128];
    const char   *p;
    size_t        n, take;
    int           plain = 1;

    for (p = s; *p != '\0'; p++) {
        if ((unsigned char) *p >= 0x7f || (unsigned char) *p < 0x20) {
            plain = 0;
        }
    }
    if (plain && strlen(s) < 900) {
        souk_buf_append(out, s, strlen(s));
        return;
    }
    /* 45 bytes make 60 base64 characters: each encoded word stays well
     * under 76, and a UTF-8 sequence is never cut between two words. */
    n = strlen(s);
    for (p = s; n > 0; p += take, n -= take) {
        take = n < 45 ? n : 45;
        while (take < n && ((unsigned char) p[take] & 0xc0) == 0x80) {
            take--;
        }
        sodium_bin2base64(b64, sizeof(b64), (const unsigned char *) p, take,
                          sodium_base64_VARIANT_ORIGINAL);
        souk_buf_printf(out, "%s=?UTF-8?B?%s?=", p == s ? "" : "\r\n ", b64);
    }
}

/* Quoted-printable (RFC 2045): lines of at most 76, CRLF endings. */
static void
sk_mail_qp(souk_buf_t *out, const char *s)
{
    static const char  hex[] = "0123456789ABCDEF";
    unsigned char      c;
    char               enc[4];
    size_t             col = 0, w;
    int                eol;

    for (; *s != '\0'; s++) {
        c = (unsigned char) *s;
        if (c == '\r' && s[1] == '\n') {
            continue;
        }
        if (c == '\n') {
            souk_buf_append(out, "\r\n", 2);
            col = 0;
            continue;
        }
        eol = s[1] == '\0' || s[1] == '\n' || (s[1] == '\r' && s[2] == '\n');
        if ((c >= 33 && c <= 126 && c != '=')
            || ((c == ' ' || c == '\t') && !eol))
        {
            enc[0] = (char) c;
            w = 1;
        } else {
            enc[0] = '=';
            enc[1] = hex[c >> 4];
            enc[2] = hex[c & 15];
            w = 3;
        }
        if (col + w > 75) {
            souk_buf_append(out, "=\r\n", 3);
            col = 0;
        }
        souk_buf_append(out, enc, w);
        col += w;
    }
    souk_buf_append(out, "\r\n", 2);
}

static void
sk_mail_date(souk_buf_t *out, int64_t ms)
{
    static const char  *days[] = { "Sun", "Mon", "Tue", "Wed", "Thu", "Fri",
                                   "Sat" };
    static const char  *mons[] = { "Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                   "Jul", "Aug", "Sep", "Oct", "Nov", "Dec" };
    time_t              t = (time_t) (ms / 1000);
    struct tm           tm;

    gmtime_r(&t, &tm);
    souk_buf_printf(out, "Date: %s, %02d %s %04d %02d:%02d:%02d +0000\r\n",
                    days[tm.tm_wday], tm.tm_mday, mons[tm.tm_mon],
                    tm.tm_year + 1900, tm.tm_hour, tm.tm_min, tm.tm_sec);
}

int
sk_mail_build(const sk_mail_conf_t *mc, const sk_mail_msg_t *m,
    souk_buf_t *out)
{
    char  mid[400];

    if (!sk_mail_addr_ok(m->to) || !sk_mail_addr_ok(mc->from)) {
        return SOUK_ERROR;
    }
    souk_buf_printf(out, "From: %s\r\nTo: %s\r\nSubject: ", mc->from, m->to);
    sk_mail_header_text(out, m->subject);
    souk_buf_append(out, "\r\n", 2);
    sk_mail_date(out, m->created_ms);
    souk_buf_printf(out, "Message-ID: %s\r\nMIME-Version: 1.0\r\n",
                    sk_mail_message_id(mc, m, mid, sizeof(mid)));
    if (m->site != NULL && sk_mail_addr_ok(m->site)) {
        souk_buf_printf(out, "X-Souk-Site: %s\r\n", m->site);
    }
    if (m->html == NULL) {
        souk_buf_printf(out, "Content-Type: text/plain; charset=UTF-8\r\n"
                        "Content-Transfer-Encoding: quoted-printable\r\n\r\n");
        sk_mail_qp(out, m->text);
        return SOUK_OK;
    }
    /* "=_" never occurs in quoted-printable text, so the boundary cannot. */
    souk_buf_printf(out, "Content-Type: multipart/alternative; "
                    "boundary=\"=_souk_%s\"\r\n\r\n", m->key);
    souk_buf_printf(out, "--=_souk_%s\r\nContent-Type: text/plain; "
                    "charset=UTF-8\r\nContent-Transfer-Encoding: "
                    "quoted-printable\r\n\r\n", m->key);
    sk_mail_qp(out, m->text);
    souk_buf_printf(out, "--=_souk_%s\r\nContent-Type: text/html; "
                    "charset=UTF-8\r\nContent-Transfer-Encoding: "
                    "quoted-printable\r\n\r\n", m->key);
    sk_mail_qp(out, m->html);
    souk_buf_printf(out, "--=_souk_%s--\r\n", m->key);
    return SOUK_OK;
}

/* ---------- the spool folder ---------- */

/*
 * One KEY.eml per message, written to a temporary name, flushed, then
 * renamed: a reader never sees half a message, and a message sent again
 * after a crash replaces itself instead of appearing twice.
 */
static int
sk_mail_spool(const sk_mail_conf_t *mc, const sk_mail_msg_t *m,
    const char *data, size_t len, char *err, size_t errlen)
{
    char     tmp[4096], dst[4096];
    size_t   off = 0;
    ssize_t  n;
    int      fd, dfd;

    if (mkdir(mc->spool_dir, 0750) != 0 && errno != EEXIST) {
        snprintf(err, errlen, "spool_dir %s: %s", mc->spool_dir,
                 strerror(errno));
        return SK_SEND_RETRY;
    }
    snprintf(tmp, sizeof(tmp), "%s/.tmp-%s-XXXXXX", mc->spool_dir, m->key);
    snprintf(dst, sizeof(dst), "%s/%s.eml", mc->spool_dir, m->key);
    fd = mkostemp(tmp, O_CLOEXEC);
    if (fd < 0) {
        snprintf(err, errlen, "%s: %s", tmp, strerror(errno));
        return SK_SEND_RETRY;
    }
    while (off < len) {
        n = write(fd, data + off, len - off);
        if (n < 0 && errno == EINTR) {
            continue;
        }
        if (n <= 0) {
            break;
        }
        off += (size_t) n;
    }
    if (off < len || fsync(fd) != 0 || close(fd) != 0) {
        snprintf(err, errlen, "%s: %s", tmp, strerror(errno));
        if (off < len) {
            close(fd);
        }
        unlink(tmp);
        return SK_SEND_RETRY;
    }
    if (rename(tmp, dst) != 0) {
        snprintf(err, errlen, "rename to %s: %s", dst, strerror(errno));
        unlink(tmp);
        return SK_SEND_RETRY;
    }
    /* The rename itself must survive a power cut before we record "sent". */
    dfd = open(mc->spool_dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dfd >= 0) {
        (void) fsync(dfd);
        close(dfd);
    }
    return SK_SEND_OK;
}

/* ---------- SMTP through libcurl ---------- */

typedef struct {
    const char  *data;
    size_t       left;
} sk_mail_reader_t;

static size_t
sk_mail_read(char *buf, size_t size, size_t nitems, void *arg)
{
    sk_mail_reader_t  *rd = arg;
    size_t             n = size * nitems;

    if (n > rd->left) {
        n = rd->left;
    }
    memcpy(buf, rd->data, n);
    rd->data += n;
    rd->left -= n;
    return n;
}

static void
sk_mail_curl_opts(CURL *c, const sk_mail_conf_t *mc)
{
    curl_easy_setopt(c, CURLOPT_URL, mc->smtp_url);
    curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(c, CURLOPT_TIMEOUT, (long) mc->smtp_timeout);
    curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT,
                     (long) (mc->smtp_timeout < 10 ? mc->smtp_timeout : 10));
    curl_easy_setopt(c, CURLOPT_USE_SSL,
                     mc->smtp_tls == SK_MAIL_TLS_ON ? (long) CURLUSESSL_ALL
                     : mc->smtp_tls == SK_MAIL_TLS_TRY
                     ? (long) CURLUSESSL_TRY : (long) CURLUSESSL_NONE);
    if (mc->smtp_user != NULL) {
        curl_easy_setopt(c, CURLOPT_USERNAME, mc->smtp_user);
        curl_easy_setopt(c, CURLOPT_PASSWORD,
                         mc->smtp_password ? mc->smtp_password : "");
    }
}

static int
sk_mail_smtp(const sk_mail_conf_t *mc, const sk_mail_msg_t *m,
    const char *data, size_t len, char *err, size_t errlen)
{
    static int          curl_ready;
    char                ebuf[CURL_ERROR_SIZE], addr[330], from[330];
    struct curl_slist  *rcpt;
    sk_mail_reader_t    rd = { data, len };
    long                code = 0;
    CURLcode            rc;
    CURL               *c;

    if (!curl_ready) {
        if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
            snprintf(err, errlen, "libcurl failed to initialise");
            return SK_SEND_RETRY;
        }
        curl_ready = 1;
    }
    c = curl_easy_init();
    if (c == NULL) {
        snprintf(err, errlen, "libcurl: no handle");
        return SK_SEND_RETRY;
    }
    snprintf(addr, sizeof(addr), "<%s>", m->to);
    rcpt = curl_slist_append(NULL, addr);
    snprintf(from, sizeof(from), "<%s>",
             sk_mail_bare(mc->from, ebuf, sizeof(ebuf)));
    ebuf[0] = '\0';
    sk_mail_curl_opts(c, mc);
    curl_easy_setopt(c, CURLOPT_MAIL_FROM, from);
    curl_easy_setopt(c, CURLOPT_MAIL_RCPT, rcpt);
    curl_easy_setopt(c, CURLOPT_READFUNCTION, sk_mail_read);
    curl_easy_setopt(c, CURLOPT_READDATA, &rd);
    curl_easy_setopt(c, CURLOPT_UPLOAD, 1L);
    curl_easy_setopt(c, CURLOPT_ERRORBUFFER, ebuf);
    rc = curl_easy_perform(c);
    curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &code);
    curl_slist_free_all(rcpt);
    curl_easy_cleanup(c);
    if (rc == CURLE_OK) {
        return SK_SEND_OK;
    }
    snprintf(err, errlen, "smtp: %s (reply %ld)",
             ebuf[0] ? ebuf : curl_easy_strerror(rc), code);
    /* A 5xx reply is the relay's final word on this message (RFC 5321
     * 4.2.1); anything else (4xx, a refused or lost connection) may pass
     * later. */
    return code >= 500 && code <= 599 ? SK_SEND_FAIL : SK_SEND_RETRY;
}

int
sk_mail_send(const sk_mail_conf_t *mc, const sk_mail_msg_t *m,
    const char *data, size_t len, char *err, size_t errlen)
{
    err[0] = '\0';
    switch (mc->transport) {
    case SK_MAIL_SMTP:
        return sk_mail_smtp(mc, m, data, len, err, errlen);
    case SK_MAIL_SPOOL:
        return sk_mail_spool(mc, m, data, len, err, errlen);
    default:
        snprintf(err, errlen, "no mail transport configured");
        return SK_SEND_RETRY;
    }
}

/* The error log and the access log: one line per write(2), safe to share. */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "souk_core.h"

/*
 * Workers share the log files. Each line goes out in one write(2) on an
 * O_APPEND descriptor, so lines from different workers never interleave.
 * The descriptors are process state: opened by the master before it forks
 * and reopened (SIGUSR1) between requests.
 */
#define SK_LOG_LINE  4096

static int   sk_err_fd = -1;      /* -1: stderr */
static int   sk_acc_fd = -1;      /* -1: no access log */
static char *sk_err_path;
static char *sk_acc_path;

static const char *sk_log_levels[] = { "error", "warn", "info", "debug" };

static int
sk_log_open_file(const char *path)
{
    return open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0640);
}

static char *
sk_log_dup_path(const char *path)
{
    char  *d;

    if (path == NULL || path[0] == '\0') {
        return NULL;
    }
    d = strdup(path);
    if (d == NULL) {
        abort();
    }
    return d;
}

/* Opens both logs into new descriptors; the old ones are replaced only
 * when both opened, so a failed rotation keeps logging where it did. */
static int
sk_log_swap(const char *error_log, const char *access_log)
{
    int  efd = -1, afd = -1;

    if (error_log != NULL && (efd = sk_log_open_file(error_log)) == -1) {
        sk_log_msg(SOUK_LOG_ERROR, "cannot open error log %s: %s",
                   error_log, strerror(errno));
        return SOUK_ERROR;
    }
    if (access_log != NULL && (afd = sk_log_open_file(access_log)) == -1) {
        sk_log_msg(SOUK_LOG_ERROR, "cannot open access log %s: %s",
                   access_log, strerror(errno));
        if (efd != -1) {
            close(efd);
        }
        return SOUK_ERROR;
    }
    if (sk_err_fd != -1) {
        close(sk_err_fd);
    }
    if (sk_acc_fd != -1) {
        close(sk_acc_fd);
    }
    sk_err_fd = efd;
    sk_acc_fd = afd;
    return SOUK_OK;
}

int
sk_log_open(const char *error_log, const char *access_log)
{
    char  *ep = sk_log_dup_path(error_log);
    char  *ap = sk_log_dup_path(access_log);

    if (sk_log_swap(ep, ap) != SOUK_OK) {
        free(ep);
        free(ap);
        return SOUK_ERROR;
    }
    free(sk_err_path);
    free(sk_acc_path);
    sk_err_path = ep;
    sk_acc_path = ap;
    return SOUK_OK;
}

int
sk_log_reopen(void)
{
    return sk_log_swap(sk_err_path, sk_acc_path);
}

static size_t
sk_log_time(char *buf, size_t len)
{
    time_t     now = time(NULL);
    struct tm  tm;

    gmtime_r(&now, &tm);
    return strftime(buf, len, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

/*
 * Copies s into dst, escaping control bytes (and, with space_too, spaces)
 * so one log line stays one line and its fields stay separable: a request
 * path may hold a decoded %0A. Returns the bytes written; stops at room.
 */
static size_t
sk_log_escape(char *dst, size_t room, const char *s, int space_too)
{
    static const char  hex[] = "0123456789abcdef";
    size_t             n = 0;
    unsigned char      c;

    for (; *s != '\0'; s++) {
        c = (unsigned char) *s;
        if (c < 0x20 || c == 0x7f || (space_too && c == ' ')) {
            if (n + 4 > room) {
                break;
            }
            if (space_too) {
                dst[n++] = '%';
            } else {
                dst[n++] = '\\';
                dst[n++] = 'x';
            }
            dst[n++] = hex[c >> 4];
            dst[n++] = hex[c & 0xf];
            continue;
        }
        if (n + 1 > room) {
            break;
        }
        dst[n++] = (char) c;
    }
    return n;
}

/* Appends a formatted piece to line at *n, never past SK_LOG_LINE - 1
 * (the last byte is kept for the newline). */
static void
sk_log_add(char *line, size_t *n, const char *fmt, ...) SOUK_PRINTF(3, 4);

static void
sk_log_add(char *line, size_t *n, const char *fmt, ...)
{
    va_list  ap;
    int      k;
    size_t   room = SK_LOG_LINE - 1 - *n;

    va_start(ap, fmt);
    k = vsnprintf(line + *n, room + 1, fmt, ap);
    va_end(ap);
    if (k > 0) {
        *n += (size_t) k < room ? (size_t) k : room;
    }
}

static void
sk_log_write(int fd, char *line, size_t n)
{
    line[n++] = '\n';
    /* A short or failed write of a log line has nowhere to be reported. */
    (void) !write(fd == -1 ? STDERR_FILENO : fd, line, n);
}

static void
sk_log_vline(const souk_request_t *r, int level, const char *fmt,
    va_list ap)
{
    char         line[SK_LOG_LINE], msg[SK_LOG_LINE];
    size_t       n;
    const char  *lv;

    lv = level >= 0 && level <= SOUK_LOG_DEBUG ? sk_log_levels[level]
                                                : "error";
    n = sk_log_time(line, sizeof(line));
    sk_log_add(line, &n, " [%s] soukd[%ld]", lv, (long) getpid());
    if (r != NULL && r->id[0] != '\0') {
        sk_log_add(line, &n, " req=%s", r->id);
    }
    if (r != NULL && r->site != NULL) {
        sk_log_add(line, &n, " site=%s", r->site->id);
    }
    if (r != NULL && r->cur_plugin != NULL && r->cur_plugin->name != NULL) {
        sk_log_add(line, &n, " plugin=%s", r->cur_plugin->name);
    }
    sk_log_add(line, &n, ": ");
    vsnprintf(msg, sizeof(msg), fmt, ap);
    n += sk_log_escape(line + n, SK_LOG_LINE - 1 - n, msg, 0);
    sk_log_write(sk_err_fd, line, n);
}

void
sk_log_msg(int level, const char *fmt, ...)
{
    va_list  ap;

    va_start(ap, fmt);
    sk_log_vline(NULL, level, fmt, ap);
    va_end(ap);
}

SOUK_API void
souk_log(souk_request_t *r, int level, const char *fmt, ...)
{
    va_list  ap;

    va_start(ap, fmt);
    sk_log_vline(r, level, fmt, ap);
    va_end(ap);
}

/* Adds " name=value" with value escaped, "-" when it is unknown. */
static void
sk_log_field(char *line, size_t *n, const char *name, const char *value,
    size_t max)
{
    size_t  room;

    sk_log_add(line, n, " %s=", name);
    room = SK_LOG_LINE - 1 - *n;
    if (max > room) {
        max = room;
    }
    *n += sk_log_escape(line + *n, max, value != NULL && *value != '\0'
                                        ? value : "-", 1);
}

void
sk_log_access(const souk_request_t *r, long duration_us)
{
    char    line[SK_LOG_LINE];
    size_t  n;

    if (sk_acc_fd == -1) {
        return;
    }
    n = sk_log_time(line, sizeof(line));
    sk_log_field(line, &n, "req", r->id, 64);
    sk_log_field(line, &n, "site", r->site != NULL ? r->site->id : NULL, 128);
    sk_log_field(line, &n, "method", r->method_name, 32);
    /* A long path is cut so the status and time always fit. */
    sk_log_field(line, &n, "path",
                 r->full_path != NULL ? r->full_path : r->uri, 2048);
    sk_log_field(line, &n, "route", r->route_pattern, 512);
    sk_log_add(line, &n, " status=%d us=%ld", r->status, duration_us);
    sk_log_write(sk_acc_fd, line, n);
}

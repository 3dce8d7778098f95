/* Plain CGI: one request from the environment and stdin, answered on stdout. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "sk_process.h"

/*
 * The same pipeline as a FastCGI worker, with the process environment as
 * the params and fds 0 and 1 as the streams. Slow (plugins load for every
 * request) but handy behind any web server that speaks CGI, and for tests.
 */

extern char  **environ;

static const char  sk_cgi_broken[] =
    "Status: 500 Internal Server Error\r\n"
    "Content-Type: text/plain; charset=utf-8\r\n\r\n"
    "soukd could not start; see the error log.\n";

static ssize_t
sk_cgi_read(void *io, char *buf, size_t n)
{
    ssize_t  got;

    (void) io;
    do {
        got = read(STDIN_FILENO, buf, n);
    } while (got < 0 && errno == EINTR);
    return got;
}

static int
sk_cgi_write(void *io, const char *buf, size_t n)
{
    ssize_t  w;

    (void) io;
    while (n > 0) {
        w = write(STDOUT_FILENO, buf, n);
        if (w < 0) {
            if (errno == EINTR) {
                continue;
            }
            return SOUK_ERROR;
        }
        buf += w;
        n -= (size_t) w;
    }
    return SOUK_OK;
}

int
sk_cgi_run(sk_config_t *cfg)
{
    sk_runtime_t   rt;
    souk_pool_t   *pool;
    char           err[1024];

    if (sk_runtime_load(&rt, cfg, err, sizeof(err)) != SOUK_OK) {
        /* The web server shows a 500 and keeps our stderr in its log. */
        sk_log_msg(SOUK_LOG_ERROR, "cgi: %s", err);
        sk_cgi_write(NULL, sk_cgi_broken, sizeof(sk_cgi_broken) - 1);
        sk_runtime_unload(&rt);
        return SK_EXIT_CONFIG;
    }
    pool = sk_pool_create(16384);
    sk_serve_one(&rt, pool, environ, sk_cgi_read, NULL, sk_cgi_write, NULL);
    sk_pool_destroy(pool);
    sk_runtime_unload(&rt);
    return SK_EXIT_OK;
}

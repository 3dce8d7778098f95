/* soukd: the Souk FastCGI server; reads its flags, picks a mode, hands over. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>

#include "sk_process.h"
#include "migrate.h"

/*
 * Modes, in this order:
 *   -t            check the config and plugins, print one line, exit
 *   fd 0 listens  spawn-fcgi / mod_fcgid hand us the socket: one worker
 *   CGI env       one request from environ + stdin
 *   otherwise     the master: bind, fork workers, watch them
 */

static void
sk_usage(FILE *fp)
{
    fprintf(fp,
        "usage: soukd [-c FILE] [-l LISTEN] [-w N] [-t] [-V] [-h]\n"
        "  -c FILE    configuration (default $SOUK_CONF, else %s)\n"
        "  -l LISTEN  unix socket path or host:port (overrides the config)\n"
        "  -w N       number of workers (overrides the config)\n"
        "  -t         check the configuration and plugins, then exit\n"
        "  -V         print the version\n"
        "  -h         this help\n", SOUK_CONF_PATH);
}

/* Under spawn-fcgi or a service manager fds 1 and 2 may be closed; a log
 * file opened later must not land on them. */
static void
sk_std_fds(void)
{
    int  fd;

    for (fd = 0; fd <= 2; fd++) {
        if (fcntl(fd, F_GETFD) < 0 && errno == EBADF) {
            if (open("/dev/null", O_RDWR) != fd) {
                return;
            }
        }
    }
}

static int
sk_is_socket(int fd)
{
    struct stat  st;

    return fstat(fd, &st) == 0 && S_ISSOCK(st.st_mode);
}

static int
sk_is_cgi(void)
{
    const char  *gi = getenv("GATEWAY_INTERFACE");
    const char  *rm = getenv("REQUEST_METHOD");

    return (gi != NULL && gi[0] != '\0')
           || (rm != NULL && rm[0] != '\0' && !sk_is_socket(0));
}

/* -t: the same check the master runs before it binds and on a reload. */
static int
sk_check(sk_config_t *cfg, const char *path)
{
    char           line[1024];
    unsigned long  np = 0, ns = 0;

    if (cfg->db.apply_migrations) {
        cfg->db.apply_migrations = SK_APPLY_LATER;
    }
    if (sk_plugins_check(cfg, line, sizeof(line)) != 0) {
        fprintf(stderr, "soukd: %s\n", line);
        sk_config_free(cfg);
        return 1;
    }
    (void) sscanf(line, "ok %lu %lu", &np, &ns);
    printf("soukd: %s: ok (%lu plugins, %lu sites)\n", path, np, ns);
    sk_config_free(cfg);
    return 0;
}

static int
sk_parse_workers(const char *s, int *out)
{
    char  *end;
    long   v;

    errno = 0;
    v = strtol(s, &end, 10);
    if (errno != 0 || end == s || *end != '\0' || v < 1 || v > 1024) {
        fprintf(stderr, "soukd: -w %s: want a number from 1 to 1024\n", s);
        return -1;
    }
    *out = (int) v;
    return 0;
}

int
main(int argc, char **argv)
{
    sk_master_opts_t  o = { NULL, NULL, 0 };
    sk_config_t      *cfg;
    const char       *env;
    char              err[1024];
    int               c, test = 0;

    while ((c = getopt(argc, argv, "c:l:w:tVh")) != -1) {
        switch (c) {
        case 'c':
            o.conf_path = optarg;
            break;
        case 'l':
            o.listen = optarg;
            break;
        case 'w':
            if (sk_parse_workers(optarg, &o.workers) != 0) {
                return 2;
            }
            break;
        case 't':
            test = 1;
            break;
        case 'V':
            printf("soukd %s (plugin ABI %d.%d)\n", SOUK_VERSION,
                   SOUK_ABI_MAJOR, SOUK_ABI_MINOR);
            return 0;
        case 'h':
            sk_usage(stdout);
            return 0;
        default:
            sk_usage(stderr);
            return 2;
        }
    }
    if (optind < argc) {
        fprintf(stderr, "soukd: unexpected argument \"%s\"\n", argv[optind]);
        return 2;
    }
    if (o.conf_path == NULL) {
        env = getenv("SOUK_CONF");
        o.conf_path = env != NULL && env[0] != '\0' ? env : SOUK_CONF_PATH;
    }
    sk_std_fds();

    cfg = sk_config_load(o.conf_path, err, sizeof(err));
    if (cfg == NULL) {
        fprintf(stderr, "soukd: %s\n", err);
        return 1;
    }
    if (test) {
        return sk_check(cfg, o.conf_path);
    }
    if ((o.listen == NULL && sk_listen_is_listening(0)) || sk_is_cgi()) {
        int  rc = 1;

        if (sk_log_open(cfg->error_log, cfg->access_log) == SOUK_OK) {
            rc = o.listen == NULL && sk_listen_is_listening(0)
                 ? sk_worker_run(cfg, 0, 0) : sk_cgi_run(cfg);
        }
        sk_config_free(cfg);
        return rc;
    }
    return sk_master_run(&o, cfg);
}

/* Internal to soukd: the process model (listen socket, master, worker, CGI). */
#ifndef SOUK_PROCESS_H
#define SOUK_PROCESS_H

#include "souk_core.h"

/*
 * Exit codes a worker uses, so the master's log says why it went away.
 * 78 is EX_CONFIG: the config or a plugin was refused.
 */
#define SK_EXIT_OK        0
#define SK_EXIT_CONFIG    78
#define SK_EXIT_SOFTWARE  70

#define SK_SOCKET_MODE_DEFAULT  0660
#define SK_BACKLOG_DEFAULT      128

/* ---------- the listen socket (core/listen.c) ---------- */

/* Non-zero when addr names a unix socket path rather than host:port. */
int sk_listen_is_unix(const char *addr);

/*
 * Creates, binds and listens on addr: a unix socket path (created with
 * mode, and group when not NULL; a stale socket file is removed first, any
 * other file is refused) or "host:port" (SO_REUSEADDR). Returns the fd, or
 * -1 with one line in err saying why. Never exits.
 */
int sk_listen_open(const char *addr, int mode, const char *group,
    int backlog, char *err, size_t errlen);

/* Removes the unix socket file at addr if it is (still) a socket. */
void sk_listen_unlink(const char *addr);

/* Non-zero when fd is a socket in the listening state (the spawn-fcgi and
 * mod_fcgid hand-over on fd 0). */
int sk_listen_is_listening(int fd);

/* ---------- one worker (core/worker.c) ---------- */

/*
 * Loads the plugins and sites for cfg (the worker owns cfg from now on) and
 * serves FastCGI requests on listen_fd until SIGTERM, then returns the exit
 * status for the process. master: the master's pid, so the worker leaves
 * when the master goes away; 0 when there is none (spawn-fcgi).
 */
int sk_worker_run(sk_config_t *cfg, int listen_fd, pid_t master);

/*
 * The request pipeline every transport shares: parse envp and the body
 * (through rd), dispatch, write the answer (through wr), log the access
 * line. pool is used, not reset.
 */
void sk_serve_one(sk_runtime_t *rt, souk_pool_t *pool, char **envp,
    sk_read_pt rd, void *rio, sk_write_pt wr, void *wio);

/*
 * Loads plugins and builds sites for cfg into rt (zeroed by the caller).
 * SOUK_OK, or SOUK_ERROR with one line in err. Used by the worker, the CGI
 * mode, `soukd -t` and the master's reload check.
 */
int sk_runtime_load(sk_runtime_t *rt, sk_config_t *cfg, char *err,
    size_t errlen);
void sk_runtime_unload(sk_runtime_t *rt);

/* ---------- plain CGI (core/cgi.c) ---------- */

/* Serves one request from environ and stdin to stdout. Exit status. */
int sk_cgi_run(sk_config_t *cfg);

/* ---------- the master (core/master.c) ---------- */

typedef struct {
    const char  *conf_path;
    const char  *listen;        /* -l, or NULL for the config's */
    int          workers;       /* -w, or 0 for the config's */
} sk_master_opts_t;

/*
 * Loads cfg's plugins and sites in a child process, as a worker would, so
 * the caller never dlopens them and a plugin that crashes in init is
 * reported instead of taking the caller down. 0 with line "ok NPLUGINS
 * NSITES NJOBS", or -1 with one line saying why.
 */
int sk_plugins_check(sk_config_t *cfg, char *line, size_t len);

/* Runs the master until SIGTERM/SIGINT; owns cfg. Exit status. */
int sk_master_run(const sk_master_opts_t *o, sk_config_t *cfg);

/*
 * A worker's or the delivery process's signal set-up after fork: handler
 * for TERM, INT and USR1 (with sa_flags), PIPE and HUP ignored, CHLD
 * default, and the mask the master forked with cleared.
 */
void sk_child_signals(void (*handler)(int), int sa_flags);

#endif /* SOUK_PROCESS_H */

/* Internal to the core: the types and functions its subsystems share. */
#ifndef SOUK_CORE_INTERNAL_H
#define SOUK_CORE_INTERNAL_H

/*
 * Naming: public API functions are souk_*, exported to plugins through
 * core/souk.dynlist. Core-internal functions shared between core files are
 * sk_*, never exported. Plugins never include this header.
 */

#include <stdio.h>
#include <time.h>
#include <sys/types.h>

#include <souk.h>

/* ---------- pool (core/pool.c) ---------- */

souk_pool_t *sk_pool_create(size_t block_size);
/* Runs cleanups, frees all but the first block, keeps the pool for reuse. */
void sk_pool_reset(souk_pool_t *p);
void sk_pool_destroy(souk_pool_t *p);
/* Bytes held in blocks (for tests and the RSS report). */
size_t sk_pool_size(const souk_pool_t *p);

/* ---------- files (core/file.c) ---------- */

/*
 * Reads a whole file into malloc'd memory, NUL-terminated; *len (if not
 * NULL) gets its length. NULL with errno set when it cannot be read.
 */
char *sk_file_read(const char *path, size_t *len);

/* ---------- limits and request parsing (core/request*.c, multipart.c ...) */

typedef struct {
    size_t  max_body;          /* bytes; larger → 413 */
    size_t  max_drain;         /* unread body drained up to this, then closed */
    size_t  max_params;        /* query + form pairs; more → 400 */
    size_t  max_param_len;     /* one name or value, bytes; longer → 400 */
    size_t  max_headers;       /* count; more → 431 */
    size_t  max_header_len;    /* one header value, bytes; longer → 431 */
    size_t  max_uri_len;       /* REQUEST_URI bytes; longer → 414 */
    size_t  max_uploads;       /* multipart parts; more → 400 */
    int     max_json_depth;    /* nesting; deeper → 400 */
} sk_limits_t;

void sk_limits_default(sk_limits_t *l);

/* Reads up to n body bytes; returns count, 0 at end, -1 on error. */
typedef ssize_t (*sk_read_pt)(void *io, char *buf, size_t n);

/* ---------- the loaded world: plugins, router, hooks, sites ---------- */

typedef struct sk_router_s  sk_router_t;
typedef struct sk_route_s   sk_route_t;
typedef struct sk_hooks_s   sk_hooks_t;
typedef struct sk_config_s  sk_config_t;
typedef struct sk_site_s    sk_site_t;
typedef struct sk_sites_s   sk_sites_t;
typedef struct sk_runtime_s sk_runtime_t;

#define SK_PLUGIN_MAX 256

typedef struct {
    char                  *name;
    char                  *path;     /* .so file */
    char                  *dir;      /* folder holding it */
    void                  *dl;       /* dlopen handle */
    const souk_plugin_t   *desc;
    unsigned               idx;      /* load order; index into enabled[] */
    void                  *data;     /* souk_plugin_data_set */
    int                    inited;
} sk_plugin_t;

/* The context handed to a plugin's init/fini. */
struct souk_plugin_ctx_s {
    sk_runtime_t  *rt;
    sk_plugin_t   *plugin;
};

/*
 * A site's set of enabled plugins: enabled[idx] != 0 when the plugin with
 * that load index is on for the site. Routes and hooks of other plugins do
 * not exist for the site's requests.
 */
typedef const unsigned char *sk_enabled_t;

struct sk_runtime_s {
    sk_config_t   *cfg;
    sk_plugin_t   *plugins[SK_PLUGIN_MAX];
    size_t         nplugins;
    sk_router_t   *router;
    sk_hooks_t    *hooks;
    sk_sites_t    *sites;
    unsigned char  all_enabled[SK_PLUGIN_MAX];  /* every plugin on (CLI) */
    souk_db_t     *db;         /* this process's connection (core/db.c) */
};

/* ---------- the request (core/request.c and friends) ---------- */

struct souk_request_s {
    souk_pool_t          *pool;
    sk_runtime_t         *rt;
    const sk_limits_t    *limits;
    char                  id[33];          /* REQUEST_ID (nginx: 32 hex) */
    struct timespec       start;

    /* as received */
    unsigned              method;          /* SOUK_GET ... */
    const char           *method_name;
    const char           *uri;             /* REQUEST_URI, raw */
    const char           *full_path;       /* decoded, normalised */
    const char           *path;            /* full_path minus site prefix */
    const char           *query_string;
    const char           *host;            /* lower-case, no port */
    const char           *remote_addr;
    const char           *content_type;
    int                   https;
    int                   wants_json;

    souk_kv_t            *headers;   size_t nheaders;
    souk_kv_t            *query;     size_t nquery;
    souk_kv_t            *cookies;   size_t ncookies;
    souk_kv_t            *form;      size_t nform;
    souk_upload_t        *uploads;   size_t nuploads;
    souk_kv_t            *params;    size_t nparams;   /* route params */
    cJSON                *json;
    const char           *body;      size_t body_len;

    /* routing */
    const sk_site_t      *site;
    sk_enabled_t          enabled;
    const sk_route_t     *route;
    const char           *route_pattern;   /* for the access log */

    /* the answer */
    int                   status;
    const char           *error_msg;       /* for 4xx/5xx answers */
    cJSON                *view;
    const char           *tmpl;
    souk_kv_t            *resp_headers; size_t nresp_headers, resp_cap;
    const char           *out_body;  size_t out_len;
    const char           *out_type;

    /* whose code runs now, for log lines */
    const sk_plugin_t    *cur_plugin;

    /* session, signed-in user, API token (core/session.c, core/auth.c) */
    struct sk_session_s  *session;

    /* souk_view_theme: the theme this answer renders through instead of
     * the site's (admin pages wear "admin"), or NULL */
    const char           *theme;

    /* step 4: a command's or a job's request (core/synthetic.c): no
     * client, no session, souk_user_can is true */
    int                   command;
    /* its pool is its own, not the caller's: souk_request_pool_reset may
     * free it (a command request only) */
    int                   own_pool;
};

/*
 * Fills r from CGI-style "NAME=VALUE" params (FastCGI params or environ) and
 * the body read through rd/io. r->pool, r->rt and r->limits are set by the
 * caller. Returns 0 when the request is well formed, else an HTTP status
 * (400, 413, 414, 431) with r->error_msg saying why in one sentence. When the
 * body is over the cap it is read and discarded up to max_drain first, so
 * the web server sees a clean answer.
 */
int sk_request_parse(souk_request_t *r, char **envp, sk_read_pt rd, void *io);
/* Fills r->id with 16 random hex digits (a request without REQUEST_ID, a
 * command's or a job's). */
void sk_request_random_id(souk_request_t *r);

/* The pieces sk_request_parse uses, each fuzzed and unit-tested. */

/* Percent-decodes in place-safe fashion into pool memory. plus_space turns
 * '+' into ' ' (forms). NULL on a malformed escape or invalid UTF-8. */
char *sk_url_decode(souk_pool_t *p, const char *s, size_t n, int plus_space);
/* Non-zero when s[0..n) is valid UTF-8 without NUL bytes or overlongs. */
int sk_utf8_valid(const char *s, size_t n);
/* Decodes and normalises a path: collapses "//" and "/./"; a ".." segment
 * (also encoded) is refused. NULL when refused or malformed. */
char *sk_path_normalize(souk_pool_t *p, const char *raw, size_t n);
/* The same, with the reason for a refusal (one sentence) in *why. */
char *sk_path_normalize_why(souk_pool_t *p, const char *raw, size_t n,
    const char **why);
/* Parses a=1&b=2 pairs. Returns 0 or an HTTP status with *why set. */
int sk_urlencoded_parse(souk_pool_t *p, const char *s, size_t n,
    const sk_limits_t *l, souk_kv_t **out, size_t *nout, const char **why);
/* Parses a Cookie header. Malformed pairs are skipped, never fatal. */
int sk_cookies_parse(souk_pool_t *p, const char *s, souk_kv_t **out,
    size_t *nout);
/* Parses a multipart/form-data body with the boundary from content_type.
 * Text parts go to fields, file parts to uploads. 0 or an HTTP status. */
int sk_multipart_parse(souk_pool_t *p, const char *content_type,
    const char *body, size_t len, const sk_limits_t *l,
    souk_kv_t **fields, size_t *nfields,
    souk_upload_t **uploads, size_t *nuploads, const char **why);

/* ---------- router (core/router.c) ---------- */

sk_router_t *sk_router_create(void);
void sk_router_destroy(sk_router_t *rt);
/*
 * Adds a route owned by plugin owner (load index). On a bad pattern or a
 * duplicate method+pattern returns SOUK_ERROR with err filled (for a
 * duplicate: naming the owner index in *dup_owner, else -1).
 */
int sk_router_add(sk_router_t *rt, unsigned owner, unsigned methods,
    const char *pattern, souk_handler_pt h, void *data,
    int *dup_owner, char *err, size_t errlen);
/* Removes every route owned by owner (unwinding a failed init). */
void sk_router_remove_owner(sk_router_t *rt, unsigned owner);

typedef struct {
    const sk_route_t  *route;
    souk_handler_pt    handler;
    void              *data;
    unsigned           owner;
    const char        *pattern;
    unsigned           allow;     /* for 405: methods the path does take */
    unsigned           flags;     /* SOUK_ROUTE_NO_CSRF ... */
    const char        *perm;      /* souk_route_permission, or NULL */
} sk_match_t;

/*
 * Matches method + path among the routes of enabled plugins. Returns 200
 * (m->route set, r->params filled from the pool), 404, or 405 (m->allow
 * set; HEAD is allowed wherever GET is).
 */
int sk_router_match(const sk_router_t *rt, sk_enabled_t enabled,
    unsigned method, const char *path, souk_request_t *r, sk_match_t *m);

/* Calls fn for each route in match order (for `souk routes`). */
void sk_router_each(const sk_router_t *rt, sk_enabled_t enabled,
    void (*fn)(void *arg, unsigned owner, unsigned methods,
               const char *pattern), void *arg);

/* Names the route owner added last (souk_route_name). SOUK_ERROR with err
 * filled when the name is taken or owner added no unnamed route. */
int sk_router_name(sk_router_t *rt, unsigned owner, const char *name,
    char *err, size_t errlen);
/* The pattern of the route with that name among enabled plugins (NULL:
 * all), or NULL. */
const char *sk_router_named(const sk_router_t *rt, sk_enabled_t enabled,
    const char *name);

/* The load index of the plugin that added the route. */
unsigned sk_route_owner(const sk_route_t *route);

/* "GET, HEAD, POST" from a method set, into buf. */
const char *sk_methods_str(unsigned methods, char *buf, size_t len);

/* ---------- hooks (core/hook.c) ---------- */

#define SK_HOOK_ACTION  1
#define SK_HOOK_FILTER  2
#define SK_HOOK_SLOT    3

sk_hooks_t *sk_hooks_create(void);
void sk_hooks_destroy(sk_hooks_t *h);
/* Records one callback. Order is fixed by sk_hooks_sort. */
int sk_hooks_add(sk_hooks_t *h, int kind, const char *name, unsigned owner,
    int prio, void (*fn)(void), void *data);
void sk_hooks_remove_owner(sk_hooks_t *h, unsigned owner);
/* Sorts by (prio, owner load index, registration order); stable. */
void sk_hooks_sort(sk_hooks_t *h);
/* The run functions behind souk_action_run and friends. They set
 * r->cur_plugin around each callback. */
int sk_hooks_run_action(const sk_hooks_t *h, souk_request_t *r,
    const char *name, const cJSON *event);
int sk_hooks_run_filter(const sk_hooks_t *h, souk_request_t *r,
    const char *name, cJSON *value);
int sk_hooks_run_slot(const sk_hooks_t *h, souk_request_t *r,
    const char *name, const cJSON *model, souk_buf_t *out);
/* Calls fn for each callback, hooks by name then in run order. */
void sk_hooks_each(const sk_hooks_t *h, sk_enabled_t enabled,
    void (*fn)(void *arg, const char *name, int kind, int prio,
               unsigned owner, unsigned seq), void *arg);

/* ---------- plugins (core/plugin.c) ---------- */

/*
 * Loads the plugins named in cfg (from cfg's plugin_dir) into rt, ordered by
 * their requires, and runs each init. On any refusal (ABI mismatch, missing
 * requirement, cycle, duplicate name, duplicate route, failing init) fills
 * err with one line naming the plugin and returns SOUK_ERROR; what the
 * refused plugin registered is unwound.
 */
int sk_plugins_load(sk_runtime_t *rt, char *err, size_t errlen);
/* Runs fini in reverse order and dlcloses (only at process exit). */
void sk_plugins_unload(sk_runtime_t *rt);
/* Load index of a plugin by name, or -1. */
int sk_plugin_index(const sk_runtime_t *rt, const char *name);

/* ---------- database settings (core/config.c [database]; core/db*.c) ---- */

/* The [database] section. Strings are malloc'd and owned by the config.
 * sqlite: path (default var/souk.db next to souk.conf). mariadb: socket, or
 * host + port; user, password, name. See core/db_int.h for the API. */
typedef struct {
    int     driver;            /* SOUK_DB_SQLITE (default) / SOUK_DB_MARIADB */
    char   *path;
    char   *socket;
    char   *host;
    int     port;
    char   *user;
    char   *password;
    char   *name;
    int     apply_migrations;  /* 1: soukd applies pending ones at start */
    int     busy_timeout;      /* ms a write waits for a lock (SQLite) */
    int     lock_wait_timeout; /* s an InnoDB lock wait may take (MariaDB) */
} sk_db_conf_t;

/* ---------- outbox and mail (core/outbox.c, mail.c, deliver.c) ---------- */

typedef struct sk_mail_conf_s  sk_mail_conf_t;

/*
 * config.c hands each [mail] line to sk_mail_conf_set (dir: the config
 * file's folder, for relative paths) and calls sk_mail_conf_check once the
 * file is read (*mc may still be NULL: no [mail]). Both return SOUK_OK or
 * SOUK_ERROR with one sentence in why.
 */
int sk_mail_conf_set(sk_mail_conf_t **mc, const char *dir, const char *name,
    const char *value, char *why, size_t len);
int sk_mail_conf_check(sk_mail_conf_t *mc, char *why, size_t len);
void sk_mail_conf_free(sk_mail_conf_t *mc);
/* Non-zero when cfg names a mail transport: the master then runs one
 * delivery process (sk_deliver_run) beside the workers. */
int sk_deliver_wanted(const sk_config_t *cfg);
/* The delivery process's main: exit status. master as for workers. */
int sk_deliver_run(sk_config_t *cfg, pid_t master);

/* ---------- configuration and sites (core/config.c, core/site.c) ---------- */

struct sk_site_s {
    char           *id;
    char          **hosts;        /* "shop.example" or "shop.example/brand" */
    size_t          nhosts;
    char           *theme;
    char           *group;        /* shares accounts with; NULL: own id */
    char          **plugin_names;
    size_t          nplugin_names;
    unsigned char   enabled[SK_PLUGIN_MAX];
    souk_kv_t      *settings;
    size_t          nsettings;
};

struct sk_config_s {
    char           *path;
    char           *listen;        /* unix path, or host:port */
    int             socket_mode;   /* e.g. 0660 */
    char           *socket_group;  /* group owning the unix socket, or NULL */
    int             backlog;
    int             workers;
    int             drain_timeout; /* seconds before stragglers are killed */
    char           *plugin_dir;
    char          **plugins;       /* to load, in config order */
    size_t          nplugins;
    char           *access_log;    /* path, or NULL for none */
    char           *error_log;     /* path, or NULL for stderr */
    char           *pid_file;
    char           *default_site;  /* site id for unknown hosts, or NULL */
    sk_limits_t     limits;
    souk_kv_t      *settings;      /* [settings]: installation-wide */
    size_t          nsettings;
    sk_site_t      *sites;
    size_t          nsites;
    /* the file as read, so workers can tell when it changed */
    struct timespec file_mtime;
    off_t           file_size;
    /* older sites/settings replaced by sk_sites_refresh; kept alive until
     * sk_config_free because plugins may hold pointers into settings */
    sk_config_t    *retired;
    /* themes (step 2, core/theme.c and core/view.c) */
    char           *theme_dir;       /* NULL: the installed default */
    char           *plugin_data_dir; /* PLUGIN/templates/ live here */
    char           *assets_url;      /* URL prefix of theme assets */
    int             dev_mode;        /* re-read changed templates */
    sk_db_conf_t    db;              /* [database] (step 3) */
    sk_mail_conf_t *mail;            /* [mail] (step 3, core/mail.c) */
    /* step 4 */
    char           *media_dir;       /* uploads; NULL: var/media beside
                                      * souk.conf (core/media.c) */
    char           *media_url;       /* URL prefix nginx serves it at;
                                      * NULL: "/media" */
    int             jobs;            /* run the jobs process (default 1) */
    int             debug_headers;   /* X-Souk-Queries on answers */
};

/* Checks and normalises a "host" or "host/prefix" entry in place: NULL
 * when fine, else why not (for `souk site add` and souk.conf). */
const char *sk_config_host_check(char *e);

/* Parses a souk.conf. NULL with a one-line err ("FILE:LINE: why"). */
sk_config_t *sk_config_load(const char *path, char *err, size_t errlen);
void sk_config_free(sk_config_t *cfg);

/*
 * Sites as served: built from cfg against the loaded plugins (a site naming
 * a plugin that is not loaded is an error). Re-read by workers when the
 * config file changes, at most once a second, so changing a site's plugins
 * needs no restart.
 */
sk_sites_t *sk_sites_build(const sk_config_t *cfg, const sk_runtime_t *rt,
    char *err, size_t errlen);
void sk_sites_free(sk_sites_t *s);
/* The site for host + path, or the default site, or NULL. *prefix_len is
 * the length of the site's path prefix to strip from the path. */
const sk_site_t *sk_sites_resolve(const sk_sites_t *s, const char *host,
    const char *path, size_t *prefix_len);
size_t sk_sites_count(const sk_sites_t *s);
const sk_site_t *sk_sites_at(const sk_sites_t *s, size_t i);
/* Checks the config file's mtime (at most once a second) and rebuilds the
 * sites when it changed; a bad new file is logged and the old sites kept. */
void sk_sites_refresh(sk_runtime_t *rt);

/* ---------- answering (core/dispatch.c, core/respond.c) ---------- */

/* Runs a parsed request: site, request.begin, router, handler, view filter,
 * request.end. Leaves the answer in r. */
void sk_dispatch(souk_request_t *r);

/* Writes the answer (status line, headers incl. security headers, body) to
 * out. HEAD gets headers only. wr returns < 0 on failure (anything else,
 * e.g. the byte count, is success); sk_respond then returns SOUK_ERROR. */
typedef int (*sk_write_pt)(void *io, const char *buf, size_t n);
int sk_respond(souk_request_t *r, sk_write_pt wr, void *io);

/* Answers an error that happened before dispatch (a parse failure). */
void sk_request_fail(souk_request_t *r, int status, const char *msg);

/* ---------- sessions, CSRF, permissions (core/session.c, core/auth.c) */

typedef struct sk_session_s  sk_session_t;

/*
 * Runs before the handler of a matched route: an API token (Authorization:
 * Bearer) stands for its user; a route with a permission needs a user who
 * holds it (401 anonymous, 403 otherwise); a POST, PUT, PATCH or DELETE
 * needs the session's CSRF token unless the route has SOUK_ROUTE_NO_CSRF or
 * an API token authenticated it (403). Returns 0 to go on, or the status
 * with r->error_msg set.
 */
int sk_session_check(souk_request_t *r, unsigned route_flags,
    const char *perm);
/* After the handler: Set-Cookie when the session id is new, its expiry
 * slid, or it ended. */
void sk_session_finish(souk_request_t *r);
/* Route options (souk_route_flags, souk_route_permission) for the route
 * owner added last; SOUK_ERROR with err filled when there is none. */
int sk_router_options(sk_router_t *rt, unsigned owner, unsigned flags,
    const char *perm, char *err, size_t errlen);
/* Whether a registration call comes from a running init (registry.c). */
int sk_registry_check(const souk_plugin_ctx_t *ctx, const char *fn);
/* Drops the permissions and role grants a refused plugin declared. */
void sk_auth_remove_owner(unsigned owner);
/* Logs a refused registration; returns SOUK_ERROR (registry.c). */
int sk_registry_fail(const souk_plugin_ctx_t *ctx, const char *why);

/* ---------- step 4: commands and jobs (core/command.c, core/job.c,
 * core/synthetic.c, core/jobs_run.c) ---------- */

/*
 * A request with no client, bound to site (NULL: none), for a plugin
 * command or a job: method "CLI", path "/", no session (souk_session_*
 * decline), souk_user_can true, souk_request_is_command true. Allocated
 * from pool; lives until the pool is reset.
 */
souk_request_t *sk_request_synthetic(sk_runtime_t *rt, const sk_site_t *site,
    souk_pool_t *pool);

typedef struct {
    const char        *verb;
    const char        *noun;       /* NULL: `souk VERB ARGS` */
    const char        *usage;
    const char        *summary;
    souk_command_pt    fn;
    void              *data;
    unsigned           owner;      /* plugin load index */
} sk_command_t;

/* Non-zero when verb is one of the `souk` tool's own commands. */
int sk_command_builtin(const char *verb);
/* The command of a loaded plugin for VERB [NOUN]: a VERB NOUN pair is
 * preferred; *used gets how many words matched (1 or 2). NULL: none. */
const sk_command_t *sk_command_find(const sk_runtime_t *rt, int argc,
    char **argv, int *used);
/* Commands of rt's loaded plugins, in registration order. */
size_t sk_commands_count(const sk_runtime_t *rt);
const sk_command_t *sk_command_at(const sk_runtime_t *rt, size_t i);

typedef struct {
    const char        *name;       /* "PLUGIN.WHAT" */
    unsigned           every;      /* seconds */
    souk_job_pt        fn;
    void              *data;
    unsigned           owner;
} sk_job_t;

size_t sk_jobs_count(const sk_runtime_t *rt);
const sk_job_t *sk_job_at(const sk_runtime_t *rt, size_t i);
const sk_job_t *sk_job_find(const sk_runtime_t *rt, const char *name);

#define SK_JOB_RAN       0     /* ran and succeeded */
#define SK_JOB_FAILED    1     /* ran and returned an error */
#define SK_JOB_NOT_DUE   2     /* not due, or another host holds it */
#define SK_JOB_DB_ERROR  3     /* the lease could not be read or taken */

/*
 * Runs job for site once if it is due (force: whether due or not) and no
 * live lease of another runner holds it: takes the lease in souk_jobs,
 * runs fn on a synthetic request from pool (reset afterwards), records
 * the result and the next turn. who names this runner (host:pid).
 * *was_ok (may be NULL) gets whether the previous run had succeeded.
 */
int sk_job_run_site(sk_runtime_t *rt, const sk_job_t *job,
    const sk_site_t *site, souk_pool_t *pool, const char *who, int force,
    int *was_ok);

/* The jobs process (core/jobs_run.c): whether cfg wants it, and its main
 * (exit status; master as for workers). */
int sk_jobs_wanted(const sk_config_t *cfg);
int sk_jobs_run(sk_config_t *cfg, pid_t master);

/* ---------- logs (core/log.c) ---------- */

int sk_log_open(const char *error_log, const char *access_log);
/* Reopens both files (SIGUSR1, log rotation). */
int sk_log_reopen(void);
void sk_log_access(const souk_request_t *r, long duration_us);
void sk_log_msg(int level, const char *fmt, ...) SOUK_PRINTF(2, 3);

#endif /* SOUK_CORE_INTERNAL_H */

/* Reads souk.conf (docs/configuration.md) into an sk_config_t with inih. */
#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#include <ini.h>

#include "souk_core.h"
#include "theme.h"

#ifndef SOUK_THEME_DIR
#define SOUK_THEME_DIR "/usr/local/share/souk/themes"
#endif

#ifndef SOUK_PLUGIN_DIR
#define SOUK_PLUGIN_DIR "/usr/local/lib/souk/plugins"
#endif

/*
 * inih (as Debian builds it) does not pass line numbers to the handler, so
 * we feed it lines through our own reader and count them: inih asks for
 * exactly one line per call, so our count is the line being handled. The
 * reader also catches lines longer than inih's 200-byte buffer, which inih
 * would otherwise split silently into two lines.
 */
typedef struct {
    sk_config_t  *cfg;
    const char   *file;          /* as given, for messages */
    char         *dir;           /* absolute folder of the file */
    FILE         *fp;
    char         *buf;
    size_t        bufcap;
    int           line;          /* lines handed to inih so far */
    int           err_line;      /* first error we found, 0: none */
    char          why[256];
    int           default_line;  /* where default_site was set */
    int           theme_dir_line;
    int           mail_line;     /* the first line of [mail] */
    struct {                     /* theme.KEY lines, checked at the end */
        char     *site;
        char     *key;
        int       line;
    }            *tkeys;
    size_t        ntkeys;
} sk_cfg_parse_t;

static void *
sk_cfg_realloc(void *p, size_t n)
{
    p = realloc(p, n);
    if (p == NULL) {
        abort();
    }
    return p;
}

static char *
sk_cfg_strdup(const char *s)
{
    size_t  n = strlen(s) + 1;

    return memcpy(sk_cfg_realloc(NULL, n), s, n);
}

static void
sk_cfg_fail(sk_cfg_parse_t *ps, const char *fmt, ...) SOUK_PRINTF(2, 3);

static void
sk_cfg_fail(sk_cfg_parse_t *ps, const char *fmt, ...)
{
    va_list  ap;

    if (ps->err_line != 0) {
        return;
    }
    ps->err_line = ps->line > 0 ? ps->line : 1;
    va_start(ap, fmt);
    vsnprintf(ps->why, sizeof(ps->why), fmt, ap);
    va_end(ap);
}

static char *
sk_cfg_reader(char *str, int num, void *stream)
{
    sk_cfg_parse_t  *ps = stream;
    ssize_t          n;

    n = getline(&ps->buf, &ps->bufcap, ps->fp);
    if (n < 0) {
        return NULL;
    }
    ps->line++;
    if (n > 0 && ps->buf[n - 1] == '\n') {
        n--;
    }
    if (n >= num - 1) {
        sk_cfg_fail(ps, "line longer than %d bytes (split a list over "
                    "several lines with the same key)", num - 2);
        n = 0;
    }
    memcpy(str, ps->buf, (size_t) n);
    str[n] = '\n';
    str[n + 1] = '\0';
    return str;
}

/* Parses a whole number in [min, max]; base 8 for modes. */
static int
sk_cfg_number(sk_cfg_parse_t *ps, const char *name, const char *value,
    int base, long long min, long long max, long long *out)
{
    char       *end;
    long long   v;

    errno = 0;
    v = strtoll(value, &end, base);
    if (value[0] == '\0' || *end != '\0' || errno != 0 || v < min
        || v > max)
    {
        sk_cfg_fail(ps, "bad number \"%s\" for %s (expected %s%lld to %lld)",
                    value, name, base == 8 ? "octal " : "", min, max);
        return SOUK_ERROR;
    }
    *out = v;
    return SOUK_OK;
}

/* A path from the file, taken relative to the file's folder; "" is NULL. */
static void
sk_cfg_path(sk_cfg_parse_t *ps, char **dst, const char *value)
{
    size_t  n;

    free(*dst);
    *dst = NULL;
    if (value[0] == '\0') {
        return;
    }
    if (value[0] == '/') {
        *dst = sk_cfg_strdup(value);
        return;
    }
    n = strlen(ps->dir) + 1 + strlen(value) + 1;
    *dst = sk_cfg_realloc(NULL, n);
    snprintf(*dst, n, "%s/%s", ps->dir, value);
}

/* Appends each space- or comma-separated item of value to a list. */
static void
sk_cfg_list(char ***list, size_t *n, const char *value)
{
    const char  *p = value, *start;
    size_t       len;

    for (;;) {
        p += strspn(p, " \t,");
        if (*p == '\0') {
            return;
        }
        start = p;
        len = strcspn(p, " \t,");
        p += len;
        *list = sk_cfg_realloc(*list, (*n + 1) * sizeof(char *));
        (*list)[*n] = sk_cfg_realloc(NULL, len + 1);
        memcpy((*list)[*n], start, len);
        (*list)[*n][len] = '\0';
        (*n)++;
    }
}

/* A setting; a repeated key continues the value after a space. */
static void
sk_cfg_setting(souk_kv_t **kv, size_t *n, const char *name,
    const char *value)
{
    size_t   i, len;
    char    *v;

    for (i = 0; i < *n; i++) {
        if (strcmp((*kv)[i].name, name) == 0) {
            len = strlen((*kv)[i].value) + 1 + strlen(value) + 1;
            v = sk_cfg_realloc((char *) (*kv)[i].value, len);
            strcat(v, " ");
            strcat(v, value);
            (*kv)[i].value = v;
            return;
        }
    }
    *kv = sk_cfg_realloc(*kv, (*n + 1) * sizeof(souk_kv_t));
    (*kv)[*n].name = sk_cfg_strdup(name);
    (*kv)[*n].value = sk_cfg_strdup(value);
    (*n)++;
}

static int
sk_cfg_server(sk_cfg_parse_t *ps, const char *name, const char *value)
{
    sk_config_t  *cfg = ps->cfg;
    long long     v;

    if (strcmp(name, "listen") == 0) {
        /* A TCP address has a colon; anything else is a socket path. */
        if (value[0] != '/' && strchr(value, ':') != NULL) {
            free(cfg->listen);
            cfg->listen = sk_cfg_strdup(value);
        } else {
            sk_cfg_path(ps, &cfg->listen, value);
        }
    } else if (strcmp(name, "socket_mode") == 0) {
        if (sk_cfg_number(ps, name, value, 8, 0, 0777, &v) != SOUK_OK) {
            return SOUK_ERROR;
        }
        cfg->socket_mode = (int) v;
    } else if (strcmp(name, "socket_group") == 0) {
        free(cfg->socket_group);
        cfg->socket_group = value[0] ? sk_cfg_strdup(value) : NULL;
    } else if (strcmp(name, "backlog") == 0) {
        if (sk_cfg_number(ps, name, value, 10, 1, 65535, &v) != SOUK_OK) {
            return SOUK_ERROR;
        }
        cfg->backlog = (int) v;
    } else if (strcmp(name, "workers") == 0) {
        if (sk_cfg_number(ps, name, value, 10, 1, 1024, &v) != SOUK_OK) {
            return SOUK_ERROR;
        }
        cfg->workers = (int) v;
    } else if (strcmp(name, "drain_timeout") == 0) {
        if (sk_cfg_number(ps, name, value, 10, 0, 86400, &v) != SOUK_OK) {
            return SOUK_ERROR;
        }
        cfg->drain_timeout = (int) v;
    } else if (strcmp(name, "plugin_dir") == 0) {
        sk_cfg_path(ps, &cfg->plugin_dir, value[0] ? value : SOUK_PLUGIN_DIR);
    } else if (strcmp(name, "plugins") == 0) {
        sk_cfg_list(&cfg->plugins, &cfg->nplugins, value);
    } else if (strcmp(name, "error_log") == 0) {
        sk_cfg_path(ps, &cfg->error_log, value);
    } else if (strcmp(name, "access_log") == 0) {
        sk_cfg_path(ps, &cfg->access_log, value);
    } else if (strcmp(name, "pid_file") == 0) {
        sk_cfg_path(ps, &cfg->pid_file, value);
    } else if (strcmp(name, "theme_dir") == 0) {
        sk_cfg_path(ps, &cfg->theme_dir, value);
        ps->theme_dir_line = ps->line;
    } else if (strcmp(name, "plugin_data_dir") == 0) {
        sk_cfg_path(ps, &cfg->plugin_data_dir, value);
    } else if (strcmp(name, "assets_url") == 0) {
        if (value[0] != '/') {
            sk_cfg_fail(ps, "assets_url must start with \"/\"");
            return SOUK_ERROR;
        }
        free(cfg->assets_url);
        cfg->assets_url = sk_cfg_strdup(value);
    } else if (strcmp(name, "dev_mode") == 0) {
        if (sk_cfg_number(ps, name, value, 10, 0, 1, &v) != SOUK_OK) {
            return SOUK_ERROR;
        }
        cfg->dev_mode = (int) v;
    } else if (strcmp(name, "media_dir") == 0) {
        sk_cfg_path(ps, &cfg->media_dir, value);
    } else if (strcmp(name, "media_url") == 0) {
        if (value[0] != '/') {
            sk_cfg_fail(ps, "media_url must start with \"/\"");
            return SOUK_ERROR;
        }
        free(cfg->media_url);
        cfg->media_url = sk_cfg_strdup(value);
    } else if (strcmp(name, "jobs") == 0 || strcmp(name, "debug_headers") == 0)
    {
        if (strcmp(value, "yes") == 0 || strcmp(value, "1") == 0) {
            v = 1;
        } else if (strcmp(value, "no") == 0 || strcmp(value, "0") == 0) {
            v = 0;
        } else {
            sk_cfg_fail(ps, "%s must be yes or no", name);
            return SOUK_ERROR;
        }
        *(name[0] == 'j' ? &cfg->jobs : &cfg->debug_headers) = (int) v;
    } else if (strcmp(name, "default_site") == 0) {
        free(cfg->default_site);
        cfg->default_site = value[0] ? sk_cfg_strdup(value) : NULL;
        ps->default_line = ps->line;
    } else {
        sk_cfg_fail(ps, "unknown key \"%s\" in [server]", name);
        return SOUK_ERROR;
    }
    return SOUK_OK;
}

static const struct {
    const char  *name;
    size_t       off;
    int          is_int;
    long long    min, max;
} sk_cfg_limits[] = {
    { "max_body", offsetof(sk_limits_t, max_body), 0, 0, LLONG_MAX / 2 },
    { "max_drain", offsetof(sk_limits_t, max_drain), 0, 0, LLONG_MAX / 2 },
    { "max_params", offsetof(sk_limits_t, max_params), 0, 0, 1000000 },
    { "max_param_len", offsetof(sk_limits_t, max_param_len), 0, 1,
      LLONG_MAX / 2 },
    { "max_headers", offsetof(sk_limits_t, max_headers), 0, 1, 100000 },
    { "max_header_len", offsetof(sk_limits_t, max_header_len), 0, 1,
      LLONG_MAX / 2 },
    { "max_uri_len", offsetof(sk_limits_t, max_uri_len), 0, 1,
      LLONG_MAX / 2 },
    { "max_uploads", offsetof(sk_limits_t, max_uploads), 0, 0, 100000 },
    { "max_json_depth", offsetof(sk_limits_t, max_json_depth), 1, 1, 1000 },
};

static int
sk_cfg_limit(sk_cfg_parse_t *ps, const char *name, const char *value)
{
    size_t      i;
    long long   v;
    char       *field;

    for (i = 0; i < sizeof(sk_cfg_limits) / sizeof(sk_cfg_limits[0]); i++) {
        if (strcmp(name, sk_cfg_limits[i].name) != 0) {
            continue;
        }
        if (sk_cfg_number(ps, name, value, 10, sk_cfg_limits[i].min,
                          sk_cfg_limits[i].max, &v) != SOUK_OK)
        {
            return SOUK_ERROR;
        }
        field = (char *) &ps->cfg->limits + sk_cfg_limits[i].off;
        if (sk_cfg_limits[i].is_int) {
            *(int *) (void *) field = (int) v;
        } else {
            *(size_t *) (void *) field = (size_t) v;
        }
        return SOUK_OK;
    }
    sk_cfg_fail(ps, "unknown key \"%s\" in [limits]", name);
    return SOUK_ERROR;
}

/* Finds the site with that id, or adds it (a section may repeat). */
static sk_site_t *
sk_cfg_site(sk_config_t *cfg, const char *id)
{
    size_t      i;
    sk_site_t  *s;

    for (i = 0; i < cfg->nsites; i++) {
        if (strcmp(cfg->sites[i].id, id) == 0) {
            return &cfg->sites[i];
        }
    }
    cfg->sites = sk_cfg_realloc(cfg->sites,
                                (cfg->nsites + 1) * sizeof(sk_site_t));
    s = &cfg->sites[cfg->nsites++];
    memset(s, 0, sizeof(*s));
    s->id = sk_cfg_strdup(id);
    return s;
}

/*
 * Checks and normalises one "host" or "host/prefix" entry in place: the
 * host lower-cased, the prefix without a trailing slash. The request parser
 * hands us a lower-case host without port and a normalised path, so the
 * entry must be in that form to ever match.
 */
const char *
sk_config_host_check(char *e)
{
    char    *p, *slash = strchr(e, '/');
    size_t   len;

    if (slash == e) {
        return "has no host before the path";
    }
    /* Requests carry the host without its port ("[::1]" keeps colons). */
    p = strchr(e, ':');
    if (p != NULL && (slash == NULL || p < slash) && e[0] != '[') {
        return "has a port (hosts are matched without one)";
    }
    for (p = e; *p != '\0' && p != slash; p++) {
        *p = (char) tolower((unsigned char) *p);
        if (!(isalnum((unsigned char) *p) || strchr("-._[]:", *p) != NULL)) {
            return "is not a host name";
        }
    }
    if (slash == NULL) {
        return NULL;
    }
    len = strlen(slash);
    while (len > 1 && slash[len - 1] == '/') {
        slash[--len] = '\0';
    }
    if (len == 1) {
        *slash = '\0';
        return NULL;
    }
    if (strstr(slash, "//") != NULL || strstr(slash, "/./") != NULL
        || strstr(slash, "/../") != NULL
        || (len >= 2 && strcmp(slash + len - 2, "/.") == 0)
        || (len >= 3 && strcmp(slash + len - 3, "/..") == 0))
    {
        return "has a path prefix that is not normalised";
    }
    return NULL;
}

static int
sk_cfg_hosts(sk_cfg_parse_t *ps, sk_site_t *site, const char *value)
{
    size_t       first = site->nhosts, i, j, k;
    const char  *why;
    sk_config_t *cfg = ps->cfg;

    sk_cfg_list(&site->hosts, &site->nhosts, value);
    for (i = first; i < site->nhosts; i++) {
        why = sk_config_host_check(site->hosts[i]);
        if (why != NULL) {
            sk_cfg_fail(ps, "site %s: host \"%s\" %s", site->id,
                        site->hosts[i], why);
            return SOUK_ERROR;
        }
        for (j = 0; j < cfg->nsites; j++) {
            for (k = 0; k < cfg->sites[j].nhosts; k++) {
                if (&cfg->sites[j] == site && k == i) {
                    continue;
                }
                if (strcmp(cfg->sites[j].hosts[k], site->hosts[i]) == 0) {
                    sk_cfg_fail(ps, "host \"%s\" is already served by site %s",
                                site->hosts[i], cfg->sites[j].id);
                    return SOUK_ERROR;
                }
            }
        }
    }
    return SOUK_OK;
}

static int
sk_cfg_site_key(sk_cfg_parse_t *ps, const char *id, const char *name,
    const char *value)
{
    sk_site_t   *site;
    const char  *p;

    for (p = id; *p != '\0'; p++) {
        if (!(isalnum((unsigned char) *p) || *p == '_' || *p == '-')) {
            break;
        }
    }
    if (id[0] == '\0' || *p != '\0') {
        sk_cfg_fail(ps, "bad site id \"%s\" (letters, digits, _ and -)", id);
        return SOUK_ERROR;
    }
    site = sk_cfg_site(ps->cfg, id);
    if (strcmp(name, "hosts") == 0) {
        return sk_cfg_hosts(ps, site, value);
    }
    if (strcmp(name, "plugins") == 0) {
        sk_cfg_list(&site->plugin_names, &site->nplugin_names, value);
    } else if (strcmp(name, "theme") == 0) {
        free(site->theme);
        site->theme = sk_cfg_strdup(value);
    } else if (strcmp(name, "group") == 0) {
        /* sites of a group share customer accounts */
        free(site->group);
        site->group = sk_cfg_strdup(value);
    } else {
        if (strncmp(name, "theme.", 6) == 0) {
            ps->tkeys = sk_cfg_realloc(ps->tkeys, (ps->ntkeys + 1)
                                                  * sizeof(*ps->tkeys));
            ps->tkeys[ps->ntkeys].site = sk_cfg_strdup(id);
            ps->tkeys[ps->ntkeys].key = sk_cfg_strdup(name + 6);
            ps->tkeys[ps->ntkeys++].line = ps->line;
        }
        sk_cfg_setting(&site->settings, &site->nsettings, name, value);
    }
    return SOUK_OK;
}

static const char *
sk_cfg_site_value(const sk_site_t *site, const char *name)
{
    size_t  i;

    for (i = 0; i < site->nsettings; i++) {
        if (strcmp(site->settings[i].name, name) == 0) {
            return site->settings[i].value;
        }
    }
    return NULL;
}

/*
 * Each site's theme must load and its theme.KEY settings must fit the
 * theme's schema, so a typo is a start-up error, not a wrong page. Without
 * theme_dir a theme that is not installed is not an error: the site then
 * gets the built-in page.
 */
static void
sk_cfg_check_themes(sk_cfg_parse_t *ps)
{
    sk_config_t  *cfg = ps->cfg;
    sk_themes_t  *ts;
    sk_theme_t   *t;
    sk_site_t    *site;
    size_t        i, k;
    char          err[512], full[160];
    const char   *v;

    ts = sk_themes_create(cfg->theme_dir ? cfg->theme_dir : SOUK_THEME_DIR,
                          cfg->assets_url);
    for (i = 0; i < cfg->nsites && ps->err_line == 0; i++) {
        site = &cfg->sites[i];
        if (site->theme == NULL || site->theme[0] == '\0') {
            continue;
        }
        t = sk_theme_get(ts, site->theme, err, sizeof(err));
        if (t == NULL) {
            if (cfg->theme_dir != NULL) {
                ps->line = ps->theme_dir_line;
                sk_cfg_fail(ps, "site %s: %s", site->id, err);
            }
            continue;
        }
        for (k = 0; k < ps->ntkeys && ps->err_line == 0; k++) {
            if (strcmp(ps->tkeys[k].site, site->id) != 0) {
                continue;
            }
            snprintf(full, sizeof(full), "theme.%s", ps->tkeys[k].key);
            v = sk_cfg_site_value(site, full);
            if (v != NULL && sk_theme_setting_check(t, ps->tkeys[k].key, v,
                                 err, sizeof(err)) != SOUK_OK)
            {
                ps->line = ps->tkeys[k].line;
                sk_cfg_fail(ps, "site %s: %s: %s", site->id, full, err);
            }
        }
    }
    sk_themes_destroy(ts);
}

/* [database] (step 3, core/db*.c): which engine, and where. */
static int
sk_cfg_database(sk_cfg_parse_t *ps, const char *name, const char *value)
{
    sk_db_conf_t  *db = &ps->cfg->db;
    char         **str = NULL;
    long long      v;

    if (strcmp(name, "driver") == 0) {
        if (strcmp(value, "sqlite") == 0) {
            db->driver = SOUK_DB_SQLITE;
        } else if (strcmp(value, "mariadb") == 0) {
            db->driver = SOUK_DB_MARIADB;
        } else {
            sk_cfg_fail(ps, "driver \"%s\" is not sqlite or mariadb", value);
            return SOUK_ERROR;
        }
    } else if (strcmp(name, "path") == 0) {
        sk_cfg_path(ps, &db->path, value);
    } else if (strcmp(name, "socket") == 0) {
        sk_cfg_path(ps, &db->socket, value);
    } else if (strcmp(name, "port") == 0) {
        if (sk_cfg_number(ps, name, value, 10, 1, 65535, &v) != SOUK_OK) {
            return SOUK_ERROR;
        }
        db->port = (int) v;
    } else if (strcmp(name, "busy_timeout") == 0
               || strcmp(name, "lock_wait_timeout") == 0)
    {
        if (sk_cfg_number(ps, name, value, 10, 1, 3600000, &v) != SOUK_OK) {
            return SOUK_ERROR;
        }
        *(name[0] == 'b' ? &db->busy_timeout : &db->lock_wait_timeout) =
            (int) v;
    } else if (strcmp(name, "apply_migrations") == 0) {
        if (strcmp(value, "yes") == 0 || strcmp(value, "1") == 0) {
            db->apply_migrations = 1;
        } else if (strcmp(value, "no") == 0 || strcmp(value, "0") == 0) {
            db->apply_migrations = 0;
        } else {
            sk_cfg_fail(ps, "apply_migrations must be yes or no");
            return SOUK_ERROR;
        }
    } else if (strcmp(name, "host") == 0) {
        str = &db->host;
    } else if (strcmp(name, "user") == 0) {
        str = &db->user;
    } else if (strcmp(name, "password") == 0) {
        str = &db->password;
    } else if (strcmp(name, "name") == 0) {
        str = &db->name;
    } else {
        sk_cfg_fail(ps, "unknown key \"%s\" in [database]", name);
        return SOUK_ERROR;
    }
    if (str != NULL) {
        free(*str);
        *str = value[0] != '\0' ? sk_cfg_strdup(value) : NULL;
    }
    return SOUK_OK;
}

/* [mail] (step 3): the outbox's transport, read by core/mail.c. */
static int
sk_cfg_mail(sk_cfg_parse_t *ps, const char *name, const char *value)
{
    char  why[256];

    if (ps->mail_line == 0) {
        ps->mail_line = ps->line;
    }
    if (sk_mail_conf_set(&ps->cfg->mail, ps->dir, name, value, why,
                         sizeof(why)) != SOUK_OK)
    {
        sk_cfg_fail(ps, "%s", why);
        return SOUK_ERROR;
    }
    return SOUK_OK;
}

static int
sk_cfg_handler(void *user, const char *section, const char *name,
    const char *value)
{
    sk_cfg_parse_t  *ps = user;
    int              rc;

    if (ps->err_line != 0) {
        return 1;               /* only the first error is reported */
    }
    if (strcmp(section, "server") == 0) {
        rc = sk_cfg_server(ps, name, value);
    } else if (strcmp(section, "limits") == 0) {
        rc = sk_cfg_limit(ps, name, value);
    } else if (strcmp(section, "settings") == 0) {
        sk_cfg_setting(&ps->cfg->settings, &ps->cfg->nsettings, name, value);
        rc = SOUK_OK;
    } else if (strncmp(section, "site:", 5) == 0) {
        rc = sk_cfg_site_key(ps, section + 5, name, value);
    } else if (strcmp(section, "database") == 0) {
        rc = sk_cfg_database(ps, name, value);
    } else if (strcmp(section, "mail") == 0) {
        rc = sk_cfg_mail(ps, name, value);
    } else if (section[0] == '\0') {
        sk_cfg_fail(ps, "\"%s\" is outside any [section]", name);
        rc = SOUK_ERROR;
    } else {
        sk_cfg_fail(ps, "unknown section [%s]", section);
        rc = SOUK_ERROR;
    }
    return rc == SOUK_OK;
}

static void
sk_cfg_defaults(sk_config_t *cfg)
{
    cfg->socket_mode = 0660;
    cfg->backlog = 128;
    cfg->workers = 2;
    cfg->jobs = 1;
    cfg->drain_timeout = 30;
    cfg->plugin_dir = sk_cfg_strdup(SOUK_PLUGIN_DIR);
    sk_limits_default(&cfg->limits);
    cfg->db.driver = SOUK_DB_SQLITE;
}

/* Opens the file and sets up paths: cfg->path and the folder, absolute, so
 * a worker that changed directory still finds both. */
static int
sk_cfg_open(sk_cfg_parse_t *ps, const char *path, char *err, size_t errlen)
{
    struct stat   st;
    char         *slash;

    ps->fp = fopen(path, "re");
    if (ps->fp == NULL || fstat(fileno(ps->fp), &st) != 0) {
        snprintf(err, errlen, "%s: %s", path, strerror(errno));
        return SOUK_ERROR;
    }
    ps->cfg->path = realpath(path, NULL);
    if (ps->cfg->path == NULL) {
        snprintf(err, errlen, "%s: %s", path, strerror(errno));
        return SOUK_ERROR;
    }
    ps->cfg->file_mtime = st.st_mtim;
    ps->cfg->file_size = st.st_size;
    ps->dir = sk_cfg_strdup(ps->cfg->path);
    slash = strrchr(ps->dir, '/');
    slash[slash == ps->dir ? 1 : 0] = '\0';
    return SOUK_OK;
}

sk_config_t *
sk_config_load(const char *path, char *err, size_t errlen)
{
    sk_cfg_parse_t  ps;
    int             line;

    memset(&ps, 0, sizeof(ps));
    ps.file = path;
    ps.cfg = sk_cfg_realloc(NULL, sizeof(sk_config_t));
    memset(ps.cfg, 0, sizeof(sk_config_t));
    sk_cfg_defaults(ps.cfg);

    if (sk_cfg_open(&ps, path, err, errlen) == SOUK_OK) {
        line = ini_parse_stream(sk_cfg_reader, &ps, sk_cfg_handler, &ps);
        if (line > 0 && (ps.err_line == 0 || line < ps.err_line)) {
            ps.err_line = line;
            snprintf(ps.why, sizeof(ps.why), "syntax error (expected "
                     "[section] or name = value)");
        } else if (line < 0) {
            ps.err_line = 1;
            snprintf(ps.why, sizeof(ps.why), "cannot read the file");
        }
        if (ps.err_line == 0) {
            sk_cfg_check_themes(&ps);
        }
        if (ps.err_line == 0
            && sk_mail_conf_check(ps.cfg->mail, ps.why, sizeof(ps.why))
               != SOUK_OK)
        {
            ps.err_line = ps.mail_line;
        }
        if (ps.err_line == 0 && ps.cfg->db.driver != SOUK_DB_MARIADB
            && ps.cfg->db.path == NULL)
        {
            /* The newcomer's default: SQLite in var/ next to the file. */
            sk_cfg_path(&ps, &ps.cfg->db.path, "var/souk.db");
        }
        if (ps.err_line == 0 && ps.cfg->default_site != NULL) {
            size_t  i;

            for (i = 0; i < ps.cfg->nsites; i++) {
                if (strcmp(ps.cfg->sites[i].id, ps.cfg->default_site) == 0) {
                    break;
                }
            }
            if (i == ps.cfg->nsites) {
                ps.err_line = ps.default_line;
                snprintf(ps.why, sizeof(ps.why), "default_site \"%s\" has "
                         "no [site:%s] section", ps.cfg->default_site,
                         ps.cfg->default_site);
            }
        }
        if (ps.err_line != 0) {
            snprintf(err, errlen, "%s:%d: %s", path, ps.err_line, ps.why);
        }
    } else {
        ps.err_line = -1;
    }
    if (ps.fp != NULL) {
        fclose(ps.fp);
    }
    free(ps.buf);
    free(ps.dir);
    for (size_t k = 0; k < ps.ntkeys; k++) {
        free(ps.tkeys[k].site);
        free(ps.tkeys[k].key);
    }
    free(ps.tkeys);
    if (ps.err_line != 0) {
        sk_config_free(ps.cfg);
        return NULL;
    }
    return ps.cfg;
}

static void
sk_cfg_free_list(char **list, size_t n)
{
    size_t  i;

    for (i = 0; i < n; i++) {
        free(list[i]);
    }
    free(list);
}

static void
sk_cfg_free_kv(souk_kv_t *kv, size_t n)
{
    size_t  i;

    for (i = 0; i < n; i++) {
        free((char *) kv[i].name);
        free((char *) kv[i].value);
    }
    free(kv);
}

void
sk_config_free(sk_config_t *cfg)
{
    sk_config_t  *next;
    size_t        i;

    for (; cfg != NULL; cfg = next) {
        next = cfg->retired;
        for (i = 0; i < cfg->nsites; i++) {
            free(cfg->sites[i].id);
            sk_cfg_free_list(cfg->sites[i].hosts, cfg->sites[i].nhosts);
            free(cfg->sites[i].theme);
            free(cfg->sites[i].group);
            sk_cfg_free_list(cfg->sites[i].plugin_names,
                             cfg->sites[i].nplugin_names);
            sk_cfg_free_kv(cfg->sites[i].settings, cfg->sites[i].nsettings);
        }
        free(cfg->sites);
        sk_cfg_free_kv(cfg->settings, cfg->nsettings);
        free(cfg->db.path);
        free(cfg->db.socket);
        free(cfg->db.host);
        free(cfg->db.user);
        free(cfg->db.password);
        free(cfg->db.name);
        sk_mail_conf_free(cfg->mail);
        sk_cfg_free_list(cfg->plugins, cfg->nplugins);
        free(cfg->path);
        free(cfg->listen);
        free(cfg->socket_group);
        free(cfg->plugin_dir);
        free(cfg->access_log);
        free(cfg->error_log);
        free(cfg->pid_file);
        free(cfg->default_site);
        free(cfg->theme_dir);
        free(cfg->plugin_data_dir);
        free(cfg->assets_url);
        free(cfg->media_dir);
        free(cfg->media_url);
        free(cfg);
    }
}

/* `souk plugins` and `souk plugin check FILE.so`: what is installed, what
 * loads, and what one plugin would register. */
#define _GNU_SOURCE
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "souk_core.h"
#include "plugin_int.h"
#include "cli.h"

#define SK_CHECK_MAX  64   /* the plugin and what it requires, transitively */

/* A plugin's name from NAME.so in a listing, or 0 when it is no .so. */
static int
sk_so_name(const char *file, char *name, size_t len)
{
    size_t  n = strlen(file);

    if (n <= 3 || strcmp(file + n - 3, ".so") != 0 || n - 3 >= len) {
        return 0;
    }
    memcpy(name, file, n - 3);
    name[n - 3] = '\0';
    return 1;
}

static int
sk_so_filter(const struct dirent *d)
{
    char  name[256];

    return sk_so_name(d->d_name, name, sizeof(name));
}

static void
sk_plugin_row(const char *name, const souk_plugin_t *d, const char *state,
    const char *why)
{
    const char  *version = d != NULL && d->version ? d->version : "-";
    const char  *summary = d != NULL && d->summary ? d->summary : "";

    printf("%-20s %-10s %-16s %s\n", name, version, state, summary);
    if (why != NULL) {
        printf("    %s\n", why);
    }
}

/* One plugin of `souk plugins`: its state comes from the configured load,
 * its version and summary from the file itself. */
static void
sk_plugins_show(sk_cli_t *cli, const char *name, int configured, int load_rc)
{
    const sk_plugin_t  *lp = NULL;
    sk_plugin_t        *p;
    char                path[4096], err[1024], mark[1100];
    int                 idx = sk_plugin_index(&cli->rt, name);

    if (idx >= 0) {
        lp = cli->rt.plugins[idx];
    }
    if (lp != NULL && lp->inited) {
        sk_plugin_row(name, lp->desc, "loaded", NULL);
        return;
    }
    snprintf(mark, sizeof(mark), "plugin \"%s\"", name);
    if (configured && load_rc != SOUK_OK && strncmp(cli->err, mark,
                                                    strlen(mark)) == 0)
    {
        sk_plugin_row(name, lp ? lp->desc : NULL, "error", cli->err);
        return;
    }
    snprintf(path, sizeof(path), "%s/%s.so", sk_cli_plugin_dir(cli), name);
    p = lp == NULL ? sk_plugin_open(&cli->rt, name, path, err, sizeof(err))
                   : NULL;
    if (lp == NULL && p == NULL) {
        sk_plugin_row(name, NULL, "error", err);
        return;
    }
    /* The loader stops at its first refusal, which names the plugin. */
    snprintf(mark, sizeof(mark), "(the load stopped at %.*s)",
             (int) strcspn(cli->err, ":"), cli->err);
    sk_plugin_row(name, lp ? lp->desc : p->desc,
                  configured ? "not loaded" : "not configured",
                  configured ? mark : NULL);
    sk_plugin_close(p);
}

int
sk_cli_plugins(sk_cli_t *cli, int argc, char **argv)
{
    struct dirent  **list = NULL;
    char             name[256];
    int              n, i, rc;
    size_t           k;

    (void) argv;
    if (argc != 0) {
        fprintf(stderr, "usage: souk plugins\n");
        return SK_CLI_USAGE;
    }
    if (sk_cli_config(cli) != SK_CLI_OK) {
        return SK_CLI_FAIL;
    }
    rc = sk_plugins_load(&cli->rt, cli->err, sizeof(cli->err));
    n = scandir(sk_cli_plugin_dir(cli), &list, sk_so_filter, alphasort);
    if (n < 0) {
        fprintf(stderr, "souk: %s: cannot list: %m\n", sk_cli_plugin_dir(cli));
        n = 0;
    }
    printf("%-20s %-10s %-16s %s\n", "NAME", "VERSION", "STATE", "SUMMARY");
    for (i = 0; i < n; i++) {
        sk_so_name(list[i]->d_name, name, sizeof(name));
        for (k = 0; k < cli->cfg->nplugins; k++) {
            if (strcmp(cli->cfg->plugins[k], name) == 0) {
                break;
            }
        }
        sk_plugins_show(cli, name, k < cli->cfg->nplugins, rc);
    }
    /* Configured but not installed: the load names the missing file. */
    for (k = 0; k < cli->cfg->nplugins; k++) {
        snprintf(name, sizeof(name), "%s.so", cli->cfg->plugins[k]);
        for (i = 0; i < n && strcmp(list[i]->d_name, name) != 0; i++) {
            /* search the listing */
        }
        if (i == n) {
            sk_plugins_show(cli, cli->cfg->plugins[k], 1, rc);
        }
    }
    for (i = 0; i < n; i++) {
        free(list[i]);
    }
    free(list);
    return rc == SOUK_OK ? SK_CLI_OK : SK_CLI_FAIL;
}

typedef struct {
    char    *names[SK_CHECK_MAX];
    char    *paths[SK_CHECK_MAX];
    size_t   n;
} sk_check_set_t;

static int
sk_check_add(sk_check_set_t *set, const char *name, const char *path)
{
    if (set->n == SK_CHECK_MAX) {
        return SOUK_ERROR;
    }
    set->names[set->n] = strdup(name);
    set->paths[set->n] = strdup(path);
    set->n++;
    return set->names[set->n - 1] && set->paths[set->n - 1] ? SOUK_OK
                                                           : SOUK_ERROR;
}

/* Non-zero when dir/name.so exists; path holds it. */
static int
sk_check_find(char *path, size_t len, const char *dir, const char *name)
{
    struct stat  st;
    int          n = snprintf(path, len, "%s/%s.so", dir, name);

    return n > 0 && (size_t) n < len && stat(path, &st) == 0;
}

/*
 * Adds what the plugin at set[k] requires, found next to the checked file
 * first, then in the configured plugin_dir. A requirement found nowhere is
 * left out, so the loader refuses it with its usual line.
 */
static int
sk_check_requires(sk_cli_t *cli, sk_check_set_t *set, size_t k,
    const char *near, char *err, size_t errlen)
{
    const char *const  *req;
    sk_plugin_t        *p;
    char                path[4096];
    size_t              i;
    int                 rc = SOUK_OK;

    p = sk_plugin_open(&cli->rt, set->names[k], set->paths[k], err, errlen);
    if (p == NULL) {
        return SOUK_ERROR;
    }
    for (req = p->desc->requires; rc == SOUK_OK && req && *req; req++) {
        for (i = 0; i < set->n && strcmp(set->names[i], *req) != 0; i++) {
            /* already in the set? */
        }
        if (i < set->n) {
            continue;
        }
        if (!sk_check_find(path, sizeof(path), near, *req)
            && (cli->cfg == NULL
                || !sk_check_find(path, sizeof(path), sk_cli_plugin_dir(cli),
                                  *req)))
        {
            continue;
        }
        rc = sk_check_add(set, *req, path);
    }
    sk_plugin_close(p);
    if (rc != SOUK_OK) {
        snprintf(err, errlen, "plugin \"%s\": too many requirements",
                 set->names[0]);
    }
    return rc;
}

typedef struct {
    const sk_runtime_t  *rt;
    unsigned             owner;
    unsigned             n;
} sk_check_print_t;

static void
sk_check_route(void *arg, unsigned owner, unsigned methods,
    const char *pattern)
{
    sk_check_print_t  *cp = arg;
    char               m[64];

    if (owner == cp->owner) {
        if (methods & SOUK_GET) {
            methods |= SOUK_HEAD;
        }
        printf("  route  %-20s %s\n", sk_methods_str(methods, m, sizeof(m)),
               pattern);
        cp->n++;
    }
}

static void
sk_check_hook(void *arg, const char *name, int kind, int prio,
    unsigned owner, unsigned seq)
{
    static const char *const  kinds[] = { "?", "action", "filter", "slot" };
    sk_check_print_t         *cp = arg;

    (void) seq;
    if (owner == cp->owner) {
        printf("  %-6s %-32s prio %d\n",
               kind >= 1 && kind <= 3 ? kinds[kind] : kinds[0], name, prio);
        cp->n++;
    }
}

/* Prints what the checked plugin (the first of set) registered. */
static void
sk_check_report(sk_cli_t *cli, const sk_check_set_t *set)
{
    const sk_plugin_t  *p;
    sk_check_print_t    cp;
    size_t              i;

    p = cli->rt.plugins[sk_plugin_index(&cli->rt, set->names[0])];
    printf("plugin %s %s (ABI %u.%u): %s\n", p->name,
           p->desc->version ? p->desc->version : "-",
           (unsigned) p->desc->abi_major, (unsigned) p->desc->abi_minor,
           p->path);
    if (p->desc->summary != NULL) {
        printf("  %s\n", p->desc->summary);
    }
    printf("requires:%s\n", set->n > 1 ? "" : " (nothing)");
    for (i = 1; i < set->n; i++) {
        printf("  %-20s %s\n", set->names[i], set->paths[i]);
    }
    printf("registers:\n");
    cp.rt = &cli->rt;
    cp.owner = p->idx;
    cp.n = 0;
    sk_router_each(cli->rt.router, NULL, sk_check_route, &cp);
    sk_hooks_each(cli->rt.hooks, NULL, sk_check_hook, &cp);
    if (cp.n == 0) {
        printf("  (nothing)\n");
    }
    printf("ok: would load\n");
}

/* Uses the configuration when there is one (for settings and to find
 * requirements); without one, checks against empty settings. */
static void
sk_check_config(sk_cli_t *cli)
{
    static sk_config_t  none;
    struct stat         st;

    if (cli->conf_given || stat(cli->conf_path, &st) == 0) {
        cli->cfg = sk_config_load(cli->conf_path, cli->err, sizeof(cli->err));
        if (cli->cfg == NULL) {
            fprintf(stderr, "souk: warning: %s (checking without it)\n",
                    cli->err);
        }
    }
    cli->rt.cfg = cli->cfg != NULL ? cli->cfg : &none;
}

int
sk_cli_plugin_check(sk_cli_t *cli, int argc, char **argv)
{
    sk_check_set_t  set;
    char            name[256], near[4096], path[4096];
    const char     *base;
    size_t          k;
    int             rc = SK_CLI_FAIL;

    base = argc == 1 ? strrchr(argv[0], '/') : NULL;
    base = base != NULL ? base + 1 : argc == 1 ? argv[0] : NULL;
    if (base == NULL || !sk_so_name(base, name, sizeof(name))
        || strlen(argv[0]) >= sizeof(path) - 2)
    {
        fprintf(stderr, "usage: souk plugin check FILE.so\n");
        return SK_CLI_USAGE;
    }
    /* dlopen searches the library path for a name without a slash. */
    snprintf(path, sizeof(path), "%s%s", base == argv[0] ? "./" : "",
             argv[0]);
    snprintf(near, sizeof(near), "%.*s", (int) (strrchr(path, '/') - path),
             path);
    sk_check_config(cli);
    memset(&set, 0, sizeof(set));
    if (sk_check_add(&set, name, path) != SOUK_OK) {
        fprintf(stderr, "souk: out of memory\n");
        goto done;
    }
    for (k = 0; k < set.n; k++) {
        if (sk_check_requires(cli, &set, k, near[0] ? near : "/", cli->err,
                              sizeof(cli->err)) != SOUK_OK)
        {
            printf("%s\n", cli->err);
            goto done;
        }
    }
    if (sk_plugins_load_files(&cli->rt, set.names, set.paths, set.n,
                              cli->err, sizeof(cli->err)) != SOUK_OK)
    {
        printf("%s\n", cli->err);
        goto done;
    }
    sk_check_report(cli, &set);
    rc = SK_CLI_OK;
done:
    for (k = 0; k < set.n; k++) {
        free(set.names[k]);
        free(set.paths[k]);
    }
    return rc;
}

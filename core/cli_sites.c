/* `souk sites`, `souk routes SITE`, `souk hooks SITE`, and loading the
 * configured world (and the database) the way a soukd worker does. */
#include <stdio.h>
#include <string.h>

#include "souk_core.h"
#include "cli.h"
#include "db_int.h"
#include "migrate.h"

#ifndef SOUK_PLUGIN_DIR
#define SOUK_PLUGIN_DIR  "/usr/local/lib/souk/plugins"
#endif

int
sk_cli_config(sk_cli_t *cli)
{
    if (cli->cfg != NULL) {
        return SK_CLI_OK;
    }
    cli->cfg = sk_config_load(cli->conf_path, cli->err, sizeof(cli->err));
    if (cli->cfg == NULL) {
        fprintf(stderr, "souk: %s\n", cli->err);
        return SK_CLI_FAIL;
    }
    cli->rt.cfg = cli->cfg;
    return SK_CLI_OK;
}

/* (Re)builds cli->rt.sites from the config and, when open, the database;
 * prints why not. */
static int
sk_cli_sites_build(sk_cli_t *cli)
{
    sk_sites_free(cli->rt.sites);
    cli->rt.sites = sk_sites_build(cli->cfg, &cli->rt, cli->err,
                                   sizeof(cli->err));
    if (cli->rt.sites == NULL) {
        fprintf(stderr, "souk: %s\n", cli->err);
        return SK_CLI_FAIL;
    }
    return SK_CLI_OK;
}

int
sk_cli_world(sk_cli_t *cli)
{
    if (sk_cli_config(cli) != SK_CLI_OK) {
        return SK_CLI_FAIL;
    }
    if (sk_plugins_load(&cli->rt, cli->err, sizeof(cli->err)) != SOUK_OK) {
        fprintf(stderr, "souk: %s\n", cli->err);
        return SK_CLI_FAIL;
    }
    return sk_cli_sites_build(cli);
}

int
sk_cli_db_open(sk_cli_t *cli)
{
    if (cli->rt.db != NULL) {
        return SK_CLI_OK;
    }
    cli->rt.db = sk_db_open(&cli->cfg->db, cli->err, sizeof(cli->err));
    if (cli->rt.db == NULL) {
        fprintf(stderr, "souk: %s\n", cli->err);
        return SK_CLI_FAIL;
    }
    return SK_CLI_OK;
}

int
sk_cli_db_served(sk_cli_t *cli)
{
    size_t  pending = 0;

    if (sk_cli_db_open(cli) != SK_CLI_OK) {
        return SK_CLI_FAIL;
    }
    if (sk_migrate(&cli->rt, cli->rt.db, SK_MIGRATE_STATUS, NULL, NULL,
                   &pending, cli->err, sizeof(cli->err)) != SOUK_OK)
    {
        fprintf(stderr, "souk: %s\n", cli->err);
        return SK_CLI_FAIL;
    }
    if (pending > 0) {
        fprintf(stderr, "souk: %zu migration%s pending: run `souk migrate` "
                "first\n", pending, pending == 1 ? " is" : "s are");
        return SK_CLI_FAIL;
    }
    /* Built again: the database's sites are readable only now. */
    return sk_cli_sites_build(cli);
}

int
sk_cli_world_db(sk_cli_t *cli)
{
    if (sk_cli_world(cli) != SK_CLI_OK) {
        return SK_CLI_FAIL;
    }
    return sk_cli_db_served(cli);
}

int
sk_cli_db_close(sk_cli_t *cli, int rc)
{
    if (cli->rt.db != NULL) {
        sk_db_close(cli->rt.db);
        cli->rt.db = NULL;
    }
    return rc;
}

void
sk_cli_free(sk_cli_t *cli)
{
    if (cli->rt.sites != NULL) {
        sk_sites_free(cli->rt.sites);
        cli->rt.sites = NULL;
    }
    sk_plugins_unload(&cli->rt);
    if (cli->rt.router != NULL) {
        sk_router_destroy(cli->rt.router);
        cli->rt.router = NULL;
    }
    if (cli->rt.hooks != NULL) {
        sk_hooks_destroy(cli->rt.hooks);
        cli->rt.hooks = NULL;
    }
    if (cli->cfg != NULL) {
        sk_config_free(cli->cfg);
        cli->cfg = NULL;
        cli->rt.cfg = NULL;
    }
}

const char *
sk_cli_plugin_dir(const sk_cli_t *cli)
{
    if (cli->cfg != NULL && cli->cfg->plugin_dir != NULL) {
        return cli->cfg->plugin_dir;
    }
    return SOUK_PLUGIN_DIR;
}

static void
sk_print_list(const char *label, char **items, size_t n)
{
    size_t  i;

    printf("  %-8s", label);
    for (i = 0; i < n; i++) {
        printf(" %s", items[i]);
    }
    printf("%s\n", n == 0 ? " (none)" : "");
}

int
sk_cli_sites(sk_cli_t *cli, int argc, char **argv)
{
    const sk_site_t  *s;
    size_t            i, n;

    (void) argv;
    if (argc != 0) {
        fprintf(stderr, "usage: souk sites\n");
        return SK_CLI_USAGE;
    }
    if (sk_cli_world_served(cli) != SK_CLI_OK) {
        return SK_CLI_FAIL;
    }
    n = sk_sites_count(cli->rt.sites);
    for (i = 0; i < n; i++) {
        s = sk_sites_at(cli->rt.sites, i);
        printf("%s%s\n", s->id,
               cli->cfg->default_site != NULL
               && strcmp(cli->cfg->default_site, s->id) == 0
               ? " (default site)" : "");
        sk_print_list("hosts:", s->hosts, s->nhosts);
        printf("  %-8s %s\n", "theme:", s->theme ? s->theme : "(none)");
        sk_print_list("plugins:", s->plugin_names, s->nplugin_names);
    }
    if (n == 0) {
        printf("no sites configured\n");
    }
    return SK_CLI_OK;
}

/* Loads the world and finds the site named by the one argument. */
static const sk_site_t *
sk_cli_site(sk_cli_t *cli, int argc, char **argv, const char *cmd, int *rc)
{
    const sk_site_t  *s;
    size_t            i;

    *rc = SK_CLI_USAGE;
    if (argc != 1) {
        fprintf(stderr, "usage: souk %s SITE\n", cmd);
        return NULL;
    }
    *rc = SK_CLI_FAIL;
    if (sk_cli_world_served(cli) != SK_CLI_OK) {
        return NULL;
    }
    for (i = 0; i < sk_sites_count(cli->rt.sites); i++) {
        s = sk_sites_at(cli->rt.sites, i);
        if (strcmp(s->id, argv[0]) == 0) {
            *rc = SK_CLI_OK;
            return s;
        }
    }
    fprintf(stderr, "souk: no site \"%s\" in %s\n", argv[0], cli->conf_path);
    return NULL;
}

static void
sk_print_route(void *arg, unsigned owner, unsigned methods,
    const char *pattern)
{
    const sk_runtime_t  *rt = arg;
    char                 m[64];

    /* A GET route answers HEAD too, so say so. */
    if (methods & SOUK_GET) {
        methods |= SOUK_HEAD;
    }
    printf("%-24s %-40s %s\n", sk_methods_str(methods, m, sizeof(m)),
           pattern, owner < rt->nplugins ? rt->plugins[owner]->name : "?");
}

int
sk_cli_routes(sk_cli_t *cli, int argc, char **argv)
{
    const sk_site_t  *s;
    int               rc;

    s = sk_cli_site(cli, argc, argv, "routes", &rc);
    if (s == NULL) {
        return rc;
    }
    printf("%-24s %-40s %s\n", "METHODS", "PATTERN", "PLUGIN");
    sk_router_each(cli->rt.router, s->enabled, sk_print_route, &cli->rt);
    return SK_CLI_OK;
}

typedef struct {
    const sk_runtime_t  *rt;
    char                 last[160];
    unsigned             pos;
} sk_hook_print_t;

static void
sk_print_hook(void *arg, const char *name, int kind, int prio,
    unsigned owner, unsigned seq)
{
    static const char *const  kinds[] = { "?", "action", "filter", "slot" };
    sk_hook_print_t          *hp = arg;

    if (strcmp(hp->last, name) != 0) {
        snprintf(hp->last, sizeof(hp->last), "%s", name);
        printf("%s\n", name);
        hp->pos = 0;
    }
    printf("  %u. %-6s prio %-4d %-20s seq %u\n", ++hp->pos,
           kind >= 1 && kind <= 3 ? kinds[kind] : kinds[0], prio,
           owner < hp->rt->nplugins ? hp->rt->plugins[owner]->name : "?",
           seq);
}

int
sk_cli_hooks(sk_cli_t *cli, int argc, char **argv)
{
    const sk_site_t  *s;
    sk_hook_print_t   hp;
    int               rc;

    s = sk_cli_site(cli, argc, argv, "hooks", &rc);
    if (s == NULL) {
        return rc;
    }
    memset(&hp, 0, sizeof(hp));
    hp.rt = &cli->rt;
    sk_hooks_each(cli->rt.hooks, s->enabled, sk_print_hook, &hp);
    if (hp.last[0] == '\0') {
        printf("no hooks for site %s\n", s->id);
    }
    return SK_CLI_OK;
}

/* Internal to the `souk` command: what its command files share. */
#ifndef SOUK_CLI_H
#define SOUK_CLI_H

#include "souk_core.h"

/* Exit codes: 0 done, 1 refused or failed, 2 bad usage. */
#define SK_CLI_OK     0
#define SK_CLI_FAIL   1
#define SK_CLI_USAGE  2

typedef struct {
    const char    *conf_path;     /* -c, $SOUK_CONF or SOUK_CONF_PATH */
    int            conf_given;    /* -c or $SOUK_CONF: missing is an error */
    sk_config_t   *cfg;
    sk_runtime_t   rt;
    char           err[1024];     /* the last load's refusal line */
} sk_cli_t;

/* Reads the config into cli->cfg; prints why and returns SK_CLI_FAIL. */
int sk_cli_config(sk_cli_t *cli);
/* Config, plugins and sites, as a soukd worker loads them; prints the one
 * line that stops it and returns SK_CLI_FAIL. */
int sk_cli_world(sk_cli_t *cli);
/* sk_cli_world with the database's sites merged in, as soukd serves them
 * (souk.conf's alone, with a note, when the database is not usable). */
int sk_cli_world_served(sk_cli_t *cli);
/* Opens cli->rt.db on the loaded config; prints why not and returns
 * SK_CLI_FAIL. */
int sk_cli_db_open(sk_cli_t *cli);
/* The database (opened unless it is), its schema current and cli->rt.sites
 * rebuilt with the database's sites merged in, as a worker serves them;
 * prints the line that stops it and returns SK_CLI_FAIL. Needs the config
 * and plugins loaded. */
int sk_cli_db_served(sk_cli_t *cli);
/* sk_cli_world, then sk_cli_db_served: what a command working on the
 * database's rows needs. */
int sk_cli_world_db(sk_cli_t *cli);
/* Closes cli->rt.db if it is open; returns rc. */
int sk_cli_db_close(sk_cli_t *cli, int rc);
/* Releases what sk_cli_config and sk_cli_world loaded. */
void sk_cli_free(sk_cli_t *cli);
/* The plugin folder the config names, or the compiled-in default. */
const char *sk_cli_plugin_dir(const sk_cli_t *cli);

/* The commands; argv[0] is the command's first argument. */
int sk_cli_plugins(sk_cli_t *cli, int argc, char **argv);
int sk_cli_plugin_check(sk_cli_t *cli, int argc, char **argv);
int sk_cli_plugin_new(sk_cli_t *cli, int argc, char **argv);
int sk_cli_sites(sk_cli_t *cli, int argc, char **argv);
int sk_cli_routes(sk_cli_t *cli, int argc, char **argv);
int sk_cli_hooks(sk_cli_t *cli, int argc, char **argv);
int sk_cli_render(sk_cli_t *cli, int argc, char **argv);   /* cli_render.c */
int sk_cli_theme(sk_cli_t *cli, int argc, char **argv);    /* cli_theme.c */
int sk_cli_user(sk_cli_t *cli, int argc, char **argv);     /* cli_user.c */
int sk_cli_migrate(sk_cli_t *cli, int argc, char **argv);  /* cli_site.c */
int sk_cli_outbox(sk_cli_t *cli, int argc, char **argv);   /* cli_outbox.c */
int sk_cli_outbox_retry(sk_cli_t *cli, int argc, char **argv);
int sk_cli_site_cmd(sk_cli_t *cli, int argc, char **argv); /* cli_site.c */

#endif /* SOUK_CLI_H */

/* The `souk` command: inspects an installation (plugins, sites, routes,
 * hooks) and starts new plugins. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "souk_core.h"
#include "cli.h"
#include "cli_job.h"

#ifndef SOUK_CONF_PATH
#define SOUK_CONF_PATH  "/usr/local/etc/souk/souk.conf"
#endif

typedef struct {
    const char   *name;
    const char   *sub;       /* second word ("plugin check"), or NULL */
    const char   *args;
    const char   *help;
    int         (*run)(sk_cli_t *cli, int argc, char **argv);
} sk_cmd_t;

static const sk_cmd_t  sk_cmds[] = {
    { "plugins", NULL, "",
      "list installed plugins: version, state, summary", sk_cli_plugins },
    { "plugin", "check", "FILE.so",
      "load one plugin in isolation and show what it registers",
      sk_cli_plugin_check },
    { "plugin", "new", "NAME [DIR]",
      "write a new plugin skeleton to DIR/NAME (default ./NAME)",
      sk_cli_plugin_new },
    { "sites", NULL, "", "list sites: hosts, theme, plugins", sk_cli_sites },
    { "routes", NULL, "SITE", "list the routes a site serves",
      sk_cli_routes },
    { "hooks", NULL, "SITE", "show the resolved hook order for a site",
      sk_cli_hooks },
    { "render", NULL, "TPL --data F.json", "render a template to stdout "
      "(also --theme NAME, --partials DIR)", sk_cli_render },
    { "theme", "check", "THEME", "check a theme's templates against the "
      "template contract", sk_cli_theme },
    { "migrate", NULL, "[--status]", "apply pending schema migrations "
      "(--status: only list them)", sk_cli_migrate },
    { "site", NULL, "add ID --host H", "add a site to the database (also "
      "--group G, --theme T)", sk_cli_site_cmd },
    { "site", NULL, "list", "list sites as served (souk.conf and the "
      "database)", NULL },
    { "site", NULL, "set ID KEY VALUE", "set a site's setting or theme "
      "(VALUE --unset: remove)", NULL },
    { "site", NULL, "enable|disable ID P", "turn plugin P on or off for a "
      "site", NULL },
    { "user", NULL, "add EMAIL --role R", "create an account with a role "
      "(also --site ID; password from $SOUK_PASSWORD or asked)",
      sk_cli_user },
    { "outbox", "retry", "ID|--failed", "queue failed mail again",
      sk_cli_outbox_retry },
    { "outbox", NULL, "", "mail waiting to be sent, and failed mail",
      sk_cli_outbox },
    { "job", NULL, "list", "plugins' scheduled jobs per site, with their "
      "last run", sk_cli_job },
    { "job", NULL, "run NAME [--site ID]", "run a job now, here (exit 1 "
      "when it fails)", NULL },
};

#define SK_NCMDS  (sizeof(sk_cmds) / sizeof(sk_cmds[0]))

static void
sk_usage(sk_cli_t *cli, FILE *out)
{
    char    word[64];
    size_t  i;

    fprintf(out, "usage: souk [-c souk.conf] COMMAND [ARGS]\n\n"
            "commands:\n"
            "  %-26s %s\n  %-26s %s\n",
            "help", "show this help (also --help)",
            "version", "show the version and the plugin ABI");
    for (i = 0; i < SK_NCMDS; i++) {
        snprintf(word, sizeof(word), "%s%s%s%s%s", sk_cmds[i].name,
                 sk_cmds[i].sub ? " " : "", sk_cmds[i].sub ? sk_cmds[i].sub
                 : "", sk_cmds[i].args[0] ? " " : "", sk_cmds[i].args);
        fprintf(out, "  %-26s %s\n", word, sk_cmds[i].help);
    }
    if (cli != NULL) {
        sk_cli_help_commands(cli, out);
    }
    fprintf(out, "\nThe configuration is -c FILE, else $SOUK_CONF, else %s.\n"
            "Exit status: 0 done, 1 refused or failed, 2 bad usage.\n",
            SOUK_CONF_PATH);
}

static const sk_cmd_t *
sk_cmd_find(int argc, char **argv, int *used)
{
    size_t  i;

    for (i = 0; i < SK_NCMDS; i++) {
        if (strcmp(argv[0], sk_cmds[i].name) != 0) {
            continue;
        }
        if (sk_cmds[i].sub == NULL) {
            *used = 1;
            return &sk_cmds[i];
        }
        if (argc > 1 && strcmp(argv[1], sk_cmds[i].sub) == 0) {
            *used = 2;
            return &sk_cmds[i];
        }
    }
    return NULL;
}

/* Parses [-c FILE] [--site ID] and returns the index of the command
 * word. --site is for plugin commands and `souk job run`. */
static int
sk_options(sk_cli_t *cli, int argc, char **argv, const char **site)
{
    const char  *env = getenv("SOUK_CONF");
    int          i = 1;

    cli->conf_path = SOUK_CONF_PATH;
    if (env != NULL && env[0] != '\0') {
        cli->conf_path = env;
        cli->conf_given = 1;
    }
    while (i < argc && argv[i][0] == '-') {
        if (strcmp(argv[i], "-c") == 0 && i + 1 < argc) {
            cli->conf_path = argv[i + 1];
            cli->conf_given = 1;
            i += 2;
        } else if (strncmp(argv[i], "-c", 2) == 0 && argv[i][2] != '\0') {
            cli->conf_path = argv[i] + 2;
            cli->conf_given = 1;
            i++;
        } else if (strcmp(argv[i], "--site") == 0 && i + 1 < argc) {
            *site = argv[i + 1];
            i += 2;
        } else {
            return -1;
        }
    }
    return i;
}

int
main(int argc, char **argv)
{
    static sk_cli_t  cli;
    const sk_cmd_t  *cmd;
    const char      *site = NULL;
    int              at, used = 0, rc;

    if (argc == 2 && (strcmp(argv[1], "--help") == 0
                      || strcmp(argv[1], "-h") == 0))
    {
        sk_usage(NULL, stdout);
        return SK_CLI_OK;
    }
    at = sk_options(&cli, argc, argv, &site);
    if (at < 0 || at >= argc) {
        sk_usage(NULL, stderr);
        return SK_CLI_USAGE;
    }
    if (strcmp(argv[at], "help") == 0) {
        sk_usage(&cli, stdout);
        sk_cli_free(&cli);
        return SK_CLI_OK;
    }
    if (strcmp(argv[at], "version") == 0) {
        printf("souk %s (plugin ABI %d.%d)\n", SOUK_VERSION, SOUK_ABI_MAJOR,
               SOUK_ABI_MINOR);
        return SK_CLI_OK;
    }
    cmd = sk_cmd_find(argc - at, argv + at, &used);
    if (cmd != NULL && site != NULL && cmd->run != sk_cli_job) {
        fprintf(stderr, "souk: --site before the command is for plugin "
                "commands and souk job run\n");
        return SK_CLI_USAGE;
    }
    if (cmd == NULL) {
        /* Not the tool's own: a loaded plugin's, or unknown. */
        rc = sk_cli_command(&cli, site, argc - at, argv + at);
    } else if (cmd->run == sk_cli_job && site != NULL) {
        rc = sk_cli_job_site(&cli, site, argc - at - used,
                             argv + at + used);
    } else {
        rc = cmd->run(&cli, argc - at - used, argv + at + used);
    }
    sk_cli_free(&cli);
    if (fflush(stdout) != 0 && rc == SK_CLI_OK) {
        /* A full disk or a closed pipe must not look like success. */
        perror("souk: stdout");
        rc = SK_CLI_FAIL;
    }
    return rc;
}

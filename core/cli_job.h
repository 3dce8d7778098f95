/* Internal to the `souk` tool: plugin commands and `souk job`. */
#ifndef SK_CLI_JOB_H
#define SK_CLI_JOB_H

#include "cli.h"

/*
 * Runs the plugin command named by argv (VERB [NOUN] ARGS) on site_id
 * (NULL: the default site, else the first); a `--site ID` among the ARGS
 * is taken out first. Returns the exit status; SK_CLI_USAGE after the
 * "unknown command" line when no loaded plugin has the command.
 */
int sk_cli_command(sk_cli_t *cli, const char *site_id, int argc,
    char **argv);
/* `souk job list` and `souk job run NAME [--site ID]`; the _site form
 * with a --site given before the command word. */
int sk_cli_job(sk_cli_t *cli, int argc, char **argv);
int sk_cli_job_site(sk_cli_t *cli, const char *site_id, int argc,
    char **argv);
/* Lists the loaded plugins' commands for `souk help` when the config and
 * plugins load; prints nothing otherwise. */
void sk_cli_help_commands(sk_cli_t *cli, FILE *out);

#endif /* SK_CLI_JOB_H */

/* The `souk` tool's side of plugins' commands and jobs: `souk VERB [NOUN]`
 * for a plugin command, `souk job list` and `souk job run`. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "souk_core.h"
#include "cli_job.h"
#include "db_int.h"

#define SK_CLI_POOL  65536

/* Config and plugins without a word on stderr: for help, and to tell an
 * unknown command from a plugin's. */
static int
sk_cli_plugins_quiet(sk_cli_t *cli)
{
    if (cli->cfg == NULL) {
        cli->cfg = sk_config_load(cli->conf_path, cli->err,
                                  sizeof(cli->err));
        if (cli->cfg == NULL) {
            return SK_CLI_FAIL;
        }
        cli->rt.cfg = cli->cfg;
        if (sk_plugins_load(&cli->rt, cli->err, sizeof(cli->err))
            != SOUK_OK)
        {
            return SK_CLI_FAIL;
        }
    }
    return SK_CLI_OK;
}

/* The named site, else the default one, else the first. */
static const sk_site_t *
sk_cli_site(sk_cli_t *cli, const char *id)
{
    const sk_sites_t  *ss = cli->rt.sites;
    size_t             i, n = sk_sites_count(ss);

    if (id == NULL) {
        id = cli->cfg->default_site;
        if (id == NULL && n > 0) {
            return sk_sites_at(ss, 0);
        }
    }
    for (i = 0; id != NULL && i < n; i++) {
        if (strcmp(sk_sites_at(ss, i)->id, id) == 0) {
            return sk_sites_at(ss, i);
        }
    }
    if (id == NULL) {
        fprintf(stderr, "souk: no site is configured\n");
    } else {
        fprintf(stderr, "souk: no site \"%s\" (see souk site list)\n", id);
    }
    return NULL;
}

/* Takes `--site ID` (or --site=ID) out of argv; -1 when it has no value. */
static int
sk_cli_strip_site(int *argc, char **argv, const char **site)
{
    int  i, j;

    for (i = 0, j = 0; i < *argc; i++) {
        if (strcmp(argv[i], "--site") == 0) {
            if (i + 1 >= *argc) {
                return -1;
            }
            *site = argv[++i];
        } else if (strncmp(argv[i], "--site=", 7) == 0) {
            *site = argv[i] + 7;
        } else {
            argv[j++] = argv[i];
        }
    }
    *argc = j;
    argv[j] = NULL;
    return 0;
}

/* The site, refused when the plugin owning the command or job is off. */
static const sk_site_t *
sk_cli_site_for(sk_cli_t *cli, const char *id, unsigned owner,
    const char *what)
{
    const sk_site_t  *site = sk_cli_site(cli, id);

    if (site != NULL && !site->enabled[owner]) {
        fprintf(stderr, "souk: %s: plugin \"%s\" is off for site \"%s\"\n",
                what, cli->rt.plugins[owner]->name, site->id);
        return NULL;
    }
    return site;
}

int
sk_cli_command(sk_cli_t *cli, const char *site_id, int argc, char **argv)
{
    const sk_command_t  *c = NULL;
    const sk_site_t     *site;
    souk_request_t      *r;
    souk_pool_t         *pool;
    int                  used = 0, rc;

    if (sk_cli_plugins_quiet(cli) == SK_CLI_OK) {
        c = sk_command_find(&cli->rt, argc, argv, &used);
    }
    if (c == NULL) {
        fprintf(stderr, "souk: unknown command \"%s\" (see souk help)\n",
                argv[0]);
        return SK_CLI_USAGE;
    }
    argc -= used;
    argv += used;
    if (sk_cli_strip_site(&argc, argv, &site_id) != 0) {
        fprintf(stderr, "souk: --site needs a site id\n");
        return SK_CLI_USAGE;
    }
    if (sk_cli_db_served(cli) != SK_CLI_OK
        || (site = sk_cli_site_for(cli, site_id, c->owner, c->verb)) == NULL)
    {
        return sk_cli_db_close(cli, SK_CLI_FAIL);
    }
    pool = sk_pool_create(SK_CLI_POOL);
    r = sk_request_synthetic(&cli->rt, site, pool);
    r->cur_plugin = cli->rt.plugins[c->owner];
    rc = c->fn(r, argc, argv, c->data);
    r->cur_plugin = NULL;
    sk_db_request_done(cli->rt.db);
    sk_pool_destroy(pool);
    sk_cli_db_close(cli, SK_CLI_OK);
    if (rc < 0 || rc > 2) {
        /* A plugin handing back SOUK_ERROR means it failed. */
        rc = SK_CLI_FAIL;
    }
    return rc;
}

void
sk_cli_help_commands(sk_cli_t *cli, FILE *out)
{
    const sk_command_t  *c;
    char                 word[96];
    size_t               i, n;

    if (sk_cli_plugins_quiet(cli) != SK_CLI_OK) {
        return;
    }
    n = sk_commands_count(&cli->rt);
    if (n > 0) {
        fprintf(out, "\nplugin commands (also --site ID):\n");
    }
    for (i = 0; i < n; i++) {
        c = sk_command_at(&cli->rt, i);
        snprintf(word, sizeof(word), "%s%s%s%s%s", c->verb,
                 c->noun ? " " : "", c->noun ? c->noun : "",
                 c->usage[0] ? " " : "", c->usage);
        fprintf(out, "  %-26s %s (%s)\n", word, c->summary,
                cli->rt.plugins[c->owner]->name);
    }
}

/* ---------- souk job list | run ---------- */

static const char *
sk_cli_when(char *buf, size_t len, int64_t ms)
{
    time_t     t = (time_t) (ms / 1000);
    struct tm  tm;

    if (gmtime_r(&t, &tm) == NULL
        || strftime(buf, len, "%Y-%m-%d %H:%M:%SZ", &tm) == 0)
    {
        snprintf(buf, len, "?");
    }
    return buf;
}

static void
sk_cli_job_line(sk_cli_t *cli, const sk_job_t *job, const sk_site_t *site)
{
    souk_stmt_t  *st;
    char          when[64], every[32];
    const char   *last = "never", *result = "-";

    st = souk_db_row(cli->rt.db, "SELECT last_run, last_ok, last_error "
                     "FROM souk_jobs WHERE name = ? AND site = ?", "tt",
                     job->name, site->id);
    if (st != NULL && !souk_stmt_is_null(st, 0)) {
        last = sk_cli_when(when, sizeof(when), souk_stmt_int(st, 0));
        result = souk_stmt_int(st, 1) != 0 ? "ok"
                 : souk_stmt_is_null(st, 2) ? "failed"
                 : souk_stmt_text(st, 2);
    }
    snprintf(every, sizeof(every), "%us", job->every);
    printf("%-28s %-16s %-8s %-21s %s\n", job->name, site->id, every, last,
           result);
    if (st != NULL) {
        souk_stmt_reset(st);
    }
}

static int
sk_cli_job_list(sk_cli_t *cli)
{
    const sk_job_t   *job;
    const sk_site_t  *site;
    size_t            i, j, ns = sk_sites_count(cli->rt.sites);

    printf("%-28s %-16s %-8s %-21s %s\n", "JOB", "SITE", "EVERY",
           "LAST RUN", "RESULT");
    for (i = 0; i < sk_jobs_count(&cli->rt); i++) {
        job = sk_job_at(&cli->rt, i);
        for (j = 0; j < ns; j++) {
            site = sk_sites_at(cli->rt.sites, j);
            if (site->enabled[job->owner]) {
                sk_cli_job_line(cli, job, site);
            }
        }
    }
    return SK_CLI_OK;
}

static int
sk_cli_job_run(sk_cli_t *cli, const char *name, const char *site_id)
{
    const sk_job_t   *job = sk_job_find(&cli->rt, name);
    const sk_site_t  *site;
    souk_pool_t      *pool;
    char              host[256], who[320];
    int               rc;

    if (job == NULL) {
        fprintf(stderr, "souk: no job \"%s\" (see souk job list)\n", name);
        return SK_CLI_FAIL;
    }
    site = sk_cli_site_for(cli, site_id, job->owner, job->name);
    if (site == NULL) {
        return SK_CLI_FAIL;
    }
    if (gethostname(host, sizeof(host)) != 0) {
        snprintf(host, sizeof(host), "localhost");
    }
    host[sizeof(host) - 1] = '\0';
    snprintf(who, sizeof(who), "%.200s:%ld:cli", host, (long) getpid());
    pool = sk_pool_create(SK_CLI_POOL);
    rc = sk_job_run_site(&cli->rt, job, site, pool, who, 1, NULL);
    sk_pool_destroy(pool);
    switch (rc) {
    case SK_JOB_RAN:
        printf("job %s on site %s: ok\n", job->name, site->id);
        return SK_CLI_OK;
    case SK_JOB_FAILED:
        fprintf(stderr, "souk: job %s on site %s failed\n", job->name,
                site->id);
        return SK_CLI_FAIL;
    case SK_JOB_NOT_DUE:
        fprintf(stderr, "souk: job %s on site %s is running elsewhere "
                "right now\n", job->name, site->id);
        return SK_CLI_FAIL;
    default:
        fprintf(stderr, "souk: job %s on site %s: %s\n", job->name,
                site->id, souk_db_error(cli->rt.db));
        return SK_CLI_FAIL;
    }
}

int
sk_cli_job(sk_cli_t *cli, int argc, char **argv)
{
    return sk_cli_job_site(cli, NULL, argc, argv);
}

int
sk_cli_job_site(sk_cli_t *cli, const char *site_id, int argc, char **argv)
{
    int  rc;

    if (sk_cli_strip_site(&argc, argv, &site_id) != 0
        || argc < 1
        || !((strcmp(argv[0], "list") == 0 && argc == 1)
             || (strcmp(argv[0], "run") == 0 && argc == 2)))
    {
        fprintf(stderr, "usage: souk job list\n"
                "       souk job run NAME [--site ID]\n");
        return SK_CLI_USAGE;
    }
    if (sk_cli_world_db(cli) != SK_CLI_OK) {
        return sk_cli_db_close(cli, SK_CLI_FAIL);
    }
    rc = strcmp(argv[0], "list") == 0 ? sk_cli_job_list(cli)
         : sk_cli_job_run(cli, argv[1], site_id);
    return sk_cli_db_close(cli, rc);
}

/* `souk migrate` and `souk site add|list|set|enable|disable`: the schema
 * and the sites kept in the database. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "souk_core.h"
#include "cli.h"
#include "db_int.h"
#include "migrate.h"

/* Config, plugins, souk.conf's sites, then the database; prints why not.
 * The database is opened last: before `souk migrate` it has no tables to
 * merge sites from. */
static int
sk_cli_db(sk_cli_t *cli)
{
    if (sk_cli_world(cli) != SK_CLI_OK) {
        return SK_CLI_FAIL;
    }
    return sk_cli_db_open(cli);
}

/*
 * The sites as soukd serves them, for `souk sites|routes|hooks`: souk.conf's
 * merged with the database's. Without a usable, migrated database the
 * commands still work on souk.conf's sites alone, and say so.
 */
int
sk_cli_world_served(sk_cli_t *cli)
{
    size_t        pending = 0;
    sk_sites_t   *merged;

    if (sk_cli_world(cli) != SK_CLI_OK) {
        return SK_CLI_FAIL;
    }
    cli->rt.db = sk_db_open(&cli->cfg->db, cli->err, sizeof(cli->err));
    if (cli->rt.db == NULL
        || sk_migrate(&cli->rt, cli->rt.db, SK_MIGRATE_CHECK, NULL, NULL,
                      &pending, cli->err, sizeof(cli->err)) != SOUK_OK
        || pending > 0)
    {
        fprintf(stderr, "souk: note: %s; showing souk.conf's sites only\n",
                cli->rt.db == NULL || pending == 0 ? cli->err
                : "the database has pending migrations");
        return sk_cli_db_close(cli, SK_CLI_OK);
    }
    merged = sk_sites_build(cli->cfg, &cli->rt, cli->err, sizeof(cli->err));
    if (merged == NULL) {
        fprintf(stderr, "souk: %s\n", cli->err);
        return sk_cli_db_close(cli, SK_CLI_FAIL);
    }
    sk_sites_free(cli->rt.sites);
    cli->rt.sites = merged;
    return sk_cli_db_close(cli, SK_CLI_OK);
}

static void
sk_cli_migrate_note(void *arg, const char *plugin, const char *name,
    const char *file, int state)
{
    static const char *const  words[] = { "applied", "pending", "ran" };
    int                       *verbose = arg;

    (void) file;
    if (*verbose || state != SK_MIG_APPLIED) {
        printf("%-8s %-16s %s\n", words[state], plugin, name);
    }
}

int
sk_cli_migrate(sk_cli_t *cli, int argc, char **argv)
{
    int     status = 0, verbose = 0, rc;
    size_t  pending = 0;

    if (argc == 1 && strcmp(argv[0], "--status") == 0) {
        status = verbose = 1;
    } else if (argc != 0) {
        fprintf(stderr, "usage: souk migrate [--status]\n");
        return SK_CLI_USAGE;
    }
    if (sk_cli_db(cli) != SK_CLI_OK) {
        return sk_cli_db_close(cli, SK_CLI_FAIL);
    }
    rc = sk_migrate(&cli->rt, cli->rt.db,
                    status ? SK_MIGRATE_STATUS : SK_MIGRATE_APPLY,
                    sk_cli_migrate_note, &verbose, &pending, cli->err,
                    sizeof(cli->err));
    if (rc != SOUK_OK) {
        fprintf(stderr, "souk: %s\n", cli->err);
        return sk_cli_db_close(cli, SK_CLI_FAIL);
    }
    if (status) {
        printf("%zu pending (%s)\n", pending, sk_db_engine(cli->rt.db));
    } else {
        printf("the %s schema is up to date\n", sk_db_engine(cli->rt.db));
    }
    return sk_cli_db_close(cli, SK_CLI_OK);
}

static int
sk_cli_site_rc(sk_cli_t *cli, int rc)
{
    if (rc != SOUK_OK) {
        fprintf(stderr, "souk: %s\n", cli->err);
        return sk_cli_db_close(cli, SK_CLI_FAIL);
    }
    return sk_cli_db_close(cli, SK_CLI_OK);
}

/* souk site add ID --host H [--host H2 ...] [--group G] [--theme T] */
static int
sk_cli_site_add(sk_cli_t *cli, int argc, char **argv)
{
    char        *hosts[64];
    const char  *group = NULL, *theme = NULL;
    size_t       nhosts = 0;
    int          i, rc;

    if (argc < 1 || argv[0][0] == '-') {
        goto usage;
    }
    for (i = 1; i < argc; i += 2) {
        if (i + 1 >= argc) {
            goto usage;
        }
        if (strcmp(argv[i], "--host") == 0 && nhosts < 64) {
            hosts[nhosts++] = argv[i + 1];
        } else if (strcmp(argv[i], "--group") == 0) {
            group = argv[i + 1];
        } else if (strcmp(argv[i], "--theme") == 0) {
            theme = argv[i + 1];
        } else {
            goto usage;
        }
    }
    if (nhosts == 0) {
        goto usage;
    }
    if (sk_cli_world_db(cli) != SK_CLI_OK) {
        return sk_cli_db_close(cli, SK_CLI_FAIL);
    }
    rc = sk_sitedb_add(&cli->rt, argv[0], group, hosts, nhosts, theme,
                       cli->err, sizeof(cli->err));
    if (rc == SOUK_OK) {
        printf("site %s added\n", argv[0]);
    }
    return sk_cli_site_rc(cli, rc);

usage:
    fprintf(stderr, "usage: souk site add ID --host HOST [--host HOST ...] "
            "[--group GROUP] [--theme THEME]\n");
    return SK_CLI_USAGE;
}

static void
sk_cli_site_print(const sk_site_t *s)
{
    size_t  i;

    printf("%s\n  group:   %s\n  theme:   %s\n  hosts:  ", s->id,
           s->group ? s->group : s->id, s->theme ? s->theme : "base");
    for (i = 0; i < s->nhosts; i++) {
        printf(" %s", s->hosts[i]);
    }
    printf("\n  plugins:");
    for (i = 0; i < s->nplugin_names; i++) {
        printf(" %s", s->plugin_names[i]);
    }
    printf("\n");
    for (i = 0; i < s->nsettings; i++) {
        printf("  %s = %s\n", s->settings[i].name, s->settings[i].value);
    }
}

static int
sk_cli_site_list(sk_cli_t *cli, int argc, char **argv)
{
    size_t  i;

    (void) argv;
    if (argc != 0) {
        fprintf(stderr, "usage: souk site list\n");
        return SK_CLI_USAGE;
    }
    if (sk_cli_world_db(cli) != SK_CLI_OK) {
        return sk_cli_db_close(cli, SK_CLI_FAIL);
    }
    for (i = 0; i < sk_sites_count(cli->rt.sites); i++) {
        sk_cli_site_print(sk_sites_at(cli->rt.sites, i));
    }
    return sk_cli_db_close(cli, SK_CLI_OK);
}

/* souk site set ID KEY VALUE; souk site set ID KEY --unset */
static int
sk_cli_site_set(sk_cli_t *cli, int argc, char **argv)
{
    const char  *value;
    int          rc;

    if (argc != 3) {
        fprintf(stderr, "usage: souk site set ID KEY VALUE (or --unset)\n");
        return SK_CLI_USAGE;
    }
    value = strcmp(argv[2], "--unset") == 0 ? NULL : argv[2];
    if (sk_cli_world_db(cli) != SK_CLI_OK) {
        return sk_cli_db_close(cli, SK_CLI_FAIL);
    }
    rc = sk_sitedb_set(&cli->rt, argv[0], argv[1], value, cli->err,
                       sizeof(cli->err));
    return sk_cli_site_rc(cli, rc);
}

static int
sk_cli_site_plugin(sk_cli_t *cli, int argc, char **argv, int on)
{
    int  rc;

    if (argc != 2) {
        fprintf(stderr, "usage: souk site %s ID PLUGIN\n",
                on ? "enable" : "disable");
        return SK_CLI_USAGE;
    }
    if (sk_cli_world_db(cli) != SK_CLI_OK) {
        return sk_cli_db_close(cli, SK_CLI_FAIL);
    }
    rc = sk_sitedb_plugin(&cli->rt, argv[0], argv[1], on, cli->err,
                          sizeof(cli->err));
    return sk_cli_site_rc(cli, rc);
}

int
sk_cli_site_cmd(sk_cli_t *cli, int argc, char **argv)
{
    if (argc >= 1 && strcmp(argv[0], "add") == 0) {
        return sk_cli_site_add(cli, argc - 1, argv + 1);
    }
    if (argc >= 1 && strcmp(argv[0], "list") == 0) {
        return sk_cli_site_list(cli, argc - 1, argv + 1);
    }
    if (argc >= 1 && strcmp(argv[0], "set") == 0) {
        return sk_cli_site_set(cli, argc - 1, argv + 1);
    }
    if (argc >= 1 && (strcmp(argv[0], "enable") == 0
                      || strcmp(argv[0], "disable") == 0))
    {
        return sk_cli_site_plugin(cli, argc - 1, argv + 1,
                                  argv[0][0] == 'e');
    }
    fprintf(stderr, "usage: souk site add|list|set|enable|disable ...\n");
    return SK_CLI_USAGE;
}

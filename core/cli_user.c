/* `souk user add EMAIL --role ROLE [--site ID]`: the first site owner. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include <sodium.h>

#include "souk_core.h"
#include "cli.h"
#include "db_int.h"
#include "auth_int.h"

/* The named site, else the default one, else the only one. */
static const sk_site_t *
sk_cli_user_site(sk_cli_t *cli, const char *id)
{
    const sk_sites_t  *ss = cli->rt.sites;
    size_t             i, n = sk_sites_count(ss);

    if (id == NULL) {
        id = cli->cfg->default_site;
    }
    if (id == NULL && n == 1) {
        return sk_sites_at(ss, 0);
    }
    for (i = 0; id != NULL && i < n; i++) {
        if (strcmp(sk_sites_at(ss, i)->id, id) == 0) {
            return sk_sites_at(ss, i);
        }
    }
    if (id == NULL) {
        fprintf(stderr, "souk: %zu sites and no default_site: name one with "
                "--site ID\n", n);
    } else {
        fprintf(stderr, "souk: no site \"%s\" (see souk site list)\n", id);
    }
    return NULL;
}

static int
sk_cli_read_line(FILE *tty, const char *prompt, char *buf, size_t len)
{
    struct termios  old, quiet;
    int             fd = fileno(tty), echo_off;
    size_t          n;

    fputs(prompt, stderr);
    fflush(stderr);
    echo_off = tcgetattr(fd, &old) == 0;
    if (echo_off) {
        quiet = old;
        quiet.c_lflag &= ~(tcflag_t) ECHO;
        tcsetattr(fd, TCSAFLUSH, &quiet);
    }
    if (fgets(buf, (int) len, tty) == NULL) {
        buf[0] = '\0';
    }
    if (echo_off) {
        tcsetattr(fd, TCSAFLUSH, &old);
    }
    fputs("\n", stderr);
    n = strlen(buf);
    while (n > 0 && (buf[n - 1] == '\n' || buf[n - 1] == '\r')) {
        buf[--n] = '\0';
    }
    return n > 0 ? SK_CLI_OK : SK_CLI_FAIL;
}

/* From SOUK_PASSWORD (scripts), else asked twice on the terminal. */
static int
sk_cli_password(char *pw, size_t len)
{
    const char  *env = getenv("SOUK_PASSWORD");
    char         again[SK_PASSWORD_MAX + 2];
    FILE        *tty;
    int          rc = SK_CLI_FAIL;

    if (env != NULL) {
        if (env[0] == '\0' || strlen(env) >= len) {
            fprintf(stderr, "souk: SOUK_PASSWORD is empty or too long\n");
            return SK_CLI_FAIL;
        }
        snprintf(pw, len, "%s", env);
        return SK_CLI_OK;
    }
    tty = fopen("/dev/tty", "r+");
    if (tty == NULL) {
        fprintf(stderr, "souk: no terminal to ask for the password: set "
                "SOUK_PASSWORD\n");
        return SK_CLI_FAIL;
    }
    if (sk_cli_read_line(tty, "Password: ", pw, len) == SK_CLI_OK
        && sk_cli_read_line(tty, "Again: ", again, sizeof(again))
           == SK_CLI_OK)
    {
        rc = strcmp(pw, again) == 0 ? SK_CLI_OK : SK_CLI_FAIL;
        if (rc != SK_CLI_OK) {
            fprintf(stderr, "souk: the passwords differ\n");
        }
    } else {
        fprintf(stderr, "souk: no password given\n");
    }
    sodium_memzero(again, sizeof(again));
    fclose(tty);
    return rc;
}

static int
sk_cli_user_add(sk_cli_t *cli, const char *email, const char *role,
    const char *site_id)
{
    const sk_site_t  *site;
    souk_pool_t      *p;
    const char       *realm, *norm;
    char              pw[SK_PASSWORD_MAX + 2];
    int64_t           uid;
    int               rc = SK_CLI_FAIL;

    if (sodium_init() < 0) {
        fprintf(stderr, "souk: libsodium cannot start\n");
        return SK_CLI_FAIL;
    }
    if (sk_cli_world_db(cli) != SK_CLI_OK
        || (site = sk_cli_user_site(cli, site_id)) == NULL)
    {
        return SK_CLI_FAIL;
    }
    realm = sk_site_realm(site);
    p = sk_pool_create(4096);
    norm = sk_email_normalize(p, email);
    if (norm == NULL || strchr(norm, '@') == NULL) {
        fprintf(stderr, "souk: \"%s\" is not an email address\n", email);
    } else if (sk_cli_password(pw, sizeof(pw)) == SK_CLI_OK) {
        uid = sk_user_create(cli->rt.db, p, realm, norm, pw, NULL);
        sodium_memzero(pw, sizeof(pw));
        if (uid == 0) {
            fprintf(stderr, "souk: %s already has an account in group "
                    "\"%s\"\n", norm, realm);
        } else if (uid < 0 || sk_user_role_grant(cli->rt.db, uid, role,
                                                 site_id) != SOUK_OK)
        {
            fprintf(stderr, "souk: cannot create the account: %s\n",
                    souk_db_error(cli->rt.db));
        } else {
            printf("user %lld %s (group %s): role %s on %s%s\n",
                   (long long) uid, norm, realm, role,
                   site_id ? "site " : "every site of the group",
                   site_id ? site_id : "");
            rc = SK_CLI_OK;
        }
    }
    sk_pool_destroy(p);
    return rc;
}

/* souk user add EMAIL --role ROLE [--site ID] */
int
sk_cli_user(sk_cli_t *cli, int argc, char **argv)
{
    const char  *role = NULL, *site = NULL;
    int          i;

    if (argc < 2 || strcmp(argv[0], "add") != 0) {
        goto usage;
    }
    for (i = 2; i < argc; i += 2) {
        if (i + 1 >= argc) {
            goto usage;
        }
        if (strcmp(argv[i], "--role") == 0) {
            role = argv[i + 1];
        } else if (strcmp(argv[i], "--site") == 0) {
            site = argv[i + 1];
        } else {
            goto usage;
        }
    }
    if (role == NULL) {
        goto usage;
    }
    return sk_cli_db_close(cli, sk_cli_user_add(cli, argv[1], role, site));

usage:
    fprintf(stderr, "usage: souk user add EMAIL --role ROLE [--site ID]\n"
            "  (password from $SOUK_PASSWORD or asked on the terminal)\n");
    return SK_CLI_USAGE;
}

/* `souk outbox` and `souk outbox retry`: mail waiting, and failed mail. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "souk_core.h"
#include "cli.h"
#include "db_int.h"

/*
 * Both commands talk to the database only: no plugin is loaded, so an
 * operator can look at the queue even when a plugin refuses to load.
 */

#define SK_CLI_OUTBOX_ROWS  20

static souk_db_t *
sk_cli_outbox_db(sk_cli_t *cli)
{
    souk_db_t  *db;

    if (sk_cli_config(cli) != SK_CLI_OK) {
        return NULL;
    }
    db = sk_db_open(&cli->cfg->db, cli->err, sizeof(cli->err));
    if (db == NULL) {
        fprintf(stderr, "souk: %s\n", cli->err);
    }
    return db;
}

static int
sk_cli_outbox_fail(souk_db_t *db)
{
    fprintf(stderr, "souk: outbox: %s (has `souk migrate` run?)\n",
            souk_db_error(db));
    sk_db_close(db);
    return SK_CLI_FAIL;
}

static int64_t
sk_cli_now_ms(void)
{
    struct timespec  ts;

    clock_gettime(CLOCK_REALTIME, &ts);
    return (int64_t) ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* One line per unsent row: id, state, tries, when next, to, last error. */
static int
sk_cli_outbox_rows(souk_db_t *db)
{
    souk_stmt_t  *st;
    int64_t       now = sk_cli_now_ms(), wait;
    const char   *err;
    int           rc, n = 0;

    st = souk_db_prepare(db, "SELECT id, state, attempts, next_at, "
                         "recipient, last_error FROM souk_outbox WHERE "
                         "state <> 'sent' ORDER BY id LIMIT ?");
    if (st == NULL) {
        return SOUK_ERROR;
    }
    souk_stmt_bind_int(st, 1, SK_CLI_OUTBOX_ROWS);
    while ((rc = souk_stmt_step(st)) == SOUK_ROW) {
        if (n++ == 0) {
            printf("\n%-8s %-8s %5s %8s  %-32s %s\n", "ID", "STATE", "TRIES",
                   "NEXT", "TO", "LAST ERROR");
        }
        wait = (souk_stmt_int(st, 3) - now) / 1000;
        err = souk_stmt_text(st, 5);
        printf("%-8lld %-8s %5lld %7llds  %-32.32s %.60s\n",
               (long long) souk_stmt_int(st, 0), souk_stmt_text(st, 1),
               (long long) souk_stmt_int(st, 2),
               (long long) (wait > 0 ? wait : 0), souk_stmt_text(st, 4),
               err ? err : "");
    }
    souk_stmt_reset(st);
    return rc == SOUK_DONE ? SOUK_OK : SOUK_ERROR;
}

int
sk_cli_outbox(sk_cli_t *cli, int argc, char **argv)
{
    static const char *const  states[] = { "pending", "sent", "failed" };
    souk_db_t                *db;
    souk_stmt_t              *st;
    size_t                    i;

    (void) argv;
    if (argc != 0) {
        fprintf(stderr, "usage: souk outbox\n");
        return SK_CLI_USAGE;
    }
    db = sk_cli_outbox_db(cli);
    if (db == NULL) {
        return SK_CLI_FAIL;
    }
    for (i = 0; i < sizeof(states) / sizeof(states[0]); i++) {
        st = souk_db_row(db, "SELECT COUNT(*) FROM souk_outbox WHERE "
                         "state = ?", "t", states[i]);
        if (st == NULL) {
            return sk_cli_outbox_fail(db);
        }
        printf("%s%s %lld", i ? ", " : "", states[i],
               (long long) souk_stmt_int(st, 0));
        souk_stmt_reset(st);
    }
    printf("\n");
    if (sk_cli_outbox_rows(db) != SOUK_OK) {
        return sk_cli_outbox_fail(db);
    }
    sk_db_close(db);
    return SK_CLI_OK;
}

/* Makes failed rows pending again, due now, with a fresh count of tries. */
int
sk_cli_outbox_retry(sk_cli_t *cli, int argc, char **argv)
{
    souk_db_t  *db;
    int64_t     id, total = 0;
    char       *end;
    int         i, all;

    all = argc == 1 && strcmp(argv[0], "--failed") == 0;
    for (i = 0; !all && i < argc; i++) {
        id = strtoll(argv[i], &end, 10);
        if (argv[i][0] == '\0' || *end != '\0' || id <= 0) {
            argc = 0;
        }
    }
    if (argc == 0) {
        fprintf(stderr, "usage: souk outbox retry ID... | --failed\n");
        return SK_CLI_USAGE;
    }
    db = sk_cli_outbox_db(cli);
    if (db == NULL) {
        return SK_CLI_FAIL;
    }
    for (i = 0; i < (all ? 1 : argc); i++) {
        id = all ? 0 : strtoll(argv[i], NULL, 10);
        if (souk_db_exec(db, "UPDATE souk_outbox SET state = 'pending', "
                         "attempts = 0, next_at = ?, claimed_by = NULL "
                         "WHERE state = 'failed' AND (? = 0 OR id = ?)",
                         "iii", sk_cli_now_ms(), id, id) != SOUK_OK)
        {
            return sk_cli_outbox_fail(db);
        }
        if (!all && souk_db_changes(db) == 0) {
            fprintf(stderr, "souk: outbox: no failed mail with id %lld\n",
                    (long long) id);
        }
        total += souk_db_changes(db);
    }
    printf("%lld mail(s) queued again\n", (long long) total);
    sk_db_close(db);
    return total > 0 || all ? SK_CLI_OK : SK_CLI_FAIL;
}

/* Schema migrations: finds the core's and each plugin's migration files,
 * records what ran with a checksum, applies what is pending. */
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include <sodium.h>

#include "souk_core.h"
#include "db_int.h"
#include "migrate.h"

#ifndef SOUK_PLUGIN_DATA_DIR
#define SOUK_PLUGIN_DATA_DIR  "/usr/local/share/souk/plugins"
#endif

/* One migration file: the variant chosen for the engine. */
typedef struct {
    char        *name;          /* "001_sites" */
    char        *file;          /* where it came from, for messages */
    char        *sql;
    int          variant;       /* 0 plain, else the engine's own */
} sk_mig_t;

typedef struct {
    sk_mig_t    *m;
    size_t       n;
    size_t       cap;
} sk_migs_t;

/* What a transaction applying one migration needs. */
typedef struct {
    const char  *plugin;
    const sk_mig_t  *mig;
    const char  *sum;
    int          skipped;       /* another process ran it meanwhile */
    char        *err;
    size_t       errlen;
} sk_mig_tx_t;

static const char  sk_mig_table[] =
    "CREATE TABLE IF NOT EXISTS souk_migrations ("
    " plugin VARCHAR(64) NOT NULL,"
    " name VARCHAR(128) NOT NULL,"
    " checksum CHAR(64) NOT NULL,"
    " applied_at BIGINT NOT NULL,"
    " PRIMARY KEY (plugin, name))";

static char *
sk_mig_strdup(const char *s)
{
    char  *d = strdup(s);

    if (d == NULL) {
        abort();
    }
    return d;
}

static void
sk_migs_free(sk_migs_t *ms)
{
    size_t  i;

    for (i = 0; i < ms->n; i++) {
        free(ms->m[i].name);
        free(ms->m[i].file);
        free(ms->m[i].sql);
    }
    free(ms->m);
    memset(ms, 0, sizeof(*ms));
}

/*
 * Splits "001_sites.sqlite.sql" into its name ("001_sites") and variant:
 * 0 plain, 1 this engine's, -1 the other engine's (ignored). Names that do
 * not look like NNN_name[.engine].sql return -2: editors' backups and notes
 * may sit in the folder.
 */
static int
sk_mig_parse(const char *file, const char *engine, char *name, size_t len)
{
    const char  *p = file, *dot;
    size_t       n;

    if (!isdigit((unsigned char) *p)) {
        return -2;
    }
    while (isdigit((unsigned char) *p)) {
        p++;
    }
    if (*p != '_') {
        return -2;
    }
    for (p++; isalnum((unsigned char) *p) || *p == '_' || *p == '-'; p++) {
        /* the name */
    }
    n = (size_t) (p - file);
    if (*p != '.' || n >= len) {
        return -2;
    }
    memcpy(name, file, n);
    name[n] = '\0';
    if (strcmp(p, ".sql") == 0) {
        return 0;
    }
    dot = strchr(p + 1, '.');
    if (dot == NULL || strcmp(dot, ".sql") != 0) {
        return -2;
    }
    if (strncmp(p + 1, engine, (size_t) (dot - p - 1)) == 0
        && engine[dot - p - 1] == '\0')
    {
        return 1;
    }
    if (strcmp(p, ".sqlite.sql") == 0 || strcmp(p, ".mariadb.sql") == 0) {
        return -1;
    }
    return -2;
}

/* Adds a file's text under name, unless a better variant is there. */
static void
sk_migs_add(sk_migs_t *ms, const char *name, int variant, const char *file,
    char *sql)
{
    size_t  i;

    for (i = 0; i < ms->n; i++) {
        if (strcmp(ms->m[i].name, name) != 0) {
            continue;
        }
        if (ms->m[i].variant >= variant) {
            free(sql);
            return;
        }
        free(ms->m[i].file);
        free(ms->m[i].sql);
        ms->m[i].file = sk_mig_strdup(file);
        ms->m[i].sql = sql;
        ms->m[i].variant = variant;
        return;
    }
    if (ms->n == ms->cap) {
        ms->cap = ms->cap ? ms->cap * 2 : 8;
        ms->m = realloc(ms->m, ms->cap * sizeof(sk_mig_t));
        if (ms->m == NULL) {
            abort();
        }
    }
    ms->m[ms->n].name = sk_mig_strdup(name);
    ms->m[ms->n].file = sk_mig_strdup(file);
    ms->m[ms->n].sql = sql;
    ms->m[ms->n++].variant = variant;
}

static int
sk_mig_cmp(const void *a, const void *b)
{
    const sk_mig_t  *x = a, *y = b;

    return strcmp(x->name, y->name);
}

/* A name with only the other engine's variant cannot run here. */
static int
sk_migs_check_other(sk_migs_t *ms, const char *name, const char *file,
    const char *engine, char *err, size_t errlen)
{
    size_t  i;

    for (i = 0; i < ms->n; i++) {
        if (strcmp(ms->m[i].name, name) == 0) {
            return SOUK_OK;
        }
    }
    snprintf(err, errlen, "migration %s has no %s variant (%s.%s.sql) and "
             "no plain %s.sql", file, engine, name, engine, name);
    return SOUK_ERROR;
}

static char *
sk_mig_read(const char *path, char *err, size_t errlen)
{
    char  *buf = sk_file_read(path, NULL);

    if (buf == NULL) {
        snprintf(err, errlen, "%s: %s", path, strerror(errno));
    }
    return buf;
}

/* Reads a plugin's migrations folder; a missing folder is no migrations. */
static int
sk_migs_dir(sk_migs_t *ms, const char *dir, const char *engine, char *err,
    size_t errlen)
{
    DIR            *d;
    struct dirent  *e;
    char            name[128], path[4096];
    char           *sql;
    int             v, rc = SOUK_OK;
    size_t          i, nothers = 0;
    char          (*others)[128] = NULL;

    d = opendir(dir);
    if (d == NULL) {
        return SOUK_OK;
    }
    while (rc == SOUK_OK && (e = readdir(d)) != NULL) {
        v = sk_mig_parse(e->d_name, engine, name, sizeof(name));
        if (v == -2) {
            continue;
        }
        if (v == -1) {
            others = realloc(others, (nothers + 1) * sizeof(*others));
            if (others == NULL) {
                abort();
            }
            memcpy(others[nothers++], name, sizeof(name));
            continue;
        }
        if ((size_t) snprintf(path, sizeof(path), "%s/%s", dir, e->d_name)
            >= sizeof(path))
        {
            snprintf(err, errlen, "%s: path too long", dir);
            rc = SOUK_ERROR;
            break;
        }
        sql = sk_mig_read(path, err, errlen);
        if (sql == NULL) {
            rc = SOUK_ERROR;
            break;
        }
        sk_migs_add(ms, name, v, path, sql);
    }
    closedir(d);
    for (i = 0; rc == SOUK_OK && i < nothers; i++) {
        if ((size_t) snprintf(path, sizeof(path), "%s/%s", dir, others[i])
            >= sizeof(path))
        {
            path[sizeof(path) - 1] = '\0';
        }
        rc = sk_migs_check_other(ms, others[i], path, engine, err, errlen);
    }
    free(others);
    if (ms->n > 1) {
        qsort(ms->m, ms->n, sizeof(sk_mig_t), sk_mig_cmp);
    }
    return rc;
}

static int
sk_migs_core(sk_migs_t *ms, const char *engine, char *err, size_t errlen)
{
    const sk_migration_src_t  *s;
    char                       name[128], file[256];
    int                        v;

    for (s = sk_core_migrations; s->file != NULL; s++) {
        v = sk_mig_parse(s->file, engine, name, sizeof(name));
        if (v >= 0) {
            snprintf(file, sizeof(file), "core/migrations/%s", s->file);
            sk_migs_add(ms, name, v, file, sk_mig_strdup(s->sql));
        }
    }
    for (s = sk_core_migrations; s->file != NULL; s++) {
        if (sk_mig_parse(s->file, engine, name, sizeof(name)) == -1) {
            snprintf(file, sizeof(file), "core/migrations/%s", name);
            if (sk_migs_check_other(ms, name, file, engine, err, errlen)
                != SOUK_OK)
            {
                return SOUK_ERROR;
            }
        }
    }
    if (ms->n > 1) {
        qsort(ms->m, ms->n, sizeof(sk_mig_t), sk_mig_cmp);
    }
    return SOUK_OK;
}

/* A plugin's folder: under plugin_data_dir like its templates, else the
 * folder holding its .so (a plugin built in its own source folder). */
static int
sk_migs_plugin(const sk_runtime_t *rt, const sk_plugin_t *pl, sk_migs_t *ms,
    const char *engine, char *err, size_t errlen)
{
    const char   *data = SOUK_PLUGIN_DATA_DIR;
    char          dir[4096];
    struct stat   st;

    if (rt->cfg != NULL && rt->cfg->plugin_data_dir != NULL) {
        data = rt->cfg->plugin_data_dir;
    }
    snprintf(dir, sizeof(dir), "%s/%s/migrations", data, pl->name);
    if (stat(dir, &st) != 0 && pl->dir != NULL) {
        snprintf(dir, sizeof(dir), "%s/migrations", pl->dir);
    }
    return sk_migs_dir(ms, dir, engine, err, errlen);
}

static void
sk_mig_sum(const char *sql, char *hex)
{
    unsigned char  h[32];

    crypto_generichash(h, sizeof(h), (const unsigned char *) sql,
                       strlen(sql), NULL, 0);
    sodium_bin2hex(hex, 65, h, sizeof(h));
}

/*
 * The recorded checksum of plugin/name into sum: 1 found, 0 not run,
 * -1 on a database error.
 */
static int
sk_mig_recorded(souk_db_t *db, const char *plugin, const char *name,
    char *sum)
{
    souk_stmt_t  *st;
    const char   *v;

    st = souk_db_row(db, "SELECT checksum FROM souk_migrations "
                     "WHERE plugin = ? AND name = ?", "tt", plugin, name);
    if (st == NULL) {
        return souk_db_error(db)[0] == '\0' ? 0 : -1;
    }
    v = souk_stmt_text(st, 0);
    snprintf(sum, 65, "%s", v != NULL ? v : "");
    souk_stmt_reset(st);
    return 1;
}

static void
sk_mig_edited(const char *file, char *err, size_t errlen)
{
    snprintf(err, errlen, "migration %s was edited after it ran (its "
             "checksum differs); restore it and put the change in a new "
             "migration", file);
}

static int
sk_mig_apply_tx(souk_db_t *db, void *arg)
{
    sk_mig_tx_t  *a = arg;
    char          sum[65];
    int           rc;

    a->skipped = 0;
    rc = sk_mig_recorded(db, a->plugin, a->mig->name, sum);
    if (rc < 0) {
        snprintf(a->err, a->errlen, "souk_migrations: %s", souk_db_error(db));
        return SOUK_ERROR;
    }
    if (rc == 1) {
        /* Another process (a second worker, `souk migrate`) ran it
         * between our look and our transaction. */
        if (strcmp(sum, a->sum) != 0) {
            sk_mig_edited(a->mig->file, a->err, a->errlen);
            return SOUK_ERROR;
        }
        a->skipped = 1;
        return SOUK_OK;
    }
    if (sk_db_exec_script(db, a->mig->sql) != SOUK_OK) {
        snprintf(a->err, a->errlen, "migration %s failed: %s%s",
                 a->mig->file, souk_db_error(db),
                 souk_db_dialect(db) == SOUK_DB_MARIADB
                 ? " (MariaDB commits DDL as it goes: check what it left "
                   "before running it again)" : "");
        return SOUK_ERROR;
    }
    if (souk_db_exec(db, "INSERT INTO souk_migrations (plugin, name, "
                     "checksum, applied_at) VALUES (?, ?, ?, ?)", "ttti",
                     a->plugin, a->mig->name, a->sum,
                     (int64_t) time(NULL)) != SOUK_OK)
    {
        snprintf(a->err, a->errlen, "souk_migrations: %s", souk_db_error(db));
        return SOUK_ERROR;
    }
    return SOUK_OK;
}

/* Compares (and with SK_MIGRATE_APPLY runs) one plugin's set. */
static int
sk_migs_run(souk_db_t *db, const char *plugin, sk_migs_t *ms, int mode,
    sk_migrate_note_pt note, void *arg, size_t *pending, char *err,
    size_t errlen)
{
    size_t       i;
    char         sum[65], have[65];
    int          rc, state;
    sk_mig_tx_t  a;

    for (i = 0; i < ms->n; i++) {
        sk_mig_sum(ms->m[i].sql, sum);
        rc = sk_mig_recorded(db, plugin, ms->m[i].name, have);
        if (rc < 0) {
            snprintf(err, errlen, "souk_migrations: %s", souk_db_error(db));
            return SOUK_ERROR;
        }
        if (rc == 1 && strcmp(have, sum) != 0) {
            sk_mig_edited(ms->m[i].file, err, errlen);
            return SOUK_ERROR;
        }
        state = rc == 1 ? SK_MIG_APPLIED : SK_MIG_PENDING;
        if (state == SK_MIG_PENDING && mode == SK_MIGRATE_CHECK) {
            snprintf(err, errlen, "migration %s (%s) is pending: run "
                     "`souk migrate`, or set apply_migrations = yes in "
                     "[database]", ms->m[i].file, plugin);
            return SOUK_ERROR;
        }
        if (state == SK_MIG_PENDING && mode == SK_MIGRATE_APPLY) {
            a.plugin = plugin;
            a.mig = &ms->m[i];
            a.sum = sum;
            a.err = err;
            a.errlen = errlen;
            err[0] = '\0';
            if (souk_db_tx(db, sk_mig_apply_tx, &a) != SOUK_OK) {
                if (err[0] == '\0') {
                    snprintf(err, errlen, "migration %s: %s", ms->m[i].file,
                             souk_db_error(db));
                }
                return SOUK_ERROR;
            }
            state = a.skipped ? SK_MIG_APPLIED : SK_MIG_RAN;
        }
        if (state == SK_MIG_PENDING && pending != NULL) {
            (*pending)++;
        }
        if (note != NULL) {
            note(arg, plugin, ms->m[i].name, ms->m[i].file, state);
        }
    }
    return SOUK_OK;
}

int
sk_migrate(const sk_runtime_t *rt, souk_db_t *db, int mode,
    sk_migrate_note_pt note, void *arg, size_t *pending, char *err,
    size_t errlen)
{
    const char  *engine = sk_db_engine(db);
    sk_migs_t    ms;
    size_t       i;
    int          rc;

    if (pending != NULL) {
        *pending = 0;
    }
    if (sk_db_exec_script(db, sk_mig_table) != SOUK_OK) {
        snprintf(err, errlen, "souk_migrations: %s", souk_db_error(db));
        return SOUK_ERROR;
    }
    memset(&ms, 0, sizeof(ms));
    rc = sk_migs_core(&ms, engine, err, errlen);
    if (rc == SOUK_OK) {
        rc = sk_migs_run(db, "core", &ms, mode, note, arg, pending, err,
                         errlen);
    }
    sk_migs_free(&ms);
    for (i = 0; rc == SOUK_OK && i < rt->nplugins; i++) {
        if (rt->plugins[i] == NULL) {
            continue;
        }
        rc = sk_migs_plugin(rt, rt->plugins[i], &ms, engine, err, errlen);
        if (rc == SOUK_OK) {
            rc = sk_migs_run(db, rt->plugins[i]->name, &ms, mode, note, arg,
                             pending, err, errlen);
        }
        sk_migs_free(&ms);
    }
    return rc;
}

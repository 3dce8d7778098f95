/* Internal to the core: schema migrations and the sites kept in the
 * database (core/migrate.c, core/site_db.c). */
#ifndef SK_MIGRATE_H
#define SK_MIGRATE_H

#include "souk_core.h"

/* ---------- migrations (core/migrate.c) ---------- */

/*
 * A migration is a file NNN_name.sql, or NNN_name.sqlite.sql /
 * NNN_name.mariadb.sql where the dialects differ (the engine's own variant
 * wins over the plain file). The core's own come compiled in (from
 * core/migrations/); a plugin's live in PLUGIN/migrations/ under
 * plugin_data_dir, else next to its .so. They run in order: the core's,
 * then each loaded plugin's in load order, each set by file name. Each one
 * runs in a transaction (SQLite; MariaDB commits DDL as it goes) together
 * with its row in souk_migrations (plugin, name, checksum, applied_at).
 */
#define SK_MIGRATE_CHECK   0   /* pending → SOUK_ERROR naming the first */
#define SK_MIGRATE_APPLY   1   /* apply what is pending */
#define SK_MIGRATE_STATUS  2   /* only report, pending is not an error */

#define SK_MIG_APPLIED     0   /* ran before, unchanged */
#define SK_MIG_PENDING     1   /* not yet run */
#define SK_MIG_RAN         2   /* run just now (SK_MIGRATE_APPLY) */

/*
 * cfg->db.apply_migrations: 0 refuse pending ones, 1 apply them at start,
 * SK_APPLY_LATER (soukd -t with 1) pass them, applying nothing: a check
 * changes nothing, and says yes when soukd would start.
 */
#define SK_APPLY_LATER     2
#define sk_migrate_mode(apply)                                               \
    ((apply) == 1 ? SK_MIGRATE_APPLY                                         \
     : (apply) == SK_APPLY_LATER ? SK_MIGRATE_STATUS : SK_MIGRATE_CHECK)

/* Told about each migration, in order (for `souk migrate`). */
typedef void (*sk_migrate_note_pt)(void *arg, const char *plugin,
    const char *name, const char *file, int state);

/*
 * Reads every migration for the loaded plugins of rt and compares them with
 * souk_migrations on db. A migration that was edited after it ran is always
 * refused (one line naming the file). Returns SOUK_OK, or SOUK_ERROR with
 * one line in err. *pending (may be NULL) gets how many are left pending.
 */
int sk_migrate(const sk_runtime_t *rt, souk_db_t *db, int mode,
    sk_migrate_note_pt note, void *arg, size_t *pending, char *err,
    size_t errlen);

/* One compiled-in migration file (core/migrations_core.c, generated). */
typedef struct {
    const char  *file;        /* "001_sites.sql" */
    const char  *sql;
} sk_migration_src_t;

extern const sk_migration_src_t  sk_core_migrations[];  /* {NULL, NULL} end */

/* ---------- sites in the database (core/site_db.c) ---------- */

/* souk_site_version: bumped by every change to the sites tables. */
int sk_sitedb_version(souk_db_t *db, int64_t *version);

/*
 * The sites to serve: cfg's [site:*] sections with the database's plugin
 * and setting overrides applied, plus the sites that live only in the
 * database. What it changes is copied into p. SOUK_ERROR when the tables
 * cannot be read (souk_db_error says why).
 */
int sk_sitedb_merge(souk_db_t *db, const sk_config_t *cfg,
    const sk_runtime_t *rt, souk_pool_t *p, sk_site_t **out, size_t *nout,
    int64_t *version);

/*
 * sk_sitedb_merge for sk_sites_build: a new pool holding the merged
 * table (*sites, *n, *version), or NULL leaving them as they are when the
 * tables cannot be read (logged at debug level). sk_sitedb_release frees
 * the pool.
 */
souk_pool_t *sk_sitedb_load(const sk_runtime_t *rt, const sk_config_t *cfg,
    sk_site_t **sites, size_t *n, int64_t *version);
void sk_sitedb_release(souk_pool_t *p);

/*
 * Changes, each in its own transaction that also bumps the version, and
 * checked against the whole merged table before it commits (a plugin's
 * requirement left off, a host served twice, a theme setting that does not
 * fit the theme's schema). SOUK_OK; SOUK_DECLINED with why in err (unknown
 * site or plugin, bad value); SOUK_ERROR on a database error.
 */
int sk_sitedb_add(sk_runtime_t *rt, const char *id, const char *group,
    char **hosts, size_t nhosts, const char *theme, char *err,
    size_t errlen);
/* value NULL removes the site's own value (the fallback shows again). */
int sk_sitedb_set(sk_runtime_t *rt, const char *id, const char *key,
    const char *value, char *err, size_t errlen);
int sk_sitedb_plugin(sk_runtime_t *rt, const char *id, const char *plugin,
    int on, char *err, size_t errlen);

#endif /* SK_MIGRATE_H */

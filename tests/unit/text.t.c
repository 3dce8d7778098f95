/* Tests full-text search (core/text.c) on SQLite and MariaDB. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "content_int.h"
#include "db_int.h"
#include "dbtest.h"
#include "tap.h"

/*
 * Each case runs on both engines against the real migration file, the way
 * a plugin uses the API: put rows, then join souk_text_match_sql in a
 * query with the three binds. Writes are committed (autocommit) before a
 * search because InnoDB applies FULLTEXT changes at COMMIT.
 */

static souk_pool_t  *pool;

static int
migrate(souk_db_t *db)
{
    const char  *src = getenv("top_srcdir");
    char         path[1024], *sql;
    int          rc;

    snprintf(path, sizeof(path), "%s/core/migrations/050_text.%s.sql",
             src ? src : ".", sk_db_engine(db));
    sql = sk_file_read(path, NULL);
    if (sql == NULL) {
        printf("# cannot read %s\n", path);
        return SOUK_ERROR;
    }
    rc = sk_db_exec_script(db, sql);
    if (rc != SOUK_OK) {
        printf("# %s: %s\n", path, souk_db_error(db));
    }
    free(sql);
    return rc;
}

/*
 * Searches index "t", scope, for what a shopper typed; writes the doc ids
 * best first, comma-separated, into out ("" for none, "null" when the
 * query had no word, "error" when the statement failed).
 */
static const char *
search(souk_db_t *db, const char *scope, const char *typed, char *out,
    size_t outlen)
{
    char          sql[1024];
    const char   *q;
    souk_stmt_t  *st;
    size_t        n = 0;
    int           rc;

    out[0] = '\0';
    q = souk_text_query(db, pool, typed);
    if (q == NULL) {
        snprintf(out, outlen, "null");
        return out;
    }
    snprintf(sql, sizeof(sql), "SELECT m.doc, m.score FROM %s m "
             "ORDER BY m.score DESC, m.doc", souk_text_match_sql(db));
    st = souk_db_prepare(db, sql);
    if (st == NULL) {
        snprintf(out, outlen, "error");
        return out;
    }
    if (souk_text_match_bind(st, 1, "t", scope, q) < 0) {
        snprintf(out, outlen, "bind error");
        return out;
    }
    while ((rc = souk_stmt_step(st)) == SOUK_ROW) {
        n += (size_t) snprintf(out + n, outlen - n, "%s%lld", n ? "," : "",
                               (long long) souk_stmt_int(st, 0));
        if (n >= outlen) {
            break;
        }
    }
    souk_stmt_reset(st);
    if (rc == SOUK_ERROR) {
        printf("# search \"%s\" (%s): %s\n", typed, q, souk_db_error(db));
        snprintf(out, outlen, "error");
    }
    return out;
}

static void
test_ranking(souk_db_t *db, const char *e)
{
    char  out[256];

    ok(souk_text_put(db, "t", "g1", 1, "Blue kettle",
                     "A kettle for the stove; pairs with any mug.") == SOUK_OK
       && souk_text_put(db, "t", "g1", 2, "Stoneware mug",
                        "Holds 300 ml of tea.") == SOUK_OK
       && souk_text_put(db, "t", "g1", 3, "Café table",
                        "Oak, seats four.") == SOUK_OK
       && souk_text_put(db, "t", "g1", 4, "Teapot", NULL) == SOUK_OK
       && souk_text_put(db, "t", "g2", 5, "Mug of another site",
                        NULL) == SOUK_OK,
       "%s: documents put", e);
    is_str(search(db, "g1", "mug", out, sizeof(out)), "2,1",
           "%s: a title hit ranks above a body hit", e);
    is_str(search(db, "g1", "kett", out, sizeof(out)), "1",
           "%s: words match as prefixes", e);
    is_str(search(db, "g1", "MUG stoneware", out, sizeof(out)), "2",
           "%s: every word must match, case folded", e);
    is_str(search(db, "g1", "cafe", out, sizeof(out)), "3",
           "%s: diacritics folded (cafe finds Café)", e);
    is_str(search(db, "g2", "mug", out, sizeof(out)), "5",
           "%s: another scope's documents are not found", e);
    is_str(search(db, "nobody", "mug", out, sizeof(out)), "",
           "%s: an unknown scope finds nothing", e);
    is_str(search(db, "g1", "the", out, sizeof(out)), "1",
           "%s: a common word (stopword elsewhere) is still found", e);
}

static void
test_changes(souk_db_t *db, const char *e)
{
    char  out[256];

    ok(souk_text_put(db, "t", "g1", 2, "Stoneware jug", "For milk.")
       == SOUK_OK, "%s: a document replaced", e);
    is_str(search(db, "g1", "stoneware", out, sizeof(out)), "2",
           "%s: the replaced document has its new words", e);
    is_str(search(db, "g1", "mug", out, sizeof(out)), "1",
           "%s: and not its old ones", e);
    ok(souk_text_delete(db, "t", "g1", 1) == SOUK_OK,
       "%s: a document deleted", e);
    is_str(search(db, "g1", "kettle", out, sizeof(out)), "",
           "%s: a deleted document is not found", e);
    ok(souk_text_delete(db, "t", "g1", 999) == SOUK_OK,
       "%s: deleting a missing document is fine", e);
    ok(souk_text_put(db, NULL, "g1", 1, "x", "y") == SOUK_ERROR,
       "%s: no index is refused", e);
}

static void
test_hostile(souk_db_t *db, const char *e)
{
    static const char  *bad[] = {
        "\"", "*", "OR", "NEAR(", "-", "a:b", "title:mug", "mug\"*", "+-~<>",
        "\"mug OR kettle\"", "NOT mug", "mug AND", "(", ")", "@", "'",
        "\xff\xfe mug", "\xc3", "— – …", "^mug", "mug*)", "{title}: x",
    };
    char   junk[10 * 1024 + 1], out[256];
    size_t i;
    int    errors = 0;

    for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        if (strcmp(search(db, "g1", bad[i], out, sizeof(out)), "error")
            == 0)
        {
            printf("# \"%s\" errored\n", bad[i]);
            errors++;
        }
    }
    for (i = 0; i < sizeof(junk) - 1; i++) {
        junk[i] = (char) (1 + (i * 7919) % 255);
    }
    junk[sizeof(junk) - 1] = '\0';
    if (strcmp(search(db, "g1", junk, out, sizeof(out)), "error") == 0) {
        errors++;
    }
    is_int(errors, 0, "%s: hostile queries never error", e);
    is_str(search(db, "g1", "\"stoneware\" -milk", out, sizeof(out)), "2",
           "%s: quotes and operators are plain separators", e);
}

static void
test_query_text(void)
{
    const char  *q;
    char         many[200];
    int          i, n;

    is_str(sk_text_query(SOUK_DB_SQLITE, pool, "Red  mug!"),
           "\"Red\"* \"mug\"*", "sqlite: quoted prefix terms");
    is_str(sk_text_query(SOUK_DB_MARIADB, pool, "red mug"),
           "+red* +mug*", "mariadb: required prefix terms");
    is_str(sk_text_query(SOUK_DB_MARIADB, pool, "a tv set"), "+set*",
           "mariadb: words shorter than InnoDB indexes are left out");
    ok(sk_text_query(SOUK_DB_MARIADB, pool, "a tv") == NULL,
       "mariadb: no indexable word left: NULL");
    ok(sk_text_query(SOUK_DB_SQLITE, pool, "\"*-:()") == NULL,
       "no word at all: NULL");
    ok(sk_text_query(SOUK_DB_SQLITE, pool, NULL) == NULL, "NULL text: NULL");
    is_str(sk_text_query(SOUK_DB_SQLITE, pool, "Çay\xff" "bardağı"),
           "\"Çay\"* \"bardağı\"*",
           "UTF-8 letters kept, malformed bytes separate words");
    many[0] = '\0';
    for (i = 0; i < 20; i++) {
        snprintf(many + strlen(many), sizeof(many) - strlen(many), "w%02d ",
                 i);
    }
    q = sk_text_query(SOUK_DB_SQLITE, pool, many);
    for (n = 0; q != NULL && (q = strchr(q, '*')) != NULL; q++) {
        n++;
    }
    is_int(n, 16, "at most 16 words");
}

int
main(void)
{
    int  e;

    pool = sk_pool_create(4096);
    test_query_text();
    for (e = SOUK_DB_SQLITE; e <= SOUK_DB_MARIADB; e++) {
        dbtest_t    t;
        souk_db_t  *db;
        const char *name = dbtest_engine(e);

        if (dbtest_setup(&t, e) != SOUK_OK) {
            printf("ok %d # SKIP %s: %s\n", ++tap_n, name,
                   t.skip ? t.skip : "setup failed");
            continue;
        }
        db = dbtest_connect(&t);
        if (db == NULL || migrate(db) != SOUK_OK) {
            ok(0, "%s: database ready", name);
        } else {
            test_ranking(db, name);
            test_changes(db, name);
            test_hostile(db, name);
        }
        if (db != NULL) {
            sk_db_close(db);
        }
        dbtest_teardown(&t);
    }
    sk_pool_destroy(pool);
    return done_testing();
}

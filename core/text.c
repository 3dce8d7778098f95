/* Full-text search over one core table, the same on SQLite and MariaDB. */
#include <string.h>

#include "content_int.h"
#include "db_int.h"

/*
 * The tables come from core/migrations/050_text.*.sql: an FTS5 external-
 * content table kept in step by triggers on SQLite, one InnoDB table with a
 * FULLTEXT index on MariaDB (the notes at the top of each file say why it
 * looks the way it does). Writes are plain statements on the caller's
 * connection, so they join the caller's souk_db_tx. InnoDB applies FULLTEXT
 * changes at COMMIT: a search inside the writing transaction does not see
 * them yet (SQLite's does).
 */

#define SK_TEXT_MAX_WORDS   16
/* InnoDB's default innodb_ft_min_token_size and innodb_ft_max_token_size,
 * in characters: shorter or longer words are never in the index. */
#define SK_TEXT_MY_MIN      3
#define SK_TEXT_MY_MAX      84

/* CROSS JOIN: SQLite must run the MATCH first and look documents up by
 * rowid; left to choose, it scans every document of the scope and runs
 * the full-text query once per row (seconds at 100,000 documents). */
static const char  sk_text_match_sqlite[] =
    "(SELECT d.doc AS doc, -bm25(souk_text_fts, 10.0, 1.0) AS score "
    "FROM souk_text_fts CROSS JOIN souk_text_docs d "
    "ON d.id = souk_text_fts.rowid "
    "WHERE souk_text_fts MATCH ? AND d.idx = ? AND d.scope = ?)";

/* The MATCH in WHERE is what makes InnoDB use the FULLTEXT index (without
 * it the score is computed for every row of the table); the one in the
 * select list ranks. AGAINST takes only a constant, so the query is bound
 * twice (souk_text_match_bind). */
static const char  sk_text_match_mariadb[] =
    "(SELECT doc, MATCH (boost, body) AGAINST (? IN BOOLEAN MODE) AS score "
    "FROM souk_text_docs WHERE MATCH (boost, body) AGAINST "
    "(? IN BOOLEAN MODE) AND idx = ? AND scope = ?)";

SOUK_API const char *
souk_text_match_sql(const souk_db_t *db)
{
    return souk_db_dialect(db) == SOUK_DB_MARIADB ? sk_text_match_mariadb
                                                  : sk_text_match_sqlite;
}

SOUK_API int
souk_text_match_bind(souk_stmt_t *st, int idx, const char *index,
    const char *scope, const char *query)
{
    int  rc = SOUK_OK;

    if (st == NULL || index == NULL || scope == NULL || query == NULL) {
        return SOUK_ERROR;
    }
    rc |= souk_stmt_bind_text(st, idx++, query, -1);
    if (souk_db_dialect(st->db) == SOUK_DB_MARIADB) {
        rc |= souk_stmt_bind_text(st, idx++, query, -1);
    }
    rc |= souk_stmt_bind_text(st, idx++, index, -1);
    rc |= souk_stmt_bind_text(st, idx++, scope, -1);
    return rc == SOUK_OK ? idx : SOUK_ERROR;
}

static int
sk_text_args_ok(const char *what, const char *index, const char *scope)
{
    if (index == NULL || scope == NULL || index[0] == '\0'
        || strlen(index) > 32 || strlen(scope) > 64)
    {
        sk_log_msg(SOUK_LOG_ERROR, "text: %s needs an index (1-32 bytes) "
                   "and a scope (up to 64 bytes)", what);
        return 0;
    }
    return 1;
}

SOUK_API int
souk_text_put(souk_db_t *db, const char *index, const char *scope,
    int64_t doc, const char *title, const char *body)
{
    int  rc;

    if (!sk_text_args_ok("souk_text_put", index, scope)) {
        return SOUK_ERROR;
    }
    title = title != NULL ? title : "";
    body = body != NULL ? body : "";
    if (souk_db_dialect(db) == SOUK_DB_MARIADB) {
        rc = souk_db_exec(db, "INSERT INTO souk_text_docs (idx, scope, doc, "
                          "title, boost, body) VALUES (?, ?, ?, ?, "
                          "REPEAT(CONCAT(?, ' '), 10), ?) "
                          "ON DUPLICATE KEY UPDATE title = VALUES(title), "
                          "boost = VALUES(boost), body = VALUES(body)",
                          "ttittt", index, scope, doc, title, title,
                          body);
    } else {
        rc = souk_db_exec(db, "INSERT INTO souk_text_docs (idx, scope, doc, "
                          "title, body) VALUES (?, ?, ?, ?, ?) "
                          "ON CONFLICT (idx, scope, doc) DO UPDATE SET "
                          "title = excluded.title, body = excluded.body",
                          "ttitt", index, scope, doc, title, body);
    }
    if (rc != SOUK_OK) {
        sk_log_msg(SOUK_LOG_ERROR, "text: indexing %s/%s/%lld failed: %s",
                   index, scope, (long long) doc, souk_db_error(db));
    }
    return rc;
}

SOUK_API int
souk_text_delete(souk_db_t *db, const char *index, const char *scope,
    int64_t doc)
{
    if (!sk_text_args_ok("souk_text_delete", index, scope)) {
        return SOUK_ERROR;
    }
    if (souk_db_exec(db, "DELETE FROM souk_text_docs WHERE idx = ? AND "
                     "scope = ? AND doc = ?", "tti", index, scope, doc)
        != SOUK_OK)
    {
        sk_log_msg(SOUK_LOG_ERROR, "text: removing %s/%s/%lld failed: %s",
                   index, scope, (long long) doc, souk_db_error(db));
        return SOUK_ERROR;
    }
    return SOUK_OK;
}

/*
 * The length of the well-formed UTF-8 sequence of a non-ASCII letter at s
 * (2-4 bytes, no overlong forms, no surrogates, at most U+10FFFF), or 0.
 * Any such character counts as a letter: the engines' tokenizers decide
 * what is one, and a malformed byte must never reach MariaDB (it refuses
 * the whole statement).
 */
static size_t
sk_text_utf8_len(const unsigned char *s)
{
    size_t    n, i;
    unsigned  c;

    if (s[0] >= 0xc2 && s[0] <= 0xdf) {
        n = 2;
        c = s[0] & 0x1f;
    } else if (s[0] >= 0xe0 && s[0] <= 0xef) {
        n = 3;
        c = s[0] & 0x0f;
    } else if (s[0] >= 0xf0 && s[0] <= 0xf4) {
        n = 4;
        c = s[0] & 0x07;
    } else {
        return 0;
    }
    for (i = 1; i < n; i++) {
        if ((s[i] & 0xc0) != 0x80) {
            return 0;
        }
        c = (c << 6) | (s[i] & 0x3f);
    }
    if ((n == 3 && (c < 0x800 || (c >= 0xd800 && c <= 0xdfff)))
        || (n == 4 && (c < 0x10000 || c > 0x10ffff)))
    {
        return 0;
    }
    return n;
}

/* One word at s: its length in bytes (0: s is not at a letter) and, in
 * *chars, in characters. */
static size_t
sk_text_word(const unsigned char *s, size_t *chars)
{
    size_t  len = 0, n;

    *chars = 0;
    for (;;) {
        if ((s[len] >= '0' && s[len] <= '9')
            || (s[len] >= 'a' && s[len] <= 'z')
            || (s[len] >= 'A' && s[len] <= 'Z'))
        {
            n = 1;
        } else if (s[len] >= 0x80) {
            n = sk_text_utf8_len(s + len);
            if (n == 0) {
                return len;
            }
        } else {
            return len;
        }
        len += n;
        (*chars)++;
    }
}

const char *
sk_text_query(int dialect, souk_pool_t *p, const char *text)
{
    const unsigned char  *s = (const unsigned char *) text;
    souk_buf_t            b;
    size_t                len, chars, words = 0;

    if (text == NULL) {
        return NULL;
    }
    souk_buf_init(&b, p, 64);
    while (*s != '\0' && words < SK_TEXT_MAX_WORDS) {
        len = sk_text_word(s, &chars);
        if (len == 0) {
            s++;
            continue;
        }
        if (dialect != SOUK_DB_MARIADB) {
            /* A quoted string: FTS5 reads no operator inside it. */
            souk_buf_puts(&b, words ? " \"" : "\"");
            souk_buf_append(&b, (const char *) s, len);
            souk_buf_puts(&b, "\"*");
            words++;
        } else if (chars >= SK_TEXT_MY_MIN && chars <= SK_TEXT_MY_MAX) {
            souk_buf_puts(&b, words ? " +" : "+");
            souk_buf_append(&b, (const char *) s, len);
            souk_buf_puts(&b, "*");
            words++;
        }
        s += len;
    }
    return words ? b.data : NULL;
}

SOUK_API const char *
souk_text_query(souk_db_t *db, souk_pool_t *p, const char *text)
{
    return sk_text_query(souk_db_dialect(db), p, text);
}

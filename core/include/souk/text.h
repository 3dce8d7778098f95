/* Souk public API: full-text search, the same on SQLite and MariaDB. */
#ifndef SOUK_TEXT_H
#define SOUK_TEXT_H

#include <souk/core.h>
#include <souk/db.h>

#ifdef __cplusplus
extern "C" {
#endif

/*
 * One index table owned by the core (souk_text): an FTS5 table on SQLite,
 * FULLTEXT indexes on MariaDB. A document is (index, scope, doc): index
 * names the kind ("catalog", "forum"), scope whose it is (a site group),
 * doc the plugin's row id. Title words rank above body words. Writes join
 * the caller's souk_db_tx, so the index changes with the row it describes.
 */

/* Adds or replaces a document. title and body are plain text (strip
 * markup first); NULL reads as "". */
SOUK_API int souk_text_put(souk_db_t *db, const char *index,
    const char *scope, int64_t doc, const char *title, const char *body);
SOUK_API int souk_text_delete(souk_db_t *db, const char *index,
    const char *scope, int64_t doc);

/*
 * Turns what a shopper typed into the engine's query syntax: words only
 * (letters and digits of any script), each a prefix term that must match,
 * at most 16. Operators and quotes the engine would read are never passed
 * through. NULL when no word is left (answer "nothing to search for").
 * The result lives in pool p.
 */
SOUK_API const char *souk_text_query(souk_db_t *db, souk_pool_t *p,
    const char *text);

/*
 * A derived table to join in the caller's SQL, with the columns doc and
 * score (higher is better):
 *
 *   "SELECT p.id, m.score FROM " + souk_text_match_sql(db) + " m "
 *   "CROSS JOIN catalog_products p ON p.id = m.doc ... "
 *   "ORDER BY m.score DESC"
 *
 * Put it first and join the rest with CROSS JOIN, which on SQLite keeps
 * that order: the few matching documents drive the query, rather than a
 * scan of the caller's table probing the index once per row. Its
 * parameters come first too: bind them with souk_text_match_bind.
 */
SOUK_API const char *souk_text_match_sql(const souk_db_t *db);

/*
 * Binds the fragment's parameters (how many depends on the engine),
 * starting at parameter idx: returns the index of the next parameter, or
 * SOUK_ERROR.
 */
SOUK_API int souk_text_match_bind(souk_stmt_t *st, int idx,
    const char *index, const char *scope, const char *query);

#ifdef __cplusplus
}
#endif

#endif /* SOUK_TEXT_H */

-- Core: the full-text index (core/text.c) on MariaDB, one InnoDB table with
-- a FULLTEXT index. MATCH ... AGAINST needs its search string as a constant
-- in the statement text, so the query can appear only once in the SQL
-- souk_text_match_sql returns: title words weigh ten times body words
-- because `boost` holds the title ten times (InnoDB ranks by term count
-- times IDF squared) and one MATCH (boost, body) both finds and ranks.
--
-- The text columns are utf8mb4_unicode_ci, not the usual utf8mb4_bin: a
-- FULLTEXT index compares words with the column's collation, and only a
-- case- and accent-insensitive one lets "cafe" find "Café" as on SQLite.
--
-- No stopwords: InnoDB would silently drop "the", "about", "will" ... from
-- documents (innodb_ft_enable_stopword is read when the index is built).
-- Words shorter than innodb_ft_min_token_size (3) are still not indexed;
-- souk_text_query leaves them out of the query.
SET SESSION innodb_ft_enable_stopword = 0;
CREATE TABLE souk_text_docs (
    id      BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
    idx     VARCHAR(32) NOT NULL,
    scope   VARCHAR(64) NOT NULL,
    doc     BIGINT NOT NULL,
    title   MEDIUMTEXT COLLATE utf8mb4_unicode_ci NOT NULL,
    boost   MEDIUMTEXT COLLATE utf8mb4_unicode_ci NOT NULL,
    body    MEDIUMTEXT COLLATE utf8mb4_unicode_ci NOT NULL,
    UNIQUE KEY souk_text_docs_doc (idx, scope, doc),
    FULLTEXT KEY souk_text_docs_words (boost, body)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
SET SESSION innodb_ft_enable_stopword = 1;

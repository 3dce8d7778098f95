-- Core: the full-text index (core/text.c) on SQLite. One row per document
-- (index, scope, doc); an FTS5 table over title and body reads its text
-- from that row (external content) and the triggers keep it in step, so a
-- put or delete in the caller's transaction moves the index with it.
CREATE TABLE souk_text_docs (
    id      INTEGER PRIMARY KEY,
    idx     TEXT NOT NULL,
    scope   TEXT NOT NULL,
    doc     INTEGER NOT NULL,
    title   TEXT NOT NULL DEFAULT '',
    body    TEXT NOT NULL DEFAULT '',
    UNIQUE (idx, scope, doc)
);
-- remove_diacritics 2: "cafe" finds "Café" (case folds too).
CREATE VIRTUAL TABLE souk_text_fts USING fts5(
    title, body,
    content = 'souk_text_docs', content_rowid = 'id',
    tokenize = 'unicode61 remove_diacritics 2'
);
CREATE TRIGGER souk_text_docs_ai AFTER INSERT ON souk_text_docs BEGIN
    INSERT INTO souk_text_fts (rowid, title, body)
        VALUES (new.id, new.title, new.body);
END;
-- External content: FTS5 needs the old text to take the old terms out.
CREATE TRIGGER souk_text_docs_ad AFTER DELETE ON souk_text_docs BEGIN
    INSERT INTO souk_text_fts (souk_text_fts, rowid, title, body)
        VALUES ('delete', old.id, old.title, old.body);
END;
CREATE TRIGGER souk_text_docs_au AFTER UPDATE ON souk_text_docs BEGIN
    INSERT INTO souk_text_fts (souk_text_fts, rowid, title, body)
        VALUES ('delete', old.id, old.title, old.body);
    INSERT INTO souk_text_fts (rowid, title, body)
        VALUES (new.id, new.title, new.body);
END;

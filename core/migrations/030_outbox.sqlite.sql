-- Core: the outbox, messages written in the transaction that causes them
-- and sent later by soukd's delivery process (SQLite).
CREATE TABLE souk_outbox (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    kind        TEXT NOT NULL DEFAULT 'mail',
    site        TEXT NOT NULL DEFAULT '',
    msg_key     TEXT NOT NULL UNIQUE,
    recipient   TEXT NOT NULL,
    subject     TEXT NOT NULL,
    body_text   TEXT NOT NULL,
    body_html   TEXT,
    state       TEXT NOT NULL DEFAULT 'pending',
    attempts    INTEGER NOT NULL DEFAULT 0,
    next_at     INTEGER NOT NULL,
    claimed_by  TEXT,
    created_at  INTEGER NOT NULL,
    sent_at     INTEGER,
    last_error  TEXT
);
-- The delivery pass looks for pending rows that are due.
CREATE INDEX souk_outbox_due ON souk_outbox (state, next_at);

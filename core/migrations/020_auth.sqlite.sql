-- Core: sessions, accounts, roles, API tokens and login failures (SQLite).
CREATE TABLE souk_users (
    id             INTEGER PRIMARY KEY AUTOINCREMENT,
    realm          TEXT NOT NULL,
    email          TEXT NOT NULL,
    password_hash  TEXT,
    created_at     INTEGER NOT NULL,
    disabled       INTEGER NOT NULL DEFAULT 0,
    UNIQUE (realm, email)
);

CREATE TABLE souk_user_roles (
    user_id  INTEGER NOT NULL REFERENCES souk_users (id) ON DELETE CASCADE,
    role     TEXT NOT NULL,
    site_id  TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (user_id, role, site_id)
);

CREATE TABLE souk_sessions (
    id_hash     TEXT PRIMARY KEY,
    realm       TEXT NOT NULL,
    user_id     INTEGER REFERENCES souk_users (id) ON DELETE CASCADE,
    csrf        TEXT NOT NULL,
    data        TEXT NOT NULL DEFAULT '{}',
    created_at  INTEGER NOT NULL,
    seen_at     INTEGER NOT NULL,
    expires_at  INTEGER NOT NULL
);
CREATE INDEX souk_sessions_expires ON souk_sessions (expires_at);
CREATE INDEX souk_sessions_user ON souk_sessions (user_id);

CREATE TABLE souk_api_tokens (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    user_id       INTEGER NOT NULL REFERENCES souk_users (id)
                  ON DELETE CASCADE,
    label         TEXT NOT NULL DEFAULT '',
    token_hash    TEXT NOT NULL UNIQUE,
    created_at    INTEGER NOT NULL,
    last_used_at  INTEGER,
    revoked_at    INTEGER
);
CREATE INDEX souk_api_tokens_user ON souk_api_tokens (user_id);

CREATE TABLE souk_login_failures (
    id     INTEGER PRIMARY KEY AUTOINCREMENT,
    realm  TEXT NOT NULL,
    email  TEXT NOT NULL,
    ip     TEXT NOT NULL,
    at     INTEGER NOT NULL
);
CREATE INDEX souk_login_failures_email
    ON souk_login_failures (realm, email, at);
CREATE INDEX souk_login_failures_ip ON souk_login_failures (ip, at);
